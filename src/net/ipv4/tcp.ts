// Mirrors net/ipv4/tcp.c: the socket-call side of TCP. tcp_init_sock gives a new socket its
// defaults; tcp_sendmsg copies user data into the write queue (in segment-sized skbs, waiting for
// the connection and for send-buffer space) and pushes it; tcp_recvmsg copies from the receive
// queue, partial reads included, waiting for data as SO_RCVTIMEO allows, and announces a window
// that reopened; tcp_close sends FIN, or RST when unread data is thrown away or SO_LINGER is zero;
// tcp_shutdown half-closes; tcp_poll, tcp_ioctl and the SOL_TCP options.
import { EAGAIN, EFAULT, EINVAL, ENOIOCTLCMD, ENOPROTOOPT, ENOTCONN, EPIPE } from "../../include/uapi/errno.js";
import { MSG_DONTWAIT, MSG_ERRQUEUE, MSG_MORE as MSG_MORE_FLAG, MSG_OOB, MSG_PEEK, MSG_TRUNC, MSG_WAITALL } from "../../include/uapi/socket.js";
import { SOL_TCP, TCP_CONGESTION, TCP_CORK, TCP_INFO, TCP_INFO_SIZE, TCP_KEEPCNT, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_LINGER2, TCP_MAXSEG, TCP_NODELAY, TCP_QUICKACK, TCP_SYNCNT, TCP_USER_TIMEOUT, TCP_WINDOW_CLAMP, tcp_info_fields, TCPHDR_ACK, TCPHDR_FIN, TCPHDR_PSH, TCPI_OPT_SACK, TCPI_OPT_TIMESTAMPS, TCPI_OPT_WSCALE, type TcpInfoField } from "../../include/uapi/tcp.js";
import { SIOCINQ, SIOCOUTQ } from "../../include/uapi/sockios.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import { current } from "../../kernel/sched/task.js";
import { signal_pending } from "../../kernel/signal.js";
import { HZ, jiffies, jiffies_to_msecs } from "../../kernel/time/timer.js";
import { poll_wait, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM, type PollTable } from "../../fs/select.js";
import type { File } from "../../fs/file.js";
import type { Socket } from "../socket.js";
import type { Msghdr } from "../core/msghdr.js";
import { lock_sock, release_sock, sk_wait_event, sock_error, sock_intr_errno, sock_orphan, sock_rcvtimeo, sock_sndtimeo, SOCK_BINDPORT_LOCK, type Sock } from "../core/sock.js";
import { pskb_expand_head, skb_put, skb_tailroom, skb_trim } from "../core/skbuff.js";
import { sk_stream_alloc_skb, sk_wmem_free_skb, tcp_current_mss, tcp_bound_to_half_wnd, __tcp_push_pending_frames, tcp_push_one, tcp_send_fin, tcp_send_active_reset, tcp_send_ack, __tcp_select_window, tcp_receive_window, tcp_push_pending_frames, TCP_NAGLE_CORK, TCP_NAGLE_OFF, TCP_NAGLE_PUSH } from "./tcp_output.js";
import { sk_stream_error, sk_stream_is_writeable, sk_stream_memory_free, sk_stream_wait_connect, sk_stream_wait_memory } from "../core/stream.js";
import { tcp_sk, type TcpSock } from "../../include/linux/tcp.js";
import { inet_csk_ack_scheduled, ICSK_ACK_PUSHED, ICSK_ACK_PUSHED2, inet_csk_in_pingpong_mode, inet_csk_enter_pingpong_mode, inet_csk_exit_pingpong_mode, inet_csk_delack_init, ICSK_ACK_NOW } from "../../include/net/inet_connection_sock.js";
import { after, before, MAX_TCP_HEADER, MAX_TCP_WINDOW, seq_add, sysctl_tcp_fin_timeout, sysctl_tcp_rmem, sysctl_tcp_wmem, TCP_INFINITE_SSTHRESH, TCP_INIT_CWND, TCP_KEEPALIVE_INTVL, TCP_KEEPALIVE_PROBES, TCP_KEEPALIVE_TIME, TCP_MIN_MSS, TCP_MSS_DEFAULT, TCP_SKB_CB, TCP_TIMEOUT_INIT } from "../../include/net/tcp.js";
import { reqsk_queue_empty } from "../../include/net/request_sock.js";
import { TCP_CLOSE, TCP_CLOSE_WAIT, TCP_ESTABLISHED, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_LAST_ACK, TCP_LISTEN, TCP_SYN_RECV, TCP_SYN_SENT, TCP_TIME_WAIT, RCV_SHUTDOWN, SEND_SHUTDOWN, SHUTDOWN_MASK, TCPF_CLOSE_WAIT, TCPF_ESTABLISHED, TCPF_FIN_WAIT1, TCPF_FIN_WAIT2, TCPF_SYN_RECV, TCPF_SYN_SENT, TCPF_CLOSING, TCPF_LAST_ACK } from "./tcp_states.js";
import { mib } from "./snmp.js";
import { inet_csk_destroy_sock, inet_csk_listen_stop, inet_csk_reset_keepalive_timer } from "./inet_connection_sock.js";
import { inet_put_port, inet_unhash, slab_kaddr } from "./inet_hashtables.js";
import { tcp_clear_xmit_timers, tcp_init_xmit_timers } from "./tcp_timer.js";
import { tcp_fin_time, tcp_time_wait } from "./tcp_minisocks.js";
import { ip_getsockopt, ip_setsockopt } from "./ip_sockglue.js";
import { TCP_TIMEWAIT_LEN } from "../../include/net/tcp.js";

