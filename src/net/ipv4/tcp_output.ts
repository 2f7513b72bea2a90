// Mirrors net/ipv4/tcp_output.c: building and sending segments. __tcp_transmit_skb writes the TCP
// header and options (SYN: MSS, SACK_PERM+TS, NOP+WS in 5.15's order; later segments: NOP NOP TS,
// a 32-byte header) with a full checksum, and hands the segment to IP with the socket's next IP ID
// and DF. tcp_write_xmit sends the write queue within the peer's window, the congestion window and
// Nagle's rule; the window we advertise comes from tcp_select_window. Also the SYN (tcp_connect),
// FIN, RST, pure and delayed ACKs, window probes and retransmissions.
//
// Checksums: on lo, Linux leaves CHECKSUM_PARTIAL (the pseudo-header sum in the field) because the
// device "offloads" it, and the receiver takes a CHECKSUM_PARTIAL skb as verified. kplay computes
// the whole checksum, so a capture passes any checker, and marks the skb CHECKSUM_PARTIAL as
// tcp_v4_send_check does, so tcp_v4_rcv skips summing it again as Linux does; a segment from
// elsewhere (a raw or packet socket, a control-socket reply) is CHECKSUM_NONE and is verified.
import { csum_partial, csum_tcpudp_magic } from "../../lib/checksum.js";
import { IPPROTO_TCP, IP_PMTUDISC_DO, IP_PMTUDISC_PROBE, IP_PMTUDISC_WANT } from "../../include/uapi/in.js";
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_PSH, TCPHDR_RST, TCPHDR_SYN, TCPOLEN_MSS, TCPOLEN_SACK_PERM, TCPOLEN_TIMESTAMP, TCPOLEN_TSTAMP_ALIGNED, TCPOLEN_WINDOW, TCPOPT_MSS, TCPOPT_NOP, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WINDOW } from "../../include/uapi/tcp.js";
import { current } from "../../kernel/sched/task.js";
import { jiffies, usecs_to_jiffies } from "../../kernel/time/timer.js";
import { alloc_skb, CHECKSUM_PARTIAL, SkBuff, skb_clone, skb_copy_expand, skb_headroom, skb_push, skb_reserve } from "../core/skbuff.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import type { RequestSock } from "../../include/net/request_sock.js";
import {
  ICSK_ACK_PUSHED,
  ICSK_ACK_SCHED,
  ICSK_ACK_TIMER,
  ICSK_TIME_DACK,
  ICSK_TIME_LOSS_PROBE,
  ICSK_TIME_PROBE0,
  ICSK_TIME_RETRANS,
  inet_csk_clear_xmit_timer,
  inet_csk_in_pingpong_mode,
  inet_csk_inc_pingpong_cnt,
  inet_csk_reset_xmit_timer,
} from "../../include/net/inet_connection_sock.js";
import {
  after,
  before,
  MAX_TCP_HEADER,
  seq_add,
  sysctl_tcp_rmem,
  TCP_ATO_MIN,
  TCP_DELACK_MAX,
  TCP_DELACK_MIN,
  TCP_MAX_WSCALE,
  TCP_MIN_MSS,
  TCP_MSS_DEFAULT,
  TCP_RTO_MAX,
  TCP_RTO_MIN,
  TCP_SKB_CB,
  tcp_skb_pcount,
  tcp_win_from_space,
  TCPCB_EVER_RETRANS,
  TCPCB_LOST,
  TCPCB_RETRANS,
} from "../../include/net/tcp.js";
import { SYSCTL_RMEM_MAX } from "../core/sock.js";
import { IPHDR_LEN, ip_send_skb } from "./ip_output.js";
import { ip_route_output } from "./route.js";
import { mib } from "./snmp.js";
import { TCP_CLOSE } from "./tcp_states.js";
import { sk_stream_write_space } from "../core/stream.js";

/** Nagle bits of tp->nonagle */
export const TCP_NAGLE_OFF = 1; /* Nagle's algo is disabled */
export const TCP_NAGLE_CORK = 2; /* Socket is corked */
export const TCP_NAGLE_PUSH = 4; /* Cork is overridden for already queued data */

/** The bytes of the TCP options to send, and what they said. */
interface TcpOutOptions {
  mss: number;
  ts: { tsval: number; tsecr: number } | null;
  ws: number | null;
  sack_perm: boolean;
}

// ---- headers and options ------------------------------------------------------------------------

/** tcp_options_write(): the option bytes in 5.15's order. */
function tcp_options_write(opts: TcpOutOptions): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number): void => void out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  if (opts.mss) out.push(TCPOPT_MSS, TCPOLEN_MSS, opts.mss >> 8, opts.mss & 0xff);
  if (opts.ts) {
    if (opts.sack_perm) out.push(TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
    else out.push(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP);
    u32(opts.ts.tsval);
    u32(opts.ts.tsecr);
  } else if (opts.sack_perm) out.push(TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERM, TCPOLEN_SACK_PERM);
  if (opts.ws !== null) out.push(TCPOPT_NOP, TCPOPT_WINDOW, TCPOLEN_WINDOW, opts.ws);
  return new Uint8Array(out);
}

/** The fields of a TCP header, and the IPv4 addresses its checksum covers. */
export interface TcpHeader {
  saddr: number;
  daddr: number;
  source: number;
  dest: number;
  seq: number;
  ack_seq: number;
  flags: number;
  window: number;
  options: Uint8Array;
}

/** A TCP segment: header, options and payload. */
export interface TcpSegment extends TcpHeader {
  payload: Uint8Array;
}

/**
 * tcp_push_header(skb, h): push the TCP header and options in front of the skb's data, the payload,
 * and fill in the checksum over the IPv4 pseudo-header, computed whole: see the top of the file.
 */
