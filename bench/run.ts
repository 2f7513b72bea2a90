// npm run bench: kplay's speed, measured side by side. Each figure is the median of several runs
// after a warm-up, with the spread (min-max), and a ratio against a baseline measured in the same
// run. Results go to the console and to bench/results.json.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { start_kernel } from "../src/init/main.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { run_scenario } from "../src/machine/scenario.js";
import { current, run_as } from "../src/kernel/sched/task.js";
import { FilesStruct } from "../src/fs/file.js";
import { libc, libc_attach } from "../src/user/libc/state.js";
import { FILE } from "../src/user/libc/stdio.js";
import { close } from "../src/user/libc/unistd.js";
import { accept, AF_INET, AF_NETLINK, bind, connect, listen, recv, send, socket, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from "../src/user/libc/socket.js";
import { NETLINK_GENERIC, NLM_F_REQUEST, NLMSG_ERROR, NlBuf } from "../src/include/uapi/netlink.js";
import { CTRL_ATTR_FAMILY_NAME, CTRL_CMD_GETFAMILY, GENL_HDRLEN, GENL_ID_CTRL, GENL_START_ALLOC } from "../src/include/uapi/genetlink.js";
import { INADDR_LOOPBACK, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../src/user/libc/inet.js";
import { build_ko } from "../src/kernel/module/ko.js";

interface Figure {
  name: string;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  runs: number;
  baseline?: string;
  ratio?: number;
}

async function measure(name: string, runs: number, fn: () => unknown): Promise<Figure> {
  for (let i = 0; i < Math.max(2, runs / 5); i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return { name, median_ms: t[Math.floor(t.length / 2)], min_ms: t[0], max_ms: t[t.length - 1], runs };
}

/** As measure(), timing only `fn`; `after` runs untimed after each run (e.g. a poweroff). */
async function measure_each(name: string, runs: number, fn: () => unknown, after: () => unknown): Promise<Figure> {
  const t: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    if (i > 0) t.push(Number(process.hrtime.bigint() - t0) / 1e6);
    await after();
  }
  t.sort((a, b) => a - b);
  return { name, median_ms: t[Math.floor(t.length / 2)], min_ms: t[0], max_ms: t[t.length - 1], runs };
}

const ida = readFileSync(new URL("../scenarios/ida_demo.txt", import.meta.url), "utf8");
const figures: Figure[] = [];
const node = await measure("node -e 0 (process start floor)", 10, () => execFileSync(process.execPath, ["-e", "0"]));
figures.push(node);
const boot = await measure("in-process boot (start_kernel)", 200, () => start_kernel({ clock: new VirtualClock() }));
figures.push(boot);
const scen = await measure("scenarios/ida_demo.txt in-process", 50, async () => {
  const r = await run_scenario(ida);
  if (r.actual !== ida) throw new Error("ida_demo scenario no longer passes");
});
figures.push(scen);
const cli = await measure("kplay scenario run scenarios/ida_demo.txt", 10, () => execFileSync(process.execPath, [new URL("../bin/kplay", import.meta.url).pathname, "scenario", "run", "-q", new URL("../scenarios/ida_demo.txt", import.meta.url).pathname]));
figures.push({ ...cli, baseline: node.name, ratio: cli.median_ms / node.median_ms });

const home = mkdtempSync(join(tmpdir(), "kplay-bench-"));

/** Peak or current resident memory of a host process (VmHWM / VmRSS of /proc/PID/status), KiB. */
function vm_kib(pid: number, field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** The machine process of the bench's KPLAY_HOME. */
const machine_pid = (): number => Number(readFileSync(join(home, "default", "pid"), "utf8").trim());

/** The baseline for memory: the resident size of a Node process that does nothing, KiB. */
function node_rss_kib(): number {
  return Math.round(Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.memoryUsage().rss))"]).toString()) / 1024);
}

interface MemoryFigure {
  name: string;
  kib: number;
  ratio: number;
}
const memory: MemoryFigure[] = [];
const kplay = (...args: string[]): Buffer => execFileSync(process.execPath, [new URL("../bin/kplay", import.meta.url).pathname, ...args], { env: { ...process.env, KPLAY_HOME: home } });
try {
  const up = await measure_each("kplay boot (to ready)", 5, () => kplay("boot"), () => kplay("poweroff"));
  figures.push(up);
  kplay("boot");
  const idle_kib = vm_kib(machine_pid(), "VmHWM");
  kplay("insmod", "ida_demo");
  const lsmod = await measure("kplay lsmod (running machine)", 20, () => kplay("lsmod"));
  const cat = await measure("kplay cat /proc/net/protocols", 20, () => kplay("cat", "/proc/net/protocols"));
  const dmesg_small = await measure("kplay dmesg, log of one boot", 20, () => kplay("dmesg"));
  /* hello prints its greeting howmany times: enough lines to wrap the 128 KiB log buffer */
  kplay("-q", "insmod", "hello", "howmany=6000");
  const dmesg_full = await measure("kplay dmesg, full 128 KiB log", 20, () => kplay("dmesg"));
  figures.push(lsmod, cat, dmesg_small, dmesg_full);
  for (const f of [up, lsmod, cat, dmesg_small, dmesg_full]) Object.assign(f, { baseline: node.name, ratio: f.median_ms / node.median_ms });
  /* ten processes of 1,000 UDP sockets each (RLIMIT_NOFILE is 1,024), held open by pause */
  kplay("sh", "-c", "for i in 0 1 2 3 4 5 6 7 8 9; do socktest 2 dgram more:999 pause >/dev/null & done; sleep 1");
  const busy_kib = vm_kib(machine_pid(), "VmHWM");
  const base_kib = node_rss_kib();
  memory.push(
    { name: "machine peak RSS, idle after boot", kib: idle_kib, ratio: idle_kib / base_kib },
    { name: "machine peak RSS, 10,000 open UDP sockets", kib: busy_kib, ratio: busy_kib / base_kib },
  );
} finally {
  kplay("poweroff");
}
for (const f of [boot, scen]) Object.assign(f, { baseline: node.name, ratio: f.median_ms / node.median_ms });

/** Operations per second of `op` (`n` of them per run), run by a user process of an in-process kernel. */
async function ops_per_sec(name: string, setup: () => Promise<unknown>, op: () => Promise<void>, n = 2000): Promise<Figure & { ops_per_sec: number }> {
  const k = start_kernel({ clock: new VirtualClock() });
  const task = k.new_task("bench", k.tasks.get(1)!);
  task.files = new FilesStruct();
  task.files.max_fds = 65536;
  const f = await run_as(task, async () => {
    libc_attach(task, { errno: 0, environ: new Map(), progname: "bench", stdin: new FILE(0, "full"), stdout: new FILE(1, "full"), stderr: new FILE(2, "none") });
    await setup();
    return measure(name, 10, async () => {
      for (let i = 0; i < n; i++) await op();
    });
  });
  return { ...f, ops_per_sec: n / (f.median_ms / 1000) };
}

/**
 * The same operation on the host's real kernel: bench/c/ops.c, built with the system's cc, run
 * `runs` times; null when there is no C compiler (the row then says so).
 */
const ops_bin = ((): string | null => {
  const out = join(mkdtempSync(join(tmpdir(), "kplay-bench-c-")), "ops");
  try {
    execFileSync("cc", ["-O2", "-o", out, new URL("../bench/c/ops.c", import.meta.url).pathname], { stdio: "ignore" });
    return out;
  } catch {
    return null;
  }
})();

function host_ops(name: string, mode: string, n: number): Figure & { ops_per_sec?: number; note?: string } {
  if (!ops_bin) return { name: `${name} (host kernel)`, median_ms: NaN, min_ms: NaN, max_ms: NaN, runs: 0, note: "no C compiler" };
  const t: number[] = [];
  for (let i = 0; i < 5; i++) t.push(Number(execFileSync(ops_bin, [mode, String(n)]).toString().trim()) / 1e6);
  t.sort((a, b) => a - b);
  const median = t[2];
  return { name: `${name} (host kernel)`, median_ms: median, min_ms: t[0], max_ms: t[4], runs: 5, ops_per_sec: n / (median / 1000) };
}

/** A kplay rate next to the host's: the ratio is kplay's rate over the host's. */
function beside(kplay: Figure & { ops_per_sec: number }, host: Figure & { ops_per_sec?: number }): void {
  figures.push(kplay, host);
  if (host.ops_per_sec) Object.assign(kplay, { baseline: host.name, ratio: kplay.ops_per_sec / host.ops_per_sec });
}

/** insmod NAME from inside the bench process. */
function insmod(name: string): Promise<number> {
  const k = current().kernel;
  return k.modules.load_module(build_ko(name, k.modules.sources.get(name)!, k.vermagic), "");
}

const sockets = await ops_per_sec("socket()+close(), family 45 (socket_demo)", () => insmod("socket_demo"), async () => {
  const fd = await socket(45, SOCK_STREAM, 0);
  if (fd < 0) throw new Error("socket failed");
  close(fd);
});
figures.push(sockets);
beside(
  await ops_per_sec("socket()+close(), UDP", async () => {}, async () => {
    const fd = await socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) throw new Error("socket failed");
    close(fd);
  }),
  host_ops("socket()+close(), UDP", "socket", 2000),
);

/**
 * TCP connect+accept+close of one connection on lo, as bench/c/ops.c's tcpconn: the handshake, then
 * the client closes and the server follows (the client's side waits in TIME_WAIT, up to
 * tcp_max_tw_buckets of them).
 */
async function tcp_connect_accept_close(): Promise<Figure & { ops_per_sec: number }> {
  let l = -1;
  return ops_per_sec("TCP connect+accept+close on lo", async () => {
    l = await socket(AF_INET, SOCK_STREAM, 0);
    await bind(l, make_sockaddr_in(AF_INET, 5000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    await listen(l, 128);
  }, async () => {
    const c = await socket(AF_INET, SOCK_STREAM, 0);
    if ((await connect(c, make_sockaddr_in(AF_INET, 5000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE)) < 0) throw new Error(`connect failed: errno ${libc().errno}`);
    const a = await accept(l, null, null);
    if (a < 0) throw new Error(`accept failed: errno ${libc().errno}`);
    close(c);
    close(a);
  });
}

/**
 * TCP bulk transfer on lo: 1 MiB per operation from one socket to the other, written at once (the
 * send buffer takes it) and read 64 KiB at a time; each read reopens the window and the sender's
 * queue drains within it.
 */
async function tcp_bulk(): Promise<Figure & { ops_per_sec: number }> {
  const chunk = 1 << 20;
  const data = new Uint8Array(chunk);
  const buf = new Uint8Array(65536);
  let c = -1;
  let a = -1;
  return ops_per_sec("TCP bulk transfer on lo, 16 MiB", async () => {
    const l = await socket(AF_INET, SOCK_STREAM, 0);
    await bind(l, make_sockaddr_in(AF_INET, 5001, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    await listen(l, 1);
    c = await socket(AF_INET, SOCK_STREAM, 0);
    await connect(c, make_sockaddr_in(AF_INET, 5001, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    a = await accept(l, null, null);
  }, async () => {
    if ((await send(c, data, chunk, 0)) !== chunk) throw new Error(`send failed: errno ${libc().errno}`);
    for (let got = 0; got < chunk; ) {
      const n = await recv(a, buf, buf.length, 0);
      if (n <= 0) throw new Error(`recv failed: errno ${libc().errno}`);
      got += n;
    }
  }, 16);
}

beside(await tcp_connect_accept_close(), host_ops("TCP connect+accept+close on lo", "tcpconn", 2000));
const bulk = await tcp_bulk();
const host_bulk = host_ops("TCP bulk transfer on lo, 16 MiB", "tcpbulk", 16);
beside(bulk, host_bulk);

/** UDP send+receive of one datagram between two connected loopback sockets, beside `extra` bound sockets. */
async function udp_round_trip(extra: number): Promise<Figure & { ops_per_sec: number }> {
  const fds: number[] = [];
  const payload = new Uint8Array(32);
  const buf = new Uint8Array(64);
  return ops_per_sec(`UDP send+recv, ${extra} other bound sockets`, async () => {
    for (let i = 0; i < extra; i++) {
      const fd = await socket(AF_INET, SOCK_DGRAM, 0);
      await bind(fd, make_sockaddr_in(AF_INET, 0, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    }
    const a = await socket(AF_INET, SOCK_DGRAM, 0);
    const b = await socket(AF_INET, SOCK_DGRAM, 0);
    await bind(a, make_sockaddr_in(AF_INET, 61000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    await connect(b, make_sockaddr_in(AF_INET, 61000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
    fds.push(a, b);
  }, async () => {
    const sent = await send(fds[1], payload, payload.length, 0);
    if (sent !== payload.length) throw new Error(`send failed: ${sent} errno ${libc().errno}`);
    if ((await recv(fds[0], buf, buf.length, 0)) !== payload.length) throw new Error("recv failed");
  });
}

beside(await udp_round_trip(10), host_ops("UDP send+recv", "udp", 2000));
for (const n of [1000, 10000]) figures.push(await udp_round_trip(n));

/** One genl request and its reply on a NETLINK_GENERIC socket: sendmsg runs the doit, recv takes the answer. */
async function genl_round_trip(name: string, setup: () => Promise<unknown>, request: () => Uint8Array): Promise<Figure & { ops_per_sec: number }> {
  let fd = -1;
  let req: Uint8Array = new Uint8Array(0);
  const buf = new Uint8Array(8192);
  return ops_per_sec(name, async () => {
    await setup();
    fd = await socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
    req = request();
  }, async () => {
    if ((await send(fd, req, req.length, 0)) !== req.length) throw new Error(`send failed: errno ${libc().errno}`);
    const n = await recv(fd, buf, buf.length, 0);
    if (n < 20 || new DataView(buf.buffer).getUint16(4, true) === NLMSG_ERROR) throw new Error("genl request failed");
  });
}

/** A genl message: header, genl header, one string attribute. */
function genl_msg(type: number, cmd: number, version: number, attr: number, value: string): Uint8Array {
  const b = new NlBuf();
  const at = b.nlmsg_put(0, 0, type, NLM_F_REQUEST, GENL_HDRLEN);
  b.set_u16(at + 16, cmd | (version << 8));
  b.nla_put_string(attr, value);
  b.nlmsg_end(at);
  return b.bytes();
}

beside(await genl_round_trip("genl CTRL_CMD_GETFAMILY nlctrl request+reply", async () => {}, () => genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME, "nlctrl")), host_ops("genl CTRL_CMD_GETFAMILY nlctrl request+reply", "genl", 2000));
figures.push(await genl_round_trip("genl echo (gnl_foobar_xmpl) request+reply", () => insmod("gnl_foobar_xmpl"), () => genl_msg(GENL_START_ALLOC, 1, 1, 1, "Some data that has `Nl` trait implemented, like &str")));

const pad = (s: string, n: number): string => s.padEnd(n);
console.log(`${pad("measurement", 44)} ${pad("median", 10)} ${pad("spread", 18)} ratio to its baseline (node -e 0, or the host kernel)`);
for (const f of figures) {
  const note = (f as { note?: string }).note;
  const rate = (f as { ops_per_sec?: number }).ops_per_sec;
  const extra = note ? `  (${note})` : rate === undefined ? "" : f === bulk || f === host_bulk ? `  (${rate.toFixed(1)} MiB/s)` : `  (${Math.round(rate)} ops/s)`;
  console.log(`${pad(f.name, 44)} ${pad(f.median_ms.toFixed(3) + " ms", 10)} ${pad(`${f.min_ms.toFixed(3)}-${f.max_ms.toFixed(3)} ms`, 18)} ${f.ratio === undefined ? "-" : f.ratio.toFixed(3)}${extra}`);
}
const machine = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, platform: `${process.platform} ${process.arch}` };
for (const m of memory) console.log(`${pad(m.name, 44)} ${pad((m.kib / 1024).toFixed(1) + " MiB", 10)} ${pad("", 18)} ${m.ratio.toFixed(2)} (of an idle node's RSS)`);
console.log(`\n${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
writeFileSync(new URL("../bench/results.json", import.meta.url), JSON.stringify({ date: new Date().toISOString(), machine, figures, memory }, null, 2) + "\n");
