// Mirrors tcpdump 4.99 util-print.c (ts_print, tok2str, bittok2str, nd_print_trunc,
// txtproto_print, fn_print_char) and print-ascii.c (hex_and_ascii_print, hex_print): the helpers
// every printer shares. Output goes to ndo.ndo_out, the text of the packet being printed.
import { vsprintf, type FormatArg } from "../../lib/vsprintf.js";
import { GET_U_1, ND_BYTES_AVAILABLE_AFTER, ND_TTEST_LEN, nd_trunc_longjmp } from "./extract.js";
import type { NetdissectOptions } from "./netdissect.js";

/** struct tok: value and name pairs, searched in order. */
export type Tok = ReadonlyArray<readonly [number, string]>;

/** ND_PRINT(fmt, ...): printf into the packet's text. */
export function ND_PRINT(ndo: NetdissectOptions, fmt: string, ...args: FormatArg[]): void {
  ndo.ndo_out += args.length === 0 ? fmt : vsprintf(fmt, args);
}

export const ND_ASCII_ISPRINT = (c: number): boolean => c >= 0x20 && c <= 0x7e;
export const ND_ASCII_ISGRAPH = (c: number): boolean => c > 0x20 && c <= 0x7e;
export const ND_ASCII_ISDIGIT = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** fn_print_char(): a byte, non-ASCII as "M-" and control characters as "^X". */
export function fn_print_char(ndo: NetdissectOptions, c: number): void {
  if (c >= 0x80) {
    c &= 0x7f;
    ndo.ndo_out += "M-";
  }
  if (!ND_ASCII_ISPRINT(c)) {
    c ^= 0x40; /* DEL to ?, others to alpha */
    ndo.ndo_out += "^";
  }
  ndo.ndo_out += String.fromCharCode(c);
}

/** tok2str(): the name of `v`, or `fmt` formatted with it. */
export function tok2str(lp: Tok, fmt: string, v: number): string {
  for (const [tv, s] of lp) if (tv === v) return s;
  return vsprintf(fmt, [v]);
}

function bittok2str_internal(lp: Tok, fmt: string, v: number, sep: string): string {
  const names: string[] = [];
  for (const [tv, s] of lp) if (tv !== 0 && (v & tv) === tv) names.push(s);
  return names.length ? names.join(sep) : vsprintf(fmt, [v]);
}

/** bittok2str(): the names of the set bits, separated by ", ". */
export function bittok2str(lp: Tok, fmt: string, v: number): string {
  return bittok2str_internal(lp, fmt, v, ", ");
}

/** bittok2str_nosep(): the names of the set bits, run together. */
export function bittok2str_nosep(lp: Tok, fmt: string, v: number): string {
  return bittok2str_internal(lp, fmt, v, "");
}

/** nd_print_trunc(): " [|proto]" after a printer found its packet cut short. */
export function nd_print_trunc(ndo: NetdissectOptions): void {
  ND_PRINT(ndo, " [|%s]", ndo.ndo_protocol);
}

export function nd_print_invalid(ndo: NetdissectOptions): void {
  ND_PRINT(ndo, " (invalid)");
}

export function nd_print_protocol_caps(ndo: NetdissectOptions): void {
  ndo.ndo_out += ndo.ndo_protocol.toUpperCase();
}

const two = (n: number): string => String(n).padStart(2, "0");

/** gmtime() and strftime("%H:%M:%S") (with "%Y-%m-%d " before it for `date`). */
function hms(sec: number, date: boolean): string {
  const d = new Date(sec * 1000);
  const t = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return date ? `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${t}` : t;
}

/**
 * ts_format(): the time stamp that starts a packet's line, as ts_print() writes it for -t flags
 * counted in tflag: 0 "HH:MM:SS.uuuuuu " (local time; the machine's TZ is UTC), 1 nothing (-t),
 * 2 "SECS.uuuuuu " (-tt), 3 the time since the previous packet (-ttt), 4 "YYYY-MM-DD " before the
 * default (-tttt), 5 the time since the first packet (-ttttt). 3 and 5 print the delta as
 * " HH:MM:SS.uuuuuu " (a "-" instead of the first space when it is negative), and keep their
 * reference in ndo.ts_ref.
 */
