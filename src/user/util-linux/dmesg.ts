// Mirrors util-linux 2.37.2 sys-utils/dmesg.c, with the pieces of the library it links: lib/colors.c
// (colors_init, terminal readiness), include/c.h (usage, version, errtryhelp), include/optutils.h
// (err_exclusive_options), lib/strutils.c (strtou32_or_err) and glibc's getopt_long (messages,
// abbreviations, argument permutation). Record parsing and layout live in dmesg_format.ts.
//
// dmesg reads /dev/kmsg (O_NONBLOCK, one record per read until EAGAIN; blocking with -w/-W) after
// seeking to SEEK_DATA, the first record after the last SYSLOG_ACTION_CLEAR. When /dev/kmsg cannot be
// opened or its first read fails (nothing to read, or dmesg_restrict), it falls back to syslog(2), as
// util-linux does.
import { clock_gettime, close, CLOCK_BOOTTIME, CLOCK_MONOTONIC, CLOCK_REALTIME, fstat, isatty, klogctl, lseek, open, read } from "../libc/unistd.js";
import { stderr, stdout } from "../libc/stdio.js";
import { exit, getenv } from "../libc/stdlib.js";
import { libc } from "../libc/state.js";
import { strerror } from "../libc/strerror.js";
import { O_NONBLOCK, O_RDONLY, S_ISREG, SEEK_DATA, SEEK_END } from "../../include/uapi/fcntl.js";
import { EINVAL, ENODEV, EPIPE, ERANGE } from "../../include/uapi/errno.js";
import {
  createDmesgFormatter,
  decodeBytes,
  FACILITY_NAMES,
  formatRawBuffer,
  LEVEL_NAMES,
  parseConsoleLevel,
  parseFacilityList,
  parseKmsgRecord,
  parseLevelList,
  parseSyslogBuffer,
  type DmesgFormatter,
  type DmesgTimeFormat,
} from "./dmesg_format.js";

// dmesg.c defines the syslog(2) actions itself, as <sys/klog.h> does not.
const SYSLOG_ACTION_READ_ALL = 3;
const SYSLOG_ACTION_READ_CLEAR = 4;
const SYSLOG_ACTION_CLEAR = 5;
const SYSLOG_ACTION_CONSOLE_OFF = 6;
const SYSLOG_ACTION_CONSOLE_ON = 7;
const SYSLOG_ACTION_CONSOLE_LEVEL = 8;
const SYSLOG_ACTION_SIZE_BUFFER = 10;

const PACKAGE_STRING = "util-linux 2.37.2";

/** <stdio.h> BUFSIZ: the size of ctl->kmsg_buf in 2.37 (a read asks for BUFSIZ - 1 bytes). */
const BUFSIZ = 8192;

enum Method {
  KMSG, // read messages from /dev/kmsg (default)
  SYSLOG, // klogctl() buffer
  MMAP, // --file
}

enum TimeFmt {
  NONE,
  CTIME,
  CTIME_DELTA,
  DELTA,
  RELTIME,
  TIME,
  TIME_DELTA,
  ISO8601,
}

/** The formatter's name for each DMESG_TIMEFTM_*. */
const TIME_FORMATS: Record<TimeFmt, DmesgTimeFormat> = {
  [TimeFmt.NONE]: "none",
  [TimeFmt.CTIME]: "ctime",
  [TimeFmt.CTIME_DELTA]: "ctime-delta",
  [TimeFmt.DELTA]: "delta-only",
  [TimeFmt.RELTIME]: "reltime",
  [TimeFmt.TIME]: "default",
  [TimeFmt.TIME_DELTA]: "delta",
  [TimeFmt.ISO8601]: "iso",
};

// lib/colors.c: enum colortmode
enum ColorMode {
  AUTO,
  NEVER,
  ALWAYS,
  UNDEF,
}

/**
 * UL_COLORMODE_DEFAULT. util-linux's configure defaults to --enable-colors-default (USE_COLORS_BY_DEFAULT),
 * which makes the default AUTO; distribution builds such as Ubuntu's keep it, and their `dmesg --help` says
 * "colors are enabled by default" (reference/kernel-core-facts.md §7.4). So without --color, dmesg colours
 * its output when stdout is a colour-capable terminal.
 */
