// Mirrors include/linux/sched.h: struct task_struct, and `current`, the task the code runs for.
// Every task (user process or kernel thread) is an async function; `current` follows it across
// awaits through AsyncLocalStorage, as the kernel's per-CPU current pointer follows a context switch.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kernel } from "../kernel.js";
import type { FilesStruct } from "../../fs/file.js";
import { WaitQueueHead } from "./wait.js";
import { prepare_creds, type Cred } from "../cred.js";

export const PF_EXITING = 0x00000004;
export const PF_SUPERPRIV = 0x00000100;
export const PF_KTHREAD = 0x00200000;

export type TaskState = "R" | "S" | "D" | "Z" | "X";

export type SigHandler = "default" | "ignore" | ((sig: number) => void);

export class Task {
  comm: string;
  state: TaskState = "R";
  flags = 0;
  parent: Task | null;
  readonly children = new Set<Task>();
  /** Process group and session, for the terminal's foreground group and job control. */
  pgrp: number;
  session: number;
  /** argv and environment of the program image; null for kernel threads. */
  mm: { argv: string[]; envp: string[] } | null = null;
  files: FilesStruct | null = null;
  /** fs_struct: the working directory and the file-creation mask (init_fs has 0022). */
  cwd = "/";
  umask = 0o022;
  cred: Cred;
  /** wait(2) status word once the task is a zombie: exit code << 8, or the killing signal. */
  exit_status = 0;
  readonly start_time: number;
  /** CPU time in nanoseconds, for ps and /proc/PID/stat. */
  utime = 0;
  stime = 0;

  readonly pending = new Set<number>();
  readonly sighand = new Map<number, SigHandler>();
  /** Signals a kernel thread accepts (allow_signal); user tasks accept all. */
  readonly allowed = new Set<number>();
  /** Wakes the task from an interruptible sleep when a signal arrives. */
  signal_wake: (() => void) | null = null;
  /** Woken when a child changes state (wait4). */
  readonly wait_chldexit = new WaitQueueHead();
  /** Resolved when the task has exited. */
  readonly exited: Promise<void>;
  notify_exited!: () => void;
  /** kthread_should_stop() */
  should_stop = false;

  constructor(
    readonly kernel: Kernel,
    readonly pid: number,
    comm: string,
    parent: Task | null,
    cred: Cred,
  ) {
    this.comm = comm.slice(0, 15);
    this.parent = parent;
    this.cred = prepare_creds(cred);
    this.pgrp = parent?.pgrp ?? pid;
    this.session = parent?.session ?? pid;
    this.start_time = kernel.clock.now();
    this.exited = new Promise((resolve) => (this.notify_exited = resolve));
  }

  get is_kthread(): boolean {
    return (this.flags & PF_KTHREAD) !== 0;
  }
}

const current_task = new AsyncLocalStorage<Task>();

/** The task this code runs for. Kernel code outside any task (boot) runs as the idle task. */
export function current(): Task {
  const t = current_task.getStore();
  if (!t) throw new Error("kplay: kernel code ran outside any task");
  return t;
}

/** The current task, or undefined outside any task. */
export function current_or_null(): Task | undefined {
  return current_task.getStore();
}

/** Run `fn` as `task`: everything it calls, and awaits, sees `current() === task`. */
export function run_as<T>(task: Task, fn: () => T): T {
  return current_task.run(task, fn);
}
