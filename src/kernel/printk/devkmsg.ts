// Mirrors kernel/printk/printk.c's user interfaces: /dev/kmsg (one record per read in the
// "prio,seq,ts_usec,flags;text" format, writes become records), /proc/kmsg and syslog(2)
// (klogctl: read, read-all, clear, console level).
import { EAGAIN, EFAULT, EINVAL, EPERM, EPIPE, ESPIPE } from "../../include/uapi/errno.js";
import { O_NONBLOCK, S_IFCHR, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_SET } from "../../include/uapi/fcntl.js";
import { Inode } from "../../fs/inode.js";
import type { File, FileOperations } from "../../fs/file.js";
import { copy_from_user, copy_to_user } from "../uaccess.js";
import { current } from "../sched/task.js";
import { wait_event_interruptible } from "../sched/wait.js";
import { capable, CAP_SYSLOG } from "../capability.js";
import { format_time, type PrintkState } from "./printk.js";
import type { PrintkRecord } from "./ringbuffer.js";
import { vprintk_emit } from "./printk.js";
import { LOGLEVEL_DEFAULT } from "../../include/linux/kern_levels.js";

export const SYSLOG_ACTION_CLOSE = 0;
export const SYSLOG_ACTION_OPEN = 1;
export const SYSLOG_ACTION_READ = 2;
export const SYSLOG_ACTION_READ_ALL = 3;
export const SYSLOG_ACTION_READ_CLEAR = 4;
export const SYSLOG_ACTION_CLEAR = 5;
export const SYSLOG_ACTION_CONSOLE_OFF = 6;
export const SYSLOG_ACTION_CONSOLE_ON = 7;
export const SYSLOG_ACTION_CONSOLE_LEVEL = 8;
export const SYSLOG_ACTION_SIZE_UNREAD = 9;
export const SYSLOG_ACTION_SIZE_BUFFER = 10;

const encoder = new TextEncoder();

function state(): PrintkState {
  return current().kernel.printk;
}

/** msg_add_ext_text(): escape bytes < ' ', >= 127 and '\' as \xNN. */
function escape_ext(text: string): string {
  let out = "";
  for (const b of encoder.encode(text)) {
    out += b < 0x20 || b >= 0x7f || b === 0x5c ? "\\x" + b.toString(16).padStart(2, "0") : String.fromCharCode(b);
  }
  return out;
}

/** One /dev/kmsg record line. */
export function kmsg_record(r: PrintkRecord): string {
  const prio = (r.facility << 3) | r.level;
  return `${prio},${r.seq},${Math.floor(r.ts_nsec / 1000)},${r.cont ? "c" : "-"};${escape_ext(r.text)}\n`;
}

/** record_print_text() for syslog: every line of the record gets the "<prio>[time] " prefix. */
export function syslog_record(st: PrintkState, r: PrintkRecord): string {
  const prefix = `<${(r.facility << 3) | r.level}>` + (st.printk_time ? format_time(r.ts_nsec) + " " : "");
  return r.text.split("\n").map((l) => prefix + l + "\n").join("");
}

interface DevkmsgUser {
  seq: number;
}

const devkmsg_fops: FileOperations = {
  open(_inode, file) {
    if (file.f_mode & 1 && state().prb && current().kernel.dmesg_restrict && !capable(CAP_SYSLOG)) return -EPERM;
    file.private_data = { seq: state().prb.first_seq } satisfies DevkmsgUser;
    return 0;
  },
  async read(file, buf, count) {
    const st = state();
    const user = file.private_data as DevkmsgUser;
    if (user.seq >= st.prb.last_seq) {
      if (file.f_flags & O_NONBLOCK) return -EAGAIN;
      const r = await wait_event_interruptible(st.log_wait, () => user.seq < st.prb.last_seq);
      if (r) return r;
    }
    if (user.seq < st.prb.first_seq) {
      user.seq = st.prb.first_seq;
      return -EPIPE;
    }
    const rec = st.prb.read(user.seq)!;
    const line = encoder.encode(kmsg_record(rec));
    if (line.length > count) return -EINVAL;
    if (copy_to_user(buf, line, line.length)) return -EFAULT;
    user.seq = rec.seq + 1;
    return line.length;
  },
  write(_file, buf, count) {
    const bytes = new Uint8Array(count);
    if (copy_from_user(bytes, buf, count)) return -EFAULT;
    let text = new TextDecoder().decode(bytes);
    let level = LOGLEVEL_DEFAULT;
    let facility = 1;
    const m = /^<(\d+)>/.exec(text);
    if (m) {
      const u = Number(m[1]);
      level = u & 7;
      facility = u >> 3 || 1;
      text = text.slice(m[0].length);
    }
    vprintk_emit(facility, level, text);
    return count;
  },
  llseek(file, offset, whence) {
    const st = state();
    const user = file.private_data as DevkmsgUser;
    if (offset) return -ESPIPE;
    if (whence === SEEK_SET) user.seq = st.prb.first_seq;
    else if (whence === SEEK_DATA) user.seq = Math.max(st.clear_seq, st.prb.first_seq);
    else if (whence === SEEK_END) user.seq = st.prb.last_seq;
    else if (whence !== SEEK_CUR) return -EINVAL;
    return 0;
  },
};