const USE_COLORS_BY_DEFAULT = true;
const COLORMODE_DEFAULT = USE_COLORS_BY_DEFAULT ? ColorMode.AUTO : ColorMode.NEVER;
const USAGE_COLORS_DEFAULT = USE_COLORS_BY_DEFAULT ? "colors are enabled by default" : "colors are disabled by default";

const OPT_TIME_FORMAT = 128; // CHAR_MAX + 1
const OPT_NOESC = 129;

const ch = (s: string): number => s.charCodeAt(0);

// ---------------------------------------------------------------------------------------------------------------
// getopt_long (glibc posix/getopt.c): permutes operands to the end, accepts unique abbreviations of long
// options, and prints its messages with argv[0] as given.

interface LongOption {
  name: string;
  has_arg: 0 | 1 | 2; // no_argument, required_argument, optional_argument
  val: number;
}

class Getopt {
  optind = 1;
  optarg: string | null = null;
  /** Arguments that are not options, in order (what permutation moves behind the options). */
  readonly operands: string[] = [];
  private nextchar = "";

  constructor(
    private readonly argv: string[],
    private readonly optstring: string,
    private readonly longopts: readonly LongOption[],
  ) {}

  private error(msg: string): void {
    stderr().put(`${this.argv[0]}: ${msg}\n`);
  }

  /** The next option's value, '?' after an error, or -1 when the options are done. */
  next(): number {
    const argv = this.argv;
    this.optarg = null;
    if (this.nextchar === "") {
      for (;;) {
        if (this.optind >= argv.length) return -1;
        const a = argv[this.optind]!;
        if (a === "--") {
          this.optind++;
          this.operands.push(...argv.slice(this.optind));
          this.optind = argv.length;
          return -1;
        }
        if (a.length < 2 || a[0] !== "-") {
          this.operands.push(a);
          this.optind++;
          continue;
        }
        if (a.startsWith("--")) return this.long_option(a.slice(2));
        this.nextchar = a.slice(1);
        break;
      }
    }

    const c = this.nextchar[0]!;
    this.nextchar = this.nextchar.slice(1);
    const at = this.optstring.indexOf(c);
    if (this.nextchar === "") this.optind++;
    if (at < 0 || c === ":" || c === ";") {
      this.error(`invalid option -- '${c}'`);
      return ch("?");
    }
    if (this.optstring[at + 1] === ":") {
      if (this.optstring[at + 2] === ":") {
        // optional argument: only when attached
        if (this.nextchar !== "") {
          this.optarg = this.nextchar;
          this.optind++;
        }
      } else if (this.nextchar !== "") {
        this.optarg = this.nextchar;
        this.optind++;
      } else if (this.optind >= argv.length) {
        this.error(`option requires an argument -- '${c}'`);
        this.nextchar = "";
        return ch("?");
      } else this.optarg = argv[this.optind++]!;
      this.nextchar = "";
    }
    return ch(c);
  }

  private long_option(arg: string): number {
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    let found = this.longopts.find((o) => o.name === name);
    if (!found) {
      const matches = this.longopts.filter((o) => o.name.startsWith(name));
      const first = matches[0];
      if (first && matches.some((o) => o.has_arg !== first.has_arg || o.val !== first.val)) {
        this.error(`option '--${arg}' is ambiguous; possibilities:` + matches.map((o) => ` '--${o.name}'`).join(""));
        this.optind++;
        return ch("?");
      }
      found = first;
    }
    this.optind++;
    if (!found) {
      this.error(`unrecognized option '--${arg}'`);
      return ch("?");
    }
    if (eq >= 0) {
      if (found.has_arg === 0) {
        this.error(`option '--${found.name}' doesn't allow an argument`);
        return ch("?");
      }
      this.optarg = arg.slice(eq + 1);
    } else if (found.has_arg === 1) {
      if (this.optind >= this.argv.length) {
        this.error(`option '--${found.name}' requires an argument`);
        return ch("?");
      }
      this.optarg = this.argv[this.optind++]!;
    }
    return found.val;
  }
}

