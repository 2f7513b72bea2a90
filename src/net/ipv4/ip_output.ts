// Mirrors net/ipv4/ip_output.c: build the IPv4 header (version 4, IHL 5, TOS, total length, ID,
// DF, TTL 64, protocol, header checksum, addresses) and hand the packet to the route's device.
import { SkBuff } from "../core/skbuff.js";
import { dev_queue_xmit } from "../core/dev.js";
import { ip_fast_csum } from "../../lib/checksum.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { ip_route_output } from "./route.js";
import { mib } from "./snmp.js";

export const IPDEFTTL = 64;
export const IP_DF = 0x4000;

export interface IpParams {
  saddr: number;
  daddr: number;
  protocol: number;
  tos?: number;
  ttl?: number;
  /** Set DF (path MTU discovery); ICMP errors go without it. */
  df?: boolean;
}

const ident = new WeakMap<Kernel, number>();

/** __ip_select_ident(): the next IP ID (a per-host counter starting at a random value). */
function ip_select_ident(k: Kernel): number {
  const id = ident.get(k) ?? k.random_u32() & 0xffff;
  ident.set(k, (id + 1) & 0xffff);
  return id;
}

/** An IPv4 packet around `payload`. */
export function ip_build(p: IpParams, payload: Uint8Array): Uint8Array {
  const k = current().kernel;
  const pkt = new Uint8Array(20 + payload.length);
  const dv = new DataView(pkt.buffer);
  dv.setUint8(0, 0x45);
  dv.setUint8(1, p.tos ?? 0);
  dv.setUint16(2, pkt.length);
  dv.setUint16(4, ip_select_ident(k));
  dv.setUint16(6, p.df === false ? 0 : IP_DF);
  dv.setUint8(8, p.ttl ?? IPDEFTTL);
  dv.setUint8(9, p.protocol);
  dv.setUint32(12, p.saddr >>> 0);
  dv.setUint32(16, p.daddr >>> 0);
  dv.setUint16(10, ip_fast_csum(pkt.subarray(0, 20)));
  pkt.set(payload, 20);
  return pkt;
}

/** ip_queue_xmit / ip_push_pending_frames: route, build, send. 0 or -errno. */
export function ip_send(p: IpParams, payload: Uint8Array): number {
  const m = mib();
  m.ip.OutRequests++;
  const rt = ip_route_output(p.daddr);
  if (typeof rt === "number") {
    m.ip.OutNoRoutes++;
    return rt;
  }
  const skb = new SkBuff(ip_build({ ...p, daddr: rt.daddr }, payload));
  skb.dev = rt.dev;
  return dev_queue_xmit(skb);
}