// ---- state --------------------------------------------------------------------------------------

/**
 * tcp_set_state(sk, state): CurrEstab counts ESTABLISHED sockets; EstabResets counts those closed
 * from ESTABLISHED or CLOSE_WAIT; a closed socket leaves the hash tables and gives its port back
 * (unless bind() chose it).
 */
export function tcp_set_state(sk: TcpSock, state: number): void {
  const oldstate = sk.sk_state;
  const m = mib();
  if (state === TCP_ESTABLISHED) {
    if (oldstate !== TCP_ESTABLISHED) m.tcp.CurrEstab++;
  } else {
    if (state === TCP_CLOSE) {
      if (oldstate === TCP_CLOSE_WAIT || oldstate === TCP_ESTABLISHED) m.tcp.EstabResets++;
      inet_unhash(sk);
      if (sk.icsk_bind_hash && !(sk.sk_userlocks & SOCK_BINDPORT_LOCK)) inet_put_port(sk);
    }
    if (oldstate === TCP_ESTABLISHED) m.tcp.CurrEstab--;
  }
  sk.sk_state = state;
}

/** new_state[]: where close() and shutdown() go from each state, and whether they send FIN. */
const TCP_ACTION_FIN = 1 << 7;
const new_state: Record<number, number> = {
  [TCP_ESTABLISHED]: TCP_FIN_WAIT1 | TCP_ACTION_FIN,
  [TCP_SYN_SENT]: TCP_CLOSE,
  [TCP_SYN_RECV]: TCP_FIN_WAIT1 | TCP_ACTION_FIN,
  [TCP_FIN_WAIT1]: TCP_FIN_WAIT1,
  [TCP_FIN_WAIT2]: TCP_FIN_WAIT2,
  [TCP_TIME_WAIT]: TCP_CLOSE,
  [TCP_CLOSE]: TCP_CLOSE,
  [TCP_CLOSE_WAIT]: TCP_LAST_ACK | TCP_ACTION_FIN,
  [TCP_LAST_ACK]: TCP_LAST_ACK,
  [TCP_LISTEN]: TCP_CLOSE,
  [11 /* TCP_CLOSING */]: 11,
};

/** tcp_close_state(sk): move to the closing state; true when a FIN must be sent. */
function tcp_close_state(sk: TcpSock): boolean {
  const next = new_state[sk.sk_state] ?? TCP_CLOSE;
  tcp_set_state(sk, next & 0x0f);
  return (next & TCP_ACTION_FIN) !== 0;
}

/** tcp_write_queue_purge(sk): forget everything not acknowledged. */
export function tcp_write_queue_purge(sk: TcpSock): void {
  for (const skb of [...sk.sk_write_queue, ...sk.tcp_rtx_queue]) sk_wmem_free_skb(sk, skb);
  sk.sk_write_queue.length = 0;
  sk.tcp_rtx_queue.length = 0;
  sk.packets_out = 0;
  sk.retrans_out = sk.lost_out = sk.sacked_out = 0;
  sk.sk_wmem_queued = 0;
}

/** tcp_done(sk): the connection is over (reset, timeout, or its last ACK). */
export function tcp_done(sk: TcpSock): void {
  if (sk.sk_state === TCP_SYN_SENT || sk.sk_state === TCP_SYN_RECV) mib().tcp.AttemptFails++;
  tcp_set_state(sk, TCP_CLOSE);
  tcp_clear_xmit_timers(sk);
  sk.sk_shutdown = SHUTDOWN_MASK;
  if (!sk.sk_flags.has("SOCK_DEAD")) sk.sk_wq.wake_up(); /* sk->sk_state_change(sk) */
  else inet_csk_destroy_sock(sk);
}

/**
 * tcp_init_sock(sk): a TCP socket's defaults: RTO 1 s, cwnd 10, MSS 536 until connected, buffers
 * of tcp_wmem[1] and tcp_rmem[1] (16 KiB, 128 KiB). As on Linux it sets only what does not start
 * at zero: the sock comes zeroed from sk_alloc (a TcpSockSlab, tcp_prot.obj_alloc), its queues
 * empty, for a new socket and for a listener's child alike.
 */
export function tcp_init_sock(sk: Sock): void {
  const tp = sk as TcpSock;
  tcp_init_xmit_timers(tp);
  tp.icsk_rto = TCP_TIMEOUT_INIT;
  tp.mdev_us = (TCP_TIMEOUT_INIT * 1e6) / HZ;
  /* So many TCP implementations out there (incorrectly) count the initial SYN frame in their
   * delayed-ACK and congestion control algorithms that we must have the following bandaid to
   * talk efficiently to them.  -DaveM
   */
  tp.snd_cwnd = TCP_INIT_CWND;
  /* See draft-stevens-tcpca-spec-01 for discussion of the initialization of these values. */
  tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp.snd_cwnd_clamp = 0xffffffff;
  tp.mss_cache = TCP_MSS_DEFAULT;
  tp.rx_opt.mss_clamp = TCP_MSS_DEFAULT;
  tp.tcp_header_len = 20;
  tp.reordering = 3;
  tp.keepalive_time = TCP_KEEPALIVE_TIME;
  tp.keepalive_intvl = TCP_KEEPALIVE_INTVL;
  tp.keepalive_probes = TCP_KEEPALIVE_PROBES;
  tp.sk_kaddr = slab_kaddr("tcp");
  tp.sk_sndbuf = sysctl_tcp_wmem[1];
  tp.sk_rcvbuf = sysctl_tcp_rmem[1];
}