function tcp_push_header(skb: SkBuff, h: TcpHeader): void {
  const hlen = 20 + h.options.length;
  const b = skb_push(skb, hlen);
  const dv = new DataView(b.buffer, b.byteOffset, hlen);
  dv.setUint16(0, h.source);
  dv.setUint16(2, h.dest);
  dv.setUint32(4, h.seq >>> 0);
  dv.setUint32(8, h.ack_seq >>> 0);
  dv.setUint8(12, (hlen / 4) << 4);
  dv.setUint8(13, h.flags);
  dv.setUint16(14, h.window);
  dv.setUint16(16, 0);
  dv.setUint16(18, 0);
  b.set(h.options, 20);
  dv.setUint16(16, csum_tcpudp_magic(h.saddr, h.daddr, b.length, IPPROTO_TCP, csum_partial(b)));
}

/** tcp_build_segment(s): a segment in a new skb, with room in front for the IP header. */
export function tcp_build_segment(s: TcpSegment): SkBuff {
  const skb = skb_copy_expand(s.payload, IPHDR_LEN + 20 + s.options.length);
  tcp_push_header(skb, s);
  return skb;
}

/** tcp_skb_timestamp / tcp_time_stamp: the TCP timestamp clock, milliseconds since boot. */
export function tcp_time_stamp(): number {
  return Math.floor(current().kernel.clock.now() / 1e6) >>> 0;
}

/** tcp_clock_us(): microseconds since boot. */
export function tcp_clock_us(): number {
  return Math.floor(current().kernel.clock.now() / 1e3);
}

/** ip_dont_fragment(sk, dst): DF for IP_PMTUDISC_DO, _PROBE and _WANT (lo's MTU is never locked). */
function ip_dont_fragment(sk: TcpSock): boolean {
  return sk.pmtudisc === IP_PMTUDISC_DO || sk.pmtudisc === IP_PMTUDISC_PROBE || sk.pmtudisc === IP_PMTUDISC_WANT;
}

/** ip_queue_xmit(sk, skb): a connected socket's segment to IP, with the next of its IP IDs. */
function ip_queue_xmit(sk: TcpSock, seg: SkBuff, pcount: number): number {
  const df = ip_dont_fragment(sk);
  const id = sk.inet_id & 0xffff;
  sk.inet_id = (sk.inet_id + pcount) & 0xffff;
  return ip_send_skb({ saddr: sk.inet_saddr, daddr: sk.inet_daddr, protocol: IPPROTO_TCP, tos: sk.tos, ttl: sk.uc_ttl > 0 ? sk.uc_ttl : undefined, df, id }, seg);
}

// ---- windows ------------------------------------------------------------------------------------

/** tcp_space(sk): the window the free receive buffer allows. */
export function tcp_space(sk: TcpSock): number {
  return tcp_win_from_space(sk.sk_rcvbuf - sk.sk_rmem_alloc);
}

/** tcp_full_space(sk): the window the whole receive buffer allows. */
export function tcp_full_space(sk: TcpSock): number {
  return tcp_win_from_space(sk.sk_rcvbuf);
}

/** tcp_receive_window(tp): how much of the window we advertised is still open. */
export function tcp_receive_window(tp: TcpSock): number {
  const win = (tp.rcv_wup + tp.rcv_wnd - tp.rcv_nxt) | 0;
  return win < 0 ? 0 : win;
}

/** ilog2() */
function ilog2(v: number): number {
  return 31 - Math.clz32(v);
}

/**
 * tcp_select_initial_window(sk, space, mss, ...): the first window to offer, rounded to the MSS, and
 * the window scale: enough to cover tcp_rmem[2] (6 MiB gives 7).
 */
export function tcp_select_initial_window(space: number, mss: number, clamp: { window_clamp: number }, wscale_ok: boolean, init_rcv_wnd: number): { rcv_wnd: number; rcv_wscale: number } {
  space = Math.max(0, space);
  /* If no clamp set the clamp to the max possible scaled window */
  if (clamp.window_clamp === 0) clamp.window_clamp = 65535 * 2 ** TCP_MAX_WSCALE;
  space = Math.min(clamp.window_clamp, space);
  /* Quantize space offering to a multiple of mss if possible. */
  if (space > mss) space = space - (space % mss);
  let rcv_wnd = Math.min(space, 0xffff);
  if (init_rcv_wnd) rcv_wnd = Math.min(rcv_wnd, init_rcv_wnd * mss);
  let rcv_wscale = 0;
  if (wscale_ok) {
    /* Set window scaling on max possible window */
    space = Math.max(space, sysctl_tcp_rmem[2], SYSCTL_RMEM_MAX);
    space = Math.min(space, clamp.window_clamp);
    rcv_wscale = Math.max(0, Math.min(TCP_MAX_WSCALE, ilog2(space) - 15));
  }
  /* Set the clamp no higher than max representable value */
  clamp.window_clamp = Math.min(65535 * 2 ** rcv_wscale, clamp.window_clamp);
  return { rcv_wnd, rcv_wscale };
}

/**
 * __tcp_select_window(sk): the window the free buffer allows now. Below half the full space it
 * rounds down and offers 0 when less than an MSS (or 1/16 of the buffer) is free (receiver-side
 * silly window avoidance); with window scaling it is aligned up to the scale unit.
 */
