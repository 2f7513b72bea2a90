// Mirrors drivers/tty/tty_io.c and n_tty.c as far as a session needs: a terminal whose input is a
// queue of typed bytes read a line at a time (canonical mode, with echo when the terminal echoes),
// whose output goes to the session that owns it, and which sends SIGINT to its foreground process
// group on Ctrl-C. Standard output and standard error keep their identity so a remote client can
// write them to its own stdout and stderr; kernel console lines shown during the session are a third
// stream.
import { EAGAIN, ENOTTY } from "../../include/uapi/errno.js";
import { O_NONBLOCK, S_IFCHR } from "../../include/uapi/fcntl.js";
import { SIGINT } from "../../include/uapi/signal.js";
import { Inode } from "../../fs/inode.js";
import { File, FMODE_READ, FMODE_WRITE, type FileOperations } from "../../fs/file.js";
import { poll_wait, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM } from "../../fs/select.js";
import { copy_from_user, copy_to_user } from "../../kernel/uaccess.js";
import { WaitQueueHead, wait_event_interruptible } from "../../kernel/sched/wait.js";
import { send_sig } from "../../kernel/signal.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";

export type TtyStream = "stdout" | "stderr" | "console";

export interface TtySink {
  write(stream: TtyStream, data: string): void;
  /** Standard output's bytes as written, when it is not a terminal (a pipe or a file on the client). */
  raw?(bytes: Uint8Array): void;
}

export const TCGETS = 0x5401;
export const TIOCGPGRP = 0x540f;
export const TIOCSPGRP = 0x5410;
export const TIOCGWINSZ = 0x5413;

export class Terminal {
  private input: number[] = [];
  private eof = false;
  readonly read_wait = new WaitQueueHead();
  /** Background readers wait here until their group is the foreground one. */
  readonly bg_wait = new WaitQueueHead();
  fg_pgrp = 0;
  readonly inode: Inode;
  /** Which of the session's standard streams are terminals (isatty). */
  isatty = { stdin: true, stdout: true, stderr: true };
  winsize = { rows: 24, cols: 80 };
  /** Whether typed input is echoed to the output (n_tty ECHO); off when the client echoes. */
  echo = true;
  /** Called when a reader waits for input with nothing queued (a scenario types the next line). */
  on_read_wait: (() => void) | null = null;
  private readonly decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

  constructor(
    readonly kernel: Kernel,
    readonly sink: TtySink,
    readonly name = "console",
  ) {
    this.inode = new Inode(S_IFCHR | 0o620, tty_fops);
    this.inode.i_private = this;
    this.inode.rdev = (5 << 8) | 1;
  }

  /** Bytes typed on the keyboard. */
  push_input(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.input.push(...bytes);
    if (this.echo) this.sink.write("stdout", s);
    this.read_wait.wake_up();
  }

  /** Ctrl-D on an empty line. */
  push_eof(): void {
    this.eof = true;
    this.read_wait.wake_up();
  }

  /** Ctrl-C: SIGINT to the foreground process group (n_tty isig). */
  interrupt(): void {
    if (this.echo) this.sink.write("stdout", "^C");
    this.input = [];
    for (const t of this.kernel.tasks.values()) if (t.pgrp === this.fg_pgrp && !t.is_kthread) send_sig(SIGINT, t);
  }

  get has_line(): boolean {
    return this.input.includes(10) || this.eof;
  }

  /** Take one canonical line (or what is there at end of file), at most `count` bytes. */
  take_line(count: number): Uint8Array {
    const nl = this.input.indexOf(10);
    const n = Math.min(count, nl < 0 ? this.input.length : nl + 1);
    const out = Uint8Array.from(this.input.splice(0, n));
    if (out.length === 0 && this.eof) this.eof = false;
    return out;
  }

  write(stream: TtyStream, bytes: Uint8Array): void {
    if (stream === "stdout" && !this.isatty.stdout && this.sink.raw) return this.sink.raw(bytes);
    const text = stream === "console" ? new TextDecoder().decode(bytes) : this.decoders[stream].decode(bytes, { stream: true });
    if (text) this.sink.write(stream, text);
  }

  /** Open the session's standard input, output and error. */
  open_std(): [File, File, File] {
    return [
      new File(this.inode, tty_fops, 0, FMODE_READ | FMODE_WRITE, "/dev/" + this.name),
      Object.assign(new File(this.inode, tty_fops, 1, FMODE_READ | FMODE_WRITE, "/dev/" + this.name), { private_data: "stdout" }),
      Object.assign(new File(this.inode, tty_fops, 1, FMODE_READ | FMODE_WRITE, "/dev/" + this.name), { private_data: "stderr" }),
    ];
  }
}

function tty_of(file: File): Terminal {
  return file.f_inode.i_private as Terminal;
}

export const tty_fops: FileOperations = {
  async read(file, buf, count) {
    const tty = tty_of(file);
    if (count === 0) return 0;
    // n_tty job control: a background process group may not read (SIGTTIN stops it on Linux); it
    // waits, as a stopped job would, until it is the foreground group.
    const me = current();
    if (tty.fg_pgrp && me.pgrp !== tty.fg_pgrp) {
      const r = await wait_event_interruptible(tty.bg_wait, () => me.pgrp === tty.fg_pgrp);
      if (r) return r;
    }
    if (!tty.has_line) {
      if (file.f_flags & O_NONBLOCK) return -EAGAIN;
      tty.on_read_wait?.();
      const r = await wait_event_interruptible(tty.read_wait, () => tty.has_line);
      if (r) return r;
    }
    const line = tty.take_line(count);
    copy_to_user(buf, line, line.length);
    return line.length;
  },
  write(file, buf, count) {
    const tty = tty_of(file);
    const bytes = new Uint8Array(count);
    const n = count - copy_from_user(bytes, buf, count);
    tty.write(file.private_data === "stderr" ? "stderr" : "stdout", bytes.subarray(0, n));
    return n;
  },
  /**
   * n_tty_poll(): readable when a whole line (or end of file) is queued, as read would return;
   * output never waits. Like a blocking read, a poll about to wait tells the session (on_read_wait).
   */
  poll(file, wait) {
    const tty = tty_of(file);
    poll_wait(file, tty.read_wait, wait);
    let mask = POLLOUT | POLLWRNORM;
    if (tty.has_line) mask |= POLLIN | POLLRDNORM;
    else if (wait) tty.on_read_wait?.();
    return mask;
  },
  unlocked_ioctl(file, cmd, arg) {
    const tty = tty_of(file);
    const stream = file.private_data === "stderr" ? "stderr" : file.private_data === "stdout" ? "stdout" : "stdin";
    if (!tty.isatty[stream]) return -ENOTTY;
    switch (cmd) {
      case TCGETS:
        return 0;
      case TIOCGWINSZ:
        Object.assign(arg as object, tty.winsize);
        return 0;
      case TIOCGPGRP:
        (arg as { value: number }).value = tty.fg_pgrp;
        return 0;
      case TIOCSPGRP:
        tty.fg_pgrp = (arg as { value: number }).value;
        tty.bg_wait.wake_up();
        return 0;
      default:
        return -ENOTTY;
    }
  },
};
