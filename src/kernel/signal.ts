// Mirrors kernel/signal.c: sending signals and asking whether one is pending.
import { SIGKILL, sig_default_ignore } from "../include/uapi/signal.js";
import { EINVAL, EPERM, ESRCH } from "../include/uapi/errno.js";
import { capable, CAP_KILL } from "./capability.js";
import { current, type Task } from "./sched/task.js";

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

/**
 * force_sig(sig): a fault of the current task (a bad system call, an illegal instruction). A
 * handler still runs; an ignored signal gets its default action back, so the task dies.
 */
export function force_sig(sig: number): void {
  const t = current();
  if (t.sighand.get(sig) === "ignore") t.sighand.set(sig, "default");
  t.pending.add(sig);
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

/**
 * kill_ok_by_cred(): the sender's real or effective uid matches the target's real or saved uid,
 * or the sender has CAP_KILL.
 */
function kill_ok_by_cred(t: Task): boolean {
  const c = current().cred;
  const tc = t.cred;
  return c.euid === tc.suid || c.euid === tc.uid || c.uid === tc.suid || c.uid === tc.uid || capable(CAP_KILL);
}

/** kill(2): a positive pid names a process, a negative one a process group; signal 0 probes. */
export function sys_kill(pid: number, sig: number): number {
  const targets = [...current().kernel.tasks.values()].filter((t) => !t.is_kthread && (pid > 0 ? t.pid === pid : t.pgrp === -pid));
  if (targets.length === 0) return -ESRCH;
  if (sig < 0 || sig > 64) return -EINVAL;
  for (const t of targets) {
    if (!kill_ok_by_cred(t)) return -EPERM;
    if (sig) send_sig(sig, t);
  }
  return 0;
}
