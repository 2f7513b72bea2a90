// Boot an in-process kernel on the virtual clock and run programs on a terminal that records
// everything shown on it (program output and kernel console lines, in order).
import { start_kernel } from "../src/init/main.js";
import { spawn_on_terminal, register_console } from "../src/init/console.js";
import { Terminal, type TtyStream } from "../src/drivers/tty/tty.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { run_until } from "../src/kernel/sched/idle.js";
import type { Kernel } from "../src/kernel/kernel.js";
import { login_cred, type Cred } from "../src/kernel/cred.js";
import { ramfs_link, ramfs_new_file } from "../src/fs/ramfs.js";
import { program, type Main } from "../src/user/libc/crt0.js";

export interface Run {
  /** Everything the terminal showed, in order. */
  output: string;
  stdout: string;
  stderr: string;
  console: string;
  /** The wait status word (exit code << 8, or the signal). */
  status: number;
  code: number;
}

/** Put a program (its main) into the machine's filesystem at `path`, executable. */
export function install(k: Kernel, path: string, main: Main): void {
  const cut = path.lastIndexOf("/");
  let dir = k.root;
  for (const name of path.slice(0, cut).split("/").filter(Boolean)) dir = dir.i_op.lookup!(dir, name)!;
  const inode = ramfs_new_file(new Uint8Array([0x7f, 0x45, 0x4c, 0x46]), 0o755);
  (inode.i_private as { entry: unknown }).entry = program(main);
  ramfs_link(dir, path.slice(cut + 1), inode);
}

export function boot(): Kernel {
  return start_kernel({ clock: new VirtualClock() });
}

/** The initramfs's unprivileged account, logged in: uid and gid 1000, no capabilities. */
export const USER: Cred = login_cred(1000, 1000, [1000]);

/**
 * Run argv[0] (a path, or a name found in /bin or /sbin) on a fresh terminal with `input` typed
 * and then end of file. Stdout and stderr are terminals unless `tty` is false.
 */
export async function run(k: Kernel, argv: string[], opts: { input?: string; cred?: Cred; tty?: boolean } = {}): Promise<Run> {
  const r: Run = { output: "", stdout: "", stderr: "", console: "", status: -1, code: -1 };
  const tty = new Terminal(k, { write: (s: TtyStream, text: string) => ((r.output += text), (r[s] += text)) });
  tty.echo = false;
  if (opts.tty === false) tty.isatty = { stdin: false, stdout: false, stderr: false };
  const con = register_console(k, tty);
  if (opts.input) tty.push_input(opts.input);
  tty.push_eof();
  let path = argv[0];
  if (!path.includes("/")) path = k.root && ["/bin/", "/sbin/"].map((d) => d + path).find((p) => exists(k, p))!;
  const task = spawn_on_terminal(k, tty, path, argv, { cred: opts.cred });
  if (typeof task === "number") throw new Error(`spawn ${argv[0]}: ${task}`);
  let done = false;
  void task.exited.then(() => (done = true));
  const ok = await run_until(k, () => done);
  k.printk.unregister_console(con);
  if (!ok) throw new Error(`${argv.join(" ")}: hangs (output so far: ${JSON.stringify(r.output)})`);
  r.status = task.exit_status;
  r.code = (task.exit_status >> 8) & 0xff;
  return r;
}

/** `sh -c CMD` */
export function sh(k: Kernel, cmd: string, opts: { input?: string; cred?: Cred; tty?: boolean } = {}): Promise<Run> {
  return run(k, ["sh", "-c", cmd], opts);
}

function exists(k: Kernel, path: string): boolean {
  let inode = k.root;
  for (const name of path.split("/").filter(Boolean)) {
    const next = inode.i_op.lookup?.(inode, name);
    if (!next) return false;
    inode = next;
  }
  return true;
}
