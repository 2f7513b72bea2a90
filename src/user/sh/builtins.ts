// Mirrors the builtin table of shell/ash.c (builtintab) and the builtins themselves. echo, test
// and kill are BusyBox applets that ash runs in-process, so their messages carry applet_name.
import { programs } from "../programs.js";
import { O_RDONLY, S_ISDIR, S_ISREG } from "../../include/uapi/fcntl.js";
import { chdir, close, getcwd, open, read, sched_yield, stat } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import { strerror } from "../libc/strerror.js";
import { echo_main } from "../busybox/coreutils/echo.js";
import { kill_main } from "../busybox/procps/kill.js";
import { bb_error_msg } from "../busybox/libbb.js";
import { parse } from "./parser.js";
import { Shell, ShellUnwind } from "./shell.js";
import { evaltree } from "./eval.js";
import { dowait, job_status, freejob, showjob, type Job } from "./jobs.js";

type Builtin = (sh: Shell, argv: string[]) => number | Promise<number>;

const out = (s: string): void => libc().stdout.put(s);

function number_arg(sh: Shell, s: string): number {
  if (!/^\d+$/.test(s)) sh.error(`Illegal number: ${s}`);
  return Number(s);
}

/** getjob(): a job from "%N", "%%", "%+", "%-" or a pid. */
function getjob(sh: Shell, spec: string): Job {
  const live = (j: Job | null | undefined): j is Job => !!j;
  let jp: Job | null | undefined;
  if (spec === "%%" || spec === "%+" || spec === "%") jp = sh.curjob;
  else if (spec === "%-") jp = sh.prevjob;
  else if (/^%\d+$/.test(spec)) jp = sh.jobs[Number(spec.slice(1)) - 1];
  else if (/^\d+$/.test(spec)) jp = sh.jobs.find((j) => j?.procs.some((p) => p.pid === Number(spec)));
  if (!live(jp)) sh.error(`${spec}: no such job`);
  return jp;
}

async function cd(sh: Shell, argv: string[]): Promise<number> {
  let dest = argv[1];
  if (dest === undefined) dest = sh.lookupvar("HOME") ?? "/";
  else if (dest === "-") {
    dest = sh.lookupvar("OLDPWD") ?? "";
    out(dest + "\n");
  }
  const old = getcwd();
  if (chdir(dest) < 0) sh.error(`can't cd to ${dest}: ${strerror(libc().errno)}`);
  sh.setvar("OLDPWD", old);
  sh.setvar("PWD", getcwd());
  return 0;
}

async function exitcmd(sh: Shell, argv: string[]): Promise<number> {
  const status = argv[1] !== undefined ? number_arg(sh, argv[1]) & 0xff : sh.exitstatus;
  throw new ShellUnwind("exit", status);
}

function exportcmd(sh: Shell, argv: string[]): number {
  const names = argv.slice(1).filter((a) => a !== "-p");
  if (names.length === 0) {
    for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1))) if (v.exported) out(`export ${k}='${v.value.replace(/'/g, "'\"'\"'")}'\n`);
    return 0;
  }
  for (const a of names) {
    const eq = a.indexOf("=");
    if (eq >= 0) sh.setvar(a.slice(0, eq), a.slice(eq + 1), true);
    else sh.setvar(a, sh.lookupvar(a) ?? "", true);
  }
  return 0;
}

function setcmd(sh: Shell, argv: string[]): number {
  if (argv.length === 1) {
    for (const [k, v] of [...sh.vars].sort(([a], [b]) => (a < b ? -1 : 1))) out(`${k}='${v.value.replace(/'/g, "'\"'\"'")}'\n`);
    return 0;
  }
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!/^[-+][a-z]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === "e") sh.eflag = a[0] === "-";
      else if (c === "m") sh.mflag = a[0] === "-";
      else if (c !== "x" && c !== "u" && c !== "f") sh.error(`-${c}: invalid option`);
    }
  }
  if (i < argv.length || argv.includes("--")) sh.args = argv.slice(i);
  return 0;
}

function jobscmd(sh: Shell): number {
  for (const jp of sh.jobs) if (jp && !jp.foreground) showjob(sh, jp, libc().stdout);
  for (const jp of [...sh.jobs]) if (jp && jp.state === "done" && !jp.foreground) freejob(sh, jp);
  return 0;
}

async function waitcmd(sh: Shell, argv: string[]): Promise<number> {
  if (argv.length === 1) {
    while (sh.jobs.some((j) => j && !j.foreground && j.state === "running")) {
      if (!(await dowait(sh, true)) || sh.pending_sigint) break;
    }
    for (const jp of [...sh.jobs]) if (jp && !jp.foreground && jp.state === "done") freejob(sh, jp);
    return sh.pending_sigint ? 130 : 0;
  }
  let status = 127;
  for (const spec of argv.slice(1)) {
    const jp = /^\d+$/.test(spec) ? sh.jobs.find((j) => j?.procs.some((p) => p.pid === Number(spec))) : getjob(sh, spec);
    if (!jp) {
      status = 127;
      continue;
    }
    while (jp.state === "running") if (!(await dowait(sh, true)) || sh.pending_sigint) break;
    status = job_status(jp);
    freejob(sh, jp);
  }
  return status;
}

