// Mirrors net/ipv4/inet_connection_sock.c: local ports (inet_csk_get_port and its bind-conflict
// rules, the odd-parity ephemeral search of bind(port 0) and listen()), listening (start, stop),
// the accept queue (accept, blocking or not; the request socks of the SYN queue with their SYN-ACK
// retransmission timer; completed children), and cloning a listener into a child socket.
import { EADDRINUSE, EAGAIN, EINVAL } from "../../include/uapi/errno.js";
import { O_NONBLOCK } from "../../include/uapi/fcntl.js";
import { current } from "../../kernel/sched/task.js";
import { signal_pending } from "../../kernel/signal.js";
import { jiffies, TimerList } from "../../kernel/time/timer.js";
import { lock_sock, release_sock, sk_alloc, sk_wait_event, sock_intr_errno, sock_orphan, sock_put, sock_rcvtimeo, type Sock } from "../core/sock.js";
import { inet_sk_init } from "./inet_sock.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import type { InetBindBucket } from "../../include/net/inet_hashtables.js";
import { reqsk_queue_added, reqsk_queue_alloc, reqsk_queue_empty, reqsk_queue_removed, type RequestSock } from "../../include/net/request_sock.js";
import { sk_acceptq_added, sk_acceptq_removed } from "../../include/net/inet_connection_sock.js";
import { TCP_RTO_MAX, TCP_SYNACK_RETRIES, TCP_TIMEOUT_INIT } from "../../include/net/tcp.js";
import { TCP_CLOSE, TCP_LISTEN, TCP_SYN_RECV } from "./tcp_states.js";
import { PORT_RANGE } from "./udp.js";
import { __inet_inherit_port, inet_bind_bucket_create, inet_bind_bucket_find, inet_bind_hash, inet_ehash_insert, inet_ehash_remove } from "./inet_hashtables.js";
import { tcp_init_sock, tcp_disconnect } from "./tcp.js";
import { tcp_v4_destroy_sock, tcp_v4_send_synack } from "./tcp_ipv4.js";
import { mib } from "./snmp.js";

/** inet_rcv_saddr_equal(sk, sk2, match_wildcard): the same local address, a wildcard matching any. */
function inet_rcv_saddr_equal(a: number, b: number): boolean {
  return a === b || !a || !b;
}

/**
 * inet_csk_bind_conflict(sk, tb, relax, reuseport_ok): another owner of the port whose address
 * overlaps, unless both set SO_REUSEADDR and it is not listening (with `relax`, as bind does).
 */
function inet_csk_bind_conflict(sk: TcpSock, tb: InetBindBucket, relax: boolean): boolean {
  const reuse = sk.sk_reuse;
  for (const sk2 of tb.owners) {
    if ((sk2 as unknown) === sk) continue;
    if (reuse && sk2.sk_reuse && sk2.sk_state !== TCP_LISTEN) {
      if (!relax && inet_rcv_saddr_equal(sk.inet_rcv_saddr, sk2.inet_rcv_saddr)) return true;
    } else if (inet_rcv_saddr_equal(sk.inet_rcv_saddr, sk2.inet_rcv_saddr)) return true;
  }
  return false;
}

/** inet_csk_update_fastreuse(tb, sk) */
function inet_csk_update_fastreuse(tb: InetBindBucket, sk: TcpSock): void {
  const reuse = sk.sk_reuse && sk.sk_state !== TCP_LISTEN;
  if (tb.owners.size === 0) tb.fastreuse = reuse ? 1 : 0;
  else if (!reuse) tb.fastreuse = 0;
}

/**
 * inet_csk_find_open_port(sk): a free port for bind(port 0) or listen() on an unbound socket: odd
 * ports first from a random offset (connect() takes the even ones), in the lower half of the range
 * first when the socket may reuse addresses.
 */
