// util-linux 2.37.2 dmesg as a program of the simulated machine: options, messages, exit codes, and the
// /dev/kmsg and syslog(2) paths it takes through the kernel.
import { describe, it, expect } from "vitest";
import { boot, run, USER, type Run } from "./helpers.js";
import { Terminal, type TtyStream } from "../src/drivers/tty/tty.js";
import { register_console, spawn_on_terminal, INIT_ENV } from "../src/init/console.js";
import { run_until } from "../src/kernel/sched/idle.js";
import { run_as, type Task } from "../src/kernel/sched/task.js";
import type { Cred } from "../src/kernel/cred.js";
import { printk, vprintk_emit } from "../src/kernel/printk/printk.js";
import type { Kernel } from "../src/kernel/kernel.js";
import { createDmesgFormatter, formatRawBuffer, parseSyslogBuffer, type DmesgOptions } from "../src/user/util-linux/dmesg_format.js";

const ESC = "\x1b";
const FIRST = "[    0.000000] Booting Linux on physical CPU 0x0\n";

/** printk() from kernel context. */
function klog(k: Kernel, text: string): void {
  run_as(k.init_task, () => printk(text));
}

/** Move the virtual clock to `ns` after boot, so the next record gets that timestamp. */
function at(k: Kernel, ns: number): void {
  expect(k.clock.now()).toBeLessThanOrEqual(ns);
  k.clock.tick(ns - k.clock.now());
}

interface Started {
  task: Task;
  tty: Terminal;
  r: Run;
  /** Run the machine until everything waits; true once the program has exited. */
  settle(): Promise<boolean>;
}

/** Start a program on a terminal of its own with a chosen environment, without waiting for it to exit. */
function start(k: Kernel, argv: string[], opts: { env?: string[]; tty?: boolean; cred?: Cred } = {}): Started {
  const r: Run = { output: "", stdout: "", stderr: "", console: "", status: -1, code: -1 };
  const tty = new Terminal(k, { write: (s: TtyStream, text: string) => ((r.output += text), (r[s] += text)) });
  tty.echo = false;
  if (opts.tty === false) tty.isatty = { stdin: false, stdout: false, stderr: false };
  const con = register_console(k, tty);
  const task = spawn_on_terminal(k, tty, "/bin/dmesg", argv, { env: opts.env, cred: opts.cred });
  if (typeof task === "number") throw new Error(`spawn: ${task}`);
  let done = false;
  void task.exited.then(() => {
    done = true;
    r.status = task.exit_status;
    r.code = (task.exit_status >> 8) & 0xff;
    k.printk.unregister_console(con);
  });
  const settle = async (): Promise<boolean> => {
    await run_until(k, () => done);
    return done;
  };
  return { task, tty, r, settle };
}

/** Run dmesg to its end with `env` added to init's environment. */
async function runEnv(k: Kernel, argv: string[], env: string[], opts: { tty?: boolean; cred?: Cred } = {}): Promise<Run> {
  const s = start(k, argv, { ...opts, env: [...INIT_ENV.filter((e) => !env.some((x) => x.split("=")[0] === e.split("=")[0])), ...env] });
  expect(await s.settle()).toBe(true);
  return s.r;
}

/** The plain (uncoloured) output of a command: stdout is not a terminal. */
const plain = (k: Kernel, argv: string[], cred?: Cred): Promise<Run> => run(k, argv, { tty: false, cred });

