// Mirrors net/ipv4/igmp.c's receive side as far as kplay needs it: igmp_rcv takes every IGMP
// message. kplay has no multicast; lo is only in the all-hosts group 224.0.0.1, for which a host
// never reports, so every message ends in igmp_rcv's drop (no ICMP error, no counter).
import type { SkBuff } from "../core/skbuff.js";

/** igmp_rcv(skb): 0, as for every message. */
export function igmp_rcv(_skb: SkBuff): number {
  return 0;
}
