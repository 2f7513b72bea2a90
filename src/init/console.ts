// Mirrors console_on_rootfs() in init/main.c and what a getty does: open a terminal as a
// program's standard input, output and error, make it the session's controlling terminal and its
// process the foreground group, and show kernel console messages on it.
import type { Kernel } from "../kernel/kernel.js";
import type { Task } from "../kernel/sched/task.js";
import type { Cred } from "../kernel/cred.js";
import { run_as } from "../kernel/sched/task.js";
import { sys_spawn } from "../kernel/fork.js";
import type { Terminal } from "../drivers/tty/tty.js";
import type { Console } from "../kernel/printk/printk.js";

/** The environment BusyBox init gives the programs it starts. */
export const INIT_ENV = ["HOME=/", "TERM=linux", "PATH=/sbin:/usr/sbin:/bin:/usr/bin", "SHELL=/bin/sh", "USER=root"];

/** register_console(): kernel messages at console level appear on `tty` as they are logged. */
export function register_console(k: Kernel, tty: Terminal): Console {
  const con: Console = { name: tty.name, write: (text) => tty.sink.write("console", text) };
  k.printk.register_console(con);
  return con;
}

/** Start `path` on `tty` as a child of init in a session of its own; the task, or -errno. */
export function spawn_on_terminal(k: Kernel, tty: Terminal, path: string, argv: string[], opts: { cred?: Cred; env?: string[] } = {}): Task | number {
  const init = k.tasks.get(1)!;
  const pid = run_as(init, () => sys_spawn(path, argv, opts.env ?? INIT_ENV, { stdio: tty.open_std(), setsid: true, cred: opts.cred }));
  if (pid < 0) return pid;
  tty.fg_pgrp = pid;
  return k.tasks.get(pid) ?? pid;
}
