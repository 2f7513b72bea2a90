// Mirrors net/ipv4/tcp_input.c: what a received segment does to a socket. Options are parsed;
// tcp_rcv_state_process and tcp_rcv_synsent_state_process drive the handshake and closing states;
// tcp_ack frees acknowledged data, samples the RTT, updates the peer's window and grows the
// congestion window; tcp_data_queue appends in-order data (and FIN) to the receive queue. The ACK
// engine answers at once in quick-ack mode (the start of a connection, after a gap) and after every
// second full segment, and otherwise delays its ACK (40 ms at first). kplay keeps the slow path
// only (no header prediction), and keeps no out-of-order queue: lo does not reorder, and a segment
// beyond rcv_nxt is answered with a duplicate ACK and left to the sender's retransmission timer.
import { ECONNREFUSED, ECONNRESET, EPIPE } from "../../include/uapi/errno.js";
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_PSH, TCPHDR_RST, TCPHDR_SYN, TCPOLEN_TSTAMP_ALIGNED, TCPOPT_EOL, TCPOPT_MSS, TCPOPT_NOP, TCPOPT_SACK_PERM, TCPOPT_TIMESTAMP, TCPOPT_WINDOW, TCP_CA_Loss, TCP_CA_Open } from "../../include/uapi/tcp.js";
import { current } from "../../kernel/sched/task.js";
import { jiffies, usecs_to_jiffies } from "../../kernel/time/timer.js";
import { SkBuff } from "../core/skbuff.js";
import { tcp_clear_options, type TcpOptionsReceived, type TcpSock } from "../../include/linux/tcp.js";
import {
  ICSK_ACK_NOW,
  ICSK_ACK_PUSHED,
  ICSK_ACK_PUSHED2,
  ICSK_TIME_DACK,
  ICSK_TIME_PROBE0,
  inet_csk_ack_scheduled,
  inet_csk_clear_xmit_timer,
  inet_csk_enter_pingpong_mode,
  inet_csk_exit_pingpong_mode,
  inet_csk_in_pingpong_mode,
  inet_csk_reset_xmit_timer,
  inet_csk_schedule_ack,
} from "../../include/net/inet_connection_sock.js";
import {
  after,
  before,
  between,
  seq_add,
  sysctl_tcp_wmem,
  TCP_ATO_MIN,
  TCP_DELACK_MAX,
  TCP_INIT_CWND,
  TCP_MAX_QUICKACKS,
  TCP_MIN_MSS,
  TCP_MSS_DEFAULT,
  TCP_RTO_MAX,
  TCP_RTO_MIN,
  TCP_SKB_CB,
  tcp_hdr,
  tcp_skb_pcount,
  TCPCB_LOST,
  TCPCB_RETRANS,
  type TcpHdr,
} from "../../include/net/tcp.js";
import {
  __tcp_select_window,
  tcp_full_space,
  tcp_initialize_rcv_mss,
  tcp_packets_in_flight,
  tcp_probe0_when,
  tcp_push_pending_frames,
  tcp_rearm_rto,
  tcp_receive_window,
  tcp_send_ack,
  tcp_send_delayed_ack,
  tcp_send_head,
  tcp_space,
  tcp_sync_mss,
  tcp_time_stamp,
  tcp_wnd_end,
  tcp_xmit_retransmit_queue,
  sk_wmem_free_skb,
  tcp_transmit_skb,
} from "./tcp_output.js";
import { mib } from "./snmp.js";
import { sk_stream_write_space } from "../core/stream.js";
import { TCP_CLOSE, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_LAST_ACK, TCP_LISTEN, TCP_SYN_RECV, TCP_SYN_SENT, TCP_TIME_WAIT, RCV_SHUTDOWN, SEND_SHUTDOWN, TCPF_CLOSE_WAIT, TCPF_CLOSING, TCPF_LAST_ACK } from "./tcp_states.js";
import { tcp_done, tcp_set_state, tcp_write_queue_purge } from "./tcp.js";
import { tcp_time_wait, tcp_fin_time } from "./tcp_minisocks.js";
import { tcp_v4_conn_request, tcp_v4_init_seq, tcp_v4_send_synack } from "./tcp_ipv4.js";
import { inet_csk_reqsk_queue_hash_add, inet_csk_reset_keepalive_timer } from "./inet_connection_sock.js";
import { tcp_openreq_init_rwin, tcp_tw_isn } from "./tcp_minisocks.js";
import { inet_csk_reqsk_queue_is_full, sk_acceptq_is_full } from "../../include/net/inet_connection_sock.js";
import type { RequestSock } from "../../include/net/request_sock.js";
import { secure_tcp_ts_off } from "../core/secure_seq.js";
import { slab_kaddr } from "./inet_hashtables.js";
import { TCP_NEW_SYN_RECV } from "./tcp_states.js";
import { TCP_TIMEOUT_INIT } from "../../include/net/tcp.js";

/** tcp_ack flags */
const FLAG_DATA = 0x01; /* Incoming frame contained data. */
const FLAG_WIN_UPDATE = 0x02; /* Incoming ACK was a window update. */
const FLAG_DATA_ACKED = 0x04; /* This ACK acknowledged new data. */
const FLAG_RETRANS_DATA_ACKED = 0x08; /* some of which was retransmitted. */
const FLAG_SYN_ACKED = 0x10; /* This ACK acknowledged SYN. */
const FLAG_SND_UNA_ADVANCED = 0x400; /* Snd_una was changed (!= FLAG_DATA_ACKED) */
const FLAG_UPDATE_TS_RECENT = 0x4000; /* tcp_replace_ts_recent() */
const FLAG_NO_CHALLENGE_ACK = 0x8000; /* do not call tcp_send_challenge_ack() */
const FLAG_SLOWPATH = 0x100; /* Do not skip RFC checks for window update. */
const FLAG_ACKED = FLAG_DATA_ACKED | FLAG_SYN_ACKED;

/** ktime_get_seconds() */
function ktime_get_seconds(): number {
  return Math.floor(current().kernel.clock.now() / 1e9);
}

// ---- options ------------------------------------------------------------------------------------

/**
 * tcp_parse_options(skb, opt_rx, estab): read the options of a received segment. On a SYN (not
 * estab): MSS (clamped by TCP_MAXSEG), window scale (at most 14), SACK permitted; always the
 * timestamp (saw_tstamp).
 */