/**
 * kill: ash turns %N into -PGID after "--", so kill_main signals the job's process group; without
 * job control the job has no group of its own and each of its pids is signalled.
 */
async function killcmd(sh: Shell, argv: string[]): Promise<number> {
  const status = await kill_jobs(sh, argv);
  // A signalled task preempts the shell on a real CPU (wakeup preemption), so it is gone before
  // the next prompt reports it.
  await sched_yield();
  return status;
}

/**
 * killcmd()'s job operands: each %N becomes " -PGID" (job control) or " PID1 PID2" of its live
 * members, with the leading space kill_main expects, so a negative pid is not read as -SIGNAL.
 */
function kill_jobs(sh: Shell, argv: string[]): Promise<number> {
  const args = argv[1] === "-l" ? argv : argv.map((a, i) => {
    if (i === 0 || !a.startsWith("%")) return a;
    const jp = getjob(sh, a);
    return jp.pgrp ? ` -${jp.pgrp}` : jp.procs.filter((p) => p.pid > 0).map((p) => ` ${p.pid}`).join("");
  });
  return kill_main(args.length, args);
}

async function readcmd(sh: Shell, argv: string[]): Promise<number> {
  let raw = false;
  let names = argv.slice(1);
  if (names[0] === "-r") {
    raw = true;
    names = names.slice(1);
  }
  let line = "";
  let eof = true;
  const b = new Uint8Array(1);
  for (;;) {
    const n = await read(0, b, 1);
    if (n <= 0) break;
    const c = String.fromCharCode(b[0]);
    if (c === "\n") {
      eof = false;
      break;
    }
    line += c;
  }
  if (!raw) line = line.replace(/\\(.)/g, "$1");
  if (names.length === 0) names = ["REPLY"];
  const ifs = sh.lookupvar("IFS") ?? " \t\n";
  const fields = line.replace(new RegExp(`^[${ifs.replace(/[\]\\^-]/g, "\\$&")}]+`), "");
  let rest = fields;
  names.forEach((name, i) => {
    if (i === names.length - 1) {
      sh.setvar(name, rest.replace(/[ \t\n]+$/, ""));
      return;
    }
    const m = new RegExp(`^([^${ifs.replace(/[\]\\^-]/g, "\\$&")}]*)[${ifs.replace(/[\]\\^-]/g, "\\$&")}]*`).exec(rest)!;
    sh.setvar(name, m[1]);
    rest = rest.slice(m[0].length);
  });
  return eof ? 1 : 0;
}

async function dotcmd(sh: Shell, argv: string[]): Promise<number> {
  const file = argv[1];
  if (file === undefined) return 0;
  const fd = await open(file, O_RDONLY);
  if (fd < 0) sh.error(`can't open '${file}'`);
  const chunks: number[] = [];
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await read(fd, buf, buf.length);
    if (n <= 0) break;
    chunks.push(...buf.subarray(0, n));
  }
  close(fd);
  return evalstring(sh, new TextDecoder().decode(Uint8Array.from(chunks)));
}

/** evalstring(): parse and run text (eval, ., sh -c). */
export async function evalstring(sh: Shell, text: string): Promise<number> {
  const prog = parse(text, { atEof: true });
  if ("error" in prog) {
    for (const line of prog.completed) await evaltree(sh, line);
    sh.lineno = prog.line;
    sh.error(prog.error);
  }
  let status = 0;
  for (const line of prog.lines) status = await evaltree(sh, line);
  return status;
}

function typecmd(sh: Shell, argv: string[]): number {
  let status = 0;
  for (const name of argv.slice(1)) {
    if (sh.funcs.has(name)) out(`${name} is a function\n`);
    else if (builtins.has(name)) out(`${name} is a ${special_builtins.has(name) ? "special " : ""}shell builtin\n`);
    else {
      const dir = (sh.lookupvar("PATH") ?? "").split(":").find((d) => {
        const st = stat(`${d}/${name}`);
        return st && S_ISREG(st.st_mode);
      });
      if (dir !== undefined) out(`${name} is ${dir}/${name}\n`);
      else {
        out(`${name}: not found\n`);
        status = 127;
      }
    }
  }
  return status;
}

