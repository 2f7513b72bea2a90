// Mirrors BusyBox libbb: the message helpers every applet uses (libbb/verror_msg.c,
// perror_msg.c), applet_name (appletlib.c), the usage screen and number parsing.
import { libc } from "../libc/state.js";
import { strerror } from "../libc/strerror.js";
import { stderr, stdout } from "../libc/stdio.js";
import { _exit } from "../libc/stdlib.js";
import { chdir, close, open, read } from "../libc/unistd.js";
import { O_RDONLY } from "../../include/uapi/fcntl.js";

/** BB_VER and the build stamp of bb_banner. */
export const BB_BANNER = "BusyBox v1.35.0 (2023-08-05 10:12:30 UTC)";

export const bb_msg_read_error = "read error";
export const bb_msg_write_error = "write error";

/** applet_name: argv[0] without a login dash and without its directory. */
export function applet_name(): string {
  let name = libc().progname;
  if (name.startsWith("-")) name = name.slice(1);
  return name.slice(name.lastIndexOf("/") + 1);
}

/** bb_verror_msg: "applet: msg[: strerr]\n" in one write to stderr, after flushing stdout. */
function verror_msg(msg: string, strerr: string | null): void {
  stdout().flush();
  stderr().put(`${applet_name()}: ${msg}${strerr ? (msg ? ": " : "") + strerr : ""}\n`);
}

export function bb_error_msg(msg: string): void {
  verror_msg(msg, null);
}

/** bb_perror_msg: with ": strerror(errno)", or nothing when errno is 0. */
export function bb_perror_msg(msg: string): void {
  const e = libc().errno;
  verror_msg(msg, e ? strerror(e) : null);
}

/** xfunc_error_retval: the status the *_and_die helpers exit with. */
export const xfunc = { error_retval: 1 };

export async function bb_error_msg_and_die(msg: string): Promise<never> {
  bb_error_msg(msg);
  return xfunc_die();
}

export async function bb_perror_msg_and_die(msg: string): Promise<never> {
  bb_perror_msg(msg);
  return xfunc_die();
}

export async function xfunc_die(): Promise<never> {
  await stdout().drain();
  await stderr().drain();
  return _exit(xfunc.error_retval);
}

/** bb_show_usage(): the usage screen on stderr, exit 1. */
export async function bb_show_usage(trivial: string, full: string): Promise<never> {
  stderr().put(`${BB_BANNER} multi-call binary.\n\nUsage: ${applet_name()} ${trivial}\n\n${full}\n`);
  return xfunc_die();
}

/** getopt's message for an unknown option, with argv[0] as typed. */
export function bb_invalid_option(c: string): void {
  stderr().put(`${libc().progname}: invalid option -- '${c}'\n`);
}

/** xatoi_positive(): a non-negative decimal, or the "invalid number" death. */
export async function xatoi_positive(s: string): Promise<number> {
  if (!/^\d+$/.test(s) || Number(s) > 0x7fffffff) return bb_error_msg_and_die(`invalid number '${s}'`);
  return Number(s);
}

/**
 * xmalloc_read(fd, maxsz) (libbb/read_printf.c): read until end of file or `maxsz` bytes; null on
 * a read error, with errno set.
 */