export function __tcp_select_window(sk: TcpSock): number {
  let mss = sk.icsk_ack.rcv_mss;
  let free_space = tcp_space(sk);
  const allowed_space = tcp_full_space(sk);
  const full_space = Math.min(sk.window_clamp, allowed_space);
  if (mss > full_space) {
    mss = full_space;
    if (mss <= 0) return 0;
  }
  if (free_space < full_space >> 1) {
    sk.icsk_ack.quick = 0;
    /* free_space might become our new window, make sure we don't increase it due to wscale. */
    free_space &= ~((1 << sk.rx_opt.rcv_wscale) - 1);
    /* if free space is less than mss estimate, or is below 1/16th of the maximum allowed, try to move to zero-window */
    if (free_space < allowed_space >> 4 || free_space < mss) return 0;
  }
  if (free_space > sk.rcv_ssthresh) free_space = sk.rcv_ssthresh;
  let window: number;
  if (sk.rx_opt.rcv_wscale) {
    /* Advertise enough space so that it won't get scaled away. */
    const unit = 1 << sk.rx_opt.rcv_wscale;
    window = Math.ceil(free_space / unit) * unit;
  } else {
    window = sk.rcv_wnd;
    if (window <= free_space - mss || window > free_space) window = free_space - (free_space % mss);
    else if (mss === full_space && free_space > window + (full_space >> 1)) window = free_space;
  }
  return window;
}

/** tcp_select_window(sk): the scaled window field for the next segment; never shrinks what was offered. */
function tcp_select_window(sk: TcpSock): number {
  const cur_win = tcp_receive_window(sk);
  let new_win = __tcp_select_window(sk);
  /* Never shrink the offered window */
  if (new_win < cur_win) {
    const unit = 1 << sk.rx_opt.rcv_wscale;
    new_win = Math.ceil(cur_win / unit) * unit;
  }
  sk.rcv_wnd = new_win;
  sk.rcv_wup = sk.rcv_nxt;
  /* Make sure we do not exceed the maximum possible scaled window. */
  new_win = Math.min(new_win, 65535 * 2 ** sk.rx_opt.rcv_wscale);
  /* RFC1323 scaling applied */
  return Math.floor(new_win / 2 ** sk.rx_opt.rcv_wscale);
}

// ---- MSS ----------------------------------------------------------------------------------------

/** ipv4_default_advmss(): the MSS a route allows (lo: 65535 - 40 = 65495). */
export function dst_metric_advmss(daddr: number): number {
  const rt = ip_route_output(daddr);
  const mtu = typeof rt === "number" ? 1500 : rt.dev.mtu;
  return Math.max(mtu - 40, 256) > 65535 - 40 ? 65535 - 40 : Math.max(mtu - 40, 256);
}

/** The route's MTU (dst_mtu), for tcp_sync_mss. */
export function dst_mtu(daddr: number): number {
  const rt = ip_route_output(daddr);
  return typeof rt === "number" ? 1500 : Math.min(rt.dev.mtu, 65535);
}

/** tcp_mss_clamp(tp, mss): TCP_MAXSEG if set and lower. */
export function tcp_mss_clamp(tp: TcpSock, mss: number): number {
  return tp.rx_opt.user_mss && tp.rx_opt.user_mss < mss ? tp.rx_opt.user_mss : mss;
}

/** tcp_mtu_to_mss(sk, pmtu): payload per segment for a path MTU (headers and TS option off). */
export function tcp_mtu_to_mss(sk: TcpSock, pmtu: number): number {
  let mss_now = pmtu - 20 - 20;
  if (mss_now > sk.rx_opt.mss_clamp) mss_now = sk.rx_opt.mss_clamp;
  if (mss_now < 48) mss_now = 48;
  return mss_now - (sk.tcp_header_len - 20);
}

/** tcp_bound_to_half_wnd(tp, pktsize): no segment above half the largest window the peer offered. */
export function tcp_bound_to_half_wnd(tp: TcpSock, pktsize: number): number {
  const cutoff = tp.max_window > TCP_MSS_DEFAULT ? tp.max_window >> 1 : tp.max_window;
  if (cutoff && pktsize > cutoff) return Math.max(cutoff, 68 - tp.tcp_header_len);
  return pktsize;
}

/** tcp_sync_mss(sk, pmtu): recompute and cache the sending MSS. */
export function tcp_sync_mss(sk: TcpSock, pmtu: number): number {
  let mss_now = tcp_mtu_to_mss(sk, pmtu);
  mss_now = tcp_bound_to_half_wnd(sk, mss_now);
  sk.icsk_pmtu_cookie = pmtu;
  sk.mss_cache = mss_now;
  return mss_now;
}

/** tcp_current_mss(sk): the MSS for the next segment. */
export function tcp_current_mss(sk: TcpSock): number {
  const mtu = dst_mtu(sk.inet_daddr);
  if (mtu !== sk.icsk_pmtu_cookie) return tcp_sync_mss(sk, mtu);
  return sk.mss_cache;
}

/** tcp_initialize_rcv_mss(sk): the first guess at the peer's segment size, for ACK decisions. */
export function tcp_initialize_rcv_mss(sk: TcpSock): void {
  let hint = Math.min(sk.advmss, sk.mss_cache);
  hint = Math.min(hint, sk.rcv_wnd >> 1);
  hint = Math.min(hint, TCP_MSS_DEFAULT);
  hint = Math.max(hint, TCP_MIN_MSS);
  sk.icsk_ack.rcv_mss = hint;
}

// ---- transmitting -------------------------------------------------------------------------------

/** tcp_established_options(): the timestamp option when it was negotiated. */
function tcp_established_options(sk: TcpSock, skb: SkBuff): TcpOutOptions {
  const ts = sk.rx_opt.tstamp_ok ? { tsval: seq_add(Math.floor(TCP_SKB_CB(skb).tstamp_ns / 1e6), sk.tsoffset), tsecr: sk.rx_opt.ts_recent } : null;
  return { mss: 0, ts, ws: null, sack_perm: false };
}

