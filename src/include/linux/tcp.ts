// Mirrors include/linux/tcp.h: struct tcp_sock (the RFC 793 variables by their names, the
// congestion window, RTT estimation, the queues) and the options received from the peer.
import type { IcskAck, InetConnectionSock } from "../net/inet_connection_sock.js";
import type { Proto, Sock } from "../../net/core/sock.js";
import type { SkBuff } from "../../net/core/skbuff.js";
import type { Socket } from "../../net/socket.js";
import type { WaitQueueHead } from "../../kernel/sched/wait.js";
import type { SockFilter } from "../../net/core/filter.js";
import type { TimerList } from "../../kernel/time/timer.js";
import type { RequestSockQueue } from "../net/request_sock.js";
import type { InetBindBucket } from "../net/inet_hashtables.js";

/** struct tcp_options_received */
export interface TcpOptionsReceived {
  /** Time (seconds) we stored ts_recent (for aging) */
  ts_recent_stamp: number;
  /** Time stamp to echo next */
  ts_recent: number;
  /** Time stamp value and echo reply of the last segment */
  rcv_tsval: number;
  rcv_tsecr: number;
  /** Saw TIMESTAMP on last packet */
  saw_tstamp: boolean;
  /** TIMESTAMP seen on SYN packet */
  tstamp_ok: boolean;
  /** D-SACK is scheduled */
  dsack: boolean;
  /** Wscale seen on SYN packet */
  wscale_ok: boolean;
  /** SACK seen on SYN packet */
  sack_ok: boolean;
  /** Window scaling received from sender */
  snd_wscale: number;
  /** Window scaling to send to receiver */
  rcv_wscale: number;
  /** TCP_MAXSEG, 0 when unset */
  user_mss: number;
  /** Maximal mss, negotiated at connection setup */
  mss_clamp: number;
}

/**
 * struct tcp_sock. Sequence numbers are u32; times are jiffies unless named _us or _ns. The write
 * queue holds data not sent yet (its head is tcp_send_head), the retransmit queue what was sent
 * and is not acknowledged; both count against sk_wmem_queued.
 */
