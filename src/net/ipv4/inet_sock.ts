// Mirrors include/net/inet_sock.h: the IPv4 part of a sock (addresses and ports, host order here).
import type { Sock } from "../core/sock.js";
import type { SkBuff } from "../core/skbuff.js";

/** TCP states that UDP reuses for sk_state (include/net/tcp_states.h). */
export const TCP_ESTABLISHED = 1;
export const TCP_CLOSE = 7;

export interface InetSock extends Sock {
  /** Bound local address (inet_rcv_saddr) and the source address used (inet_saddr). */
  inet_rcv_saddr: number;
  inet_saddr: number;
  /** Local port (inet_num); 0 when unbound. */
  inet_num: number;
  inet_daddr: number;
  inet_dport: number;
  inet_id: number;
  uc_ttl: number;
  tos: number;
  recverr: boolean;
  hdrincl: boolean;
  sk_receive_queue: SkBuff[];
  sk_rmem_alloc: number;
  sk_drops: number;
  /** The uid of the socket's creator, for /proc/net/udp. */
  sk_uid: number;
  sk_ino: number;
}

export function inet_sk(sk: Sock): InetSock {
  return sk as InetSock;
}
