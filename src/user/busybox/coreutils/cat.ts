// Mirrors BusyBox 1.35 coreutils/cat.c (FEATURE_CATN=y, FEATURE_CATV=y) with libbb/bb_cat.c,
// libbb/copyfd.c and libbb/print_numbered_lines.c: plain cat copies each file to fd 1 in 4 KiB
// reads until read() returns 0, says "can't open" or "read error" and goes on with the next file.
import { close, read } from "../../libc/unistd.js";
import { FILE, stdin, stdout } from "../../libc/stdio.js";
import { bb_copyfd_eof, bb_show_usage, getopt32, open_or_warn_stdin } from "../libbb.js";

const cat_trivial_usage = "[-nbvteA] [FILE]...";
const cat_full_usage =
  "Print FILEs to stdout\n" +
  "\n\t-n\tNumber output lines" +
  "\n\t-b\tNumber nonempty lines" +
  "\n\t-v\tShow nonprinting characters as ^x or M-x" +
  "\n\t-t\t...and tabs as ^I" +
  "\n\t-e\t...and end lines with $" +
  "\n\t-A\tSame as -vte";

const CAT_OPT_e = 1 << 0;
const CAT_OPT_t = 1 << 1;
const CAT_OPT_v = 1 << 2;
const CAT_OPT_n = 1 << 4;
const CAT_OPT_b = 1 << 5;
const opt_letters = "etvAnbu";

/** bb_cat(argv) (libbb/bb_cat.c) */
async function bb_cat(argv: string[]): Promise<number> {
  let retval = 0;
  for (const name of argv.length ? argv : ["-"]) {
    const fd = await open_or_warn_stdin(name);
    if (fd >= 0) {
      const r = await bb_copyfd_eof(fd, 1);
      if (fd !== 0) close(fd);
      if (r >= 0) continue;
    }
    retval = 1;
  }
  return retval;
}

/** visible(ch, buf, flags) (libbb): ^X, M-X, $ at end of line with -e, ^I with -t. */
function visible(ch: number, flags: number): number[] {
  const out: number[] = [];
  if (ch === 0x09 && !(flags & CAT_OPT_t)) return [ch];
  if (ch === 0x0a) {
    if (flags & CAT_OPT_e) out.push(0x24);
  } else {
    if (ch >= 128) {
      ch -= 128;
      out.push(0x4d, 0x2d);
    }
    if (ch < 32 || ch === 127) {
      out.push(0x5e);
      ch ^= 0x40;
    }
  }
  out.push(ch);
  return out;
}

/** catv(opts, argv): cat -v[etA], with -n/-b numbering as "%6u  ". */
async function catv(opts: number, argv: string[]): Promise<number> {
  let retval = 0;
  let eol_seen = (opts & (CAT_OPT_n | CAT_OPT_b)) !== 0;
  const eol_char = eol_seen ? 0x0a : 0x100;
  const skip_num_on = opts & CAT_OPT_b ? 0x0a : 0x100;
  let lineno = 0;
  const read_buf = new Uint8Array(1024);
  for (const name of argv) {
    const fd = await open_or_warn_stdin(name);
    if (fd < 0) {
      retval = 1;
      continue;
    }
    for (;;) {
      const res = await read(fd, read_buf, read_buf.length);
      if (res < 0) retval = 1;
      if (res <= 0) break;
      const out: number[] = [];
      for (const c of read_buf.subarray(0, res)) {
        if (eol_seen && c !== skip_num_on) {
          if (out.length) stdout().put(Uint8Array.from(out.splice(0)));
          stdout().put(`${String(++lineno).padStart(6)}  `);
        }
        eol_seen = c === eol_char;
        out.push(...visible(c, opts));
      }
      stdout().put(Uint8Array.from(out));
    }
    if (fd) close(fd);
  }
  return retval;
}

/** print_numbered_lines(ns, filename) (libbb/print_numbered_lines.c) with cat's "%6u\t". */
async function print_numbered_lines(ns: { start: number; all: boolean; nonempty: boolean }, filename: string): Promise<number> {
  const fd = await open_or_warn_stdin(filename);
  if (fd < 0) return 1;
  const fp = fd === 0 ? stdin() : new FILE(fd, "full");
  let N = ns.start;
  for (;;) {
    const raw = await fp.getline();
    if (raw === null) break;
    let line = raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw.length - 1) : raw;
    const nul = line.indexOf(0);
    if (nul >= 0) line = line.subarray(0, nul);
    if (ns.all || (ns.nonempty && line.length)) {
      stdout().put(`${String(N).padStart(6)}\t`);
      stdout().put(line);
      stdout().put("\n");
      N++;
    } else {
      stdout().put("\n");
    }
  }
  ns.start = N;
  if (fd !== 0) close(fd);
  return 0;
}

export async function cat_main(_argc: number, argv: string[]): Promise<number> {
  const opt = getopt32(argv, opt_letters);
  if (!opt) return bb_show_usage(cat_trivial_usage, cat_full_usage);
  let opts = 0;
  for (const [c] of opt.opts) opts |= c === "A" ? CAT_OPT_e | CAT_OPT_t | CAT_OPT_v | (1 << 3) : 1 << opt_letters.indexOf(c);
  const files = opt.args.length ? opt.args : ["-"];

  if (opts & 7) return catv(opts, files);
  opts >>= 4;
  if (opts & 3) {
    const ns = { start: 1, all: !(opts & 2), nonempty: (opts & 2) !== 0 };
    for (const f of files) await print_numbered_lines(ns, f);
    return 0;
  }
  return bb_cat(files);
}