export function tcp_parse_options(skb: SkBuff, opt_rx: TcpOptionsReceived, estab: boolean): void {
  const th = tcp_hdr(skb);
  const base = skb.transport_header;
  const d = skb.data;
  let i = base + 20;
  const end = base + th.doff * 4;
  const syn = (th.flags & TCPHDR_SYN) !== 0;
  opt_rx.saw_tstamp = false;
  while (i < end) {
    const opcode = d[i];
    if (opcode === TCPOPT_EOL) return;
    if (opcode === TCPOPT_NOP) {
      i++;
      continue;
    }
    const opsize = d[i + 1];
    if (opsize < 2 || i + opsize > end) return; /* "silly options" or partial */
    const dv = new DataView(d.buffer, d.byteOffset + i);
    switch (opcode) {
      case TCPOPT_MSS:
        if (opsize === 4 && syn && !estab) {
          let in_mss = dv.getUint16(2);
          if (in_mss) {
            if (opt_rx.user_mss && opt_rx.user_mss < in_mss) in_mss = opt_rx.user_mss;
            opt_rx.mss_clamp = in_mss;
          }
        }
        break;
      case TCPOPT_WINDOW:
        if (opsize === 3 && syn && !estab) {
          opt_rx.wscale_ok = true;
          opt_rx.snd_wscale = Math.min(dv.getUint8(2), 14);
        }
        break;
      case TCPOPT_TIMESTAMP:
        if (opsize === 10) {
          opt_rx.saw_tstamp = true;
          opt_rx.rcv_tsval = dv.getUint32(2);
          opt_rx.rcv_tsecr = dv.getUint32(6);
        }
        break;
      case TCPOPT_SACK_PERM:
        if (opsize === 2 && syn && !estab) opt_rx.sack_ok = true;
        break;
    }
    i += opsize;
  }
}

/** Fresh received options, for a request or a TIME_WAIT check. */
export function tcp_options_zero(): TcpOptionsReceived {
  return { ts_recent_stamp: 0, ts_recent: 0, rcv_tsval: 0, rcv_tsecr: 0, saw_tstamp: false, tstamp_ok: false, dsack: false, wscale_ok: false, sack_ok: false, snd_wscale: 0, rcv_wscale: 0, user_mss: 0, mss_clamp: 0 };
}

/** tcp_store_ts_recent(tp) */
function tcp_store_ts_recent(tp: TcpSock): void {
  tp.rx_opt.ts_recent = tp.rx_opt.rcv_tsval;
  tp.rx_opt.ts_recent_stamp = ktime_get_seconds();
}

/** tcp_replace_ts_recent(tp, seq): remember the peer's timestamp of an in-order segment. */
function tcp_replace_ts_recent(tp: TcpSock, seq: number): void {
  if (tp.rx_opt.saw_tstamp && !after(seq, tp.rcv_wup)) {
    if (((tp.rx_opt.ts_recent - tp.rx_opt.rcv_tsval) | 0) <= 0 || !tp.rx_opt.ts_recent) tcp_store_ts_recent(tp);
  }
}

// ---- RTT and RTO ------------------------------------------------------------------------------

/** tcp_rtt_estimator(sk, mrtt_us): Jacobson/Karels smoothing, rttvar kept at least RTO_MIN. */
function tcp_rtt_estimator(tp: TcpSock, mrtt_us: number): void {
  let m = mrtt_us;
  let srtt = tp.srtt_us;
  const rto_min_us = (TCP_RTO_MIN * 1e6) / 100;
  if (srtt !== 0) {
    m -= srtt >> 3; /* m is now error in rtt est */
    srtt += m; /* rtt = 7/8 rtt + 1/8 new */
    if (m < 0) {
      m = -m; /* m is now abs(error) */
      m -= tp.mdev_us >> 2; /* similar update on mdev */
      if (m > 0) m >>= 3;
    } else m -= tp.mdev_us >> 2;
    tp.mdev_us += m; /* mdev = 3/4 mdev + 1/4 new */
    if (tp.mdev_us > tp.mdev_max_us) {
      tp.mdev_max_us = tp.mdev_us;
      if (tp.mdev_max_us > tp.rttvar_us) tp.rttvar_us = tp.mdev_max_us;
    }
    if (after(tp.snd_una, tp.rtt_seq)) {
      if (tp.mdev_max_us < tp.rttvar_us) tp.rttvar_us -= (tp.rttvar_us - tp.mdev_max_us) >> 2;
      tp.rtt_seq = tp.snd_nxt;
      tp.mdev_max_us = rto_min_us;
    }
  } else {
    /* no previous measure. */
    srtt = m << 3; /* take the measured time to be rtt */
    tp.mdev_us = m << 1; /* make sure rto = 3*rtt */
    tp.rttvar_us = Math.max(tp.mdev_us, rto_min_us);
    tp.mdev_max_us = tp.rttvar_us;
    tp.rtt_seq = tp.snd_nxt;
  }
  tp.srtt_us = Math.max(1, srtt);
}

/** tcp_set_rto(sk): RTO = srtt + 4 * rttvar (rttvar already holds the 4x), bounded by TCP_RTO_MAX. */
function tcp_set_rto(sk: TcpSock): void {
  sk.icsk_rto = Math.min(usecs_to_jiffies((sk.srtt_us >> 3) + sk.rttvar_us), TCP_RTO_MAX);
}

/** tcp_ack_update_rtt(sk, seq_rtt_us): a valid RTT sample resets the backoff. */
function tcp_ack_update_rtt(sk: TcpSock, seq_rtt_us: number): void {
  if (seq_rtt_us < 0) return;
  tcp_rtt_estimator(sk, seq_rtt_us);
  tcp_set_rto(sk);
  /* RFC6298: only reset backoff on valid RTT measurement. */
  sk.icsk_backoff = 0;
}

/** tcp_synack_rtt_meas(sk, req): the passive side's first RTT sample, from its SYN-ACK. */
export function tcp_synack_rtt_meas(sk: TcpSock, snt_synack_ns: number, retransmitted: boolean): void {
  if (!snt_synack_ns || retransmitted) return;
  tcp_ack_update_rtt(sk, Math.floor((current().kernel.clock.now() - snt_synack_ns) / 1e3));
}

// ---- congestion control ----------------------------------------------------------------------

/** tcp_is_cwnd_limited(sk): in slow start, whether the flight used half the window. */
function tcp_is_cwnd_limited(tp: TcpSock): boolean {
  if (tp.snd_cwnd < tp.snd_ssthresh) return tp.snd_cwnd < 2 * tp.max_packets_out;
  return tp.is_cwnd_limited;
}

/** tcp_cong_avoid(): slow start below ssthresh, one segment per window above (Reno's growth). */
function tcp_cong_avoid(tp: TcpSock, acked: number): void {
  if (!tcp_is_cwnd_limited(tp)) return;
  if (tp.snd_cwnd < tp.snd_ssthresh) {
    const cwnd = Math.min(tp.snd_cwnd + acked, tp.snd_ssthresh);
    acked -= cwnd - tp.snd_cwnd;
    tp.snd_cwnd = Math.min(cwnd, tp.snd_cwnd_clamp);
    if (!acked) return;
  }
  tp.snd_cwnd_cnt += acked;
  if (tp.snd_cwnd_cnt >= tp.snd_cwnd) {
    tp.snd_cwnd_cnt -= tp.snd_cwnd;
    if (tp.snd_cwnd < tp.snd_cwnd_clamp) tp.snd_cwnd++;
  }
}

