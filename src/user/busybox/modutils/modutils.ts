// Mirrors BusyBox 1.35 modutils/modutils.c and modutils.h (the code insmod, rmmod, modprobe and
// modinfo share when MODPROBE_SMALL=n): module names from file names, the insert error texts,
// command-line module options, bb_init_module (finit_module first, then init_module from memory),
// bb_delete_module. Also the pieces of libbb these applets lean on that are not in libbb.ts:
// xmalloc_open_zipped_read_close (archival/libarchive/open_transformer.c), config_read
// (libbb/parse_config.c), fnmatch(3), bb_basename, and kplay's modules.dep lookup for insmod.
import { libc } from "../../libc/state.js";
import { strerror } from "../../libc/strerror.js";
import { close, delete_module, finit_module, geteuid, init_module, open, read, uname } from "../../libc/unistd.js";
import { O_CLOEXEC, O_RDONLY } from "../../../include/uapi/fcntl.js";
import { EFAULT, ENOENT, ENOEXEC, ENOMEM, ENOSYS, EPERM, ESRCH } from "../../../include/uapi/errno.js";
import { stderr, stdout } from "../../libc/stdio.js";
import { bb_error_msg, bb_error_msg_and_die, bb_perror_msg, bb_perror_msg_and_die, bb_show_usage, getopt32 as libbb_getopt32, xmalloc_open_read_close, xmalloc_read, type LongOpt } from "../libbb.js";

/** linux/module.h has 64, BusyBox uses 256 because the same buffers hold alias names. */
export const MODULE_NAME_LEN = 256;
export const CONFIG_DEFAULT_MODULES_DIR = "/lib/modules";
export const CONFIG_DEFAULT_DEPMOD_FILE = "modules.dep";

/* insmod for 2.4 and modprobe's options (insmod 2.6 has no options at all): INSMOD_OPTS is "vqs"
 * with FEATURE_2_4_MODULES off. */
export const INSMOD_OPTS = "vqs";
export const INSMOD_OPT_VERBOSE = 1 << 0;
export const INSMOD_OPT_SILENT = 1 << 1;
export const INSMOD_OPT_SYSLOG = 1 << 2;
export const INSMOD_OPT_UNUSED = INSMOD_OPT_SYSLOG << 1;

/** replace(s, what, with) */
export function replace(s: string, what: string, with_: string): string {
  return s.split(what).join(with_);
}