describe("reading the log", () => {
  it("prints every record of the boot log with its timestamp", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.startsWith(FIRST + "[    0.000000] Linux version 5.15.0 ")).toBe(true);
    expect(r.stdout).toContain("\n[    0.003510] Calibrating delay loop... 1097.72 BogoMIPS (lpj=5488640)\n");
    const lines = r.stdout.split("\n").slice(0, -1);
    expect(lines.length).toBe(k.printk.prb.last_seq - k.printk.prb.first_seq);
    for (const l of lines) expect(l).toMatch(/^\[ *\d+\.\d{6}\] /);
  });

  it("shows records logged later with their own time", async () => {
    const k = boot();
    at(k, 12_345_678_000);
    klog(k, "\x016hello from the test\n");
    const r = await plain(k, ["dmesg"]);
    expect(r.stdout.endsWith("\n[   12.345678] hello from the test\n")).toBe(true);
  });

  it("-r prints the raw priority and timestamp", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-r"]);
    expect(r.stdout.startsWith("<6>" + FIRST + "<5>[    0.000000] Linux version 5.15.0 ")).toBe(true);
    expect((await plain(k, ["dmesg", "--raw"])).stdout).toBe(r.stdout);
  });

  it("-x decodes facility and level", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-x"]);
    expect(r.stdout.startsWith("kern  :info  : " + FIRST + "kern  :notice: [    0.000000] Linux version")).toBe(true);
  });

  it("-t leaves out the timestamp", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-t"]);
    expect(r.stdout.startsWith("Booting Linux on physical CPU 0x0\nLinux version 5.15.0 ")).toBe(true);
    expect((await plain(k, ["dmesg", "--notime"])).stdout).toBe(r.stdout);
    expect((await plain(k, ["dmesg", "--time-format", "notime"])).stdout).toBe(r.stdout);
  });

  it("-T and --time-format iso count from the boot time in UTC", async () => {
    const k = boot(); // VirtualClock boots at 2023-08-06 08:00:00 UTC
    at(k, 75_500_000_000);
    klog(k, "\x016later\n");
    const t = await plain(k, ["dmesg", "-T"]);
    expect(t.stdout.startsWith("[Sun Aug  6 08:00:00 2023] Booting Linux on physical CPU 0x0\n")).toBe(true);
    expect(t.stdout.endsWith("[Sun Aug  6 08:01:15 2023] later\n")).toBe(true);
    const iso = await plain(k, ["dmesg", "--time-format=iso"]);
    expect(iso.stdout.startsWith("2023-08-06T08:00:00,000000+00:00 Booting Linux")).toBe(true);
    expect(iso.stdout.endsWith("\n2023-08-06T08:01:15,500000+00:00 later\n")).toBe(true);
  });

  it("-d shows the delta to the previous record; with iso it warns and is ignored", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-d"]);
    expect(r.stdout.startsWith("[    0.000000 <    0.000000>] Booting Linux")).toBe(true);
    // the previous time stays unset while records sit at 0.000000 (timerisset)
    expect(r.stdout).toContain("\n[    0.003510 <    0.000000>] Calibrating delay loop");
    expect(r.stdout).toContain("\n[    0.058220 <    0.054710>] pid_max");
    const iso = await plain(k, ["dmesg", "-d", "--time-format", "iso"]);
    expect(iso.stderr).toBe("dmesg: --show-delta is ignored when used together with iso8601 time format\n");
    expect(iso.code).toBe(0);
    expect((await plain(k, ["dmesg", "-t", "-d"])).stdout.startsWith("[<    0.000000>] Booting Linux")).toBe(true);
  });

  it("-e and -H print a minute line, then deltas", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-e"]);
    expect(r.stdout.startsWith("[Aug 6 08:00] Booting Linux on physical CPU 0x0\n[  +0.000000] Linux version")).toBe(true);
    const h = await plain(k, ["dmesg", "-H"]);
    expect(h.stdout).toBe(r.stdout); // -H: reltime and --color=auto (not a terminal here); kplay has no pager
  });

  it("-l keeps only the listed levels", async () => {
    const k = boot();
    klog(k, "\x013something failed\n");
    klog(k, "\x014a warning\n");
    const r = await plain(k, ["dmesg", "-l", "err"]);
    expect(r.stdout).toMatch(/^\[ *\d+\.\d{6}\] something failed\n$/);
    const two = await plain(k, ["dmesg", "--level=err,warn", "-t"]);
    expect(two.stdout).toBe("something failed\na warning\n");
    expect((await plain(k, ["dmesg", "-t", "-l", "3", "-l", "4"])).stdout).toBe(two.stdout);
    const notice = await plain(k, ["dmesg", "-t", "-x", "-l", "notice"]);
    expect(notice.stdout.split("\n")[1]).toBe("kern  :notice: Kernel command line: console=ttyAMA0 rdinit=/sbin/init printk.time=0");
  });

  it("-l with an unknown level fails", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-l", "foo"]);
    expect(r).toMatchObject({ stdout: "", stderr: "dmesg: unknown level 'foo'\n", code: 1 });
    expect((await plain(k, ["dmesg", "-l", "err,,warn"])).stderr).toBe("");
    expect((await plain(k, ["dmesg", "-l", "err,,warn"])).code).toBe(1);
    expect((await plain(k, ["dmesg", "-f", "local0"])).stderr).toBe("dmesg: unknown facility 'local0'\n");
  });

  it("-k, -u and -f select facilities; /dev/kmsg writes are user messages", async () => {
    const k = boot();
    run_as(k.init_task, () => vprintk_emit(1, 4, "from user space\n"));
    const u = await plain(k, ["dmesg", "-u", "-x"]);
    expect(u.stdout).toMatch(/^user {2}:warn {2}: \[ *\d+\.\d{6}\] from user space\n$/);
    expect((await plain(k, ["dmesg", "-f", "user", "-t"])).stdout).toBe("from user space\n");
    const kern = await plain(k, ["dmesg", "-k"]);
    expect(kern.stdout.startsWith(FIRST)).toBe(true);
    expect(kern.stdout).not.toContain("from user space");
    expect((await plain(k, ["dmesg", "-k", "-u"])).stdout).toBe((await plain(k, ["dmesg"])).stdout);
  });

  it("-p repeats the prefix on each line of a multi-line record; without it lines are indented", async () => {
    const k = boot();
    klog(k, "\x016first\nsecond\n");
    const plainOut = (await plain(k, ["dmesg", "-x", "-t"])).stdout;
    expect(plainOut.endsWith("kern  :info  : first\n               second\n")).toBe(true);
    const p = (await plain(k, ["dmesg", "-x", "-t", "-p"])).stdout;
    expect(p.endsWith("kern  :info  : first\nkern  :info  : second\n")).toBe(true);
  });

  it("--noescape prints control characters as they are", async () => {
    const k = boot();
    klog(k, "\x016red \x1b[31mtext\n");
    expect((await plain(k, ["dmesg", "-t"])).stdout.endsWith("\nred \\x1b[31mtext\n")).toBe(true);
    expect((await plain(k, ["dmesg", "-t", "--noescape"])).stdout.endsWith("\nred \x1b[31mtext\n")).toBe(true);
  });
});

