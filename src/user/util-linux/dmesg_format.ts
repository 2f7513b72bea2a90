// Record parsing and output formatting of util-linux 2.37.2 dmesg (sys-utils/dmesg.c), reading /dev/kmsg.
// Pure: no I/O. Colour is emitted as raw ANSI escapes when the caller says colour is on.

/** One record as read from /dev/kmsg (already split): prio = facility<<3 | level. */
export interface KmsgRecord {
  prio: number;
  seq: number;
  tsUsec: number;
  flags: string;
  text: string;
}

/**
 * Timestamp format, after dmesg.c main() has combined its options:
 * - "default": no time option (DMESG_TIMEFTM_TIME, `[%5ld.%06ld] `)
 * - "none" / "notime": -t, --time-format notime (DMESG_TIMEFTM_NONE)
 * - "ctime": -T, --time-format ctime (DMESG_TIMEFTM_CTIME)
 * - "delta": -d (DMESG_TIMEFTM_TIME_DELTA, `[%5ld.%06ld <%12.06f>] `)
 * - "ctime-delta": -T -d (DMESG_TIMEFTM_CTIME_DELTA)
 * - "delta-only": --time-format delta, or -d together with -t/-e/-H (DMESG_TIMEFTM_DELTA, `[<%12.06f>] `)
 * - "reltime": -e, -H, --time-format reltime (DMESG_TIMEFTM_RELTIME)
 * - "iso": --time-format iso; -d is ignored with it (DMESG_TIMEFTM_ISO8601)
 */
export type DmesgTimeFormat =
  | "default"
  | "none"
  | "ctime"
  | "delta"
  | "reltime"
  | "iso"
  | "notime"
  | "ctime-delta"
  | "delta-only";

export interface DmesgOptions {
  decode: boolean; // -x
  raw: boolean; // -r: "<prio>" then the default timestamp, no decode
  time: DmesgTimeFormat;
  levels: Set<number> | null; // -l filter (null = all)
  facilities: Set<number> | null; // -f / -k / -u filter (null = all)
  color: boolean; // resolved already by the caller
  bootEpochMs: number; // wall-clock ms of boot, for ctime / iso / reltime
  tz?: "UTC"; // times are always rendered in UTC
  noescape?: boolean; // --noescape: print unprintable bytes as they are
  forcePrefix?: boolean; // -p: repeat the decode/time prefix on each line of a multi-line record
}

/** level_names[] in dmesg.c, indexed by syslog level. */
export const LEVEL_NAMES: readonly string[] = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"];

/** facility_names[] in dmesg.c 2.37 (12 entries; res0..local7 only arrived in 2.38). */
export const FACILITY_NAMES: readonly string[] = [
  "kern",
  "user",
  "mail",
  "daemon",
  "auth",
  "syslog",
  "lpr",
  "news",
  "uucp",
  "cron",
  "authpriv",
  "ftp",
];

// include/color-names.h and colors[] in dmesg.c; color_disable() prints the reset.
const COLOR_RESET = "\x1b[0m";
const COLOR_SUBSYS = "\x1b[33m";
const COLOR_TIME = "\x1b[32m";
const COLOR_TIMEBREAK = "\x1b[32m\x1b[1m";
const COLOR_SEGFAULT = "\x1b[2m\x1b[31m";
const LEVEL_COLORS: readonly (string | null)[] = [
  null, // emerg
  "\x1b[7m\x1b[31m", // alert
  "\x1b[1m\x1b[31m", // crit
  "\x1b[31m", // err
  "\x1b[1m", // warn
  null, // notice
  null, // info
  null, // debug
];

const USEC_PER_SEC = 1_000_000;

// ---------------------------------------------------------------------------------------------------------------
// Parsing /dev/kmsg

const KMSG_HEADER = /^(\d+),(\d+),(\d+),([^,;]*)(?:,[^;]*)?;/;

/**
 * Parse one /dev/kmsg line "prio,seq,ts_usec,flags[,...];message" (message may contain \xNN escapes, which are
 * decoded; a trailing "\n" and continuation lines starting with a space (dictionary) are ignored). Returns null
 * for a malformed line: missing ';', fewer than four header fields, or a non-decimal prio/seq/ts_usec.
 *
 * Bytes that are not valid UTF-8 after decoding are kept as lone surrogates U+DC80..U+DCFF (one per byte), which
 * formatRecords prints back as \xNN, as dmesg's safe_fwrite() does.
 */