/** CUBIC's ssthresh: 0.7 of the window (beta 717/1024), at least 2. */
export function tcp_recalc_ssthresh(tp: TcpSock): number {
  return Math.max(Math.floor((tp.snd_cwnd * 717) / 1024), 2);
}

/** tcp_enter_loss(sk): an RTO: everything in flight is lost; the window restarts from one segment. */
export function tcp_enter_loss(sk: TcpSock): void {
  if (sk.icsk_ca_state !== TCP_CA_Loss || !sk.icsk_retransmits) sk.snd_ssthresh = tcp_recalc_ssthresh(sk);
  sk.lost_out = 0;
  sk.retrans_out = 0;
  for (const skb of sk.tcp_rtx_queue) {
    const cb = TCP_SKB_CB(skb);
    cb.sacked &= ~TCPCB_RETRANS;
    cb.sacked |= TCPCB_LOST;
    sk.lost_out += tcp_skb_pcount(skb, sk.mss_cache);
  }
  sk.snd_cwnd = tcp_packets_in_flight(sk) + 1;
  sk.snd_cwnd_cnt = 0;
  sk.snd_cwnd_stamp = jiffies();
  sk.icsk_ca_state = TCP_CA_Loss;
}

// ---- ACK processing ---------------------------------------------------------------------------

/**
 * tcp_clean_rtx_queue(sk, prior_snd_una): drop what the ACK covers from the retransmit queue,
 * trimming a partly acknowledged segment; sample the RTT from the newest segment never resent.
 */
function tcp_clean_rtx_queue(sk: TcpSock): number {
  let flag = 0;
  let seq_rtt_us = -1;
  let acked_pcount = 0;
  const now = current().kernel.clock.now();
  while (sk.tcp_rtx_queue.length) {
    const skb = sk.tcp_rtx_queue[0];
    const cb = TCP_SKB_CB(skb);
    if (after(cb.end_seq, sk.snd_una)) {
      /* Partially acknowledged: trim the head (tcp_trim_head). */
      if (!after(sk.snd_una, cb.seq) || !skb.len) break;
      const n = Math.min((sk.snd_una - cb.seq) >>> 0, skb.len);
      skb.data = skb.data.subarray(n);
      cb.seq = seq_add(cb.seq, n);
      flag |= FLAG_DATA_ACKED;
      break;
    }
    const pcount = tcp_skb_pcount(skb, sk.mss_cache);
    if (cb.sacked & TCPCB_RETRANS) {
      sk.retrans_out = Math.max(0, sk.retrans_out - pcount);
      flag |= FLAG_RETRANS_DATA_ACKED;
    } else seq_rtt_us = Math.floor((now - cb.tstamp_ns) / 1e3);
    if (cb.sacked & TCPCB_LOST) sk.lost_out = Math.max(0, sk.lost_out - pcount);
    sk.packets_out -= pcount;
    acked_pcount += pcount;
    if (!(cb.tcp_flags & TCPHDR_SYN)) {
      flag |= FLAG_DATA_ACKED;
      sk.bytes_acked += skb.len;
    } else {
      flag |= FLAG_SYN_ACKED;
      sk.retrans_stamp = 0;
    }
    sk.tcp_rtx_queue.shift();
    sk_wmem_free_skb(sk, skb);
  }
  sk.delivered += acked_pcount;
  if (flag & FLAG_ACKED) {
    if (seq_rtt_us >= 0 && !(flag & FLAG_RETRANS_DATA_ACKED)) tcp_ack_update_rtt(sk, seq_rtt_us);
    tcp_rearm_rto(sk);
    if (sk.icsk_ca_state === TCP_CA_Loss && !sk.lost_out && !sk.retrans_out) sk.icsk_ca_state = TCP_CA_Open;
    if (acked_pcount) tcp_cong_avoid(sk, acked_pcount);
  }
  return flag;
}

/** tcp_may_update_window(): a newer ACK, a newer segment, or the same one offering more. */
function tcp_may_update_window(tp: TcpSock, ack: number, ack_seq: number, nwin: number): boolean {
  return after(ack, tp.snd_una) || after(ack_seq, tp.snd_wl1) || (ack_seq === tp.snd_wl1 && nwin > tp.snd_wnd);
}

/** tcp_ack_update_window(): take the peer's window (scaled, except on SYNs); a larger one than ever resizes the MSS. */
function tcp_ack_update_window(sk: TcpSock, th: TcpHdr, ack: number, ack_seq: number): number {
  let flag = 0;
  let nwin = th.window;
  if (!(th.flags & TCPHDR_SYN)) nwin *= 2 ** sk.rx_opt.snd_wscale;
  if (tcp_may_update_window(sk, ack, ack_seq, nwin)) {
    flag |= FLAG_WIN_UPDATE;
    sk.snd_wl1 = ack_seq;
    if (sk.snd_wnd !== nwin) {
      sk.snd_wnd = nwin;
      if (nwin > sk.max_window) {
        sk.max_window = nwin;
        tcp_sync_mss(sk, sk.icsk_pmtu_cookie);
      }
    }
  }
  sk.snd_una = ack;
  return flag;
}

/** tcp_ack_probe(sk): a window probe was answered: stop probing once the next segment fits. */
function tcp_ack_probe(sk: TcpSock): void {
  const head = tcp_send_head(sk);
  if (!head) return;
  if (!after(TCP_SKB_CB(head).end_seq, tcp_wnd_end(sk))) {
    sk.icsk_backoff = 0;
    inet_csk_clear_xmit_timer(sk, ICSK_TIME_PROBE0);
  } else inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0, tcp_probe0_when(sk, TCP_RTO_MAX), TCP_RTO_MAX);
}

/**
 * tcp_ack(sk, skb, flag): process the ACK field. 1 when processed, 0 for an old ACK, -1 for one
 * beyond what was sent (or too old to trust).
 */