function inet_csk_find_open_port(sk: TcpSock): { port: number; tb: InetBindBucket | null } | null {
  const k = current().kernel;
  let attempt_half = sk.sk_reuse ? 1 : 0;
  for (;;) {
    let [low, high] = PORT_RANGE;
    high++; /* [32768, 60999] -> [32768, 61000[ */
    if (high - low < 4) attempt_half = 0;
    if (attempt_half) {
      const half = low + (((high - low) >> 2) << 1);
      if (attempt_half === 1) high = half;
      else low = half;
    }
    let remaining = high - low;
    if (remaining > 1) remaining &= ~1;
    let offset = k.random_u32() % remaining;
    /* __inet_hash_connect() favors ports having @low parity. We do the opposite to not pollute connect() users. */
    offset |= 1;
    for (;;) {
      let port = low + offset;
      for (let i = 0; i < remaining; i += 2, port += 2) {
        if (port >= high) port -= remaining;
        const tb = inet_bind_bucket_find(port);
        if (!tb) return { port, tb: null };
        if (!inet_csk_bind_conflict(sk, tb, false)) return { port, tb };
      }
      offset--;
      if (!(offset & 1)) continue;
      break;
    }
    if (attempt_half === 1) {
      /* OK we now try the upper half of the range */
      attempt_half = 2;
      continue;
    }
    return null;
  }
}

/**
 * inet_csk_get_port(sk, snum): take local port `snum` (0: pick one) for `sk`, which may already
 * hold it (listen() checks again). 0, or -EADDRINUSE.
 */
export function inet_csk_get_port(sk: Sock, snum: number): number {
  const tp = sk as TcpSock;
  const reuse = tp.sk_reuse && tp.sk_state !== TCP_LISTEN;
  let port = snum;
  let tb: InetBindBucket | null;
  if (!port) {
    const found = inet_csk_find_open_port(tp);
    if (!found) return -EADDRINUSE;
    port = found.port;
    tb = found.tb ?? inet_bind_bucket_create(port);
  } else {
    tb = inet_bind_bucket_find(port) ?? inet_bind_bucket_create(port);
    if (tb.owners.size > (tb.owners.has(tp) ? 1 : 0)) {
      if (!(tb.fastreuse > 0 && reuse) && inet_csk_bind_conflict(tp, tb, true)) return -EADDRINUSE;
    }
  }
  inet_csk_update_fastreuse(tb, tp);
  if (!tp.icsk_bind_hash) inet_bind_hash(tp, tb, port);
  return 0;
}

/**
 * inet_csk_listen_start(sk, backlog): LISTEN, after checking the port again under the new state;
 * -EADDRINUSE when another socket holds it in a way listening cannot share.
 */
export function inet_csk_listen_start(sk: TcpSock): number {
  sk.icsk_accept_queue = reqsk_queue_alloc();
  sk.sk_ack_backlog = 0;
  sk.sk_state = TCP_LISTEN;
  if (!inet_csk_get_port(sk, sk.inet_num)) {
    (sk.sk_prot.hash as (s: Sock) => number)(sk);
    return 0;
  }
  sk.sk_state = TCP_CLOSE;
  return -EADDRINUSE;
}

/**
 * inet_csk_wait_for_connect(sk, timeo): sleep until a connection is queued. 0, -EINVAL when the
 * socket stops listening, -EAGAIN when the time runs out, -EINTR/-ERESTARTSYS on a signal.
 */
async function inet_csk_wait_for_connect(sk: TcpSock, timeo: { value: number }): Promise<number> {
  for (;;) {
    await sk_wait_event(sk, timeo, () => !reqsk_queue_empty(sk.icsk_accept_queue) || sk.sk_state !== TCP_LISTEN || signal_pending(current()));
    if (!reqsk_queue_empty(sk.icsk_accept_queue)) return 0;
    if (sk.sk_state !== TCP_LISTEN) return -EINVAL;
    if (signal_pending(current())) return sock_intr_errno(timeo.value);
    if (!timeo.value) return -EAGAIN;
  }
}

/**
 * inet_csk_accept(sk, flags, &err, kern): the oldest queued connection, waiting for one unless
 * O_NONBLOCK (-EAGAIN) or SO_RCVTIMEO runs out; -EINVAL when not listening.
 */