export async function xmalloc_read(fd: number, maxsz = 0x7fffffff - 4095, initial?: Uint8Array): Promise<Uint8Array | null> {
  const chunks: Uint8Array[] = initial && initial.length ? [initial] : [];
  let total = initial?.length ?? 0;
  while (total < maxsz) {
    const buf = new Uint8Array(Math.min(64 * 1024, maxsz - total));
    const n = await read(fd, buf, buf.length);
    if (n < 0) return null;
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let k = 0;
  for (const c of chunks) {
    out.set(c, k);
    k += c.length;
  }
  return out;
}

/** xmalloc_open_read_close(filename, maxsz) (libbb/read_printf.c): the whole file, or null with errno set. */
export async function xmalloc_open_read_close(filename: string, maxsz?: number): Promise<Uint8Array | null> {
  const fd = await open(filename, O_RDONLY);
  if (fd < 0) return null;
  const buf = await xmalloc_read(fd, maxsz);
  const e = libc().errno;
  close(fd);
  libc().errno = e;
  return buf;
}

/** xchdir(path) (libbb/xfuncs_printf.c): chdir or die with "can't change directory to 'PATH'". */
export async function xchdir(path: string): Promise<void> {
  if (chdir(path) !== 0) await bb_perror_msg_and_die(`can't change directory to '${path}'`);
}

// ---- libbb helpers of the coreutils, findutils and procps applets ----
import * as U from "../libc/unistd.js";
import * as E from "../../include/uapi/errno.js";
import * as F from "../../include/uapi/fcntl.js";
import { getenv } from "../libc/stdlib.js";

export const bb_simple_perror_msg = bb_perror_msg;
export const bb_simple_error_msg = bb_error_msg;

/** A long option of getopt_long: has_arg 0 (none), 1 (required) or 2 (optional). */
export interface LongOpt {
  name: string;
  has_arg: 0 | 1 | 2;
  /** The short option it stands for (or any other key the applet checks). */
  val: string;
}

export interface Getopt32 {
  /** Options in the order given, each with its argument. */
  opts: [string, string | undefined][];
  /** The operands, in order (glibc getopt permutes them behind the options). */
  args: string[];
}

/**
 * getopt32()/getopt32long() (libbb/getopt32.c) over glibc's getopt_long: `optstring` is a getopt
 * string ("ab:c::", a leading "+" stops at the first operand). Operands may come before options, as
 * glibc permutes argv. On a bad option prints glibc's message (with argv[0] as typed) and returns null;
 * the applet then shows its usage.
 */
export function getopt32(argv: string[], optstring: string, longopts: LongOpt[] = []): Getopt32 | null {
  const prog = argv[0] ?? "";
  const permute = !optstring.startsWith("+");
  const spec = permute ? optstring : optstring.slice(1);
  const err = (m: string): null => (stderr().put(`${prog}: ${m}\n`), null);
  const opts: [string, string | undefined][] = [];
  const args: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (a.length < 2 || a[0] !== "-") {
      if (!permute) break;
      args.push(a);
      continue;
    }
    if (a.startsWith("--")) {
      const body = a.slice(2);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      let lo = longopts.find((l) => l.name === name);
      if (!lo) {
        const cand = longopts.filter((l) => l.name.startsWith(name));
        const distinct = cand.filter((l, k) => cand.findIndex((m) => m.has_arg === l.has_arg && m.val === l.val) === k);
        if (distinct.length > 1) return err(`option '--${body}' is ambiguous; possibilities:${cand.map((l) => ` '--${l.name}'`).join("")}`);
        lo = cand[0];
      }
      if (!lo) return err(`unrecognized option '--${body}'`);
      if (eq >= 0) {
        if (lo.has_arg === 0) return err(`option '--${lo.name}' doesn't allow an argument`);
        opts.push([lo.val, body.slice(eq + 1)]);
      } else if (lo.has_arg === 1) {
        if (i + 1 >= argv.length) return err(`option '--${lo.name}' requires an argument`);
        opts.push([lo.val, argv[++i]]);
      } else {
        opts.push([lo.val, undefined]);
      }
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = c === ":" || c === "+" ? -1 : spec.indexOf(c);
      if (at < 0) return err(`invalid option -- '${c}'`);
      if (spec[at + 1] !== ":") {
        opts.push([c, undefined]);
        continue;
      }
      if (j + 1 < a.length) opts.push([c, a.slice(j + 1)]);
      else if (spec[at + 2] === ":") opts.push([c, undefined]);
      else if (i + 1 < argv.length) opts.push([c, argv[++i]]);
      else return err(`option requires an argument -- '${c}'`);
      break;
    }
  }
  for (; i < argv.length; i++) args.push(argv[i]);
  return { opts, args };
}

