// Mirrors include/uapi/linux/in.h: IP protocol numbers, special addresses, struct sockaddr_in and
// the IP-level socket options.

export const IPPROTO_IP = 0;
export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_RAW = 255;
export const IPPROTO_MAX = 256;

export const INADDR_ANY = 0x00000000;
export const INADDR_BROADCAST = 0xffffffff;
export const INADDR_LOOPBACK = 0x7f000001;

/** Socket levels (include/linux/socket.h). */
export const SOL_IP = 0;
export const SOL_UDP = 17;
export const SOL_UDPLITE = 136;
export const SOL_RAW = 255;

export const IP_TOS = 1;
export const IP_TTL = 2;
export const IP_HDRINCL = 3;
export const IP_OPTIONS = 4;
export const IP_ROUTER_ALERT = 5;
export const IP_RECVOPTS = 6;
export const IP_RETOPTS = 7;
export const IP_PKTINFO = 8;
export const IP_PKTOPTIONS = 9;
export const IP_MTU_DISCOVER = 10;
export const IP_RECVERR = 11;
export const IP_RECVTTL = 12;
export const IP_RECVTOS = 13;
export const IP_MTU = 14;
export const IP_FREEBIND = 15;
export const IP_IPSEC_POLICY = 16;
export const IP_XFRM_POLICY = 17;
export const IP_PASSSEC = 18;
export const IP_TRANSPARENT = 19;
export const IP_RECVORIGDSTADDR = 20;
export const IP_MINTTL = 21;
export const IP_NODEFRAG = 22;
export const IP_CHECKSUM = 23;
export const IP_BIND_ADDRESS_NO_PORT = 24;
export const IP_RECVFRAGSIZE = 25;
export const IP_RECVERR_RFC4884 = 26;

/** IP_MTU_DISCOVER values */
export const IP_PMTUDISC_DONT = 0;
export const IP_PMTUDISC_WANT = 1;
export const IP_PMTUDISC_DO = 2;
export const IP_PMTUDISC_PROBE = 3;
export const IP_PMTUDISC_INTERFACE = 4;
export const IP_PMTUDISC_OMIT = 5;

export const IP_MULTICAST_IF = 32;
export const IP_MULTICAST_TTL = 33;
export const IP_MULTICAST_LOOP = 34;
export const IP_ADD_MEMBERSHIP = 35;
export const IP_DROP_MEMBERSHIP = 36;
export const IP_MULTICAST_ALL = 49;
export const IP_UNICAST_IF = 50;

/** SOL_RAW options of an IPPROTO_ICMP raw socket (include/uapi/linux/icmp.h). */
export const ICMP_FILTER = 1;

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