/** tcp_syn_options(): MSS always; TS, WS and SACK_PERM as the sysctls (all on) allow. */
function tcp_syn_options(sk: TcpSock, skb: SkBuff): TcpOutOptions {
  return {
    mss: tcp_advertise_mss(sk),
    ts: { tsval: seq_add(Math.floor(TCP_SKB_CB(skb).tstamp_ns / 1e6), sk.tsoffset), tsecr: sk.rx_opt.ts_recent },
    ws: sk.rx_opt.rcv_wscale,
    sack_perm: true,
  };
}

/** tcp_advertise_mss(sk): the MSS our SYN offers. */
function tcp_advertise_mss(sk: TcpSock): number {
  const metric = dst_metric_advmss(sk.inet_daddr);
  if (metric < sk.advmss) sk.advmss = metric;
  return sk.advmss & 0xffff;
}

/** tcp_event_data_sent(): a reply within ato of received data makes the session interactive. */
function tcp_event_data_sent(sk: TcpSock): void {
  const now = jiffies();
  sk.lsndtime = now;
  if (now - sk.icsk_ack.lrcvtime < sk.icsk_ack.ato) inet_csk_inc_pingpong_cnt(sk);
}

/** tcp_dec_quickack_mode(sk, pkts) */
function tcp_dec_quickack_mode(sk: TcpSock, pkts: number): void {
  if (sk.icsk_ack.quick) {
    if (pkts >= sk.icsk_ack.quick) {
      sk.icsk_ack.quick = 0;
      /* Leaving quickack mode we deflate ATO. */
      sk.icsk_ack.ato = TCP_ATO_MIN;
    } else sk.icsk_ack.quick -= pkts;
  }
}

/** tcp_event_ack_sent(): an ACK went out; no delayed one is owed. */
function tcp_event_ack_sent(sk: TcpSock, pkts: number, rcv_nxt: number): void {
  if (rcv_nxt !== sk.rcv_nxt) return;
  tcp_dec_quickack_mode(sk, pkts);
  inet_csk_clear_xmit_timer(sk, ICSK_TIME_DACK);
}

/**
 * __tcp_transmit_skb(sk, skb, rcv_nxt): send one segment of the socket. SYN and SYN-ACK windows are
 * not scaled; every other segment carries tcp_select_window(). 0 or -errno.
 */
export function __tcp_transmit_skb(sk: TcpSock, skb: SkBuff, rcv_nxt: number): number {
  const tcb = TCP_SKB_CB(skb);
  const m = mib();
  const mss = sk.mss_cache;
  const pcount = tcp_skb_pcount(skb, mss);
  tcb.tstamp_ns = current().kernel.clock.now();
  const syn = (tcb.tcp_flags & TCPHDR_SYN) !== 0;
  const opts = syn ? tcp_syn_options(sk, skb) : tcp_established_options(sk, skb);
  const window = syn ? Math.min(sk.rcv_wnd, 65535) : tcp_select_window(sk);
  const options = tcp_options_write(opts);
  /*
   * The first transmission clones the queued skb and pushes the headers into its headroom (the
   * MAX_TCP_HEADER sk_stream_alloc_skb reserved), so lo's receiver gets the payload without a copy,
   * as on Linux. A clone's headers stay in that room, so a retransmission (skb_cloned()) copies.
   */
  const hroom = IPHDR_LEN + 20 + options.length;
  const seg = !skb.cloned && skb_headroom(skb) >= hroom ? skb_clone(skb) : skb_copy_expand(skb.data, hroom);
  tcp_push_header(seg, { saddr: sk.inet_saddr, daddr: sk.inet_daddr, source: sk.inet_sport ?? sk.inet_num, dest: sk.inet_dport, seq: tcb.seq, ack_seq: tcb.tcp_flags & TCPHDR_ACK ? rcv_nxt : 0, flags: tcb.tcp_flags, window, options });
  /* tcp_v4_send_check(): left to the device's offload, which lo takes as done (see the top) */
  seg.ip_summed = CHECKSUM_PARTIAL;
  if (tcb.tcp_flags & TCPHDR_ACK) tcp_event_ack_sent(sk, pcount, rcv_nxt);
  if (skb.len) {
    tcp_event_data_sent(sk);
    sk.data_segs_out += pcount;
    sk.bytes_sent += skb.len;
  }
  if (after(tcb.end_seq, sk.snd_nxt) || tcb.seq === tcb.end_seq) m.tcp.OutSegs += pcount;
  sk.segs_out += pcount;
  return ip_queue_xmit(sk, seg, pcount);
}

export function tcp_transmit_skb(sk: TcpSock, skb: SkBuff): number {
  return __tcp_transmit_skb(sk, skb, sk.rcv_nxt);
}

/** tcp_init_nondata_skb(skb, seq, flags): a segment without data; SYN and FIN take a sequence number. */
export function tcp_init_nondata_skb(skb: SkBuff, seq: number, flags: number): void {
  const cb = TCP_SKB_CB(skb);
  cb.tcp_flags = flags;
  cb.sacked = 0;
  cb.seq = seq;
  cb.end_seq = flags & (TCPHDR_SYN | TCPHDR_FIN) ? seq_add(seq, 1) : seq;
}

/**
 * An empty skb for the write queue with room for `size` bytes of data, charged to the socket
 * (sk_stream_alloc_skb + sk_wmem_queued_add; the charge follows the data, not the room).
 */
export function sk_stream_alloc_skb(sk: TcpSock, size: number): SkBuff {
  const skb = alloc_skb(MAX_TCP_HEADER + size);
  skb_reserve(skb, MAX_TCP_HEADER);
  const cb = TCP_SKB_CB(skb);
  cb.truesize = MAX_TCP_HEADER + skb.truesize;
  sk.sk_wmem_queued += cb.truesize;
  return skb;
}