// ---- sending ------------------------------------------------------------------------------------

/** tcp_xmit_size_goal(sk, mss_now): how much one write-queue skb holds (an MSS on lo, as no GSO is simulated). */
function tcp_send_mss(sk: TcpSock): { mss_now: number; size_goal: number } {
  const mss_now = tcp_current_mss(sk);
  const new_size_goal = tcp_bound_to_half_wnd(sk, 65536 - 1 - MAX_TCP_HEADER);
  const size_goal = Math.max(Math.min(new_size_goal, mss_now), mss_now);
  return { mss_now, size_goal };
}

/** forced_push(tp): more than half a window was written since the last PSH. */
function forced_push(tp: TcpSock): boolean {
  return after(tp.write_seq, seq_add(tp.pushed_seq, tp.max_window >> 1));
}

/** tcp_mark_push(tp, skb) */
function tcp_mark_push(tp: TcpSock, skb: { cb: unknown }): void {
  TCP_SKB_CB(skb as never).tcp_flags |= TCPHDR_PSH;
  tp.pushed_seq = tp.write_seq;
}

/** tcp_push(sk, flags, mss_now, nonagle): PSH the last skb (unless MSG_MORE) and send what may go. */
function tcp_push(sk: TcpSock, flags: number, mss_now: number, nonagle: number): void {
  const skb = sk.sk_write_queue[sk.sk_write_queue.length - 1];
  if (!skb) return;
  if (!(flags & MSG_MORE_FLAG) || forced_push(sk)) tcp_mark_push(sk, skb);
  if (flags & MSG_MORE_FLAG) nonagle = TCP_NAGLE_CORK;
  __tcp_push_pending_frames(sk, mss_now, nonagle);
}

/**
 * tcp_sendmsg(sk, msg, size): queue the data and send what the windows allow. Returns the bytes
 * queued (fewer than asked when a non-blocking send or SO_SNDTIMEO ran out of buffer space, or a
 * signal came), or: the socket's error, -EPIPE (and SIGPIPE unless MSG_NOSIGNAL) on a socket that
 * is not connected or shut for sending, -EAGAIN, -EINTR.
 */
export async function tcp_sendmsg(sk: Sock, msg: Msghdr, size: number): Promise<number> {
  const tp = tcp_sk(sk);
  lock_sock(sk);
  const ret = await tcp_sendmsg_locked(tp, msg, size);
  release_sock(sk);
  return ret;
}

async function tcp_sendmsg_locked(sk: TcpSock, msg: Msghdr, size: number): Promise<number> {
  const flags = msg.msg_flags;
  const timeo = { value: sock_sndtimeo(sk, (flags & MSG_DONTWAIT) !== 0) };
  let copied = 0;
  let err = 0;
  /* Wait for a connection to finish. */
  if ((1 << sk.sk_state) & ~(TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)) {
    err = await sk_stream_wait_connect(sk, timeo);
    if (err !== 0) return sk_stream_error(sk, flags, err);
  }
  let { mss_now, size_goal } = tcp_send_mss(sk);
  err = -EPIPE;
  if (sk.sk_err || sk.sk_shutdown & SEND_SHUTDOWN) return sk_stream_error(sk, flags, err);
  let left = size;
  while (left > 0) {
    let skb = sk.sk_write_queue[sk.sk_write_queue.length - 1];
    let copy = skb && !(TCP_SKB_CB(skb).tcp_flags & TCPHDR_FIN) ? size_goal - skb.len : 0;
    if (copy <= 0) {
      if (!sk_stream_memory_free(sk)) {
        /* wait_for_space: */
        if (copied) tcp_push(sk, flags & ~MSG_MORE_FLAG, mss_now, TCP_NAGLE_PUSH);
        err = await sk_stream_wait_memory(sk, timeo);
        if (err !== 0) break;
        ({ mss_now, size_goal } = tcp_send_mss(sk));
        continue;
      }
      skb = sk_stream_alloc_skb(sk, Math.min(size_goal, left));
      const cb = TCP_SKB_CB(skb);
      cb.seq = cb.end_seq = sk.write_seq;
      cb.tcp_flags = TCPHDR_ACK;
      sk.sk_write_queue.push(skb);
      copy = size_goal;
    }
    /* Try to append data to the end of skb. */
    if (copy > left) copy = left;
    /* Room for it (the page frags Linux appends to): at least double, up to a full segment. */
    if (skb_tailroom(skb) < copy) pskb_expand_head(skb, 0, Math.max(copy, Math.min(size_goal - skb.len, skb.len)));
    const before_size = skb.truesize;
    const got = msg.msg_iter.copy_from(skb_put(skb, copy), copy);
    if (got < copy) {
      skb_trim(skb, skb.len - (copy - got));
      err = -EFAULT;
      if (got === 0) break;
    }
    const cb = TCP_SKB_CB(skb);
    sk.sk_wmem_queued += skb.truesize - before_size;
    cb.truesize += skb.truesize - before_size;
    if (!copied) cb.tcp_flags &= ~TCPHDR_PSH;
    sk.write_seq = seq_add(sk.write_seq, got);
    cb.end_seq = seq_add(cb.end_seq, got);
    copied += got;
    left -= got;
    if (got < copy) break;
    if (!left) break;
    if (skb.len < size_goal) continue;
    if (forced_push(sk)) {
      tcp_mark_push(sk, skb);
      __tcp_push_pending_frames(sk, mss_now, TCP_NAGLE_PUSH);
    } else if (skb === sk.sk_write_queue[0]) tcp_push_one(sk, mss_now);
  }
  /* Drop an skb left empty by a failed wait (tcp_remove_empty_skb). */
  const tail = sk.sk_write_queue[sk.sk_write_queue.length - 1];
  if (tail && TCP_SKB_CB(tail).seq === TCP_SKB_CB(tail).end_seq && !tail.len) {
    sk.sk_write_queue.pop();
    sk_wmem_free_skb(sk, tail);
  }
  if (copied) {
    tcp_push(sk, flags, mss_now, sk.nonagle);
    return copied;
  }
  return sk_stream_error(sk, flags, err);
}

