// Mirrors the evaluator of shell/ash.c (evaltree, evalpipe, evalcommand, evalsubshell,
// redirect/popredir, find_command, shellexec): runs parsed commands. A process can not fork a
// JavaScript continuation, so an external command is started with posix_spawn after the shell has
// set up the descriptors it inherits, and everything else that needs its own process (pipeline
// members, subshells, background jobs, command substitution) runs in fork_fn with a copy of the shell.
import { EACCES, ENOENT } from "../../include/uapi/errno.js";
import { O_APPEND, O_CLOEXEC, O_CREAT, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_ISDIR, S_ISREG } from "../../include/uapi/fcntl.js";
import { close, dup2, fcntl, F_DUPFD_CLOEXEC, fork_fn, open, pipe, posix_spawn, preempt_point, read, stat, tcsetpgrp, write, type SpawnAttr } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import type { AndOr, Command, List, Pipeline, Redirect, SimpleCommand, Word } from "./parser.js";
import { errmsg, Shell, ShellUnwind } from "./shell.js";
import { expand_args, expand_pattern, expand_str, glob_to_regex } from "./expand.js";
import { makejob, waitforjob, type Proc } from "./jobs.js";
import { builtins, special_builtins } from "./builtins.js";

const encoder = new TextEncoder();

/** The descriptor job control uses for tcsetpgrp, or -1 without a terminal. */
export const tty = { fd: -1 };

/** evaltree() on a list: run each item, `&` items in the background. Returns $?. */
export async function evaltree(sh: Shell, list: List): Promise<number> {
  for (const item of list) {
    if (item.background) {
      await evalbackground(sh, item.command);
      sh.exitstatus = 0;
    } else {
      sh.exitstatus = await evalandor(sh, item.command);
    }
  }
  return sh.exitstatus;
}

async function evalandor(sh: Shell, ao: AndOr): Promise<number> {
  let status = await evalpipe(sh, ao.first);
  for (const { op, pipeline } of ao.rest) {
    if ((op === "&&") !== (status === 0)) continue;
    sh.exitstatus = status;
    status = await evalpipe(sh, pipeline);
  }
  return status;
}

/** A pipeline in the foreground. A lone command runs in the shell when it can. */
async function evalpipe(sh: Shell, p: Pipeline): Promise<number> {
  let status: number;
  if (p.commands.length === 1) status = await evalcommand(sh, p.commands[0]);
  else {
    const job = await start_pipeline(sh, p.commands, true);
    status = job ? await waitforjob(sh, job, tty.fd) : 1;
  }
  return p.negated ? (status === 0 ? 1 : 0) : status;
}

async function evalbackground(sh: Shell, ao: AndOr): Promise<void> {
  const single = ao.rest.length === 0 && !ao.first.negated ? ao.first.commands : null;
  if (single) {
    const job = await start_pipeline(sh, single, false);
    if (job) sh.backgndpid = job.procs[job.procs.length - 1].pid;
    return;
  }
  const job = await start_pipeline(sh, [{ kind: "subshell", body: [{ command: ao, background: false }], redirects: [], line: 0 }], false, andor_text(ao));
  if (job) sh.backgndpid = job.procs[0].pid;
}

/**
 * Start every command of a pipeline, each in its own process, wired with pipes; with job control
 * they share a process group, which gets the terminal when in the foreground.
 */
