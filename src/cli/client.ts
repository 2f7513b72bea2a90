// The client side of a machine: find it (booting it on demand), send one request, stream the
// session, and exit with the program's status. Booting takes an O_EXCL lock so that concurrent
// boots start exactly one machine; a stale socket or pid file left by a crash is cleared.
import { connect, type Socket } from "node:net";
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { machine_paths, type MachinePaths } from "../machine/paths.js";
import { encode, LineDecoder, type ClientMsg, type MachineStatus, type Reply, type Request, type TermFacts } from "../machine/protocol.js";
import { host_tty, type TtyPort } from "./host_tty.js";

const BOOT_TIMEOUT_MS = 15_000;

function try_connect(sock: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    if (!existsSync(sock)) return resolve(null);
    const s = connect(sock);
    s.once("connect", () => resolve(s));
    s.once("error", () => resolve(null));
  });
}

/** Whether process `pid` runs; a zombie (dead, its parent not yet reaped it) does not. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0] !== "Z";
  } catch {
    return !existsSync("/proc/self/stat");
  }
}

function read_pid(path: string): number {
  try {
    const n = Number.parseInt(readFileSync(path, "utf8"), 10);
    return Number.isInteger(n) && n > 0 ? n : 0;
  } catch {
    return 0;
  }
}

/**
 * A machine whose pid file names a process that is gone: report a crash (no clean poweroff),
 * keeping its log as kernel.log.old, and clear its pid file and socket. Files without a pid are
 * left alone: they may be a machine that is starting. Booters call this holding the boot lock.
 */
