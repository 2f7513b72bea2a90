// Mirrors net/ipv4/ip_input.c: check a received IPv4 header and deliver the packet to its protocol.
import { ip_fast_csum } from "../../lib/checksum.js";
import { IPPROTO_ICMP, IPPROTO_UDP } from "../../include/uapi/in.js";
import type { SkBuff } from "../core/skbuff.js";
import { mib } from "./snmp.js";
import { icmp_rcv } from "./icmp.js";
import { udp_rcv } from "./udp.js";

/** Protocol handlers (inet_protos[]) beyond the built-in UDP and ICMP, e.g. raw sockets. */
export const inet_protos = new Map<number, (skb: SkBuff) => void>();

/** ip_rcv(): drop a malformed packet, else ip_local_deliver. */
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
  m.ip.InDelivers++;
  const proto = d[9];
  if (proto === IPPROTO_UDP) udp_rcv(skb);
  else if (proto === IPPROTO_ICMP) icmp_rcv(skb);
  else {
    const h = inet_protos.get(proto);
    if (h) h(skb);
    else {
      m.ip.InDelivers--;
      m.ip.InUnknownProtos++;
    }
  }
}
