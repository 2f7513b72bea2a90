// glibc's syscall(2) (sysdeps/unix/sysv/linux/arm/syscall.S): make system call `number` with up to
// six arguments in r0-r5. A number goes in as it is; a string is a pointer to its bytes with a
// NUL after them; a Uint8Array is a pointer to the program's buffer; null is NULL. Any other object
// is passed on as it is (kplay's C library hands structures to the kernel that way). A return in
// -4096..-1 is an error: errno is set and the result is -1. The result comes at once when the
// kernel did not sleep, as a promise when it did (await either).
import { syscall as enter_kernel } from "../../kernel/entry.js";
import { invoke_syscall } from "../../kernel/syscall_table.js";
import { NULL_USER, UserPtr } from "../../kernel/uaccess.js";
import { libc } from "./state.js";
import { then_or_now, type MaybeAsync } from "../../fs/file.js";

export type SyscallArg = number | string | Uint8Array | null | object;

const encoder = new TextEncoder();

/** What a register holds once the argument is loaded into it. */
function reg(arg: SyscallArg): unknown {
  if (typeof arg === "string") return new UserPtr(encoder.encode(arg + "\0"));
  if (arg instanceof Uint8Array) return new UserPtr(arg);
  if (arg === null) return NULL_USER;
  return arg;
}

export function syscall(number: number, ...args: SyscallArg[]): MaybeAsync<number> {
  const regs = args.slice(0, 6).map(reg);
  return then_or_now(enter_kernel(() => invoke_syscall(number, regs)), (r) => {
    r |= 0;
    if (r < 0 && r >= -4096) {
      libc().errno = -r;
      return -1;
    }
    return r;
  });
}