export function parseKmsgRecord(line: string): KmsgRecord | null {
  const nl = line.indexOf("\n");
  const first = nl < 0 ? line : line.slice(0, nl);
  const m = KMSG_HEADER.exec(first);
  if (!m) return null;
  const prio = Number(m[1]);
  const seq = Number(m[2]);
  const tsUsec = Number(m[3]);
  if (!Number.isSafeInteger(prio) || !Number.isSafeInteger(seq) || !Number.isSafeInteger(tsUsec)) return null;
  return { prio, seq, tsUsec, flags: m[4]!, text: unhexmangle(first.slice(m[0].length)) };
}

/** lib/mangle.c unhexmangle_to_buffer(): "\xHH" becomes the byte HH; the copy stops at a NUL. */
function unhexmangle(s: string): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0) break;
    if (c === 0x5c && s[i + 1] === "x" && isXDigit(s.charCodeAt(i + 2)) && isXDigit(s.charCodeAt(i + 3))) {
      bytes.push(parseInt(s.slice(i + 2, i + 4), 16));
      i += 4;
      continue;
    }
    const cp = s.codePointAt(i)!;
    if (cp >= 0xdc80 && cp <= 0xdcff) bytes.push(cp - 0xdc00);
    else pushUtf8(bytes, cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return decodeUtf8(bytes);
}

function isXDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

/** Strict UTF-8 decode (as glibc mbrtowc in a UTF-8 locale); each byte of an invalid sequence becomes U+DCxx. */
function decodeUtf8(b: readonly number[]): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    }
    let cp = need === 1 ? c & 0x1f : need === 2 ? c & 0x0f : c & 0x07;
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || cc < (k === 1 ? lo : 0x80) || cc > (k === 1 ? hi : 0xbf)) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + c);
      i++;
    }
  }
  return out;
}