// ---- receiving ----------------------------------------------------------------------------------

/**
 * tcp_cleanup_rbuf(sk, copied): after a read, ACK now if a delayed ACK is owed for a full segment
 * or the reader drained a small pushed one, or if the read reopened the window by half or more.
 */
export function tcp_cleanup_rbuf(sk: TcpSock, copied: number): void {
  let time_to_ack = false;
  if (inet_csk_ack_scheduled(sk)) {
    if (
      ((sk.rcv_nxt - sk.rcv_wup) >>> 0) > sk.icsk_ack.rcv_mss ||
      (copied > 0 && (sk.icsk_ack.pending & ICSK_ACK_PUSHED2 || (sk.icsk_ack.pending & ICSK_ACK_PUSHED && !inet_csk_in_pingpong_mode(sk))) && !sk.sk_rmem_alloc)
    )
      time_to_ack = true;
  }
  /* We send an ACK if we can now advertise a non-zero window which has been raised "significantly". */
  if (copied > 0 && !time_to_ack && !(sk.sk_shutdown & RCV_SHUTDOWN)) {
    const rcv_window_now = tcp_receive_window(sk);
    if (2 * rcv_window_now <= sk.window_clamp) {
      const new_window = __tcp_select_window(sk);
      if (new_window && new_window >= 2 * rcv_window_now) time_to_ack = true;
    }
  }
  if (time_to_ack) tcp_send_ack(sk);
}

/** sk_eat_skb(sk, skb): the reader is done with the head of the receive queue. */
function sk_eat_skb(sk: TcpSock): void {
  const skb = sk.sk_receive_queue.shift()!;
  sk.sk_rmem_alloc -= TCP_SKB_CB(skb).truesize;
}

/**
 * tcp_recvmsg(sk, msg, len, flags): copy received bytes (at least one, all `len` with MSG_WAITALL)
 * in order; MSG_PEEK leaves them queued, MSG_TRUNC drops them uncopied. 0 at end of stream (the
 * peer's FIN, or shutdown(SHUT_RD)); -ENOTCONN on a listening or never connected socket; the
 * socket's error; -EAGAIN; -EINTR; -EINVAL for MSG_OOB (no urgent data is kept).
 */
export async function tcp_recvmsg(sk: Sock, msg: Msghdr, len: number, flags: number): Promise<number> {
  const tp = tcp_sk(sk);
  if (flags & MSG_ERRQUEUE) return -EAGAIN;
  lock_sock(sk);
  const ret = await tcp_recvmsg_locked(tp, msg, len, flags);
  release_sock(sk);
  return ret;
}

async function tcp_recvmsg_locked(sk: TcpSock, msg: Msghdr, len: number, flags: number): Promise<number> {
  if (sk.sk_state === TCP_LISTEN) return -ENOTCONN;
  if (flags & MSG_OOB) return -EINVAL;
  const timeo = { value: sock_rcvtimeo(sk, (flags & MSG_DONTWAIT) !== 0) };
  let copied = 0;
  const peek = (flags & MSG_PEEK) !== 0;
  let peek_seq = sk.copied_seq;
  const seq = (): number => (peek ? peek_seq : sk.copied_seq);
  const advance = (n: number): void => {
    if (peek) peek_seq = seq_add(peek_seq, n);
    else sk.copied_seq = seq_add(sk.copied_seq, n);
  };
  const target = flags & MSG_WAITALL ? len : Math.min(1, len);
  do {
    /* Next get a buffer. */
    let found: { skb: (typeof sk.sk_receive_queue)[number]; offset: number } | null = null;
    let fin_ok = false;
    for (const skb of sk.sk_receive_queue) {
      const cb = TCP_SKB_CB(skb);
      const offset = (seq() - cb.seq) >>> 0;
      if (before(seq(), cb.seq)) break;
      if (offset < skb.len) {
        found = { skb, offset };
        break;
      }
      if (cb.tcp_flags & TCPHDR_FIN) {
        fin_ok = true;
        found = { skb, offset };
        break;
      }
    }
    if (found && !fin_ok) {
      const { skb, offset } = found;
      let used = skb.len - offset;
      if (len < used) used = len;
      if (!(flags & MSG_TRUNC)) {
        if (msg.msg_iter.copy_to(skb.data.subarray(offset, offset + used), used) !== used) {
          if (!copied) copied = -EFAULT;
          break;
        }
      }
      advance(used);
      copied += used;
      len -= used;
      if (used + offset < skb.len) continue;
      if (TCP_SKB_CB(skb).tcp_flags & TCPHDR_FIN) {
        advance(1);
        if (!peek) sk_eat_skb(sk);
        break;
      }
      if (!peek) sk_eat_skb(sk);
      continue;
    }
    if (fin_ok) {
      /* found_fin_ok: */
      advance(1);
      if (!peek) sk_eat_skb(sk);
      break;
    }
    if (copied >= target && !sk.sk_backlog.length) break;
    if (copied) {
      if (sk.sk_err || sk.sk_state === TCP_CLOSE || sk.sk_shutdown & RCV_SHUTDOWN || !timeo.value || signal_pending(current())) break;
    } else {
      if (sk.sk_flags.has("SOCK_DONE")) break;
      if (sk.sk_err) {
        copied = sock_error(sk);
        break;
      }
      if (sk.sk_shutdown & RCV_SHUTDOWN) break;
      if (sk.sk_state === TCP_CLOSE) {
        /* This occurs when user tries to read from never connected socket. */
        copied = -ENOTCONN;
        break;
      }
      if (!timeo.value) {
        copied = -EAGAIN;
        break;
      }
      if (signal_pending(current())) {
        copied = sock_intr_errno(timeo.value);
        break;
      }
    }
    tcp_cleanup_rbuf(sk, copied);
    if (copied >= target) {
      /* Do not sleep, just process backlog. */
      release_sock(sk);
      lock_sock(sk);
    } else {
      /* sk_wait_data(): until the receive queue grows, or an error or end of stream. */
      const tail = sk.sk_receive_queue[sk.sk_receive_queue.length - 1];
      await sk_wait_event(sk, timeo, () => sk.sk_receive_queue[sk.sk_receive_queue.length - 1] !== tail || !!sk.sk_err || (sk.sk_shutdown & RCV_SHUTDOWN) !== 0 || sk.sk_state === TCP_CLOSE || signal_pending(current()));
    }
  } while (len > 0);
  if (copied > 0) tcp_cleanup_rbuf(sk, copied);
  return copied;
}