describe("formatter additions: syslog buffers, --noescape, --force-prefix", () => {
  const o = (x: Partial<DmesgOptions> = {}): DmesgOptions => ({
    decode: false,
    raw: false,
    time: "default",
    levels: null,
    facilities: null,
    color: false,
    bootEpochMs: Date.UTC(2024, 2, 5, 10, 11, 0),
    ...x,
  });

  it("parseSyslogBuffer splits records at \\n< and reads <prio> and [sec.usec]", () => {
    const buf = "<6>[    1.000000] a\n<3>[    2.500000] drv: b\n<12>plain\n";
    expect(parseSyslogBuffer(buf, { parsePrio: true, notime: false })).toEqual([
      { prio: 6, seq: 0, tsUsec: 1_000_000, flags: "-", text: "a" },
      { prio: 3, seq: 0, tsUsec: 2_500_000, flags: "-", text: "drv: b" },
      { prio: 12, seq: 0, tsUsec: 0, flags: "-", text: "plain" },
    ]);
    expect(parseSyslogBuffer("\0\0\0", { parsePrio: true, notime: false })).toEqual([]); // zeros at the end of the buffer
    expect(parseSyslogBuffer("<6>[12abc] x", { parsePrio: true, notime: false })).toEqual([
      { prio: 6, seq: 0, tsUsec: 12_000_000, flags: "-", text: "12abc] x" },
    ]);
    expect(parseSyslogBuffer("<6>[12abc] x", { parsePrio: true, notime: true })[0]!.text).toBe("x");
    const unparsed = parseSyslogBuffer("<3>x", { parsePrio: false, notime: false })[0]!;
    expect(unparsed.text).toBe("x");
    const f = createDmesgFormatter(o({ levels: new Set([3]) }));
    expect(f.format(unparsed)).toBe(""); // facility unknown: filters drop it, as dmesg does
  });

  it("formatRawBuffer prints the buffer escaped and ends it with a newline", () => {
    expect(formatRawBuffer("<6>a\n<4>b")).toBe("<6>a\n<4>b\n");
    expect(formatRawBuffer("<6>\x1bx\n")).toBe("<6>\\x1bx\n");
    expect(formatRawBuffer("<6>\x1bx\n", true)).toBe("<6>\x1bx\n");
    expect(formatRawBuffer("")).toBe("");
  });

  it("noescape keeps control characters but still indents continuation lines", () => {
    const f = createDmesgFormatter(o({ noescape: true }));
    expect(f.format({ prio: 6, seq: 0, tsUsec: 0, flags: "-", text: "\x07bell\nnext" })).toBe(
      "[    0.000000] \x07bell\n               next\n",
    );
  });

  it("forcePrefix repeats the prefix per non-empty line; with -e later lines show +0.000000", () => {
    const rec = { prio: 4, seq: 0, tsUsec: 1_000_000, flags: "-", text: "a\n\nb: c" };
    expect(createDmesgFormatter(o({ forcePrefix: true, decode: true })).format(rec)).toBe(
      "kern  :warn  : [    1.000000] a\nkern  :warn  : [    1.000000] b: c\n",
    );
    expect(createDmesgFormatter(o({ forcePrefix: true, time: "reltime" })).format(rec)).toBe("[Mar 5 10:11] a\n[  +0.000000] b: c\n");
    expect(createDmesgFormatter(o({ forcePrefix: true, color: true, time: "none" })).format(rec)).toBe(
      `${ESC}[1ma${ESC}[0m\n${ESC}[33mb${ESC}[0m${ESC}[1m: c${ESC}[0m\n`,
    );
    expect(createDmesgFormatter(o({ forcePrefix: true })).format({ ...rec, text: "\n\n" })).toBe("[    1.000000] \n");
  });
});

