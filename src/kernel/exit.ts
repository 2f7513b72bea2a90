// Mirrors kernel/exit.c: do_exit, reaping, and wait4.
import { ECHILD } from "../include/uapi/errno.js";
import { SIGCHLD } from "../include/uapi/signal.js";
import { current, type Task } from "./sched/task.js";
import { wait_event_interruptible } from "./sched/wait.js";
import { send_sig } from "./signal.js";

/**
 * Thrown inside a user program to end it: by exit(), or when a signal kills it on the way back
 * from a system call. `status` is the wait(2) status word.
 */
export class ProcessExit {
  readonly kplay_exit = true;
  constructor(readonly status: number) {}
}

export const WNOHANG = 1;

export function W_EXITCODE(code: number, sig: number): number {
  return ((code & 0xff) << 8) | (sig & 0x7f);
}

/** do_exit(): close files, become a zombie, hand children to init, tell the parent. */
export function do_exit(task: Task, status: number): void {
  if (task.state === "Z" || task.state === "X") return;
  task.files?.close_all();
  task.exit_status = status;
  task.state = "Z";
  const k = task.kernel;
  const init = k.tasks.get(1) ?? null;
  for (const c of task.children) {
    c.parent = init;
    init?.children.add(c);
    if (c.state === "Z" && init) release_task(c);
  }
  task.children.clear();
  const parent = task.parent;
  if (!parent || parent.pid <= 1 || parent.is_kthread) release_task(task);
  else {
    send_sig(SIGCHLD, parent);
    parent.wait_chldexit.wake_up();
  }
  task.notify_exited();
}

/** release_task(): drop a reaped task from the pid table. */
export function release_task(task: Task): void {
  task.state = "X";
  task.parent?.children.delete(task);
  task.kernel.tasks.delete(task.pid);
}

/** wait4(pid, &status, options): pid -1 waits for any child. Returns [pid, status] or -errno. */
export async function sys_wait4(pid: number, options: number): Promise<number | [number, number]> {
  const me = current();
  const match = (c: Task): boolean => pid === -1 || c.pid === pid;
  let found: Task | undefined;
  const ready = (): boolean => {
    found = [...me.children].find((c) => match(c) && c.state === "Z");
    return found !== undefined || ![...me.children].some(match);
  };
  if (!ready()) {
    if (options & WNOHANG) return 0;
    const r = await wait_event_interruptible(me.wait_chldexit, ready);
    if (r) return r;
  }
  if (!found) return -ECHILD;
  const status = found.exit_status;
  release_task(found);
  return [found.pid, status];
}
