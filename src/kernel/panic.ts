// Mirrors kernel/panic.c (taint flags, WARN) and arch/arm/kernel/traps.c + arch/arm/mm/fault.c (the
// Oops report). A module that throws is a kernel bug: kplay reports it as an ARM Oops, taints the
// kernel with D and kills the task that ran the code, and the machine keeps going.
import { current } from "./sched/task.js";
import { printk } from "./printk/printk.js";
import type { Kernel } from "./kernel.js";

export const TAINT_PROPRIETARY_MODULE = 0;
export const TAINT_FORCED_MODULE = 1;
export const TAINT_CPU_OUT_OF_SPEC = 2;
export const TAINT_FORCED_RMMOD = 3;
export const TAINT_MACHINE_CHECK = 4;
export const TAINT_BAD_PAGE = 5;
export const TAINT_USER = 6;
export const TAINT_DIE = 7;
export const TAINT_OVERRIDDEN_ACPI_TABLE = 8;
export const TAINT_WARN = 9;
export const TAINT_CRAP = 10;
export const TAINT_FIRMWARE_WORKAROUND = 11;
export const TAINT_OOT_MODULE = 12;
export const TAINT_UNSIGNED_MODULE = 13;

/** taint_flags[]: the letter when set, when clear. */
const taint_flags: [string, string][] = [
  ["P", "G"], ["F", " "], ["S", " "], ["R", " "], ["M", " "], ["B", " "], ["U", " "], ["D", " "], ["A", " "],
  ["W", " "], ["C", " "], ["I", " "], ["O", " "], ["E", " "], ["L", " "], ["K", " "], ["X", " "], ["T", " "],
];

/** Module taint letters in bit order (module_flags): P F C O E K X T. */
const module_taint_bits = [TAINT_PROPRIETARY_MODULE, TAINT_FORCED_MODULE, TAINT_CRAP, TAINT_OOT_MODULE, TAINT_UNSIGNED_MODULE, 15, 16, 17];

export function module_taint_letters(taints: number): string {
  return module_taint_bits.filter((b) => taints & (1 << b)).map((b) => taint_flags[b][0]).join("");
}

/** print_tainted(): "Not tainted" or "Tainted: " and one column per flag. */
export function print_tainted(tainted: number): string {
  if (!tainted) return "Not tainted";
  return "Tainted: " + taint_flags.map(([on, off], bit) => (tainted & (1 << bit) ? on : off)).join("");
}

export function add_taint(kernel: Kernel, flag: number): void {
  kernel.tainted |= 1 << flag;
}

/** print_modules(): "Modules linked in:" and every module with its taint letters. */
function print_modules(kernel: Kernel): void {
  let line = "Modules linked in:";
  for (const mod of kernel.modules.list()) line += " " + mod.name + mod.flags_string();
  if (kernel.modules.last_unloaded) line += ` [last unloaded: ${kernel.modules.last_unloaded}]`;
  printk("%s\n", line);
}

/** dump_stack_print_info() and a short ARM backtrace. */
function dump_stack(kernel: Kernel, frames: string[]): void {
  const t = current();
  printk("\x014CPU: 0 PID: %d Comm: %.20s %s %s %s\n", t.pid, t.comm, print_tainted(kernel.tainted), kernel.utsname.release, kernel.utsname.version.split(" ")[0]);
  printk("\x014Hardware name: ARM-Versatile Express\n");
  let addr = 0xc0110000;
  const chain = ["unwind_backtrace", "show_stack", "dump_stack", ...frames];
  for (let i = 1; i < chain.length; i++) {
    addr += 0x1a4c + i * 0x3c8;
    printk("\x014[<%08x>] (%s) from [<%08x>] (%s)\n", addr, chain[i - 1], addr + 0x2f0, chain[i]);
  }
}

function end_trace(kernel: Kernel): void {
  const id = kernel.random_u32().toString(16).padStart(8, "0") + kernel.random_u32().toString(16).padStart(8, "0");
  printk("\x014---[ end trace %s ]---\n", id);
}

/**
 * WARN(1, fmt, ...) from `where` ("lib/idr.c:525 ida_free+0x..."): the cut-here block with the
 * message, modules, the stack, and taint W.
 */
export function warn_slowpath(kernel: Kernel, where: string, msg: string, frames: string[]): void {
  printk("\x014------------[ cut here ]------------\n");
  if (msg) printk("\x014%s", msg);
  printk("\x014WARNING: CPU: 0 PID: %d at %s\n", current().pid, where);
  print_modules(kernel);
  dump_stack(kernel, frames);
  end_trace(kernel);
  add_taint(kernel, TAINT_WARN);
}

/** WARN_ON(condition) at `where`: the condition, after a warning report when it holds. */
export function WARN_ON(condition: unknown, where: string, frames: string[]): boolean {
  if (condition) warn_slowpath(current().kernel, where, "", frames);
  return !!condition;
}

/** What a thrown JS error looks like to the kernel: a NULL dereference, or a BUG(). */
function describe_fault(err: unknown): { nullDeref: boolean; fn: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  const nullDeref = e instanceof TypeError && /null|undefined/.test(e.message);
  const m = /at (?:async )?(?:Object\.)?([A-Za-z_$][\w$]*)/.exec(e.stack?.split("\n").slice(1).join("\n") ?? "");
  return { nullDeref, fn: m?.[1] ?? "0x0" };
}

/**
 * die(): report a kernel bug in code run by the current task as an ARM Oops, and taint D. The
 * caller then kills the task with SIGSEGV (make_task_dead).
 */
export function oops(kernel: Kernel, err: unknown, module: string | null): void {
  const { nullDeref, fn } = describe_fault(err);
  const t = current();
  const modtag = module ? ` [${module}]` : "";
  if (nullDeref) {
    printk("\x011" + "8<--- cut here ---\n");
    printk("\x011Unable to handle kernel NULL pointer dereference at virtual address 00000000\n");
    printk("\x011[00000000] *pgd=00000000\n");
    printk("\x010Internal error: Oops: 5 [#%d] SMP ARM\n", ++kernel.die_counter);
  } else {
    printk("\x014------------[ cut here ]------------\n");
    printk("\x012kernel BUG at %s!\n", module ? `${module}.c:0` : "kernel/kplay.c:0");
    printk("\x010Internal error: Oops - BUG: 0 [#%d] SMP ARM\n", ++kernel.die_counter);
  }
  print_modules(kernel);
  printk("\x014CPU: 0 PID: %d Comm: %.20s %s %s %s\n", t.pid, t.comm, print_tainted(kernel.tainted), kernel.utsname.release, kernel.utsname.version.split(" ")[0]);
  printk("\x014Hardware name: ARM-Versatile Express\n");
  printk("\x014PC is at %s+0x14/0x2c%s\n", fn, modtag);
  printk("\x014LR is at proc_reg_read+0x58/0x9c\n");
  printk("\x010Process %.16s (pid: %d, stack limit = 0x(ptrval))\n", t.comm, t.pid);
  printk("\x010Code: e5903000 e3530000 0a000004 e1a00004 (e5933000)\n");
  end_trace(kernel);
  add_taint(kernel, TAINT_DIE);
}
