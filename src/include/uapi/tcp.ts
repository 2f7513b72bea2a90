// Mirrors include/uapi/linux/tcp.h: the TCP header's flag bits, the option kinds, the SOL_TCP
// socket options and struct tcp_info.

export const SOL_TCP = 6;

/** TCP socket options */
export const TCP_NODELAY = 1; /* Turn off Nagle's algorithm. */
export const TCP_MAXSEG = 2; /* Limit MSS */
export const TCP_CORK = 3; /* Never send partially complete segments */
export const TCP_KEEPIDLE = 4; /* Start keeplives after this period */
export const TCP_KEEPINTVL = 5; /* Interval between keepalives */
export const TCP_KEEPCNT = 6; /* Number of keepalives before death */
export const TCP_SYNCNT = 7; /* Number of SYN retransmits */
export const TCP_LINGER2 = 8; /* Life time of orphaned FIN-WAIT-2 state */
export const TCP_DEFER_ACCEPT = 9; /* Wake up listener only when data arrive */
export const TCP_WINDOW_CLAMP = 10; /* Bound advertised window */
export const TCP_INFO = 11; /* Information about this connection. */
export const TCP_QUICKACK = 12; /* Block/reenable quick acks */
export const TCP_CONGESTION = 13; /* Congestion control algorithm */
export const TCP_USER_TIMEOUT = 18; /* How long for loss retry before timeout */

/** tcp_flag_word bits, as the 13th and 14th header bytes read big-endian (TCPHDR_* in include/net/tcp.h). */
export const TCPHDR_FIN = 0x01;
export const TCPHDR_SYN = 0x02;
export const TCPHDR_RST = 0x04;
export const TCPHDR_PSH = 0x08;
export const TCPHDR_ACK = 0x10;
export const TCPHDR_URG = 0x20;
export const TCPHDR_ECE = 0x40;
export const TCPHDR_CWR = 0x80;

/** TCP option kinds and lengths (include/net/tcp.h). */
export const TCPOPT_NOP = 1; /* Padding */
export const TCPOPT_EOL = 0; /* End of options */
export const TCPOPT_MSS = 2; /* Segment size negotiating */
export const TCPOPT_WINDOW = 3; /* Window scaling */
export const TCPOPT_SACK_PERM = 4; /* SACK Permitted */
export const TCPOPT_SACK = 5; /* SACK Block */
export const TCPOPT_TIMESTAMP = 8; /* Better RTT estimations/PAWS */
export const TCPOLEN_MSS = 4;
export const TCPOLEN_WINDOW = 3;
export const TCPOLEN_SACK_PERM = 2;
export const TCPOLEN_TIMESTAMP = 10;
export const TCPOLEN_TSTAMP_ALIGNED = 12;
export const TCPOLEN_WSCALE_ALIGNED = 4;
export const TCPOLEN_SACKPERM_ALIGNED = 4;
export const TCPOLEN_MSS_ALIGNED = 4;

/** tcpi_options bits */
export const TCPI_OPT_TIMESTAMPS = 1;
export const TCPI_OPT_SACK = 2;
export const TCPI_OPT_WSCALE = 4;

/** tcp_ca_state */
export const TCP_CA_Open = 0;
export const TCP_CA_Loss = 4;

/**
 * sizeof(struct tcp_info) in 5.15 (its last field is tcpi_snd_wnd). tcp_get_info() fills the
 * fields tcp_info_fields names, at these offsets, little-endian; the pacing, delivery-rate and
 * busy-time fields stay 0.
 */
export const TCP_INFO_SIZE = 232;

/** The struct tcp_info fields kplay fills: name, byte offset, size (1, 4 or 8). */
export const tcp_info_fields = [
  ["tcpi_state", 0, 1], ["tcpi_ca_state", 1, 1], ["tcpi_retransmits", 2, 1], ["tcpi_probes", 3, 1], ["tcpi_backoff", 4, 1],
  ["tcpi_options", 5, 1], ["tcpi_wscale", 6, 1], ["tcpi_flags", 7, 1],
  ["tcpi_rto", 8, 4], ["tcpi_ato", 12, 4], ["tcpi_snd_mss", 16, 4], ["tcpi_rcv_mss", 20, 4],
  ["tcpi_unacked", 24, 4], ["tcpi_sacked", 28, 4], ["tcpi_lost", 32, 4], ["tcpi_retrans", 36, 4], ["tcpi_fackets", 40, 4],
  ["tcpi_last_data_sent", 44, 4], ["tcpi_last_ack_sent", 48, 4], ["tcpi_last_data_recv", 52, 4], ["tcpi_last_ack_recv", 56, 4],
  ["tcpi_pmtu", 60, 4], ["tcpi_rcv_ssthresh", 64, 4], ["tcpi_rtt", 68, 4], ["tcpi_rttvar", 72, 4], ["tcpi_snd_ssthresh", 76, 4],
  ["tcpi_snd_cwnd", 80, 4], ["tcpi_advmss", 84, 4], ["tcpi_reordering", 88, 4], ["tcpi_rcv_rtt", 92, 4], ["tcpi_rcv_space", 96, 4],
  ["tcpi_total_retrans", 100, 4], ["tcpi_bytes_acked", 120, 8], ["tcpi_bytes_received", 128, 8],
  ["tcpi_segs_out", 136, 4], ["tcpi_segs_in", 140, 4], ["tcpi_notsent_bytes", 144, 4], ["tcpi_min_rtt", 148, 4],
  ["tcpi_data_segs_in", 152, 4], ["tcpi_data_segs_out", 156, 4], ["tcpi_delivered", 192, 4], ["tcpi_bytes_sent", 200, 8],
  ["tcpi_bytes_retrans", 208, 8], ["tcpi_snd_wnd", 228, 4],
] as const;

export type TcpInfoField = (typeof tcp_info_fields)[number][0];