// ---- closing ------------------------------------------------------------------------------------

/** tcp_shutdown(sk, how): SHUT_WR sends FIN (once) from ESTABLISHED, SYN_SENT, SYN_RECV, CLOSE_WAIT. */
export function tcp_shutdown(sk: Sock, how: number): void {
  const tp = tcp_sk(sk);
  if (!(how & SEND_SHUTDOWN)) return;
  /* If we've already sent a FIN, or it's a closed state, skip this. */
  if ((1 << tp.sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE_WAIT)) {
    /* Clear out any half completed packets.  FIN if needed. */
    if (tcp_close_state(tp)) tcp_send_fin(tp);
  }
}

/** tcp_need_reset(state): a connection whose abort the peer must hear of. */
function tcp_need_reset(state: number): boolean {
  return ((1 << state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 | TCPF_SYN_RECV)) !== 0;
}

/**
 * tcp_disconnect(sk, flags): abort (connect(AF_UNSPEC), SO_LINGER 0, shutdown of a connecting
 * socket): RST to the peer if it knows us, ECONNRESET here, and the socket back to a fresh CLOSE.
 */
export function tcp_disconnect(sk: Sock, _flags: number): number {
  const tp = tcp_sk(sk);
  const old_state = tp.sk_state;
  if (old_state !== TCP_CLOSE) tcp_set_state(tp, TCP_CLOSE);
  /* ABORT function of RFC793 */
  if (old_state === TCP_LISTEN) inet_csk_listen_stop(tp);
  else if (tcp_need_reset(old_state) || (tp.snd_nxt !== tp.write_seq && (1 << old_state) & (TCPF_CLOSING | TCPF_LAST_ACK))) {
    /* The last check adjusts for discrepancy of Linux wrt. RFC states */
    tcp_send_active_reset(tp);
    tp.sk_err = 104; /* ECONNRESET */
  } else if (old_state === TCP_SYN_SENT) tp.sk_err = 104;
  tcp_clear_xmit_timers(tp);
  tp.sk_receive_queue.length = 0;
  tp.sk_rmem_alloc = 0;
  tcp_write_queue_purge(tp);
  tp.inet_dport = 0;
  if (!(tp.sk_userlocks & 4 /* SOCK_BINDADDR_LOCK */)) tp.inet_rcv_saddr = tp.inet_saddr = 0;
  tp.sk_shutdown = 0;
  tp.sk_flags.delete("SOCK_DONE");
  tp.srtt_us = 0;
  tp.mdev_us = (TCP_TIMEOUT_INIT * 1e6) / HZ;
  tp.rcv_rtt_last_tsecr = 0;
  let seq = seq_add(tp.write_seq, tp.max_window + 2);
  if (!seq) seq = 1;
  tp.write_seq = seq;
  tp.icsk_backoff = 0;
  tp.icsk_probes_out = 0;
  tp.icsk_rto = TCP_TIMEOUT_INIT;
  tp.rcv_ssthresh = 0;
  tp.snd_ssthresh = TCP_INFINITE_SSTHRESH;
  tp.snd_cwnd = TCP_INIT_CWND;
  tp.snd_cwnd_cnt = 0;
  tp.window_clamp = 0;
  tp.delivered = 0;
  tp.icsk_ca_state = 0;
  tp.packets_out = 0;
  tp.rx_opt.tstamp_ok = tp.rx_opt.sack_ok = tp.rx_opt.wscale_ok = false;
  tp.rx_opt.snd_wscale = 0;
  tp.rx_opt.ts_recent = tp.rx_opt.ts_recent_stamp = 0;
  inet_csk_delack_init(tp);
  tp.sk_wq.wake_up(); /* sk->sk_error_report(sk) */
  return 0;
}

