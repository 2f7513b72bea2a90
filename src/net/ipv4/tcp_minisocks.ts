// Mirrors net/ipv4/tcp_minisocks.c: the two mini-sockets. TIME_WAIT: tcp_time_wait replaces a
// closing socket with one, and tcp_timewait_state_process answers what still arrives (ACKs a
// retransmitted FIN, resets data, lets a newer SYN reuse the four-tuple). Requests: tcp_check_req
// completes a handshake from a request sock, and tcp_create_openreq_child makes the full socket
// that accept() will return.
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_RST, TCPHDR_SYN, TCPOLEN_TSTAMP_ALIGNED } from "../../include/uapi/tcp.js";
import { current } from "../../kernel/sched/task.js";
import { jiffies } from "../../kernel/time/timer.js";
import type { SkBuff } from "../core/skbuff.js";
import { sock_owned_by_user, sk_add_backlog } from "../core/sock.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import type { RequestSock } from "../../include/net/request_sock.js";
import type { InetTimewaitSock } from "../../include/net/inet_timewait_sock.js";
import { after, before, seq_add, sysctl_tcp_fin_timeout, TCP_MSS_DEFAULT, TCP_SKB_CB, tcp_hdr, TCP_TIMEOUT_INIT, TCP_TIMEWAIT_LEN, TCP_RTO_MAX } from "../../include/net/tcp.js";
import { inet_twsk_alloc, inet_twsk_deschedule_put, inet_twsk_hashdance, inet_twsk_reschedule, inet_twsk_schedule } from "./inet_timewait_sock.js";
import { tcp_full_space, tcp_mss_clamp, dst_metric_advmss, tcp_receive_window, tcp_select_initial_window } from "./tcp_output.js";
import { tcp_done } from "./tcp.js";
import { tcp_options_zero, tcp_parse_options, tcp_rcv_state_process, tcp_synack_rtt_meas } from "./tcp_input.js";
import { mib } from "./snmp.js";
import { TCP_FIN_WAIT2, TCP_SYN_RECV, TCP_TIME_WAIT } from "./tcp_states.js";
import { inet_csk_clone_lock, inet_csk_complete_hashdance, inet_csk_reqsk_queue_drop } from "./inet_connection_sock.js";
import { tcp_v4_reqsk_send_ack, tcp_v4_send_reset, tcp_v4_syn_recv_sock, tcp_v4_send_synack } from "./tcp_ipv4.js";

/** What tcp_timewait_state_process() tells tcp_v4_rcv to do. */
export const TCP_TW_SUCCESS = 0;
export const TCP_TW_RST = 1;
export const TCP_TW_ACK = 2;
export const TCP_TW_SYN = 3;

function ktime_get_seconds(): number {
  return Math.floor(current().kernel.clock.now() / 1e9);
}

/** tcp_fin_time(sk): how long an orphan waits in FIN_WAIT2 (TCP_LINGER2 or tcp_fin_timeout, at least 3.5 RTO). */
export function tcp_fin_time(sk: TcpSock): number {
  let fin_timeout = sk.linger2 ? sk.linger2 : sysctl_tcp_fin_timeout;
  const rto = sk.icsk_rto;
  if (fin_timeout < (rto << 2) - (rto >> 1)) fin_timeout = (rto << 2) - (rto >> 1);
  return fin_timeout;
}

/**
 * tcp_time_wait(sk, state, timeo): move a connection to TIME_WAIT (state TCP_TIME_WAIT, for
 * TCP_TIMEWAIT_LEN) or to an orphaned FIN_WAIT2 (for `timeo`, at least 3.5 RTO); the full socket
 * closes.
 */
export function tcp_time_wait(sk: TcpSock, state: number, timeo: number): void {
  const tw = inet_twsk_alloc(sk, state);
  const rto = (sk.icsk_rto << 2) - (sk.icsk_rto >> 1);
  tw.tw_rcv_wscale = sk.rx_opt.rcv_wscale;
  tw.tw_rcv_nxt = sk.rcv_nxt;
  tw.tw_snd_nxt = sk.snd_nxt;
  tw.tw_rcv_wnd = tcp_receive_window(sk);
  tw.tw_ts_recent = sk.rx_opt.ts_recent;
  tw.tw_ts_recent_stamp = sk.rx_opt.ts_recent_stamp;
  tw.tw_ts_offset = sk.tsoffset;
  /* Get the TIME_WAIT timeout firing. */
  if (timeo < rto) timeo = rto;
  if (state === TCP_TIME_WAIT) timeo = TCP_TIMEWAIT_LEN;
  inet_twsk_schedule(tw, timeo);
  inet_twsk_hashdance(tw, sk);
  tcp_done(sk);
}

