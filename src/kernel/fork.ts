// Mirrors kernel/fork.c and the execve half of fs/exec.c, fused the way posix_spawn(3) fuses them:
// a JavaScript continuation cannot be cloned, so a new process starts either a program from the
// filesystem or (for the shell's forked subshells) a function, with a copy of its parent's
// descriptor table edited by file actions.
import { EBADF, ENOENT } from "../include/uapi/errno.js";
import { SIGSEGV } from "../include/uapi/signal.js";
import { current, run_as, type Task } from "./sched/task.js";
import { bprm_creds_from_file, type Cred } from "./cred.js";
import { FilesStruct, get_file, type File } from "../fs/file.js";
import { do_exit, ProcessExit, W_EXITCODE } from "./exit.js";
import { open_exec, type ProgramEntry } from "../fs/exec.js";
import { do_sys_open } from "../fs/open.js";

export type SpawnAction =
  | { op: "dup2"; fd: number; newfd: number }
  | { op: "close"; fd: number }
  | { op: "open"; fd: number; path: string; flags: number; mode: number };

export interface SpawnAttr {
  actions?: SpawnAction[];
  /** setpgid(0, pgroup) in the child: 0 puts it in a new group of its own. */
  pgroup?: number;
  /** setsid() in the child: a new session and process group led by it. */
  setsid?: boolean;
  /** The child's first descriptors, in place of a copy of the parent's table (a console's 0, 1, 2). */
  stdio?: File[];
  /** Credentials for the child in place of the parent's (a login as another user). */
  cred?: Cred;
}

/** Apply posix_spawn file actions to the child's table; -errno on the first failure. */
function apply_actions(child: Task, actions: SpawnAction[]): number {
  const files = child.files!;
  for (const a of actions) {
    if (a.op === "dup2") {
      if (files.dup2(a.fd, a.newfd) < 0) return -EBADF;
    } else if (a.op === "close") {
      files.close_fd(a.fd);
    } else {
      const fd = run_as(child, () => do_sys_open(a.path, a.flags, a.mode));
      if (fd < 0) return fd;
      if (fd !== a.fd) {
        files.dup2(fd, a.fd);
        files.close_fd(fd);
      }
    }
  }
  return 0;
}

function copy_process(comm: string, attr: SpawnAttr): Task | number {
  const parent = current();
  const k = parent.kernel;
  const child = k.new_task(comm, parent, attr.cred);
  child.cwd = parent.cwd;
  child.umask = parent.umask;
  if (attr.stdio) {
    child.files = new FilesStruct();
    for (const f of attr.stdio) child.files.fd_install(get_file(f));
  } else {
    child.files = parent.files?.clone() ?? null;
    for (const fd of child.files?.close_on_exec ?? []) child.files!.close_fd(fd);
  }
  if (attr.setsid) child.session = child.pgrp = child.pid;
  if (attr.pgroup !== undefined) child.pgrp = attr.pgroup === 0 ? child.pid : attr.pgroup;
  const r = apply_actions(child, attr.actions ?? []);
  if (r < 0) {
    child.files?.close_all();
    k.tasks.delete(child.pid);
    parent.children.delete(child);
    return r;
  }
  return child;
}

/** Run `body` as `task` until it returns or exits, then do_exit with its status. */
export function start_task(task: Task, body: () => Promise<number>): void {
  void run_as(task, async () => {
    let status: number;
    try {
      status = W_EXITCODE(await body(), 0);
    } catch (e) {
      if ((e as ProcessExit)?.kplay_exit) status = (e as ProcessExit).status;
      else {
        if (process.env.KPLAY_DEBUG) console.error(e);
        status = W_EXITCODE(0, SIGSEGV);
      }
    }
    do_exit(task, status);
  });
}

/** posix_spawn(path, actions, attr, argv, envp): the child's pid, or -errno (exec failed). */
export function sys_spawn(path: string, argv: string[], envp: string[], attr: SpawnAttr = {}): number {
  const parent = current();
  if (!path) return -ENOENT;
  const exe = open_exec({ root: parent.kernel.root, cwd: parent.cwd, cred: parent.cred }, path);
  if (typeof exe === "number") return exe;
  const base = path.slice(path.lastIndexOf("/") + 1);
  const child = copy_process(base, attr);
  if (typeof child === "number") return child;
  child.mm = { argv: [...argv], envp: [...envp] };
  bprm_creds_from_file(child.cred);
  const entry: ProgramEntry = exe.entry;
  start_task(child, () => entry(child.mm!.argv, child.mm!.envp));
  return child.pid;
}

/** A forked copy of the caller running `fn` (the shell's subshells and pipeline builtins). */
export function sys_spawn_fn(fn: () => Promise<number>, attr: SpawnAttr = {}): number {
  const parent = current();
  const child = copy_process(parent.comm, attr);
  if (typeof child === "number") return child;
  child.mm = parent.mm ? { argv: [...parent.mm.argv], envp: [...parent.mm.envp] } : null;
  start_task(child, fn);
  return child.pid;
}
