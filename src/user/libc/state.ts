// Per-process user-space state of the C library: errno, the environment and the stdio streams.
// It lives outside the kernel's task_struct, as it lives in the process's memory on Linux.
import { current, type Task } from "../../kernel/sched/task.js";
import type { FILE } from "./stdio.js";

export interface LibcState {
  errno: number;
  environ: Map<string, string>;
  stdin: FILE;
  stdout: FILE;
  stderr: FILE;
  /** argv[0] as the program was started, for program_invocation_name. */
  progname: string;
}

const states = new WeakMap<Task, LibcState>();

export function libc(): LibcState {
  const s = states.get(current());
  if (!s) throw new Error("kplay: libc used before the program started");
  return s;
}

export function libc_attach(task: Task, s: LibcState): void {
  states.set(task, s);
}

/** Set errno from a negative kernel return and give -1, or pass a success through. */
export function ret(r: number): number {
  if (r < 0) {
    libc().errno = -r;
    return -1;
  }
  return r;
}