/** bb_basename(name): what follows the last '/'. */
export function bb_basename(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/** bb_get_last_path_component_nostrip(path): like bb_basename, but "/" stays "/". */
export function bb_get_last_path_component_nostrip(path: string): string {
  const slash = path.lastIndexOf("/");
  if (slash < 0 || (slash === 0 && path.length === 1)) return path;
  return path.slice(slash + 1);
}

/**
 * filename2modname(): up to the first '.', with '-' made '_'. No basename is taken ("modprobe
 * dir/name" must not work as "modprobe name"); callers that want one take it first.
 */
export function filename2modname(filename: string): string {
  let modname = "";
  for (let i = 0; i < MODULE_NAME_LEN - 1 && i < filename.length && filename[i] !== "."; i++) modname += filename[i] === "-" ? "_" : filename[i];
  return modname;
}

/**
 * moderror(): the text for a bb_init_module() result. Not meant for delete_module() errnos.
 * A negative value is an open/read error (-errno) and gets strerror().
 */
export function moderror(err: number): string {
  switch (err) {
    case -1: /* btw: it's -EPERM */
      return "no such module";
    case ENOEXEC:
      return "invalid module format";
    case ENOENT:
      return "unknown symbol in module, or unknown parameter";
    case ESRCH:
      return "module has wrong symbol version";
    case ENOSYS:
      return "kernel does not support requested operation";
  }
  if (err < 0) /* should always be */ err = -err;
  return strerror(err);
}

/**
 * parse_cmdline_module_options(argv, quote_spaces): the words after argv[0], each followed by a
 * space ("a=1 b=2 ", the trailing space is kept). With quote_spaces (modprobe), a value containing
 * a space is quoted: var="val with spaces".
 */
export function parse_cmdline_module_options(argv: string[], quote_spaces: boolean): string {
  let options = "";
  for (const v of argv.slice(1)) {
    /* "%.*s%s ": the name (with its '=' once the value is split off), then the value */
    let cut = v.includes("=") ? v.indexOf("=") : v.length;
    let fmt_quoted = false;
    if (quote_spaces && cut < v.length) {
      cut++; /* has var=val format. skip '=' */
      fmt_quoted = v.slice(cut).includes(" ");
    }
    options += fmt_quoted ? `${v.slice(0, cut)}"${v.slice(cut)}" ` : `${v.slice(0, cut)}${v.slice(cut)} `;
  }
  return options;
}

/** full_read(): read until `count` bytes or end of file; -1 on an error before any byte. */
async function full_read(fd: number, buf: Uint8Array, count: number): Promise<number> {
  let total = 0;
  while (total < count) {
    const n = await read(fd, buf.subarray(total), count - total);
    if (n < 0) return total ? total : -1;
    if (n === 0) break;
    total += n;
  }
  return total;
}

/**
 * xmalloc_open_zipped_read_close(fname): the whole file, or null when it can't be opened (errno
 * set, no message). Like open_transformer() it first xread()s the 2-byte signature, so a
 * directory or a file shorter than 2 bytes dies with "short read". kplay ships no compressed
 * modules and has no decompressors, so every file is taken as not compressed.
 */
export async function xmalloc_open_zipped_read_close(fname: string): Promise<Uint8Array | null> {
  const fd = await open(fname, O_RDONLY);
  if (fd < 0) return null;
  const magic = new Uint8Array(2);
  if ((await full_read(fd, magic, 2)) !== 2) await bb_error_msg_and_die("short read");
  const image = await xmalloc_read(fd, undefined, magic);
  if (!image) bb_perror_msg(`read error from '${fname}'`);
  const e = libc().errno;
  close(fd);
  libc().errno = e;
  return image;
}

/**
 * bb_init_module(filename, options): 0 on success, -errno on an open/read error, errno from the
 * kernel otherwise. finit_module() comes first (kernels that only load from trusted storage need
 * it); if it fails for any reason, the file is read into memory and given to init_module(). So a
 * module whose init fails runs its init twice, as with a real BusyBox 1.35 insmod.
 * (FEATURE_INSMOD_TRY_MMAP is off in this build, so there is no mmap attempt in between.)
 */
export async function bb_init_module(filename: string, options: string | null): Promise<number> {
  options ??= "";
  const fd = await open(filename, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    const rc = (await finit_module(fd, options)) !== 0;
    close(fd);
    if (!rc) return 0;
  }
  libc().errno = ENOMEM; /* may be changed by e.g. open errors below */
  const image = await xmalloc_open_zipped_read_close(filename);
  if (!image) return -libc().errno;
  libc().errno = 0;
  await init_module(image, options);
  return libc().errno;
}

/**
 * bb_delete_module(module, flags): 0 or errno (errno is also left set for bb_perror_msg). A null
 * module is C's delete_module(NULL, ...), used by "rmmod -a": the kernel checks CAP_SYS_MODULE
 * and then fails to copy the name with EFAULT. The libc wrapper only takes a string, so kplay
 * produces that result here.
 */
export async function bb_delete_module(module: string | null, flags: number): Promise<number> {
  libc().errno = 0;
  if (module === null) libc().errno = geteuid() === 0 ? EFAULT : EPERM;
  else await delete_module(module, flags);
  return libc().errno;
}

/* libbb/parse_config.c */
export const PARSE_COLLAPSE = 0x00010000; // treat consecutive delimiters as one
export const PARSE_TRIM = 0x00020000; // trim leading and trailing delimiters
export const PARSE_GREEDY = 0x00040000; // last token takes entire remainder of the line
export const PARSE_MIN_DIE = 0x00100000; // die if < min tokens found
export const PARSE_EOL_COMMENTS = 0x00800000; // comments are recognized even if they aren't the first char
export const PARSE_NORMAL = PARSE_COLLAPSE | PARSE_TRIM | PARSE_GREEDY | PARSE_EOL_COMMENTS;

/** A config_open()ed file: its lines, read lazily by config_read(). */
export class Parser {
  private readonly lines: string[];
  private next = 0;
  lineno = 0;

  constructor(data: Uint8Array) {
    const text = new TextDecoder("latin1").decode(data);
    this.lines = text.split("\n");
    if (this.lines.length && this.lines[this.lines.length - 1] === "") this.lines.pop();
  }

  /** get_line_with_continuation(): a line, joined with the next while it ends in a backslash. */
  private get_line(): string | null {
    if (this.next >= this.lines.length) return null;
    let line = "";
    for (;;) {
      const l = this.lines[this.next++];
      this.lineno++;
      if (l.endsWith("\\") && this.next < this.lines.length) {
        line += l.slice(0, -1);
        continue;
      }
      return line + l;
    }
  }

  /**
   * config_read(parser, tokens, max, min, delims, flags): the next line's tokens, or null at end
   * of file. delims[0] is the comment character, the rest separate tokens.
   */
  read(ntokens: number, mintokens: number, delims: string, flags: number): string[] | null {
    const comment = delims[0];
    const seps = delims.slice(1);
    const isSep = (c: string | undefined): boolean => c !== undefined && seps.includes(c);
    for (;;) {
      const raw = this.get_line();
      if (raw === null) return null;
      let p = 0;
      if (flags & PARSE_TRIM) while (isSep(raw[p])) p++;
      if (p >= raw.length || raw[p] === comment) continue;
      const tokens: string[] = [];
      let t = 0;
      do {
        const start = p;
        let end: number;
        if (t !== ntokens - 1 || !(flags & PARSE_GREEDY)) {
          const stop = flags & PARSE_EOL_COMMENTS ? delims : seps;
          while (p < raw.length && !stop.includes(raw[p])) p++;
          end = p;
        } else {
          /* Combining, find comment char if any */
          const c = flags & PARSE_EOL_COMMENTS ? raw.indexOf(comment, p) : -1;
          p = c < 0 ? raw.length : c;
          end = p;
          if (flags & PARSE_TRIM) while (end > start && isSep(raw[end - 1])) end--;
        }
        tokens.push(raw.slice(start, end));
        if (flags & PARSE_EOL_COMMENTS && raw[p] === comment) p = raw.length; /* the rest is a comment */
        else if (p < raw.length) p++;
        if (flags & PARSE_COLLAPSE) while (isSep(raw[p])) p++;
        t++;
      } while (p < raw.length && raw[p] !== comment && t < ntokens);
      if (t < mintokens) {
        bb_error_msg(`bad line ${this.lineno}: ${t} tokens found, ${mintokens} needed`);
        continue;
      }
      return tokens;
    }
  }
}

/** config_open2(filename, fopen_func) with fopen_for_read: null (errno set) when it can't be read. */
export async function config_open2(filename: string): Promise<Parser | null> {
  const data = await xmalloc_open_read_close(filename);
  return data ? new Parser(data) : null;
}

/** config_open2(filename, xfopen_for_read): dies with "can't open 'FILE'". */
export async function config_open_or_die(filename: string): Promise<Parser> {
  const p = await config_open2(filename);
  return p ?? bb_perror_msg_and_die(`can't open '${filename}'`);
}

/** fnmatch(pattern, string, 0): shell wildcards * ? [...] with backslash quoting. */
export function fnmatch(pattern: string, s: string): boolean {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[^]*";
    else if (c === "?") re += "[^]";
    else if (c === "\\" && i + 1 < pattern.length) re += escape_re(pattern[++i]);
    else if (c === "[") {
      let j = i + 1;
      let neg = false;
      if (pattern[j] === "!" || pattern[j] === "^") {
        neg = true;
        j++;
      }
      let body = "";
      let first = true;
      while (j < pattern.length && (pattern[j] !== "]" || first)) {
        const d = pattern[j];
        if (d === "-" && !first && j + 1 < pattern.length && pattern[j + 1] !== "]") body += "-";
        else body += escape_re(d);
        first = false;
        j++;
      }
      if (j >= pattern.length) re += "\\[";
      else {
        re += `[${neg ? "^" : ""}${body}]`;
        i = j;
      }
    } else re += escape_re(c);
  }
  try {
    return new RegExp(re + "$", "s").test(s);
  } catch {
    return false;
  }
}