describe("clearing", () => {
  it("-c prints the log and clears it; the next dmesg prints nothing", async () => {
    const k = boot();
    const all = (await plain(k, ["dmesg"])).stdout;
    const c = await plain(k, ["dmesg", "-c"]);
    expect(c).toMatchObject({ stdout: all, stderr: "", code: 0 });
    expect(await plain(k, ["dmesg"])).toMatchObject({ stdout: "", stderr: "", code: 0 });
    klog(k, "\x016after the clear\n");
    expect((await plain(k, ["dmesg", "-t"])).stdout).toBe("after the clear\n");
    expect((await plain(k, ["dmesg", "-S", "-t"])).stdout).toBe("after the clear\n");
  });

  it("-C clears without printing", async () => {
    const k = boot();
    expect(await plain(k, ["dmesg", "-C"])).toMatchObject({ stdout: "", stderr: "", code: 0 });
    expect((await plain(k, ["dmesg"])).stdout).toBe("");
    expect((await plain(k, ["dmesg", "-r"])).stdout).toBe("");
  });

  it("-C as a user fails with klogctl's error", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-C"], USER);
    expect(r).toMatchObject({ stdout: "", stderr: "dmesg: klogctl failed: Operation not permitted\n", code: 1 });
    expect((await plain(k, ["dmesg"])).stdout.startsWith(FIRST)).toBe(true); // nothing was cleared
  });

  it("-c as a user prints the log, then fails to clear it", async () => {
    const k = boot();
    const r = await plain(k, ["dmesg", "-c"], USER);
    expect(r.stdout.startsWith(FIRST)).toBe(true);
    expect(r.stderr).toBe("dmesg: read kernel buffer failed: Operation not permitted\n");
    expect(r.code).toBe(1);
  });

  it("a user may read the log unless kernel.dmesg_restrict is set", async () => {
    const k = boot();
    expect((await plain(k, ["dmesg"], USER)).stdout.startsWith(FIRST)).toBe(true);
    k.dmesg_restrict = 1;
    const r = await plain(k, ["dmesg"], USER);
    expect(r).toMatchObject({ stdout: "", stderr: "dmesg: read kernel buffer failed: Operation not permitted\n", code: 1 });
    expect((await plain(k, ["dmesg"])).stdout.startsWith(FIRST)).toBe(true);
  });
});