/** Uncharge and drop a write-queue skb (sk_wmem_free_skb). */
export function sk_wmem_free_skb(sk: TcpSock, skb: SkBuff): void {
  sk.sk_wmem_queued -= TCP_SKB_CB(skb).truesize;
}

/** tcp_queue_skb(sk, skb): append to the write queue. */
function tcp_queue_skb(sk: TcpSock, skb: SkBuff): void {
  sk.write_seq = TCP_SKB_CB(skb).end_seq;
  sk.sk_write_queue.push(skb);
}

/** tcp_send_head(sk): the first skb not sent yet. */
export function tcp_send_head(sk: TcpSock): SkBuff | undefined {
  return sk.sk_write_queue[0];
}

/** tcp_wnd_end(tp): the right edge of the peer's window. */
export function tcp_wnd_end(tp: TcpSock): number {
  return seq_add(tp.snd_una, tp.snd_wnd);
}

/** tcp_packets_in_flight(tp) */
export function tcp_packets_in_flight(tp: TcpSock): number {
  return tp.packets_out - (tp.sacked_out + tp.lost_out) + tp.retrans_out;
}

/** tcp_rearm_rto(sk): the retransmit timer runs while anything is unacknowledged. */
export function tcp_rearm_rto(sk: TcpSock): void {
  if (!sk.packets_out) inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
  else inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, sk.icsk_rto, TCP_RTO_MAX);
}

/** tcp_event_new_data_sent(sk, skb): the skb moves to the retransmit queue. */
function tcp_event_new_data_sent(sk: TcpSock, skb: SkBuff): void {
  const prior_packets = sk.packets_out;
  sk.snd_nxt = TCP_SKB_CB(skb).end_seq;
  sk.sk_write_queue.shift();
  sk.tcp_rtx_queue.push(skb);
  sk.packets_out += tcp_skb_pcount(skb, sk.mss_cache);
  if (!prior_packets || sk.icsk_pending === ICSK_TIME_LOSS_PROBE) tcp_rearm_rto(sk);
  tcp_check_space(sk);
}

/** tcp_check_space(sk): wake writers when the send buffer has room again. */
export function tcp_check_space(sk: TcpSock): void {
  sk_stream_write_space(sk);
}

/** tcp_minshall_update(): remember the end of the last small segment (Nagle, Minshall's variant). */
function tcp_minshall_update(tp: TcpSock, mss_now: number, skb: SkBuff): void {
  if (skb.len < tcp_skb_pcount(skb, mss_now) * mss_now) tp.snd_sml = TCP_SKB_CB(skb).end_seq;
}

/** tcp_minshall_check(tp): a small segment is still unacknowledged. */
function tcp_minshall_check(tp: TcpSock): boolean {
  return after(tp.snd_sml, tp.snd_una) && !after(tp.snd_sml, tp.snd_nxt);
}

/** tcp_nagle_test(): may this segment go now? Small ones wait while a small one is unacknowledged. */
function tcp_nagle_test(tp: TcpSock, skb: SkBuff, cur_mss: number, nonagle: number): boolean {
  if (nonagle & TCP_NAGLE_PUSH) return true;
  /* Don't use the nagle rule for urgent data (or for the final FIN). */
  if (TCP_SKB_CB(skb).tcp_flags & TCPHDR_FIN) return true;
  const partial = skb.len < cur_mss;
  const hold = partial && ((nonagle & TCP_NAGLE_CORK) !== 0 || (!nonagle && tp.packets_out > 0 && tcp_minshall_check(tp)));
  return !hold;
}

/** tcp_snd_wnd_test(): does the segment (up to an MSS of it) fit in the peer's window? */
function tcp_snd_wnd_test(tp: TcpSock, skb: SkBuff, cur_mss: number): boolean {
  const cb = TCP_SKB_CB(skb);
  let end_seq = cb.end_seq;
  if (skb.len > cur_mss) end_seq = seq_add(cb.seq, cur_mss);
  return !after(end_seq, tcp_wnd_end(tp));
}

/** tcp_cwnd_test(): how many segments the congestion window still allows (the final FIN always goes). */
function tcp_cwnd_test(tp: TcpSock, skb: SkBuff): number {
  if (TCP_SKB_CB(skb).tcp_flags & TCPHDR_FIN && skb.len <= tp.mss_cache) return 1;
  const in_flight = tcp_packets_in_flight(tp);
  const cwnd = tp.snd_cwnd;
  if (in_flight >= cwnd) return 0;
  const halfcwnd = Math.max(cwnd >> 1, 1);
  return Math.min(halfcwnd, cwnd - in_flight);
}

/**
 * tcp_fragment(sk, queue, skb, len): split `skb` after `len` bytes; the tail (with FIN and PSH)
 * becomes a new skb right after it in the same queue.
 */
export function tcp_fragment(_sk: TcpSock, queue: SkBuff[], skb: SkBuff, len: number): SkBuff {
  const cb = TCP_SKB_CB(skb);
  const buff = new SkBuff(skb.data.subarray(len));
  const bcb = TCP_SKB_CB(buff);
  skb.data = skb.data.subarray(0, len);
  /* The two now share one buffer: neither may grow into the other (skb_put) or push in front. */
  skb.head = null;
  bcb.seq = seq_add(cb.seq, len);
  bcb.end_seq = cb.end_seq;
  cb.end_seq = bcb.seq;
  const flags = cb.tcp_flags;
  cb.tcp_flags = flags & ~(TCPHDR_FIN | TCPHDR_PSH);
  bcb.tcp_flags = flags;
  bcb.sacked = cb.sacked;
  bcb.tstamp_ns = cb.tstamp_ns;
  /* Split the charge in proportion (truesize is kept whole, as the pages are shared). */
  const total = cb.truesize;
  cb.truesize = Math.ceil((total * len) / Math.max(1, len + buff.len));
  bcb.truesize = total - cb.truesize;
  queue.splice(queue.indexOf(skb) + 1, 0, buff);
  return buff;
}