export function tcp_ack(sk: TcpSock, skb: SkBuff, flag: number): number {
  const cb = TCP_SKB_CB(skb);
  const th = tcp_hdr(skb);
  const prior_snd_una = sk.snd_una;
  const ack_seq = cb.seq;
  const ack = cb.ack_seq;
  const prior_packets = sk.packets_out;
  /* If the ack is older than previous acks then we can probably ignore it. */
  if (before(ack, prior_snd_una)) {
    if (before(ack, seq_add(prior_snd_una, -sk.max_window))) {
      if (!(flag & FLAG_NO_CHALLENGE_ACK)) tcp_send_challenge_ack(sk);
      return -1;
    }
    return 0;
  }
  /* If the ack includes data we haven't sent yet, discard this segment (RFC793 Section 3.9). */
  if (after(ack, sk.snd_nxt)) return -1;
  if (after(ack, prior_snd_una)) {
    flag |= FLAG_SND_UNA_ADVANCED;
    sk.icsk_retransmits = 0;
  }
  /* ts_recent update must be made after we are sure that the packet is in window. */
  if (flag & FLAG_UPDATE_TS_RECENT) tcp_replace_ts_recent(sk, cb.seq);
  if (ack_seq !== cb.end_seq) flag |= FLAG_DATA;
  flag |= tcp_ack_update_window(sk, th, ack, ack_seq);
  sk.icsk_probes_out = 0;
  sk.rcv_tstamp = jiffies();
  if (!prior_packets) {
    /* If this ack opens up a zero window, clear backoff. */
    tcp_ack_probe(sk);
    return 1;
  }
  flag |= tcp_clean_rtx_queue(sk);
  if (sk.icsk_ca_state === TCP_CA_Loss) tcp_xmit_retransmit_queue(sk);
  if (flag & FLAG_ACKED) sk_stream_write_space(sk);
  return 1;
}

/** tcp_send_challenge_ack(sk): RFC 5961: an ACK that makes a forger's guess visible to the peer. */
function tcp_send_challenge_ack(sk: TcpSock): void {
  tcp_send_ack(sk);
}

// ---- receiving data ---------------------------------------------------------------------------

/** tcp_incr_quickack(sk, max_quickacks) */
function tcp_incr_quickack(sk: TcpSock, max_quickacks: number): void {
  let quickacks = Math.floor(sk.rcv_wnd / (2 * sk.icsk_ack.rcv_mss));
  if (quickacks === 0) quickacks = 2;
  quickacks = Math.min(quickacks, max_quickacks);
  if (quickacks > sk.icsk_ack.quick) sk.icsk_ack.quick = quickacks;
}

/** tcp_enter_quickack_mode(sk, max_quickacks): ACK the next segments at once. */
export function tcp_enter_quickack_mode(sk: TcpSock, max_quickacks: number): void {
  tcp_incr_quickack(sk, max_quickacks);
  inet_csk_exit_pingpong_mode(sk);
  sk.icsk_ack.ato = TCP_ATO_MIN;
}

/** tcp_in_quickack_mode(sk) */
function tcp_in_quickack_mode(sk: TcpSock): boolean {
  return sk.icsk_ack.quick > 0 && !inet_csk_in_pingpong_mode(sk);
}

/** tcp_measure_rcv_mss(sk, skb): learn the peer's segment size; note small "pushed" segments. */
function tcp_measure_rcv_mss(sk: TcpSock, len: number, hdrlen: number, psh: boolean): void {
  const lss = sk.icsk_ack.last_seg_size;
  sk.icsk_ack.last_seg_size = 0;
  if (len >= sk.icsk_ack.rcv_mss) {
    sk.icsk_ack.rcv_mss = Math.min(len, sk.advmss);
  } else {
    /* "len" is invariant segment length, including TCP header. */
    len += hdrlen;
    if (len >= TCP_MSS_DEFAULT + 20 || (len >= TCP_MIN_MSS + 20 && !psh)) {
      /* Subtract also invariant (if peer is RFC compliant), tcp header plus fixed timestamp option length. */
      len -= sk.tcp_header_len;
      sk.icsk_ack.last_seg_size = len;
      if (len === lss) {
        sk.icsk_ack.rcv_mss = len;
        return;
      }
    }
    if (sk.icsk_ack.pending & ICSK_ACK_PUSHED) sk.icsk_ack.pending |= ICSK_ACK_PUSHED2;
    sk.icsk_ack.pending |= ICSK_ACK_PUSHED;
  }
}

/** tcp_grow_window(sk, skb): let the advertised window open toward the free buffer space. */
function tcp_grow_window(sk: TcpSock, len: number, truesize: number): void {
  const room = Math.min(sk.window_clamp, tcp_space(sk)) - sk.rcv_ssthresh;
  if (room <= 0) return;
  /* Check #2. Increase window, if skb with such overhead will fit to rcvbuf in future. */
  let incr = 0;
  if (truesize - (truesize >> 1) <= len) incr = 2 * sk.advmss;
  if (incr) {
    incr = Math.max(incr, 2 * len);
    sk.rcv_ssthresh += Math.min(room, incr);
    sk.icsk_ack.quick |= 1;
  }
}

/** tcp_event_data_recv(sk, skb): the delayed-ACK engine learns the arrival pattern. */
function tcp_event_data_recv(sk: TcpSock, len: number, hdrlen: number, psh: boolean, truesize: number): void {
  inet_csk_schedule_ack(sk);
  tcp_measure_rcv_mss(sk, len, hdrlen, psh);
  const now = jiffies();
  if (!sk.icsk_ack.ato) {
    /* The _first_ data packet received, initialize delayed ACK engine. */
    tcp_incr_quickack(sk, TCP_MAX_QUICKACKS);
    sk.icsk_ack.ato = TCP_ATO_MIN;
  } else {
    const m = now - sk.icsk_ack.lrcvtime;
    if (m <= TCP_ATO_MIN / 2) {
      /* The fastest case is the first. */
      sk.icsk_ack.ato = (sk.icsk_ack.ato >> 1) + TCP_ATO_MIN / 2;
    } else if (m < sk.icsk_ack.ato) {
      sk.icsk_ack.ato = (sk.icsk_ack.ato >> 1) + m;
      if (sk.icsk_ack.ato > sk.icsk_rto) sk.icsk_ack.ato = sk.icsk_rto;
    } else if (m > sk.icsk_rto) {
      /* Too long gap. Apparently sender failed to restart window, so that we send ACKs quickly. */
      tcp_incr_quickack(sk, TCP_MAX_QUICKACKS);
    }
  }
  sk.icsk_ack.lrcvtime = now;
  if (len >= 128) tcp_grow_window(sk, len, truesize);
}

/**
 * tcp_fin(sk): the peer's FIN (in order): no more to read. ESTABLISHED becomes CLOSE_WAIT (and the
 * ACK is delayed, hoping to ride on our own FIN); a FIN crossing ours gives CLOSING; after our FIN
 * was acknowledged, TIME_WAIT.
 */
