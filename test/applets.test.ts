// BusyBox 1.35 cat, echo, true/false, ls, sleep, uname, grep, ps and kill as programs of the simulated
// machine: their output, messages and exit codes, on a terminal and off it, as root and as a user.
import { describe, it, expect } from "vitest";
import { boot, run, USER, type Run } from "./helpers.js";
import { Terminal, type TtyStream } from "../src/drivers/tty/tty.js";
import { register_console, INIT_ENV } from "../src/init/console.js";
import { run_until } from "../src/kernel/sched/idle.js";
import { run_as, type Task } from "../src/kernel/sched/task.js";
import type { Cred } from "../src/kernel/cred.js";
import { sys_spawn } from "../src/kernel/fork.js";
import { send_sig } from "../src/kernel/signal.js";
import { do_filp_open } from "../src/fs/open.js";
import { proc_create } from "../src/fs/proc/generic.js";
import { simple_read_from_buffer } from "../src/fs/read_write.js";
import { ramfs_link, ramfs_new_dir, ramfs_new_file } from "../src/fs/ramfs.js";
import { copy_from_user } from "../src/kernel/uaccess.js";
import { program } from "../src/user/libc/crt0.js";
import { echo_main } from "../src/user/busybox/coreutils/echo.js";
import { EINVAL, ENOSPC } from "../src/include/uapi/errno.js";
import { O_WRONLY } from "../src/include/uapi/fcntl.js";
import { SIGKILL } from "../src/include/uapi/signal.js";
import type { Kernel } from "../src/kernel/kernel.js";
import type { Inode } from "../src/fs/inode.js";
import type { ExecImage } from "../src/fs/exec.js";
import type { ProcOps } from "../src/fs/proc/generic.js";

const ESC = "\x1b";
const BANNER = "BusyBox v1.35.0 (2023-08-05 10:12:30 UTC) multi-call binary.\n";
const decoder = new TextDecoder();

/** Create a /proc entry from kernel context. */
function proc(k: Kernel, name: string, ops: ProcOps, mode = 0o666): void {
  run_as(k.init_task, () => proc_create(name, mode, null, ops));
}

/** The inode at `path` (no symlinks on the way). */
function inode_at(k: Kernel, path: string): Inode {
  let inode = k.root;
  for (const name of path.split("/").filter(Boolean)) inode = inode.i_op.lookup!(inode, name)!;
  return inode;
}

interface Started {
  task: Task;
  r: Run;
  settle(stop?: () => boolean): Promise<boolean>;
}

/**
 * Start `path` with `argv` on a terminal of its own; stdout is the terminal, or the file `stdout_path`
 * opened for writing. Returns without waiting for the program to end.
 */
function start(k: Kernel, path: string, argv: string[], opts: { stdout_path?: string; cred?: Cred; tty?: boolean } = {}): Started {
  const r: Run = { output: "", stdout: "", stderr: "", console: "", status: -1, code: -1 };
  const tty = new Terminal(k, { write: (s: TtyStream, text: string) => ((r.output += text), (r[s] += text)) });
  tty.echo = false;
  if (opts.tty === false) tty.isatty = { stdin: false, stdout: false, stderr: false };
  tty.push_eof();
  const con = register_console(k, tty);
  const init = k.tasks.get(1)!;
  const std = tty.open_std();
  if (opts.stdout_path) {
    const f = run_as(init, () => do_filp_open(opts.stdout_path!, O_WRONLY, 0));
    if (typeof f === "number") throw new Error(`open ${opts.stdout_path}: ${f}`);
    std[1] = f;
  }
  const pid = run_as(init, () => sys_spawn(path, argv, INIT_ENV, { stdio: std, setsid: true, cred: opts.cred }));
  if (pid < 0) throw new Error(`spawn ${path}: ${pid}`);
  tty.fg_pgrp = pid;
  const task = k.tasks.get(pid)!;
  let done = false;
  void task.exited.then(() => {
    done = true;
    r.status = task.exit_status;
    r.code = (task.exit_status >> 8) & 0xff;
    k.printk.consoles.splice(k.printk.consoles.indexOf(con), 1);
  });
  const settle = async (stop: () => boolean = () => done): Promise<boolean> => run_until(k, stop);
  return { task, r, settle };
}

async function finish(s: Started): Promise<Run> {
  expect(await s.settle()).toBe(true);
  return s.r;
}

/** An executable at `path` whose main is `main` (a program started under another argv[0]). */
function install(k: Kernel, path: string, main: (argc: number, argv: string[]) => Promise<number>): void {
  const inode = ramfs_new_file(new Uint8Array(16), 0o755);
  (inode.i_private as ExecImage).entry = program(main);
  const cut = path.lastIndexOf("/");
  ramfs_link(inode_at(k, path.slice(0, cut)), path.slice(cut + 1), inode);
}

/** A regular file at `path` (its directory must exist) with the machine's boot time as mtime. */
function put_file(k: Kernel, path: string, content: string, mode = 0o644): Inode {
  const inode = ramfs_new_file(new TextEncoder().encode(content), mode);
  inode.mtime = Math.floor(k.clock.bootEpochMs / 1000);
  const cut = path.lastIndexOf("/");
  return ramfs_link(inode_at(k, path.slice(0, cut) || "/"), path.slice(cut + 1), inode);
}

/** A proc file whose writes are recorded and answered by `answer`. */
function write_sink(k: Kernel, name: string, answer: (count: number, call: number) => number): string[] {
  const chunks: string[] = [];
  proc(k, name, {
    proc_write(_file, buf, count) {
      const r = answer(count, chunks.length);
      const bytes = new Uint8Array(Math.max(0, r));
      copy_from_user(bytes, buf, bytes.length);
      chunks.push(decoder.decode(bytes));
      return r;
    },
  });
  return chunks;
}