/**
 * tcp_write_xmit(sk, mss_now, nonagle, push_one): send from the write queue while the congestion
 * window, the peer's window and Nagle allow. True when nothing is in flight and data is left (the
 * caller starts the zero-window probe timer).
 */
function tcp_write_xmit(sk: TcpSock, mss_now: number, nonagle: number, push_one: boolean): boolean {
  let sent_pkts = 0;
  let is_cwnd_limited = false;
  for (let skb = tcp_send_head(sk); skb; skb = tcp_send_head(sk)) {
    const cwnd_quota = tcp_cwnd_test(sk, skb);
    if (!cwnd_quota) {
      is_cwnd_limited = true;
      break;
    }
    if (!tcp_snd_wnd_test(sk, skb, mss_now)) break;
    const last = sk.sk_write_queue[sk.sk_write_queue.length - 1] === skb;
    if (!tcp_nagle_test(sk, skb, mss_now, last ? nonagle : TCP_NAGLE_PUSH)) break;
    if (skb.len > mss_now) tcp_fragment(sk, sk.sk_write_queue, skb, mss_now);
    const cb = TCP_SKB_CB(skb);
    /* Argh, we hit an empty skb(), presumably a thread is sleeping in sendmsg(). */
    if (cb.end_seq === cb.seq) break;
    if (tcp_transmit_skb(sk, skb)) break;
    tcp_event_new_data_sent(sk, skb);
    tcp_minshall_update(sk, mss_now, skb);
    sent_pkts += tcp_skb_pcount(skb, mss_now);
    if (push_one) break;
  }
  is_cwnd_limited ||= tcp_packets_in_flight(sk) >= sk.snd_cwnd;
  if (sent_pkts || is_cwnd_limited) tcp_cwnd_validate(sk, is_cwnd_limited);
  if (sent_pkts) return false;
  return !sk.packets_out && sk.sk_write_queue.length > 0;
}

/** tcp_cwnd_validate(): remember the largest flight of this window, and whether cwnd limited it. */
function tcp_cwnd_validate(tp: TcpSock, is_cwnd_limited: boolean): void {
  if (!before(tp.snd_una, tp.max_packets_seq) || tp.packets_out > tp.max_packets_out || is_cwnd_limited) {
    tp.max_packets_out = tp.packets_out;
    tp.max_packets_seq = tp.snd_nxt;
    tp.is_cwnd_limited = is_cwnd_limited;
  }
}

/** tcp_probe0_base(sk) */
export function tcp_probe0_base(sk: TcpSock): number {
  return Math.max(sk.icsk_rto, TCP_RTO_MIN);
}

/** tcp_probe0_when(sk, max_when): the probe interval, backed off. */
export function tcp_probe0_when(sk: TcpSock, max_when: number): number {
  return Math.min(tcp_probe0_base(sk) * 2 ** sk.icsk_backoff, max_when);
}

/** tcp_check_probe_timer(sk): probe a zero window when nothing is in flight to learn of it otherwise. */
function tcp_check_probe_timer(sk: TcpSock): void {
  if (!sk.packets_out && !sk.icsk_pending) inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_probe0_base(sk), TCP_RTO_MAX);
}

/** __tcp_push_pending_frames(sk, cur_mss, nonagle) */
export function __tcp_push_pending_frames(sk: TcpSock, cur_mss: number, nonagle: number): void {
  /* If we are closed, the bytes will have to remain here. */
  if (sk.sk_state === TCP_CLOSE) return;
  if (tcp_write_xmit(sk, cur_mss, nonagle, false)) tcp_check_probe_timer(sk);
}

/** tcp_push_pending_frames(sk) */
export function tcp_push_pending_frames(sk: TcpSock): void {
  if (tcp_send_head(sk)) __tcp_push_pending_frames(sk, tcp_current_mss(sk), sk.nonagle);
}

/** tcp_push_one(sk, mss_now): send the head of the write queue alone if it may go. */
export function tcp_push_one(sk: TcpSock, mss_now: number): void {
  tcp_write_xmit(sk, mss_now, TCP_NAGLE_PUSH, true);
}

/**
 * tcp_retransmit_skb(sk, skb): send `skb` again (Karn: it no longer gives RTT samples). Counted in
 * RetransSegs, not OutSegs. 0 or -errno.
 */
export function tcp_retransmit_skb(sk: TcpSock, skb: SkBuff): number {
  const cb = TCP_SKB_CB(skb);
  /* Inconclusive MTU probe / partially acked: trim what the peer has. */
  if (before(cb.seq, sk.snd_una) && skb.len) {
    const acked = (sk.snd_una - cb.seq) >>> 0;
    skb.data = skb.data.subarray(Math.min(acked, skb.len));
    cb.seq = sk.snd_una;
  }
  const cur_mss = tcp_current_mss(sk);
  if (skb.len > cur_mss) tcp_fragment(sk, sk.tcp_rtx_queue, skb, cur_mss);
  const segs = tcp_skb_pcount(skb, cur_mss);
  const err = tcp_transmit_skb(sk, skb);
  if (err) return err;
  mib().tcp.RetransSegs += segs;
  sk.total_retrans += segs;
  sk.bytes_retrans += skb.len;
  if (!(cb.sacked & TCPCB_RETRANS)) sk.retrans_out += segs;
  cb.sacked |= TCPCB_RETRANS | TCPCB_EVER_RETRANS;
  if (!sk.retrans_stamp) sk.retrans_stamp = tcp_time_stamp();
  return 0;
}

