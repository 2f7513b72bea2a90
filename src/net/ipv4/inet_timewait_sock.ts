// Mirrors net/ipv4/inet_timewait_sock.c: the TIME_WAIT mini-socket's life. inet_twsk_hashdance puts
// it in place of the full socket in the established table and beside it in the bind bucket (so the
// port stays taken); its timer kills it after TCP_TIMEWAIT_LEN (or the FIN_WAIT2 timeout), which
// unhashes it and frees the port.
import { jiffies, TimerList } from "../../kernel/time/timer.js";
import { current } from "../../kernel/sched/task.js";
import type { InetTimewaitSock } from "../../include/net/inet_timewait_sock.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import { TCP_TIME_WAIT } from "./tcp_states.js";
import { inet_bind_bucket_destroy, inet_ehash_insert, inet_ehash_remove, slab_kaddr } from "./inet_hashtables.js";
import { sock_prot_inuse_add } from "../core/sock.js";

/** inet_twsk_alloc(sk, dr, state): a TIME_WAIT sock for `sk`'s four-tuple, substate `state`. */
export function inet_twsk_alloc(sk: TcpSock, state: number): InetTimewaitSock {
  const tw: InetTimewaitSock = {
    sk_state: TCP_TIME_WAIT,
    tw_substate: state,
    inet_rcv_saddr: sk.inet_rcv_saddr,
    tw_daddr: sk.inet_daddr,
    tw_num: sk.inet_sport ?? sk.inet_num,
    tw_dport: sk.inet_dport,
    sk_reuse: sk.sk_reuse,
    tw_tos: sk.tos,
    tw_ttl: sk.uc_ttl,
    tw_refcnt: 0,
    tw_tb: null,
    tw_timer: null as unknown as TimerList,
    tw_rcv_wscale: 0,
    tw_rcv_nxt: 0,
    tw_snd_nxt: 0,
    tw_rcv_wnd: 0,
    tw_ts_recent: 0,
    tw_ts_recent_stamp: 0,
    tw_ts_offset: 0,
    sk_kaddr: slab_kaddr("tw"),
  };
  tw.tw_timer = new TimerList(current().kernel, () => tw_timer_handler(tw));
  return tw;
}

/**
 * inet_twsk_hashdance(tw, sk): `tw` joins the bind bucket of `sk` and takes its place in the
 * established table; three references: bucket, table, timer.
 */
export function inet_twsk_hashdance(tw: InetTimewaitSock, sk: TcpSock): void {
  const tb = sk.icsk_bind_hash;
  if (tb) {
    tw.tw_tb = tb;
    tb.owners.unshift(tw);
  }
  inet_ehash_insert(tw, sk);
  sock_prot_inuse_add(sk.sk_prot, -1);
  tw.tw_refcnt = 3;
}

/** inet_twsk_schedule(tw, timeo): (re)arm the kill timer, `timeo` jiffies from now. */
export function inet_twsk_schedule(tw: InetTimewaitSock, timeo: number): void {
  tw.tw_timer.mod(jiffies() + timeo);
}

export const inet_twsk_reschedule = inet_twsk_schedule;

/** inet_twsk_bind_unhash(tw): give the port back. */
export function inet_twsk_bind_unhash(tw: InetTimewaitSock): void {
  const tb = tw.tw_tb;
  if (!tb) return;
  const i = tb.owners.indexOf(tw);
  if (i >= 0) tb.owners.splice(i, 1);
  tw.tw_tb = null;
  inet_bind_bucket_destroy(tb);
}

/** inet_twsk_kill(tw): unhash from both tables. */
function inet_twsk_kill(tw: InetTimewaitSock): void {
  inet_ehash_remove(tw);
  inet_twsk_bind_unhash(tw);
  tw.tw_refcnt = 0;
}

/** tw_timer_handler(): TIME_WAIT is over. */
function tw_timer_handler(tw: InetTimewaitSock): void {
  inet_twsk_kill(tw);
}

/** inet_twsk_deschedule_put(tw): kill it now (a new connection takes its four-tuple, or an RST). */
export function inet_twsk_deschedule_put(tw: InetTimewaitSock): void {
  tw.tw_timer.del();
  inet_twsk_kill(tw);
}
