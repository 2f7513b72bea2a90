// Mirrors sys_call_table of arch/arm/kernel/entry-common.S (the EABI table, calls-eabi.S, built
// from syscall.tbl with sys_ni_syscall in every gap and padding slot), the dispatch vector_swi does
// on the number in r7 (invoke_syscall; arm_syscall of arch/arm/kernel/traps.c for the numbers past
// the table), kernel/sys_ni.c, and kplay_syscall_install/kplay_syscall_remove: kplay's way for a
// module to add a system call.
//
// Adding a system call from a module. The 2005 Linux Journal tutorial (seed 003) stores its handler
// in sys_call_table[223] from its init function and puts sys_ni_syscall back in its exit function.
// Modern Linux forbids that: sys_call_table has not been exported to modules since 2.6; since 4.x
// (STRICT_KERNEL_RWX, and DEBUG_RODATA before it) the table is read-only once boot is over; and the
// usual way around the missing export, looking the table up with kallsyms_lookup_name(), ended in
// 5.7, which stopped exporting that function too. Today a new system call means patching
// syscall.tbl and rebuilding the kernel. kplay offers kplay_syscall_install() so that the
// tutorial's module can still add its call at run time: the handler goes into a slot that 5.15's
// ARM table leaves unassigned (from 223, the tutorial's own number, up), the module is held
// (try_module_get) while a call runs, so rmmod waits with EWOULDBLOCK instead of unloading code
// that is running, and a slot a module leaves installed is reported and emptied when it unloads.
import { EBUSY, EINVAL, ENOSPC, ENOSYS } from "../include/uapi/errno.js";
import { SIGILL, SIGSEGV, SIGTRAP } from "../include/uapi/signal.js";
import type { MaybeAsync } from "../fs/file.js";
import { current, type Task } from "./sched/task.js";
import { force_sig } from "./signal.js";
import { printk } from "./printk/printk.js";
import { module_put, try_module_get, type Module } from "./module/module.js";
import { syscall_tbl, __NR_syscalls, __ARM_NR_BASE } from "./syscall_tbl.js";
import { syscall_entries, type SyscallEntry } from "./syscalls.js";
import type { Kernel } from "./kernel.js";

/**
 * A system call handler a module installs: it takes the caller's registers as its C prototype
 * names them (a `struct params __user *` arrives as a UserPtr, an int as a number) and returns a
 * long, a negative errno on failure.
 */
export type SyscallHandler = (...regs: never[]) => MaybeAsync<number>;

/** sys_ni_syscall(): a number with no system call behind it (kernel/sys_ni.c). */
export function sys_ni_syscall(): number {
  return -ENOSYS;
}

/** sys_call_table: the entry of each number below __NR_syscalls, null for sys_ni_syscall. */
const sys_call_table: readonly (SyscallEntry | null)[] = (() => {
  const table: (SyscallEntry | null)[] = new Array<SyscallEntry | null>(__NR_syscalls).fill(null);
  for (const row of syscall_tbl) if (row.abi === "common") table[row.nr] = syscall_entries[row.name] ?? null;
  return table;
})();

/** The numbers syscall.tbl assigns, in any ABI: never free for a module. */
const assigned = new Set(syscall_tbl.map((row) => row.nr));

/** The first number kplay_syscall_install considers: the tutorial's 223. */
export const KPLAY_SYSCALL_FIRST = 223;

/** The slots a module may take: 223, 254, 255, 402, 415, 447, 449, 450 and 451. */
export const kplay_syscall_slots: readonly number[] = Array.from({ length: __NR_syscalls - KPLAY_SYSCALL_FIRST }, (_, i) => KPLAY_SYSCALL_FIRST + i).filter((nr) => !assigned.has(nr));

/** A handler in a slot, the module it belongs to, and the module whose init or exit put it there. */
interface Installed {
  handler: SyscallHandler;
  owner: Module | null;
  registrar: Module | null;
}

const installed_by_kernel = new WeakMap<Kernel, Map<number, Installed>>();

function installed(k: Kernel = current().kernel): Map<number, Installed> {
  let m = installed_by_kernel.get(k);
  if (!m) installed_by_kernel.set(k, (m = new Map()));
  return m;
}

/**
 * kplay_syscall_install(handler, owner, nr): put `handler` in slot `nr`, or with nr -1 in the first
 * free slot of kplay_syscall_slots. `owner` is THIS_MODULE: it is held while a call runs. Returns
 * the number, or -EINVAL (nr outside the table), -EBUSY (nr is a Linux system call or already
 * installed), -ENOSPC (no free slot). A kplay extension; see the top of this file.
 */