/** Bytes as dmesg sees them in a UTF-8 locale: valid UTF-8 decoded, every other byte kept as U+DC80..U+DCFF. */
export function decodeBytes(bytes: Uint8Array): string {
  return decodeUtf8(Array.from(bytes));
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing a syslog(2) buffer (dmesg -S, --file, and the fallback when /dev/kmsg cannot be read)

/** Facility/level of a record whose "<prio>" was not parsed or did not parse: no name, no level colour. */
const PRIO_UNKNOWN = 13 << 3;

const LONG_MIN_32 = -2147483648; // long is 32 bits on armv7l
const LONG_MAX_32 = 2147483647;

/** strtol(s + at, &end, 10): the value (0 without digits), where it stopped (`at` without digits), ERANGE. */
function strtol(s: string, at: number): { v: number; end: number; erange: boolean } {
  let i = at;
  while (i < s.length && " \t\n\v\f\r".includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") neg = s[i++] === "-";
  const d0 = i;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === d0) return { v: 0, end: at, erange: false };
  const v = Number(s.slice(d0, i)) * (neg ? -1 : 1);
  if (v < LONG_MIN_32) return { v: LONG_MIN_32, end: i, erange: true };
  if (v > LONG_MAX_32) return { v: LONG_MAX_32, end: i, erange: true };
  return { v, end: i, erange: false };
}

/** skip_item(): the position after the first character of `sep` (or NUL) before `end`, or `end`. */
function skipItem(s: string, begin: number, end: number, sep: string): number {
  while (begin < end) {
    const c = s[begin++]!;
    if (c === "\0" || sep.includes(c)) break;
  }
  return begin;
}

/**
 * get_next_syslog_record() over a whole klogctl(SYSLOG_ACTION_READ_ALL) buffer or --file contents
 * ("<prio>[  sec.usec] text" lines; records split at "\n<"). `parsePrio` is dmesg's
 * "fltr_lev || fltr_fac || decode || color" (otherwise the "<...>" is only skipped), `notime` is -t.
 */
export function parseSyslogBuffer(buf: string, o: { parsePrio: boolean; notime: boolean }): KmsgRecord[] {
  const recs: KmsgRecord[] = [];
  let next = 0;
  let nextSize = buf.length;
  while (next >= 0 && nextSize > 0) {
    let begin = -1;
    let found = false;
    for (let i = 0; i < nextSize; i++) {
      const p = next + i;
      let end = -1;
      if (begin < 0) begin = p;
      if (i + 1 === nextSize) {
        end = p + 1;
        i++;
      } else if (buf[p] === "\n" && buf[p + 1] === "<") end = p;
      if (begin >= 0 && (buf[begin] ?? "\0") === "\0") begin = -1; // zero(s) at the end of the buffer
      if (begin < 0 || end < 0) continue;
      if (end <= begin) continue;

      let b = begin;
      let prio = PRIO_UNKNOWN;
      if (buf[b] === "<") {
        if (o.parsePrio) {
          // parse_faclev(): LOG_FAC()/LOG_PRI() of the number; one character (the '>') is skipped after it
          const r = strtol(buf, b + 1);
          if (!r.erange && r.end > b + 1) {
            prio = r.v & 0x3ff;
            b = r.end + 1;
          } else b = b + 1;
        } else b = skipItem(buf, b, end, ">");
      }
      let tsUsec = 0;
      if (buf[b] === "[" && (buf[b + 1] === " " || /[0-9]/.test(buf[b + 1] ?? ""))) {
        if (!o.notime) {
          // parse_syslog_timestamp(): "sec.usec]"; on failure the text starts after the '[' (and tv keeps
          // whatever was parsed)
          const str0 = b + 1;
          let str = str0;
          const sec = strtol(buf, str0);
          let usec = 0;
          let endp = sec.end;
          let erange = sec.erange;
          if (!erange && buf[endp] === "." && (buf[endp + 1] ?? "\0") !== "\0") {
            str = endp + 1;
            const u = strtol(buf, str);
            usec = u.v;
            endp = u.end;
            erange = u.erange;
          }
          tsUsec = sec.v * 1_000_000 + usec;
          b = erange || endp === str || buf[endp] !== "]" ? str0 : endp + 1;
        } else b = skipItem(buf, b, end, "]");
        if (b < end && buf[b] === " ") b++;
      }
      let size = end - b;
      // don't count the \n of the last message
      if (buf[end] !== "\n" && buf[end - 1] === "\n") size--;
      recs.push({ prio, seq: 0, tsUsec, flags: "-", text: buf.slice(b, b + Math.max(size, 0)) });

      nextSize -= end - next;
      next = nextSize > 0 ? end + 1 : -1;
      if (nextSize > 0) nextSize--;
      found = true;
      break;
    }
    if (!found) break;
  }
  return recs;
}

/** raw_print(): the syslog buffer as it is (escaped unless --noescape), ending with a newline. */
export function formatRawBuffer(buf: string, noescape = false): string {
  if (buf.length === 0) return "";
  const out = safeWrite(buf, 0, buf.length, 0, noescape);
  return buf.endsWith("\n") ? out : out + "\n";
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

/** Formatter state that dmesg.c keeps in struct dmesg_control across records (lasttime, lasttm, indent). */
export interface DmesgFormatter {
  /** Output for one record: "" when filtered out, otherwise one or more lines ending with "\n". */
  format(rec: KmsgRecord): string;
}

interface Tm {
  year: number;
  mon: number;
  mday: number;
  hour: number;
  min: number;
  sec: number;
  wday: number;
  yday: number;
}

/**
 * Stateful formatter mirroring print_record(); successive calls share the delta/reltime state, as one dmesg run
 * (including --follow) does.
 */
export function createDmesgFormatter(opts: DmesgOptions): DmesgFormatter {
  const bootSec = Math.floor(opts.bootEpochMs / 1000);
  let lastSec = 0;
  let lastUsec = 0;
  let lastTm = { min: 0, hour: 0, yday: 0 };

  // record_count_delta(): 0 until a non-zero timestamp has been seen (timerisset()).
  const countDelta = (sec: number, usec: number): number => {
    let delta = 0;
    if (lastSec !== 0 || lastUsec !== 0) delta = sec - lastSec + (usec - lastUsec) / 1e6;
    lastSec = sec;
    lastUsec = usec;
    return delta;
  };

  const format = (rec: KmsgRecord): string => {
    const level = rec.prio & 7;
    const fac = facilityOf(rec.prio);
    if (!acceptRecord(opts, fac, level)) return "";
    if (rec.text.length === 0) return "\n";

    const sec = Math.floor(rec.tsUsec / USEC_PER_SEC);
    const usec = rec.tsUsec % USEC_PER_SEC;
    let fpbuf = "";
    let tsbuf = "";
    let timebreak = false;

    if (opts.raw) {
      // LOG_MAKEPRI() is ((fac) | (pri)) in glibc >= 2.17, so 2.37 prints fac|level, not fac<<3|level
      // (util-linux issue #2325, later fixed with LOG_RAW_FAC_PRI).
      tsbuf = `<${fac | level}>${timeField(sec, usec)} `;
    } else {
      if (opts.decode && fac >= 0 && fac < FACILITY_NAMES.length)
        fpbuf = `${FACILITY_NAMES[fac]!.padEnd(6)}:${LEVEL_NAMES[level]!.padEnd(6)}: `;
      const wall = bootSec + sec;
      switch (opts.time) {
        case "none":
        case "notime":
          break;
        case "ctime":
          tsbuf = `[${ctime(utcTm(wall))}] `;
          break;
        case "ctime-delta":
          tsbuf = `[${ctime(utcTm(wall))} <${fmtF(countDelta(sec, usec), 12, false)}>] `;
          break;
        case "delta-only":
          tsbuf = `[<${fmtF(countDelta(sec, usec), 12, false)}>] `;
          break;
        case "reltime": {
          const cur = utcTm(wall);
          const delta = countDelta(sec, usec);
          if (cur.min !== lastTm.min || cur.hour !== lastTm.hour || cur.yday !== lastTm.yday) {
            timebreak = true;
            tsbuf = `[${shortCtime(cur)}] `;
          } else if (delta < 10) {
            tsbuf = `[  ${fmtF(delta, 8, true)}] `;
          } else {
            tsbuf = `[ ${fmtF(delta, 9, true)}] `;
          }
          lastTm = { min: cur.min, hour: cur.hour, yday: cur.yday };
          break;
        }
        case "default":
          tsbuf = `${timeField(sec, usec)} `;
          break;
        case "delta":
          tsbuf = `[${secUsec(sec, usec)} <${fmtF(countDelta(sec, usec), 12, false)}>] `;
          break;
        case "iso":
          tsbuf = `${isoTime(utcTm(wall), usec)} `;
          break;
      }
    }
    const indent = fpbuf.length + tsbuf.length;
    const noesc = opts.noescape ?? false;

    // full_output: the decode prefix, then the (coloured) timestamp
    const prefix = (ts: string): string =>
      fpbuf + (ts ? (opts.color ? (timebreak ? COLOR_TIMEBREAK : COLOR_TIME) + ts + COLOR_RESET : ts) : "");

    // The message (one line of it with -p), with the subsystem and level colours.
    const body = (line: string): string => {
      if (!opts.color) return safeWrite(line, 0, line.length, indent, noesc);
      let out = "";
      let start = 0;
      const delim = subsysDelimiter(line);
      if (delim >= 0) {
        out += COLOR_SUBSYS + safeWrite(line, 0, delim, indent, noesc) + COLOR_RESET;
        start = delim;
      }
      const rest = line.slice(start);
      const levelColor = LEVEL_COLORS[level] ?? (rest.includes("segfault at") ? COLOR_SEGFAULT : null);
      return out + (levelColor ?? "") + safeWrite(line, start, line.length, indent, noesc) + (levelColor ? COLOR_RESET : "");
    };

    if (!opts.forcePrefix) return prefix(tsbuf) + body(rec.text) + "\n";

    // -p: strtok(mesg, "\n") -- every non-empty line gets the prefix; with -e the lines after the first
    // show "[  +0.000000] " instead of the timestamp.
    const lines = rec.text.split("\n").filter((l) => l.length > 0);
    if (lines.length === 0) return prefix(tsbuf) + "\n";
    const relNext = opts.time === "reltime";
    return lines.map((l, i) => prefix(i > 0 && relNext ? "[  +0.000000] " : tsbuf) + body(l)).join("\n") + "\n";
  };

  return { format };
}

/** Render records exactly as util-linux 2.37.2 dmesg prints them (each output line ends with "\n"). */
export function formatRecords(recs: readonly KmsgRecord[], opts: DmesgOptions): string {
  const f = createDmesgFormatter(opts);
  let out = "";
  for (const r of recs) out += f.format(r);
  return out;
}

/** parse_faclev(): LOG_FAC(prio); values above ARRAY_SIZE(facility_names) become -1 (12 itself survives). */
function facilityOf(prio: number): number {
  const fac = (prio & 0x3f8) >> 3;
  return fac > FACILITY_NAMES.length ? -1 : fac;
}

/** accept_record(). */
function acceptRecord(opts: DmesgOptions, fac: number, level: number): boolean {
  if (opts.levels && (fac < 0 || !opts.levels.has(level))) return false;
  if (opts.facilities && (fac < 0 || !opts.facilities.has(fac))) return false;
  return true;
}

/**
 * get_subsys_delimiter() of 2.37: index of the first ':' that is followed by a blank (space or tab) and is not the
 * last character; the search stops at a NUL (strnchr). -1 if none.
 */
function subsysDelimiter(text: string): number {
  for (let i = 0; i < text.length - 1; i++) {
    const c = text[i];
    if (c === "\0") return -1;
    if (c === ":" && (text[i + 1] === " " || text[i + 1] === "\t")) return i;
  }
  return -1;
}

/**
 * safe_fwrite() in a UTF-8 locale: NUL, non-printable ASCII (other than isspace) and non-printable or invalid
 * multibyte characters print as \xNN per byte; a '\n' followed by more text is followed by `indent` spaces.
 */
function safeWrite(text: string, from: number, to: number, indent: number, noescape = false): string {
  let out = "";
  let i = from;
  while (i < to) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (noescape) {
      // ctl->noesc: every byte goes out as it is (lone U+DCxx stand for the raw bytes); only the indent remains
      if (cp === 0x0a && i + 1 < text.length && text.charCodeAt(i + 1) !== 0 && indent) out += "\n" + " ".repeat(indent);
      else out += String.fromCodePoint(cp);
    } else if (cp >= 0xdc80 && cp <= 0xdcff) {
      out += hexByte(cp - 0xdc00);
    } else if (cp < 0x80) {
      const printable = (cp >= 0x20 && cp <= 0x7e) || (cp >= 0x09 && cp <= 0x0d);
      if (!printable) out += hexByte(cp);
      else if (cp === 0x0a && i + 1 < text.length && text.charCodeAt(i + 1) !== 0 && indent) out += "\n" + " ".repeat(indent);
      else out += String.fromCharCode(cp);
    } else {
      const ch = String.fromCodePoint(cp);
      if (/^[\p{Cc}\p{Cn}\p{Cs}]$/u.test(ch)) {
        const bytes: number[] = [];
        pushUtf8(bytes, cp);
        for (const b of bytes) out += hexByte(b);
      } else out += ch;
    }
    i += width;
  }
  return out;
}

function hexByte(b: number): string {
  return "\\x" + b.toString(16).padStart(2, "0");
}

/** "%5ld.%06ld" */
function secUsec(sec: number, usec: number): string {
  return `${String(sec).padStart(5)}.${String(usec).padStart(6, "0")}`;
}

/** "[%5ld.%06ld]" */
function timeField(sec: number, usec: number): string {
  return `[${secUsec(sec, usec)}]`;
}

/** printf("%<width>.06f") and, with plus, "%+<width>.06f". */
function fmtF(x: number, width: number, plus: boolean): string {
  let s = x.toFixed(6);
  if (plus && !s.startsWith("-")) s = "+" + s;
  return s.padStart(width);
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** localtime_r() with TZ=UTC. */
function utcTm(sec: number): Tm {
  const d = new Date(sec * 1000);
  const year = d.getUTCFullYear();
  const mon = d.getUTCMonth();
  const mday = d.getUTCDate();
  return {
    year,
    mon,
    mday,
    hour: d.getUTCHours(),
    min: d.getUTCMinutes(),
    sec: d.getUTCSeconds(),
    wday: d.getUTCDay(),
    yday: Math.round((Date.UTC(year, mon, mday) - Date.UTC(year, 0, 1)) / 86_400_000),
  };
}

const p2 = (n: number): string => String(n).padStart(2, "0");

/** record_ctime(): strftime "%a %b %e %H:%M:%S %Y". */
function ctime(tm: Tm): string {
  return `${DAYS[tm.wday]} ${MONTHS[tm.mon]} ${String(tm.mday).padStart(2)} ${p2(tm.hour)}:${p2(tm.min)}:${p2(tm.sec)} ${tm.year}`;
}

/** short_ctime(): strftime "%b%e %H:%M" (no space before a two-digit day). */
function shortCtime(tm: Tm): string {
  return `${MONTHS[tm.mon]}${String(tm.mday).padStart(2)} ${p2(tm.hour)}:${p2(tm.min)}`;
}

/** iso_8601_time(): strtimeval_iso(ISO_TIMESTAMP_COMMA_T), i.e. "%4ld-%.2d-%.2dT%02d:%02d:%02d,%06ld%+03d:%02d". */
function isoTime(tm: Tm, usec: number): string {
  return (
    `${String(tm.year).padStart(4)}-${p2(tm.mon + 1)}-${p2(tm.mday)}T${p2(tm.hour)}:${p2(tm.min)}:${p2(tm.sec)}` +
    `,${String(usec).padStart(6, "0")}+00:00`
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Option arguments

const LONG_MAX = 9223372036854775807n;
const ERANGE_TEXT = "Numerical result out of range";

/**
 * parse_level() / parse_facility(): `str` is the rest of the argument from the item's start (that is what the error
 * message prints), `len` the item length; `offset` is 1 for -n. Returns the value or the error message.
 */
function parseName(
  str: string,
  len: number,
  names: readonly string[],
  offset: number,
  what: "level" | "facility",
): number | { error: string } {
  const c = str.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) {
    let end = 0;
    while (end < str.length && str.charCodeAt(end) >= 0x30 && str.charCodeAt(end) <= 0x39) end++;
    const n = BigInt(str.slice(0, end));
    if (n > LONG_MAX) return { error: `failed to parse ${what} '${str}': ${ERANGE_TEXT}` };
    const x = Number(n) - offset;
    if (end === len && x >= 0 && x < names.length) return x + offset;
  } else {
    const item = asciiLower(str.slice(0, len));
    const i = names.indexOf(item);
    if (i >= 0) return i + offset;
  }
  return { error: `unknown ${what} '${str}'` };
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 32));
}

/**
 * lib/strutils.c string_to_bitarray(). An empty item in the middle of the list makes dmesg exit 1 without any
 * message; that case returns { error: "" }.
 */
function parseList(s: string, names: readonly string[], what: "level" | "facility"): Set<number> | { error: string } {
  const set = new Set<number>();
  let begin = -1;
  for (let p = 0; p < s.length; p++) {
    let end = -1;
    if (begin < 0) begin = p;
    if (s[p] === ",") end = p;
    if (p + 1 === s.length) end = p + 1;
    if (end < 0) continue;
    if (end <= begin) return { error: "" };
    const bit = parseName(s.slice(begin), end - begin, names, 0, what);
    if (typeof bit !== "number") return bit;
    set.add(bit);
    begin = -1;
    if (end === s.length) break;
  }
  return set;
}

/** Parse a -l/--level list ("err,warn" or numbers 0-7). Error strings are as util-linux prints them after "dmesg: ". */
export function parseLevelList(s: string): Set<number> | { error: string } {
  return parseList(s, LEVEL_NAMES, "level");
}

/** Parse a -f/--facility list ("kern,user" or numbers 0-11). Error strings as for parseLevelList. */
export function parseFacilityList(s: string): Set<number> | { error: string } {
  return parseList(s, FACILITY_NAMES, "facility");
}

/**
 * Parse a -n/--console-level argument into the value passed to klogctl(SYSLOG_ACTION_CONSOLE_LEVEL): a name gives
 * level+1 (so "err" -> 4), a number 1-8 is used as is. Anything else gives the error util-linux prints.
 */
export function parseConsoleLevel(s: string): number | { error: string } {
  return parseName(s, s.length, LEVEL_NAMES, 1, "level");
}
