// The state of one ash process (shell/ash.c globals): variables, positional parameters, $?, the
// job table, functions, and the options that decide how messages look (iflag, mflag, $0).
import { strerror } from "../libc/strerror.js";
import { stderr, stdout } from "../libc/stdio.js";
import type { Command } from "./parser.js";
import type { Job } from "./jobs.js";

export interface Var {
  value: string;
  exported: boolean;
  readonly?: boolean;
}

/** Raised to unwind evaluation: exit, a fatal shell error, break/continue/return. */
export class ShellUnwind {
  constructor(
    readonly kind: "exit" | "error" | "break" | "continue" | "return",
    readonly status: number,
    /** Loop levels left to unwind for break/continue. */
    readonly levels = 1,
  ) {}
}

export class Shell {
  readonly vars = new Map<string, Var>();
  readonly funcs = new Map<string, Command>();
  arg0 = "sh";
  args: string[] = [];
  exitstatus = 0;
  /** $$: the pid of the shell that was started, also in its subshells. */
  rootpid = 0;
  /** $! */
  backgndpid = 0;
  /** Interactive (-i or a terminal on stdin and stderr). */
  iflag = false;
  /** Job control (-m, on when interactive). */
  mflag = false;
  /** -e */
  eflag = false;
  /** -c text, when given. */
  minusc: string | null = null;
  /** The builtin running now, for "sh: cd: ..." prefixes. */
  commandname: string | null = null;
  /** Line number for non-interactive messages (errlinno). */
  lineno = 0;
  loopnest = 0;
  funcnest = 0;
  jobs: (Job | null)[] = [];
  curjob: Job | null = null;
  prevjob: Job | null = null;
  /** The shell's own process group, given back the terminal after each foreground job. */
  pgrp = 0;
  /** The user's home for \w in the prompt (getpwuid(geteuid())->pw_dir in 1.35). */
  home = "";
  euid = 0;
  /** SIGINT arrived while the shell itself waited (at the prompt, or without job control). */
  pending_sigint = false;
  /** The last foreground job died of SIGINT: ash ends the line before the next prompt. */
  fg_sigint = false;
  /** Set in a forked child (subshell, pipeline member): it must not touch the job table. */
  subshell = false;

  /** A copy for a forked child, as fork() copies the shell's memory. */
  fork_copy(): Shell {
    const c = Object.assign(Object.create(Shell.prototype) as Shell, this);
    (c as { vars: Map<string, Var> }).vars = new Map([...this.vars].map(([k, v]) => [k, { ...v }]));
    (c as { funcs: Map<string, Command> }).funcs = new Map(this.funcs);
    c.args = [...this.args];
    c.jobs = [];
    c.curjob = c.prevjob = null;
    c.subshell = true;
    c.iflag = false;
    c.mflag = false;
    return c;
  }

  lookupvar(name: string): string | undefined {
    return this.vars.get(name)?.value;
  }

  setvar(name: string, value: string, exported?: boolean): void {
    const v = this.vars.get(name);
    if (v) {
      v.value = value;
      if (exported) v.exported = true;
    } else this.vars.set(name, { value, exported: exported ?? false });
  }

  /** The environment of a command: exported variables plus its prefix assignments. */
  environment(extra: Map<string, string> = new Map()): string[] {
    const env = new Map<string, string>();
    for (const [k, v] of this.vars) if (v.exported) env.set(k, v.value);
    for (const [k, v] of extra) env.set(k, v);
    return [...env].map(([k, v]) => `${k}=${v}`);
  }

  /** ash_vmsg(): "$0: [builtin: ][line N: ]msg" on stderr. */
  msg(text: string): void {
    let s = `${this.arg0}: `;
    if (this.commandname) {
      if (this.commandname !== this.arg0) s += `${this.commandname}: `;
      if (!this.iflag) s += `line ${this.lineno}: `;
    }
    this.msg_raw(s + text + "\n");
  }

  /** Text on stderr as is, after flushing stdout. */
  msg_raw(text: string): void {
    stdout().flush();
    stderr().put(text);
  }

  /** ash_msg_and_raise_error(): the message, then abandon the command with status 2. */
  error(text: string): never {
    this.msg(text);
    throw new ShellUnwind("error", 2);
  }
}

/** errmsg(): ENOENT and ENOTDIR read as the given phrase, other errors as strerror. */
export function errmsg(e: number, em: string): string {
  return e === 2 || e === 20 ? em : strerror(e);
}
