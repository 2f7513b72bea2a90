// Mirrors kernel/kthread.c: kernel threads, children of kthreadd, running a function until it
// returns or kthread_stop() asks it to. A thread created with kthread_create() waits for
// wake_up_process() before it runs; kthread_run() does both.
import { PF_KTHREAD, current, run_as, type Task } from "./sched/task.js";
import { do_exit, W_EXITCODE } from "./exit.js";
import { ModuleFault } from "./module/module.js";
import { oops } from "./panic.js";
import { vsprintf, type FormatArg } from "../lib/vsprintf.js";
import type { MaybeAsync } from "../fs/file.js";

interface KthreadState {
  threadfn: (data: unknown) => MaybeAsync<number>;
  data: unknown;
  started: boolean;
  result: number;
  /** The module whose code the thread runs, for Oops reports. */
  module: string | null;
}

const kthreads = new WeakMap<Task, KthreadState>();

/** kthread_create(threadfn, data, namefmt, ...): a stopped kernel thread, or -errno. */
export function kthread_create(threadfn: (data: unknown) => MaybeAsync<number>, data: unknown, namefmt: string, ...args: FormatArg[]): Task {
  const k = current().kernel;
  const kthreadd = [...k.tasks.values()].find((t) => t.comm === "kthreadd") ?? k.init_task;
  const t = k.new_task(vsprintf(namefmt, args), kthreadd, k.init_task.cred);
  t.flags |= PF_KTHREAD;
  t.state = "S";
  const running = k.modules.initializing();
  kthreads.set(t, { threadfn, data, started: false, result: 0, module: running?.name ?? null });
  return t;
}

/** wake_up_process(task): start a created kernel thread. */
export function wake_up_process(task: Task): number {
  const st = kthreads.get(task);
  if (!st || st.started) return 0;
  st.started = true;
  task.state = "R";
  void run_as(task, async () => {
    try {
      st.result = await st.threadfn(st.data);
    } catch (e) {
      oops(task.kernel, e instanceof ModuleFault ? e.cause_error : e, st.module);
      st.result = -1;
    }
    do_exit(task, W_EXITCODE(0, 0));
  });
  return 1;
}

/** kthread_run(threadfn, data, namefmt, ...) */
export function kthread_run(threadfn: (data: unknown) => MaybeAsync<number>, data: unknown, namefmt: string, ...args: FormatArg[]): Task {
  const t = kthread_create(threadfn, data, namefmt, ...args);
  wake_up_process(t);
  return t;
}

/** kthread_should_stop(): true once kthread_stop() was called on the current thread. */
export function kthread_should_stop(): boolean {
  return current().should_stop;
}

/**
 * kthread_stop(task): set should_stop, wake the thread, and wait for it to exit. Returns what its
 * function returned (-EINTR if it never ran).
 */
export async function kthread_stop(task: Task): Promise<number> {
  const st = kthreads.get(task);
  task.should_stop = true;
  if (st && !st.started) {
    do_exit(task, 0);
    return -4;
  }
  task.signal_wake?.();
  await task.exited;
  return st?.result ?? 0;
}