/** skip_dash_dash(argv) (libbb/skip_whitespace.c): the operands, past one leading "--". */
export function skip_dash_dash(argv: string[]): string[] {
  const rest = argv.slice(1);
  return rest[0] === "--" ? rest.slice(1) : rest;
}

/** bb_basename() (libbb/get_last_path_component.c) */
export function bb_basename(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/**
 * bb_get_last_path_component_strip(path) (libbb/get_last_path_component.c): `path` without its
 * trailing slashes (BusyBox cuts them off the argument in place), and its last component ("/"
 * for the root).
 */
export function bb_get_last_path_component_strip(path: string): { path: string; base: string } {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  const stripped = path.slice(0, end);
  const slash = stripped.lastIndexOf("/");
  const base = slash < 0 || (slash === 0 && stripped.length === 1) ? stripped : stripped.slice(slash + 1);
  return { path: stripped, base };
}

/** dirname(path) (glibc, libgen.h): the parent part of a path; "." for a bare name, "/" for the root. */
export function dirname(path: string): string {
  let end = path.length;
  while (end > 1 && path[end - 1] === "/") end--;
  const slash = path.lastIndexOf("/", end - 1);
  if (slash < 0) return ".";
  let cut = slash;
  while (cut > 0 && path[cut - 1] === "/") cut--;
  return cut === 0 ? "/" : path.slice(0, cut);
}

/** concat_path_file(path, name) (libbb/concat_path_file.c) */
export function concat_path_file(path: string, name: string): string {
  while (name.startsWith("/")) name = name.slice(1);
  return path.endsWith("/") ? path + name : `${path}/${name}`;
}

const bb_isalnum = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Za-z]$/.test(c);

/** The result of bb_strto*(): value, errno as BusyBox leaves it, and where parsing stopped. */
export interface Strtonum {
  value: number;
  errno: number;
  end: number;
}

/**
 * bb_strtou()/bb_strtoi() (libbb/bb_strtonum.c): strtoul/strtol in base 10 on a 32-bit machine, with
 * BusyBox's errno rules: ERANGE for no digits, overflow or an alphanumeric right after the number,
 * EINVAL for any other trailing character.
 */
export function bb_strtonum(arg: string, signed: boolean): Strtonum {
  const bad = (): Strtonum => ({ value: 0, errno: E.ERANGE, end: 0 });
  const first = signed && (arg[0] === "-" || arg[0] === "+") ? arg[1] : arg[0];
  if (!bb_isalnum(first)) return bad();
  const m = (signed ? /^[+-]?\d+/ : /^\d+/).exec(arg);
  if (!m) return { value: 0, errno: bb_isalnum(arg[0]) ? E.ERANGE : E.EINVAL, end: 0 };
  const end = m[0].length;
  let v = Number(m[0]);
  let errno = 0;
  if (signed ? v > 0x7fffffff || v < -0x80000000 : v > 0xffffffff) {
    errno = E.ERANGE;
    v = signed ? (v < 0 ? -0x80000000 : 0x7fffffff) : 0xffffffff;
  }
  if (end < arg.length) {
    if (bb_isalnum(arg[end]) || errno) return { value: 0, errno: E.ERANGE, end };
    errno = E.EINVAL;
  }
  return { value: v, errno, end };
}

export const bb_strtou = (arg: string): Strtonum => bb_strtonum(arg, false);
export const bb_strtoi = (arg: string): Strtonum => bb_strtonum(arg, true);

export interface SuffixMult {
  suffix: string;
  mult: number;
}

/**
 * xatoul_sfx(numstr, suffixes) (libbb/xatonum_template.c, 32-bit unsigned long): a decimal with an
 * optional suffix from the table; dies with "invalid number" or the range message.
 */
