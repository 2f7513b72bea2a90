// Mirrors include/net/request_sock.h and include/net/inet_sock.h's inet_request_sock, with
// tcp_request_sock of include/linux/tcp.h: a connection request between its SYN and the ACK that
// completes the handshake (a "mini socket" in TCP_NEW_SYN_RECV, hashed with the established ones),
// and the listener's queue of requests and of children waiting for accept().
import type { TimerList } from "../../kernel/time/timer.js";
import type { TcpSock } from "../linux/tcp.js";

export interface RequestSock {
  /** TCP_NEW_SYN_RECV: what the established hash finds for this four-tuple. */
  sk_state: number;
  rsk_listener: TcpSock;
  /** The child socket once the handshake completed (accept() takes it). */
  sk: TcpSock | null;
  /** inet_request_sock: addresses and ports (host order), options the SYN offered. */
  ir_loc_addr: number;
  ir_rmt_addr: number;
  ir_num: number;
  ir_rmt_port: number;
  snd_wscale: number;
  rcv_wscale: number;
  tstamp_ok: boolean;
  sack_ok: boolean;
  wscale_ok: boolean;
  /** The peer's MSS (mss_clamp of the SYN's options). */
  mss: number;
  rsk_rcv_wnd: number;
  rsk_window_clamp: number;
  ts_recent: number;
  /** tcp_request_sock */
  rcv_isn: number;
  snt_isn: number;
  ts_off: number;
  rcv_nxt: number;
  /** When the first SYN-ACK went out (ns since boot), for the RTT sample. */
  snt_synack: number;
  num_timeout: number;
  num_retrans: number;
  /** SYN-ACK retransmission (reqsk_timer_handler). */
  rsk_timer: TimerList;
  /** The stand-in kernel address /proc/net/tcp prints for it. */
  sk_kaddr: number;
  /** The TOS of the SYN, echoed by the SYN-ACK. */
  syn_tos: number;
}

/** struct request_sock_queue */
export interface RequestSockQueue {
  /** Requests in TCP_NEW_SYN_RECV (the SYN queue). */
  qlen: number;
  /** Requests not yet retransmitted. */
  young: number;
  /** Completed connections waiting for accept(), oldest first. */
  rskq_accept: RequestSock[];
}

export function reqsk_queue_alloc(): RequestSockQueue {
  return { qlen: 0, young: 0, rskq_accept: [] };
}

export function reqsk_queue_empty(queue: RequestSockQueue): boolean {
  return queue.rskq_accept.length === 0;
}

export function reqsk_queue_len(queue: RequestSockQueue): number {
  return queue.qlen;
}

export function reqsk_queue_added(queue: RequestSockQueue): void {
  queue.young++;
  queue.qlen++;
}

export function reqsk_queue_removed(queue: RequestSockQueue, req: RequestSock): void {
  if (req.num_timeout === 0) queue.young--;
  queue.qlen--;
}
