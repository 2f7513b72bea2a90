// Mirrors BusyBox 1.35 shell/ash.c: ash_main (options, environment, interactive set-up) and
// cmdloop (prompt, read, parse, evaluate, report finished jobs).
import { EINTR } from "../../include/uapi/errno.js";
import { O_RDONLY } from "../../include/uapi/fcntl.js";
import { SIGINT, SIGQUIT, SIGTERM } from "../../include/uapi/signal.js";
import { close, geteuid, getcwd, getpgrp, getpid, isatty, open, read, signal, tcsetpgrp } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import { environ } from "../libc/stdlib.js";
import { parse } from "./parser.js";
import { Shell, ShellUnwind } from "./shell.js";
import { evaltree, tty } from "./eval.js";
import { evalstring } from "./builtins.js";
import { reap, showjobs_changed } from "./jobs.js";

const decoder = new TextDecoder();

/** The user's home directory from /etc/passwd (getpwuid(geteuid())->pw_dir). */
async function home_of(uid: number): Promise<string> {
  const fd = await open("/etc/passwd", O_RDONLY);
  if (fd < 0) return "";
  const buf = new Uint8Array(4096);
  const n = await read(fd, buf, buf.length);
  close(fd);
  for (const line of decoder.decode(buf.subarray(0, Math.max(0, n))).split("\n")) {
    const f = line.split(":");
    if (f.length >= 6 && Number(f[2]) === uid) return f[5];
  }
  return "";
}

/** parse_and_put_prompt() (libbb/lineedit.c): \w, \W, \u, \h, \$, \n, \\. */
function expand_prompt(sh: Shell, ps: string): string {
  const cwd = getcwd();
  const home = sh.home;
  const w = home && (cwd === home || cwd.startsWith(home + "/")) && home !== "/" ? "~" + cwd.slice(home.length) : cwd;
  return ps.replace(/\\([wWu$hn\\])/g, (_m, c: string) => {
    switch (c) {
      case "w": return w;
      case "W": return cwd === "/" ? "/" : cwd.slice(cwd.lastIndexOf("/") + 1);
      case "u": return sh.euid === 0 ? "root" : String(sh.euid);
      case "$": return sh.euid === 0 ? "#" : "$";
      case "h": return "(none)";
      case "n": return "\n";
      default: return "\\";
    }
  });
}

/** A line reader on fd 0 that gives up at a signal (EINTR) without losing what was typed. */
class InputReader {
  private pending = "";
  eof = false;

  /** The next line with its newline, "" at end of input, or null when a signal interrupted. */
  async line(): Promise<string | null> {
    for (;;) {
      const nl = this.pending.indexOf("\n");
      if (nl >= 0) {
        const l = this.pending.slice(0, nl + 1);
        this.pending = this.pending.slice(nl + 1);
        return l;
      }
      if (this.eof) {
        const l = this.pending;
        this.pending = "";
        return l;
      }
      const buf = new Uint8Array(4096);
      const n = await read(0, buf, buf.length);
      if (n < 0 && libc().errno === EINTR) return null;
      if (n <= 0) this.eof = true;
      else this.pending += decoder.decode(buf.subarray(0, n));
    }
  }
}

/** cmdloop(): read, parse and run commands until end of input or exit. */
async function cmdloop(sh: Shell): Promise<number> {
  const input = new InputReader();
  let text = "";
  for (;;) {
    if (sh.iflag) {
      await reap(sh);
      showjobs_changed(sh, libc().stderr);
      if (sh.fg_sigint) {
        sh.fg_sigint = false;
        sh.msg_raw("\n");
      }
      const ps = text === "" ? (sh.lookupvar("PS1") ?? "") : (sh.lookupvar("PS2") ?? "> ");
      libc().stdout.put(expand_prompt(sh, ps));
      libc().stdout.flush();
    }
    sh.pending_sigint = false;
    const line = await input.line();
    if (line === null) {
      text = "";
      sh.exitstatus = 130;
      sh.msg_raw("\n");
      continue;
    }
    if (line === "" && text === "") return sh.exitstatus;
    text += line;
    const atEof = line === "";
    const prog = parse(text, { atEof });
    if ("error" in prog && prog.incomplete && !atEof) continue;
    const lines = "error" in prog ? prog.completed : prog.lines;
    for (const l of lines) {
      const r = await run_line(sh, l);
      if (r !== null) return r;
    }
    if ("error" in prog) {
      sh.lineno = prog.line;
      sh.msg(prog.error);
      sh.exitstatus = 2;
      if (!sh.iflag) return 2;
    }
    text = "";
    if (atEof) return sh.exitstatus;
  }
}

