// Mirrors BusyBox 1.35 coreutils/ls.c with the defconfig features (FILETYPES, FOLLOWLINKS,
// RECURSIVE, WIDTH, SORTFILES, TIMESTAMPS, USERNAME, COLOR with COLOR_IS_DEFAULT, DESKTOP's
// "total" line): columns on a terminal (its width from fd 0, minus one), one name per line
// otherwise, colors when stdout is a terminal and LS_COLORS allows, sorted with strcmp.
import { close, getdents, isatty, lstat, open, readlink, stat, time, type Stat } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { stdout } from "../../libc/stdio.js";
import { getenv } from "../../libc/stdlib.js";
import { strerror } from "../../libc/strerror.js";
import { EINVAL } from "../../../include/uapi/errno.js";
import { O_DIRECTORY, O_RDONLY, S_IFMT, S_ISDIR, S_ISLNK, S_ISREG } from "../../../include/uapi/fcntl.js";
import {
  bb_basename,
  bb_error_msg,
  bb_mode_string,
  bb_perror_msg,
  bb_show_usage,
  bb_simple_perror_msg,
  concat_path_file,
  get_cached_groupname,
  get_cached_username,
  get_terminal_width,
  getopt32,
  make_human_readable_str,
  xatoi_positive,
  type LongOpt,
} from "../libbb.js";

const ls_trivial_usage = "[-1AaCxdLHRFplinshrSXvctu] [-w WIDTH] [FILE]...";
const ls_full_usage =
  "List directory contents\n" +
  "\n\t-1\tOne column output" +
  "\n\t-a\tInclude entries which start with ." +
  "\n\t-A\tLike -a, but exclude . and .." +
  "\n\t-x\tList by lines" +
  "\n\t-d\tList directory entries instead of contents" +
  "\n\t-L\tFollow symlinks" +
  "\n\t-H\tFollow symlinks on command line" +
  "\n\t-R\tRecurse" +
  "\n\t-p\tAppend / to dir entries" +
  "\n\t-F\tAppend indicator (one of */=@|) to entries" +
  "\n\t-l\tLong listing format" +
  "\n\t-i\tList inode numbers" +
  "\n\t-n\tList numeric UIDs and GIDs instead of names" +
  "\n\t-s\tList allocated blocks" +
  "\n\t-lc\tList ctime" +
  "\n\t-lu\tList atime" +
  "\n\t--full-time\tList full date and time" +
  "\n\t-h\tHuman readable sizes (1K 243M 2G)" +
  "\n\t--group-directories-first" +
  "\n\t-S\tSort by size" +
  "\n\t-X\tSort by extension" +
  "\n\t-v\tSort by version" +
  "\n\t-t\tSort by mtime" +
  "\n\t-tc\tSort by ctime" +
  "\n\t-tu\tSort by atime" +
  "\n\t-r\tReverse sort order" +
  "\n\t-w N\tFormat N columns wide" +
  "\n\t--color[={always,never,auto}]\tControl coloring";

/** ls_options: "Cadi1lgnsxAk" "Fp" "R" "Q" "ctu" "SXrv" "LH" "h" "T:w:" */
const ls_options = "Cadi1lgnsxAkFpRQctuSXrvLHhT:w:";
const FULL_TIME = "\xff";
const DIRS_FIRST = "\xfe";
const COLOR = "\xfd";
const ls_longopts: LongOpt[] = [
  { name: "full-time", has_arg: 0, val: FULL_TIME },
  { name: "group-directories-first", has_arg: 0, val: DIRS_FIRST },
  { name: "color", has_arg: 2, val: COLOR },
];

/**
 * The getopt32 complementary rules "nl:gl", ":\xffl", ":t-S:S-t", ":H-L:L-H", ":C-xl:x-Cl:l-xC",
 * ":C-1:1-C", ":x-1:1-x", ":c-u:u-c": options each one turns on besides itself, and turns off.
 */
const switch_on: Record<string, string> = { n: "l", g: "l", [FULL_TIME]: "l" };
const switch_off: Record<string, string> = { t: "S", S: "t", H: "L", L: "H", C: "xl1", x: "Cl1", l: "xC", "1": "Cx", c: "u", u: "c" };