export function tcp_fin(sk: TcpSock): void {
  inet_csk_schedule_ack(sk);
  sk.sk_shutdown |= RCV_SHUTDOWN;
  sk.sk_flags.add("SOCK_DONE");
  switch (sk.sk_state) {
    case TCP_SYN_RECV:
    case TCP_ESTABLISHED:
      /* Move to CLOSE_WAIT */
      tcp_set_state(sk, TCP_CLOSE_WAIT);
      inet_csk_enter_pingpong_mode(sk);
      break;
    case TCP_CLOSE_WAIT:
    case TCP_CLOSING:
      /* Received a retransmission of the FIN, do nothing. */
      break;
    case TCP_LAST_ACK:
      /* RFC793: Remain in the LAST-ACK state. */
      break;
    case TCP_FIN_WAIT1:
      /* This case occurs when a simultaneous close happens, we must ack the received FIN and enter the CLOSING state. */
      tcp_send_ack(sk);
      tcp_set_state(sk, TCP_CLOSING);
      break;
    case TCP_FIN_WAIT2:
      /* Received a FIN -- send ACK and enter TIME_WAIT. */
      tcp_send_ack(sk);
      tcp_time_wait(sk, TCP_TIME_WAIT, 0);
      break;
  }
  if (!sk.sk_flags.has("SOCK_DEAD")) sk.sk_wq.wake_up(); /* sk->sk_state_change(sk) */
}

/**
 * tcp_data_queue(sk, skb): in-order data (and FIN) joins the receive queue within the buffer; a
 * retransmission of data we have, or a segment out of the window, gets an immediate ACK.
 */
function tcp_data_queue(sk: TcpSock, skb: SkBuff): void {
  const cb = TCP_SKB_CB(skb);
  const th = tcp_hdr(skb);
  if (cb.seq === cb.end_seq) return;
  const hdrlen = th.doff * 4;
  const payload = skb.data.subarray(skb.transport_header + hdrlen);
  const fin = (cb.tcp_flags & TCPHDR_FIN) !== 0;
  const out_of_window = (): void => {
    tcp_enter_quickack_mode(sk, TCP_MAX_QUICKACKS);
    inet_csk_schedule_ack(sk);
  };
  if (cb.seq === sk.rcv_nxt || (before(cb.seq, sk.rcv_nxt) && after(cb.end_seq, sk.rcv_nxt))) {
    if (tcp_receive_window(sk) === 0 && !(payload.length === 0 && fin)) {
      /* Zero window: drop (a bare FIN is still accepted). */
      out_of_window();
      return;
    }
    /* queue_and_out: */
    const truesize = skb.truesize;
    if (sk.sk_receive_queue.length && sk.sk_rmem_alloc + truesize > sk.sk_rcvbuf) {
      /* tcp_try_rmem_schedule() failed: TCPRcvQDrop */
      sk.sk_wq.wake_up();
      return;
    }
    const q = new SkBuff(payload);
    const qcb = TCP_SKB_CB(q);
    qcb.seq = cb.seq;
    qcb.end_seq = cb.end_seq;
    qcb.tcp_flags = cb.tcp_flags;
    qcb.truesize = truesize;
    sk.sk_rmem_alloc += truesize;
    sk.sk_receive_queue.push(q);
    sk.bytes_received += ((cb.end_seq - sk.rcv_nxt) >>> 0) - (fin ? 1 : 0);
    sk.rcv_nxt = cb.end_seq;
    if (payload.length) tcp_event_data_recv(sk, payload.length, hdrlen, (th.flags & TCPHDR_PSH) !== 0, truesize);
    if (fin) tcp_fin(sk);
    if (!sk.sk_flags.has("SOCK_DEAD")) sk.sk_wq.wake_up(); /* tcp_data_ready() */
    return;
  }
  if (!after(cb.end_seq, sk.rcv_nxt)) {
    /* A retransmit, 2nd most common case. Force an immediate ack. */
    out_of_window();
    return;
  }
  /* Out of window (e.g. a zero window probe), or out of order: drop it and say where we are. */
  out_of_window();
}

/** __tcp_ack_snd_check(sk, ofo_possible): ACK now, or schedule a delayed ACK. */
function __tcp_ack_snd_check(sk: TcpSock): void {
  if (
    (((sk.rcv_nxt - sk.rcv_wup) >>> 0) > sk.icsk_ack.rcv_mss && __tcp_select_window(sk) >= sk.rcv_wnd) ||
    /* We ACK each frame or... */
    tcp_in_quickack_mode(sk) ||
    /* Protocol state mandates a one-time immediate ACK */
    sk.icsk_ack.pending & ICSK_ACK_NOW
  ) {
    tcp_send_ack(sk);
    return;
  }
  tcp_send_delayed_ack(sk);
}

/** tcp_ack_snd_check(sk): send or schedule the ACK a received segment calls for. */
function tcp_ack_snd_check(sk: TcpSock): void {
  /* We sent a data segment already. */
  if (!inet_csk_ack_scheduled(sk)) return;
  __tcp_ack_snd_check(sk);
}

/** tcp_data_snd_check(sk): the ACK may have opened room: send, and wake writers. */
function tcp_data_snd_check(sk: TcpSock): void {
  tcp_push_pending_frames(sk);
  sk_stream_write_space(sk);
}

/** tcp_send_dupack(sk, skb): a segment outside the window: say what we expect. */
function tcp_send_dupack(sk: TcpSock, skb: SkBuff): void {
  const cb = TCP_SKB_CB(skb);
  if (cb.end_seq !== cb.seq && before(cb.seq, sk.rcv_nxt)) tcp_enter_quickack_mode(sk, TCP_MAX_QUICKACKS);
  tcp_send_ack(sk);
}

/** tcp_sequence(tp, seq, end_seq): does the segment overlap the receive window? */
function tcp_sequence(tp: TcpSock, seq: number, end_seq: number): boolean {
  return !before(end_seq, tp.rcv_wup) && !after(seq, seq_add(tp.rcv_nxt, tcp_receive_window(tp)));
}

/** tcp_reset_check(sk, skb): an RST at rcv_nxt - 1 after the peer's FIN also counts. */
function tcp_reset_check(sk: TcpSock, skb: SkBuff): boolean {
  return TCP_SKB_CB(skb).seq === seq_add(sk.rcv_nxt, -1) && ((1 << sk.sk_state) & (TCPF_CLOSE_WAIT | TCPF_LAST_ACK | TCPF_CLOSING)) !== 0;
}

/**
 * tcp_reset(sk): the peer reset the connection: ECONNREFUSED while connecting, EPIPE after its FIN,
 * ECONNRESET otherwise; the socket closes.
 */
