// Mirrors include/linux/skbuff.h: a packet and what the stack knows about it on its way.
import type { NetDevice } from "./dev.js";
import type { Sock } from "./sock.js";

import { ETH_P_IP } from "../../include/uapi/if_ether.js";

export { ETH_P_IP };

/*
 * skb->ip_summed (include/linux/skbuff.h): what is known of the transport checksum. NONE: nothing,
 * the receiver sums it. UNNECESSARY: a device verified it. PARTIAL: a local sender left it to the
 * device's offload; lo (NETIF_F_HW_CSUM | NETIF_F_RXCSUM) hands such an skb to its own receive path
 * as it is, and skb_csum_unnecessary() takes it as verified there.
 */
export const CHECKSUM_NONE = 0;
export const CHECKSUM_UNNECESSARY = 1;
export const CHECKSUM_COMPLETE = 2;
export const CHECKSUM_PARTIAL = 3;

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
  /** skb->ip_summed: CHECKSUM_NONE unless the sender or the device says more. */
  ip_summed = CHECKSUM_NONE;
  /**
   * skb->head: the buffer alloc_skb() made for this skb, null for an skb around bytes it does not
   * own; what of it lies in front of `data` is the headroom skb_push() takes headers from.
   */
  head: ArrayBufferLike | null = null;
  /**
   * skb->cloned: a clone shares this skb's buffer and wrote its headers into the headroom; the
   * next to send the data copies it instead (skb_cloned()).
   */
  cloned = false;

  constructor(public data: Uint8Array) {}

  get len(): number {
    return this.data.length;
  }

  /** skb->truesize: what the buffer costs against a socket's receive budget. */
  get truesize(): number {
    return Math.max(768, (this.data.length + 575) & ~63);
  }
}

/** skb_csum_unnecessary(skb): the transport checksum needs no verifying (include/linux/skbuff.h). */
export function skb_csum_unnecessary(skb: SkBuff): boolean {
  return skb.ip_summed === CHECKSUM_UNNECESSARY || skb.ip_summed === CHECKSUM_PARTIAL;
}

/**
 * alloc_skb(size): an empty skb whose buffer has room for `size` bytes, all of it tailroom until
 * skb_reserve() moves the start for the headers of the layers below and skb_put() adds data.
 */
export function alloc_skb(size: number): SkBuff {
  const head = new ArrayBuffer(size);
  const skb = new SkBuff(new Uint8Array(head, 0, 0));
  skb.head = head;
  return skb;
}

/** skb_headroom(skb): the bytes of its own buffer in front of `data`. */
export function skb_headroom(skb: SkBuff): number {
  return skb.head !== null && skb.data.buffer === skb.head ? skb.data.byteOffset : 0;
}

/** skb_tailroom(skb): the bytes of its own buffer after `data`. */
export function skb_tailroom(skb: SkBuff): number {
  return skb.head !== null && skb.data.buffer === skb.head ? skb.head.byteLength - skb.data.byteOffset - skb.data.length : 0;
}

/** skb_reserve(skb, len): move the start of an empty skb `len` bytes in, as headroom. */
export function skb_reserve(skb: SkBuff, len: number): void {
  if (skb.data.length || len > skb_tailroom(skb)) throw new Error(`skb_reserve: ${len} bytes in an skb of ${skb.data.length} with tailroom ${skb_tailroom(skb)}`);
  skb.data = new Uint8Array(skb.head!, skb.data.byteOffset + len, 0);
}

/** skb_put(skb, len): extend the data `len` bytes into the tailroom; the added bytes. */
export function skb_put(skb: SkBuff, len: number): Uint8Array {
  if (len > skb_tailroom(skb)) throw new Error(`skb_over_panic: put ${len} with tailroom ${skb_tailroom(skb)}`);
  const at = skb.data.length;
  skb.data = new Uint8Array(skb.head!, skb.data.byteOffset, at + len);
  return skb.data.subarray(at);
}

/** skb_push(skb, len): extend the data `len` bytes into the headroom, for a header; the new data. */
export function skb_push(skb: SkBuff, len: number): Uint8Array {
  if (len > skb_headroom(skb)) throw new Error(`skb_under_panic: push ${len} with headroom ${skb_headroom(skb)}`);
  skb.data = new Uint8Array(skb.head!, skb.data.byteOffset - len, skb.data.length + len);
  return skb.data;
}

/** __skb_trim(skb, len): keep the first `len` bytes; the rest becomes tailroom again. */
export function skb_trim(skb: SkBuff, len: number): void {
  skb.data = skb.data.subarray(0, len);
}

/** pskb_expand_head(skb, nhead, ntail): the data copied to a new buffer with that much more room around it. */
export function pskb_expand_head(skb: SkBuff, nhead: number, ntail: number): void {
  const len = skb.data.length;
  const headroom = skb_headroom(skb) + nhead;
  const head = new ArrayBuffer(headroom + len + skb_tailroom(skb) + ntail);
  const data = new Uint8Array(head, headroom, len);
  data.set(skb.data);
  skb.head = head;
  skb.data = data;
  skb.cloned = false;
}

/** skb_copy_expand(data, headroom): a new skb holding a copy of `data`, with `headroom` in front of it. */
export function skb_copy_expand(data: Uint8Array, headroom: number): SkBuff {
  const skb = alloc_skb(headroom + data.length);
  skb_reserve(skb, headroom);
  skb_put(skb, data.length).set(data);
  return skb;
}

/** skb_clone(skb): a new skb over the same buffer and data; both are cloned from now on. */
export function skb_clone(skb: SkBuff): SkBuff {
  const n = new SkBuff(skb.data);
  n.head = skb.head;
  n.cloned = skb.cloned = true;
  return n;
}
