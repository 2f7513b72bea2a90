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

/**
 * Parse short options the way getopt32 does for the simple cases applets use: `spec` lists option
 * letters, a letter followed by ":" takes an argument. Returns the options and the operands, or the
 * offending letter.
 */
export function getopt(argv: string[], spec: string): { opts: Map<string, string>; args: string[] } | { bad: string } {
  const opts = new Map<string, string>();
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = spec.indexOf(c);
      if (at < 0 || c === ":") return { bad: c };
      if (spec[at + 1] === ":") {
        const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (v === undefined) return { bad: c };
        opts.set(c, v);
        break;
      }
      opts.set(c, "");
    }
  }
  return { opts, args: argv.slice(i) };
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
