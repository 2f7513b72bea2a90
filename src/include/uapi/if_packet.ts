// Mirrors include/uapi/linux/if_packet.h: struct sockaddr_ll, the packet types, and the SOL_PACKET
// options kplay's packet sockets know.

/** sizeof(struct sockaddr_ll) */
export const SOCKADDR_LL_SIZE = 20;

/** sll_pkttype / skb->pkt_type */
export const PACKET_HOST = 0;
export const PACKET_BROADCAST = 1;
export const PACKET_MULTICAST = 2;
export const PACKET_OTHERHOST = 3;
export const PACKET_OUTGOING = 4;
export const PACKET_LOOPBACK = 5;
export const PACKET_USER = 6;
export const PACKET_KERNEL = 7;

export const SOL_PACKET = 263;
export const PACKET_ADD_MEMBERSHIP = 1;
export const PACKET_DROP_MEMBERSHIP = 2;
export const PACKET_STATISTICS = 6;

/** struct packet_mreq's mr_type */
export const PACKET_MR_MULTICAST = 0;
export const PACKET_MR_PROMISC = 1;
export const PACKET_MR_ALLMULTI = 2;

export interface SockaddrLl {
  sll_family: number;
  /** Host order here; network order on the wire. */
  sll_protocol: number;
  sll_ifindex: number;
  sll_hatype: number;
  sll_pkttype: number;
  sll_halen: number;
  sll_addr: Uint8Array;
}

/** struct sockaddr_ll in its 20 bytes (sll_protocol big-endian, as htons() leaves it). */
export function make_sockaddr_ll(a: SockaddrLl): Uint8Array {
  const b = new Uint8Array(SOCKADDR_LL_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, a.sll_family, true);
  dv.setUint16(2, a.sll_protocol);
  dv.setInt32(4, a.sll_ifindex, true);
  dv.setUint16(8, a.sll_hatype, true);
  dv.setUint8(10, a.sll_pkttype);
  dv.setUint8(11, a.sll_halen);
  b.set(a.sll_addr.subarray(0, 8), 12);
  return b;
}

export function parse_sockaddr_ll(b: Uint8Array): SockaddrLl {
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  return {
    sll_family: dv.getUint16(0, true),
    sll_protocol: dv.getUint16(2),
    sll_ifindex: dv.getInt32(4, true),
    sll_hatype: dv.getUint16(8, true),
    sll_pkttype: dv.getUint8(10),
    sll_halen: dv.getUint8(11),
    sll_addr: b.slice(12, 20),
  };
}