export async function inet_csk_accept(sk: Sock, flags: number, err: { value: number }, _kern: boolean): Promise<TcpSock | null> {
  const tp = sk as TcpSock;
  lock_sock(sk);
  let error = -EINVAL;
  let newsk: TcpSock | null = null;
  out: {
    /* We need to make sure that this socket is listening, and that it has something pending. */
    if (tp.sk_state !== TCP_LISTEN) break out;
    /* Find already established connection */
    if (reqsk_queue_empty(tp.icsk_accept_queue)) {
      const timeo = { value: sock_rcvtimeo(sk, (flags & O_NONBLOCK) !== 0) };
      /* If this is a non blocking socket don't sleep */
      error = -EAGAIN;
      if (!timeo.value) break out;
      error = await inet_csk_wait_for_connect(tp, timeo);
      if (error) break out;
    }
    const req = tp.icsk_accept_queue.rskq_accept.shift()!;
    sk_acceptq_removed(tp);
    newsk = req.sk;
    if (newsk) newsk.tcp_parent = null;
    error = 0;
  }
  release_sock(sk);
  err.value = error;
  return newsk;
}

/** The struct sock and inet_sock fields a child takes from its listener (the rest starts afresh). */
const CLONED = ["sk_type", "sk_protocol", "sk_reuse", "sk_rcvtimeo", "sk_sndtimeo", "sk_priority", "sk_lingertime", "sk_userlocks", "tos", "uc_ttl", "uc_index", "min_ttl", "mc_ttl", "pmtudisc", "recverr", "freebind", "transparent", "nodefrag", "mc_loop", "mc_all", "cmsg_flags"] as const;

/**
 * inet_csk_clone_lock(sk, req): a copy of the listener (its options, buffers and inet fields) in
 * SYN_RECV for the request's four-tuple, with fresh TCP state and queues.
 */
export function inet_csk_clone_lock(sk: TcpSock, req: RequestSock): TcpSock | null {
  /* sk_clone_lock(): a sock of the same protocol with the listener's socket-level and IP options */
  const newsk = sk_alloc(null, sk.sk_family, 0, sk.sk_prot, 0) as TcpSock | null;
  if (!newsk) return null;
  inet_sk_init(newsk, sk.sk_uid, 0);
  for (const f of CLONED) (newsk as unknown as Record<string, unknown>)[f] = sk[f];
  for (const flag of sk.sk_flags) if (flag !== "SOCK_DONE") newsk.sk_flags.add(flag);
  tcp_init_sock(newsk);
  newsk.sk_sndbuf = sk.sk_sndbuf;
  newsk.sk_rcvbuf = sk.sk_rcvbuf;
  newsk.nonagle = sk.nonagle;
  newsk.linger2 = sk.linger2;
  newsk.keepalive_time = sk.keepalive_time;
  newsk.keepalive_intvl = sk.keepalive_intvl;
  newsk.keepalive_probes = sk.keepalive_probes;
  newsk.rx_opt.user_mss = sk.rx_opt.user_mss;
  newsk.icsk_syn_retries = sk.icsk_syn_retries;
  newsk.icsk_user_timeout = sk.icsk_user_timeout;
  newsk.sk_state = TCP_SYN_RECV;
  newsk.icsk_bind_hash = null;
  newsk.inet_dport = req.ir_rmt_port;
  newsk.inet_num = req.ir_num;
  newsk.inet_sport = req.ir_num;
  newsk.tcp_parent = sk;
  return newsk;
}

/**
 * inet_csk_destroy_sock(sk): the end of an orphaned socket that reached CLOSE: its protocol state
 * goes (tcp_v4_destroy_sock gives its port back) and the last reference with it.
 */
export function inet_csk_destroy_sock(sk: TcpSock): void {
  tcp_v4_destroy_sock(sk);
  sk.sk_receive_queue.length = 0;
  sk.sk_rmem_alloc = 0;
  if (sk.sk_refcnt > 0) sock_put(sk);
}

/** reqsk_queue_unlink + inet_csk_reqsk_queue_drop(sk, req): forget a request. True if it was hashed. */
export function inet_csk_reqsk_queue_drop(sk: TcpSock, req: RequestSock): boolean {
  req.rsk_timer.del();
  const hashed = req.sk_state !== TCP_CLOSE;
  if (hashed) {
    inet_ehash_remove(req);
    req.sk_state = TCP_CLOSE;
    reqsk_queue_removed(sk.icsk_accept_queue, req);
  }
  return hashed;
}