describe("true, false", () => {
  it("exit 0 and 1 with no output", async () => {
    const k = boot();
    const t = await run(k, ["true", "--anything"]);
    expect([t.code, t.output]).toEqual([0, ""]);
    const f = await run(k, ["/bin/false"]);
    expect([f.code, f.output]).toEqual([1, ""]);
  });
});

describe("echo", () => {
  it("joins its arguments with spaces and ends the line", async () => {
    const k = boot();
    const r = await run(k, ["echo", "hello", "", "world"]);
    expect(r.stdout).toBe("hello  world\n");
    expect(r.code).toBe(0);
    expect((await run(k, ["echo"])).stdout).toBe("\n");
  });

  it("takes -n, -e and -E only when every letter is one of them", async () => {
    const k = boot();
    expect((await run(k, ["echo", "-n", "a", "b"])).stdout).toBe("a b");
    expect((await run(k, ["echo", "-e", "a\\tb\\nc"])).stdout).toBe("a\tb\nc\n");
    expect((await run(k, ["echo", "a\\tb"])).stdout).toBe("a\\tb\n");
    expect((await run(k, ["echo", "-E", "a\\tb"])).stdout).toBe("a\\tb\n");
    expect((await run(k, ["echo", "-e", "-E", "a\\tb"])).stdout).toBe("a\tb\n");
    expect((await run(k, ["echo", "-nx", "-", "-n"])).stdout).toBe("-nx - -n\n");
    expect((await run(k, ["echo", "-ne", "x\\n"])).stdout).toBe("x\n");
  });

  it("decodes octal, \\0NNN, hex and letter escapes, and stops at \\c", async () => {
    const k = boot();
    expect((await run(k, ["echo", "-e", "\\101\\0102\\x43\\x4a4\\e[m|\\q|\\\\|end\\"])).stdout).toBe("ABCJ4\x1b[m|\\q|\\|end\\\n");
    expect((await run(k, ["echo", "-e", "\\xg|\\777"])).stdout).toBe("\\xg|?7\n");
    expect((await run(k, ["echo", "-e", "one", "tw\\co", "three"])).stdout).toBe("one tw");
  });

  it("makes one write() of the whole line", async () => {
    const k = boot();
    const chunks = write_sink(k, "sink", (count) => count);
    const r = await finish(start(k, "/bin/echo", ["echo", "hi", "there"], { stdout_path: "/proc/sink" }));
    expect(chunks).toEqual(["hi there\n"]);
    expect(r.code).toBe(0);
  });

  it("writes the rest again after a short write (full_write)", async () => {
    const k = boot();
    const chunks = write_sink(k, "sink", (count) => Math.min(count, 2));
    const r = await finish(start(k, "/bin/echo", ["echo", "hello"], { stdout_path: "/proc/sink" }));
    expect(chunks).toEqual(["he", "ll", "o\n"]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  });

  it("reports a failing write as 'write error' with strerror, status 1", async () => {
    const k = boot();
    write_sink(k, "einval", () => -EINVAL);
    const r = await finish(start(k, "/bin/echo", ["echo", "1"], { stdout_path: "/proc/einval" }));
    expect(r.stderr).toBe("echo: write error: Invalid argument\n");
    expect(r.code).toBe(1);
  });

  it("uses errno of the call that failed after a partial write", async () => {
    const k = boot();
    const chunks = write_sink(k, "full", (count, call) => (call === 0 ? 1 : -ENOSPC));
    const r = await finish(start(k, "/bin/echo", ["echo", "abc"], { stdout_path: "/proc/full" }));
    expect(chunks).toEqual(["a", ""]);
    expect(r.stderr).toBe("echo: write error: No space left on device\n");
    expect(r.code).toBe(1);
  });

  it("prefixes messages with the shell's name when the shell runs it as a builtin", async () => {
    const k = boot();
    write_sink(k, "einval", () => -EINVAL);
    install(k, "/tmp/builtin-echo", (argc, argv) => echo_main(argc, argv));
    const r = await finish(start(k, "/tmp/builtin-echo", ["sh", "hi"], { stdout_path: "/proc/einval" }));
    expect(r.stderr).toBe("sh: write error: Invalid argument\n");
    expect(r.code).toBe(1);
  });

  it("keeps retrying a write handler that returns 0, without stalling the machine, until a signal ends it", async () => {
    const k = boot();
    const chunks = write_sink(k, "zero", () => 0);
    const s = start(k, "/bin/echo", ["echo", "x"], { stdout_path: "/proc/zero" });
    await s.settle(() => chunks.length >= 20);
    expect(s.r.status).toBe(-1);
    run_as(k.init_task, () => send_sig(SIGKILL, s.task));
    const r = await finish(s);
    expect(r.status).toBe(SIGKILL);
    expect(r.stderr).toBe("");
  });
});

describe("cat", () => {
  it("copies files and stdin ('-' or no operand) to stdout", async () => {
    const k = boot();
    const r = await run(k, ["cat", "/etc/group", "-", "/etc/hostname"], { input: "typed\n" });
    expect(r.stdout).toBe("root:x:0:\nuser:x:1000:\ntyped\n(none)\n");
    expect(r.code).toBe(0);
    expect((await run(k, ["cat"], { input: "a\nb\n" })).stdout).toBe("a\nb\n");
  });

  it("goes on after a file it cannot open and exits 1", async () => {
    const k = boot();
    const r = await run(k, ["cat", "/nonexistent", "/etc/hostname", "/root/x"], { cred: USER });
    expect(r.stdout).toBe("(none)\n");
    expect(r.stderr).toBe("cat: can't open '/nonexistent': No such file or directory\ncat: can't open '/root/x': Permission denied\n");
    expect(r.code).toBe(1);
  });

  it("reports a read handler's error as 'read error' without the file name", async () => {
    const k = boot();
    proc(k, "broken", { proc_read: () => -EINVAL }, 0o444);
    const r = await run(k, ["cat", "/proc/broken", "/etc/hostname"]);
    expect(r.stderr).toBe("cat: read error: Invalid argument\n");
    expect(r.stdout).toBe("(none)\n");
    expect(r.code).toBe(1);
  });

  it("reads in 4 KiB chunks until read returns 0", async () => {
    const k = boot();
    const data = new TextEncoder().encode("x".repeat(5000));
    const counts: number[] = [];
    proc(
      k,
      "big",
      {
        proc_read(_file, buf, count, ppos) {
          counts.push(count);
          return simple_read_from_buffer(buf, count, ppos, data);
        },
      },
      0o444,
    );
    const r = await run(k, ["cat", "/proc/big"], { tty: false });
    expect(r.stdout.length).toBe(5000);
    expect(counts).toEqual([4096, 4096, 4096]);
  });

  it("reports a failing stdout as 'write error'", async () => {
    const k = boot();
    write_sink(k, "nospc", () => -ENOSPC);
    const r = await finish(start(k, "/bin/cat", ["cat", "/etc/hostname"], { stdout_path: "/proc/nospc" }));
    expect(r.stderr).toBe("cat: write error: No space left on device\n");
    expect(r.code).toBe(1);
  });

  it("numbers lines with -n and -b, and shows -v -e -t -A notation", async () => {
    const k = boot();
    const input = "a\tb\n\n\x01\x7f\xe9\n";
    expect((await run(k, ["cat", "-n"], { input: "one\n\ntwo" })).stdout).toBe("     1\tone\n     2\t\n     3\ttwo\n");
    expect((await run(k, ["cat", "-b"], { input: "one\n\ntwo\n" })).stdout).toBe("     1\tone\n\n     2\ttwo\n");
    expect((await run(k, ["cat", "-A"], { input })).stdout).toBe("a^Ib$\n$\n^A^?M-CM-)$\n");
    expect((await run(k, ["cat", "-e"], { input: "a\tb\n" })).stdout).toBe("a\tb$\n");
    expect((await run(k, ["cat", "-vn"], { input: "x\ny\n" })).stdout).toBe("     1  x\n     2  y\n");
  });

  it("shows its usage for an unknown option", async () => {
    const k = boot();
    const r = await run(k, ["cat", "-z"]);
    expect(r.stderr).toBe(
      "cat: invalid option -- 'z'\n" +
        BANNER +
        "\nUsage: cat [-nbvteA] [FILE]...\n\nPrint FILEs to stdout\n\n\t-n\tNumber output lines\n\t-b\tNumber nonempty lines\n" +
        "\t-v\tShow nonprinting characters as ^x or M-x\n\t-t\t...and tabs as ^I\n\t-e\t...and end lines with $\n\t-A\tSame as -vte\n",
    );
    expect(r.code).toBe(1);
  });
});

describe("uname", () => {
  it("prints the kernel name by default and every known field with -a", async () => {
    const k = boot();
    expect((await run(k, ["uname"])).stdout).toBe("Linux\n");
    const a = await run(k, ["uname", "-a"]);
    expect(a.stdout).toBe("Linux (none) 5.15.0 #1 SMP Sat Aug 5 10:12:30 CST 2023 armv7l GNU/Linux\n");
    expect(a.code).toBe(0);
  });

  it("prints fields in its own order, 'unknown' for -p and -i unless -a", async () => {
    const k = boot();
    expect((await run(k, ["uname", "-m", "-s"])).stdout).toBe("Linux armv7l\n");
    expect((await run(k, ["uname", "-pio"])).stdout).toBe("unknown unknown GNU/Linux\n");
    expect((await run(k, ["uname", "-n", "-r", "-v"])).stdout).toBe("(none) 5.15.0 #1 SMP Sat Aug 5 10:12:30 CST 2023\n");
    expect((await run(k, ["uname", "--kernel-release"])).stdout).toBe("5.15.0\n");
    expect((await run(k, ["uname", "--mach"])).stdout).toBe("armv7l\n");
  });

  it("shows usage for a bad option or an operand", async () => {
    const k = boot();
    const usage = BANNER + "\nUsage: uname [-amnrspvio]\n\nPrint system information\n\n\t-a\tPrint all\n\t-m\tThe machine (hardware) type\n\t-n\tHostname\n\t-r\tKernel release\n\t-s\tKernel name (default)\n\t-p\tProcessor type\n\t-v\tKernel version\n\t-i\tThe hardware platform\n\t-o\tOS name\n";
    const bad = await run(k, ["uname", "-x"]);
    expect(bad.stderr).toBe("uname: invalid option -- 'x'\n" + usage);
    expect(bad.code).toBe(1);
    expect((await run(k, ["uname", "now"])).stderr).toBe(usage);
    expect((await run(k, ["uname", "--kernel"])).stderr).toBe("uname: option '--kernel' is ambiguous; possibilities: '--kernel-name' '--kernel-release' '--kernel-version'\n" + usage);
    expect((await run(k, ["uname", "--foo"])).stderr).toBe("uname: unrecognized option '--foo'\n" + usage);
  });
});

describe("sleep", () => {
  it("sleeps the sum of its arguments, with suffixes and fractions", async () => {
    const k = boot();
    const t0 = k.clock.now();
    const r = await run(k, ["sleep", "1.5", "1m", ".5s"]);
    expect(r.code).toBe(0);
    expect(r.output).toBe("");
    const slept = (k.clock.now() - t0) / 1e9;
    expect(slept).toBeGreaterThanOrEqual(62);
    expect(slept).toBeLessThan(62.01);
  });

  it("rejects bad numbers as BusyBox's parser words them", async () => {
    const k = boot();
    const abc = await run(k, ["sleep", "abc"]);
    expect([abc.stderr, abc.code]).toEqual(["sleep: invalid number 'abc'\n", 1]);
    expect((await run(k, ["sleep", "1.5x"])).stderr).toBe("sleep: invalid number '1x'\n");
    expect((await run(k, ["sleep", "-1"])).stderr).toBe("sleep: invalid number '-1'\n");
    expect((await run(k, ["sleep", "1.2.3"])).stderr).toBe(BANNER + "\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n");
  });

  it("shows usage without arguments", async () => {
    const k = boot();
    const r = await run(k, ["sleep"]);
    expect(r.stderr).toBe(BANNER + "\nUsage: sleep [N]...\n\nPause for a time equal to the total of the args given, where each arg can\nhave an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n");
    expect(r.code).toBe(1);
  });

  it("dies of a signal that arrives while it sleeps", async () => {
    const k = boot();
    const s = start(k, "/bin/sleep", ["sleep", "100"]);
    await s.settle(() => s.task.state === "S");
    run_as(k.init_task, () => send_sig(2, s.task));
    const r = await finish(s);
    expect(r.status).toBe(2);
    expect(k.clock.now()).toBeLessThan(100e9);
  });
});

describe("kill", () => {
  it("lists signals with -l and translates names and numbers", async () => {
    const k = boot();
    const all = await run(k, ["kill", "-l"]);
    expect(all.stdout.split("\n").slice(0, 3)).toEqual([" 1) HUP", " 2) INT", " 3) QUIT"]);
    expect(all.stdout).toContain("\n 9) KILL\n10) USR1\n");
    expect(all.stdout).toContain("\n29) POLL\n30) PWR\n31) SYS\n32) RTMIN\n64) RTMAX\n");
    expect((await run(k, ["kill", "-l", "9", "term", "SIGINT", "143"])).stdout).toBe("KILL\n15\n2\nTERM\n");
    const bad = await run(k, ["kill", "-l", "FOO"]);
    expect([bad.stderr, bad.code]).toEqual(["kill: unknown signal 'FOO'\n", 1]);
  });

  it("sends TERM by default, or the signal given as -SIG, -NUM or -s SIG", async () => {
    const k = boot();
    for (const [args, sig] of [[[], 15], [["-9"], 9], [["-INT"], 2], [["-s", "HUP"], 1], [["-SIGUSR1"], 10]] as const) {
      const victim = start(k, "/bin/sleep", ["sleep", "1000"]);
      await victim.settle(() => victim.task.state === "S");
      const r = await run(k, ["kill", ...args, String(victim.task.pid)]);
      expect([r.code, r.output]).toEqual([0, ""]);
      expect((await finish(victim)).status).toBe(sig);
    }
  });

  it("reports each PID it cannot signal and counts them in the exit status", async () => {
    const k = boot();
    const r = await run(k, ["kill", "99999", "abc", "12x", "99998"]);
    expect(r.stderr).toBe("kill: can't kill pid 99999: No such process\nkill: invalid number 'abc'\nkill: invalid number '12x'\nkill: can't kill pid 99998: No such process\n");
    expect(r.code).toBe(4);
  });

  it("refuses another user's process to a non-root user", async () => {
    const k = boot();
    const r = await run(k, ["kill", "1"], { cred: USER });
    expect(r.stderr).toBe("kill: can't kill pid 1: Operation not permitted\n");
    expect(r.code).toBe(1);
  });

  it("complains without a PID and about bad signal names", async () => {
    const k = boot();
    expect((await run(k, ["kill"])).stderr).toBe("kill: you need to specify whom to kill\n");
    expect((await run(k, ["kill", "-9"])).stderr).toBe("kill: you need to specify whom to kill\n");
    const bad = await run(k, ["kill", "-FOO", "1"]);
    expect([bad.stderr, bad.code]).toEqual(["kill: bad signal name 'FOO'\n", 1]);
    expect((await run(k, ["kill", "-s"])).stderr).toBe("kill: bad signal name 's'\n");
  });
});

describe("ps", () => {
  it("lists every process with the DESKTOP default columns", async () => {
    const k = boot();
    const r = await run(k, ["ps"]);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("PID   USER     TIME  COMMAND");
    expect(lines[1]).toBe("    1 root      0:00 init");
    expect(lines[2]).toBe("    2 root      0:00 [kthreadd]");
    expect(r.stdout).toContain("\n    9 root      0:00 [rcu_tasks_kthre]\n");
    expect(lines[lines.length - 2]).toMatch(/^ +\d+ root      0:00 ps$/);
    const rows = lines.slice(1, -1);
    const pids = rows.map((l) => Number(/^ +(\d+) root      0:00 \S/.exec(l)?.[1]));
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
    expect(pids.every((p) => p > 0)).toBe(true);
    expect(pids.length).toBe([...k.tasks.values()].filter((t) => t.pid > 0 && t.comm !== "ps").length + 1);
    expect(r.code).toBe(0);
  });

  it("names the user from /etc/passwd, and shows {comm} when argv[0] is another name", async () => {
    const k = boot();
    expect((await run(k, ["ps"], { cred: USER })).stdout).toMatch(/\n +\d+ user      0:00 ps\n$/);
    const s = await finish(start(k, "/bin/busybox", ["ps", "aux"]));
    expect(s.stdout).toMatch(/\n +\d+ root      0:00 \{busybox\} ps aux\n$/);
  });

  it("cuts lines to the terminal width minus one, and not off a terminal", async () => {
    const k = boot();
    const long = "y".repeat(100);
    const tty = await finish(start(k, "/bin/ps", ["ps", long]));
    const last = tty.stdout.trimEnd().split("\n").pop()!;
    expect(last.length).toBe(79);
    const file = await finish(start(k, "/bin/ps", ["ps", long], { tty: false }));
    expect(file.stdout.trimEnd().split("\n").pop()!).toMatch(new RegExp(` ps ${long}$`));
  });

  it("selects columns with -o, with a header of one's own for the last", async () => {
    const k = boot();
    const r = await run(k, ["ps", "-o", "pid,ppid,comm,vsz,stat,tty", "-o", "user=WHO"]);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("PID   PPID  COMMAND          VSZ  STAT TT     WHO");
    expect(lines[1]).toBe("    1     0 init             1800 S    ?      roo");
    expect(lines[2]).toBe("    2     0 kthreadd            0 SW   ?      roo");
  });

  it("rejects unknown columns and options", async () => {
    const k = boot();
    const bad = await run(k, ["ps", "-o", "pid,foo"]);
    expect(bad.stderr).toBe("ps: bad -o argument 'foo', supported arguments: user,group,comm,args,pid,ppid,pgid,etime,nice,rgroup,ruser,time,tty,vsz,sid,stat,rss\n");
    expect(bad.code).toBe(1);
    const x = await run(k, ["ps", "-x"]);
    expect(x.stderr).toBe("ps: invalid option -- 'x'\n" + BANNER + "\nUsage: ps [-o COL1,COL2=HEADER] [-T]\n\nShow list of processes\n\n\t-o COL1,COL2=HEADER\tSelect columns for display\n\t-T\t\t\tShow threads\n");
    expect(x.code).toBe(1);
    expect((await run(k, ["ps", "-ef"])).code).toBe(0);
  });
});

describe("ls", () => {
  const dir = (n: string): string => `${ESC}[1;34m${n}${ESC}[m`;
  const reg = (n: string): string => `${ESC}[0;0m${n}${ESC}[m`;
  const names = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"];

  /** /tmp/t with the files in `names` (and a subdirectory "sub" with "inner" when asked). */
  function fixture(k: Kernel, sub = false): void {
    const stamp = Math.floor(k.clock.bootEpochMs / 1000);
    const d = ramfs_new_dir(0o755);
    d.mtime = stamp;
    ramfs_link(inode_at(k, "/tmp"), "t", d);
    for (const n of names) {
      const f = ramfs_new_file(new TextEncoder().encode(n), 0o644);
      f.mtime = stamp;
      ramfs_link(d, n, f);
    }
    if (sub) {
      const s = ramfs_new_dir(0o755);
      s.mtime = stamp;
      ramfs_link(d, "sub", s);
      const f = ramfs_new_file(new Uint8Array(0), 0o600);
      f.mtime = stamp;
      ramfs_link(s, ".hidden", f);
      ramfs_link(s, "inner", ramfs_new_file(new Uint8Array(0), 0o644)).mtime = stamp;
    }
  }

  it("lists sorted names in colored columns on a terminal", async () => {
    const k = boot();
    fixture(k);
    const r = await run(k, ["ls", "/tmp/t"]);
    const row = (ns: string[]): string => ns.map((n, i) => reg(n) + (i < ns.length - 1 ? " ".repeat(9 - n.length) : "")).join("") + "\n";
    expect(r.stdout).toBe(row(["alpha", "delta", "eta", "iota", "theta"]) + row(["beta", "epsilon", "gamma", "kappa", "zeta"]));
    expect(r.code).toBe(0);
    const root = await run(k, ["ls", "-d", "/tmp", "/etc"]);
    expect(root.stdout).toBe(`${dir("/etc")}  ${dir("/tmp")}\n`);
  });

  it("fits columns to -w, fills them top to bottom, or across with -x", async () => {
    const k = boot();
    fixture(k);
    expect((await run(k, ["ls", "--color=never", "-w", "30", "/tmp/t"])).stdout).toBe("alpha    eta      theta\nbeta     gamma    zeta\ndelta    iota\nepsilon  kappa\n");
    expect((await run(k, ["ls", "--color=never", "-w", "26", "/tmp/t"])).stdout).toBe("alpha    gamma\nbeta     iota\ndelta    kappa\nepsilon  theta\neta      zeta\n");
    expect((await run(k, ["ls", "--color=never", "-x", "-w", "27", "/tmp/t"])).stdout).toBe("alpha    beta     delta\nepsilon  eta      gamma\niota     kappa    theta\nzeta\n");
    expect((await run(k, ["ls", "--color=never", "-1", "/tmp/t"])).stdout).toBe([...names].sort().join("\n") + "\n");
  });

  it("prints one name per line without colors off a terminal", async () => {
    const k = boot();
    fixture(k);
    const r = await run(k, ["ls", "/tmp/t"], { tty: false });
    expect(r.stdout).toBe([...names].sort().join("\n") + "\n");
  });

  it("shows -l details: mode, links, owner names, size, date, and link targets", async () => {
    const k = boot();
    fixture(k, true);
    inode_at(k, "/tmp/t/beta").uid = 1000;
    inode_at(k, "/tmp/t/beta").gid = 1000;
    inode_at(k, "/tmp/t/gamma").mode = 0o104755;
    inode_at(k, "/tmp/t/delta").uid = 4242;
    const r = await run(k, ["ls", "-l", "/tmp/t", "/bin/sh"], { tty: false });
    const line = (mode: string, links: number, user: string, group: string, size: number, name: string): string =>
      `${mode}${String(links).padStart(5)} ${user.padEnd(8)} ${group.padEnd(8)} ${String(size).padStart(9)} Aug  6 08:00 ${name}\n`;
    expect(r.stdout).toBe(
      line("lrwxrwxrwx", 1, "root", "root", 7, "/bin/sh -> busybox") +
        "\n/tmp/t:\ntotal 0\n" +
        line("-rw-r--r--", 1, "root", "root", 5, "alpha") +
        line("-rw-r--r--", 1, "user", "user", 4, "beta") +
        line("-rw-r--r--", 1, "4242", "root", 5, "delta") +
        line("-rw-r--r--", 1, "root", "root", 7, "epsilon") +
        line("-rw-r--r--", 1, "root", "root", 3, "eta") +
        line("-rwsr-xr-x", 1, "root", "root", 5, "gamma") +
        line("-rw-r--r--", 1, "root", "root", 4, "iota") +
        line("-rw-r--r--", 1, "root", "root", 5, "kappa") +
        line("drwxr-xr-x", 2, "root", "root", 0, "sub") +
        line("-rw-r--r--", 1, "root", "root", 5, "theta") +
        line("-rw-r--r--", 1, "root", "root", 4, "zeta"),
    );
    const tmp = await run(k, ["ls", "-ld", "/tmp"], { tty: false });
    expect(tmp.stdout).toBe("drwxrwxrwt    3 root     root             0 Aug  6 08:00 /tmp\n");
  });

  it("shows devices as major, minor and numeric ids with -n", async () => {
    const k = boot();
    const r = await run(k, ["ls", "-ln", "/dev/null", "/dev/kmsg"], { tty: false });
    expect(r.stdout).toBe("crw-r--r--    1 0        0           1,  11 Aug  6 08:00 /dev/kmsg\ncrw-rw-rw-    1 0        0           1,   3 Aug  6 08:00 /dev/null\n");
  });

  it("shows the year instead of the time for files six months old", async () => {
    const k = boot();
    inode_at(k, "/etc/hostname").mtime = Date.UTC(2022, 0, 9, 12, 30) / 1000;
    const r = await run(k, ["ls", "-l", "/etc/hostname"], { tty: false });
    expect(r.stdout).toBe("-rw-r--r--    1 root     root             7 Jan  9  2022 /etc/hostname\n");
    expect((await run(k, ["ls", "-l", "--full-time", "/etc/hostname"], { tty: false })).stdout).toBe("-rw-r--r--    1 root     root             7 2022-01-09 12:30:00 +0000 /etc/hostname\n");
  });

  it("colors by type and marks types with -F", async () => {
    const k = boot();
    fixture(k, true);
    const r = await run(k, ["ls", "-l", "/bin/sh", "/bin/busybox", "/etc/passwd", "/dev/null"]);
    expect(r.stdout).toBe(
      `-rwxr-xr-x    1 root     root       1153040 Aug  6 08:00 ${ESC}[1;32m/bin/busybox${ESC}[m\n` +
        `lrwxrwxrwx    1 root     root             7 Aug  6 08:00 ${ESC}[1;36m/bin/sh${ESC}[m -> ${ESC}[1;32mbusybox${ESC}[m\n` +
        `crw-rw-rw-    1 root     root        1,   3 Aug  6 08:00 ${ESC}[1;35m/dev/null${ESC}[m\n` +
        `-rw-r--r--    1 root     root            80 Aug  6 08:00 ${ESC}[0;0m/etc/passwd${ESC}[m\n`,
    );
    const f = await run(k, ["ls", "-F", "/tmp/t", "/bin/busybox", "/bin/ls"], { tty: false });
    expect(f.stdout).toBe("/bin/busybox*\n/bin/ls@\n\n/tmp/t:\nalpha\nbeta\ndelta\nepsilon\neta\ngamma\niota\nkappa\nsub/\ntheta\nzeta\n");
    const h = await run(k, ["ls", "-lh", "/bin/busybox"], { tty: false });
    expect(h.stdout).toBe("-rwxr-xr-x    1 root     root        1.1M Aug  6 08:00 /bin/busybox\n");
  });

  it("includes dot entries with -a, other dot files with -A, and recurses with -R", async () => {
    const k = boot();
    fixture(k, true);
    expect((await run(k, ["ls", "-a", "/tmp/t/sub"], { tty: false })).stdout).toBe(".\n..\n.hidden\ninner\n");
    expect((await run(k, ["ls", "-A", "/tmp/t/sub"], { tty: false })).stdout).toBe(".hidden\ninner\n");
    expect((await run(k, ["ls", "/tmp/t/sub"], { tty: false })).stdout).toBe("inner\n");
    expect((await run(k, ["ls", "-R", "/tmp/t"], { tty: false })).stdout).toBe(
      "/tmp/t:\nalpha\nbeta\ndelta\nepsilon\neta\ngamma\niota\nkappa\nsub\ntheta\nzeta\n\n/tmp/t/sub:\ninner\n",
    );
    expect((await run(k, ["ls", "-r", "/tmp/t/sub", "/tmp/t/alpha"], { tty: false })).stdout).toBe("/tmp/t/alpha\n\n/tmp/t/sub:\ninner\n");
    expect((await run(k, ["ls", "-rA", "/tmp/t/sub"], { tty: false })).stdout).toBe("inner\n.hidden\n");
    expect((await run(k, ["ls", "-S", "/tmp/t/epsilon", "/tmp/t/eta", "/tmp/t/iota"], { tty: false })).stdout).toBe("/tmp/t/epsilon\n/tmp/t/iota\n/tmp/t/eta\n");
  });

  it("reports missing files and unreadable directories, and goes on", async () => {
    const k = boot();
    const r = await run(k, ["ls", "/nope", "/etc/hostname", "/root"], { cred: USER, tty: false });
    expect(r.stderr).toBe("ls: /nope: No such file or directory\nls: can't open '/root': Permission denied\n");
    expect(r.stdout).toBe("/etc/hostname\n\n/root:\n");
    expect(r.code).toBe(1);
    const l = await run(k, ["ls", "-l", "/root"], { cred: USER, tty: false });
    expect([l.stdout, l.stderr, l.code]).toEqual(["total 0\n", "ls: can't open '/root': Permission denied\n", 1]);
    const bad = await run(k, ["ls", "-y"]);
    expect(bad.stderr).toMatch(/^ls: invalid option -- 'y'\nBusyBox v1\.35\.0 [^\n]*\n\nUsage: ls \[-1AaCxdLHRFplinshrSXvctu\] \[-w WIDTH\] \[FILE\]\.\.\.\n\nList directory contents\n/);
    expect(bad.code).toBe(1);
    expect((await run(k, ["ls", "--colour"])).stderr.split("\n")[0]).toBe("ls: unrecognized option '--colour'");
  });
});

describe("grep", () => {
  const text = "aa\nabab\nfoo bar\nfoobar\nx*y\n(paren)\nABC\n12 345\n";
  const g = async (args: string[], input = text): Promise<[string, number]> => {
    const k = boot();
    const r = await run(k, ["grep", ...args], { input, tty: false });
    return [r.stdout, r.code];
  };

  it("matches basic regular expressions as glibc's regcomp does", async () => {
    expect(await g(["a\\{2\\}"])).toEqual(["aa\n", 0]);
    expect(await g(["\\(ab\\)\\1"])).toEqual(["abab\n", 0]);
    expect(await g(["bar\\|BC"])).toEqual(["foo bar\nfoobar\nABC\n", 0]);
    expect(await g(["*y"])).toEqual(["x*y\n", 0]);
    expect(await g(["x*y"])).toEqual(["x*y\n", 0]);
    expect(await g(["a+"])).toEqual(["", 1]);
    expect(await g(["b\\+a"])).toEqual(["abab\nfoo bar\nfoobar\n", 0]);
    expect(await g(["^[[:upper:]]"])).toEqual(["ABC\n", 0]);
    expect(await g(["[]x]"])).toEqual(["x*y\n", 0]);
    expect(await g(["(p.*)$"])).toEqual(["(paren)\n", 0]);
    expect(await g(["\\<bar"])).toEqual(["foo bar\n", 0]);
    expect(await g(["^$"], "a\n\nb\n")).toEqual(["\n", 0]);
  });

  it("uses extended syntax with -E, fixed strings with -F, and -i, -v, -x, -w", async () => {
    expect(await g(["-E", "(ab)+$|^A"])).toEqual(["abab\nABC\n", 0]);
    expect(await g(["-E", "[0-9]{3}"])).toEqual(["12 345\n", 0]);
    expect(await g(["-F", "x*y"])).toEqual(["x*y\n", 0]);
    expect(await g(["-i", "abc"])).toEqual(["ABC\n", 0]);
    expect(await g(["-v", "[ab]"])).toEqual(["x*y\nABC\n12 345\n", 0]);
    expect(await g(["-x", "aa"])).toEqual(["aa\n", 0]);
    expect(await g(["-xE", "a|aa"])).toEqual(["aa\n", 0]);
    expect(await g(["-w", "foo"])).toEqual(["foo bar\n", 0]);
    expect(await g(["-Fw", "bar"])).toEqual(["foo bar\n", 0]);
  });

  it("prints only the matches with -o, longest first as POSIX wants", async () => {
    expect(await g(["-oE", "ab|abab"])).toEqual(["abab\n", 0]);
    expect(await g(["-o", "[0-9]*"])).toEqual(["12\n345\n", 0]);
    expect(await g(["-on", "o"], "foo\n")).toEqual(["1:o\n1:o\n", 0]);
  });

  it("counts, lists, numbers, stops after -m and prints context", async () => {
    expect(await g(["-c", "o"])).toEqual(["2\n", 0]);
    expect(await g(["-n", "-e", "aa", "-e", "ABC"])).toEqual(["1:aa\n7:ABC\n", 0]);
    expect(await g(["-m", "2", "a"])).toEqual(["aa\nabab\n", 0]);
    expect(await g(["-l", "foo"])).toEqual(["(standard input)\n", 0]);
    expect(await g(["-L", "zzz"])).toEqual(["(standard input)\n", 1]);
    expect(await g(["-q", "foo"])).toEqual(["", 0]);
    expect(await g(["-A", "1", "aa"])).toEqual(["aa\nabab\n", 0]);
    expect(await g(["-B", "1", "-n", "ABC"])).toEqual(["6-(paren)\n7:ABC\n", 0]);
    expect(await g(["-C", "1", "-e", "aa", "-e", "345"])).toEqual(["aa\nabab\n--\nABC\n12 345\n", 0]);
  });

  it("prefixes file names when there are several files, and exits 2 if one is missing", async () => {
    const k = boot();
    put_file(k, "/tmp/one", "apple\nbanana\n");
    put_file(k, "/tmp/two", "cherry\napple pie\n");
    const r = await run(k, ["grep", "apple", "/tmp/one", "/nonexistent", "/tmp/two"], { tty: false });
    expect(r.stdout).toBe("/tmp/one:apple\n/tmp/two:apple pie\n");
    expect(r.stderr).toBe("grep: /nonexistent: No such file or directory\n");
    expect(r.code).toBe(2);
    const s = await run(k, ["grep", "-s", "apple", "/nonexistent"], { tty: false });
    expect([s.stderr, s.code]).toEqual(["", 2]);
    const q = await run(k, ["grep", "-q", "apple", "/nonexistent", "/tmp/two"], { tty: false });
    expect([q.code, q.stdout]).toEqual([0, ""]);
    expect((await run(k, ["grep", "-h", "apple", "/tmp/one", "/tmp/two"])).stdout).toBe("apple\napple pie\n");
    expect((await run(k, ["grep", "-c", "a", "/tmp/one", "/tmp/two"])).stdout).toBe("/tmp/one:2\n/tmp/two:1\n");
    expect((await run(k, ["grep", "-l", "an", "/tmp/one", "/tmp/two"])).stdout).toBe("/tmp/one\n");
    expect((await run(k, ["grep", "-H", "-n", "pie", "/tmp/two"])).stdout).toBe("/tmp/two:2:apple pie\n");
    expect((await run(k, ["grep", "zzz", "/tmp/one"])).code).toBe(1);
  });

  it("reads patterns from a file with -f", async () => {
    const k = boot();
    put_file(k, "/tmp/one", "apple\nbanana\ncherry\n");
    const r = await run(k, ["grep", "-f", "-", "/tmp/one"], { input: "^b\ny$\n" });
    expect(r.stdout).toBe("banana\ncherry\n");
    const bad = await run(k, ["grep", "-f", "/nonexistent", "x"]);
    expect([bad.stderr, bad.code]).toEqual(["grep: can't open '/nonexistent': No such file or directory\n", 2]);
  });

  it("treats a read error after open as end of file", async () => {
    const k = boot();
    proc(k, "broken", { proc_read: () => -EINVAL }, 0o444);
    const r = await run(k, ["grep", "x", "/proc/broken"]);
    expect([r.stdout, r.stderr, r.code]).toEqual(["", "", 1]);
  });

  it("reports bad regular expressions with glibc's texts, status 2", async () => {
    const cases: [string[], string][] = [
      [["\\("], "'\\(': Unmatched ( or \\("],
      [["\\)"], "'\\)': Unmatched ) or \\)"],
      [["-E", "(a"], "'(a': Unmatched ( or \\("],
      [["a\\{1"], "'a\\{1': Unmatched \\{"],
      [["a\\{2,1\\}"], "'a\\{2,1\\}': Invalid content of \\{\\}"],
      [["[a"], "'[a': Unmatched [, [^, [:, [., or [="],
      [["[[:foo:]]"], "'[[:foo:]]': Invalid character class name"],
      [["[z-a]"], "'[z-a]': Invalid range end"],
      [["a\\"], "'a\\': Trailing backslash"],
      [["\\(a\\)\\2"], "'\\(a\\)\\2': Invalid back reference"],
      [["-E", "*a"], "'*a': Invalid preceding regular expression"],
      [["a**"], "'a**': Invalid preceding regular expression"],
    ];
    for (const [args, msg] of cases) {
      const k = boot();
      const r = await run(k, ["grep", ...args], { input: "a\n" });
      expect([r.stderr, r.code]).toEqual([`grep: bad regex ${msg}\n`, 2]);
    }
  });

  it("shows usage with status 2 without a pattern or with a bad option", async () => {
    const k = boot();
    const r = await run(k, ["grep"]);
    expect(r.stderr).toMatch(/^BusyBox v1\.35\.0 [^\n]*\n\nUsage: grep \[-HhnlLoqvsrRiwFE\] \[-m N\] \[-A\|B\|C N\] \{ PATTERN \| -e PATTERN\.\.\. \| -f FILE\.\.\. \} \[FILE\]\.\.\.\n\nSearch for PATTERN in FILEs \(or stdin\)\n/);
    expect(r.code).toBe(2);
    const bad = await run(k, ["grep", "-Z", "x"]);
    expect(bad.stderr.split("\n")[0]).toBe("grep: invalid option -- 'Z'");
    expect(bad.code).toBe(2);
    const num = await run(k, ["grep", "-m", "x", "y"]);
    expect([num.stderr, num.code]).toEqual(["grep: invalid number 'x'\n", 2]);
  });

  it("searches directories with -r", async () => {
    const k = boot();
    const d = ramfs_new_dir(0o755);
    ramfs_link(inode_at(k, "/tmp"), "r", d);
    put_file(k, "/tmp/r/a", "needle one\n");
    ramfs_link(d, "sub", ramfs_new_dir(0o755));
    put_file(k, "/tmp/r/sub/b", "hay\nneedle two\n");
    put_file(k, "/tmp/r/c", "hay\n");
    const r = await run(k, ["grep", "-r", "needle", "/tmp/r"], { tty: false });
    /* readdir order: ramfs lists the newest name first */
    expect(r.stdout).toBe("/tmp/r/sub/b:needle two\n/tmp/r/a:needle one\n");
    expect(r.code).toBe(0);
  });
});
