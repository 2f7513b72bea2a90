// The machine process: one kernel on the real clock, kept up between commands, serving clients on
// its control socket. Every log record is appended to kernel.log as it is written, so a crash
// loses no line; booting keeps the previous boot's log as kernel.log.old. A bad request gets an
// error reply; nothing a client sends can stop the machine except a poweroff request.
import { createServer, type Socket } from "node:net";
import { closeSync, existsSync, openSync, renameSync, rmSync, writeFileSync, writeSync, chmodSync } from "node:fs";
import { start_kernel } from "../init/main.js";
import { RealClock } from "../kernel/time/clock.js";
import { format_time } from "../kernel/printk/printk.js";
import { print_tainted } from "../kernel/panic.js";
import { run_as } from "../kernel/sched/task.js";
import { printk } from "../kernel/printk/printk.js";
import type { PrintkRecord } from "../kernel/printk/ringbuffer.js";
import { machine_paths } from "./paths.js";
import { LineDecoder, encode } from "./protocol.js";
import { serve } from "./session.js";

function log_line(rec: PrintkRecord): string {
  return rec.text
    .split("\n")
    .map((l) => `<${rec.level}>${format_time(rec.ts_nsec)} ${l}\n`)
    .join("");
}

export async function machine_main(name: string): Promise<number> {
  const paths = machine_paths(name);
  rmSync(paths.halted, { force: true });
  const k = start_kernel({ clock: new RealClock() });
  if (existsSync(paths.kernel_log)) renameSync(paths.kernel_log, paths.kernel_log_old);
  const log = openSync(paths.kernel_log, "w", 0o600);
  for (let seq = k.printk.prb.first_seq; seq < k.printk.prb.last_seq; seq++) {
    const r = k.printk.prb.read(seq);
    if (r) writeSync(log, log_line(r));
  }
  k.printk.record_hooks.push((rec) => writeSync(log, log_line(rec)));

  const conns = new Set<Socket>();
  const server = createServer((conn) => {
    conns.add(conn);
    conn.on("close", () => conns.delete(conn));
    conn.on("error", () => conn.destroy());
    let handler: ((msg: unknown) => void) | null = null;
    let started = false;
    const dec = new LineDecoder(
      (msg) => {
        if (handler) return handler(msg);
        if (started) return;
        started = true;
        try {
          serve(host, conn, msg, (fn) => (handler = fn));
        } catch (e) {
          conn.end(encode({ type: "error", message: `internal error: ${(e as Error).message}` }));
        }
      },
      (why) => conn.end(encode({ type: "error", message: why })),
    );
    conn.on("data", (d) => dec.push(d));
  });

  let halting = false;
  const host = {
    kernel: k,
    status: () => ({
      type: "status" as const,
      status: {
        name,
        pid: process.pid,
        uptime: k.clock.now() / 1e9,
        modules: k.modules.list().map((m) => m.name),
        tainted: print_tainted(k.tainted),
        sock: paths.sock,
      },
    }),
    poweroff: () => {
      if (halting) return;
      halting = true;
      run_as(k.init_task, () => printk("\x015reboot: Power down\n"));
      writeFileSync(paths.halted, `${new Date().toISOString()}\n`);
      server.close();
      for (const c of conns) c.end(encode({ type: "error", message: "the machine is powering off" }));
      rmSync(paths.sock, { force: true });
      rmSync(paths.pid, { force: true });
      closeSync(log);
      setTimeout(() => process.exit(0), 50).unref();
    },
  };

  rmSync(paths.sock, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(paths.sock, () => resolve());
  });
  chmodSync(paths.sock, 0o600);
  writeFileSync(paths.pid, `${process.pid}\n`);
  process.on("SIGTERM", () => host.poweroff());
  process.on("SIGINT", () => {});
  return new Promise<number>(() => {});
}