/**
 * tcp_close(sk, timeout): the last close of the socket. A listener stops (its queued connections
 * are reset); unread data or SO_LINGER with zero time abort with RST; otherwise FIN. The socket
 * becomes an orphan that finishes the close on its own: an orphan reaching FIN_WAIT2 turns into a
 * TIME_WAIT sock of substate FIN_WAIT2 for tcp_fin_timeout. kplay's close() does not wait for a
 * positive SO_LINGER time.
 */
export function tcp_close(sk: Sock, _timeout: number): void {
  const tp = tcp_sk(sk);
  lock_sock(sk);
  tp.sk_shutdown = SHUTDOWN_MASK;
  let dead = false;
  if (tp.sk_state === TCP_LISTEN) {
    tcp_set_state(tp, TCP_CLOSE);
    /* Special case. */
    inet_csk_listen_stop(tp);
  } else {
    /* We need to flush the recv. buffs. */
    let data_was_unread = 0;
    for (const skb of tp.sk_receive_queue) {
      const cb = TCP_SKB_CB(skb);
      let n = (cb.end_seq - cb.seq) >>> 0;
      if (cb.tcp_flags & TCPHDR_FIN) n--;
      data_was_unread += n;
    }
    tp.sk_receive_queue.length = 0;
    tp.sk_rmem_alloc = 0;
    if (tp.sk_state === TCP_CLOSE) {
      /* If socket has been already reset (e.g. in tcp_reset()) - kill it. */
    } else if (data_was_unread) {
      /* Unread data was tossed, zap the connection. */
      tcp_set_state(tp, TCP_CLOSE);
      tcp_send_active_reset(tp);
    } else if (tp.sk_flags.has("SOCK_LINGER") && !tp.sk_lingertime) {
      /* Check zero linger _after_ checking for unread data. */
      tcp_disconnect(tp, 0);
    } else if (tcp_close_state(tp)) {
      /* We FIN if the application ate all the data before zapping the connection. */
      tcp_send_fin(tp);
    }
  }
  /* adjudge_to_death: */
  const state = tp.sk_state;
  sock_orphan(sk);
  /* remove backlog if any, without releasing ownership. */
  for (let skb = tp.sk_backlog.shift(); skb; skb = tp.sk_backlog.shift()) (sk.sk_prot.backlog_rcv as (s: Sock, b: typeof skb) => number)(sk, skb);
  if (!(state !== TCP_CLOSE && tp.sk_state === TCP_CLOSE)) {
    if (tp.sk_state === TCP_FIN_WAIT2) {
      if (tp.linger2 < 0) {
        tcp_set_state(tp, TCP_CLOSE);
        tcp_send_active_reset(tp);
      } else {
        const tmo = tcp_fin_time(tp);
        if (tmo > TCP_TIMEWAIT_LEN) inet_csk_reset_keepalive_timer(tp, tmo - TCP_TIMEWAIT_LEN);
        else {
          tcp_time_wait(tp, TCP_FIN_WAIT2, tmo);
          dead = true;
        }
      }
    }
    if (!dead && tp.sk_state === TCP_CLOSE) inet_csk_destroy_sock(tp);
    /* Otherwise, socket is reprieved until protocol close. */
  }
  release_sock(sk);
}

// ---- poll and ioctl -----------------------------------------------------------------------------

/** tcp_stream_is_readable(): data queued past copied_seq, or the end of stream. */
function tcp_stream_is_readable(sk: TcpSock): boolean {
  return ((sk.rcv_nxt - sk.copied_seq) | 0) > 0;
}

/**
 * tcp_poll(): a listener is readable with a connection to accept; a connection is readable with
 * data or after the peer's FIN (POLLRDHUP), writable with a third of the send buffer free, POLLHUP
 * when both directions are shut or the socket is closed, POLLERR with a pending error. Nothing is
 * ready while connecting.
 */
export function tcp_poll(file: File, sock: Socket, wait: PollTable | null): number {
  const sk = tcp_sk(sock.sk!);
  poll_wait(file, sk.sk_wq, wait);
  const state = sk.sk_state;
  if (state === TCP_LISTEN) return reqsk_queue_empty(sk.icsk_accept_queue) ? 0 : POLLIN | POLLRDNORM;
  let mask = 0;
  if (sk.sk_shutdown === SHUTDOWN_MASK || state === TCP_CLOSE) mask |= POLLHUP;
  if (sk.sk_shutdown & RCV_SHUTDOWN) mask |= POLLIN | POLLRDNORM | POLLRDHUP;
  /* Connected or passive Fast Open socket? */
  if (state !== TCP_SYN_SENT && state !== TCP_SYN_RECV) {
    if (tcp_stream_is_readable(sk)) mask |= POLLIN | POLLRDNORM;
    if (!(sk.sk_shutdown & SEND_SHUTDOWN)) {
      if (sk_stream_is_writeable(sk)) mask |= POLLOUT | POLLWRNORM;
    } else mask |= POLLOUT | POLLWRNORM;
  }
  if (sk.sk_err) mask |= POLLERR;
  return mask;
}

