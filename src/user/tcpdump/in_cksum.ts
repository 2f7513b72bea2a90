// Mirrors tcpdump 4.99 in_cksum.c (in_cksum, in_cksum_shouldbe) and print-ip.c's
// nextproto4_cksum(): the Internet checksum the printers verify with -v.
import type { NetdissectOptions } from "./netdissect.js";

/** One's-complement sum of big-endian 16-bit words of `b[off, off+len)`, unfolded. */
function sum16(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  if (len & 1) sum += b[off + len - 1] << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * in_cksum(): the complemented sum over the byte ranges (read big-endian), 0 when the data holds a
 * correct checksum. The ranges are the C code's struct cksum_vec array.
 */
export function in_cksum(b: Uint8Array, vec: ReadonlyArray<readonly [off: number, len: number]>, initial = 0): number {
  let sum = initial;
  for (const [off, len] of vec) sum += sum16(b, off, len);
  return ~fold(sum) & 0xffff;
}

/**
 * in_cksum_shouldbe(): the value the checksum field should have held, from the field's value and
 * what in_cksum() computed over the data with it.
 */
export function in_cksum_shouldbe(sum: number, computed_sum: number): number {
  let shouldbe = sum + computed_sum;
  shouldbe = (shouldbe & 0xffff) + (shouldbe >>> 16);
  shouldbe = (shouldbe & 0xffff) + (shouldbe >>> 16);
  return shouldbe & 0xffff;
}

/**
 * nextproto4_cksum(): the checksum of a TCP or UDP segment at `data` (`covlen` bytes) with the
 * IPv4 pseudo-header of the datagram at `ip` (source, destination, protocol, length `len`).
 * tcpdump takes the destination from a source-route option when there is one (ip_finddst());
 * kplay's datagrams carry no options, and this uses the header's destination.
 */
export function nextproto4_cksum(ndo: NetdissectOptions, ip: number, data: number, len: number, covlen: number, next_proto: number): number {
  const b = ndo.ndo_packetp;
  const ph = sum16(b, ip + 12, 8) + next_proto + (len & 0xffff);
  return in_cksum(b, [[data, covlen]], ph);
}