export function ts_format(ndo: NetdissectOptions, sec: number, usec: number): string {
  const frac = "." + String(usec).padStart(6, "0");
  switch (ndo.tflag) {
    case 0:
      return sec < 0 ? "[timestamp < 1970-01-01 00:00:00 UTC] " : hms(sec, false) + frac + " ";
    case 1:
      return "";
    case 2:
      return sec < 0 ? "[timestamp < 1970-01-01 00:00:00 UTC] " : `${sec >>> 0}${frac} `;
    case 3:
    case 5: {
      const now = sec * 1_000_000 + usec;
      if (ndo.ts_ref === null) ndo.ts_ref = now;
      let d = now - ndo.ts_ref;
      const neg = d < 0;
      if (neg) d = -d;
      if (ndo.tflag === 3) ndo.ts_ref = now;
      const ds = Math.floor(d / 1_000_000);
      return (neg ? "-" : " ") + hms(ds, false) + "." + String(d % 1_000_000).padStart(6, "0") + " ";
    }
    case 4:
      return sec < 0 ? "[timestamp < 1970-01-01 00:00:00 UTC] " : hms(sec, true) + frac + " ";
    default:
      return "";
  }
}

/** ts_print() */
export function ts_print(ndo: NetdissectOptions, sec: number, usec: number): void {
  ndo.ndo_out += ts_format(ndo, sec, usec);
}

const HEXDUMP_BYTES_PER_LINE = 16;
const HEXDUMP_SHORTS_PER_LINE = HEXDUMP_BYTES_PER_LINE / 2;
const HEXDUMP_HEXSTUFF_PER_LINE = 5 * HEXDUMP_SHORTS_PER_LINE; /* 4 hex digits and a space per short */

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
const hex4 = (n: number): string => n.toString(16).padStart(4, "0");

/**
 * hex_and_ascii_print_with_offset() (print-ascii.c): 16 bytes a line as
 * "<ident>0x0000:  4500 0021 ...  E..!..", the hex column padded to 40 characters, bytes that are
 * not graphic ASCII (space included) shown as "." in the ASCII column. Bytes past the captured
 * data are not printed, and then the packet counts as truncated.
 */
export function hex_and_ascii_print_with_offset(ndo: NetdissectOptions, ident: string, cp: number, length: number, oset: number): void {
  const caplength = ND_BYTES_AVAILABLE_AFTER(ndo, cp);
  let truncated = false;
  if (length > caplength) {
    length = caplength;
    truncated = true;
  }
  let hexstuff = "";
  let asciistuff = "";
  const flush = (): void => {
    ndo.ndo_out += `${ident}0x${hex4(oset)}: ${hexstuff.padEnd(HEXDUMP_HEXSTUFF_PER_LINE)}  ${asciistuff}`;
    hexstuff = asciistuff = "";
  };
  let i = 0;
  for (let nshorts = length >> 1; nshorts > 0; nshorts--) {
    const s1 = GET_U_1(ndo, cp++);
    const s2 = GET_U_1(ndo, cp++);
    hexstuff += ` ${hex2(s1)}${hex2(s2)}`;
    asciistuff += (ND_ASCII_ISGRAPH(s1) ? String.fromCharCode(s1) : ".") + (ND_ASCII_ISGRAPH(s2) ? String.fromCharCode(s2) : ".");
    if (++i >= HEXDUMP_SHORTS_PER_LINE) {
      flush();
      i = 0;
      oset += HEXDUMP_BYTES_PER_LINE;
    }
  }
  if (length & 1) {
    const s1 = GET_U_1(ndo, cp++);
    hexstuff += ` ${hex2(s1)}`;
    asciistuff += ND_ASCII_ISGRAPH(s1) ? String.fromCharCode(s1) : ".";
    ++i;
  }
  if (i > 0) flush();
  if (truncated) nd_trunc_longjmp();
}

export function hex_and_ascii_print(ndo: NetdissectOptions, ident: string, cp: number, length: number): void {
  hex_and_ascii_print_with_offset(ndo, ident, cp, length, 0);
}

/** hex_print_with_offset() (print-ascii.c): "<ident>0x0000: " and " %02x%02x" per short, 8 a line. */
export function hex_print_with_offset(ndo: NetdissectOptions, ident: string, cp: number, length: number, oset: number): void {
  const caplength = ND_BYTES_AVAILABLE_AFTER(ndo, cp);
  let truncated = false;
  if (length > caplength) {
    length = caplength;
    truncated = true;
  }
  let i = 0;
  for (let nshorts = length >> 1; nshorts > 0; nshorts--) {
    if (i++ % 8 === 0) {
      ndo.ndo_out += `${ident}0x${hex4(oset)}: `;
      oset += HEXDUMP_BYTES_PER_LINE;
    }
    const s = GET_U_1(ndo, cp++);
    ndo.ndo_out += ` ${hex2(s)}${hex2(GET_U_1(ndo, cp++))}`;
  }
  if (length & 1) {
    if (i % 8 === 0) ndo.ndo_out += `${ident}0x${hex4(oset)}: `;
    ndo.ndo_out += ` ${hex2(GET_U_1(ndo, cp))}`;
  }
  if (truncated) nd_trunc_longjmp();
}