function escape_re(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? "\\" + c : c;
}

/**
 * kplay: where modules.dep puts module `modname` ("extra/NAME.ko"), as modprobe finds it: the
 * entry whose file name, up to its first '.', matches. Null when there is no modules.dep or no
 * such entry. Errors are silent; errno is left as it was.
 */
export async function modules_dep_lookup(modname: string): Promise<string | null> {
  const saved = libc().errno;
  const dir = `${CONFIG_DEFAULT_MODULES_DIR}/${uname().release}`;
  const p = await config_open2(`${dir}/${CONFIG_DEFAULT_DEPMOD_FILE}`);
  let found: string | null = null;
  if (p) {
    for (let tokens; !found && (tokens = p.read(2, 1, "# \t", PARSE_NORMAL & ~PARSE_MIN_DIE)); ) {
      if (!tokens[0].endsWith(":")) continue;
      const path = tokens[0].slice(0, -1);
      if (filename2modname(bb_get_last_path_component_nostrip(path)) === modname) found = path.startsWith("/") ? path : `${dir}/${path}`;
    }
  }
  libc().errno = saved;
  return found;
}

/**
 * getopt32(argv, "^" spec "\0" complementary) of libbb/getopt32.c: libbb's parser plus the
 * complementary rules these applets use. `off` maps a letter to the letters it clears ("q-v"),
 * `conflicts` to the letters it cannot be given with ("l--arD"), and `min_args` is "-N". Any error
 * shows the usage screen. Returns the option bit mask (bit i for the i-th letter of spec), the
 * arguments and the operands.
 */
