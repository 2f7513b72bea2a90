// One client connection to a machine: a terminal inside the kernel whose output streams back over
// the socket, and the program the client asked for running on it. A client that goes away hangs
// up its terminal (SIGHUP to the session), as closing a real terminal does.
import type { Socket } from "node:net";
import type { Kernel } from "../kernel/kernel.js";
import { Terminal } from "../drivers/tty/tty.js";
import { INIT_ENV, register_console, spawn_on_terminal } from "../init/console.js";
import { run_as } from "../kernel/sched/task.js";
import { login_as } from "./login.js";
import { path_lookup } from "../fs/namei.js";
import { S_ISREG } from "../include/uapi/fcntl.js";
import { send_sig } from "../kernel/signal.js";
import { SIGHUP } from "../include/uapi/signal.js";
import { strerror } from "../user/libc/strerror.js";
import { machine_read_file, machine_write_file } from "./copy.js";
import { encode, type ClientMsg, type Reply, type Request } from "./protocol.js";

const PATH = ["/sbin", "/usr/sbin", "/bin", "/usr/bin"];

/** The program argv[0] names: a path, a name on $PATH, or a file in / (`kplay run my_sock`). */
function resolve(k: Kernel, name: string): string | null {
  const w = { root: k.root, cwd: "/", cred: k.init_task.cred };
  const candidates = name.includes("/") ? [name] : [...PATH.map((d) => `${d}/${name}`), `/${name}`];
  for (const c of candidates) {
    const f = path_lookup(w, c);
    if (typeof f !== "number" && S_ISREG(f.inode.mode)) return c;
  }
  return null;
}

function valid_run(req: Record<string, unknown>): req is Request & { op: "run" } {
  const t = req.term as Record<string, unknown> | undefined;
  return (
    Array.isArray(req.argv) && req.argv.length > 0 && req.argv.length < 4096 && req.argv.every((a) => typeof a === "string") &&
    typeof req.user === "string" && req.user.length > 0 && req.user.length <= 32 &&
    typeof t === "object" && t !== null && typeof t.cols === "number" && typeof t.rows === "number" &&
    typeof t.env === "object" && t.env !== null && Object.values(t.env).every((v) => typeof v === "string")
  );
}

/** `kplay cp`: read or write one file of the machine as the request's user. */
async function copy(k: Kernel, req: Record<string, unknown>, send: (r: Reply) => void, fail: (m: string) => void): Promise<void> {
  const { path, user, data, mode } = req;
  if (typeof path !== "string" || !path.startsWith("/") || typeof user !== "string") return fail("malformed copy request");
  if (req.op === "put" && (typeof data !== "string" || typeof mode !== "number")) return fail("malformed copy request");
  const login = login_as(k, user);
  if (!login) return fail(`unknown user '${user}'`);
  if (req.op === "get") {
    const r = await machine_read_file(k, login.cred, path);
    if (typeof r === "number") return fail(`${path}: ${strerror(-r)}`);
    return send({ type: "file", data: Buffer.from(r).toString("base64") });
  }
  const r = await machine_write_file(k, login.cred, path, Buffer.from(data as string, "base64"), (mode as number) & 0o7777);
  if (r < 0) return fail(`${path}: ${strerror(-r)}`);
  send({ type: "done" });
}

export interface SessionHost {
  kernel: Kernel;
  status(): Reply;
  poweroff(): void;
}

/** Serve one connection; `first` is its first message. */
export function serve(host: SessionHost, conn: Socket, first: unknown, on_msg: (fn: (msg: unknown) => void) => void): void {
  const send = (r: Reply): void => {
    if (!conn.destroyed) conn.write(encode(r));
  };
  const fail = (message: string): void => {
    send({ type: "error", message });
    conn.end();
  };
  const req = first as Record<string, unknown> | null;
  if (typeof req !== "object" || req === null) return fail("malformed request: not an object");
  if (req.op === "status") {
    send(host.status());
    conn.end();
    return;
  }
  if (req.op === "poweroff") {
    send({ type: "bye" });
    conn.end();
    host.poweroff();
    return;
  }
  if (req.op === "get" || req.op === "put") return void copy(host.kernel, req, send, fail).finally(() => conn.end());
  if (req.op !== "run") return fail(`unknown request: ${JSON.stringify(req.op)}`);
  if (!valid_run(req)) return fail("malformed run request");

  const k = host.kernel;
  const refuse = (message: string, code: number): void => {
    send({ type: "out", stream: "stderr", data: `kplay: ${message}\n` });
    send({ type: "exit", code, signal: 0 });
    conn.end();
  };
  const login = login_as(k, req.user);
  if (!login) return refuse(`unknown user '${req.user}'`, 2);
  const path = resolve(k, req.argv[0]);
  if (!path) return refuse(`${req.argv[0]}: not found`, 127);
  const tty = new Terminal(k, { write: (stream, data) => send({ type: "out", stream, data }), raw: (b) => send({ type: "bytes", data: Buffer.from(b).toString("base64") }) }, "pts/0");
  tty.echo = false;
  tty.isatty = { stdin: !!req.term.stdin, stdout: !!req.term.stdout, stderr: !!req.term.stderr };
  tty.winsize = { cols: req.term.cols || 80, rows: req.term.rows || 24 };
  tty.on_read_wait = () => send({ type: "read_wait" });
  const con = req.quiet ? null : register_console(k, tty);
  const host_env = Object.entries(req.term.env).filter(([n]) => n === "NO_COLOR" || n === "FORCE_COLOR").map(([n, v]) => `${n}=${v}`);
  const task = spawn_on_terminal(k, tty, path, req.argv, { cred: login.cred, env: [...login.env, ...host_env] });
  if (typeof task === "number") {
    if (con) k.printk.unregister_console(con);
    return refuse(`${req.argv[0]}: ${strerror(-task)}`, 126);
  }
  let done = false;
  on_msg((m) => {
    const msg = m as ClientMsg;
    if (msg?.op === "stdin" && typeof msg.data === "string") tty.push_input(msg.data);
    else if (msg?.op === "eof") tty.push_eof();
    else if (msg?.op === "signal") tty.interrupt();
    else if (msg?.op === "winch" && typeof msg.cols === "number" && typeof msg.rows === "number") tty.winsize = { cols: msg.cols, rows: msg.rows };
    else fail("malformed session message");
  });
  conn.on("close", () => {
    if (done) return;
    tty.push_eof();
    run_as(k.init_task, () => {
      for (const t of k.tasks.values()) if (t.session === task.pid) send_sig(SIGHUP, t);
    });
  });
  void task.exited.then(() => {
    done = true;
    if (con) k.printk.unregister_console(con);
    const st = task.exit_status;
    send({ type: "exit", code: (st >> 8) & 0xff, signal: st & 0x7f });
    conn.end();
  });
}
