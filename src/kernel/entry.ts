// Mirrors arch/arm/kernel/entry-common.S in spirit: the one door between user programs and the
// kernel. Every system call passes through syscall(): the clock accounts for it, a kernel bug
// becomes an Oops and kills the caller with SIGSEGV, and on the way back pending signals are
// delivered (a handler runs, or the default action ends the process).
import { EINTR, ERESTARTSYS } from "../include/uapi/errno.js";
import { SIGSEGV, sig_default_ignore } from "../include/uapi/signal.js";
import { current, type Task } from "./sched/task.js";
import { ProcessExit, W_EXITCODE } from "./exit.js";
import { dequeue_signal } from "./signal.js";
import { oops } from "./panic.js";
import { ModuleFault } from "./module/module.js";

/** Virtual nanoseconds one system call costs on the deterministic clock. */
const SYSCALL_COST_NS = 2_000;

function die(task: Task, e: unknown): never {
  if ((e as ProcessExit)?.kplay_exit) throw e;
  const fault = e instanceof ModuleFault ? e : null;
  oops(task.kernel, fault ? fault.cause_error : e, fault ? fault.module : null);
  if (process.env.KPLAY_DEBUG) console.error(fault ? fault.cause_error : e);
  throw new ProcessExit(W_EXITCODE(0, SIGSEGV));
}

/** Deliver pending signals on return to user space; -ERESTARTSYS becomes -EINTR. */
function ret_to_user<T>(task: Task, r: T): T {
  while (task.pending.size > 0) {
    const sig = dequeue_signal(task);
    const h = task.sighand.get(sig) ?? "default";
    if (typeof h === "function") h(sig);
    else if (h === "default" && !sig_default_ignore.has(sig)) throw new ProcessExit(W_EXITCODE(0, sig));
  }
  return (r === -ERESTARTSYS ? -EINTR : r) as T;
}

/**
 * Enter the kernel. A call whose kernel path does not sleep returns synchronously, one that sleeps
 * returns a promise; either way the result is what user space sees.
 */
export function syscall<T>(fn: () => Promise<T>): Promise<T>;
export function syscall<T>(fn: () => T): T;
export function syscall<T>(fn: () => T | Promise<T>): T | Promise<T> {
  const task = current();
  task.kernel.clock.tick(SYSCALL_COST_NS);
  let r: T | Promise<T>;
  try {
    r = fn();
  } catch (e) {
    die(task, e);
  }
  if (r instanceof Promise) return r.then((v) => ret_to_user(task, v), (e) => die(task, e));
  return ret_to_user(task, r);
}
