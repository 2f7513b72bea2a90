// Mirrors include/net/inet_sock.h: the IPv4 part of a sock (addresses and ports, host order here),
// with the per-socket IP options of net/ipv4/ip_sockglue.c.
import { kptr, sock_kaddr } from "../core/sock.js";
import type { Sock } from "../core/sock.js";
import type { SkBuff } from "../core/skbuff.js";
import { IP_PMTUDISC_WANT } from "../../include/uapi/in.js";

/** TCP states that UDP reuses for sk_state (include/net/tcp_states.h). */
export { TCP_ESTABLISHED, TCP_CLOSE } from "./tcp_states.js";

/** inet->cmsg_flags: which ancillary data recvmsg would attach. */
export const IP_CMSG_PKTINFO = 1 << 0;
export const IP_CMSG_TTL = 1 << 1;
export const IP_CMSG_TOS = 1 << 2;
export const IP_CMSG_RECVOPTS = 1 << 3;
export const IP_CMSG_RETOPTS = 1 << 4;
export const IP_CMSG_PASSSEC = 1 << 5;
export const IP_CMSG_ORIGDSTADDR = 1 << 6;
export const IP_CMSG_CHECKSUM = 1 << 7;
export const IP_CMSG_RECVFRAGSIZE = 1 << 8;

export interface InetSock extends Sock {
  /** Bound local address (inet_rcv_saddr) and the source address used (inet_saddr). */
  inet_rcv_saddr: number;
  inet_saddr: number;
  /** Local port (inet_num); 0 when unbound. A raw socket's is its protocol. */
  inet_num: number;
  /**
   * The source port segments carry (inet_sport): TCP sets it with inet_num and keeps it when a
   * closing socket gives its port back; undefined for the protocols that use inet_num alone.
   */
  inet_sport?: number;
  inet_daddr: number;
  inet_dport: number;
  inet_id: number;
  /** IP_UNICAST_IF: the interface unicasts go out on (0: by route). */
  uc_index: number;
  /** IP_TTL; -1 means the default (sysctl ip_default_ttl). */
  uc_ttl: number;
  /** IP_TOS, a u8. */
  tos: number;
  /** IP_MINTTL, IP_MULTICAST_TTL, IP_MTU_DISCOVER (u8s). */
  min_ttl: number;
  mc_ttl: number;
  pmtudisc: number;
  /** IP_RECVERR, IP_HDRINCL, IP_FREEBIND, IP_MULTICAST_LOOP, ... (bit fields in C). */
  recverr: boolean;
  hdrincl: boolean;
  freebind: boolean;
  transparent: boolean;
  mc_loop: boolean;
  mc_all: boolean;
  nodefrag: boolean;
  bind_address_no_port: boolean;
  recverr_rfc4884: boolean;
  /** IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, ...: IP_CMSG_* bits. */
  cmsg_flags: number;
  sk_receive_queue: SkBuff[];
  sk_rmem_alloc: number;
  sk_drops: number;
  /** The uid of the socket's creator, for /proc/net/udp. */
  sk_uid: number;
  sk_ino: number;
  /** The stand-in kernel address of a sock from a slab of its own (TCP); see sk_kptr. */
  sk_kaddr?: number;
}

/**
 * The IPv4 fields of a new sock (inet_create, and a child in inet_csk_clone_lock): unbound,
 * IP_PMTUDISC_WANT, default TTLs. Set one by one, in the same order for every sock, so that a sock
 * that grows them (UDP, raw) takes one shape and one that has them (TCP's TcpSockSlab) keeps its own.
 */
export function inet_sk_init(inet: InetSock, uid: number, ino: number): void {
  inet.inet_rcv_saddr = 0;
  inet.inet_saddr = 0;
  inet.inet_num = 0;
  inet.inet_daddr = 0;
  inet.inet_dport = 0;
  inet.inet_id = 0;
  inet.uc_ttl = -1;
  inet.uc_index = 0;
  inet.tos = 0;
  inet.min_ttl = 0;
  inet.mc_ttl = 1;
  inet.pmtudisc = IP_PMTUDISC_WANT;
  inet.recverr = false;
  inet.hdrincl = false;
  inet.freebind = false;
  inet.transparent = false;
  inet.mc_loop = true;
  inet.mc_all = true;
  inet.nodefrag = false;
  inet.bind_address_no_port = false;
  inet.recverr_rfc4884 = false;
  inet.cmsg_flags = 0;
  inet.sk_receive_queue = [];
  inet.sk_rmem_alloc = 0;
  inet.sk_drops = 0;
  inet.sk_uid = uid;
  inet.sk_ino = ino;
}

export function inet_sk(sk: Sock): InetSock {
  return sk as InetSock;
}

/**
 * The `%pK` column of /proc/net/{udp,raw,tcp}: the hashed address of the sock, stable for its
 * life: its slab address when it has one (TCP socks, request and TIME_WAIT socks, which may have
 * no inode), else one derived from its inode number.
 */
export function sk_kptr(sk: { sk_ino?: number; sk_kaddr?: number }): string {
  return kptr(sk.sk_kaddr ?? sock_kaddr(sk.sk_ino ?? 0));
}