/** tcp_paws_reject(): a timestamp older than the last one seen (and not an RST long after). */
function tcp_paws_reject(ts_recent: number, ts_recent_stamp: number, rcv_tsval: number): boolean {
  if (((ts_recent - rcv_tsval) | 0) <= 0) return false;
  if (!ts_recent) return false;
  void ts_recent_stamp;
  return true;
}

/** tcp_in_window(seq, end_seq, s_win, e_win) */
function tcp_in_window(seq: number, end_seq: number, s_win: number, e_win: number): boolean {
  if (seq === s_win) return true;
  if (after(end_seq, s_win) && before(seq, e_win)) return true;
  return seq === e_win && seq === end_seq;
}

/**
 * tcp_timewait_state_process(tw, skb): a segment for a TIME_WAIT sock. In FIN_WAIT2 substate the
 * peer's FIN completes the close (ACK it, now TIME_WAIT) and new data is reset. In TIME_WAIT a
 * retransmitted FIN is ACKed and restarts the timer; a SYN with a newer sequence number or
 * timestamp may open a new connection (TCP_TW_SYN).
 */
export function tcp_timewait_state_process(tw: InetTimewaitSock, skb: SkBuff): number {
  const th = tcp_hdr(skb);
  const cb = TCP_SKB_CB(skb);
  const opt = tcp_options_zero();
  let paws_reject = false;
  if (th.doff > 5 && tw.tw_ts_recent_stamp) {
    tcp_parse_options(skb, opt, false);
    if (opt.saw_tstamp) paws_reject = tcp_paws_reject(tw.tw_ts_recent, tw.tw_ts_recent_stamp, opt.rcv_tsval);
  }
  const rst = (th.flags & TCPHDR_RST) !== 0;
  const syn = (th.flags & TCPHDR_SYN) !== 0;
  const ack = (th.flags & TCPHDR_ACK) !== 0;
  const fin = (th.flags & TCPHDR_FIN) !== 0;
  if (tw.tw_substate === TCP_FIN_WAIT2) {
    /* Just repeat all the checks of tcp_rcv_state_process() */
    /* Out of window, send ACK */
    if (paws_reject || !tcp_in_window(cb.seq, cb.end_seq, tw.tw_rcv_nxt, seq_add(tw.tw_rcv_nxt, tw.tw_rcv_wnd))) return TCP_TW_ACK;
    if (rst) {
      inet_twsk_deschedule_put(tw);
      return TCP_TW_SUCCESS;
    }
    if (syn && !before(cb.seq, tw.tw_rcv_nxt)) return TCP_TW_RST;
    /* Dup ACK? */
    if (!ack || !after(cb.end_seq, tw.tw_rcv_nxt) || cb.end_seq === cb.seq) return TCP_TW_SUCCESS;
    /* New data or FIN. If new data arrive after half-duplex close, reset. */
    if (!fin || cb.end_seq !== seq_add(tw.tw_rcv_nxt, 1)) return TCP_TW_RST;
    /* FIN arrived, enter true time-wait state. */
    tw.tw_substate = TCP_TIME_WAIT;
    tw.tw_rcv_nxt = cb.end_seq;
    if (opt.saw_tstamp) {
      tw.tw_ts_recent_stamp = ktime_get_seconds();
      tw.tw_ts_recent = opt.rcv_tsval;
    }
    inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN);
    return TCP_TW_ACK;
  }
  /* Now real TIME-WAIT state. */
  if (!paws_reject && cb.seq === tw.tw_rcv_nxt && (cb.seq === cb.end_seq || rst)) {
    /* In window segment, it may be only reset or bare ack. */
    if (rst) {
      /* This is TIME_WAIT assassination (tcp_rfc1337 is 0). */
      inet_twsk_deschedule_put(tw);
      return TCP_TW_SUCCESS;
    }
    inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN);
    if (opt.saw_tstamp) {
      tw.tw_ts_recent = opt.rcv_tsval;
      tw.tw_ts_recent_stamp = ktime_get_seconds();
    }
    return TCP_TW_SUCCESS;
  }
  /* Out of window segment. All the segments are ACKed immediately. The only exception is new SYN. */
  if (syn && !rst && !ack && !paws_reject && (after(cb.seq, tw.tw_rcv_nxt) || (opt.saw_tstamp && ((tw.tw_ts_recent - opt.rcv_tsval) | 0) < 0))) {
    let isn = seq_add(tw.tw_snd_nxt, 65535 + 2);
    if (isn === 0) isn++;
    tcp_tw_isn.set(skb, isn);
    return TCP_TW_SYN;
  }
  if (!rst) {
    /* In this case we must reset the TIMEWAIT timer. */
    if (paws_reject || ack) inet_twsk_reschedule(tw, TCP_TIMEWAIT_LEN);
    return TCP_TW_ACK;
  }
  return TCP_TW_SUCCESS;
}