export interface TcpSock extends InetConnectionSock {
  /** Bytes of tcp header to send */
  tcp_header_len: number;
  segs_in: number;
  data_segs_in: number;
  /** What we want to receive next */
  rcv_nxt: number;
  /** Head of yet unread data */
  copied_seq: number;
  /** rcv_nxt on last window update sent */
  rcv_wup: number;
  /** Next sequence we send */
  snd_nxt: number;
  segs_out: number;
  data_segs_out: number;
  bytes_sent: number;
  bytes_acked: number;
  bytes_received: number;
  bytes_retrans: number;
  /** First byte we want an ack for */
  snd_una: number;
  /** Last byte of the most recently transmitted small packet */
  snd_sml: number;
  /** timestamp of last received ACK (for keepalives) */
  rcv_tstamp: number;
  /** timestamp of last sent data packet (for restart window) */
  lsndtime: number;
  /** timestamp offset */
  tsoffset: number;
  /** Sequence for window update */
  snd_wl1: number;
  /** The window we expect to receive */
  snd_wnd: number;
  /** Maximal window ever seen from peer */
  max_window: number;
  /** Cached effective mss, not including SACKS */
  mss_cache: number;
  /** Maximal window to advertise */
  window_clamp: number;
  /** Current window clamp */
  rcv_ssthresh: number;
  /** Advertised MSS */
  advmss: number;
  /** Disable Nagle algorithm? (TCP_NAGLE_OFF, _CORK, _PUSH bits) */
  nonagle: number;
  /** smoothed round trip time << 3 in usecs */
  srtt_us: number;
  /** medium deviation */
  mdev_us: number;
  /** maximal mdev for the last rtt period */
  mdev_max_us: number;
  /** smoothed mdev_max */
  rttvar_us: number;
  /** sequence number to update rttvar */
  rtt_seq: number;
  /** Packets which are "in flight" */
  packets_out: number;
  /** Retransmitted packets out */
  retrans_out: number;
  /** max packets_out in last window, and the right edge of that flight */
  max_packets_out: number;
  max_packets_seq: number;
  is_cwnd_limited: boolean;
  /** Packet reordering metric. */
  reordering: number;
  /** Urgent pointer */
  snd_up: number;
  rx_opt: TcpOptionsReceived;
  /** Slow start size threshold */
  snd_ssthresh: number;
  /** Sending congestion window */
  snd_cwnd: number;
  /** Linear increase counter */
  snd_cwnd_cnt: number;
  /** Do not allow snd_cwnd to grow above this */
  snd_cwnd_clamp: number;
  snd_cwnd_stamp: number;
  /** Total data packets delivered incl. rexmits */
  delivered: number;
  /** Current receiver window */
  rcv_wnd: number;
  /** Tail(+1) of data held in tcp send buffer */
  write_seq: number;
  /** Last pushed seq, required to talk to windows */
  pushed_seq: number;
  lost_out: number;
  sacked_out: number;
  /** Timestamp of the last retransmit, also the first SYN's in SYN-SENT (jiffies). */
  retrans_stamp: number;
  /** Total retransmits for entire connection */
  total_retrans: number;
  keepalive_time: number;
  keepalive_intvl: number;
  keepalive_probes: number;
  /** TCP_LINGER2 (jiffies; negative: no FIN_WAIT2 wait) */
  linger2: number;
  /** Receive-side RTT estimation and receive-queue space. */
  rcv_rtt_last_tsecr: number;
  /** The queues (sk_write_queue of struct sock and tcp_rtx_queue). */
  sk_write_queue: SkBuff[];
  tcp_rtx_queue: SkBuff[];
  /** Bytes charged for both queues (struct sock sk_wmem_queued). */
  sk_wmem_queued: number;
  /** Out of order segments are not kept (see tcp_data_queue): always empty. */
  out_of_order_queue: SkBuff[];
  /** The listener this socket was accepted from, until accept() takes it. */
  tcp_parent: Sock | null;
}

/**
 * A struct tcp_sock as sk_alloc() takes it from tcp_prot's slab: zeroed (sk_prot_alloc with
 * __GFP_ZERO), with every field of struct sock, inet_sock, inet_connection_sock and tcp_sock in
 * place, and the embedded structs (rx_opt, icsk_ack, the accept queue, the skb lists) empty.
 * sk_alloc, inet_create and tcp_init_sock then set the values that are not zero, as on Linux.
 * A sock built whole keeps one shape from allocation to free; one given its fields a few at a time
 * (Object.assign onto a struct sock) fell into V8's slow dictionary mode.
 */
