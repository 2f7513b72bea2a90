// Mirrors lib/checksum.c and include/net/checksum.h: the Internet checksum (RFC 1071).

/** csum_partial(buf, sum): the 32-bit running one's complement sum of 16-bit big-endian words. */
export function csum_partial(buf: Uint8Array, sum = 0): number {
  let s = sum;
  const n = buf.length & ~1;
  for (let i = 0; i < n; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (buf.length & 1) s += buf[buf.length - 1] << 8;
  return s;
}

/** csum_fold(sum): fold to 16 bits and complement. */
export function csum_fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** ip_fast_csum(header): the IPv4 header checksum (0 when the header checks out). */
export function ip_fast_csum(header: Uint8Array): number {
  return csum_fold(csum_partial(header));
}

/** csum_tcpudp_magic(saddr, daddr, len, proto, sum): with the IPv4 pseudo-header. */
export function csum_tcpudp_magic(saddr: number, daddr: number, len: number, proto: number, sum: number): number {
  const s = sum + (saddr >>> 16) + (saddr & 0xffff) + (daddr >>> 16) + (daddr & 0xffff) + proto + len;
  return csum_fold(s);
}
