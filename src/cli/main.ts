// The kplay command line (commander). Every command that shows a machine's output runs programs
// inside a simulated kernel; this layer only moves bytes and renders results.
import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import chalk from "chalk";
import { start_kernel } from "../init/main.js";
import { INIT_ENV, register_console, spawn_on_terminal } from "../init/console.js";
import { Terminal } from "../drivers/tty/tty.js";
import { RealClock } from "../kernel/time/clock.js";
import { run_scenario, typed_lines } from "../machine/scenario.js";
import { unified_diff } from "./diff.js";
import { host_tty } from "./host_tty.js";
import { DEMO } from "./demo.js";

declare const KPLAY_VERSION: string;
const VERSION = typeof KPLAY_VERSION === "string" ? KPLAY_VERSION : "0.0.0-dev";

/** Run argv on a fresh in-process kernel attached to the host terminal; resolves to the exit code. */
async function run_on_host(argv: string[]): Promise<number> {
  const k = start_kernel({ clock: new RealClock() });
  const host = host_tty();
  const tty = new Terminal(k, host.sink);
  tty.isatty = { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true };
  if (process.stdout.isTTY) tty.winsize = { rows: process.stdout.rows ?? 24, cols: process.stdout.columns ?? 80 };
  register_console(k, tty);
  host.attach(tty);
  const pass = ["NO_COLOR", "FORCE_COLOR"].filter((v) => process.env[v] !== undefined).map((v) => `${v}=${process.env[v]}`);
  const task = spawn_on_terminal(k, tty, "/bin/sh", argv, { env: [...INIT_ENV, ...pass] });
  if (typeof task === "number") {
    host.close();
    process.stderr.write(`kplay: cannot start /bin/sh (error ${-task})\n`);
    return 1;
  }
  await task.exited;
  host.close();
  const st = task.exit_status;
  return st & 0x7f ? 128 + (st & 0x7f) : (st >> 8) & 0xff;
}

async function scenario_run(files: string[], opts: { quiet?: boolean }): Promise<number> {
  let failed = 0;
  for (const file of files) {
    let expected: string;
    try {
      expected = readFileSync(file, "utf8");
    } catch (e) {
      process.stderr.write(`kplay: ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "No such file or directory" : (e as Error).message}\n`);
      failed++;
      continue;
    }
    if (!expected.endsWith("\n")) expected += "\n";
    if (typed_lines(expected).length === 0) {
      process.stderr.write(`kplay: ${file}: no commands (a command line starts with a prompt such as "/ # ")\n`);
      failed++;
      continue;
    }
    const r = await run_scenario(expected);
    if (r.actual === expected && !r.problem) {
      if (!opts.quiet) process.stdout.write(`${chalk.green("PASS")} ${file}\n`);
      continue;
    }
    failed++;
    process.stdout.write(`${chalk.red("FAIL")} ${file}${r.problem ? `: ${r.problem}` : ""}\n`);
    for (const line of unified_diff(expected, r.actual, `${file} (expected)`, `${file} (kplay)`).split("\n")) {
      process.stdout.write((line.startsWith("+") ? chalk.green(line) : line.startsWith("-") ? chalk.red(line) : line.startsWith("@@") ? chalk.cyan(line) : line) + "\n");
    }
  }
  if (files.length > 1 && !opts.quiet) process.stdout.write(`${files.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

/** The demo: the IDA tutorial and a tour of the module tools, typed into a fresh kernel. */
async function demo(): Promise<number> {
  const bold = (s: string): string => (process.stdout.isTTY ? chalk.bold(s) : s);
  process.stdout.write(bold("kplay: a simulated Linux 5.15.0 (armv7l, BusyBox 1.35) booted in-process; replaying the IDA tutorial.\n\n"));
  const r = await run_scenario(DEMO);
  process.stdout.write(r.actual.replace(/^(\/ # )(.*)$/gm, (_m, p: string, c: string) => p + bold(c)));
  if (r.problem) process.stderr.write(`kplay: demo: ${r.problem}\n`);
  process.stdout.write(bold("\nTry it yourself: bin/kplay shell\n"));
  return r.problem ? 1 : 0;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let code = 0;
  program
    .name("kplay")
    .description("A kernel-networking playground: a simulated Linux 5.15.0 that loads tutorial modules and runs their programs.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  program
    .command("demo")
    .description("replay the IDA tutorial on a fresh kernel and show what kplay is")
    .action(async () => void (code = await demo()));

  program
    .command("shell")
    .description("an interactive BusyBox shell (/ # ) on an in-process kernel; reads commands from stdin when it is not a terminal")
    .action(async () => void (code = await run_on_host(["sh"])));

  program
    .command("sh")
    .description("run one shell command line on an in-process kernel")
    .requiredOption("-c <command>", "the command line")
    .action(async (opts: { c: string }) => void (code = await run_on_host(["sh", "-c", opts.c])));

  const scenario = program.command("scenario").description("transcript scenarios");
  scenario
    .command("run")
    .description("replay each transcript on a fresh kernel; print a unified diff and exit 1 on any difference")
    .argument("<file...>", "transcript files (commands after '/ # ', then the expected output)")
    .option("-q, --quiet", "print only failures")
    .action(async (files: string[], opts: { quiet?: boolean }) => void (code = await scenario_run(files, opts)));

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return code;
}
