// Mirrors net/core/stream.c and the stream helpers of include/net/sock.h: waiting for a connection
// to be made, for send-buffer space, for a lingering close; waking writers when space frees; and
// sk_stream_error, which turns EPIPE into SIGPIPE.
import { EAGAIN, EPIPE } from "../../include/uapi/errno.js";
import { MSG_NOSIGNAL } from "../../include/uapi/socket.js";
import { SIGPIPE } from "../../include/uapi/signal.js";
import { current } from "../../kernel/sched/task.js";
import { send_sig, signal_pending } from "../../kernel/signal.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import { sk_wait_event, sock_error, sock_intr_errno, type Sock } from "./sock.js";
import { SEND_SHUTDOWN, TCPF_CLOSE_WAIT, TCPF_ESTABLISHED, TCPF_FIN_WAIT1, TCPF_LAST_ACK, TCPF_CLOSING, TCPF_SYN_RECV, TCPF_SYN_SENT } from "../ipv4/tcp_states.js";

/** sk_stream_wspace(sk): free send-buffer space. */
export function sk_stream_wspace(sk: TcpSock): number {
  return sk.sk_sndbuf - sk.sk_wmem_queued;
}

/** sk_stream_min_wspace(sk): how much must be free before writers are woken. */
export function sk_stream_min_wspace(sk: TcpSock): number {
  return sk.sk_wmem_queued >> 1;
}

/** sk_stream_memory_free(sk): room to queue more data. */
export function sk_stream_memory_free(sk: TcpSock): boolean {
  return sk.sk_wmem_queued < sk.sk_sndbuf;
}

/** __sk_stream_is_writeable(sk): enough free space for poll to say POLLOUT. */
export function sk_stream_is_writeable(sk: TcpSock): boolean {
  return sk_stream_wspace(sk) >= sk_stream_min_wspace(sk) && sk_stream_memory_free(sk);
}

/** sk_stream_write_space(sk): wake writers once a third of the buffer is free again. */
export function sk_stream_write_space(sk: TcpSock): void {
  if (sk_stream_is_writeable(sk) && sk.sk_socket) sk.sk_wq.wake_up();
}

/**
 * sk_stream_wait_connect(sk, &timeo): wait while the handshake is in progress. 0 once connected;
 * the socket's error, -EPIPE when it is not connecting, -EAGAIN without time, or -EINTR/-ERESTARTSYS.
 */
export async function sk_stream_wait_connect(sk: TcpSock, timeo: { value: number }): Promise<number> {
  const connected = (): boolean => !sk.sk_err && ((1 << sk.sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) === 0;
  for (;;) {
    const err = sock_error(sk);
    if (err) return err;
    if ((1 << sk.sk_state) & ~(TCPF_SYN_SENT | TCPF_SYN_RECV)) return -EPIPE;
    if (!timeo.value) return -EAGAIN;
    if (signal_pending(current())) return sock_intr_errno(timeo.value);
    await sk_wait_event(sk, timeo, () => connected() || !!sk.sk_err || ((1 << sk.sk_state) & ~(TCPF_SYN_SENT | TCPF_SYN_RECV)) !== 0 || signal_pending(current()));
    if (connected()) return 0;
  }
}

/** sk_stream_closing(sk): our FIN is not acknowledged yet. */
function sk_stream_closing(sk: Sock): boolean {
  return ((1 << sk.sk_state) & (TCPF_FIN_WAIT1 | TCPF_CLOSING | TCPF_LAST_ACK)) !== 0;
}

/** sk_stream_wait_close(sk, timeout): a lingering close waits for its FIN to be acknowledged. */
export async function sk_stream_wait_close(sk: TcpSock, timeout_ns: number): Promise<void> {
  if (!timeout_ns) return;
  const timeo = { value: timeout_ns };
  while (sk_stream_closing(sk) && timeo.value && !signal_pending(current())) await sk_wait_event(sk, timeo, () => !sk_stream_closing(sk));
}

/**
 * sk_stream_wait_memory(sk, &timeo): wait for send-buffer space. 0 when there is room; -EPIPE when
 * the socket has an error or is shut for sending, -EAGAIN without time, -EINTR on a signal.
 */
export async function sk_stream_wait_memory(sk: TcpSock, timeo: { value: number }): Promise<number> {
  for (;;) {
    if (sk.sk_err || sk.sk_shutdown & SEND_SHUTDOWN) return -EPIPE;
    if (!timeo.value) return -EAGAIN;
    if (signal_pending(current())) return sock_intr_errno(timeo.value);
    if (sk_stream_memory_free(sk)) return 0;
    await sk_wait_event(sk, timeo, () => !!sk.sk_err || (sk.sk_shutdown & SEND_SHUTDOWN) !== 0 || sk_stream_memory_free(sk) || signal_pending(current()));
  }
}

/** sk_stream_error(sk, flags, err): -EPIPE becomes the pending error if any, else SIGPIPE too. */
export function sk_stream_error(sk: Sock, flags: number, err: number): number {
  if (err === -EPIPE) err = sock_error(sk) || -EPIPE;
  if (err === -EPIPE && !(flags & MSG_NOSIGNAL)) send_sig(SIGPIPE, current());
  return err;
}
