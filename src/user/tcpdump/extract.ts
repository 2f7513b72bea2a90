// Mirrors tcpdump 4.99 extract.h and the bounds checks of netdissect.h: every read of packet bytes
// goes through a GET_* accessor that checks it against ndo_snapend, the end of the captured data
// (possibly pulled in by an enclosing header's length). A read past it is the C code's
// longjmp(ndo_early_end): it throws NdTruncated, which pretty_print_packet() catches and reports
// as " [|proto]". Offsets are indices into ndo_packetp, the whole captured record.
import type { NetdissectOptions } from "./netdissect.js";

/** The longjmp of nd_trunc_longjmp(): a printer ran past the captured bytes. */
export class NdTruncated extends Error {
  constructor() {
    super("packet truncated");
  }
}

export function nd_trunc_longjmp(): never {
  throw new NdTruncated();
}

/** ND_TTEST_LEN(p, l): are the `l` bytes at `p` captured (and inside the current snapend)? */
export function ND_TTEST_LEN(ndo: NetdissectOptions, p: number, l: number): boolean {
  return l >= 0 && p >= 0 && p <= ndo.ndo_snapend && l <= ndo.ndo_snapend - p;
}

/** ND_BYTES_AVAILABLE_AFTER(p): captured bytes from `p` to snapend. */
export function ND_BYTES_AVAILABLE_AFTER(ndo: NetdissectOptions, p: number): number {
  return p < ndo.ndo_snapend ? ndo.ndo_snapend - p : 0;
}

export function GET_U_1(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 1)) nd_trunc_longjmp();
  return ndo.ndo_packetp[p];
}

export function GET_BE_U_2(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 2)) nd_trunc_longjmp();
  const b = ndo.ndo_packetp;
  return (b[p] << 8) | b[p + 1];
}

export function GET_BE_U_3(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 3)) nd_trunc_longjmp();
  const b = ndo.ndo_packetp;
  return (b[p] << 16) | (b[p + 1] << 8) | b[p + 2];
}

export function GET_BE_U_4(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 4)) nd_trunc_longjmp();
  const b = ndo.ndo_packetp;
  return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
}

/** Little-endian reads, for netlink's host-order fields (the machine is little-endian). */
export function GET_LE_U_2(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 2)) nd_trunc_longjmp();
  const b = ndo.ndo_packetp;
  return b[p] | (b[p + 1] << 8);
}

export function GET_LE_U_4(ndo: NetdissectOptions, p: number): number {
  if (!ND_TTEST_LEN(ndo, p, 4)) nd_trunc_longjmp();
  const b = ndo.ndo_packetp;
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

export function GET_LE_S_4(ndo: NetdissectOptions, p: number): number {
  return GET_LE_U_4(ndo, p) | 0;
}

export function GET_LE_U_8(ndo: NetdissectOptions, p: number): bigint {
  if (!ND_TTEST_LEN(ndo, p, 8)) nd_trunc_longjmp();
  return BigInt(GET_LE_U_4(ndo, p)) | (BigInt(GET_LE_U_4(ndo, p + 4)) << 32n);
}

/**
 * nd_push_snapend(): an enclosing header's length cuts the captured data short; the new end is
 * used only when it comes before the current one. nd_pop_packet_info() restores the previous end.
 */
export function nd_push_snapend(ndo: NetdissectOptions, newend: number): void {
  ndo.ndo_snapend_stack.push(ndo.ndo_snapend);
  if (newend < ndo.ndo_snapend) ndo.ndo_snapend = Math.max(newend, 0);
}

export function nd_pop_packet_info(ndo: NetdissectOptions): void {
  const end = ndo.ndo_snapend_stack.pop();
  if (end !== undefined) ndo.ndo_snapend = end;
}