/** tcp_ioctl(sk, cmd, arg): SIOCINQ (bytes readable; -EINVAL on a listener) and SIOCOUTQ (unacknowledged bytes). */
export function tcp_ioctl(sk: Sock, cmd: number, arg: unknown): number {
  const tp = tcp_sk(sk);
  if (cmd !== SIOCINQ && cmd !== SIOCOUTQ) return -ENOIOCTLCMD;
  const out = arg as { value: number } | null;
  if (!out || typeof out !== "object" || !("value" in out)) return -EFAULT;
  if (cmd === SIOCINQ) {
    if (tp.sk_state === TCP_LISTEN) return -EINVAL;
    let answ = (tp.rcv_nxt - tp.copied_seq) >>> 0;
    /* Subtract 1, if FIN was received */
    if (answ && tp.sk_flags.has("SOCK_DONE")) answ--;
    out.value = answ;
  } else {
    if (tp.sk_state === TCP_LISTEN) return -EINVAL;
    out.value = (1 << tp.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV) ? 0 : (tp.write_seq - tp.snd_una) >>> 0;
  }
  return 0;
}

// ---- socket options -----------------------------------------------------------------------------

/**
 * tcp_setsockopt(): SOL_TCP's TCP_NODELAY, TCP_CORK, TCP_MAXSEG (88..32767, or 0), the keepalive
 * times and count, TCP_SYNCNT, TCP_LINGER2, TCP_QUICKACK, TCP_WINDOW_CLAMP, TCP_USER_TIMEOUT; the
 * other levels to ip_setsockopt. The value is an int: -EINVAL when shorter, -ENOPROTOOPT for an
 * option kplay does not have.
 */
export function tcp_setsockopt(sk: Sock, level: number, optname: number, optval: SockPtr, optlen: number): number {
  const tp = tcp_sk(sk);
  if (level !== SOL_TCP) return ip_setsockopt(sk, level, optname, optval, optlen);
  if (optlen < 4) return -EINVAL;
  const b = new Uint8Array(4);
  if (copy_from_sockptr(b, optval, 4)) return -EFAULT;
  const val = new DataView(b.buffer).getInt32(0, true);
  lock_sock(sk);
  let err = 0;
  switch (optname) {
    case TCP_MAXSEG:
      /* Values greater than interface MTU won't take effect. */
      if (val && (val < TCP_MIN_MSS || val > MAX_TCP_WINDOW)) {
        err = -EINVAL;
        break;
      }
      tp.rx_opt.user_mss = val;
      break;
    case TCP_NODELAY:
      if (val) {
        tp.nonagle |= TCP_NAGLE_OFF | TCP_NAGLE_PUSH;
        tcp_push_pending_frames(tp);
      } else tp.nonagle &= ~TCP_NAGLE_OFF;
      break;
    case TCP_CORK:
      if (val) tp.nonagle |= TCP_NAGLE_CORK;
      else {
        tp.nonagle &= ~TCP_NAGLE_CORK;
        if (tp.nonagle & TCP_NAGLE_OFF) tp.nonagle |= TCP_NAGLE_PUSH;
        tcp_push_pending_frames(tp);
      }
      break;
    case TCP_KEEPIDLE:
      if (val < 1 || val > 32767) err = -EINVAL;
      else tp.keepalive_time = val * HZ;
      break;
    case TCP_KEEPINTVL:
      if (val < 1 || val > 32767) err = -EINVAL;
      else tp.keepalive_intvl = val * HZ;
      break;
    case TCP_KEEPCNT:
      if (val < 1 || val > 127) err = -EINVAL;
      else tp.keepalive_probes = val;
      break;
    case TCP_SYNCNT:
      if (val < 1 || val > 127) err = -EINVAL;
      else tp.icsk_syn_retries = val;
      break;
    case TCP_LINGER2:
      if (val < 0) tp.linger2 = -1;
      else if (val > sysctl_tcp_fin_timeout / HZ) tp.linger2 = 0;
      else tp.linger2 = val * HZ;
      break;
    case TCP_QUICKACK:
      if (!val) inet_csk_enter_pingpong_mode(tp);
      else if (!((1 << tp.sk_state) & (TCPF_CLOSE_WAIT | TCPF_LAST_ACK | 1 << TCP_CLOSE | 1 << TCP_LISTEN))) {
        inet_csk_exit_pingpong_mode(tp);
        if (inet_csk_ack_scheduled(tp)) {
          tp.icsk_ack.pending |= ICSK_ACK_NOW;
          tcp_cleanup_rbuf(tp, 1);
        }
      }
      break;
    case TCP_WINDOW_CLAMP:
      if (!val) {
        if (tp.sk_state !== TCP_CLOSE) err = -EINVAL;
        else tp.window_clamp = 0;
      } else tp.window_clamp = val < 2240 / 2 ? 2240 / 2 : val; /* SOCK_MIN_RCVBUF / 2 */
      break;
    case TCP_USER_TIMEOUT:
      if (val < 0) err = -EINVAL;
      else tp.icsk_user_timeout = val;
      break;
    default:
      err = -ENOPROTOOPT;
  }
  release_sock(sk);
  return err;
}