export function tcp_reset(sk: TcpSock): void {
  switch (sk.sk_state) {
    case TCP_SYN_SENT:
      sk.sk_err = ECONNREFUSED;
      break;
    case TCP_CLOSE_WAIT:
      sk.sk_err = EPIPE;
      break;
    case TCP_CLOSE:
      return;
    default:
      sk.sk_err = ECONNRESET;
  }
  tcp_write_queue_purge(sk);
  tcp_done(sk);
  if (!sk.sk_flags.has("SOCK_DEAD")) sk.sk_wq.wake_up(); /* sk_error_report() */
}

/**
 * tcp_validate_incoming(): the RFC 793 checks before the ACK field: sequence number in window
 * (else a duplicate ACK), RST exactly at rcv_nxt (else a challenge ACK), no SYN. False: dropped.
 */
function tcp_validate_incoming(sk: TcpSock, skb: SkBuff, th: TcpHdr, syn_inerr: boolean): boolean {
  const cb = TCP_SKB_CB(skb);
  tcp_parse_options(skb, sk.rx_opt, true);
  /* Step 1: check sequence number */
  if (!tcp_sequence(sk, cb.seq, cb.end_seq)) {
    if (!(th.flags & TCPHDR_RST)) {
      if (th.flags & TCPHDR_SYN) {
        if (syn_inerr) mib().tcp.InErrs++;
        tcp_send_challenge_ack(sk);
        return false;
      }
      tcp_send_dupack(sk, skb);
    } else if (tcp_reset_check(sk, skb)) tcp_reset(sk);
    return false;
  }
  /* Step 2: check RST bit */
  if (th.flags & TCPHDR_RST) {
    if (cb.seq === sk.rcv_nxt || tcp_reset_check(sk, skb)) tcp_reset(sk);
    else tcp_send_challenge_ack(sk);
    return false;
  }
  /* step 4: Check for a SYN. RFC 5961 4.2 : Send a challenge ack */
  if (th.flags & TCPHDR_SYN) {
    if (syn_inerr) mib().tcp.InErrs++;
    tcp_send_challenge_ack(sk);
    return false;
  }
  return true;
}

/** tcp_rcv_established(sk, skb): a segment for an ESTABLISHED socket (the slow path). */
export function tcp_rcv_established(sk: TcpSock, skb: SkBuff): void {
  const th = tcp_hdr(skb);
  if (!(th.flags & (TCPHDR_ACK | TCPHDR_RST | TCPHDR_SYN))) return;
  if (!tcp_validate_incoming(sk, skb, th, true)) return;
  if (tcp_ack(sk, skb, FLAG_SLOWPATH | FLAG_UPDATE_TS_RECENT) < 0) return;
  /* step 7: process the segment text */
  tcp_data_queue(sk, skb);
  tcp_data_snd_check(sk);
  tcp_ack_snd_check(sk);
}

// ---- connection establishment -----------------------------------------------------------------

/** tcp_sndbuf_expand(sk): room for two windows of full segments (2 625 280 bytes on lo). */
function tcp_sndbuf_expand(sk: TcpSock): void {
  /* Worst case is non GSO/TSO : each frame consumes one skb and skb->head is kmalloced using
   * power of two area of memory. On 32-bit ARM: 256 of MAX_TCP_HEADER, 192 of aligned
   * skb_shared_info, then 192 of aligned struct sk_buff. */
  let per_mss = Math.max(sk.rx_opt.mss_clamp, sk.mss_cache) + 256 + 192;
  per_mss = 2 ** Math.ceil(Math.log2(per_mss)) + 192;
  let nr_segs = Math.max(TCP_INIT_CWND, sk.snd_cwnd);
  nr_segs = Math.max(nr_segs, sk.reordering + 1);
  const sndmem = 2 * nr_segs * per_mss;
  if (sk.sk_sndbuf < sndmem) sk.sk_sndbuf = Math.min(sndmem, sysctl_tcp_wmem[2]);
}

/** tcp_init_buffer_space(sk): the send buffer grows; the window clamp fits the receive buffer. */
function tcp_init_buffer_space(sk: TcpSock): void {
  const tcp_app_win = 31;
  if (!(sk.sk_userlocks & 1 /* SOCK_SNDBUF_LOCK */)) tcp_sndbuf_expand(sk);
  const maxwin = tcp_full_space(sk);
  if (sk.window_clamp >= maxwin) {
    sk.window_clamp = maxwin;
    if (maxwin > 4 * sk.advmss) sk.window_clamp = Math.max(maxwin - (maxwin >> tcp_app_win), 4 * sk.advmss);
  }
  /* Force reservation of one segment. */
  if (sk.window_clamp > 2 * sk.advmss && sk.window_clamp + sk.advmss > maxwin) sk.window_clamp = Math.max(2 * sk.advmss, maxwin - sk.advmss);
  sk.rcv_ssthresh = Math.min(sk.rcv_ssthresh, sk.window_clamp);
  sk.snd_cwnd_stamp = jiffies();
}

/** tcp_init_transfer(sk): the connection is up: initial cwnd (1 after repeated SYN loss), buffers, RTO. */
export function tcp_init_transfer(sk: TcpSock): void {
  /* tcp_init_metrics(): no cached metrics; without an RTT sample from the handshake, a 3 s RTO. */
  if (sk.srtt_us === 0) {
    sk.rttvar_us = 3_000_000;
    sk.mdev_us = sk.mdev_max_us = sk.rttvar_us;
    sk.icsk_rto = 300; /* TCP_TIMEOUT_FALLBACK */
  }
  if (sk.total_retrans > 1) sk.snd_cwnd = 1;
  else sk.snd_cwnd = TCP_INIT_CWND;
  sk.snd_cwnd_stamp = jiffies();
  sk.icsk_ca_state = TCP_CA_Open;
  sk.lost_out = sk.retrans_out = 0;
  tcp_init_buffer_space(sk);
}

/** tcp_finish_connect(sk, skb): the active side reaches ESTABLISHED. */
export function tcp_finish_connect(sk: TcpSock): void {
  tcp_set_state(sk, TCP_ESTABLISHED);
  sk.icsk_ack.lrcvtime = jiffies();
  tcp_init_transfer(sk);
  /* Prevent spurious tcp_cwnd_restart() on first data packet. */
  sk.lsndtime = jiffies();
  if (sk.sk_flags.has("SOCK_KEEPOPEN")) inet_csk_reset_keepalive_timer(sk, sk.keepalive_time);
}

/**
 * tcp_rcv_synsent_state_process(): the answer to our SYN. A SYN-ACK that acknowledges it
 * establishes the connection (and is ACKed at once); an RST refuses it; a bare SYN is a
 * simultaneous open. 1: send a reset; 0: done; -1: continue with the data step.
 */
