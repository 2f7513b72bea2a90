// Mirrors kernel/signal.c: sending signals and asking whether one is pending.
import { SIGKILL, sig_default_ignore } from "../include/uapi/signal.js";
import type { Task } from "./sched/task.js";

/** Whether `task` would act on `sig` at all (a handler, or a default action that is not "ignore"). */
function sig_ignored(task: Task, sig: number): boolean {
  if (sig === SIGKILL) return false;
  if (task.is_kthread) return !task.allowed.has(sig);
  const h = task.sighand.get(sig) ?? "default";
  return h === "ignore" || (h === "default" && sig_default_ignore.has(sig));
}

/** send_sig(sig, task, priv): queue `sig` and wake the task if it sleeps interruptibly. */
export function send_sig(sig: number, task: Task): number {
  if (task.state === "Z" || task.state === "X") return 0;
  if (sig_ignored(task, sig)) return 0;
  task.pending.add(sig);
  task.signal_wake?.();
  return 0;
}

/** signal_pending(task) */
export function signal_pending(task: Task): boolean {
  return task.pending.size > 0;
}

/** allow_signal(sig): let the current kernel thread receive `sig`. */
export function allow_signal(task: Task, sig: number): void {
  task.allowed.add(sig);
}

/** Take the lowest pending signal off the queue (dequeue_signal). */
export function dequeue_signal(task: Task): number {
  let sig = 0;
  for (const s of task.pending) if (sig === 0 || s < sig) sig = s;
  if (sig) task.pending.delete(sig);
  return sig;
}
