// Mirrors kernel/printk/printk.c: printk stores a record in the log buffer, prints it on the console
// when its level is below console_loglevel, and wakes log readers (/dev/kmsg, /proc/kmsg, syslog).
import { vsprintf, type FormatArg } from "../../lib/vsprintf.js";
import { KERN_SOH, LOGLEVEL_DEFAULT } from "../../include/linux/kern_levels.js";
import { PrintkRingbuffer, type PrintkRecord } from "./ringbuffer.js";
import { WaitQueueHead } from "../sched/wait.js";
import { current_or_null } from "../sched/task.js";
import type { Kernel } from "../kernel.js";

/** A console driver (struct console): gets each line of every record shown on the console. */
export interface Console {
  name: string;
  write(text: string): void;
}

const encoder = new TextEncoder();

/** Per-kernel printk state: the log buffer, console levels (/proc/sys/kernel/printk), consoles. */
export class PrintkState {
  readonly prb: PrintkRingbuffer;
  /** console_printk[4]: console, default message, minimum console, default console loglevel. */
  readonly console_printk = [7, 4, 1, 7];
  /** printk.time: whether console and syslog lines carry a timestamp. */
  printk_time = false;
  /** The console level `dmesg -D` (SYSLOG_ACTION_CONSOLE_OFF) saved for `dmesg -E`. */
  saved_console_loglevel = LOGLEVEL_DEFAULT;
  readonly consoles: Console[] = [];
  /** Called with each record once it is complete (its newline seen, or the next record begun). */
  readonly record_hooks: ((rec: PrintkRecord) => void)[] = [];
  readonly log_wait = new WaitQueueHead();
  /** syslog(2) read position (/proc/kmsg) and the position after the last SYSLOG_ACTION_CLEAR. */
  syslog_seq = 0;
  clear_seq = 0;
  /** The open record a KERN_CONT piece may still extend, with its caller. */
  private cont: { rec: PrintkRecord; caller: unknown } | null = null;

  constructor(private readonly kernel: Kernel, log_buf_shift = 17) {
    this.prb = new PrintkRingbuffer(log_buf_shift);
  }

  get console_loglevel(): number {
    return this.console_printk[0];
  }

  set console_loglevel(v: number) {
    this.console_printk[0] = v;
  }

  get default_message_loglevel(): number {
    return this.console_printk[1];
  }

  /**
   * vprintk_store + console_unlock: store `text` (already formatted, level prefix included) and
   * show it. Returns the number of bytes of the message text.
   */
  store(facility: number, level: number, text: string): number {
    let cont = false;
    while (text[0] === KERN_SOH && text.length >= 2) {
      const c = text[1];
      if (c >= "0" && c <= "7") {
        if (level === LOGLEVEL_DEFAULT) level = c.charCodeAt(0) - 48;
      } else if (c === "c") cont = true;
      else break;
      text = text.slice(2);
    }
    const newline = text.endsWith("\n");
    if (newline) text = text.slice(0, -1);
    const caller = current_or_null() ?? null;
    const len = encoder.encode(text).length;

    if (cont && this.cont && this.cont.caller === caller) {
      this.prb.amend_last(text, len);
      this.emit_console(text, this.cont.rec.level, newline);
      if (newline) {
        this.finalize(this.cont.rec);
        this.cont = null;
      }
      this.log_wait.wake_up();
      return len;
    }
    if (this.cont) {
      this.emit_console("", this.cont.rec.level, true);
      this.finalize(this.cont.rec);
      this.cont = null;
    }
    if (level === LOGLEVEL_DEFAULT) level = this.default_message_loglevel;
    const rec = this.prb.push({ ts_nsec: this.kernel.clock.now(), level, facility, cont: false, text, text_len: len });
    if (!newline) this.cont = { rec, caller };
    this.emit_console(this.console_prefix(rec) + text, level, newline);
    if (newline) this.finalize(rec);
    this.log_wait.wake_up();
    return len;
  }

  private finalize(rec: PrintkRecord): void {
    const r = this.prb.read(rec.seq) ?? rec;
    for (const hook of this.record_hooks) hook(r);
  }

  /** The "[%5lu.%06lu] " prefix when printk.time is on. */
  private console_prefix(rec: PrintkRecord): string {
    if (!this.printk_time) return "";
    return format_time(rec.ts_nsec) + " ";
  }

  /**
   * Print on every console if the level is below console_loglevel. An open (newline-less) record is
   * shown as far as it goes and its line ended when it is finalized.
   */
  private emit_console(text: string, level: number, newline: boolean): void {
    if (level >= this.console_loglevel) return;
    const out = text + (newline ? "\n" : "");
    if (out === "") return;
    for (const con of this.consoles) con.write(out);
  }

  register_console(con: Console): void {
    this.consoles.push(con);
  }

  unregister_console(con: Console): void {
    const i = this.consoles.indexOf(con);
    if (i >= 0) this.consoles.splice(i, 1);
  }
}

/** "[%5lu.%06lu]" for a timestamp in nanoseconds. */
export function format_time(ts_nsec: number): string {
  const sec = Math.floor(ts_nsec / 1e9);
  const usec = Math.floor((ts_nsec % 1e9) / 1e3);
  return `[${String(sec).padStart(5)}.${String(usec).padStart(6, "0")}]`;
}

function state(): PrintkState {
  const t = current_or_null();
  if (!t) throw new Error("kplay: printk outside any kernel");
  return t.kernel.printk;
}

/** printk(fmt, ...): format as vsnprintf does and log at the level the format starts with. */
export function printk(fmt: string, ...args: FormatArg[]): number {
  return state().store(0, LOGLEVEL_DEFAULT, vsprintf(fmt, args));
}

/** vprintk_emit for a given facility and level (used by /dev/kmsg writes). */
export function vprintk_emit(facility: number, level: number, text: string): number {
  return state().store(facility, level, text);
}

type Printer = (fmt: string, ...args: FormatArg[]) => number;

/**
 * The pr_*() family for a given pr_fmt. A C file that defines pr_fmt before its includes gets
 * `const { pr_info, pr_err } = pr_helpers((fmt) => KBUILD_MODNAME + ": " + fmt)`.
 */
export function pr_helpers(pr_fmt: (fmt: string) => string = (f) => f) {
  const at = (level: string): Printer => (fmt, ...args) => printk(level + pr_fmt(fmt), ...args);
  return {
    pr_emerg: at(KERN_SOH + "0"),
    pr_alert: at(KERN_SOH + "1"),
    pr_crit: at(KERN_SOH + "2"),
    pr_err: at(KERN_SOH + "3"),
    pr_warn: at(KERN_SOH + "4"),
    pr_notice: at(KERN_SOH + "5"),
    pr_info: at(KERN_SOH + "6"),
    /** pr_debug is compiled out without DEBUG or dynamic debug. */
    pr_debug: ((): number => 0) as Printer,
    pr_cont: ((fmt, ...args) => printk(KERN_SOH + "c" + fmt, ...args)) as Printer,
  };
}

export const { pr_emerg, pr_alert, pr_crit, pr_err, pr_warn, pr_notice, pr_info, pr_debug, pr_cont } = pr_helpers();