/**
 * reqsk_timer_handler(): no ACK for the SYN-ACK yet: send it again (1 s, 2 s, 4 s, ...) up to
 * tcp_synack_retries (5) times, then drop the request.
 */
function reqsk_timer_handler(req: RequestSock): void {
  const sk_listener = req.rsk_listener;
  if (sk_listener.sk_state !== TCP_LISTEN || req.sk_state === TCP_CLOSE) {
    inet_csk_reqsk_queue_drop(sk_listener, req);
    return;
  }
  const max_syn_ack_retries = sk_listener.icsk_syn_retries || TCP_SYNACK_RETRIES;
  const expire = req.num_timeout >= max_syn_ack_retries;
  if (!expire) {
    if (!tcp_v4_send_synack(sk_listener, req)) {
      mib().tcp.RetransSegs++;
      req.num_retrans++;
    }
    if (req.num_timeout++ === 0) sk_listener.icsk_accept_queue.young--;
    const timeo = Math.min(TCP_TIMEOUT_INIT * 2 ** req.num_timeout, TCP_RTO_MAX);
    req.rsk_timer.mod(jiffies() + timeo);
    return;
  }
  inet_csk_reqsk_queue_drop(sk_listener, req);
}

/** inet_csk_reqsk_queue_hash_add(sk, req, timeout): hash the request and start its SYN-ACK timer. */
export function inet_csk_reqsk_queue_hash_add(sk: TcpSock, req: RequestSock, timeout: number): void {
  req.rsk_timer = new TimerList(current().kernel, () => reqsk_timer_handler(req));
  req.rsk_timer.mod(jiffies() + timeout);
  inet_ehash_insert(req, null);
  reqsk_queue_added(sk.icsk_accept_queue);
}

/** inet_csk_reqsk_queue_add(sk, req, child): queue the child for accept(); null if the socket stopped listening. */
function inet_csk_reqsk_queue_add(sk: TcpSock, req: RequestSock, child: TcpSock): TcpSock | null {
  if (sk.sk_state !== TCP_LISTEN) {
    inet_child_forget(sk, req, child);
    return null;
  }
  req.sk = child;
  sk.icsk_accept_queue.rskq_accept.push(req);
  sk_acceptq_added(sk);
  return child;
}

/** inet_csk_complete_hashdance(sk, child, req): the request is done; its child waits for accept(). */
export function inet_csk_complete_hashdance(sk: TcpSock, child: TcpSock, req: RequestSock): TcpSock | null {
  req.rsk_timer.del();
  if (req.sk_state !== TCP_CLOSE) {
    req.sk_state = TCP_CLOSE;
    reqsk_queue_removed(sk.icsk_accept_queue, req);
  }
  return inet_csk_reqsk_queue_add(sk, req, child);
}

/** inet_child_forget(sk, req, child): a queued child of a listener that goes away is aborted. */
function inet_child_forget(_sk: TcpSock, _req: RequestSock, child: TcpSock): void {
  sock_orphan(child);
  if (child.sk_state !== TCP_CLOSE) tcp_disconnect(child, O_NONBLOCK);
  if (child.sk_state === TCP_CLOSE) inet_csk_destroy_sock(child);
}

/**
 * inet_csk_listen_stop(sk): the listener closes: connections not yet accepted are reset; pending
 * requests are dropped by their timers (reqsk_timer_handler sees the listener gone).
 */
export function inet_csk_listen_stop(sk: TcpSock): void {
  const queue = sk.icsk_accept_queue;
  for (let req = queue.rskq_accept.shift(); req; req = queue.rskq_accept.shift()) {
    const child = req.sk;
    if (!child) continue;
    sk_acceptq_removed(sk);
    lock_sock(child);
    inet_child_forget(sk, req, child);
    release_sock(child);
  }
}

/** inet_csk_reset_keepalive_timer(sk, len): the socket's sk_timer, `len` jiffies from now. */
export function inet_csk_reset_keepalive_timer(sk: TcpSock, len: number): void {
  sk.sk_timer.mod(jiffies() + len);
}

/** inet_csk_delete_keepalive_timer(sk) */
export function inet_csk_delete_keepalive_timer(sk: TcpSock): void {
  sk.sk_timer.del();
}