/** tcp_xmit_retransmit_queue(sk): resend the segments marked lost, within the congestion window. */
export function tcp_xmit_retransmit_queue(sk: TcpSock): void {
  if (!sk.packets_out) return;
  for (const skb of [...sk.tcp_rtx_queue]) {
    const cb = TCP_SKB_CB(skb);
    if (tcp_packets_in_flight(sk) >= sk.snd_cwnd) break;
    if (!(cb.sacked & TCPCB_LOST) || cb.sacked & TCPCB_RETRANS) continue;
    if (tcp_retransmit_skb(sk, skb)) break;
    if (skb === sk.tcp_rtx_queue[0]) tcp_rearm_rto(sk);
  }
}

/** tcp_acceptable_seq(sk): the sequence number a segment without data may carry. */
function tcp_acceptable_seq(sk: TcpSock): number {
  if (!before(tcp_wnd_end(sk), sk.snd_nxt)) return sk.snd_nxt;
  return tcp_wnd_end(sk);
}

/** tcp_send_fin(sk): queue a FIN (on the last unsent skb when there is one) and push. */
export function tcp_send_fin(sk: TcpSock): void {
  const tail = sk.sk_write_queue[sk.sk_write_queue.length - 1];
  if (tail) {
    const cb = TCP_SKB_CB(tail);
    cb.tcp_flags |= TCPHDR_FIN;
    cb.end_seq = seq_add(cb.end_seq, 1);
    sk.write_seq = seq_add(sk.write_seq, 1);
  } else {
    const skb = sk_stream_alloc_skb(sk, 0);
    tcp_init_nondata_skb(skb, sk.write_seq, TCPHDR_ACK | TCPHDR_FIN);
    tcp_queue_skb(sk, skb);
  }
  __tcp_push_pending_frames(sk, tcp_current_mss(sk), TCP_NAGLE_OFF);
}

/** tcp_send_active_reset(sk): abort: an RST (with the timestamp option), never retransmitted. */
export function tcp_send_active_reset(sk: TcpSock): void {
  mib().tcp.OutRsts++;
  const skb = new SkBuff(new Uint8Array(0));
  tcp_init_nondata_skb(skb, tcp_acceptable_seq(sk), TCPHDR_ACK | TCPHDR_RST);
  tcp_transmit_skb(sk, skb);
}

/** __tcp_send_ack(sk, rcv_nxt): a pure ACK, now. */
export function __tcp_send_ack(sk: TcpSock, rcv_nxt: number): void {
  /* If we have been reset, we may not send again. */
  if (sk.sk_state === TCP_CLOSE) return;
  const buff = new SkBuff(new Uint8Array(0));
  tcp_init_nondata_skb(buff, tcp_acceptable_seq(sk), TCPHDR_ACK);
  __tcp_transmit_skb(sk, buff, rcv_nxt);
}

export function tcp_send_ack(sk: TcpSock): void {
  __tcp_send_ack(sk, sk.rcv_nxt);
}

/**
 * tcp_send_delayed_ack(sk): ACK within ato (40 ms at first, at most 200 ms when interactive or
 * 500 ms otherwise); an older pending deadline stands, and one about to expire sends now.
 */
export function tcp_send_delayed_ack(sk: TcpSock): void {
  let ato = sk.icsk_ack.ato;
  if (ato > TCP_DELACK_MIN) {
    let max_ato = 100 / 2; /* HZ / 2 */
    if (inet_csk_in_pingpong_mode(sk) || sk.icsk_ack.pending & ICSK_ACK_PUSHED) max_ato = TCP_DELACK_MAX;
    /* If some rtt estimate is known, use it to bound delayed ack. */
    if (sk.srtt_us) {
      const rtt = Math.max(usecs_to_jiffies(sk.srtt_us >> 3), TCP_DELACK_MIN);
      if (rtt < max_ato) max_ato = rtt;
    }
    ato = Math.min(ato, max_ato);
  }
  const now = jiffies();
  let timeout = now + ato;
  /* Use new timeout only if there wasn't a older one earlier. */
  if (sk.icsk_ack.pending & ICSK_ACK_TIMER) {
    /* If delack timer is about to expire, send ACK now. */
    if (sk.icsk_ack.timeout <= now + (ato >> 2)) {
      tcp_send_ack(sk);
      return;
    }
    if (timeout >= sk.icsk_ack.timeout) timeout = sk.icsk_ack.timeout;
  }
  sk.icsk_ack.pending |= ICSK_ACK_SCHED | ICSK_ACK_TIMER;
  sk.icsk_ack.timeout = timeout;
  sk.icsk_delack_timer.mod(timeout);
}

/**
 * tcp_write_wakeup(sk): a window probe. When the window is open a little, send what fits (PSH) of
 * the next segment; when it is shut, an old sequence number the peer must ACK.
 */
export function tcp_write_wakeup(sk: TcpSock): number {
  if (sk.sk_state === TCP_CLOSE) return -1;
  const skb = tcp_send_head(sk);
  if (skb && before(TCP_SKB_CB(skb).seq, tcp_wnd_end(sk))) {
    const mss = tcp_current_mss(sk);
    const cb = TCP_SKB_CB(skb);
    let seg_size = (tcp_wnd_end(sk) - cb.seq) >>> 0;
    if (before(sk.pushed_seq, cb.end_seq)) sk.pushed_seq = cb.end_seq;
    /* We are probing the opening of a window but the window size is != 0 (sender SWS avoidance). */
    if (seg_size < ((cb.end_seq - cb.seq) >>> 0) || skb.len > mss) {
      seg_size = Math.min(seg_size, mss);
      cb.tcp_flags |= TCPHDR_PSH;
      if (seg_size < skb.len) tcp_fragment(sk, sk.sk_write_queue, skb, seg_size);
    }
    cb.tcp_flags |= TCPHDR_PSH;
    const err = tcp_transmit_skb(sk, skb);
    if (!err) tcp_event_new_data_sent(sk, skb);
    return err;
  }
  /* tcp_xmit_probe_skb(sk, 0): a segment with an old sequence number, to elicit an ACK. */
  const probe = new SkBuff(new Uint8Array(0));
  tcp_init_nondata_skb(probe, seq_add(sk.snd_una, -1), TCPHDR_ACK);
  return tcp_transmit_skb(sk, probe);
}