/** TCP_SKB_CB(skb)->tcp_tw_isn: the ISN a SYN reopening a TIME_WAIT four-tuple must use. */
export const tcp_tw_isn = new WeakMap<SkBuff, number>();

/**
 * tcp_openreq_init_rwin(req, listener): the window and scale the SYN-ACK offers, from the
 * listener's receive buffer (SO_RCVBUF set on it clamps the window).
 */
export function tcp_openreq_init_rwin(req: RequestSock, sk_listener: TcpSock): void {
  const full_space = tcp_full_space(sk_listener);
  const mss = tcp_mss_clamp(sk_listener, dst_metric_advmss(req.ir_rmt_addr));
  const window_clamp = sk_listener.window_clamp;
  req.rsk_window_clamp = window_clamp;
  /* limit the window selection if the user enforce a smaller rx buffer */
  if (sk_listener.sk_userlocks & 2 /* SOCK_RCVBUF_LOCK */ && (req.rsk_window_clamp > full_space || req.rsk_window_clamp === 0)) req.rsk_window_clamp = full_space;
  const clamp = { window_clamp: req.rsk_window_clamp };
  const w = tcp_select_initial_window(full_space, mss - (req.tstamp_ok ? TCPOLEN_TSTAMP_ALIGNED : 0), clamp, req.wscale_ok, 0);
  req.rsk_window_clamp = clamp.window_clamp;
  req.rsk_rcv_wnd = w.rcv_wnd;
  req.rcv_wscale = w.rcv_wscale;
}

/**
 * tcp_create_openreq_child(sk, req, skb): the full socket for a completed handshake: a clone of
 * the listener in SYN_RECV with the request's sequence numbers, options and windows.
 */
export function tcp_create_openreq_child(sk: TcpSock, req: RequestSock, skb: SkBuff): TcpSock | null {
  const newtp = inet_csk_clone_lock(sk, req);
  if (!newtp) return null;
  let seq = seq_add(req.rcv_isn, 1);
  newtp.rcv_wup = seq;
  newtp.copied_seq = seq;
  newtp.rcv_nxt = seq;
  newtp.segs_in = 1;
  seq = seq_add(req.snt_isn, 1);
  newtp.snd_sml = newtp.snd_una = seq;
  newtp.snd_nxt = seq;
  newtp.snd_up = seq;
  newtp.snd_wl1 = req.rcv_isn;
  newtp.icsk_ack.lrcvtime = jiffies();
  newtp.lsndtime = jiffies();
  newtp.total_retrans = req.num_retrans;
  newtp.write_seq = newtp.pushed_seq = seq_add(req.snt_isn, 1);
  newtp.rx_opt.tstamp_ok = req.tstamp_ok;
  newtp.rx_opt.sack_ok = req.sack_ok;
  newtp.window_clamp = req.rsk_window_clamp;
  newtp.rcv_ssthresh = req.rsk_rcv_wnd;
  newtp.rcv_wnd = req.rsk_rcv_wnd;
  newtp.rx_opt.wscale_ok = req.wscale_ok;
  if (newtp.rx_opt.wscale_ok) {
    newtp.rx_opt.snd_wscale = req.snd_wscale;
    newtp.rx_opt.rcv_wscale = req.rcv_wscale;
  } else {
    newtp.rx_opt.snd_wscale = newtp.rx_opt.rcv_wscale = 0;
    newtp.window_clamp = Math.min(newtp.window_clamp, 65535);
  }
  newtp.snd_wnd = tcp_hdr(skb).window * 2 ** newtp.rx_opt.snd_wscale;
  newtp.max_window = newtp.snd_wnd;
  if (newtp.rx_opt.tstamp_ok) {
    newtp.rx_opt.ts_recent = req.ts_recent;
    newtp.rx_opt.ts_recent_stamp = ktime_get_seconds();
    newtp.tcp_header_len = 20 + TCPOLEN_TSTAMP_ALIGNED;
  } else {
    newtp.rx_opt.ts_recent_stamp = 0;
    newtp.tcp_header_len = 20;
  }
  if (req.num_timeout) newtp.retrans_stamp = Math.floor(req.snt_synack / 1e6);
  newtp.tsoffset = req.ts_off;
  const payload = skb.len - skb.transport_header;
  if (payload >= TCP_MSS_DEFAULT + newtp.tcp_header_len) newtp.icsk_ack.last_seg_size = payload - newtp.tcp_header_len;
  newtp.rx_opt.mss_clamp = req.mss;
  mib().tcp.PassiveOpens++;
  return newtp;
}