async function start_pipeline(sh: Shell, cmds: Command[], foreground: boolean, text?: string): Promise<ReturnType<typeof makejob> | null> {
  const saved = [0, 1].map((fd) => fcntl(fd, F_DUPFD_CLOEXEC, 10));
  const procs: Proc[] = [];
  let pgrp = 0;
  let prev = -1;
  try {
    for (let i = 0; i < cmds.length; i++) {
      const p = i < cmds.length - 1 ? pipe(O_CLOEXEC) : null;
      if (prev >= 0) dup2(prev, 0);
      else if (!foreground && !sh.mflag) {
        // forkchild(): without job control a background job reads /dev/null, not the terminal.
        const nul = await open("/dev/null", O_RDONLY);
        if (nul >= 0 && nul !== 0) {
          dup2(nul, 0);
          close(nul);
        }
      } else restore_fd(saved[0], 0);
      if (p) dup2(p[1], 1);
      else restore_fd(saved[1], 1);
      const attr: SpawnAttr = sh.mflag ? { pgroup: pgrp } : {};
      const pid = await start_command(sh, cmds[i], attr);
      if (prev >= 0) close(prev);
      if (p) {
        close(p[1]);
        prev = p[0];
      }
      const cmd = cmds.length === 1 && text ? text : cmdtxt(cmds[i]);
      if (pid > 0) {
        if (sh.mflag && pgrp === 0) pgrp = pid;
        procs.push({ pid, status: -1, cmd });
      } else procs.push({ pid: 0, status: (sh.exitstatus & 0xff) << 8, cmd });
    }
  } finally {
    if (prev >= 0) close(prev);
    saved.forEach((s, fd) => {
      restore_fd(s, fd);
      if (s >= 0) close(s);
    });
  }
  if (procs.every((p) => p.pid === 0)) return null;
  const job = makejob(sh, procs, pgrp, foreground);
  if (foreground && sh.mflag && tty.fd >= 0) await tcsetpgrp(tty.fd, pgrp);
  return job;
}

function restore_fd(saved: number, fd: number): void {
  if (saved >= 0) dup2(saved, fd);
  else close(fd);
}

/** Start `cmd` in a new process with the shell's current descriptors; its pid, or -1. */
async function start_command(sh: Shell, cmd: Command, attr: SpawnAttr): Promise<number> {
  if (cmd.kind === "simple") {
    const prep = await prepare_simple(sh, cmd);
    if (prep.kind === "external") {
      const saved = await redirect(sh, cmd.redirects);
      if (!saved) return -1;
      const pid = spawn_external(sh, prep.argv, prep.env, attr);
      popredir(saved);
      return pid;
    }
  }
  return forkshell(sh, (child) => evalcommand(child, cmd), attr);
}

/** fork a copy of the shell running `body`; its pid. */
export function forkshell(sh: Shell, body: (child: Shell) => Promise<number>, attr: SpawnAttr = {}): number {
  return fork_fn(async () => {
    const child = sh.fork_copy();
    try {
      return await body(child);
    } catch (e) {
      if (e instanceof ShellUnwind) return e.kind === "exit" || e.kind === "error" ? e.status : child.exitstatus;
      throw e;
    }
  }, attr);
}