export function kplay_syscall_install(handler: SyscallHandler, owner: Module | null, nr = -1): number {
  const slots = installed();
  if (nr === -1) {
    const free = kplay_syscall_slots.find((n) => !slots.has(n));
    if (free === undefined) return -ENOSPC;
    nr = free;
  }
  if (!Number.isInteger(nr) || nr < 0 || nr >= __NR_syscalls) return -EINVAL;
  if (assigned.has(nr) || slots.has(nr)) return -EBUSY;
  slots.set(nr, { handler, owner, registrar: current().kernel.modules.initializing() });
  return nr;
}

/** kplay_syscall_remove(nr): make `nr` sys_ni_syscall again. 0, or -EINVAL when nothing is installed there. */
export function kplay_syscall_remove(nr: number): number {
  return installed().delete(nr) ? 0 : -EINVAL;
}

/** Run an installed handler as code of its module, holding a reference on the module meanwhile. */
function call_installed(e: Installed, regs: unknown[]): MaybeAsync<number> {
  const mod = e.owner ?? e.registrar;
  if (!try_module_get(e.owner)) return sys_ni_syscall();
  const handler = e.handler as (...r: unknown[]) => MaybeAsync<number>;
  let r: MaybeAsync<number>;
  try {
    r = mod ? mod.call_handler(() => handler(...regs)) : handler(...regs);
  } catch (err) {
    module_put(e.owner);
    throw err;
  }
  if (typeof r === "number") {
    module_put(e.owner);
    return r;
  }
  return r.finally(() => module_put(e.owner));
}

/** The TLS register value of each task (ARM's set_tls and get_tls). */
const tp_value = new WeakMap<Task, number>();

/** bad_syscall(): a number that is no system call at all kills the caller with SIGILL. */
function bad_syscall(): number {
  force_sig(SIGILL);
  return 0;
}

/**
 * arm_syscall(no, regs): ARM's private calls at __ARM_NR_BASE (0x0f0000): breakpoint, cacheflush,
 * set_tls and get_tls; the rest of 0x0f0000-0x0f07ff is -ENOSYS, and any other number beyond the
 * table (a negative one too) is bad_syscall.
 */
function arm_syscall(no: number, regs: unknown[]): number {
  if (no >> 16 !== __ARM_NR_BASE >> 16) return bad_syscall();
  const reg = (i: number): number => (typeof regs[i] === "number" ? (regs[i] as number) >>> 0 : 0);
  switch (no & 0xffff) {
    case 0: /* branch through zero */
      force_sig(SIGSEGV);
      return 0;
    case 1: /* breakpoint: ptrace_break */
      force_sig(SIGTRAP);
      return reg(0);
    case 2: /* cacheflush(start, end, flags): kplay has no caches to flush */
      return reg(1) < reg(0) || reg(2) ? -EINVAL : 0;
    case 3: /* usr26 */
    case 4: /* usr32: only on 26-bit capable CPUs */
      break;
    case 5: /* set_tls */
      tp_value.set(current(), reg(0));
      return 0;
    case 6: /* get_tls */
      return tp_value.get(current()) ?? 0;
    default:
      /* Calls 9f00xx..9f07ff are defined to return -ENOSYS if not implemented, rather than raising SIGILL. */
      if ((no & 0xffff) <= 0x7ff) return -ENOSYS;
  }
  return bad_syscall();
}

/**
 * invoke_syscall(nr, regs): the call numbered `nr` with the registers r0-r5, as vector_swi
 * dispatches it: a slot a module installed, else sys_call_table (sys_ni_syscall, -ENOSYS, for a
 * gap, an OABI-only number or a call kplay lacks), -ENOSYS up to __ARM_NR_BASE, then arm_syscall.
 */
export function invoke_syscall(nr: number, regs: unknown[]): MaybeAsync<number> {
  const scno = nr >>> 0;
  if (scno < __NR_syscalls) {
    const e = installed().get(scno);
    if (e) return call_installed(e, regs);
    const entry = sys_call_table[scno];
    return entry ? entry(...regs) : sys_ni_syscall();
  }
  if (scno < __ARM_NR_BASE) return sys_ni_syscall();
  return arm_syscall(nr | 0, regs);
}

/** Whether `nr` reaches a system call kplay implements (built in or installed). */
export function syscall_implemented(nr: number): boolean {
  return nr >= 0 && nr < __NR_syscalls && (sys_call_table[nr] !== null || installed().has(nr));
}

/**
 * The loader's check that a module's exit (or failed init) removed its system calls. Linux would
 * keep the dangling pointer in sys_call_table and oops on the next call; kplay says so and
 * empties the slot.
 */
export function syscall_table_init(k: Kernel): void {
  k.module_leak_checks.push((mod) => {
    const slots = installed(k);
    for (const [nr, e] of slots) {
      if (e.owner !== mod && e.registrar !== mod) continue;
      printk("\x014kplay: module %s left system call %d installed; removing it\n", mod.name, nr);
      slots.delete(nr);
    }
  });
}
