// Mirrors include/linux/skbuff.h: a packet and what the stack knows about it on its way.
import type { NetDevice } from "./dev.js";
import type { Sock } from "./sock.js";

import { ETH_P_IP } from "../../include/uapi/if_ether.js";

export { ETH_P_IP };

/** struct sk_buff, reduced to a byte buffer that starts at the network header. */
export class SkBuff {
  dev: NetDevice | null = null;
  sk: Sock | null = null;
  /** skb->protocol in host order: the ethertype, or for netlink taps the netlink protocol. */
  protocol = ETH_P_IP;
  /** Offset of the transport header in `data`. */
  transport_header = 0;
  /** skb->cb: the control block of the layer that holds the skb (TCP_SKB_CB). */
  cb: unknown = null;
  /** skb->pkt_type: PACKET_HOST for what a device receives, PACKET_OUTGOING on the way out. */
  pkt_type = 0;
  /** skb->tstamp: when the device layer saw it, in nanoseconds since boot (0: not yet). */
  tstamp = 0;

  constructor(public data: Uint8Array) {}

  get len(): number {
    return this.data.length;
  }

  /** skb->truesize: what the buffer costs against a socket's receive budget. */
  get truesize(): number {
    return Math.max(768, (this.data.length + 575) & ~63);
  }
}