function tcp_rcv_synsent_state_process(sk: TcpSock, skb: SkBuff, th: TcpHdr): number {
  const cb = TCP_SKB_CB(skb);
  const saved_clamp = sk.rx_opt.mss_clamp;
  tcp_parse_options(skb, sk.rx_opt, false);
  if (sk.rx_opt.saw_tstamp && sk.rx_opt.rcv_tsecr) sk.rx_opt.rcv_tsecr = seq_add(sk.rx_opt.rcv_tsecr, -sk.tsoffset);
  const undo = (): void => {
    tcp_clear_options(sk.rx_opt);
    sk.rx_opt.mss_clamp = saved_clamp;
  };
  if (th.flags & TCPHDR_ACK) {
    /* rfc793: "If SEG.ACK =< ISS, or SEG.ACK > SND.NXT, send a reset (unless the RST bit is set)" */
    if (!after(cb.ack_seq, sk.snd_una) || after(cb.ack_seq, sk.snd_nxt)) {
      undo();
      return 1;
    }
    if (sk.rx_opt.saw_tstamp && sk.rx_opt.rcv_tsecr && !between(sk.rx_opt.rcv_tsecr, sk.retrans_stamp, tcp_time_stamp())) {
      undo();
      return 1;
    }
    /* "If the RST bit is set If the ACK was acceptable then signal the user "error: connection reset"" */
    if (th.flags & TCPHDR_RST) {
      tcp_reset(sk);
      return 0;
    }
    /* "fifth, if neither of the SYN or RST bits is set then drop the segment and return." */
    if (!(th.flags & TCPHDR_SYN)) {
      undo();
      return 0;
    }
    sk.snd_wl1 = cb.seq;
    tcp_ack(sk, skb, FLAG_SLOWPATH);
    /* Ok.. it's good. Set up sequence numbers and move to established. */
    sk.rcv_nxt = seq_add(cb.seq, 1);
    sk.rcv_wup = sk.rcv_nxt;
    /* RFC1323: The window in SYN & SYN/ACK segments is never scaled. */
    sk.snd_wnd = th.window;
    if (!sk.rx_opt.wscale_ok) {
      sk.rx_opt.snd_wscale = sk.rx_opt.rcv_wscale = 0;
      sk.window_clamp = Math.min(sk.window_clamp, 65535);
    }
    if (sk.rx_opt.saw_tstamp) {
      sk.rx_opt.tstamp_ok = true;
      sk.tcp_header_len = 20 + TCPOLEN_TSTAMP_ALIGNED;
      sk.advmss -= TCPOLEN_TSTAMP_ALIGNED;
      tcp_store_ts_recent(sk);
    } else sk.tcp_header_len = 20;
    tcp_sync_mss(sk, sk.icsk_pmtu_cookie);
    tcp_initialize_rcv_mss(sk);
    sk.copied_seq = sk.rcv_nxt;
    tcp_finish_connect(sk);
    if (!sk.sk_flags.has("SOCK_DEAD")) sk.sk_wq.wake_up();
    if (inet_csk_in_pingpong_mode(sk)) {
      /* Save one ACK. Data will be ready after several ticks. */
      inet_csk_schedule_ack(sk);
      tcp_enter_quickack_mode(sk, TCP_MAX_QUICKACKS);
      inet_csk_reset_xmit_timer(sk, ICSK_TIME_DACK, TCP_DELACK_MAX, TCP_RTO_MAX);
      return 0;
    }
    tcp_send_ack(sk);
    return -1;
  }
  /* No ACK in the segment */
  if (th.flags & TCPHDR_RST) {
    undo();
    return 0;
  }
  if (th.flags & TCPHDR_SYN) {
    /* We see SYN without ACK. It is attempt of simultaneous connect with crossed SYNs. Particularly, it can be connect to self. */
    tcp_set_state(sk, TCP_SYN_RECV);
    if (sk.rx_opt.saw_tstamp) {
      sk.rx_opt.tstamp_ok = true;
      tcp_store_ts_recent(sk);
      sk.tcp_header_len = 20 + TCPOLEN_TSTAMP_ALIGNED;
    } else sk.tcp_header_len = 20;
    sk.rcv_nxt = seq_add(cb.seq, 1);
    sk.copied_seq = sk.rcv_nxt;
    sk.rcv_wup = sk.rcv_nxt;
    sk.snd_wnd = th.window;
    sk.snd_wl1 = cb.seq;
    sk.max_window = sk.snd_wnd;
    tcp_sync_mss(sk, sk.icsk_pmtu_cookie);
    tcp_initialize_rcv_mss(sk);
    /* tcp_send_synack(): our SYN again, now with ACK. */
    const syn = sk.tcp_rtx_queue[0];
    if (syn && TCP_SKB_CB(syn).tcp_flags & TCPHDR_SYN) {
      TCP_SKB_CB(syn).tcp_flags |= TCPHDR_ACK;
      tcp_transmit_skb(sk, syn);
    }
    return 0;
  }
  undo();
  return 0;
}

/**
 * tcp_rcv_state_process(sk, skb): every state but ESTABLISHED and TIME_WAIT. A listener takes SYNs
 * (tcp_v4_conn_request); SYN_SENT goes to tcp_rcv_synsent_state_process; the others validate,
 * take the ACK (which may complete the handshake or a close), then queue data. Non-zero: the
 * caller sends a reset.
 */