const longopts: readonly LongOption[] = [
  { name: "buffer-size", has_arg: 1, val: ch("s") },
  { name: "clear", has_arg: 0, val: ch("C") },
  { name: "color", has_arg: 2, val: ch("L") },
  { name: "console-level", has_arg: 1, val: ch("n") },
  { name: "console-off", has_arg: 0, val: ch("D") },
  { name: "console-on", has_arg: 0, val: ch("E") },
  { name: "decode", has_arg: 0, val: ch("x") },
  { name: "file", has_arg: 1, val: ch("F") },
  { name: "facility", has_arg: 1, val: ch("f") },
  { name: "follow", has_arg: 0, val: ch("w") },
  { name: "follow-new", has_arg: 0, val: ch("W") },
  { name: "human", has_arg: 0, val: ch("H") },
  { name: "help", has_arg: 0, val: ch("h") },
  { name: "kernel", has_arg: 0, val: ch("k") },
  { name: "level", has_arg: 1, val: ch("l") },
  { name: "syslog", has_arg: 0, val: ch("S") },
  { name: "raw", has_arg: 0, val: ch("r") },
  { name: "read-clear", has_arg: 0, val: ch("c") },
  { name: "reltime", has_arg: 0, val: ch("e") },
  { name: "show-delta", has_arg: 0, val: ch("d") },
  { name: "ctime", has_arg: 0, val: ch("T") },
  { name: "noescape", has_arg: 0, val: OPT_NOESC },
  { name: "notime", has_arg: 0, val: ch("t") },
  { name: "nopager", has_arg: 0, val: ch("P") },
  { name: "userspace", has_arg: 0, val: ch("u") },
  { name: "version", has_arg: 0, val: ch("V") },
  { name: "time-format", has_arg: 1, val: OPT_TIME_FORMAT },
  { name: "force-prefix", has_arg: 0, val: ch("p") },
];

/** Mutually exclusive options, rows and columns in ASCII order. */
const excl: readonly string[] = [
  "CDEcnr", // clear, off, on, read-clear, level, raw
  "Hr", // human, raw
  "Lr", // color, raw
  "Sw", // syslog, follow
  "Tr", // ctime, raw
  "dr", // delta, raw
  "er", // reltime, raw
  "rx", // raw, decode
  "rt", // notime, raw
];