describe("console level", () => {
  it("-n sets the console loglevel (the first field of /proc/sys/kernel/printk)", async () => {
    const k = boot();
    expect(k.printk.console_printk).toEqual([7, 4, 1, 7]);
    expect(await plain(k, ["dmesg", "-n", "1"])).toMatchObject({ stdout: "", stderr: "", code: 0 });
    expect(k.printk.console_printk[0]).toBe(1);
    expect((await plain(k, ["dmesg", "--console-level", "err"])).code).toBe(0);
    expect(k.printk.console_printk[0]).toBe(4); // a name means "that level and more urgent": level + 1
    expect((await plain(k, ["dmesg", "-n8"])).code).toBe(0);
    expect(k.printk.console_printk[0]).toBe(8);
  });

  it("messages at or above the console level no longer reach the console", async () => {
    const k = boot();
    await plain(k, ["dmesg", "-n", "4"]);
    const s = start(k, ["dmesg", "-w"], { tty: false });
    await s.settle();
    klog(k, "\x016quiet info\n");
    klog(k, "\x013loud error\n");
    await s.settle();
    expect(s.r.console).toBe("loud error\n");
    s.tty.interrupt();
    expect(await s.settle()).toBe(true);
  });

  it("-n rejects unknown levels and needs privilege", async () => {
    const k = boot();
    expect(await plain(k, ["dmesg", "-n", "foo"])).toMatchObject({ stderr: "dmesg: unknown level 'foo'\n", code: 1 });
    expect((await plain(k, ["dmesg", "-n", "0"])).stderr).toBe("dmesg: unknown level '0'\n");
    expect((await plain(k, ["dmesg", "-n"])).stderr).toBe(
      "dmesg: option requires an argument -- 'n'\nTry 'dmesg --help' for more information.\n",
    );
    const r = await plain(k, ["dmesg", "-n", "1"], USER);
    expect(r).toMatchObject({ stderr: "dmesg: klogctl failed: Operation not permitted\n", code: 1 });
    expect(k.printk.console_printk[0]).toBe(7);
  });

  it("-D turns console messages off and -E back on", async () => {
    const k = boot();
    expect((await plain(k, ["dmesg", "-D"])).code).toBe(0);
    expect(k.printk.console_printk[0]).toBe(1);
    expect((await plain(k, ["dmesg", "-E"])).code).toBe(0);
    expect(k.printk.console_printk[0]).toBe(7);
    expect((await plain(k, ["dmesg", "-D"], USER)).stderr).toBe("dmesg: klogctl failed: Operation not permitted\n");
  });
});

