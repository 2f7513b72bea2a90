// Mirrors include/net/inet_connection_sock.h: the part of a connection-oriented socket shared by
// TCP and its kin (accept queue, bind bucket, retransmit and delayed-ACK timers, the ACK engine's
// state), and the inline helpers that arm and clear those timers.
import type { InetSock } from "../../net/ipv4/inet_sock.js";
import { jiffies, type TimerList } from "../../kernel/time/timer.js";
import type { RequestSockQueue } from "./request_sock.js";
import type { InetBindBucket } from "./inet_hashtables.js";
import { TCP_PINGPONG_THRESH, TCP_RTO_MAX } from "./tcp.js";

/** icsk_pending: what the retransmit timer is armed for. */
export const ICSK_TIME_RETRANS = 1; /* Retransmit timer */
export const ICSK_TIME_DACK = 2; /* Delayed ack timer */
export const ICSK_TIME_PROBE0 = 3; /* Zero window probe timer */
export const ICSK_TIME_LOSS_PROBE = 5; /* Tail loss probe timer */
export const ICSK_TIME_REO_TIMEOUT = 6; /* Reordering timer */

/** icsk_ack.pending bits (enum inet_csk_ack_state_t) */
export const ICSK_ACK_SCHED = 1;
export const ICSK_ACK_TIMER = 2;
export const ICSK_ACK_PUSHED = 4;
export const ICSK_ACK_PUSHED2 = 8;
export const ICSK_ACK_NOW = 16; /* Send the next ACK immediately (once) */

/** Delayed ACK control data (icsk_ack). Times in jiffies. */
export interface IcskAck {
  pending: number;
  /** Scheduled number of quick acks */
  quick: number;
  /** The session is interactive */
  pingpong: number;
  /** Number of attempts */
  retry: number;
  ato: number;
  timeout: number;
  /** When the last data segment arrived */
  lrcvtime: number;
  last_seg_size: number;
  /** MSS used for delayed ACK decisions */
  rcv_mss: number;
}

/** struct inet_connection_sock, with the struct sock fields only connection sockets use. */
export interface InetConnectionSock extends InetSock {
  icsk_accept_queue: RequestSockQueue;
  icsk_bind_hash: InetBindBucket | null;
  /** When the retransmit timer fires (jiffies). */
  icsk_timeout: number;
  icsk_retransmit_timer: TimerList;
  icsk_delack_timer: TimerList;
  /** Retransmit timeout, jiffies. */
  icsk_rto: number;
  /** The path MTU the MSS was computed for. */
  icsk_pmtu_cookie: number;
  icsk_ca_state: number;
  /** Unrecovered RTO timeouts */
  icsk_retransmits: number;
  icsk_pending: number;
  icsk_backoff: number;
  /** TCP_SYNCNT, 0 for the default */
  icsk_syn_retries: number;
  /** Unanswered zero window probes */
  icsk_probes_out: number;
  icsk_ack: IcskAck;
  /** TCP_USER_TIMEOUT, ms */
  icsk_user_timeout: number;
  /** struct sock: completed connections awaiting accept(), and listen()'s backlog. */
  sk_ack_backlog: number;
  sk_max_ack_backlog: number;
  /** struct sock: the keepalive timer, which TCP also uses for SYN-ACKs and FIN_WAIT2. */
  sk_timer: TimerList;
}

export function inet_csk(sk: InetSock): InetConnectionSock {
  return sk as InetConnectionSock;
}

export function inet_csk_schedule_ack(sk: InetConnectionSock): void {
  sk.icsk_ack.pending |= ICSK_ACK_SCHED;
}

export function inet_csk_ack_scheduled(sk: InetConnectionSock): boolean {
  return (sk.icsk_ack.pending & ICSK_ACK_SCHED) !== 0;
}

export function inet_csk_delack_init(sk: InetConnectionSock): void {
  Object.assign(sk.icsk_ack, { pending: 0, quick: 0, pingpong: 0, retry: 0, ato: 0, timeout: 0, lrcvtime: 0, last_seg_size: 0, rcv_mss: 0 } satisfies IcskAck);
}

export function inet_csk_in_pingpong_mode(sk: InetConnectionSock): boolean {
  return sk.icsk_ack.pingpong >= TCP_PINGPONG_THRESH;
}

export function inet_csk_enter_pingpong_mode(sk: InetConnectionSock): void {
  sk.icsk_ack.pingpong = TCP_PINGPONG_THRESH;
}

export function inet_csk_exit_pingpong_mode(sk: InetConnectionSock): void {
  sk.icsk_ack.pingpong = 0;
}

export function inet_csk_inc_pingpong_cnt(sk: InetConnectionSock): void {
  if (sk.icsk_ack.pingpong < 0xff) sk.icsk_ack.pingpong++;
}

/** inet_csk_clear_xmit_timer(sk, what) */
export function inet_csk_clear_xmit_timer(sk: InetConnectionSock, what: number): void {
  if (what === ICSK_TIME_RETRANS || what === ICSK_TIME_PROBE0) {
    sk.icsk_pending = 0;
    sk.icsk_retransmit_timer.del();
  } else if (what === ICSK_TIME_DACK) {
    sk.icsk_ack.pending = 0;
    sk.icsk_ack.retry = 0;
    sk.icsk_delack_timer.del();
  }
}

/** inet_csk_reset_xmit_timer(sk, what, when, max_when): arm the retransmit or delayed-ACK timer. */
export function inet_csk_reset_xmit_timer(sk: InetConnectionSock, what: number, when: number, max_when = TCP_RTO_MAX): void {
  if (when > max_when) when = max_when;
  const now = jiffies();
  if (what === ICSK_TIME_RETRANS || what === ICSK_TIME_PROBE0 || what === ICSK_TIME_LOSS_PROBE || what === ICSK_TIME_REO_TIMEOUT) {
    sk.icsk_pending = what;
    sk.icsk_timeout = now + when;
    sk.icsk_retransmit_timer.mod(sk.icsk_timeout);
  } else if (what === ICSK_TIME_DACK) {
    sk.icsk_ack.pending |= ICSK_ACK_TIMER;
    sk.icsk_ack.timeout = now + when;
    sk.icsk_delack_timer.mod(sk.icsk_ack.timeout);
  }
}

/** inet_csk_rto_backoff(icsk, max_when) */
export function inet_csk_rto_backoff(sk: InetConnectionSock, max_when: number): number {
  return Math.min(sk.icsk_rto * 2 ** sk.icsk_backoff, max_when);
}

/** sk_acceptq_is_full(sk): more than the backlog already wait (so backlog + 1 fit). */
export function sk_acceptq_is_full(sk: InetConnectionSock): boolean {
  return sk.sk_ack_backlog > sk.sk_max_ack_backlog;
}

export function sk_acceptq_added(sk: InetConnectionSock): void {
  sk.sk_ack_backlog++;
}

export function sk_acceptq_removed(sk: InetConnectionSock): void {
  sk.sk_ack_backlog--;
}

/** inet_csk_reqsk_queue_is_full(sk): the SYN queue holds the backlog already. */
export function inet_csk_reqsk_queue_is_full(sk: InetConnectionSock): boolean {
  return sk.icsk_accept_queue.qlen >= sk.sk_max_ack_backlog;
}
