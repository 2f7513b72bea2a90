// Mirrors include/net/tcp_states.h: the TCP states (also sk_state of every inet socket; UDP uses
// ESTABLISHED and CLOSE) and their TCPF_* bit masks.

export const TCP_ESTABLISHED = 1;
export const TCP_SYN_SENT = 2;
export const TCP_SYN_RECV = 3;
export const TCP_FIN_WAIT1 = 4;
export const TCP_FIN_WAIT2 = 5;
export const TCP_TIME_WAIT = 6;
export const TCP_CLOSE = 7;
export const TCP_CLOSE_WAIT = 8;
export const TCP_LAST_ACK = 9;
export const TCP_LISTEN = 10;
/** Now a valid state */
export const TCP_CLOSING = 11;
export const TCP_NEW_SYN_RECV = 12;

export const TCPF_ESTABLISHED = 1 << TCP_ESTABLISHED;
export const TCPF_SYN_SENT = 1 << TCP_SYN_SENT;
export const TCPF_SYN_RECV = 1 << TCP_SYN_RECV;
export const TCPF_FIN_WAIT1 = 1 << TCP_FIN_WAIT1;
export const TCPF_FIN_WAIT2 = 1 << TCP_FIN_WAIT2;
export const TCPF_TIME_WAIT = 1 << TCP_TIME_WAIT;
export const TCPF_CLOSE = 1 << TCP_CLOSE;
export const TCPF_CLOSE_WAIT = 1 << TCP_CLOSE_WAIT;
export const TCPF_LAST_ACK = 1 << TCP_LAST_ACK;
export const TCPF_LISTEN = 1 << TCP_LISTEN;
export const TCPF_CLOSING = 1 << TCP_CLOSING;
export const TCPF_NEW_SYN_RECV = 1 << TCP_NEW_SYN_RECV;

/** sk_shutdown bits (include/net/sock.h) */
export const RCV_SHUTDOWN = 1;
export const SEND_SHUTDOWN = 2;
export const SHUTDOWN_MASK = 3;