/** Run one top-level line; the shell's exit status if it must exit, else null. */
async function run_line(sh: Shell, line: Parameters<typeof evaltree>[1]): Promise<number | null> {
  try {
    await evaltree(sh, line);
    return null;
  } catch (e) {
    if (!(e instanceof ShellUnwind)) throw e;
    if (e.kind === "exit") return e.status;
    if (e.kind === "error") {
      sh.exitstatus = e.status;
      return sh.iflag ? null : e.status;
    }
    return null;
  }
}

/** ash_main(): sh [-eim] [-c CMD [ARG0 [ARG...]] | FILE [ARG...]] */
export async function ash_main(argc: number, argv: string[]): Promise<number> {
  const sh = new Shell();
  sh.arg0 = argv[0] ?? "sh";
  sh.rootpid = getpid();
  sh.euid = geteuid();
  for (const e of environ()) {
    const eq = e.indexOf("=");
    sh.setvar(e.slice(0, eq), e.slice(eq + 1), true);
  }
  sh.setvar("PS1", sh.lookupvar("PS1") ?? "\\w \\$ ");
  sh.setvar("PS2", "> ");
  sh.setvar("PS4", "+ ");
  sh.setvar("IFS", " \t\n");
  sh.setvar("OPTIND", "1");
  sh.setvar("PWD", getcwd());
  sh.home = await home_of(sh.euid);

  let iflag = false;
  let i = 1;
  for (; i < argc && /^[-+][a-z]+$/.test(argv[i]); i++) {
    for (const c of argv[i].slice(1)) {
      if (c === "c") sh.minusc = "";
      else if (c === "i") iflag = true;
      else if (c === "e") sh.eflag = true;
      else if (c === "m") sh.mflag = true;
      else if (c !== "s" && c !== "x" && c !== "l") {
        sh.msg(`-${c}: invalid option`);
        return 2;
      }
    }
  }
  if (sh.minusc !== null) {
    if (i >= argc) {
      sh.msg("-c requires an argument");
      return 2;
    }
    sh.minusc = argv[i++];
    if (i < argc) sh.arg0 = argv[i++];
    sh.args = argv.slice(i);
    return run_top(sh, () => evalstring(sh, sh.minusc!));
  }
  if (i < argc) {
    const script = argv[i];
    sh.arg0 = script;
    sh.args = argv.slice(i + 1);
    sh.commandname = script;
    return run_top(sh, () => evalstring(sh, `. ${quote(script)}`));
  }

  sh.iflag = iflag || ((await isatty(0)) && (await isatty(2)));
  if (sh.iflag) {
    sh.mflag = true;
    signal(SIGINT, () => void (sh.pending_sigint = true));
    signal(SIGQUIT, "ignore");
    signal(SIGTERM, "ignore");
    for (const fd of [2, 0, 1]) {
      if (await isatty(fd)) {
        tty.fd = fd;
        break;
      }
    }
    sh.pgrp = getpgrp();
    if (tty.fd >= 0) await tcsetpgrp(tty.fd, sh.pgrp);
  }
  return cmdloop(sh);
}

async function run_top(sh: Shell, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ShellUnwind && (e.kind === "exit" || e.kind === "error")) return e.status;
    throw e;
  }
}

function quote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}