describe("colours", () => {
  const green = (ts: string): string => `${ESC}[32m${ts} ${ESC}[0m`;

  it("--color=always colours timestamps, subsystems and levels", async () => {
    const k = boot();
    klog(k, "\x013mydrv: probe failed\n");
    const r = await plain(k, ["dmesg", "--color=always"]);
    expect(r.stdout.startsWith(green("[    0.000000]") + "Booting Linux on physical CPU 0x0\n")).toBe(true);
    expect(r.stdout).toContain(green("[    0.000000]") + `${ESC}[33mCPU${ESC}[0m: ARMv7 Processor`);
    expect(r.stdout).toMatch(new RegExp(`\\] ${ESC}\\[0m${ESC}\\[33mmydrv${ESC}\\[0m${ESC}\\[31m: probe failed${ESC}\\[0m\\n$`));
    expect((await plain(k, ["dmesg", "-Lalways"])).stdout).toBe(r.stdout);
    expect((await plain(k, ["dmesg", "-L=always"])).stdout).toBe(r.stdout);
  });

  it("by default (and with --color=auto) colours only a colour terminal", async () => {
    const k = boot();
    const tty = await run(k, ["dmesg"]);
    expect(tty.stdout.startsWith(green("[    0.000000]") + "Booting Linux")).toBe(true);
    expect((await run(k, ["dmesg", "--color"])).stdout).toBe(tty.stdout);
    expect((await run(k, ["dmesg", "--color=auto"])).stdout).toBe(tty.stdout);
    expect((await plain(k, ["dmesg", "--color=auto"])).stdout.startsWith(FIRST)).toBe(true);
    expect((await run(k, ["dmesg", "--color=never"])).stdout.startsWith(FIRST)).toBe(true);
    expect((await runEnv(k, ["dmesg"], ["TERM=dumb"])).stdout.startsWith(FIRST)).toBe(true);
    expect((await runEnv(k, ["dmesg"], ["TERM=xterm-256color"])).stdout).toBe(tty.stdout);
  });

  it("honours NO_COLOR and FORCE_COLOR in the automatic modes", async () => {
    const k = boot();
    expect((await runEnv(k, ["dmesg"], ["NO_COLOR=1"])).stdout.startsWith(FIRST)).toBe(true);
    expect((await runEnv(k, ["dmesg", "--color=auto"], ["NO_COLOR=1"])).stdout.startsWith(FIRST)).toBe(true);
    expect((await runEnv(k, ["dmesg"], ["NO_COLOR="])).stdout.startsWith(green("[    0.000000]"))).toBe(true);
    expect((await runEnv(k, ["dmesg", "--color=always"], ["NO_COLOR=1"])).stdout.startsWith(green("[    0.000000]"))).toBe(true);
    expect((await runEnv(k, ["dmesg"], ["FORCE_COLOR=1"], { tty: false })).stdout.startsWith(green("[    0.000000]"))).toBe(true);
    expect((await runEnv(k, ["dmesg"], ["FORCE_COLOR=0"], { tty: false })).stdout.startsWith(FIRST)).toBe(true);
    expect((await runEnv(k, ["dmesg", "--color=never"], ["FORCE_COLOR=1"])).stdout.startsWith(FIRST)).toBe(true);
  });

  it("rejects an unknown colour mode", async () => {
    const k = boot();
    expect(await plain(k, ["dmesg", "--color=sometimes"])).toMatchObject({
      stderr: "dmesg: unsupported color mode: 'sometimes'\n",
      code: 1,
    });
  });
});

describe("--follow", () => {
  it("-w prints the log, then each new record, until a signal ends it", async () => {
    const k = boot();
    const s = start(k, ["dmesg", "-w"], { tty: false });
    expect(await s.settle()).toBe(false); // blocked reading /dev/kmsg
    expect(s.r.stdout.startsWith(FIRST)).toBe(true);
    expect(s.r.stdout.endsWith("Run /sbin/init as init process\n")).toBe(true);
    const before = s.r.stdout;
    at(k, 42_000_000_000);
    klog(k, "\x016new message\n");
    expect(await s.settle()).toBe(false);
    expect(s.r.stdout.slice(before.length)).toBe("[   42.000000] new message\n");
    s.tty.interrupt();
    expect(await s.settle()).toBe(true);
    expect(s.r.status & 0x7f).toBe(2); // killed by SIGINT
  });

  it("-W prints only records logged after it started", async () => {
    const k = boot();
    const s = start(k, ["dmesg", "--follow-new", "-x"], { tty: false });
    expect(await s.settle()).toBe(false);
    expect(s.r.stdout).toBe("");
    klog(k, "\x014watch this\n");
    await s.settle();
    expect(s.r.stdout).toMatch(/^kern {2}:warn {2}: \[ *\d+\.\d{6}\] watch this\n$/);
    s.tty.interrupt();
    expect(await s.settle()).toBe(true);
  });

  it("-w after -C waits for the first new record", async () => {
    const k = boot();
    await plain(k, ["dmesg", "-C"]);
    const s = start(k, ["dmesg", "-w", "-t"], { tty: false });
    expect(await s.settle()).toBe(false);
    expect(s.r.stdout).toBe("");
    klog(k, "\x016first after clear\n");
    await s.settle();
    expect(s.r.stdout).toBe("first after clear\n");
    s.tty.interrupt();
    expect(await s.settle()).toBe(true);
  });
});