/** test / [ (coreutils/test.c), enough for scripts: file tests, strings, integers, !, -a, -o. */
function testcmd(_sh: Shell, argv: string[]): number {
  let args = argv.slice(1);
  if (argv[0] === "[") {
    if (args[args.length - 1] !== "]") {
      bb_error_msg("missing ]");
      return 2;
    }
    args = args.slice(0, -1);
  }
  let i = 0;
  const int = (s: string): number => {
    if (!/^\s*[-+]?\d+\s*$/.test(s)) throw new Error(`invalid number '${s}'`);
    return Number(s);
  };
  const primary = (): boolean => {
    const a = args[i];
    if (a === "!") {
      i++;
      return !primary();
    }
    if (a === "(") {
      i++;
      const v = expr();
      i++;
      return v;
    }
    const op = args[i + 1];
    const binops = ["=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">"];
    if (op !== undefined && binops.includes(op) && i + 2 < args.length) {
      const b = args[i + 2] ?? "";
      i += 3;
      switch (op) {
        case "=":
        case "==": return a === b;
        case "!=": return a !== b;
        case "<": return a < b;
        case ">": return a > b;
        case "-eq": return int(a) === int(b);
        case "-ne": return int(a) !== int(b);
        case "-lt": return int(a) < int(b);
        case "-le": return int(a) <= int(b);
        case "-gt": return int(a) > int(b);
        case "-ge": return int(a) >= int(b);
      }
    }
    if (/^-[a-zA-Z]$/.test(a) && i + 1 < args.length) {
      const v = args[i + 1];
      i += 2;
      const st = stat(v);
      switch (a) {
        case "-z": return v === "";
        case "-n": return v !== "";
        case "-e": return st !== null;
        case "-f": return st !== null && S_ISREG(st.st_mode);
        case "-d": return st !== null && S_ISDIR(st.st_mode);
        case "-s": return st !== null && st.st_size > 0;
        case "-r":
        case "-w":
        case "-x": return st !== null;
        case "-h":
        case "-L": return st !== null;
      }
      throw new Error(`${a}: unknown operand`);
    }
    i++;
    return a !== undefined && a !== "";
  };
  const and = (): boolean => {
    let v = primary();
    while (args[i] === "-a") {
      i++;
      v = primary() && v;
    }
    return v;
  };
  const expr = (): boolean => {
    let v = and();
    while (args[i] === "-o") {
      i++;
      v = and() || v;
    }
    return v;
  };
  try {
    if (args.length === 0) return 1;
    return expr() ? 0 : 1;
  } catch (e) {
    bb_error_msg((e as Error).message);
    return 2;
  }
}

function helpcmd(): number {
  let s = "Built-in commands:\n------------------\n";
  let col = 0;
  for (const name of builtins.keys()) {
    const piece = (col === 0 ? "\t" : " ") + name;
    s += piece;
    col += piece.length;
    if (col > 60) {
      s += "\n";
      col = 0;
    }
  }
  s += "\n";
  /* kplay: the tutorials' programs, which BusyBox's help cannot know about */
  s += "\nTutorial programs (kplay):\n--------------------------\n";
  for (const p of programs) if (p.tutorial) s += `\t${p.path.slice(p.path.lastIndexOf("/") + 1).padEnd(22)}${p.tutorial}\n`;
  out(s);
  return 0;
}

function unwind(kind: "break" | "continue" | "return"): Builtin {
  return (sh, argv) => {
    const n = argv[1] !== undefined ? number_arg(sh, argv[1]) : kind === "return" ? sh.exitstatus : 1;
    if (kind === "return") throw new ShellUnwind("return", n & 0xff);
    if (sh.loopnest === 0) return 0;
    throw new ShellUnwind(kind, 0, Math.min(n, sh.loopnest));
  };
}

/** builtintab, in ash's (sorted) order. */
export const builtins = new Map<string, Builtin>([
  [".", dotcmd],
  [":", () => 0],
  ["[", testcmd],
  ["break", unwind("break")],
  ["cd", cd],
  ["chdir", cd],
  ["continue", unwind("continue")],
  ["echo", (_sh, argv) => echo_main(argv.length, argv)],
  ["eval", (sh, argv) => evalstring(sh, argv.slice(1).join(" "))],
  ["exit", exitcmd],
  ["export", exportcmd],
  ["false", () => 1],
  ["help", helpcmd],
  ["jobs", jobscmd],
  ["kill", killcmd],
  ["pwd", () => (out(getcwd() + "\n"), 0)],
  ["read", readcmd],
  ["return", unwind("return")],
  ["set", setcmd],
  ["shift", (sh, argv) => {
    const n = argv[1] !== undefined ? number_arg(sh, argv[1]) : 1;
    if (n > sh.args.length) sh.error("can't shift that many");
    sh.args = sh.args.slice(n);
    return 0;
  }],
  ["source", dotcmd],
  ["test", testcmd],
  ["true", () => 0],
  ["type", typecmd],
  ["unset", (sh, argv) => {
    const f = argv[1] === "-f";
    for (const n of argv.slice(f ? 2 : 1)) (f ? sh.funcs : sh.vars).delete(n);
    return 0;
  }],
  ["wait", waitcmd],
]);

/** POSIX special builtins: their prefix assignments stay. */
export const special_builtins = new Set([".", ":", "break", "continue", "eval", "exit", "export", "return", "set", "shift", "source", "unset"]);