function clear_stale(p: MachinePaths, quiet: boolean): void {
  const pid = read_pid(p.pid);
  if (!pid || alive(pid)) return;
  if (!existsSync(p.halted) && !quiet) {
    if (existsSync(p.kernel_log)) renameSync(p.kernel_log, p.kernel_log_old);
    process.stderr.write(`kplay: machine '${p.name}' crashed (pid ${pid}); its kernel log is ${p.kernel_log_old}\n`);
  }
  rmSync(p.pid, { force: true });
  rmSync(p.sock, { force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Start machine `name` unless one is running; resolves once it accepts connections. */
export async function boot_machine(name: string, announce: string | null): Promise<"booted" | "running"> {
  const p = machine_paths(name);
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  for (;;) {
    const s = await try_connect(p.sock);
    if (s) {
      s.destroy();
      return "running";
    }
    let lock: number;
    try {
      lock = openSync(p.lock, "wx", 0o600);
    } catch {
      const holder = read_pid(p.lock);
      const held = statSync(p.lock, { throwIfNoEntry: false });
      const age = held ? Date.now() - held.mtimeMs : 0;
      if ((holder && !alive(holder)) || age > BOOT_TIMEOUT_MS) rmSync(p.lock, { force: true });
      if (Date.now() > deadline) throw new Error(`machine '${name}' did not come up (another boot holds ${p.lock})`);
      await sleep(20);
      continue;
    }
    try {
      writeSync(lock, `${process.pid}\n`);
      if (await try_connect(p.sock).then((s) => (s?.destroy(), !!s))) return "running";
      clear_stale(p, false);
      if (announce) process.stderr.write(announce);
      const log = openSync(p.machine_log, "a", 0o600);
      const child = spawn(process.execPath, [process.argv[1], "__machine", name], { detached: true, stdio: ["ignore", log, log], env: process.env });
      child.unref();
      closeSync(log);
      let exited = false;
      child.once("exit", () => (exited = true));
      while (Date.now() < deadline) {
        const s = await try_connect(p.sock);
        if (s) {
          s.destroy();
          return "booted";
        }
        if (exited) break;
        await sleep(10);
      }
      throw new Error(`machine '${name}' failed to boot; see ${p.machine_log}`);
    } finally {
      closeSync(lock);
      rmSync(p.lock, { force: true });
    }
  }
}

/**
 * Send one request and collect replies until the machine closes the connection; `on_open` gets
 * the connection once the request is sent, for the messages a session takes.
 */
async function request(name: string, req: Request, on_reply: (r: Reply) => void, on_open?: (s: Socket) => void): Promise<"done" | "lost"> {
  const p = machine_paths(name);
  const s = await try_connect(p.sock);
  if (!s) return "lost";
  return new Promise((resolve) => {
    let ended = false;
    const dec = new LineDecoder(
      (m) => {
        const r = m as Reply;
        if (r.type === "exit" || r.type === "status" || r.type === "bye") ended = true;
        on_reply(r);
      },
      () => {},
    );
    s.on("data", (d) => dec.push(d));
    s.on("close", () => resolve(ended ? "done" : "lost"));
    s.on("error", () => {});
    s.write(encode(req));
    on_open?.(s);
  });
}

export async function machine_status(name: string): Promise<MachineStatus | null> {
  let st: MachineStatus | null = null;
  await request(name, { op: "status" }, (r) => {
    if (r.type === "status") st = r.status;
  });
  return st;
}

export async function poweroff(name: string): Promise<boolean> {
  const p = machine_paths(name);
  const pid = read_pid(p.pid);
  const r = await request(name, { op: "poweroff" }, () => {});
  if (r === "lost") {
    clear_stale(p, true);
    return false;
  }
  for (let i = 0; i < 200 && pid && alive(pid); i++) await sleep(10);
  return true;
}

export interface RunOptions {
  user: string;
  quiet: boolean;
  /** Where the program's standard output goes instead of the host's (it is then not a terminal). */
  stdout?: (bytes: Buffer) => void;
}

/** Run argv in machine `name` (booting it if needed) on the host's terminal; the exit code. */
export async function run_in_machine(name: string, argv: string[], opts: RunOptions): Promise<number> {
  await boot_machine(name, `kplay: booting machine '${name}'\n`);
  const term: TermFacts = {
    stdin: process.stdin.isTTY === true,
    stdout: !opts.stdout && process.stdout.isTTY === true,
    stderr: process.stderr.isTTY === true,
    cols: process.stdout.columns ?? 80,
    rows: process.stdout.rows ?? 24,
    env: Object.fromEntries(["NO_COLOR", "FORCE_COLOR"].filter((v) => process.env[v] !== undefined).map((v) => [v, process.env[v]!])),
  };
  const host = host_tty();
  let sock: Socket | null = null;
  const send = (m: ClientMsg): void => void sock?.write(encode(m));
  const port: TtyPort = {
    echo: false,
    on_read_wait: null,
    push_input: (data) => send({ op: "stdin", data }),
    push_eof: () => send({ op: "eof" }),
    interrupt: () => send({ op: "signal", sig: "INT" }),
  };
  let code = -1;
  const req: Request = { op: "run", argv, user: opts.user, term, quiet: opts.quiet };
  const on_reply = (r: Reply): void => {
    if (r.type === "out") host.sink.write(r.stream, r.data);
    else if (r.type === "bytes") (opts.stdout ?? ((b: Buffer) => process.stdout.write(b)))(Buffer.from(r.data, "base64"));
    else if (r.type === "read_wait") port.on_read_wait?.();
    else if (r.type === "exit") code = r.signal ? 128 + r.signal : r.code;
    else if (r.type === "error") process.stderr.write(`kplay: ${r.message}\n`);
  };
  const outcome = await request(name, req, on_reply, (s) => {
    sock = s;
    host.attach(port);
  });
  host.close();
  if (outcome === "lost" || code < 0) {
    process.stderr.write(`kplay: lost the connection to machine '${name}'\n`);
    code = 1;
  }
  return code;
}

/** One `kplay cp` request: the machine's reply, or its error text. */
async function copy_request(name: string, req: Request): Promise<Reply | string> {
  await boot_machine(name, `kplay: booting machine '${name}'\n`);
  let out: Reply | string = `lost the connection to machine '${name}'`;
  await request(name, req, (r) => void (out = r.type === "error" ? r.message : r));
  return out;
}

/** `kplay cp` from the machine: the file's bytes, or the machine's error text. */
export async function machine_get(name: string, path: string, user: string): Promise<Buffer | string> {
  const r = await copy_request(name, { op: "get", path, user });
  return typeof r === "string" ? r : r.type === "file" ? Buffer.from(r.data, "base64") : `unexpected reply '${r.type}'`;
}

/** `kplay cp` into the machine: null once written, or the machine's error text. */
export async function machine_put(name: string, path: string, user: string, data: Buffer, mode: number): Promise<string | null> {
  const r = await copy_request(name, { op: "put", path, user, data: data.toString("base64"), mode });
  return typeof r === "string" ? r : r.type === "done" ? null : `unexpected reply '${r.type}'`;
}