/** The struct tcp_info bytes for `tp` (tcp_get_info). */
export function tcp_get_info(tp: TcpSock): Uint8Array {
  const b = new Uint8Array(TCP_INFO_SIZE);
  const dv = new DataView(b.buffer);
  const now = jiffies();
  const v: Partial<Record<TcpInfoField, number>> = {
    tcpi_state: tp.sk_state,
    tcpi_ca_state: tp.icsk_ca_state,
    tcpi_retransmits: tp.icsk_retransmits,
    tcpi_probes: tp.icsk_probes_out,
    tcpi_backoff: tp.icsk_backoff,
    tcpi_options: (tp.rx_opt.tstamp_ok ? TCPI_OPT_TIMESTAMPS : 0) | (tp.rx_opt.sack_ok ? TCPI_OPT_SACK : 0) | (tp.rx_opt.wscale_ok ? TCPI_OPT_WSCALE : 0),
    tcpi_wscale: tp.rx_opt.wscale_ok ? (tp.rx_opt.snd_wscale & 0xf) | ((tp.rx_opt.rcv_wscale & 0xf) << 4) : 0,
    tcpi_rto: jiffies_to_msecs(tp.icsk_rto) * 1000,
    tcpi_ato: jiffies_to_msecs(tp.icsk_ack.ato) * 1000,
    tcpi_snd_mss: tp.mss_cache,
    tcpi_rcv_mss: tp.icsk_ack.rcv_mss,
    tcpi_unacked: tp.packets_out,
    tcpi_lost: tp.lost_out,
    tcpi_retrans: tp.retrans_out,
    tcpi_last_data_sent: jiffies_to_msecs(now - tp.lsndtime),
    tcpi_last_data_recv: jiffies_to_msecs(now - tp.icsk_ack.lrcvtime),
    tcpi_last_ack_recv: jiffies_to_msecs(now - tp.rcv_tstamp),
    tcpi_pmtu: tp.icsk_pmtu_cookie,
    tcpi_rcv_ssthresh: tp.rcv_ssthresh,
    tcpi_rtt: tp.srtt_us >> 3,
    tcpi_rttvar: tp.mdev_us >> 2,
    tcpi_snd_ssthresh: tp.snd_ssthresh,
    tcpi_snd_cwnd: tp.snd_cwnd,
    tcpi_advmss: tp.advmss,
    tcpi_reordering: tp.reordering,
    tcpi_rcv_space: 0,
    tcpi_total_retrans: tp.total_retrans,
    tcpi_bytes_acked: tp.bytes_acked,
    tcpi_bytes_received: tp.bytes_received,
    tcpi_segs_out: tp.segs_out,
    tcpi_segs_in: tp.segs_in,
    tcpi_notsent_bytes: Math.max(0, (tp.write_seq - tp.snd_nxt) | 0),
    tcpi_data_segs_in: tp.data_segs_in,
    tcpi_data_segs_out: tp.data_segs_out,
    tcpi_delivered: tp.delivered,
    tcpi_bytes_sent: tp.bytes_sent,
    tcpi_bytes_retrans: tp.bytes_retrans,
    tcpi_snd_wnd: tp.snd_wnd,
  };
  for (const [name, off, size] of tcp_info_fields) {
    const x = v[name] ?? 0;
    if (size === 1) dv.setUint8(off, x & 0xff);
    else if (size === 4) dv.setUint32(off, x >>> 0, true);
    else dv.setBigUint64(off, BigInt(Math.max(0, Math.floor(x))), true);
  }
  return b;
}

/**
 * tcp_getsockopt(): SOL_TCP's options as ints (TCP_MAXSEG is the current MSS, 536 before a
 * connection), TCP_INFO as struct tcp_info, TCP_CONGESTION as "cubic"; other levels to
 * ip_getsockopt. The length written back is at most what was asked.
 */
export function tcp_getsockopt(sk: Sock, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  const tp = tcp_sk(sk);
  if (level !== SOL_TCP) return ip_getsockopt(sk, level, optname, optval, optlen);
  let len = optlen.value;
  if (len < 0) return -EINVAL;
  let bytes: Uint8Array;
  if (optname === TCP_INFO) {
    bytes = tcp_get_info(tp);
    len = Math.min(len, bytes.length);
  } else if (optname === TCP_CONGESTION) {
    bytes = new Uint8Array(16);
    bytes.set(new TextEncoder().encode("cubic"));
    len = Math.min(len, 16);
  } else {
    let val: number;
    switch (optname) {
      case TCP_MAXSEG:
        val = tp.mss_cache;
        if (!val && (1 << tp.sk_state) & (1 << TCP_CLOSE | 1 << TCP_LISTEN)) val = tp.rx_opt.user_mss;
        break;
      case TCP_NODELAY:
        val = tp.nonagle & TCP_NAGLE_OFF ? 1 : 0;
        break;
      case TCP_CORK:
        val = tp.nonagle & TCP_NAGLE_CORK ? 1 : 0;
        break;
      case TCP_KEEPIDLE:
        val = tp.keepalive_time / HZ;
        break;
      case TCP_KEEPINTVL:
        val = tp.keepalive_intvl / HZ;
        break;
      case TCP_KEEPCNT:
        val = tp.keepalive_probes;
        break;
      case TCP_SYNCNT:
        val = tp.icsk_syn_retries || 6;
        break;
      case TCP_LINGER2:
        val = tp.linger2;
        if (val >= 0) val = (val ? val : sysctl_tcp_fin_timeout) / HZ;
        break;
      case TCP_QUICKACK:
        val = inet_csk_in_pingpong_mode(tp) ? 0 : 1;
        break;
      case TCP_WINDOW_CLAMP:
        val = tp.window_clamp;
        break;
      case TCP_USER_TIMEOUT:
        val = tp.icsk_user_timeout;
        break;
      default:
        return -ENOPROTOOPT;
    }
    bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, val, true);
    len = Math.min(len, 4);
  }
  if (copy_to_user(optval, bytes, len)) return -EFAULT;
  optlen.value = len;
  return 0;
}