/** optutils.h err_exclusive_options(): the message, or null when `c` is compatible with what came before. */
function err_exclusive_options(c: number, status: number[]): string | null {
  for (let e = 0; e < excl.length && ch(excl[e]!) <= c; e++) {
    for (const op of excl[e]!) {
      if (ch(op) > c) break;
      if (ch(op) !== c) continue;
      if (status[e] === 0) status[e] = c;
      else if (status[e] !== c) {
        const names = [...excl[e]!].map((o) => {
          const n = longopts.find((l) => l.val === ch(o));
          return n ? ` --${n.name}` : ` -${o}`;
        });
        return `${short_name()}: mutually exclusive arguments:${names.join("")}\n`;
      }
      break;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// err(3) and the c.h helpers

/** program_invocation_short_name */
function short_name(): string {
  const p = libc().progname;
  return p.slice(p.lastIndexOf("/") + 1);
}

/** warnx(): "dmesg: msg" on stderr. */
function warnx(msg: string): void {
  stderr().put(`${short_name()}: ${msg}\n`);
}

/** errx(): warnx and exit. */
async function errx(code: number, msg: string): Promise<never> {
  warnx(msg);
  return exit(code);
}

/** err(): "dmesg: msg: strerror(errno)" and exit. */
async function err(code: number, msg: string): Promise<never> {
  stderr().put(`${short_name()}: ${msg}: ${strerror(libc().errno)}\n`);
  return exit(code);
}

/** errtryhelp() */
async function errtryhelp(code: number): Promise<never> {
  stderr().put(`Try '${short_name()} --help' for more information.\n`);
  return exit(code);
}

const LEVEL_HELP = [
  "system is unusable",
  "action must be taken immediately",
  "critical conditions",
  "error conditions",
  "warning conditions",
  "normal but significant condition",
  "informational",
  "debug-level messages",
];

const FACILITY_HELP = [
  "kernel messages",
  "random user-level messages",
  "mail system",
  "system daemons",
  "security/authorization messages",
  "messages generated internally by syslogd",
  "line printer subsystem",
  "network news subsystem",
  "UUCP subsystem",
  "clock daemon",
  "security/authorization messages (private)",
  "FTP daemon",
];

/** usage(): on stdout, exit 0. */
async function usage(): Promise<never> {
  const pad = (s: string): string => " ".repeat(Math.max(0, 7 - s.length)) + s;
  let out =
    "\nUsage:\n" +
    ` ${short_name()} [options]\n` +
    "\n" +
    "Display or control the kernel ring buffer.\n" +
    "\nOptions:\n" +
    " -C, --clear                 clear the kernel ring buffer\n" +
    " -c, --read-clear            read and clear all messages\n" +
    " -D, --console-off           disable printing messages to console\n" +
    " -E, --console-on            enable printing messages to console\n" +
    " -F, --file <file>           use the file instead of the kernel log buffer\n" +
    " -f, --facility <list>       restrict output to defined facilities\n" +
    " -H, --human                 human readable output\n" +
    " -k, --kernel                display kernel messages\n" +
    " -L, --color[=<when>]        colorize messages (auto, always or never)\n" +
    `                               ${USAGE_COLORS_DEFAULT}\n` +
    " -l, --level <list>          restrict output to defined levels\n" +
    " -n, --console-level <level> set level of messages printed to console\n" +
    " -P, --nopager               do not pipe output into a pager\n" +
    " -p, --force-prefix          force timestamp output on each line of multi-line messages\n" +
    " -r, --raw                   print the raw message buffer\n" +
    "     --noescape              don't escape unprintable character\n" +
    " -S, --syslog                force to use syslog(2) rather than /dev/kmsg\n" +
    " -s, --buffer-size <size>    buffer size to query the kernel ring buffer\n" +
    " -u, --userspace             display userspace messages\n" +
    " -w, --follow                wait for new messages\n" +
    " -W, --follow-new            wait and print only new messages\n" +
    " -x, --decode                decode facility and level to readable string\n" +
    " -d, --show-delta            show time delta between printed messages\n" +
    " -e, --reltime               show local time and time delta in readable format\n" +
    " -T, --ctime                 show human-readable timestamp (may be inaccurate!)\n" +
    " -t, --notime                don't show any timestamp with messages\n" +
    "     --time-format <format>  show timestamp using the given format:\n" +
    "                               [delta|reltime|ctime|notime|iso]\n" +
    "Suspending/resume will make ctime and iso timestamps inaccurate.\n" +
    "\n" +
    " -h, --help".padEnd(29) +
    "display this help\n" +
    " -V, --version".padEnd(29) +
    "display version\n" +
    "\nSupported log facilities:\n";
  // 2.37 loops over ARRAY_SIZE(level_names) here, so only the first eight facilities are listed.
  for (let i = 0; i < LEVEL_NAMES.length; i++) out += ` ${pad(FACILITY_NAMES[i]!)} - ${FACILITY_HELP[i]}\n`;
  out += "\nSupported log levels (priorities):\n";
  for (let i = 0; i < LEVEL_NAMES.length; i++) out += ` ${pad(LEVEL_NAMES[i]!)} - ${LEVEL_HELP[i]}\n`;
  out += "\nFor more details see dmesg(1).\n";
  stdout().put(out);
  return exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// lib/colors.c

/**
 * colors_terminal_is_ready(): setupterm() on $TERM and tigetnum("colors") > 1. kplay has no terminfo
 * database; this table holds the colour counts of the usual entries, and other names that say they do
 * colour count as capable. An unknown TERM, like a missing terminfo entry, means no colours.
 */
function colors_terminal_is_ready(): boolean {
  const term = getenv("TERM");
  if (!term) return false;
  const known: Record<string, number> = {
    linux: 8,
    xterm: 8,
    "xterm-color": 8,
    "xterm-16color": 16,
    "xterm-88color": 88,
    "xterm-256color": 256,
    "xterm-direct": 16777216,
    "xterm-kitty": 256,
    screen: 8,
    "screen-256color": 256,
    tmux: 8,
    "tmux-256color": 256,
    rxvt: 8,
    "rxvt-unicode": 88,
    "rxvt-unicode-256color": 256,
    ansi: 8,
    cygwin: 8,
    putty: 8,
    konsole: 8,
    gnome: 8,
    vte: 8,
    alacritty: 256,
    foot: 256,
    "st-256color": 256,
    vt52: -1,
    vt100: -1,
    vt102: -1,
    vt220: -1,
    dumb: -1,
  };
  const n = known[term] ?? (/(256|88|16)colou?r|-colou?r$|-direct$/.test(term) ? 8 : -1);
  return n > 1;
}

/**
 * colors_init(mode, "dmesg"). Colours need --color=always, or stdout being a terminal that can show
 * them. terminal-colors.d is not consulted (no such directories in the initramfs: the same as util-linux
 * finding none).
 *
 * kplay extension (util-linux 2.37 knows neither variable): in the automatic modes (no --color, --color,
 * --color=auto, -H) FORCE_COLOR set to anything but "" or "0" turns colours on even when stdout is not a
 * terminal, and otherwise NO_COLOR set to a non-empty value turns them off (no-color.org). FORCE_COLOR wins
 * when both are set, as in Node.js. --color=always and --color=never are never overridden.
 */
async function colors_init(mode: ColorMode): Promise<boolean> {
  if (mode === ColorMode.UNDEF || mode === ColorMode.AUTO) {
    const force = getenv("FORCE_COLOR");
    if (force !== undefined && force !== "" && force !== "0") return true;
    const no = getenv("NO_COLOR");
    if (no !== undefined && no !== "") return false;
  }
  if (mode !== ColorMode.ALWAYS && !(await isatty(1))) mode = ColorMode.NEVER;
  let ready: boolean | null = null;
  if (mode === ColorMode.UNDEF && (ready = colors_terminal_is_ready())) mode = COLORMODE_DEFAULT;
  switch (mode) {
    case ColorMode.AUTO:
      return ready ?? colors_terminal_is_ready();
    case ColorMode.ALWAYS:
      return true;
    default:
      return false;
  }
}

/** colormode_or_err(): auto, never or always (any case), after an optional '='. */
async function colormode_or_err(str: string): Promise<ColorMode> {
  const p = str.startsWith("=") ? str.slice(1) : str;
  const i = ["auto", "never", "always"].indexOf(p.toLowerCase());
  if (p === "" || i < 0) return errx(1, `unsupported color mode: '${p}'`);
  return i as ColorMode;
}

// ---------------------------------------------------------------------------------------------------------------
// dmesg

interface DmesgControl {
  levels: Set<number> | null;
  facilities: Set<number> | null;
  bootEpochMs: number;
  action: number;
  method: Method;
  bufsize: number;
  kmsg: number;
  kmsg_first_read: number;
  kmsg_buf: Uint8Array;
  filename: string | null;
  time_fmt: TimeFmt;
  follow: boolean;
  end: boolean;
  raw: boolean;
  noesc: boolean;
  decode: boolean;
  pager: boolean;
  color: boolean;
  force_prefix: boolean;
  formatter: DmesgFormatter | null;
}

/** strtou32_or_err(optarg, "invalid buffer size argument") */
async function strtou32_or_err(str: string, errmesg: string): Promise<number> {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(str);
  if (!m) return errx(1, `${errmesg}: '${str}'`);
  let n = BigInt(m[2]!);
  if (n > 0xffffffffffffffffn) {
    libc().errno = ERANGE;
    return err(1, `${errmesg}: '${str}'`);
  }
  if (m[1] === "-") n = (0x10000000000000000n - n) % 0x10000000000000000n; // strtoumax negates in unsigned
  if (n > 0xffffffffn) return errx(1, `${errmesg}: '${str}'`);
  return Number(n);
}

const TIME_FORMAT_NAMES = new Map<string, TimeFmt>([
  ["notime", TimeFmt.NONE],
  ["ctime", TimeFmt.CTIME],
  ["delta", TimeFmt.DELTA],
  ["reltime", TimeFmt.RELTIME],
  ["iso", TimeFmt.ISO8601],
]);

/** which_time_format() */
async function which_time_format(s: string): Promise<TimeFmt> {
  return TIME_FORMAT_NAMES.get(s) ?? errx(1, `unknown time format: ${s}`);
}

/**
 * lib/monotonic.c get_boot_time(): gettimeofday() minus CLOCK_BOOTTIME, in microseconds; and
 * get_suspended_time(): CLOCK_BOOTTIME minus CLOCK_MONOTONIC, in whole seconds. Returned together as the
 * wall-clock milliseconds the formatter adds record times to.
 */
function boot_epoch_ms(): number {
  const now = clock_gettime(CLOCK_REALTIME)!;
  const boot = clock_gettime(CLOCK_BOOTTIME)!;
  const mono = clock_gettime(CLOCK_MONOTONIC)!;
  let sec = now.tv_sec - boot.tv_sec;
  let usec = Math.floor(now.tv_nsec / 1000) - Math.floor(boot.tv_nsec / 1000);
  if (usec < 0) {
    sec--;
    usec += 1_000_000;
  }
  const suspended = boot.tv_sec - mono.tv_sec;
  return (sec + suspended) * 1000 + Math.floor(usec / 1000);
}

/** Output bytes: the formatter keeps bytes that are not UTF-8 as U+DC80..U+DCFF (only --noescape prints them). */
function output(s: string): void {
  if (s === "") return;
  if (!/[\udc80-\udcff]/.test(s)) {
    stdout().put(s);
    return;
  }
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) parts.push(cp - 0xdc00);
    else parts.push(...enc.encode(c));
  }
  stdout().put(Uint8Array.from(parts));
}

function formatter(ctl: DmesgControl): DmesgFormatter {
  ctl.formatter ??= createDmesgFormatter({
    decode: ctl.decode,
    raw: ctl.raw,
    time: TIME_FORMATS[ctl.time_fmt],
    levels: ctl.levels,
    facilities: ctl.facilities,
    color: ctl.color,
    bootEpochMs: ctl.bootEpochMs,
    tz: "UTC",
    noescape: ctl.noesc,
    forcePrefix: ctl.force_prefix,
  });
  return ctl.formatter;
}

/** read_kmsg_one(): one record; kmsg gives EPIPE when the record was overwritten while reading. */
async function read_kmsg_one(ctl: DmesgControl): Promise<number> {
  let size: number;
  do size = await read(ctl.kmsg, ctl.kmsg_buf, BUFSIZ - 1);
  while (size < 0 && libc().errno === EPIPE);
  return size;
}

/** init_kmsg() */
async function init_kmsg(ctl: DmesgControl): Promise<number> {
  let mode = O_RDONLY;
  if (!ctl.follow) mode |= O_NONBLOCK;
  else stdout().mode = "line"; // setlinebuf(stdout)

  ctl.kmsg = await open("/dev/kmsg", mode);
  if (ctl.kmsg < 0) return -1;

  // Seek after the last record available at the time the last SYSLOG_ACTION_CLEAR was issued.
  lseek(ctl.kmsg, 0, ctl.end ? SEEK_END : SEEK_DATA);

  ctl.kmsg_first_read = await read_kmsg_one(ctl);
  if (ctl.kmsg_first_read < 0) {
    close(ctl.kmsg);
    ctl.kmsg = -1;
    return -1;
  }
  return 0;
}

/** read_kmsg(): print records as they are read, until read() fails (EAGAIN) or, with -w, forever. */
async function read_kmsg(ctl: DmesgControl): Promise<number> {
  if (ctl.method !== Method.KMSG || ctl.kmsg < 0) return -1;
  let sz = ctl.kmsg_first_read;
  while (sz > 0) {
    // kmsg records are ASCII (the kernel escapes the rest); keep any other byte as it is
    let line = "";
    for (const b of ctl.kmsg_buf.subarray(0, sz)) line += String.fromCharCode(b < 0x80 ? b : 0xdc00 + b);
    const rec = parseKmsgRecord(line);
    if (rec) output(formatter(ctl).format(rec));
    sz = await read_kmsg_one(ctl);
  }
  return 0;
}

/** read_syslog_buffer(): klogctl() into a buffer; the text read, or null (errno set). */
async function read_syslog_buffer(ctl: DmesgControl): Promise<string | null> {
  let rc: number;
  let buf: Uint8Array;
  if (ctl.bufsize) {
    const sz = ctl.bufsize + 8;
    buf = new Uint8Array(sz);
    rc = await klogctl(ctl.action, buf, sz);
  } else {
    let sz = 16392;
    for (;;) {
      buf = new Uint8Array(sz);
      rc = await klogctl(SYSLOG_ACTION_READ_ALL, buf, sz);
      if (rc < 0) break;
      if (rc !== sz || sz > 1 << 28) break;
      sz *= 4;
    }
    if (rc > 0 && ctl.action === SYSLOG_ACTION_READ_CLEAR) rc = await klogctl(SYSLOG_ACTION_READ_CLEAR, buf, sz);
  }
  return rc < 0 ? null : decodeBytes(buf.subarray(0, rc));
}

/** mmap_file_buffer(): the whole --file. */
async function mmap_file_buffer(ctl: DmesgControl): Promise<string> {
  const name = ctl.filename!;
  const fd = await open(name, O_RDONLY);
  if (fd < 0) return err(1, `cannot open ${name}`);
  const st = fstat(fd);
  if (!st) return err(1, `stat of ${name} failed`);
  if (st.st_size === 0 || !S_ISREG(st.st_mode)) {
    libc().errno = st.st_size === 0 ? EINVAL : ENODEV;
    return err(1, `cannot mmap: ${name}`);
  }
  const data = new Uint8Array(st.st_size);
  let off = 0;
  while (off < data.length) {
    const n = await read(fd, data.subarray(off), data.length - off);
    if (n <= 0) break;
    off += n;
  }
  close(fd);
  return decodeBytes(data.subarray(0, off));
}

/** print_buffer() for syslog(2) and --file text. */
function print_buffer(ctl: DmesgControl, buf: string): void {
  if (ctl.raw) {
    output(formatRawBuffer(buf, ctl.noesc));
    return;
  }
  const parsePrio = ctl.levels !== null || ctl.facilities !== null || ctl.decode || ctl.color;
  for (const rec of parseSyslogBuffer(buf, { parsePrio, notime: ctl.time_fmt === TimeFmt.NONE })) output(formatter(ctl).format(rec));
}

/** main() of util-linux 2.37.2 dmesg. */
export async function dmesg_main(_argc: number, argv: string[]): Promise<number> {
  let nopager = false;
  let console_level = 0;
  let klog_rc = 0;
  let delta = false;
  const ctl: DmesgControl = {
    levels: null,
    facilities: null,
    bootEpochMs: 0,
    action: SYSLOG_ACTION_READ_ALL,
    method: Method.KMSG,
    bufsize: 0,
    kmsg: -1,
    kmsg_first_read: 0,
    kmsg_buf: new Uint8Array(BUFSIZ),
    filename: null,
    time_fmt: TimeFmt.TIME,
    follow: false,
    end: false,
    raw: false,
    noesc: false,
    decode: false,
    pager: false,
    color: false,
    force_prefix: false,
    formatter: null,
  };
  let colormode = ColorMode.UNDEF;
  const excl_st = excl.map(() => 0);
  const fac = (): Set<number> => (ctl.facilities ??= new Set());

  const g = new Getopt(argv, "CcDdEeF:f:HhkL::l:n:iPprSs:TtuVWwx", longopts);
  for (let c = g.next(); c !== -1; c = g.next()) {
    const ex = err_exclusive_options(c, excl_st);
    if (ex) {
      stderr().put(ex);
      return exit(1);
    }
    const optarg = g.optarg ?? "";
    switch (c) {
      case ch("C"):
        ctl.action = SYSLOG_ACTION_CLEAR;
        break;
      case ch("c"):
        ctl.action = SYSLOG_ACTION_READ_CLEAR;
        break;
      case ch("D"):
        ctl.action = SYSLOG_ACTION_CONSOLE_OFF;
        break;
      case ch("d"):
        delta = true;
        break;
      case ch("E"):
        ctl.action = SYSLOG_ACTION_CONSOLE_ON;
        break;
      case ch("e"):
        ctl.time_fmt = TimeFmt.RELTIME;
        break;
      case ch("F"):
        ctl.filename = optarg;
        ctl.method = Method.MMAP;
        break;
      case ch("f"): {
        const r = parseFacilityList(optarg);
        if (!(r instanceof Set)) return r.error ? errx(1, r.error) : exit(1);
        for (const b of r) fac().add(b);
        break;
      }
      case ch("H"):
        ctl.time_fmt = TimeFmt.RELTIME;
        colormode = ColorMode.AUTO;
        ctl.pager = true;
        break;
      case ch("k"):
        fac().add(0);
        break;
      case ch("L"):
        colormode = ColorMode.AUTO;
        if (g.optarg !== null) colormode = await colormode_or_err(g.optarg);
        break;
      case ch("l"): {
        const r = parseLevelList(optarg);
        if (!(r instanceof Set)) return r.error ? errx(1, r.error) : exit(1);
        ctl.levels ??= new Set();
        for (const b of r) ctl.levels.add(b);
        break;
      }
      case ch("n"): {
        ctl.action = SYSLOG_ACTION_CONSOLE_LEVEL;
        const r = parseConsoleLevel(optarg);
        if (typeof r !== "number") return errx(1, r.error);
        console_level = r;
        break;
      }
      case ch("P"):
        nopager = true;
        break;
      case ch("p"):
        ctl.force_prefix = true;
        break;
      case ch("r"):
        ctl.raw = true;
        break;
      case ch("S"):
        ctl.method = Method.SYSLOG;
        break;
      case ch("s"):
        ctl.bufsize = await strtou32_or_err(optarg, "invalid buffer size argument");
        if (ctl.bufsize < 4096) ctl.bufsize = 4096;
        break;
      case ch("T"):
        ctl.time_fmt = TimeFmt.CTIME;
        break;
      case ch("t"):
        ctl.time_fmt = TimeFmt.NONE;
        break;
      case ch("u"):
        for (let n = 1; n < FACILITY_NAMES.length; n++) fac().add(n);
        break;
      case ch("w"):
        ctl.follow = true;
        break;
      case ch("W"):
        ctl.follow = true;
        ctl.end = true;
        break;
      case ch("x"):
        ctl.decode = true;
        break;
      case OPT_TIME_FORMAT:
        ctl.time_fmt = await which_time_format(optarg);
        break;
      case OPT_NOESC:
        ctl.noesc = true;
        break;
      case ch("h"):
        return usage();
      case ch("V"):
        stdout().put(`${short_name()} from ${PACKAGE_STRING}\n`);
        return exit(0);
      default:
        // '?' after a getopt message, and -i, which the option string lists but nothing handles
        return errtryhelp(1);
    }
  }

  if (g.operands.length > 0) {
    warnx("bad usage");
    return errtryhelp(1);
  }

  if (ctl.time_fmt === TimeFmt.RELTIME || ctl.time_fmt === TimeFmt.CTIME || ctl.time_fmt === TimeFmt.ISO8601) ctl.bootEpochMs = boot_epoch_ms();

  if (delta) {
    switch (ctl.time_fmt) {
      case TimeFmt.CTIME:
        ctl.time_fmt = TimeFmt.CTIME_DELTA;
        break;
      case TimeFmt.TIME:
        ctl.time_fmt = TimeFmt.TIME_DELTA;
        break;
      case TimeFmt.ISO8601:
        warnx("--show-delta is ignored when used together with iso8601 time format");
        break;
      default:
        ctl.time_fmt = TimeFmt.DELTA;
    }
  }

  ctl.color = await colors_init(colormode);
  if (ctl.follow) nopager = true;
  ctl.pager = nopager ? false : ctl.pager; // kplay has no pager: -H only changes the time format and colours

  switch (ctl.action) {
    case SYSLOG_ACTION_READ_ALL:
    case SYSLOG_ACTION_READ_CLEAR: {
      if (ctl.method === Method.KMSG && (await init_kmsg(ctl)) !== 0) ctl.method = Method.SYSLOG;

      if (ctl.raw && ctl.method !== Method.KMSG && (ctl.levels || ctl.facilities))
        return errx(1, "--raw can be used together with --level or --facility only when reading messages from /dev/kmsg");

      // only kmsg supports multi-line messages
      if (ctl.force_prefix && ctl.method !== Method.KMSG) ctl.force_prefix = false;

      // read_buffer()
      let n: number;
      let buf: string | null = null;
      switch (ctl.method) {
        case Method.MMAP:
          buf = await mmap_file_buffer(ctl);
          n = buf.length;
          break;
        case Method.SYSLOG:
          if (!ctl.bufsize) {
            const size = await klogctl(SYSLOG_ACTION_SIZE_BUFFER, null, 0);
            ctl.bufsize = size > 0 ? size : 0;
          }
          buf = await read_syslog_buffer(ctl);
          n = buf === null ? -1 : buf.length;
          break;
        case Method.KMSG:
          n = await read_kmsg(ctl);
          if (n === 0 && ctl.action === SYSLOG_ACTION_READ_CLEAR) n = await klogctl(SYSLOG_ACTION_CLEAR, null, 0);
          break;
      }
      if (n > 0 && buf !== null) print_buffer(ctl, buf);
      if (n < 0) return err(1, "read kernel buffer failed");
      if (ctl.kmsg >= 0) close(ctl.kmsg);
      break;
    }
    case SYSLOG_ACTION_CLEAR:
    case SYSLOG_ACTION_CONSOLE_OFF:
    case SYSLOG_ACTION_CONSOLE_ON:
      klog_rc = await klogctl(ctl.action, null, 0);
      break;
    case SYSLOG_ACTION_CONSOLE_LEVEL:
      klog_rc = await klogctl(ctl.action, null, console_level);
      break;
    default:
      return errx(1, "unsupported command");
  }

  if (klog_rc) return err(1, "klogctl failed");
  return 0;
}
