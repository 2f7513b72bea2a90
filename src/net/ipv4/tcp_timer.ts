// Mirrors net/ipv4/tcp_timer.c: the retransmission timer (resend the oldest unacknowledged
// segment, back off, give up after tcp_syn_retries or tcp_retries2 with ETIMEDOUT), the zero-window
// probe timer, the delayed-ACK timer, and the keepalive timer, which TCP uses to end an orphan in
// FIN_WAIT2. Timers run in softirq context; a timer that finds its socket owned by a task tries
// again a jiffy later (Linux defers it to release_sock).
import { ETIMEDOUT } from "../../include/uapi/errno.js";
import { current } from "../../kernel/sched/task.js";
import { jiffies, TimerList } from "../../kernel/time/timer.js";
import { lock_sock, release_sock, sock_owned_by_user } from "../core/sock.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import {
  ICSK_ACK_TIMER,
  ICSK_TIME_DACK,
  ICSK_TIME_PROBE0,
  ICSK_TIME_RETRANS,
  inet_csk_ack_scheduled,
  inet_csk_clear_xmit_timer,
  inet_csk_exit_pingpong_mode,
  inet_csk_in_pingpong_mode,
  inet_csk_reset_xmit_timer,
} from "../../include/net/inet_connection_sock.js";
import { TCP_ATO_MIN, TCP_RESOURCE_PROBE_INTERVAL, TCP_RETR2, TCP_RTO_MAX, TCP_SYN_RETRIES, TCP_TIMEWAIT_LEN } from "../../include/net/tcp.js";
import { TCPF_CLOSE, TCPF_LISTEN, TCPF_SYN_RECV, TCPF_SYN_SENT, TCP_FIN_WAIT2 } from "./tcp_states.js";
import { tcp_retransmit_skb, tcp_send_ack, tcp_send_active_reset, tcp_send_head, tcp_send_probe0 } from "./tcp_output.js";
import { tcp_enter_loss } from "./tcp_input.js";
import { tcp_done, tcp_write_queue_purge } from "./tcp.js";
import { tcp_fin_time, tcp_time_wait } from "./tcp_minisocks.js";

/** Run a timer handler with the socket held, or retry a jiffy later when a task owns it. */
function with_sock(sk: TcpSock, timer: TimerList, fn: () => void): void {
  if (sock_owned_by_user(sk)) {
    timer.mod(jiffies() + 1);
    return;
  }
  lock_sock(sk);
  fn();
  release_sock(sk);
}

/** tcp_init_xmit_timers(sk): the retransmit, delayed-ACK and keepalive timers. */
export function tcp_init_xmit_timers(sk: TcpSock): void {
  const k = current().kernel;
  sk.icsk_retransmit_timer = new TimerList(k, (t) => with_sock(sk, t, () => tcp_write_timer_handler(sk)));
  sk.icsk_delack_timer = new TimerList(k, (t) => with_sock(sk, t, () => tcp_delack_timer_handler(sk)));
  sk.sk_timer = new TimerList(k, (t) => with_sock(sk, t, () => tcp_keepalive_timer(sk)));
  sk.icsk_pending = 0;
}

/** tcp_clear_xmit_timers(sk) */
export function tcp_clear_xmit_timers(sk: TcpSock): void {
  inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
  inet_csk_clear_xmit_timer(sk, ICSK_TIME_DACK);
  sk.sk_timer.del();
}

/** tcp_write_err(sk): give up on the connection: ETIMEDOUT. */
function tcp_write_err(sk: TcpSock): void {
  sk.sk_err = ETIMEDOUT;
  sk.sk_wq.wake_up(); /* sk_error_report() */
  tcp_write_queue_purge(sk);
  tcp_done(sk);
}

/**
 * tcp_write_timeout(sk): has the connection been retried long enough? A SYN gives up after
 * tcp_syn_retries (6: 127 s), an established connection after tcp_retries2 (15). 1 when it closed.
 */
