// Mirrors include/uapi/linux/in.h: IP protocol numbers, special addresses, struct sockaddr_in and
// the IP-level socket options.

export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_RAW = 255;
export const IPPROTO_MAX = 256;

export const INADDR_ANY = 0x00000000;
export const INADDR_BROADCAST = 0xffffffff;
export const INADDR_LOOPBACK = 0x7f000001;

export const SOL_IP = 0;
export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_OPTIONS = 4;
export const IP_RECVERR = 11;

/** sizeof(struct sockaddr_in): family (host order), port and address (network order), 8 zero bytes. */
export const SOCKADDR_IN_SIZE = 16;

/** struct sockaddr_in as bytes; `port` and `addr` in host order. */
export function make_sockaddr_in(family: number, port: number, addr: number): Uint8Array {
  const b = new Uint8Array(SOCKADDR_IN_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, family, true);
  dv.setUint16(2, port, false);
  dv.setUint32(4, addr >>> 0, false);
  return b;
}

/** The fields of a struct sockaddr_in, host order. */
export function parse_sockaddr_in(b: Uint8Array): { family: number; port: number; addr: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { family: b.length >= 2 ? dv.getUint16(0, true) : 0, port: b.length >= 4 ? dv.getUint16(2, false) : 0, addr: b.length >= 8 ? dv.getUint32(4, false) : 0 };
}