interface Dnode {
  name: string;
  fullname: string;
  dn_mode_lstat: number;
  dn_mode_stat: number;
  dn_mode: number;
  dn_size: number;
  dn_time: number;
  dn_ino: number;
  dn_blocks: number;
  dn_nlink: number;
  dn_uid: number;
  dn_gid: number;
  dn_rdev_maj: number;
  dn_rdev_min: number;
}

interface Globals {
  opt: Set<string>;
  exit_code: number;
  show_dirname: boolean;
  show_color: boolean;
  terminal_width: number;
  current_time_t: number;
}

const encoder = new TextEncoder();
const ESC = "\x1b";

const TYPEINDEX = (mode: number): number => (mode >> 12) & 0x0f;
const APPCHAR = ["", "|", "", "", "/", "", "", "", "", "", "@", "", "=", "", "", ""];
/* un fi chr - dir - blk - file - link - sock - - exe */
const COLOR_OF = [0o37, 0o43, 0o43, 0o45, 0o42, 0o45, 0o43, 0o43, 0o00, 0o45, 0o44, 0o45, 0o43, 0o45, 0o45, 0o40];
const ATTR_OF = [0o1, 0o0, 0o1, 0o7, 0o1, 0o7, 0o1, 0o7, 0o0, 0o7, 0o1, 0o7, 0o1, 0o7, 0o7, 0o1];
const is_exec = (mode: number): boolean => S_ISREG(mode) && (mode & 0o111) !== 0;
const fgcolor = (mode: number): number => COLOR_OF[is_exec(mode) ? 0xf : TYPEINDEX(mode)];
const bold = (mode: number): number => ATTR_OF[is_exec(mode) ? 0xf : TYPEINDEX(mode)];

function append_char(g: Globals, mode: number): string {
  if (!g.opt.has("F") && !g.opt.has("p")) return "";
  if (S_ISDIR(mode)) return "/";
  if (!g.opt.has("F")) return "";
  if (is_exec(mode)) return "*";
  return APPCHAR[TYPEINDEX(mode)];
}

/** printable_string(): bytes below ' ' and from 0x7f up show as '?' (no UTF-8 locale). */
function printable(name: string): string {
  let s = "";
  for (const b of encoder.encode(name)) s += b < 0x20 || b >= 0x7f ? "?" : String.fromCharCode(b);
  return s;
}

