// The commands that run a kernel in this process: `kplay scenario run` (replay transcripts, diff on
// a difference) and `kplay demo`. Loaded on demand, so other commands do not load the kernel.
import { readFileSync } from "node:fs";
import chalk from "chalk";
import { run_scenario, typed_lines } from "../machine/scenario.js";
import { unified_diff } from "./diff.js";
import { DEMO } from "./demo.js";

export async function scenario_run(files: string[], opts: { quiet?: boolean }): Promise<number> {
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
export async function demo(): Promise<number> {
  const bold = (s: string): string => (process.stdout.isTTY ? chalk.bold(s) : s);
  process.stdout.write(bold("kplay: a simulated Linux 5.15.0 (armv7l, BusyBox 1.35) booted in-process; replaying the IDA tutorial.\n\n"));
  const r = await run_scenario(DEMO);
  process.stdout.write(r.actual.replace(/^(\/ # )(.*)$/gm, (_m, p: string, c: string) => p + bold(c)));
  if (r.problem) process.stderr.write(`kplay: demo: ${r.problem}\n`);
  process.stdout.write(bold("\nTry it yourself: bin/kplay shell\n"));
  return r.problem ? 1 : 0;
}

