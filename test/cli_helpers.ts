// Helpers for tests that drive the built CLI (bin/kplay) end to end: each suite makes its own
// KPLAY_HOME, and cleanup_machines() (run in afterAll) powers off every machine a suite started,
// killing any that does not go (found by the KPLAY_HOME in its environment), and removes the homes.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
export const KPLAY = join(root, "bin/kplay");
const homes: string[] = [];
const children = new Set<ChildProcess>();

export function new_home(): string {
  const home = mkdtempSync(join(tmpdir(), "kplay-machine-"));
  homes.push(home);
  return home;
}

export const env = (home: string): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, KPLAY_HOME: home, NO_COLOR: "1", FORCE_COLOR: "0" };
  delete e.KPLAY_DEBUG;
  return e;
};

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running client: its process, its stdout and stderr so far, and its result once it exits. */
export interface Client {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  done: Promise<Result>;
}

/** Start `kplay ARGS` with piped stdio; a client that outlives `limit_ms` is killed (status null). */
export function start(home: string, args: string[], limit_ms = 15_000): Client {
  const child = spawn(process.execPath, [KPLAY, ...args], { env: env(home), stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.on("error", () => {});
  const watchdog = setTimeout(() => child.kill("SIGKILL"), limit_ms);
  const done = new Promise<Result>((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(watchdog);
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, out: () => stdout, err: () => stderr, done };
}

/** Run `kplay ARGS` to completion with `input` on its stdin. */
export function kplay(home: string, args: string[], input = ""): Promise<Result> {
  const c = start(home, args);
  c.child.stdin!.end(input);
  return c.done;
}

/** Run `kplay ARGS` with its stdout and stderr on one file, as `2>&1` does: what a reader sees. */
export async function kplay_merged(home: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const file = join(home, `merged-${Math.random().toString(36).slice(2)}.txt`);
  const fd = openSync(file, "w");
  const child = spawn(process.execPath, [KPLAY, ...args], { env: env(home), stdio: ["pipe", fd, fd] });
  closeSync(fd);
  children.add(child);
  child.stdin!.end();
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  children.delete(child);
  return { code, output: readFileSync(file, "utf8") };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function until(what: string, ok: () => boolean | Promise<boolean>, limit_ms = 10_000): Promise<void> {
  const deadline = Date.now() + limit_ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Whether `pid` has exited (gone, or a zombie its new parent has not reaped yet). */
export function dead(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] === "Z";
  } catch {
    return true;
  }
}

export function pid_file(home: string): number {
  try {
    return Number.parseInt(readFileSync(join(home, "default", "pid"), "utf8"), 10) || 0;
  } catch {
    return 0;
  }
}

/** The live machine processes of `home`: `__machine` processes whose environment names it. */
export function machine_processes(home: string): number[] {
  const pids: number[] = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").includes("__machine")) continue;
      if (!readFileSync(`/proc/${d}/environ`, "utf8").split("\0").includes(`KPLAY_HOME=${home}`)) continue;
      if (!dead(Number(d))) pids.push(Number(d));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

/** Wait until `kplay ps` on `home` shows a process whose command line is `cmd`. */
export async function until_running(home: string, cmd: string): Promise<void> {
  await until(`'${cmd}' in kplay ps`, async () => (await kplay(home, ["ps"])).stdout.split("\n").some((l) => l.endsWith(` ${cmd}`)));
}

/** One request written raw to the machine's socket: the reply lines, until the machine closes. */
export function raw_request(home: string, payload: string): Promise<unknown[]> {
  return new Promise((resolve) => {
    const s = connect(join(home, "default", "sock"));
    let got = "";
    s.setEncoding("utf8");
    s.on("data", (d: string) => (got += d));
    s.on("error", () => {});
    s.on("close", () => resolve(got.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as unknown)));
    s.write(payload);
  });
}

/** Power off and remove every machine and home the tests made (for afterAll). */
export async function cleanup_machines(): Promise<void> {
  for (const c of children) c.kill("SIGKILL");
  for (const home of homes) {
    if (existsSync(join(home, "default", "sock"))) await kplay(home, ["poweroff"]);
    for (const pid of machine_processes(home)) process.kill(pid, "SIGKILL");
    rmSync(home, { recursive: true, force: true });
  }
}
