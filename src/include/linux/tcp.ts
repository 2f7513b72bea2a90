// Mirrors include/linux/tcp.h: struct tcp_sock (the RFC 793 variables by their names, the
// congestion window, RTT estimation, the queues) and the options received from the peer.
import type { InetConnectionSock } from "../net/inet_connection_sock.js";
import type { Sock } from "../../net/core/sock.js";
import type { SkBuff } from "../../net/core/skbuff.js";

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

export function tcp_sk(sk: Sock): TcpSock {
  return sk as TcpSock;
}

/** tcp_clear_options(rx_opt) */
export function tcp_clear_options(rx_opt: TcpOptionsReceived): void {
  rx_opt.tstamp_ok = rx_opt.sack_ok = false;
  rx_opt.wscale_ok = false;
  rx_opt.snd_wscale = 0;
}