/** `$(...)`: run `body` in a subshell with its output in a pipe, and collect what it writes. */
export async function run_cmdsubst(sh: Shell, body: List): Promise<string> {
  const p = pipe(O_CLOEXEC);
  if (!p) sh.error(`can't create pipe: ${errmsg(libc().errno, "")}`);
  const saved = fcntl(1, F_DUPFD_CLOEXEC, 10);
  dup2(p[1], 1);
  const pid = forkshell(sh, (child) => evaltree(child, body));
  restore_fd(saved, 1);
  if (saved >= 0) close(saved);
  close(p[1]);
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await read(p[0], buf, buf.length);
    if (n <= 0) break;
    chunks.push(buf.slice(0, n));
  }
  close(p[0]);
  if (pid > 0) {
    const job = makejob(sh, [{ pid, status: -1, cmd: "" }], 0, true);
    sh.exitstatus = await waitforjob(sh, job, -1);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

type Prepared =
  | { kind: "builtin"; argv: string[]; assigns: Map<string, string> }
  | { kind: "function"; argv: string[]; body: Command; assigns: Map<string, string> }
  | { kind: "external"; argv: string[]; env: string[] }
  | { kind: "assign"; assigns: Map<string, string> };

/** Expand a simple command and decide what runs it (find_command). */
async function prepare_simple(sh: Shell, cmd: SimpleCommand): Promise<Prepared> {
  // `sh -c` counts from line 0 (busybox-facts §6.1: "sh: cd: line 0: can't cd to /x" [OBS]).
  sh.lineno = sh.minusc !== null ? cmd.line - 1 : cmd.line;
  const assigns = new Map<string, string>();
  for (const a of cmd.assigns) assigns.set(a.name, await expand_str(sh, a.value));
  const argv = await expand_args(sh, cmd.words);
  if (argv.length === 0) return { kind: "assign", assigns };
  const name = argv[0];
  if (!name.includes("/")) {
    if (sh.funcs.has(name)) return { kind: "function", argv, body: sh.funcs.get(name)!, assigns };
    if (builtins.has(name)) return { kind: "builtin", argv, assigns };
  }
  return { kind: "external", argv, env: sh.environment(assigns) };
}

/** Run one command in the shell process (builtins, functions, compound commands, externals waited for). */
export async function evalcommand(sh: Shell, cmd: Command): Promise<number> {
  switch (cmd.kind) {
    case "simple":
      return evalsimple(sh, cmd);
    case "function":
      sh.funcs.set(cmd.name, cmd.body);
      return 0;
    case "subshell": {
      const job = await start_pipeline(sh, [{ ...cmd, kind: "group" }], true);
      return job ? waitforjob(sh, job, tty.fd) : 1;
    }
  }
  const saved = await redirect(sh, cmd.redirects);
  if (!saved) return 1;
  try {
    return await evalcompound(sh, cmd);
  } finally {
    popredir(saved);
  }
}

async function evalcompound(sh: Shell, cmd: Exclude<Command, SimpleCommand | { kind: "function" }>): Promise<number> {
  switch (cmd.kind) {
    case "group":
    case "subshell":
      return evaltree(sh, cmd.body);
    case "if":
      for (const c of cmd.clauses) if ((await evaltree(sh, c.cond)) === 0) return evaltree(sh, c.body);
      return cmd.elseBody ? evaltree(sh, cmd.elseBody) : 0;
    case "while":
    case "until":
      return evalloop(sh, async () => ((await evaltree(sh, cmd.cond)) === 0) === (cmd.kind === "while"), cmd.body);
    case "for": {
      const items = cmd.items ? await expand_args(sh, cmd.items) : [...sh.args];
      let i = 0;
      return evalloop(sh, async () => i < items.length && (sh.setvar(cmd.name, items[i++]), true), cmd.body);
    }
    case "case": {
      const subject = await expand_str(sh, cmd.subject);
      for (const item of cmd.items) {
        for (const pat of item.patterns) {
          if (glob_to_regex(await expand_pattern(sh, pat), false).test(subject)) return evaltree(sh, item.body);
        }
      }
      return 0;
    }
  }
}

/** A loop: run `body` while `next()` says so; break and continue unwind to here. */
async function evalloop(sh: Shell, next: () => Promise<boolean>, body: List): Promise<number> {
  let status = 0;
  sh.loopnest++;
  try {
    while (await next()) {
      await preempt_point();
      const r = await loop_body(sh, body);
      status = r.status;
      if (r.stop) break;
    }
  } finally {
    sh.loopnest--;
  }
  return status;
}

/** One pass of a loop body; break and continue unwind to here. */
async function loop_body(sh: Shell, body: List): Promise<{ status: number; stop: boolean }> {
  try {
    return { status: await evaltree(sh, body), stop: false };
  } catch (e) {
    if (!(e instanceof ShellUnwind) || (e.kind !== "break" && e.kind !== "continue")) throw e;
    if (e.levels > 1) throw new ShellUnwind(e.kind, e.status, e.levels - 1);
    return { status: sh.exitstatus, stop: e.kind === "break" };
  }
}

async function evalsimple(sh: Shell, cmd: SimpleCommand): Promise<number> {
  const prep = await prepare_simple(sh, cmd);
  if (prep.kind === "assign") {
    for (const [k, v] of prep.assigns) sh.setvar(k, v);
    const saved = await redirect(sh, cmd.redirects);
    if (!saved) return 1;
    popredir(saved);
    return cmd.assigns.some((a) => a.value.some((p) => p.kind === "cmdsub")) ? sh.exitstatus : 0;
  }
  const saved = await redirect(sh, cmd.redirects);
  if (!saved) return 1;
  try {
    if (prep.kind === "builtin") return await run_builtin(sh, prep.argv, prep.assigns);
    if (prep.kind === "function") return await call_function(sh, prep.argv, prep.body);
    const pid = spawn_external(sh, prep.argv, prep.env, sh.mflag ? { pgroup: 0 } : {});
    if (pid < 0) return sh.exitstatus;
    const job = makejob(sh, [{ pid, status: -1, cmd: cmdtxt(cmd) }], sh.mflag ? pid : 0, true);
    if (sh.mflag && tty.fd >= 0) await tcsetpgrp(tty.fd, pid);
    return await waitforjob(sh, job, tty.fd);
  } finally {
    popredir(saved);
  }
}

async function run_builtin(sh: Shell, argv: string[], assigns: Map<string, string>): Promise<number> {
  const name = argv[0];
  const special = special_builtins.has(name);
  const restore = new Map<string, string | undefined>();
  for (const [k, v] of assigns) {
    if (!special) restore.set(k, sh.lookupvar(k));
    sh.setvar(k, v);
  }
  const saved_name = sh.commandname;
  sh.commandname = name;
  try {
    const status = await builtins.get(name)!(sh, argv);
    libc().stdout.flush();
    return status;
  } finally {
    sh.commandname = saved_name;
    for (const [k, v] of restore) {
      if (v === undefined) sh.vars.delete(k);
      else sh.setvar(k, v);
    }
  }
}

async function call_function(sh: Shell, argv: string[], body: Command): Promise<number> {
  const saved = sh.args;
  sh.args = argv.slice(1);
  sh.funcnest++;
  try {
    return await evalcommand(sh, body);
  } catch (e) {
    if (e instanceof ShellUnwind && e.kind === "return") return e.status;
    throw e;
  } finally {
    sh.funcnest--;
    sh.args = saved;
  }
}

/** find_command + shellexec: spawn argv[0] from $PATH; -1 with ash's message on failure. */
function spawn_external(sh: Shell, argv: string[], env: string[], attr: SpawnAttr): number {
  const name = argv[0];
  let path = name;
  let err = ENOENT;
  if (!name.includes("/")) {
    path = "";
    for (const dir of (sh.lookupvar("PATH") ?? "/sbin:/usr/sbin:/bin:/usr/bin").split(":")) {
      const cand = `${dir || "."}/${name}`;
      const st = stat(cand);
      if (st && S_ISREG(st.st_mode)) {
        path = cand;
        break;
      }
    }
  } else {
    const st = stat(name);
    if (st && S_ISDIR(st.st_mode)) err = EACCES;
  }
  if (path && !(err === EACCES)) {
    const r = posix_spawn(path, argv, env, attr);
    if (r.err === 0) return r.pid;
    err = r.err;
  }
  sh.msg(`${name}: ${errmsg(err, "not found")}`);
  sh.exitstatus = err === ENOENT ? 127 : 126;
  return -1;
}

/** What redirect() changed: each fd and the saved copy to put back (-1: it was closed). */
type Saved = [fd: number, saved: number][];

/** redirect(): apply redirections to the shell's own descriptors. Null (status 1) on failure. */
export async function redirect(sh: Shell, redirs: Redirect[]): Promise<Saved | null> {
  const saved: Saved = [];
  const save = (fd: number): void => {
    if (!saved.some(([f]) => f === fd)) saved.push([fd, fcntl(fd, F_DUPFD_CLOEXEC, 10)]);
  };
  try {
    for (const r of redirs) {
      if (r.kind === "file") {
        const fname = await expand_str(sh, r.target);
        const flags = { ">": O_WRONLY | O_CREAT | O_TRUNC, ">|": O_WRONLY | O_CREAT | O_TRUNC, "&>": O_WRONLY | O_CREAT | O_TRUNC, ">>": O_WRONLY | O_CREAT | O_APPEND, "<": O_RDONLY, "<>": O_RDWR | O_CREAT }[r.op];
        const fd = await open(fname, flags, 0o666);
        if (fd < 0) {
          const e = libc().errno;
          if (r.op === "<") sh.msg(`can't open ${fname}: ${errmsg(e, "no such file")}`);
          else sh.msg(`can't create ${fname}: ${errmsg(e, "nonexistent directory")}`);
          popredir(saved);
          return null;
        }
        for (const target of r.op === "&>" ? [1, 2] : [r.fd]) {
          save(target);
          if (fd !== target) dup2(fd, target);
        }
        if (fd !== r.fd && !(r.op === "&>" && fd === 2)) close(fd);
      } else if (r.kind === "dup") {
        const t = await expand_str(sh, r.target);
        save(r.fd);
        if (t === "-") close(r.fd);
        else if (/^\d+$/.test(t)) {
          if (dup2(Number(t), r.fd) < 0) {
            sh.msg(`${t}: Bad file descriptor`);
            popredir(saved);
            return null;
          }
        } else {
          sh.msg(`${t}: bad number`);
          popredir(saved);
          return null;
        }
      } else {
        const body = r.expand ? await expand_str(sh, r.body) : r.body.map((p) => (p.kind === "lit" ? p.text : "")).join("");
        const p = pipe(O_CLOEXEC)!;
        const bytes = encoder.encode(body);
        await write(p[1], bytes, bytes.length);
        close(p[1]);
        save(r.fd);
        dup2(p[0], r.fd);
        close(p[0]);
      }
    }
  } catch (e) {
    popredir(saved);
    throw e;
  }
  return saved;
}

export function popredir(saved: Saved): void {
  libc().stdout.flush();
  for (const [fd, s] of [...saved].reverse()) {
    restore_fd(s, fd);
    if (s >= 0) close(s);
  }
}

/** cmdtxt(): the command's text as ash rebuilds it for job lines. */
export function cmdtxt(cmd: Command): string {
  const word = (w: Word): string => w.map((p) => (p.kind === "lit" ? p.text : p.kind === "param" ? `$${p.name.length > 1 ? `{${p.name}}` : p.name}` : p.kind === "cmdsub" ? `$(${p.source})` : `$((${p.source}))`)).join("");
  const redirs = (rs: Redirect[]): string =>
    rs.map((r) => ` ${r.fd !== (r.op.startsWith("<") ? 0 : 1) && r.op !== "&>" ? r.fd : ""}${r.op}${r.kind === "heredoc" ? r.delimiter : word(r.target)}`).join("");
  switch (cmd.kind) {
    case "simple":
      return [...cmd.assigns.map((a) => `${a.name}=${word(a.value)}`), ...cmd.words.map(word)].join(" ") + redirs(cmd.redirects);
    case "group":
      return `{ ${list_text(cmd.body)}; }`;
    case "subshell":
      return `(${list_text(cmd.body)})`;
    case "if":
      return `if ${list_text(cmd.clauses[0].cond)}; then ...; fi`;
    case "while":
    case "until":
      return `${cmd.kind} ${list_text(cmd.cond)}; do ...; done`;
    case "for":
      return `for ${cmd.name} in ...; do ...; done`;
    case "case":
      return `case ${word(cmd.subject)} in ...; esac`;
    case "function":
      return `${cmd.name}() {...}`;
  }
}

function andor_text(ao: AndOr): string {
  const pipe_text = (p: Pipeline): string => (p.negated ? "! " : "") + p.commands.map(cmdtxt).join(" | ");
  return [pipe_text(ao.first), ...ao.rest.map((r) => `${r.op} ${pipe_text(r.pipeline)}`)].join(" ");
}

function list_text(list: List): string {
  return list.map((i) => andor_text(i.command) + (i.background ? " &" : "")).join("; ");
}