export async function xatoul_sfx(numstr: string, suffixes: SuffixMult[]): Promise<number> {
  const ULONG_MAX = 0xffffffff;
  const inval = (): Promise<never> => bb_error_msg_and_die(`invalid number '${numstr}'`);
  if (numstr[0] === "-" || numstr[0] === "+" || /^\s/.test(numstr)) return inval();
  const m = /^\d+/.exec(numstr);
  if (!m || Number(m[0]) > ULONG_MAX) return inval();
  let r = Number(m[0]);
  const e = numstr.slice(m[0].length);
  const sfx = suffixes.find((s) => s.suffix === e);
  if (sfx) {
    if (Math.floor(ULONG_MAX / sfx.mult) < r) return bb_error_msg_and_die(`number ${numstr} is not in 0..${ULONG_MAX} range`);
    r *= sfx.mult;
  } else if (e) {
    return inval();
  }
  return r;
}

/** duration_suffixes (libbb/duration.c) */
export const duration_suffixes: SuffixMult[] = [
  { suffix: "s", mult: 1 },
  { suffix: "m", mult: 60 },
  { suffix: "h", mult: 60 * 60 },
  { suffix: "d", mult: 24 * 60 * 60 },
];

/**
 * parse_duration_str(str) (libbb/duration.c, FLOAT_DURATION=y): seconds, fractions allowed. For
 * "1.5m" the fraction is parsed by strtod and the multiplier by xatoul_sfx("1m"), so a bad suffix is
 * reported as "invalid number '1x'".
 */
export async function parse_duration_str(str: string, usage: () => Promise<never>): Promise<number> {
  if (!str.includes(".")) return xatoul_sfx(str, duration_suffixes);
  const len = /^[0-9.]*/.exec(str)![0].length;
  const num = str.slice(0, len);
  if (num !== "" && !/^(\d+\.?\d*|\.\d+)$/.test(num)) return usage();
  const d = num === "" ? 0 : Number(num);
  return d * (await xatoul_sfx("1" + str.slice(len), duration_suffixes));
}

/**
 * sleep_for_duration(duration) (libbb/duration.c): nanosleep, again after a signal handler ran.
 * kplay's nanosleep does not report the time left, so a resumed sleep starts over.
 */
export async function sleep_for_duration(duration: number): Promise<void> {
  const MAX = 0x7fffffff;
  let sec = MAX;
  let nsec = 0;
  if (duration >= 0 && duration < MAX) {
    sec = Math.trunc(duration);
    nsec = Math.trunc((duration - sec) * 1e9);
  }
  do {
    libc().errno = 0;
    await U.nanosleep(sec * 1e9 + nsec);
  } while (libc().errno === E.EINTR);
}

/** safe_read() (libbb/read.c): read(), again after EINTR. */
export async function safe_read(fd: number, buf: Uint8Array, count: number): Promise<number> {
  for (;;) {
    const n = await U.read(fd, buf, count);
    if (n >= 0 || libc().errno !== E.EINTR) return n;
  }
}

/**
 * full_write() (libbb/full_write.c): write until everything is written or write fails; after a
 * partial write the count so far. A write that returns 0 is retried forever, as in BusyBox; the
 * retry lets the event loop run first, so the machine stays responsive and a signal can end it.
 */