function calc_name_len(g: Globals, name: string): number {
  const p = printable(name);
  if (!g.opt.has("Q")) return p.length;
  return 2 + p.length + (p.match(/["\\]/g)?.length ?? 0);
}

function print_name(g: Globals, name: string): number {
  const p = printable(name);
  if (!g.opt.has("Q")) {
    stdout().put(p);
    return p.length;
  }
  const q = `"${p.replace(/["\\]/g, "\\$&")}"`;
  stdout().put(q);
  return q.length;
}

/** ctime(&t) in UTC (no /etc/localtime in the initramfs): "Wed Jun 30 21:49:08 1993\n". */
function ctime(t: number): string {
  const d = new Date(t * 1000);
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}\n`;
}

function full_time(t: number): string {
  const d = new Date(t * 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/** xmalloc_readlink_or_warn(path) (libbb/xreadlink.c) */
function readlink_or_warn(path: string): string | null {
  const target = readlink(path);
  if (target === null) {
    const err = libc().errno;
    bb_error_msg(`${path}: cannot read link: ${err === EINVAL ? "not a symlink" : strerror(err)}`);
  }
  return target;
}

/** display_single(dn): one entry; returns the columns it used. */
async function display_single(g: Globals, dn: Dnode): Promise<number> {
  const out = stdout();
  let column = 0;
  let append = append_char(g, dn.dn_mode);
  const lpath = g.opt.has("l") && S_ISLNK(dn.dn_mode) ? readlink_or_warn(dn.fullname) : null;
  const put = (s: string): number => (out.put(s), s.length);

  if (g.opt.has("i")) column += put(`${String(dn.dn_ino).padStart(7)} `);
  if (g.opt.has("s")) column += put(`${String(Math.floor(dn.dn_blocks / 2)).padStart(6)} `);
  if (g.opt.has("l")) {
    column += put(`${bb_mode_string(dn.dn_mode).padEnd(10)} `);
    column += put(`${String(dn.dn_nlink).padStart(4)} `);
    if (g.opt.has("n")) {
      if (g.opt.has("g")) column += put(`${String(dn.dn_gid).padEnd(8)} `);
      else column += put(`${String(dn.dn_uid).padEnd(8)} ${String(dn.dn_gid).padEnd(8)} `);
    } else if (g.opt.has("g")) {
      column += put(`${(await get_cached_groupname(dn.dn_gid)).slice(0, 8).padEnd(8)} `);
    } else {
      column += put(`${(await get_cached_username(dn.dn_uid)).slice(0, 8).padEnd(8)} ${(await get_cached_groupname(dn.dn_gid)).slice(0, 8).padEnd(8)} `);
    }
    const type = dn.dn_mode & S_IFMT;
    if (type === 0o060000 || type === 0o020000) {
      column += put(`${String(dn.dn_rdev_maj).padStart(4)}, ${String(dn.dn_rdev_min).padStart(3)} `);
    } else if (g.opt.has("h")) {
      column += put(`${make_human_readable_str(dn.dn_size, 1, 0).padStart(7)} `);
    } else {
      column += put(`${String(dn.dn_size).padStart(9)} `);
    }
    if (g.opt.has(FULL_TIME)) {
      column += put(`${full_time(dn.dn_time)} `);
    } else {
      const filetime = ctime(dn.dn_time);
      const age = g.current_time_t - dn.dn_time;
      if (age < (3600 * 24 * 365) / 2 && age > -15 * 60) out.put(`${filetime.slice(4, 16)} `);
      else out.put(`${filetime.slice(4, 11)}${filetime.slice(20).replace("\n", " ").padStart(6)}`);
      column += 13;
    }
  }

  if (g.show_color) {
    let mode = dn.dn_mode_lstat;
    if (!mode) mode = lstat(dn.fullname)?.st_mode ?? 0;
    out.put(`${ESC}[${bold(mode)};${fgcolor(mode)}m`);
  }
  column += print_name(g, dn.name);
  if (g.show_color) out.put(`${ESC}[m`);

  if (lpath !== null) {
    out.put(" -> ");
    if (g.opt.has("F") || g.opt.has("p") || g.show_color) {
      let mode = dn.dn_mode_stat;
      if (!mode) mode = stat(dn.fullname)?.st_mode ?? 0;
      append = append_char(g, mode);
      if (g.show_color) out.put(`${ESC}[${bold(mode)};${fgcolor(mode)}m`);
    }
    column += print_name(g, lpath) + 4;
    if (g.show_color) out.put(`${ESC}[m`);
  }
  if ((g.opt.has("F") || g.opt.has("p")) && append) {
    out.put(append);
    column++;
  }
  return column;
}

async function display_files(g: Globals, dn: Dnode[]): Promise<void> {
  const nfiles = dn.length;
  let ncols: number;
  let nrows: number;
  let column_width = 0;
  if (g.opt.has("l") || g.opt.has("1")) {
    ncols = 1;
  } else {
    for (const d of dn) column_width = Math.max(column_width, calc_name_len(g, d.name));
    column_width += 2 + (g.opt.has("i") ? 8 : 0) + (g.opt.has("s") ? 5 : 0);
    ncols = Math.floor(g.terminal_width / column_width);
  }
  if (ncols > 1) {
    nrows = Math.ceil(nfiles / ncols);
  } else {
    nrows = nfiles;
    ncols = 1;
  }
  let column = 0;
  let nexttab = 0;
  for (let row = 0; row < nrows; row++) {
    for (let nc = 0; nc < ncols; nc++) {
      const i = g.opt.has("x") ? row * ncols + nc : nc * nrows + row;
      if (i < nfiles) {
        if (column > 0) {
          nexttab -= column;
          stdout().put(" ".repeat(Math.abs(nexttab)));
          column += nexttab;
        }
        nexttab = column + column_width;
        column += await display_single(g, dn[i]);
      }
    }
    stdout().put("\n");
    column = 0;
  }
}

/** my_stat(fullname, name, force_follow): lstat (stat with -L or when forced), or a message. */
function my_stat(g: Globals, fullname: string, name: string, force_follow: boolean): Dnode | null {
  const follow = g.opt.has("L") || force_follow;
  const st: Stat | null = follow ? stat(fullname) : lstat(fullname);
  if (!st) {
    bb_simple_perror_msg(fullname);
    g.exit_code = 1;
    return null;
  }
  const rdev = st.st_rdev;
  return {
    name,
    fullname,
    dn_mode_lstat: follow ? 0 : st.st_mode,
    dn_mode_stat: follow ? st.st_mode : 0,
    dn_mode: st.st_mode,
    dn_size: st.st_size,
    dn_time: g.opt.has("u") ? st.st_atime : g.opt.has("c") ? st.st_ctime : st.st_mtime,
    dn_ino: st.st_ino,
    dn_blocks: st.st_blocks,
    dn_nlink: st.st_nlink,
    dn_uid: st.st_uid,
    dn_gid: st.st_gid,
    dn_rdev_maj: (rdev >> 8) & 0xfff,
    dn_rdev_min: (rdev & 0xff) | ((rdev >> 12) & 0xfff00),
  };
}

const is_dot_or_dotdot = (name: string): boolean => name === "." || name === "..";

/** strcmp() on the bytes of two names. */
function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** glibc's strverscmp(): digits compared as numbers, leading zeros as fractions. */
function strverscmp(s1: string, s2: string): number {
  const p1 = Buffer.from(s1 + "\0");
  const p2 = Buffer.from(s2 + "\0");
  const S_N = 0, S_I = 3, S_F = 6, S_Z = 9;
  const CMP = 2, LEN = 3;
  const next_state = [S_N, S_I, S_Z, S_N, S_I, S_I, S_N, S_F, S_F, S_N, S_F, S_Z];
  const result_type = [CMP, CMP, CMP, CMP, LEN, CMP, CMP, CMP, CMP, CMP, -1, -1, +1, LEN, LEN, +1, LEN, LEN, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, CMP, +1, +1, -1, CMP, CMP, -1, CMP, CMP];
  const isdigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
  const cls = (c: number): number => (c === 0x30 ? 1 : 0) + (isdigit(c) ? 1 : 0);
  let i1 = 0, i2 = 0;
  let c1 = p1[i1++];
  let c2 = p2[i2++];
  let state = S_N + cls(c1);
  let diff: number;
  while ((diff = c1 - c2) === 0) {
    if (c1 === 0) return diff;
    state = next_state[state];
    c1 = p1[i1++];
    c2 = p2[i2++];
    state += cls(c1);
  }
  state = result_type[state * 3 + cls(c2)];
  switch (state) {
    case CMP:
      return diff;
    case LEN:
      while (isdigit(p1[i1++])) if (!isdigit(p2[i2++])) return 1;
      return isdigit(p2[i2]) ? -1 : diff;
    default:
      return state;
  }
}

function sortcmp(g: Globals, d1: Dnode, d2: Dnode): number {
  let dif = 0;
  const rev = g.opt.has("r");
  if (g.opt.has(DIRS_FIRST)) {
    dif = Number(S_ISDIR(d2.dn_mode)) - Number(S_ISDIR(d1.dn_mode));
    if (dif !== 0) return rev ? -dif : dif;
  }
  if (g.opt.has("S")) dif = d2.dn_size - d1.dn_size;
  else if (g.opt.has("t")) dif = d2.dn_time - d1.dn_time;
  else if (g.opt.has("v")) dif = strverscmp(d1.name, d2.name);
  else if (g.opt.has("X")) {
    const ext = (n: string): string => (n.includes(".") ? n.slice(n.indexOf(".")) : "");
    dif = strcmp(ext(d1.name), ext(d2.name));
  }
  if (dif === 0) dif = strcmp(d1.name, d2.name);
  dif = Math.sign(dif);
  return rev ? -dif : dif;
}

const dnsort = (g: Globals, dn: Dnode[]): Dnode[] => dn.sort((a, b) => sortcmp(g, a, b));

/** scan_one_dir(path): the entries of a directory (dot-files per -a/-A), or null after "can't open". */
async function scan_one_dir(g: Globals, path: string): Promise<Dnode[] | null> {
  const fd = await open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    bb_perror_msg(`can't open '${path}'`);
    g.exit_code = 1;
    return null;
  }
  const names = getdents(fd) ?? [];
  close(fd);
  const dn: Dnode[] = [];
  for (const name of names) {
    if (name.startsWith(".")) {
      if (!g.opt.has("a") && !g.opt.has("A")) continue;
      if (!g.opt.has("a") && is_dot_or_dotdot(name)) continue;
    }
    const fullname = concat_path_file(path, name);
    const cur = my_stat(g, fullname, bb_basename(fullname), false);
    if (cur) dn.unshift(cur);
  }
  return dn.length ? dn : null;
}

/** calculate_blocks(dn): "total" in 1 KiB units, rounded up. */
function calculate_blocks(dn: Dnode[] | null): number {
  let blocks = 1;
  for (const d of dn ?? []) blocks += d.dn_blocks;
  return Math.floor(blocks / 2);
}

async function scan_and_display_dirs_recur(g: Globals, dn: Dnode[], first: boolean): Promise<void> {
  for (const d of dn) {
    if (g.show_dirname || g.opt.has("R")) {
      if (!first) stdout().put("\n");
      first = false;
      stdout().put(`${d.fullname}:\n`);
    }
    const subdnp = await scan_one_dir(g, d.fullname);
    if (g.opt.has("s") || g.opt.has("l")) stdout().put(`total ${calculate_blocks(subdnp)}\n`);
    if (subdnp) {
      await display_files(g, dnsort(g, subdnp));
      if (g.opt.has("R")) {
        const dnd = subdnp.filter((s) => S_ISDIR(s.dn_mode) && !is_dot_or_dotdot(s.name));
        if (dnd.length) await scan_and_display_dirs_recur(g, dnsort(g, dnd), false);
      }
    }
  }
}

export async function ls_main(_argc: number, argv: string[]): Promise<number> {
  const g: Globals = { opt: new Set(), exit_code: 0, show_dirname: false, show_color: false, terminal_width: 80, current_time_t: time() };
  g.terminal_width = (await get_terminal_width(0)) - 1;

  const parsed = getopt32(argv, ls_options, ls_longopts);
  if (!parsed) return bb_show_usage(ls_trivial_usage, ls_full_usage);
  let color_opt = "always";
  for (const [c, arg] of parsed.opts) {
    for (const off of switch_off[c] ?? "") g.opt.delete(off);
    g.opt.add(c);
    for (const on of switch_on[c] ?? "") g.opt.add(on);
    if (c === "w") g.terminal_width = await xatoi_positive(arg!);
    if (c === COLOR) color_opt = arg ?? "always";
  }

  if (await isatty(1)) {
    const p = getenv("LS_COLORS");
    if (p === undefined || (p !== "" && p !== "none")) g.show_color = true;
  }
  if (g.opt.has(COLOR)) {
    if (color_opt[0] === "n") g.show_color = false;
    else {
      const k = ["always", "yes", "force", "auto", "tty", "if-tty"].findIndex((s) => s.startsWith(color_opt));
      if (k >= 3) g.show_color = await isatty(1);
      else if (k >= 0) g.show_color = true;
    }
  }

  if (g.opt.has("d")) g.opt.delete("R");
  if (!g.opt.has("l") && (g.opt.has("c") || g.opt.has("u"))) g.opt.add("t");
  if (!g.opt.has("l") && !g.opt.has("1") && !g.opt.has("x") && !g.opt.has("C")) g.opt.add((await isatty(1)) ? "C" : "1");

  const args = parsed.args.length ? parsed.args : ["."];
  if (args.length > 1) g.show_dirname = true;

  const force_follow = !(g.opt.has("l") || g.opt.has("s") || g.opt.has("F")) || g.opt.has("H");
  const dnp: Dnode[] = [];
  for (const a of args) {
    const cur = my_stat(g, a, a, force_follow);
    if (cur) dnp.unshift(cur);
  }
  if (dnp.length === 0) return g.exit_code;

  if (g.opt.has("d")) {
    await display_files(g, dnsort(g, dnp));
  } else {
    const dnd = dnp.filter((d) => S_ISDIR(d.dn_mode));
    const dnf = dnp.filter((d) => !S_ISDIR(d.dn_mode));
    if (dnf.length) await display_files(g, dnsort(g, dnf));
    if (dnd.length) await scan_and_display_dirs_recur(g, dnsort(g, dnd), dnf.length === 0);
  }
  return g.exit_code;
}
