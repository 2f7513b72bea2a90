// Mirrors include/net/inet_timewait_sock.h with tcp_timewait_sock of include/linux/tcp.h: what is
// left of a connection in TIME_WAIT (or an orphaned FIN_WAIT2, its tw_substate) once the full
// socket is gone: the four-tuple, the sequence state to answer with, and the timer that kills it.
import type { TimerList } from "../../kernel/time/timer.js";
import type { InetBindBucket } from "./inet_hashtables.js";

export interface InetTimewaitSock {
  /** Always TCP_TIME_WAIT; the real state is tw_substate (TIME_WAIT or FIN_WAIT2). */
  sk_state: number;
  tw_substate: number;
  /** sock_common: bound address and ports (host order). */
  inet_rcv_saddr: number;
  tw_daddr: number;
  tw_num: number;
  tw_dport: number;
  sk_reuse: number;
  tw_tos: number;
  tw_ttl: number;
  /** 3: the bind bucket, the established hash and the timer (inet_twsk_hashdance). */
  tw_refcnt: number;
  tw_tb: InetBindBucket | null;
  tw_timer: TimerList;
  tw_rcv_wscale: number;
  /** tcp_timewait_sock */
  tw_rcv_nxt: number;
  tw_snd_nxt: number;
  tw_rcv_wnd: number;
  tw_ts_recent: number;
  tw_ts_recent_stamp: number;
  tw_ts_offset: number;
  sk_kaddr: number;
}