export async function full_write(fd: number, buf: Uint8Array, len = buf.length): Promise<number> {
  let total = 0;
  while (len) {
    let cc: number;
    for (;;) {
      cc = await U.write(fd, buf.subarray(total), len);
      if (cc >= 0 || libc().errno !== E.EINTR) break;
      libc().errno = 0;
    }
    if (cc < 0) return total ? total : cc;
    if (cc === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    total += cc;
    len -= cc;
  }
  return total;
}

/**
 * bb_copyfd_eof(src, dst) (libbb/copyfd.c, FEATURE_COPYBUF_KB=4): copy in 4 KiB reads until read
 * returns 0. sendfile() is not offered by kplay; BusyBox falls back to read() silently anyway.
 * Returns the bytes copied, or -1 after "read error" / "write error".
 */
export async function bb_copyfd_eof(src_fd: number, dst_fd: number): Promise<number> {
  const buffer = new Uint8Array(4 * 1024);
  let total = 0;
  for (;;) {
    const rd = await safe_read(src_fd, buffer, buffer.length);
    if (rd < 0) {
      bb_simple_perror_msg(bb_msg_read_error);
      return -1;
    }
    if (rd === 0) return total;
    const wr = await full_write(dst_fd, buffer, rd);
    if (wr < rd) {
      bb_simple_perror_msg(bb_msg_write_error);
      return -1;
    }
    total += rd;
  }
}

/** open_or_warn_stdin(path) (libbb/wfopen_input.c): fd 0 for "-", else open or "can't open". */
export async function open_or_warn_stdin(path: string): Promise<number> {
  if (path === "-") return 0;
  const fd = await U.open(path, F.O_RDONLY);
  if (fd < 0) bb_perror_msg(`can't open '${path}'`);
  return fd;
}

/**
 * get_terminal_width(fd) (libbb/xfuncs.c): the tty's columns, $COLUMNS overriding; 80 when neither
 * gives a usable value.
 */
export async function get_terminal_width(fd: number): Promise<number> {
  const ws = await U.get_winsize(fd);
  let value = ws ? ws.cols : 0;
  const env = getenv("COLUMNS");
  if (env !== undefined) value = Number(/^\s*[+-]?\d+/.exec(env)?.[0] ?? 0);
  return value <= 1 || value >= 30000 ? 80 : value;
}

/**
 * bb_process_escape_sequence(&ptr) (libbb/process_escape_sequence.c): the byte an escape stands for;
 * `at` is just past the backslash. Octal takes up to 3 digits (while the value fits a byte), \xHH up
 * to 2; an unknown escape (and \x without a hex digit) is the backslash itself, consuming nothing.
 */
export function bb_process_escape_sequence(s: Uint8Array, at: number): { c: number; next: number } {
  let q = at;
  let num_digits = 0;
  let n = 0;
  let base = 8;
  if (s[q] === 0x78) {
    q++;
    base = 16;
    num_digits++;
  }
  do {
    const ch = q < s.length ? s[q] : 0;
    let d = ch - 0x30;
    if (d < 0 || d >= 10) {
      const lower = ch >= 0x41 && ch <= 0x5a ? ch + 0x20 : ch;
      d = lower - 0x61 >= 0 ? lower - 0x61 + 10 : 0x100;
    }
    if (d >= base) {
      if (base === 16 && --num_digits === 0) return { c: 0x5c, next: at };
      break;
    }
    const r = n * base + d;
    if (r > 0xff) break;
    n = r;
    q++;
  } while (++num_digits < 3);
  if (num_digits === 0) {
    const from = [0x61, 0x62, 0x65, 0x66, 0x6e, 0x72, 0x74, 0x76, 0x5c];
    const to = [7, 8, 27, 12, 10, 13, 9, 11, 0x5c];
    const k = q < s.length ? from.indexOf(s[q]) : -1;
    if (k < 0) return { c: 0x5c, next: q };
    return { c: to[k], next: q + 1 };
  }
  return { c: n, next: q };
}

/** The signal names of libbb/u_signal_names.c for ARM glibc (SIGRTMIN 32, SIGRTMAX 64). */
const bb_signals: string[] = ["EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "POLL", "PWR", "SYS", "RTMIN"];
const BB_SIGRTMIN = 32;
const BB_SIGRTMAX = 64;
const BB_NSIG = 65;

/** get_signum(name) (libbb/u_signal_names.c): a number 0..64, a name with or without SIG, RTMIN+n, RTMAX-n; -1 if unknown. */
export function get_signum(name: string): number {
  const n = bb_strtou(name);
  if (!n.errno && n.value < BB_NSIG) return n.value;
  if (name.slice(0, 3).toUpperCase() === "SIG") name = name.slice(3);
  const i = bb_signals.findIndex((s) => s === name.toUpperCase());
  if (i >= 0) return i;
  const up = name.toUpperCase();
  if (up === "IO") return 29;
  if (up === "IOT") return 6;
  if (up.startsWith("RTMIN")) {
    if (up.length === 5) return BB_SIGRTMIN;
    if (up[5] === "+") {
      const k = bb_strtou(name.slice(6));
      if (!k.errno && k.value <= BB_SIGRTMAX - BB_SIGRTMIN) return BB_SIGRTMIN + k.value;
    }
  } else if (up.startsWith("RTMAX")) {
    if (up.length === 5) return BB_SIGRTMAX;
    if (up[5] === "-") {
      const k = bb_strtou(name.slice(6));
      if (!k.errno && k.value <= BB_SIGRTMAX - BB_SIGRTMIN) return BB_SIGRTMAX - k.value;
    }
  }
  return -1;
}

/** get_signame(number) (libbb/u_signal_names.c): the name, or the number as text. */
export function get_signame(n: number): string {
  return n >= 0 && n < bb_signals.length && bb_signals[n] ? bb_signals[n] : String(n);
}

/** print_signames() (libbb/u_signal_names.c): " 1) HUP" ... "64) RTMAX" on stdout. */
export function print_signames(): void {
  for (let signo = 1; signo < bb_signals.length; signo++) stdout().put(`${String(signo).padStart(2)}) ${bb_signals[signo]}\n`);
  stdout().put(`${BB_SIGRTMAX}) RTMAX\n`);
}

/** bb_mode_string(mode) (libbb/mode_string.c): "drwxr-xr-x" and friends. */
export function bb_mode_string(mode: number): string {
  const type = "?pc?d?b?-?l?s???"[(mode >> 12) & 0xf];
  let s = type;
  const rwx = "rwxrwxrwx";
  for (let i = 0; i < 9; i++) s += mode & (0o400 >> i) ? rwx[i] : "-";
  const a = s.split("");
  if (mode & 0o4000) a[3] = mode & 0o100 ? "s" : "S";
  if (mode & 0o2000) a[6] = mode & 0o010 ? "s" : "S";
  if (mode & 0o1000) a[9] = mode & 0o001 ? "t" : "T";
  return a.join("");
}

/**
 * make_human_readable_str(val, block_size, display_unit) (libbb/human_readable.c) with
 * display_unit 0: "0", "512", "1.1M".
 */
export function make_human_readable_str(val: number, block_size: number, display_unit: number): string {
  if (val === 0) return "0";
  const units = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"];
  if (block_size > 1) val *= block_size;
  if (display_unit) return String(Math.floor((val + Math.floor(display_unit / 2)) / display_unit));
  let frac = 0;
  let u = 0;
  let fractional = false;
  while (val >= 1024) {
    fractional = true;
    u++;
    frac = Math.floor((((val % 1024) * 10) + 512) / 1024);
    val = Math.floor(val / 1024);
  }
  if (frac >= 10) {
    ++val;
    frac = 0;
  }
  if (block_size === 0) {
    if (frac >= 5) ++val;
    return `${val}${units[u]}`;
  }
  return fractional ? `${val}.${frac}${units[u]}` : String(val);
}

const bb_decoder = new TextDecoder();
const name_caches = new WeakMap<object, { users: Map<number, string> | null; groups: Map<number, string> | null }>();

async function read_id_file(path: string): Promise<Map<number, string>> {
  const m = new Map<number, string>();
  const data = await xmalloc_open_read_close(path);
  if (!data) return m;
  for (const line of bb_decoder.decode(data).split("\n")) {
    const f = line.split(":");
    if (f.length >= 3 && /^\d+$/.test(f[2]) && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]);
  }
  return m;
}

async function id_caches(): Promise<{ users: Map<number, string>; groups: Map<number, string> }> {
  let c = name_caches.get(libc());
  if (!c) name_caches.set(libc(), (c = { users: null, groups: null }));
  c.users ??= await read_id_file("/etc/passwd");
  c.groups ??= await read_id_file("/etc/group");
  return { users: c.users, groups: c.groups };
}

/** get_cached_username(uid) (libbb/procps.c, USE_BB_PWD_GRP=y): the /etc/passwd name, or the number. */
export async function get_cached_username(uid: number): Promise<string> {
  return (await id_caches()).users.get(uid) ?? String(uid);
}

/** get_cached_groupname(gid) (libbb/procps.c): the /etc/group name, or the number. */
export async function get_cached_groupname(gid: number): Promise<string> {
  return (await id_caches()).groups.get(gid) ?? String(gid);
}

/** procps_status_t (include/libbb.h): what procps_scan() reads for one process. */
export interface ProcpsStatus {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
  uid: number;
  gid: number;
  state: string;
  comm: string;
  utime: number;
  stime: number;
  start_time: number;
  vsz: number;
  rss: number;
  niceness: number;
  tty_major: number;
  tty_minor: number;
}

/**
 * procps_scan() (libbb/procps.c): every process in /proc in readdir order, from /proc/PID (owner)
 * and /proc/PID/stat. Processes that vanish during the scan are skipped.
 */
export async function procps_scan(): Promise<ProcpsStatus[]> {
  const out: ProcpsStatus[] = [];
  const dir = await U.open("/proc", F.O_RDONLY | F.O_DIRECTORY);
  if (dir < 0) return out;
  const names = U.getdents(dir) ?? [];
  U.close(dir);
  for (const name of names) {
    const n = bb_strtou(name);
    if (n.errno) continue;
    const pid = n.value;
    const st = U.stat(`/proc/${pid}`);
    if (!st) continue;
    const raw = await xmalloc_open_read_close(`/proc/${pid}/stat`, 1023);
    if (!raw) continue;
    const buf = bb_decoder.decode(raw);
    const close_paren = buf.lastIndexOf(")");
    const comm = buf.slice(buf.indexOf("(") + 1, close_paren).slice(0, 15);
    const f = buf.slice(close_paren + 2).split(" ");
    const tty = Number(f[4]) | 0;
    const vsz = Math.floor(Number(f[20]) / 1024);
    let state = f[0] + (vsz === 0 && f[0] !== "Z" ? "W" : " ");
    const niceness = Number(f[16]) | 0;
    if (niceness < 0) state += "<";
    else if (niceness > 0) state += "N";
    out.push({
      pid,
      ppid: Number(f[1]),
      pgid: Number(f[2]),
      sid: Number(f[3]),
      uid: st.st_uid,
      gid: st.st_gid,
      state,
      comm,
      utime: Number(f[11]),
      stime: Number(f[12]),
      start_time: Number(f[19]),
      vsz,
      rss: Number(f[21]) * 4,
      niceness,
      tty_major: (tty >> 8) & 0xfff,
      tty_minor: (tty & 0xff) | ((tty >> 12) & 0xfff00),
    });
  }
  return out;
}

/**
 * read_cmdline(col, pid, comm) (libbb/procps.c): the command line in at most col-1 characters,
 * arguments joined by spaces; "{comm} " in front when argv[0]'s basename does not start with comm;
 * "[comm]" when the command line is empty (kernel threads, zombies).
 */
export async function read_cmdline(col: number, pid: number, comm: string): Promise<string> {
  const raw = await xmalloc_open_read_close(`/proc/${pid}/cmdline`, col - 1);
  if (!raw || raw.length === 0) return `[${comm}]`.slice(0, col - 1);
  let sz = raw.length - 1;
  while (sz >= 0 && raw[sz] === 0) sz--;
  const bytes = raw.slice(0, sz + 1);
  let argv0_end = bytes.findIndex((b) => b === 0 || b === 0x20);
  if (argv0_end < 0) argv0_end = bytes.length;
  const slash = bytes.subarray(0, argv0_end).lastIndexOf(0x2f);
  for (let k = 0; k < bytes.length; k++) if (bytes[k] < 0x20) bytes[k] = 0x20;
  const line = bb_decoder.decode(bytes);
  let base = bb_decoder.decode(bytes.subarray(slash + 1));
  if (base.startsWith("-")) base = base.slice(1);
  if (base.startsWith(comm)) return line;
  return `{${comm}} ${line}`.slice(0, col - 1);
}