export class TcpSockSlab implements TcpSock {
  /* struct sock */
  sk_family = 0;
  sk_type = 0;
  sk_protocol = 0;
  sk_prot: Proto = null!;
  sk_socket: Socket | null = null;
  sk_state = 0;
  sk_shutdown = 0;
  sk_reuse = 0;
  sk_err = 0;
  sk_rcvbuf = 0;
  sk_sndbuf = 0;
  sk_rcvtimeo = 0;
  sk_sndtimeo = 0;
  sk_priority = 0;
  sk_flags: Set<string> = null!;
  sk_refcnt = 0;
  sk_wq: WaitQueueHead = null!;
  sk_lingertime = 0;
  sk_userlocks = 0;
  sk_lock = { owned: false };
  sk_backlog: SkBuff[] = [];
  sk_filter: SockFilter[] | null = null;
  /* struct inet_sock */
  inet_rcv_saddr = 0;
  inet_saddr = 0;
  inet_num = 0;
  inet_sport?: number = undefined;
  inet_daddr = 0;
  inet_dport = 0;
  inet_id = 0;
  uc_index = 0;
  uc_ttl = 0;
  tos = 0;
  min_ttl = 0;
  mc_ttl = 0;
  pmtudisc = 0;
  recverr = false;
  hdrincl = false;
  freebind = false;
  transparent = false;
  mc_loop = false;
  mc_all = false;
  nodefrag = false;
  bind_address_no_port = false;
  recverr_rfc4884 = false;
  cmsg_flags = 0;
  sk_receive_queue: SkBuff[] = [];
  sk_rmem_alloc = 0;
  sk_drops = 0;
  sk_uid = 0;
  sk_ino = 0;
  sk_kaddr?: number = undefined;
  /* struct inet_connection_sock */
  icsk_accept_queue: RequestSockQueue = { qlen: 0, young: 0, rskq_accept: [] };
  icsk_bind_hash: InetBindBucket | null = null;
  icsk_timeout = 0;
  icsk_retransmit_timer: TimerList = null!;
  icsk_delack_timer: TimerList = null!;
  icsk_rto = 0;
  icsk_pmtu_cookie = 0;
  icsk_ca_state = 0;
  icsk_retransmits = 0;
  icsk_pending = 0;
  icsk_backoff = 0;
  icsk_syn_retries = 0;
  icsk_probes_out = 0;
  icsk_ack: IcskAck = { pending: 0, quick: 0, pingpong: 0, retry: 0, ato: 0, timeout: 0, lrcvtime: 0, last_seg_size: 0, rcv_mss: 0 };
  icsk_user_timeout = 0;
  sk_ack_backlog = 0;
  sk_max_ack_backlog = 0;
  sk_timer: TimerList = null!;
  /* struct tcp_sock */
  tcp_header_len = 0;
  segs_in = 0;
  data_segs_in = 0;
  rcv_nxt = 0;
  copied_seq = 0;
  rcv_wup = 0;
  snd_nxt = 0;
  segs_out = 0;
  data_segs_out = 0;
  bytes_sent = 0;
  bytes_acked = 0;
  bytes_received = 0;
  bytes_retrans = 0;
  snd_una = 0;
  snd_sml = 0;
  rcv_tstamp = 0;
  lsndtime = 0;
  tsoffset = 0;
  snd_wl1 = 0;
  snd_wnd = 0;
  max_window = 0;
  mss_cache = 0;
  window_clamp = 0;
  rcv_ssthresh = 0;
  advmss = 0;
  nonagle = 0;
  srtt_us = 0;
  mdev_us = 0;
  mdev_max_us = 0;
  rttvar_us = 0;
  rtt_seq = 0;
  packets_out = 0;
  retrans_out = 0;
  max_packets_out = 0;
  max_packets_seq = 0;
  is_cwnd_limited = false;
  reordering = 0;
  snd_up = 0;
  rx_opt: TcpOptionsReceived = { ts_recent_stamp: 0, ts_recent: 0, rcv_tsval: 0, rcv_tsecr: 0, saw_tstamp: false, tstamp_ok: false, dsack: false, wscale_ok: false, sack_ok: false, snd_wscale: 0, rcv_wscale: 0, user_mss: 0, mss_clamp: 0 };
  snd_ssthresh = 0;
  snd_cwnd = 0;
  snd_cwnd_cnt = 0;
  snd_cwnd_clamp = 0;
  snd_cwnd_stamp = 0;
  delivered = 0;
  rcv_wnd = 0;
  write_seq = 0;
  pushed_seq = 0;
  lost_out = 0;
  sacked_out = 0;
  retrans_stamp = 0;
  total_retrans = 0;
  keepalive_time = 0;
  keepalive_intvl = 0;
  keepalive_probes = 0;
  linger2 = 0;
  rcv_rtt_last_tsecr = 0;
  sk_write_queue: SkBuff[] = [];
  tcp_rtx_queue: SkBuff[] = [];
  sk_wmem_queued = 0;
  out_of_order_queue: SkBuff[] = [];
  tcp_parent: Sock | null = null;
}

export function tcp_sk(sk: Sock): TcpSock {
  return sk as TcpSock;
}

/** tcp_clear_options(rx_opt) */
export function tcp_clear_options(rx_opt: TcpOptionsReceived): void {
  rx_opt.tstamp_ok = rx_opt.sack_ok = false;
  rx_opt.wscale_ok = false;
  rx_opt.snd_wscale = 0;
}