describe("syslog(2) and --file", () => {
  it("-S reads the buffer with klogctl (printk.time is off, so every record shows 0.000000)", async () => {
    const k = boot();
    klog(k, "\x013oops\n");
    const r = await plain(k, ["dmesg", "-S", "-x"]);
    expect(r.stdout.startsWith("kern  :info  : " + FIRST)).toBe(true);
    expect(r.stdout.endsWith("kern  :err   : [    0.000000] oops\n")).toBe(true);
    expect((await plain(k, ["dmesg", "-S", "-l", "err"])).stdout).toBe("[    0.000000] oops\n");
    expect((await plain(k, ["dmesg", "-S", "-r"])).stdout.startsWith("<6>Booting Linux on physical CPU 0x0\n<5>Linux version")).toBe(true);
    expect((await plain(k, ["dmesg", "-S", "-s", "100000", "-t"])).stdout.endsWith("\noops\n")).toBe(true);
  });

  it("-S -r refuses level and facility filters", async () => {
    const k = boot();
    expect(await plain(k, ["dmesg", "-S", "-r", "-l", "err"])).toMatchObject({
      stderr: "dmesg: --raw can be used together with --level or --facility only when reading messages from /dev/kmsg\n",
      code: 1,
    });
  });

  it("-F reports files it cannot use", async () => {
    const k = boot();
    expect((await plain(k, ["dmesg", "-F", "/nonexistent"])).stderr).toBe("dmesg: cannot open /nonexistent: No such file or directory\n");
    expect((await plain(k, ["dmesg", "--file", "/proc/version"])).stderr).toBe("dmesg: cannot mmap: /proc/version: Invalid argument\n");
  });
});