export function tcp_rcv_state_process(sk: TcpSock, skb: SkBuff): number {
  const th = tcp_hdr(skb);
  const cb = TCP_SKB_CB(skb);
  switch (sk.sk_state) {
    case TCP_CLOSE:
      return 0;
    case TCP_LISTEN:
      if (th.flags & TCPHDR_ACK) return 1;
      if (th.flags & TCPHDR_RST) return 0;
      if (th.flags & TCPHDR_SYN) {
        if (th.flags & TCPHDR_FIN) return 0;
        return tcp_v4_conn_request(sk, skb) >= 0 ? 0 : 1;
      }
      return 0;
    case TCP_SYN_SENT: {
      sk.rx_opt.saw_tstamp = false;
      const queued = tcp_rcv_synsent_state_process(sk, skb, th);
      if (queued >= 0) return queued;
      /* Do step6 onward by hand. */
      tcp_data_snd_check(sk);
      return 0;
    }
  }
  sk.rx_opt.saw_tstamp = false;
  if (!(th.flags & (TCPHDR_ACK | TCPHDR_RST | TCPHDR_SYN))) return 0;
  if (!tcp_validate_incoming(sk, skb, th, false)) return 0;
  /* step 5: check the ACK field */
  const acceptable = tcp_ack(sk, skb, FLAG_SLOWPATH | FLAG_UPDATE_TS_RECENT | FLAG_NO_CHALLENGE_ACK) > 0;
  if (!acceptable) {
    if (sk.sk_state === TCP_SYN_RECV) return 1; /* send one RST */
    tcp_send_challenge_ack(sk);
    return 0;
  }
  switch (sk.sk_state) {
    case TCP_SYN_RECV:
      sk.retrans_stamp = 0;
      tcp_init_transfer(sk);
      sk.copied_seq = sk.rcv_nxt;
      tcp_set_state(sk, TCP_ESTABLISHED);
      sk.sk_wq.wake_up(); /* sk->sk_state_change(sk) */
      sk.snd_una = cb.ack_seq;
      sk.snd_wnd = th.window * 2 ** sk.rx_opt.snd_wscale;
      sk.snd_wl1 = cb.seq;
      if (sk.rx_opt.tstamp_ok) sk.advmss -= TCPOLEN_TSTAMP_ALIGNED;
      /* Prevent spurious tcp_cwnd_restart() on first data packet */
      sk.lsndtime = jiffies();
      tcp_initialize_rcv_mss(sk);
      break;
    case TCP_FIN_WAIT1: {
      if (sk.snd_una !== sk.write_seq) break;
      tcp_set_state(sk, TCP_FIN_WAIT2);
      sk.sk_shutdown |= SEND_SHUTDOWN;
      if (!sk.sk_flags.has("SOCK_DEAD")) {
        /* Wake up lingering close() */
        sk.sk_wq.wake_up();
        break;
      }
      if (sk.linger2 < 0) {
        tcp_done(sk);
        return 1;
      }
      if (cb.end_seq !== cb.seq && after(seq_add(cb.end_seq, -(th.flags & TCPHDR_FIN ? 1 : 0)), sk.rcv_nxt)) {
        /* Receive out of order FIN after close() */
        tcp_done(sk);
        return 1;
      }
      const tmo = tcp_fin_time(sk);
      if (tmo > 6000 /* TCP_TIMEWAIT_LEN */) inet_csk_reset_keepalive_timer(sk, tmo - 6000);
      else if (th.flags & TCPHDR_FIN) {
        /* Bad case. We could lose such FIN otherwise. */
        inet_csk_reset_keepalive_timer(sk, tmo);
      } else {
        tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
        return 0;
      }
      break;
    }
    case TCP_CLOSING:
      if (sk.snd_una === sk.write_seq) {
        tcp_time_wait(sk, TCP_TIME_WAIT, 0);
        return 0;
      }
      break;
    case TCP_LAST_ACK:
      if (sk.snd_una === sk.write_seq) {
        tcp_done(sk);
        return 0;
      }
      break;
  }
  /* step 7: process the segment text */
  const st = sk.sk_state;
  const late = st === TCP_CLOSE_WAIT || st === TCP_CLOSING || st === TCP_LAST_ACK;
  if (st === TCP_ESTABLISHED || st === TCP_FIN_WAIT1 || st === TCP_FIN_WAIT2 || (late && before(cb.seq, sk.rcv_nxt))) {
    /* RFC 793 says to queue data in these states, RFC 1122 says we MUST send a reset. BSD 4.4 also does reset. */
    if (st !== TCP_ESTABLISHED && sk.sk_shutdown & RCV_SHUTDOWN && cb.end_seq !== cb.seq && after(seq_add(cb.end_seq, -(th.flags & TCPHDR_FIN ? 1 : 0)), sk.rcv_nxt)) {
      tcp_reset(sk);
      return 1;
    }
    tcp_data_queue(sk, skb);
  }
  /* tcp_data could move socket to TIME-WAIT */
  if (sk.sk_state !== TCP_CLOSE) {
    tcp_data_snd_check(sk);
    tcp_ack_snd_check(sk);
  }
  return 0;
}

/**
 * tcp_conn_request(sk, skb): a SYN for a listener. It is dropped (and the client will retransmit
 * it) when the accept queue already holds backlog + 1 connections, or the SYN queue is full (kplay
 * has no SYN cookies). Otherwise a request sock records the SYN's options, is hashed with a SYN-ACK
 * timer, and the SYN-ACK goes out. A SYN that reopens a TIME_WAIT four-tuple uses the ISN
 * tcp_timewait_state_process chose.
 */
export function tcp_conn_request(sk: TcpSock, skb: SkBuff): number {
  const th = tcp_hdr(skb);
  const cb = TCP_SKB_CB(skb);
  const dv = new DataView(skb.data.buffer, skb.data.byteOffset);
  const saddr = dv.getUint32(12);
  const daddr = dv.getUint32(16);
  let isn = tcp_tw_isn.get(skb) ?? 0;
  if (inet_csk_reqsk_queue_is_full(sk) && !isn) return 0; /* ListenDrops */
  if (sk_acceptq_is_full(sk)) return 0; /* ListenOverflows, ListenDrops */
  const tmp_opt = tcp_options_zero();
  tmp_opt.mss_clamp = TCP_MSS_DEFAULT;
  tmp_opt.user_mss = sk.rx_opt.user_mss;
  tcp_parse_options(skb, tmp_opt, false);
  tmp_opt.tstamp_ok = tmp_opt.saw_tstamp;
  /* inet_reqsk_alloc() and tcp_openreq_init() */
  const req: RequestSock = {
    sk_state: TCP_NEW_SYN_RECV,
    rsk_listener: sk,
    sk: null,
    ir_loc_addr: daddr,
    ir_rmt_addr: saddr,
    ir_num: th.dest,
    ir_rmt_port: th.source,
    snd_wscale: tmp_opt.snd_wscale,
    rcv_wscale: 0,
    tstamp_ok: tmp_opt.tstamp_ok,
    sack_ok: tmp_opt.sack_ok,
    wscale_ok: tmp_opt.wscale_ok,
    mss: tmp_opt.mss_clamp,
    rsk_rcv_wnd: 0,
    rsk_window_clamp: 0,
    ts_recent: tmp_opt.saw_tstamp ? tmp_opt.rcv_tsval : 0,
    rcv_isn: cb.seq,
    snt_isn: 0,
    ts_off: 0,
    rcv_nxt: seq_add(cb.seq, 1),
    snt_synack: 0,
    num_timeout: 0,
    num_retrans: 0,
    rsk_timer: null as unknown as RequestSock["rsk_timer"],
    sk_kaddr: slab_kaddr("req"),
    syn_tos: dv.getUint8(1),
  };
  if (tmp_opt.tstamp_ok) req.ts_off = secure_tcp_ts_off(daddr, saddr);
  if (!isn) isn = tcp_v4_init_seq(daddr, saddr, th.dest, th.source);
  req.snt_isn = isn;
  tcp_openreq_init_rwin(req, sk);
  inet_csk_reqsk_queue_hash_add(sk, req, TCP_TIMEOUT_INIT);
  tcp_v4_send_synack(sk, req);
  return 0;
}