/** tcp_send_probe0(sk): the zero-window probe timer fired. */
export function tcp_send_probe0(sk: TcpSock): void {
  const err = tcp_write_wakeup(sk);
  if (sk.packets_out || !tcp_send_head(sk)) {
    /* Cancel probe timer, if it is not required. */
    sk.icsk_probes_out = 0;
    sk.icsk_backoff = 0;
    return;
  }
  sk.icsk_probes_out++;
  if (err <= 0) {
    if (sk.icsk_backoff < 15 /* net.ipv4.tcp_retries2 */) sk.icsk_backoff++;
  }
  inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_probe0_when(sk, TCP_RTO_MAX), TCP_RTO_MAX);
}

/**
 * tcp_connect_init(sk): what a connecting socket needs before its SYN: header length, MSS, the
 * receive window and its scale, sequence state.
 */
export function tcp_connect_init(sk: TcpSock): void {
  sk.tcp_header_len = 20 + TCPOLEN_TSTAMP_ALIGNED;
  /* If user gave his TCP_MAXSEG, record it to clamp */
  if (sk.rx_opt.user_mss) sk.rx_opt.mss_clamp = sk.rx_opt.user_mss;
  sk.max_window = 0;
  tcp_sync_mss(sk, dst_mtu(sk.inet_daddr));
  sk.advmss = tcp_mss_clamp(sk, dst_metric_advmss(sk.inet_daddr));
  tcp_initialize_rcv_mss(sk);
  /* limit the window selection if the user enforce a smaller rx buffer */
  if (sk.sk_userlocks & 2 /* SOCK_RCVBUF_LOCK */ && (sk.window_clamp > tcp_full_space(sk) || sk.window_clamp === 0)) sk.window_clamp = tcp_full_space(sk);
  const clamp = { window_clamp: sk.window_clamp };
  const w = tcp_select_initial_window(tcp_full_space(sk), sk.advmss - (sk.rx_opt.ts_recent_stamp ? sk.tcp_header_len - 20 : 0), clamp, true, 0);
  sk.window_clamp = clamp.window_clamp;
  sk.rcv_wnd = w.rcv_wnd;
  sk.rx_opt.rcv_wscale = w.rcv_wscale;
  sk.rcv_ssthresh = sk.rcv_wnd;
  sk.sk_err = 0;
  sk.sk_flags.delete("SOCK_DONE");
  sk.snd_wnd = 0;
  sk.snd_wl1 = 0;
  sk.snd_una = sk.write_seq;
  sk.snd_sml = sk.write_seq;
  sk.snd_up = sk.write_seq;
  sk.snd_nxt = sk.write_seq;
  sk.rcv_nxt = 0;
  sk.rcv_wup = sk.rcv_nxt;
  sk.copied_seq = sk.rcv_nxt;
  sk.icsk_rto = 100; /* tcp_timeout_init(): TCP_TIMEOUT_INIT */
  sk.icsk_retransmits = 0;
  sk.retrans_out = sk.lost_out = sk.sacked_out = 0;
}

/** tcp_connect(sk): send the SYN and start its retransmit timer. 0 or -errno. */
export function tcp_connect(sk: TcpSock): number {
  tcp_connect_init(sk);
  const buff = sk_stream_alloc_skb(sk, 0);
  tcp_init_nondata_skb(buff, sk.write_seq, TCPHDR_SYN);
  sk.write_seq = seq_add(sk.write_seq, 1);
  sk.retrans_stamp = tcp_time_stamp();
  sk.packets_out += 1;
  sk.tcp_rtx_queue.push(buff);
  const err = tcp_transmit_skb(sk, buff);
  if (err === -111 /* -ECONNREFUSED */) return err;
  /* We change tp->snd_nxt after the tcp_transmit_skb() call in order to make this packet get counted in tcpOutSegs. */
  sk.snd_nxt = sk.write_seq;
  sk.pushed_seq = sk.write_seq;
  mib().tcp.ActiveOpens++;
  /* Timer for repeating the SYN until an answer. */
  inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, sk.icsk_rto, TCP_RTO_MAX);
  return 0;
}

/** tcp_synack_options + tcp_make_synack(): the SYN-ACK a request sock sends, as TCP bytes. */
export function tcp_make_synack(req: RequestSock, mss: number): SkBuff {
  const tsval = seq_add(tcp_time_stamp(), req.ts_off);
  const opts: TcpOutOptions = {
    mss,
    ts: req.tstamp_ok ? { tsval, tsecr: req.ts_recent } : null,
    ws: req.wscale_ok ? req.rcv_wscale : null,
    sack_perm: req.sack_ok,
  };
  return tcp_build_segment({
    saddr: req.ir_loc_addr,
    daddr: req.ir_rmt_addr,
    source: req.ir_num,
    dest: req.ir_rmt_port,
    seq: req.snt_isn,
    ack_seq: req.rcv_nxt,
    flags: TCPHDR_SYN | TCPHDR_ACK,
    /* RFC1323: The window in SYN & SYN/ACK segments is never scaled. */
    window: Math.min(req.rsk_rcv_wnd, 65535),
    options: tcp_options_write(opts),
    payload: new Uint8Array(0),
  });
}