/**
 * tcp_check_req(sk, skb, req): a segment for a request sock. A retransmitted SYN gets the SYN-ACK
 * again; the ACK of our SYN-ACK makes the child (unless the accept queue is full: then it is
 * ignored and the SYN-ACK will be retransmitted); a bad ACK returns the listener (which resets);
 * RST or SYN in window drop the request. Returns the child, the listener, or null.
 */
export function tcp_check_req(sk: TcpSock, skb: SkBuff, req: RequestSock): TcpSock | null {
  const th = tcp_hdr(skb);
  const cb = TCP_SKB_CB(skb);
  let flg = th.flags & (TCPHDR_RST | TCPHDR_SYN | TCPHDR_ACK);
  const opt = tcp_options_zero();
  let paws_reject = false;
  if (th.doff > 5) {
    tcp_parse_options(skb, opt, false);
    if (opt.saw_tstamp) paws_reject = tcp_paws_reject(req.ts_recent, 1, opt.rcv_tsval) && !(flg & TCPHDR_RST);
  }
  /* Check for pure retransmitted SYN. */
  if (cb.seq === req.rcv_isn && flg === TCPHDR_SYN && !paws_reject) {
    if (!tcp_v4_send_synack(sk, req)) {
      req.num_retrans++;
      mib().tcp.RetransSegs++;
      req.rsk_timer.mod(jiffies() + Math.min(TCP_TIMEOUT_INIT * 2 ** req.num_timeout, TCP_RTO_MAX));
    }
    return null;
  }
  /* Invalid ACK: reset will be sent by listening socket. */
  if (flg & TCPHDR_ACK && cb.ack_seq !== seq_add(req.snt_isn, 1)) return sk;
  /* RFC793: "first check sequence number". */
  if (paws_reject || !tcp_in_window(cb.seq, cb.end_seq, req.rcv_nxt, seq_add(req.rcv_nxt, req.rsk_rcv_wnd))) {
    /* Out of window: send ACK and drop. */
    if (!(flg & TCPHDR_RST)) tcp_v4_reqsk_send_ack(sk, skb, req);
    return null;
  }
  /* In sequence, PAWS is OK. */
  if (opt.saw_tstamp && !after(cb.seq, req.rcv_nxt)) req.ts_recent = opt.rcv_tsval;
  if (cb.seq === req.rcv_isn) {
    /* Truncate SYN, it is out of window starting at tcp_rsk(req)->rcv_isn + 1. */
    flg &= ~TCPHDR_SYN;
  }
  /* RFC793: "second check the RST bit" and "fourth, check the SYN bit" */
  if (flg & (TCPHDR_RST | TCPHDR_SYN)) {
    mib().tcp.AttemptFails++;
    /* embryonic_reset: */
    if (!(flg & TCPHDR_RST)) tcp_v4_send_reset(sk, skb);
    inet_csk_reqsk_queue_drop(sk, req);
    return null;
  }
  /* ACK sequence verified above, just make sure ACK is set. */
  if (!(flg & TCPHDR_ACK)) return null;
  /* OK, ACK is valid, create big socket and feed this segment to it. */
  const child = tcp_v4_syn_recv_sock(sk, skb, req);
  if (!child) {
    /* listen_overflow: tcp_abort_on_overflow is 0: ignore the ACK, the SYN-ACK timer retries. */
    return null;
  }
  tcp_synack_rtt_meas(child, req.snt_synack, req.num_retrans > 0);
  return inet_csk_complete_hashdance(sk, child, req);
}

/**
 * tcp_child_process(parent, child, skb): feed the segment that completed the handshake to the
 * child (it becomes ESTABLISHED) and wake the listener's accept(). Non-zero: reset.
 */
export function tcp_child_process(parent: TcpSock, child: TcpSock, skb: SkBuff): number {
  let ret = 0;
  const state = child.sk_state;
  child.segs_in++;
  if (!sock_owned_by_user(child)) {
    ret = tcp_rcv_state_process(child, skb);
    /* Wakeup parent, send SIGIO */
    if (state === TCP_SYN_RECV && child.sk_state !== state) parent.sk_wq.wake_up();
  } else sk_add_backlog(child, skb);
  return ret;
}