export async function getopt32(
  argv: string[],
  spec: string,
  usage: { trivial: string; full: string },
  extra: { off?: Record<string, string>; conflicts?: Record<string, string>; min_args?: number; longopts?: Record<string, string> } = {},
): Promise<{ mask: number; optarg: Map<string, string>; args: string[] }> {
  const letters = spec.replace(/:/g, "");
  const bit = (c: string): number => 1 << letters.indexOf(c);
  const longopts: LongOpt[] = Object.entries(extra.longopts ?? {}).map(([name, val]) => ({ name, has_arg: 0, val }));
  stdout().flush();
  const parsed = libbb_getopt32(argv, spec, longopts);
  if (!parsed) return bb_show_usage(usage.trivial, usage.full);
  let mask = 0;
  const optarg = new Map<string, string>();
  for (const [c, v] of parsed.opts) {
    mask |= bit(c);
    for (const o of extra.off?.[c] ?? "") mask &= ~bit(o);
    if (v !== undefined) optarg.set(c, v);
  }
  for (const [c, others] of Object.entries(extra.conflicts ?? {})) {
    if (mask & bit(c) && [...others].some((o) => mask & bit(o))) return bb_show_usage(usage.trivial, usage.full);
  }
  if (parsed.args.length < (extra.min_args ?? 0)) return bb_show_usage(usage.trivial, usage.full);
  return { mask, optarg, args: parsed.args };
}
