// Mirrors BusyBox 1.35 procps/ps.c with DESKTOP=y (FEATURE_PS_TIME, FEATURE_PS_ADDITIONAL_COLUMNS,
// FEATURE_SHOW_THREADS): columns chosen with -o (default pid,user,time,args), processes from
// procps_scan() (libbb/procps.c), lines cut to the terminal width minus one when stdout is a tty.
import { isatty } from "../../libc/unistd.js";
import { stdout } from "../../libc/stdio.js";
import {
  bb_error_msg_and_die,
  bb_show_usage,
  get_cached_groupname,
  get_cached_username,
  get_terminal_width,
  getopt32,
  procps_scan,
  read_cmdline,
  xmalloc_open_read_close,
  type ProcpsStatus,
} from "../libbb.js";

const ps_trivial_usage = "[-o COL1,COL2=HEADER] [-T]";
const ps_full_usage = "Show list of processes\n" + "\n\t-o COL1,COL2=HEADER\tSelect columns for display" + "\n\t-T\t\t\tShow threads";

/** Absolute maximum on output line length */
const MAX_WIDTH = 2 * 1024;
const HZ = 100;

interface PsGlobals {
  seconds_since_boot: number;
  ids: Map<number, { ruid: number; rgid: number }>;
}

type FieldFn = (size: number, ps: ProcpsStatus, g: PsGlobals) => Promise<string> | string;

interface PsOut {
  width: number;
  name6: string;
  header: string;
  f: FieldFn;
}

const decoder = new TextDecoder();

/** smart_ulltoa4(ul, buf, scale) (libbb/xfuncs.c): "1234", "1.2k", " 27M", "123T". */
function smart_ulltoa4(ul: number, scale: string): string {
  let idx = 0;
  if (ul > 9999) {
    ul *= 10;
    do {
      ul = Math.floor(ul / 1024);
      idx++;
    } while (ul >= 10000);
  }
  let v = ul;
  let fmt = " 123456789";
  let u = Math.floor(v / 10);
  v = v % 10;
  const digits = "0123456789";
  const b: string[] = [];
  if (!idx) {
    b[0] = " 123456789"[Math.floor(u / 100)];
    if (b[0] !== " ") fmt = digits;
    b[1] = fmt[Math.floor(u / 10) % 10];
    if (b[1] !== " ") fmt = digits;
    b[2] = fmt[u % 10];
    b[3] = digits[v];
  } else {
    if (u >= 10) {
      b[0] = " 123456789"[Math.floor(u / 100)];
      if (b[0] !== " ") fmt = digits;
      v = u % 10;
      u = Math.floor(u / 10);
      b[1] = fmt[u % 10];
    } else {
      b[0] = digits[u];
      b[1] = ".";
    }
    b[2] = digits[v];
    b[3] = scale[idx];
  }
  return b.join("");
}

const put_lu = (size: number, u: number): string => smart_ulltoa4(u, " mgtpezy").slice(0, size);
const num = (size: number, v: number): string => String(v).padStart(size);

function format_time(size: number, tt: number): string {
  let ff = tt % 60;
  tt = Math.floor(tt / 60);
  if (tt < 60) return `${String(tt).padStart(2)}:${String(ff).padStart(2, "0")}`.slice(0, size);
  ff = tt % 60;
  tt = Math.floor(tt / 60);
  if (tt < 24) return `${String(tt).padStart(2)}h${String(ff).padStart(2, "0")}`.slice(0, size);
  ff = tt % 24;
  tt = Math.floor(tt / 24);
  if (tt < 100) return `${String(tt).padStart(2)}d${String(ff).padStart(2, "0")}`.slice(0, size);
  return `${String(tt).padStart(4)}d`.slice(0, size);
}

/** The real uid and gid from /proc/PID/status (PSSCAN_RUIDGID). */
async function real_ids(ps: ProcpsStatus, g: PsGlobals): Promise<{ ruid: number; rgid: number }> {
  let ids = g.ids.get(ps.pid);
  if (!ids) {
    const raw = await xmalloc_open_read_close(`/proc/${ps.pid}/status`);
    const text = raw ? decoder.decode(raw) : "";
    ids = { ruid: Number(/^Uid:\s+(\d+)/m.exec(text)?.[1] ?? 0), rgid: Number(/^Gid:\s+(\d+)/m.exec(text)?.[1] ?? 0) };
    g.ids.set(ps.pid, ids);
  }
  return ids;
}

