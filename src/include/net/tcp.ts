// Mirrors include/net/tcp.h: TCP's constants, sequence-number arithmetic, the control block a TCP
// segment carries through the stack (TCP_SKB_CB), struct tcphdr as read from a received packet,
// and the small inline helpers the tcp*.c files share.
import type { SkBuff } from "../../net/core/skbuff.js";
import { HZ } from "../../kernel/time/timer.js";
import { TCPHDR_FIN, TCPHDR_SYN } from "../uapi/tcp.js";

/** Sizes for 32-bit ARM with CONFIG_WLAN (LL_MAX_HEADER 96), no tunnels, 64-byte L1 lines:
 *  MAX_TCP_HEADER = L1_CACHE_ALIGN(128 + MAX_HEADER) = L1_CACHE_ALIGN(224) = 256. */
export const MAX_TCP_HEADER = 256;
/** The default MSS (RFC 1122) and the lowest one accepted. */
export const TCP_MSS_DEFAULT = 536;
export const TCP_MIN_MSS = 88;
export const TCP_BASE_MSS = 1024;
export const MAX_TCP_WINDOW = 32767;
export const TCP_MAX_WSCALE = 14;
export const TCP_INIT_CWND = 10;
export const TCP_INFINITE_SSTHRESH = 0x7fffffff;
export const TCP_MAX_QUICKACKS = 16;
export const TCP_PINGPONG_THRESH = 3;

/** Timers, in jiffies. */
export const TCP_TIMEWAIT_LEN = 60 * HZ; /* how long to wait to destroy TIME-WAIT state, about 60 seconds */
export const TCP_FIN_TIMEOUT = TCP_TIMEWAIT_LEN;
export const TCP_DELACK_MAX = HZ / 5; /* maximal time to delay before sending an ACK */
export const TCP_DELACK_MIN = HZ / 25; /* minimal time to delay before sending an ACK */
export const TCP_ATO_MIN = HZ / 25;
export const TCP_RTO_MAX = 120 * HZ;
export const TCP_RTO_MIN = HZ / 5;
export const TCP_TIMEOUT_INIT = 1 * HZ; /* RFC6298 2.1 initial RTO value */
export const TCP_RESOURCE_PROBE_INTERVAL = HZ / 2;
export const TCP_KEEPALIVE_TIME = 120 * 60 * HZ;
export const TCP_KEEPALIVE_PROBES = 9;
export const TCP_KEEPALIVE_INTVL = 75 * HZ;
/** Retries (sysctl defaults). */
export const TCP_SYN_RETRIES = 6;
export const TCP_SYNACK_RETRIES = 5;
export const TCP_RETR2 = 15;
export const TCP_ORPHAN_RETRIES = 8;

/** net.ipv4.tcp_rmem and tcp_wmem: min, default, max. */
export const sysctl_tcp_rmem = [4096, 131072, 6291456] as const;
export const sysctl_tcp_wmem = [4096, 16384, 4194304] as const;
/** net.ipv4.tcp_adv_win_scale */
export const sysctl_tcp_adv_win_scale = 1;
/** net.ipv4.tcp_fin_timeout, in jiffies */
export const sysctl_tcp_fin_timeout = TCP_FIN_TIMEOUT;

/** before(seq1, seq2): seq1 comes first in 32-bit sequence space. */
export function before(seq1: number, seq2: number): boolean {
  return ((seq1 - seq2) | 0) < 0;
}

/** after(seq2, seq1) */
export function after(seq2: number, seq1: number): boolean {
  return before(seq1, seq2);
}

/** between(seq1, seq2, seq3): seq2 <= seq1 <= seq3, in sequence space. */
export function between(seq1: number, seq2: number, seq3: number): boolean {
  return ((seq3 - seq2) >>> 0) >= ((seq1 - seq2) >>> 0);
}

/** A u32 sequence number plus `n`. */
export function seq_add(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/** TCPCB_* sacked bits */
export const TCPCB_RETRANS = 0x02; /* SKB retransmitted */
export const TCPCB_LOST = 0x04; /* SKB is lost */
export const TCPCB_EVER_RETRANS = 0x80; /* Ever retransmitted frame */

/**
 * struct tcp_skb_cb: where a segment sits in sequence space (end_seq counts SYN and FIN), its flags,
 * and when it was last sent (skb_mstamp_ns). A received segment also has its ack_seq and window.
 */
export interface TcpSkbCb {
  seq: number;
  end_seq: number;
  ack_seq: number;
  tcp_flags: number;
  sacked: number;
  /** skb->skb_mstamp_ns: when it was (last) sent, nanoseconds since boot. */
  tstamp_ns: number;
  /** What the skb was charged against the socket's buffers (skb->truesize at charge time). */
  truesize: number;
}

/** TCP_SKB_CB(skb): the skb's control block, created on first use. */
export function TCP_SKB_CB(skb: SkBuff): TcpSkbCb {
  if (!skb.cb) skb.cb = { seq: 0, end_seq: 0, ack_seq: 0, tcp_flags: 0, sacked: 0, tstamp_ns: 0, truesize: 0 } satisfies TcpSkbCb;
  return skb.cb as TcpSkbCb;
}

/** struct tcphdr, host order. */
export interface TcpHdr {
  source: number;
  dest: number;
  seq: number;
  ack_seq: number;
  /** Data offset in 32-bit words. */
  doff: number;
  /** The flag byte (TCPHDR_*). */
  flags: number;
  window: number;
  check: number;
  urg_ptr: number;
}

/** tcp_hdr(skb): the TCP header of a received packet (skb->data starts at the IP header). */
export function tcp_hdr(skb: SkBuff): TcpHdr {
  const d = skb.data;
  const dv = new DataView(d.buffer, d.byteOffset + skb.transport_header);
  return {
    source: dv.getUint16(0),
    dest: dv.getUint16(2),
    seq: dv.getUint32(4),
    ack_seq: dv.getUint32(8),
    doff: dv.getUint8(12) >> 4,
    flags: dv.getUint8(13),
    window: dv.getUint16(14),
    check: dv.getUint16(16),
    urg_ptr: dv.getUint16(18),
  };
}

/** tcp_skb_pcount(skb): segments an skb stands for (one MSS each). */
export function tcp_skb_pcount(skb: SkBuff, mss: number): number {
  return Math.max(1, Math.ceil(skb.len / Math.max(1, mss)));
}

/** The sequence space an skb occupies, SYN and FIN included. */
export function tcp_skb_seqlen(cb: TcpSkbCb): number {
  return (cb.end_seq - cb.seq) >>> 0;
}

/** Whether a segment carries SYN or FIN. */
export function tcp_skb_synfin(cb: TcpSkbCb): number {
  return ((cb.tcp_flags & TCPHDR_SYN) !== 0 ? 1 : 0) + ((cb.tcp_flags & TCPHDR_FIN) !== 0 ? 1 : 0);
}

/** tcp_win_from_space(sk, space): the window a buffer of `space` bytes can offer (tcp_adv_win_scale 1). */
export function tcp_win_from_space(space: number): number {
  const s = Math.max(0, space);
  return sysctl_tcp_adv_win_scale <= 0 ? s >> -sysctl_tcp_adv_win_scale : s - (s >> sysctl_tcp_adv_win_scale);
}
