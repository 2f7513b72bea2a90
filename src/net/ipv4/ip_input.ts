// Mirrors net/ipv4/ip_input.c: check a received IPv4 header and deliver the packet locally
// (ip_local_deliver_finish / ip_protocol_deliver_rcu): first a copy to every matching raw socket,
// then the protocol's handler; a protocol nobody takes is answered with protocol unreachable.
import { ip_fast_csum } from "../../lib/checksum.js";
import { IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_TCP, IPPROTO_UDP } from "../../include/uapi/in.js";
import type { SkBuff } from "../core/skbuff.js";
import { mib } from "./snmp.js";
import { icmp_rcv, icmp_send, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH } from "./icmp.js";
import { igmp_rcv } from "./igmp.js";
import { raw_local_deliver } from "./raw.js";
import { udp_rcv } from "./udp.js";
import { tcp_v4_rcv } from "./tcp_ipv4.js";

/** inet_protos[]: the protocols with a receive handler (net/ipv4/protocol.c, inet_add_protocol). */
const inet_protos: ReadonlyMap<number, (skb: SkBuff) => unknown> = new Map<number, (skb: SkBuff) => unknown>([
  [IPPROTO_ICMP, icmp_rcv],
  [IPPROTO_IGMP, igmp_rcv],
  [IPPROTO_TCP, tcp_v4_rcv],
  [IPPROTO_UDP, udp_rcv],
]);

/** ip_protocol_deliver_rcu(skb, protocol) */
function ip_protocol_deliver(skb: SkBuff, protocol: number): void {
  const m = mib();
  const raw = raw_local_deliver(skb, protocol);
  const handler = inet_protos.get(protocol);
  if (handler) {
    handler(skb);
    m.ip.InDelivers++;
  } else if (!raw) {
    m.ip.InUnknownProtos++;
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH);
  } else {
    m.ip.InDelivers++;
  }
}

/** ip_rcv(): drop a malformed packet, else deliver it. */
export function ip_rcv(skb: SkBuff): void {
  const m = mib();
  m.ip.InReceives++;
  const d = skb.data;
  const ihl = (d[0] & 0xf) * 4;
  if (d.length < 20 || d[0] >> 4 !== 4 || ihl < 20 || d.length < ihl || ip_fast_csum(d.subarray(0, ihl)) !== 0) {
    m.ip.InHdrErrors++;
    return;
  }
  const tot = (d[2] << 8) | d[3];
  if (tot > d.length || tot < ihl) {
    m.ip.InHdrErrors++;
    return;
  }
  skb.data = d.subarray(0, tot);
  skb.transport_header = ihl;
  ip_protocol_deliver(skb, d[9]);
}
