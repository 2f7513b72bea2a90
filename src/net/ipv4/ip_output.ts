// Mirrors net/ipv4/ip_output.c: build the IPv4 header (version 4, IHL 5, TOS, total length, ID,
// DF, TTL 64, protocol, header checksum, addresses) and hand the packet to the route's device.
import { skb_copy_expand, skb_push, type SkBuff } from "../core/skbuff.js";
import { dev_queue_xmit } from "../core/dev.js";
import { ip_fast_csum } from "../../lib/checksum.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { ip_route_output } from "./route.js";
import { mib } from "./snmp.js";
import type { InetSock } from "./inet_sock.js";
import { IP_PMTUDISC_DO, IP_PMTUDISC_OMIT, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT } from "../../include/uapi/in.js";

export const IPDEFTTL = 64;
export const IP_DF = 0x4000;

export interface IpParams {
  saddr: number;
  daddr: number;
  protocol: number;
  tos?: number;
  ttl?: number;
  /** Set DF; without it (and without `sk`), DF is set. ICMP errors go without it. */
  df?: boolean;
  /** The sending socket: its IP_MTU_DISCOVER decides DF and how the IP ID is chosen. */
  sk?: InetSock | null;
  /** An IP ID chosen by the caller (TCP: the socket's inet_id, or 0 for replies with DF). */
  id?: number;
}

const ident = new WeakMap<Kernel, number>();

/** __ip_select_ident(): the next IP ID (a per-host counter starting at a random value). */
function __ip_select_ident(k: Kernel): number {
  const id = ident.get(k) ?? k.random_u32() & 0xffff;
  ident.set(k, (id + 1) & 0xffff);
  return id;
}

/**
 * The DF bit __ip_make_skb sets: for IP_PMTUDISC_DO and _PROBE, and for _WANT (ip_dont_fragment;
 * lo's MTU is never locked). Not for _DONT, _INTERFACE or _OMIT.
 */
function ip_sk_df(sk: InetSock): boolean {
  return sk.pmtudisc === IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_PROBE || sk.pmtudisc === IP_PMTUDISC_WANT;
}

/** ip_sk_ignore_df(): the sender lets the stack fragment despite DF (skb->ignore_df). */
function ip_sk_ignore_df(sk: InetSock): boolean {
  return sk.pmtudisc < IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_OMIT;
}

/**
 * ip_select_ident(net, skb, sk) (include/net/ip.h): a packet with DF that may not be fragmented
 * takes the socket's inet_id when connected (0 otherwise); every other packet the next ID.
 */
export function ip_select_ident(df: boolean, ignore_df: boolean, sk: InetSock | null): number {
  if (df && !ignore_df) {
    if (sk && sk.inet_daddr) return sk.inet_id++ & 0xffff;
    return 0;
  }
  return __ip_select_ident(current().kernel);
}

/** sizeof(struct iphdr): the IPv4 header without options, the headroom a transport leaves for it. */
export const IPHDR_LEN = 20;

/** The IPv4 header of `p` at the front of `pkt`, a packet of `pkt.length` bytes to `daddr`. */
function ip_build_header(p: IpParams, daddr: number, pkt: Uint8Array): void {
  const dv = new DataView(pkt.buffer, pkt.byteOffset, IPHDR_LEN);
  const sk = p.sk ?? null;
  const df = p.df ?? (sk ? ip_sk_df(sk) : true);
  dv.setUint8(0, 0x45);
  dv.setUint8(1, p.tos ?? 0);
  dv.setUint16(2, pkt.length);
  dv.setUint16(4, p.id ?? ip_select_ident(df, sk ? ip_sk_ignore_df(sk) : true, sk));
  dv.setUint16(6, df ? IP_DF : 0);
  dv.setUint8(8, p.ttl ?? IPDEFTTL);
  dv.setUint8(9, p.protocol);
  dv.setUint16(10, 0);
  dv.setUint32(12, p.saddr >>> 0);
  dv.setUint32(16, daddr >>> 0);
  dv.setUint16(10, ip_fast_csum(pkt.subarray(0, IPHDR_LEN)));
}

/** ip_local_out(skb): a finished packet (IP_HDRINCL) to its device, counted as sent. 0 or -errno. */
export function ip_local_out(skb: SkBuff): number {
  mib().ip.OutRequests++;
  return dev_queue_xmit(skb);
}

/**
 * ip_send_skb(p, skb): route, push the IPv4 header in front of the transport's data, send (the
 * __ip_queue_xmit of a transport that built its skb with IPHDR_LEN of headroom: the payload is not
 * copied again). 0 or -errno.
 */
export function ip_send_skb(p: IpParams, skb: SkBuff): number {
  const m = mib();
  m.ip.OutRequests++;
  const rt = ip_route_output(p.daddr);
  if (typeof rt === "number") {
    m.ip.OutNoRoutes++;
    return rt;
  }
  ip_build_header(p, rt.daddr, skb_push(skb, IPHDR_LEN));
  skb.dev = rt.dev;
  return dev_queue_xmit(skb);
}

/** ip_queue_xmit / ip_push_pending_frames: `payload` behind an IPv4 header; route, build, send. 0 or -errno. */
export function ip_send(p: IpParams, payload: Uint8Array): number {
  return ip_send_skb(p, skb_copy_expand(payload, IPHDR_LEN));
}