function tcp_write_timeout(sk: TcpSock): number {
  let retry_until: number;
  if ((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) retry_until = sk.icsk_syn_retries || TCP_SYN_RETRIES;
  else retry_until = TCP_RETR2;
  if (sk.icsk_retransmits >= retry_until) {
    /* Has it gone just too far? */
    tcp_write_err(sk);
    return 1;
  }
  return 0;
}

/**
 * tcp_retransmit_timer(sk): resend the oldest unacknowledged segment, all in flight now counted
 * lost, and double the RTO.
 */
export function tcp_retransmit_timer(sk: TcpSock): void {
  if (!sk.packets_out) return;
  const skb = sk.tcp_rtx_queue[0];
  if (!skb) return;
  if (!sk.snd_wnd && !sk.sk_flags.has("SOCK_DEAD") && !((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV))) {
    /* Receiver dastardly shrinks window. Our retransmits become zero probes, but we should not timeout this connection. */
    if (jiffies() - sk.rcv_tstamp > TCP_RTO_MAX) {
      tcp_write_err(sk);
      return;
    }
    tcp_enter_loss(sk);
    tcp_retransmit_skb(sk, skb);
  } else {
    if (tcp_write_timeout(sk)) return;
    tcp_enter_loss(sk);
    sk.icsk_retransmits++;
    if (tcp_retransmit_skb(sk, sk.tcp_rtx_queue[0]) > 0) {
      /* Retransmission failed because of local congestion. */
      inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, TCP_RESOURCE_PROBE_INTERVAL, TCP_RTO_MAX);
      return;
    }
    /* Increase the timeout each time we retransmit. */
    sk.icsk_backoff++;
  }
  /* out_reset_timer: Use normal (exponential) backoff */
  sk.icsk_rto = Math.min(sk.icsk_rto << 1, TCP_RTO_MAX);
  inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, sk.icsk_rto, TCP_RTO_MAX);
}

/** tcp_probe_timer(sk): probe the peer's zero window, up to tcp_retries2 unanswered probes. */
function tcp_probe_timer(sk: TcpSock): void {
  if (sk.packets_out || !tcp_send_head(sk)) {
    sk.icsk_probes_out = 0;
    return;
  }
  if (sk.icsk_probes_out >= TCP_RETR2) tcp_write_err(sk);
  /* Only send another probe if we didn't close things up. */ else tcp_send_probe0(sk);
}

/** tcp_write_timer_handler(sk): the retransmit timer fired for a retransmission or a window probe. */
function tcp_write_timer_handler(sk: TcpSock): void {
  if ((1 << sk.sk_state) & (TCPF_CLOSE | TCPF_LISTEN) || !sk.icsk_pending) return;
  if (sk.icsk_timeout > jiffies()) {
    sk.icsk_retransmit_timer.mod(sk.icsk_timeout);
    return;
  }
  const event = sk.icsk_pending;
  sk.icsk_pending = 0;
  if (event === ICSK_TIME_RETRANS) tcp_retransmit_timer(sk);
  else if (event === ICSK_TIME_PROBE0) tcp_probe_timer(sk);
}

/** tcp_delack_timer_handler(sk): send the delayed ACK; a missed one inflates ato (or ends pingpong). */
function tcp_delack_timer_handler(sk: TcpSock): void {
  if ((1 << sk.sk_state) & (TCPF_CLOSE | TCPF_LISTEN) || !(sk.icsk_ack.pending & ICSK_ACK_TIMER)) return;
  if (sk.icsk_ack.timeout > jiffies()) {
    sk.icsk_delack_timer.mod(sk.icsk_ack.timeout);
    return;
  }
  sk.icsk_ack.pending &= ~ICSK_ACK_TIMER;
  if (inet_csk_ack_scheduled(sk)) {
    if (!inet_csk_in_pingpong_mode(sk)) {
      /* Delayed ACK missed: inflate ATO. */
      sk.icsk_ack.ato = Math.min(sk.icsk_ack.ato << 1, sk.icsk_rto);
    } else {
      /* Delayed ACK missed: leave pingpong mode and deflate ATO. */
      inet_csk_exit_pingpong_mode(sk);
      sk.icsk_ack.ato = TCP_ATO_MIN;
    }
    tcp_send_ack(sk);
  }
}

/**
 * tcp_keepalive_timer(sk): an orphan in FIN_WAIT2 whose fin time exceeded TCP_TIMEWAIT_LEN waits out
 * the rest as a TIME_WAIT sock, or is reset. kplay sends no keepalive probes.
 */
function tcp_keepalive_timer(sk: TcpSock): void {
  if (sk.sk_state === TCP_FIN_WAIT2 && sk.sk_flags.has("SOCK_DEAD")) {
    if (sk.linger2 >= 0) {
      const tmo = tcp_fin_time(sk) - TCP_TIMEWAIT_LEN;
      if (tmo > 0) {
        tcp_time_wait(sk, TCP_FIN_WAIT2, tmo);
        return;
      }
    }
    tcp_send_active_reset(sk);
    tcp_done(sk);
  }
}