const out_spec: PsOut[] = [
  { width: 8, name6: "user", header: "USER", f: async (size, ps) => (await get_cached_username(ps.uid)).slice(0, size) },
  { width: 8, name6: "group", header: "GROUP", f: async (size, ps) => (await get_cached_groupname(ps.gid)).slice(0, size) },
  { width: 16, name6: "comm", header: "COMMAND", f: (size, ps) => ps.comm.slice(0, size) },
  { width: MAX_WIDTH, name6: "args", header: "COMMAND", f: (size, ps) => read_cmdline(size + 1, ps.pid, ps.comm) },
  { width: 5, name6: "pid", header: "PID", f: (size, ps) => num(size, ps.pid) },
  { width: 5, name6: "ppid", header: "PPID", f: (size, ps) => num(size, ps.ppid) },
  { width: 5, name6: "pgid", header: "PGID", f: (size, ps) => num(size, ps.pgid) },
  { width: 7, name6: "etime", header: "ELAPSED", f: (size, ps, g) => format_time(size, g.seconds_since_boot - Math.floor(ps.start_time / HZ)) },
  { width: 5, name6: "nice", header: "NI", f: (size, ps) => num(size, ps.niceness) },
  { width: 8, name6: "rgroup", header: "RGROUP", f: async (size, ps, g) => (await get_cached_groupname((await real_ids(ps, g)).rgid)).slice(0, size) },
  { width: 8, name6: "ruser", header: "RUSER", f: async (size, ps, g) => (await get_cached_username((await real_ids(ps, g)).ruid)).slice(0, size) },
  { width: 5, name6: "time", header: "TIME", f: (size, ps) => format_time(size, Math.floor((ps.utime + ps.stime) / HZ)) },
  { width: 6, name6: "tty", header: "TT", f: (size, ps) => (ps.tty_major ? `${ps.tty_major},${ps.tty_minor}`.slice(0, size) : "?") },
  { width: 4, name6: "vsz", header: "VSZ", f: (size, ps) => put_lu(size, ps.vsz) },
  { width: 5, name6: "sid", header: "SID", f: (size, ps) => num(size, ps.sid) },
  { width: 4, name6: "stat", header: "STAT", f: (size, ps) => ps.state.slice(0, size) },
  { width: 4, name6: "rss", header: "RSS", f: (size, ps) => put_lu(size, ps.rss) },
];

/** strncmp(name, name6, 6) == 0 */
function name6_matches(name: string, name6: string): boolean {
  for (let k = 0; k < 6; k++) {
    const a = name[k] ?? "";
    const b = name6[k] ?? "";
    if (a !== b) return false;
    if (a === "") return true;
  }
  return true;
}

async function find_out_spec(name: string): Promise<PsOut> {
  const spec = out_spec.find((o) => name6_matches(name, o.name6));
  if (spec) return { ...spec };
  return bb_error_msg_and_die(`bad -o argument '${name}', supported arguments: ${out_spec.map((o) => o.name6).join(",")}`);
}

/** parse_o(opt): "COL,COL,...,COL=HEADER"; only the last column may rename its header. */
async function parse_o(opt: string, out: PsOut[], st: { print_header: boolean }): Promise<void> {
  for (;;) {
    const comma = opt.indexOf(",");
    const equal = opt.indexOf("=");
    if (comma >= 0 && (equal < 0 || equal > comma)) {
      out.push(await find_out_spec(opt.slice(0, comma)));
      opt = opt.slice(comma + 1);
      continue;
    }
    break;
  }
  const equal = opt.indexOf("=");
  const spec = await find_out_spec(equal >= 0 ? opt.slice(0, equal) : opt);
  out.push(spec);
  if (equal >= 0) {
    spec.header = opt.slice(equal + 1);
    if (spec.header) {
      spec.width = spec.header.length;
      st.print_header = true;
    }
  } else {
    st.print_header = true;
  }
}

/** printf("%.*s\n", terminal_width, buffer) */
function put_line(line: string, terminal_width: number): void {
  const bytes = new TextEncoder().encode(line);
  stdout().put(bytes.subarray(0, terminal_width));
  stdout().put("\n");
}

export async function ps_main(_argc: number, argv: string[]): Promise<number> {
  const opt = getopt32(argv, "Zo:aAdeflT");
  if (!opt) return bb_show_usage(ps_trivial_usage, ps_full_usage);

  const uptime = await xmalloc_open_read_close("/proc/uptime");
  const g: PsGlobals = { seconds_since_boot: uptime ? Math.floor(Number(decoder.decode(uptime).split(" ")[0])) : 0, ids: new Map() };

  let out: PsOut[] = [];
  const st = { print_header: false };
  const opt_o = opt.opts.filter(([c]) => c === "o").map(([, a]) => a ?? "");
  if (opt_o.length) for (const o of opt_o) await parse_o(o, out, st);
  else await parse_o("pid,user,time,args", out, st);

  let terminal_width = MAX_WIDTH;
  if (await isatty(1)) {
    terminal_width = await get_terminal_width(0);
    if (--terminal_width > MAX_WIDTH) terminal_width = MAX_WIDTH;
  }

  let width = 0;
  for (let i = 0; i < out.length; i++) {
    if (out[i].header) st.print_header = true;
    width += out[i].width + 1;
    if (width - terminal_width > 0) {
      out = out.slice(0, i + 1);
      break;
    }
  }

  if (st.print_header && out.length) {
    let line = "";
    out.forEach((op, i) => (line += i + 1 === out.length ? op.header : op.header.padEnd(op.width) + " "));
    put_line(line, terminal_width);
  }

  for (const ps of await procps_scan()) {
    let line = "";
    for (let i = 0; i < out.length; i++) {
      let field = await out[i].f(out[i].width, ps, g);
      if (!field) field = "-";
      line += field;
      if (i + 1 === out.length) break;
      line += " ".repeat(Math.abs(out[i].width - field.length + 1));
    }
    put_line(line, terminal_width);
  }
  return 0;
}