export function devkmsg_inode(): Inode {
  const inode = new Inode(S_IFCHR | 0o644, devkmsg_fops);
  inode.rdev = (1 << 8) | 11;
  return inode;
}

/** check_syslog_permissions() */
function syslog_permitted(type: number): boolean {
  if (type === SYSLOG_ACTION_READ_ALL || type === SYSLOG_ACTION_SIZE_BUFFER) return !current().kernel.dmesg_restrict || capable(CAP_SYSLOG);
  return capable(CAP_SYSLOG);
}

/**
 * do_syslog(type, buf, len): klogctl(3). Reads return the "<prio>" lines; READ (the /proc/kmsg
 * read) consumes and sleeps until there is something to read.
 */
export async function do_syslog(type: number, buf: Uint8Array | null, len: number): Promise<number> {
  const st = state();
  if (type === SYSLOG_ACTION_CLOSE || type === SYSLOG_ACTION_OPEN) return 0;
  if (!syslog_permitted(type)) return -EPERM;
  switch (type) {
    case SYSLOG_ACTION_READ: {
      if (!buf || len < 0) return -EINVAL;
      if (len === 0) return 0;
      const r = await wait_event_interruptible(st.log_wait, () => st.syslog_seq < st.prb.last_seq);
      if (r) return r;
      let out: Uint8Array = new Uint8Array(0);
      st.syslog_seq = Math.max(st.syslog_seq, st.prb.first_seq);
      while (st.syslog_seq < st.prb.last_seq) {
        const rec = encoder.encode(syslog_record(st, st.prb.read(st.syslog_seq)!));
        if (out.length + rec.length > len) break;
        out = concat(out, rec);
        st.syslog_seq++;
      }
      copy_to_user_array(buf, out);
      return out.length;
    }
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR: {
      if (!buf || len < 0) return -EINVAL;
      const lines: Uint8Array[] = [];
      let total = 0;
      for (let seq = st.prb.last_seq - 1; seq >= Math.max(st.clear_seq, st.prb.first_seq); seq--) {
        const rec = encoder.encode(syslog_record(st, st.prb.read(seq)!));
        if (total + rec.length > len) break;
        lines.unshift(rec);
        total += rec.length;
      }
      copy_to_user_array(buf, lines.reduce(concat, new Uint8Array(0)));
      if (type === SYSLOG_ACTION_READ_CLEAR) st.clear_seq = st.prb.last_seq;
      return total;
    }
    case SYSLOG_ACTION_CLEAR:
      st.clear_seq = st.prb.last_seq;
      return 0;
    case SYSLOG_ACTION_CONSOLE_OFF:
      if (st.saved_console_loglevel === LOGLEVEL_DEFAULT) st.saved_console_loglevel = st.console_loglevel;
      st.console_loglevel = st.console_printk[2];
      return 0;
    case SYSLOG_ACTION_CONSOLE_ON:
      if (st.saved_console_loglevel !== LOGLEVEL_DEFAULT) {
        st.console_loglevel = st.saved_console_loglevel;
        st.saved_console_loglevel = LOGLEVEL_DEFAULT;
      }
      return 0;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
      if (len < 1 || len > 8) return -EINVAL;
      st.console_loglevel = Math.max(len, st.console_printk[2]);
      st.saved_console_loglevel = LOGLEVEL_DEFAULT;
      return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
      return st.prb.last_seq - Math.max(st.syslog_seq, st.prb.first_seq);
    case SYSLOG_ACTION_SIZE_BUFFER:
      return st.prb.text_size;
    default:
      return -EINVAL;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}

function copy_to_user_array(buf: Uint8Array, data: Uint8Array): void {
  buf.set(data.subarray(0, buf.length));
}

/** /proc/kmsg: SYSLOG_ACTION_READ, root only (fs/proc/kmsg.c). */
export const kmsg_proc_ops = {
  proc_open: (): number => (capable(CAP_SYSLOG) ? 0 : -EPERM),
  async proc_read(_file: File, buf: import("../uaccess.js").UserPtr, count: number): Promise<number> {
    const tmp = new Uint8Array(count);
    const n = await do_syslog(SYSLOG_ACTION_READ, tmp, count);
    if (n <= 0) return n;
    return copy_to_user(buf, tmp.subarray(0, n), n) ? -EFAULT : n;
  },
};