describe("command line", () => {
  const USAGE = [
    "",
    "Usage:",
    " dmesg [options]",
    "",
    "Display or control the kernel ring buffer.",
    "",
    "Options:",
    " -C, --clear                 clear the kernel ring buffer",
    " -c, --read-clear            read and clear all messages",
    " -D, --console-off           disable printing messages to console",
    " -E, --console-on            enable printing messages to console",
    " -F, --file <file>           use the file instead of the kernel log buffer",
    " -f, --facility <list>       restrict output to defined facilities",
    " -H, --human                 human readable output",
    " -k, --kernel                display kernel messages",
    " -L, --color[=<when>]        colorize messages (auto, always or never)",
    "                               colors are enabled by default",
    " -l, --level <list>          restrict output to defined levels",
    " -n, --console-level <level> set level of messages printed to console",
    " -P, --nopager               do not pipe output into a pager",
    " -p, --force-prefix          force timestamp output on each line of multi-line messages",
    " -r, --raw                   print the raw message buffer",
    "     --noescape              don't escape unprintable character",
    " -S, --syslog                force to use syslog(2) rather than /dev/kmsg",
    " -s, --buffer-size <size>    buffer size to query the kernel ring buffer",
    " -u, --userspace             display userspace messages",
    " -w, --follow                wait for new messages",
    " -W, --follow-new            wait and print only new messages",
    " -x, --decode                decode facility and level to readable string",
    " -d, --show-delta            show time delta between printed messages",
    " -e, --reltime               show local time and time delta in readable format",
    " -T, --ctime                 show human-readable timestamp (may be inaccurate!)",
    " -t, --notime                don't show any timestamp with messages",
    "     --time-format <format>  show timestamp using the given format:",
    "                               [delta|reltime|ctime|notime|iso]",
    "Suspending/resume will make ctime and iso timestamps inaccurate.",
    "",
    " -h, --help                  display this help",
    " -V, --version               display version",
    "",
    "Supported log facilities:",
    "    kern - kernel messages",
    "    user - random user-level messages",
    "    mail - mail system",
    "  daemon - system daemons",
    "    auth - security/authorization messages",
    "  syslog - messages generated internally by syslogd",
    "     lpr - line printer subsystem",
    "    news - network news subsystem",
    "",
    "Supported log levels (priorities):",
    "   emerg - system is unusable",
    "   alert - action must be taken immediately",
    "    crit - critical conditions",
    "     err - error conditions",
    "    warn - warning conditions",
    "  notice - normal but significant condition",
    "    info - informational",
    "   debug - debug-level messages",
    "",
    "For more details see dmesg(1).",
    "",
  ].join("\n");

  it("-h prints the 2.37.2 usage on stdout", async () => {
    const k = boot();
    const r = await run(k, ["dmesg", "-h"]);
    expect(r).toMatchObject({ stdout: USAGE, stderr: "", code: 0 });
    expect(r.stdout.startsWith("\nUsage:\n dmesg [options]\n")).toBe(true);
    expect((await run(k, ["/bin/dmesg", "--help"])).stdout).toBe(USAGE);
    expect((await run(k, ["dmesg", "--he"])).stdout).toBe(USAGE);
  });

  it("-V prints the version", async () => {
    const k = boot();
    expect(await run(k, ["dmesg", "-V"])).toMatchObject({ stdout: "dmesg from util-linux 2.37.2\n", code: 0 });
    expect((await run(k, ["dmesg", "--version"])).stdout).toBe("dmesg from util-linux 2.37.2\n");
  });

  it("reports bad options the way getopt_long does", async () => {
    const k = boot();
    const TRY = "Try 'dmesg --help' for more information.\n";
    expect(await run(k, ["dmesg", "-q"])).toMatchObject({ stdout: "", stderr: "dmesg: invalid option -- 'q'\n" + TRY, code: 1 });
    expect((await run(k, ["/bin/dmesg", "-q"])).stderr).toBe("/bin/dmesg: invalid option -- 'q'\n" + TRY);
    expect((await run(k, ["dmesg", "-tq"])).stderr).toBe("dmesg: invalid option -- 'q'\n" + TRY);
    expect((await run(k, ["dmesg", "--bogus"])).stderr).toBe("dmesg: unrecognized option '--bogus'\n" + TRY);
    expect((await run(k, ["dmesg", "--con"])).stderr).toBe(
      "dmesg: option '--con' is ambiguous; possibilities: '--console-level' '--console-off' '--console-on'\n" + TRY,
    );
    expect((await run(k, ["dmesg", "--clear=1"])).stderr).toBe("dmesg: option '--clear' doesn't allow an argument\n" + TRY);
    expect((await run(k, ["dmesg", "--level"])).stderr).toBe("dmesg: option '--level' requires an argument\n" + TRY);
    expect(await run(k, ["dmesg", "-i"])).toMatchObject({ stderr: TRY, code: 1 }); // in the option string, never handled
    expect(await run(k, ["dmesg", "extra"])).toMatchObject({ stdout: "", stderr: "dmesg: bad usage\n" + TRY, code: 1 });
  });

  it("rejects mutually exclusive options", async () => {
    const k = boot();
    expect(await run(k, ["dmesg", "-r", "-x"])).toMatchObject({
      stdout: "",
      stderr: "dmesg: mutually exclusive arguments: --raw --decode\n",
      code: 1,
    });
    expect((await run(k, ["dmesg", "-C", "-c"])).stderr).toBe(
      "dmesg: mutually exclusive arguments: --clear --console-off --console-on --read-clear --console-level --raw\n",
    );
    expect((await run(k, ["dmesg", "-r", "-r"])).code).toBe(0);
  });

  it("checks option arguments", async () => {
    const k = boot();
    expect((await run(k, ["dmesg", "--time-format", "unix"])).stderr).toBe("dmesg: unknown time format: unix\n");
    expect((await run(k, ["dmesg", "-s", "lots"])).stderr).toBe("dmesg: invalid buffer size argument: 'lots'\n");
    expect((await run(k, ["dmesg", "-s", "99999999999"])).stderr).toBe("dmesg: invalid buffer size argument: '99999999999'\n");
  });
});
