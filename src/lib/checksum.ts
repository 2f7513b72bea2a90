// Mirrors lib/checksum.c and include/net/checksum.h: the Internet checksum (RFC 1071).

/** True on a little-endian host, where a 32-bit load sees each 16-bit word byte-swapped. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * csum_partial(buf, sum): `sum` plus the one's complement sum of `buf` as 16-bit big-endian words
 * (an odd last byte padded with zero), not yet folded: pass it to csum_fold or csum_tcpudp_magic.
 *
 * As do_csum() in lib/checksum.c and arch/x86's csum_partial do, the body is summed a 32-bit word
 * at a time in native byte order: the sum is order-independent (RFC 1071 2(B)), so on a
 * little-endian host the folded sum of the swapped words is swapped back once at the end. Four
 * accumulators of up to 2^32 each stay exact in a double far beyond a 64 KiB packet.
 */
export function csum_partial(buf: Uint8Array, sum = 0): number {
  const len = buf.length;
  let s = sum;
  let i = 0;
  /* the words must start at an even offset of `buf`: an odd address pairs the bytes differently */
  if (len >= 16 && (buf.byteOffset & 1) === 0) {
    if (buf.byteOffset & 2) {
      s += (buf[0] << 8) | buf[1];
      i = 2;
    }
    const nw = (len - i) >>> 2;
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, nw);
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let j = 0;
    for (; j + 3 < nw; j += 4) {
      a += w[j];
      b += w[j + 1];
      c += w[j + 2];
      d += w[j + 3];
    }
    for (; j < nw; j++) a += w[j];
    let t = csum_add_fold(a + b + c + d);
    if (LITTLE_ENDIAN) t = ((t & 0xff) << 8) | (t >>> 8);
    s += t;
    i += nw << 2;
  }
  const n = len & ~1;
  for (; i < n; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (len & 1) s += buf[len - 1] << 8;
  return s;
}

/** The end-around-carry fold of a sum to 16 bits, not complemented (from32to16 in lib/checksum.c). */
function csum_add_fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** csum_fold(sum): fold to 16 bits and complement. */
export function csum_fold(sum: number): number {
  return ~csum_add_fold(sum) & 0xffff;
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