export function hex_print(ndo: NetdissectOptions, ident: string, cp: number, length: number): void {
  hex_print_with_offset(ndo, ident, cp, length, 0);
}

/**
 * ND_DEFAULTPRINT(): the payload of a protocol nobody decodes, in hex and ASCII, unless -x or -X
 * print the whole packet anyway (tcpdump.c sets ndo_suppress_default_print then; from memory of
 * tcpdump.c, not confirmed against the 4.99 source).
 */
export function ND_DEFAULTPRINT(ndo: NetdissectOptions, bp: number, length: number): void {
  if (ndo.xflag || ndo.Xflag) return;
  hex_and_ascii_print(ndo, "\n\t", bp, length);
}

const MAX_TOKEN = 128;

/** fetch_token(): the index after a token and the white space after it (0 if none), and the token. */
function fetch_token(ndo: NetdissectOptions, pptr: number, idx: number, len: number): [number, string] {
  let tok = "";
  for (; idx < len; idx++) {
    if (!ND_TTEST_LEN(ndo, pptr + idx, 1)) return [0, ""];
    const c = GET_U_1(ndo, pptr + idx);
    if (c >= 0x80) return [0, ""];
    if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a) break;
    if (!ND_ASCII_ISPRINT(c)) return [0, ""];
    if (tok.length + 2 > MAX_TOKEN + 1) return [0, ""];
    tok += String.fromCharCode(c);
  }
  if (tok.length === 0) return [0, ""];
  for (; idx < len; idx++) {
    if (!ND_TTEST_LEN(ndo, pptr + idx, 1)) break;
    const c = GET_U_1(ndo, pptr + idx);
    if (c === 0x0d || c === 0x0a) break;
    if (!ND_ASCII_ISPRINT(c)) break;
    if (c !== 0x20 && c !== 0x09) break;
  }
  return [idx, tok];
}

/**
 * print_txt_line(): print the line at `idx` after `prefix`, without its LF or CR-LF; the index
 * after the line ending, or 0 when the text stops being printable ASCII or has no line ending
 * (a last line without one is still printed).
 */
function print_txt_line(ndo: NetdissectOptions, prefix: string, pptr: number, idx: number, len: number): number {
  const startidx = idx;
  let linelen: number;
  const text = (n: number): string => String.fromCharCode(...ndo.ndo_packetp.subarray(pptr + startidx, pptr + startidx + n));
  for (;;) {
    if (idx >= len) {
      ndo.ndo_out += prefix + text(idx - startidx);
      return 0;
    }
    const c = GET_U_1(ndo, pptr + idx);
    if (c === 0x0a) {
      linelen = idx - startidx;
      idx++;
      break;
    } else if (c === 0x0d) {
      if (idx + 1 >= len) return 0;
      if (GET_U_1(ndo, pptr + idx + 1) === 0x0a) {
        linelen = idx - startidx;
        idx += 2;
        break;
      }
      return 0;
    } else if (!ND_ASCII_ISPRINT(c) && c !== 0x09) {
      return 0;
    }
    idx++;
  }
  ndo.ndo_out += prefix + text(linelen);
  return idx;
}

export const RESP_CODE_SECOND_TOKEN = 0x00000001;

/**
 * txtproto_print(): a text protocol's payload (FTP, SMTP, ...), after ndo_protocol was set:
 * "FTP: <first line>", or with -v "FTP, length: N" and every line on its own "\n\t" line.
 * With `cmds`, only payloads that start with one of them or a 3-digit response code are shown.
 */
export function txtproto_print(ndo: NetdissectOptions, pptr: number, len: number, cmds: readonly string[] | null, flags: number): void {
  let print_this = false;
  if (cmds !== null) {
    let [idx, token] = fetch_token(ndo, pptr, 0, len);
    if (idx !== 0) {
      if (cmds.some((c) => c.toLowerCase() === token.toLowerCase())) print_this = true;
      if (flags & RESP_CODE_SECOND_TOKEN) [idx, token] = fetch_token(ndo, pptr, idx, len);
      if (idx !== 0 && /^[0-9]{3}$/.test(token)) print_this = true;
    }
  } else {
    print_this = true;
  }
  nd_print_protocol_caps(ndo);
  if (!print_this) return;
  if (ndo.vflag) {
    ND_PRINT(ndo, ", length: %u", len);
    for (let idx = 0, eol = 0; idx < len && (eol = print_txt_line(ndo, "\n\t", pptr, idx, len)) !== 0; idx = eol);
  } else {
    print_txt_line(ndo, ": ", pptr, 0, len);
  }
}
