// Mirrors net/ipv4/tcp_ipv4.c: TCP over IPv4. tcp_v4_connect picks the route, the source port,
// the ISN and timestamp offset and sends the SYN; tcp_v4_rcv checks a segment and its checksum,
// finds its socket (established, request, TIME_WAIT, then listening) and hands it on, or answers a
// port nobody listens on with RST (`[R.] seq 0 ack ISN+1`). Replies sent without a full socket
// (RST, TIME_WAIT and request ACKs, SYN-ACK) go out with IP ID 0 and DF, as the per-CPU control
// socket and ip_build_and_send_pkt give them. Also tcp_prot and /proc/net/tcp.
import { EAFNOSUPPORT, EINVAL, ENETUNREACH, EOPNOTSUPP } from "../../include/uapi/errno.js";
import { AF_INET } from "../../include/uapi/socket.js";
import { IPPROTO_TCP, parse_sockaddr_in, SOCKADDR_IN_SIZE } from "../../include/uapi/in.js";
import { TCPHDR_ACK, TCPHDR_FIN, TCPHDR_RST, TCPHDR_SYN, TCPOLEN_TIMESTAMP, TCPOPT_NOP, TCPOPT_TIMESTAMP } from "../../include/uapi/tcp.js";
import { csum_partial, csum_tcpudp_magic } from "../../lib/checksum.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { jiffies, jiffies_delta_to_clock_t, jiffies_to_clock_t } from "../../kernel/time/timer.js";
import { CHECKSUM_PARTIAL, skb_csum_unnecessary, type SkBuff } from "../core/skbuff.js";
import { sk_add_backlog, sock_owned_by_user, type Proto, type Sock } from "../core/sock.js";
import { secure_tcp_seq, secure_tcp_ts_off } from "../core/secure_seq.js";
import { TcpSockSlab, type TcpSock } from "../../include/linux/tcp.js";
import type { RequestSock } from "../../include/net/request_sock.js";
import type { InetTimewaitSock } from "../../include/net/inet_timewait_sock.js";
import { ICSK_TIME_LOSS_PROBE, ICSK_TIME_PROBE0, ICSK_TIME_REO_TIMEOUT, ICSK_TIME_RETRANS, inet_csk_in_pingpong_mode, sk_acceptq_is_full } from "../../include/net/inet_connection_sock.js";
import { seq_add, TCP_INFINITE_SSTHRESH, TCP_MSS_DEFAULT, TCP_SKB_CB, tcp_hdr } from "../../include/net/tcp.js";
import { ip_send_skb } from "./ip_output.js";
import { ip_route_output } from "./route.js";
import { mib } from "./snmp.js";
import { sk_kptr } from "./inet_sock.js";
import { TCP_CLOSE, TCP_ESTABLISHED, TCP_LISTEN, TCP_NEW_SYN_RECV, TCP_SYN_RECV, TCP_SYN_SENT, TCP_TIME_WAIT } from "./tcp_states.js";
import { __inet_check_established, __inet_hash_connect, __inet_inherit_port, __inet_lookup, __inet_lookup_listener, inet_ehash_nolisten, inet_hash, inet_put_port, inet_unhash, tcp_hashinfo, type EstabSock } from "./inet_hashtables.js";
import { inet_csk_accept, inet_csk_get_port, inet_csk_reqsk_queue_drop } from "./inet_connection_sock.js";
import { inet_twsk_bind_unhash, inet_twsk_deschedule_put } from "./inet_timewait_sock.js";
import { tcp_close, tcp_disconnect, tcp_getsockopt, tcp_init_sock, tcp_ioctl, tcp_recvmsg, tcp_sendmsg, tcp_set_state, tcp_setsockopt, tcp_shutdown, tcp_write_queue_purge } from "./tcp.js";
import { tcp_conn_request, tcp_rcv_established, tcp_rcv_state_process } from "./tcp_input.js";
import { dst_metric_advmss, dst_mtu, tcp_build_segment, tcp_connect, tcp_initialize_rcv_mss, tcp_make_synack, tcp_mss_clamp, tcp_sync_mss, tcp_time_stamp } from "./tcp_output.js";
import { tcp_check_req, tcp_child_process, tcp_create_openreq_child, tcp_timewait_state_process, TCP_TW_ACK, TCP_TW_RST, TCP_TW_SYN } from "./tcp_minisocks.js";
import { tcp_clear_xmit_timers } from "./tcp_timer.js";

// ---- connecting ---------------------------------------------------------------------------------

/** tcp_v4_init_seq(skb) and tcp_v4_init_ts_off(): the ISN and timestamp offset of a passive connection. */
export function tcp_v4_init_seq(daddr: number, saddr: number, dport: number, sport: number): number {
  return secure_tcp_seq(daddr, saddr, dport, sport);
}

function ktime_get_seconds(): number {
  return Math.floor(current().kernel.clock.now() / 1e9);
}

/**
 * tcp_twsk_unique(sk, sktw, twp): may a new connection take the four-tuple of a TIME_WAIT sock?
 * With timestamps, yes if the caller can take it over (bind() chose the port) or, on loopback
 * (tcp_tw_reuse 2), once a second passed since its last timestamp; the new ISN is well above its.
 */
function tcp_twsk_unique(sk: TcpSock, tw: InetTimewaitSock, twp: boolean): boolean {
  const loopback = tw.tw_daddr >>> 24 === 127 || tw.inet_rcv_saddr >>> 24 === 127;
  const reuse = loopback ? 1 : 0;
  if (tw.tw_ts_recent_stamp && (!twp || (reuse && ktime_get_seconds() > tw.tw_ts_recent_stamp))) {
    let seq = seq_add(tw.tw_snd_nxt, 65535 + 2);
    if (!seq) seq = 1;
    sk.write_seq = seq;
    sk.rx_opt.ts_recent = tw.tw_ts_recent;
    sk.rx_opt.ts_recent_stamp = tw.tw_ts_recent_stamp;
    return true;
  }
  return false;
}

/** Take over a TIME_WAIT sock whose four-tuple a new connection reuses. */
function tw_release(tw: InetTimewaitSock): void {
  inet_twsk_bind_unhash(tw);
  inet_twsk_deschedule_put(tw);
}

/** __inet_check_established() with tcp_twsk_unique. */
function check_established(sk: TcpSock, port: number, twp: { tw: InetTimewaitSock | null } | null): number {
  return __inet_check_established(sk, port, twp, tcp_twsk_unique, tw_release);
}

/**
 * tcp_v4_connect(sk, uaddr, addr_len): route, source address and port, ISN and timestamp offset,
 * a random first IP ID, then the SYN (tcp_connect). 0, or -EINVAL (short address), -EAFNOSUPPORT,
 * -ENETUNREACH, -EADDRNOTAVAIL (no free four-tuple).
 */
export function tcp_v4_connect(sk: Sock, uaddr: Uint8Array, addr_len: number): number {
  const tp = sk as TcpSock;
  if (addr_len < SOCKADDR_IN_SIZE) return -EINVAL;
  const usin = parse_sockaddr_in(uaddr);
  if (usin.family !== AF_INET) return -EAFNOSUPPORT;
  const rt = ip_route_output(usin.addr);
  if (typeof rt === "number") {
    if (rt === -ENETUNREACH) mib().ip.OutNoRoutes++;
    return rt;
  }
  if (!tp.inet_saddr) tp.inet_saddr = rt.saddr;
  tp.inet_rcv_saddr = tp.inet_saddr;
  tp.inet_dport = usin.port;
  tp.inet_daddr = rt.daddr;
  tp.rx_opt.mss_clamp = TCP_MSS_DEFAULT;
  /* Socket identity is still unknown (sport may be zero). However we set state to SYN-SENT. */
  tcp_set_state(tp, TCP_SYN_SENT);
  let err = __inet_hash_connect(tp, check_established, tw_release);
  if (!err) {
    if (!tp.write_seq) tp.write_seq = secure_tcp_seq(tp.inet_saddr, tp.inet_daddr, tp.inet_sport!, tp.inet_dport);
    tp.tsoffset = secure_tcp_ts_off(tp.inet_saddr, tp.inet_daddr);
    tp.inet_id = current().kernel.random_u32() & 0xffff;
    err = tcp_connect(tp);
    if (!err) return 0;
  }
  /* failure: This unhashes the socket and releases the local port, if necessary. */
  tcp_set_state(tp, TCP_CLOSE);
  tp.inet_dport = 0;
  return err;
}

// ---- replies without a full socket ------------------------------------------------------------

/**
 * ip_send_unicast_reply() from the TCP control socket: DF, IP ID 0, TTL 64. The reply's checksum
 * is summed in software and left CHECKSUM_NONE, so the receiver verifies it.
 */
function tcp_v4_send_reply(saddr: number, daddr: number, seg: SkBuff, tos: number): void {
  ip_send_skb({ saddr, daddr, protocol: IPPROTO_TCP, tos, df: true, id: 0 }, seg);
}

/** The IPv4 addresses and TOS of a received packet. */
function iph_of(skb: SkBuff): { saddr: number; daddr: number; tos: number; ttl: number } {
  const dv = new DataView(skb.data.buffer, skb.data.byteOffset);
  return { saddr: dv.getUint32(12), daddr: dv.getUint32(16), tos: dv.getUint8(1), ttl: dv.getUint8(8) };
}

/**
 * tcp_v4_send_reset(sk, skb): answer `skb` with RST (never an RST to an RST). To a segment with
 * ACK: `R`, seq = its ack. Otherwise `R.`, seq 0, ack = its seq plus SYN, FIN and data length.
 * Window 0, no options.
 */
export function tcp_v4_send_reset(_sk: unknown, skb: SkBuff): void {
  const th = tcp_hdr(skb);
  /* Never send a reset in response to a reset. */
  if (th.flags & TCPHDR_RST) return;
  const iph = iph_of(skb);
  let flags = TCPHDR_RST;
  let seq = 0;
  let ack_seq = 0;
  if (th.flags & TCPHDR_ACK) seq = th.ack_seq;
  else {
    flags |= TCPHDR_ACK;
    const len = skb.len - skb.transport_header - th.doff * 4;
    ack_seq = seq_add(th.seq, (th.flags & TCPHDR_SYN ? 1 : 0) + (th.flags & TCPHDR_FIN ? 1 : 0) + len);
  }
  const seg = tcp_build_segment({ saddr: iph.daddr, daddr: iph.saddr, source: th.dest, dest: th.source, seq, ack_seq, flags, window: 0, options: new Uint8Array(0), payload: new Uint8Array(0) });
  tcp_v4_send_reply(iph.daddr, iph.saddr, seg, iph.tos);
  const m = mib();
  m.tcp.OutSegs++;
  m.tcp.OutRsts++;
}

/** tcp_v4_send_ack(): a bare ACK for a TIME_WAIT or request sock, with the timestamp option when `tsecr`. */
function tcp_v4_send_ack(skb: SkBuff, seq: number, ack: number, win: number, tsval: number, tsecr: number, tos: number): void {
  const th = tcp_hdr(skb);
  const iph = iph_of(skb);
  let options = new Uint8Array(0);
  if (tsecr) {
    options = new Uint8Array([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMP, TCPOLEN_TIMESTAMP, 0, 0, 0, 0, 0, 0, 0, 0]);
    const dv = new DataView(options.buffer);
    dv.setUint32(4, tsval >>> 0);
    dv.setUint32(8, tsecr >>> 0);
  }
  const seg = tcp_build_segment({ saddr: iph.daddr, daddr: iph.saddr, source: th.dest, dest: th.source, seq, ack_seq: ack, flags: TCPHDR_ACK, window: Math.min(win, 65535), options, payload: new Uint8Array(0) });
  tcp_v4_send_reply(iph.daddr, iph.saddr, seg, tos);
  mib().tcp.OutSegs++;
}

/** tcp_v4_timewait_ack(sk, skb) */
function tcp_v4_timewait_ack(tw: InetTimewaitSock, skb: SkBuff): void {
  tcp_v4_send_ack(skb, tw.tw_snd_nxt, tw.tw_rcv_nxt, Math.floor(tw.tw_rcv_wnd / 2 ** tw.tw_rcv_wscale), seq_add(tcp_time_stamp(), tw.tw_ts_offset), tw.tw_ts_recent, tw.tw_tos);
}

/** tcp_v4_reqsk_send_ack(sk, skb, req): out-of-window segment for a request: ACK with its numbers. */
export function tcp_v4_reqsk_send_ack(sk: TcpSock, skb: SkBuff, req: RequestSock): void {
  tcp_v4_send_ack(skb, seq_add(req.snt_isn, 1), req.rcv_nxt, Math.floor(req.rsk_rcv_wnd / 2 ** req.rcv_wscale), seq_add(tcp_time_stamp(), req.ts_off), req.ts_recent, sk.tos);
}

/**
 * tcp_v4_send_synack(sk, req): the request's SYN-ACK from the listener (TOS of the listener, IP
 * ID 0, DF, MSS of the route or TCP_MAXSEG). 0 or -errno.
 */
export function tcp_v4_send_synack(sk: TcpSock, req: RequestSock): number {
  const mss = tcp_mss_clamp(sk, dst_metric_advmss(req.ir_rmt_addr));
  const seg = tcp_make_synack(req, mss);
  /* tcp_v4_send_check(): the device's offload "finishes" the checksum */
  seg.ip_summed = CHECKSUM_PARTIAL;
  if (!req.snt_synack) req.snt_synack = current().kernel.clock.now();
  mib().tcp.OutSegs++;
  return ip_send_skb({ saddr: req.ir_loc_addr, daddr: req.ir_rmt_addr, protocol: IPPROTO_TCP, tos: sk.tos, ttl: sk.uc_ttl > 0 ? sk.uc_ttl : undefined, df: true, id: 0 }, seg);
}

/** tcp_v4_conn_request(sk, skb): a SYN for a listener. */
export function tcp_v4_conn_request(sk: TcpSock, skb: SkBuff): number {
  const iph = iph_of(skb);
  /* Never answer to SYNs send to broadcast or multicast */
  if (iph.daddr === 0xffffffff || iph.daddr >>> 28 === 0xe) return 0;
  return tcp_conn_request(sk, skb);
}

/**
 * tcp_v4_syn_recv_sock(sk, skb, req): the child socket for a completed handshake, hashed in place
 * of the request and sharing the listener's port; null when the accept queue is full.
 */
export function tcp_v4_syn_recv_sock(sk: TcpSock, skb: SkBuff, req: RequestSock): TcpSock | null {
  if (sk_acceptq_is_full(sk)) return null; /* exit_overflow: ListenOverflows, ListenDrops */
  const newsk = tcp_create_openreq_child(sk, req, skb);
  if (!newsk) return null;
  const iph = iph_of(skb);
  newsk.inet_daddr = req.ir_rmt_addr;
  newsk.inet_rcv_saddr = req.ir_loc_addr;
  newsk.inet_saddr = req.ir_loc_addr;
  newsk.mc_ttl = iph.ttl;
  newsk.inet_id = current().kernel.random_u32() & 0xffff;
  tcp_sync_mss(newsk, dst_mtu(newsk.inet_daddr));
  newsk.advmss = tcp_mss_clamp(sk, dst_metric_advmss(newsk.inet_daddr));
  tcp_initialize_rcv_mss(newsk);
  __inet_inherit_port(sk, newsk);
  inet_ehash_nolisten(newsk, req);
  return newsk;
}

// ---- receiving ----------------------------------------------------------------------------------

/** tcp_v4_fill_cb(skb, iph, th): the segment's place in sequence space, from its header. */
function tcp_v4_fill_cb(skb: SkBuff): void {
  const th = tcp_hdr(skb);
  const cb = TCP_SKB_CB(skb);
  const len = skb.len - skb.transport_header - th.doff * 4;
  cb.seq = th.seq;
  cb.end_seq = seq_add(th.seq, (th.flags & TCPHDR_SYN ? 1 : 0) + (th.flags & TCPHDR_FIN ? 1 : 0) + len);
  cb.ack_seq = th.ack_seq;
  cb.tcp_flags = th.flags;
  cb.sacked = 0;
}

/** tcp_v4_do_rcv(sk, skb): a segment for a full socket not owned by a task (also its backlog). */
export function tcp_v4_do_rcv(sk: Sock, skb: SkBuff): number {
  const tp = sk as TcpSock;
  if (tp.sk_state === TCP_ESTABLISHED) {
    /* Fast path */
    tcp_rcv_established(tp, skb);
    return 0;
  }
  if (tcp_rcv_state_process(tp, skb)) tcp_v4_send_reset(tp, skb);
  return 0;
}

/** tcp_segs_in(tp, skb) */
function tcp_segs_in(tp: TcpSock, skb: SkBuff): void {
  tp.segs_in++;
  if (skb.len > skb.transport_header + tcp_hdr(skb).doff * 4) tp.data_segs_in++;
}

/**
 * tcp_v4_rcv(skb): IPPROTO_TCP's handler. Counts InSegs (bad ones too); a short header or a bad
 * checksum counts InErrs (and InCsumErrors) and is dropped.
 */
export function tcp_v4_rcv(skb: SkBuff): void {
  const m = mib();
  /* Count it even if it's bad */
  m.tcp.InSegs++;
  const off = skb.transport_header;
  const d = skb.data;
  if (d.length - off < 20) return;
  const doff = d[off + 12] >> 4;
  if (doff < 5) {
    m.tcp.InErrs++;
    return;
  }
  if (d.length - off < doff * 4) return;
  const iph = iph_of(skb);
  /*
   * skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo): a segment of this host's own stack
   * comes through lo as it was sent, CHECKSUM_PARTIAL (loopback_xmit leaves ip_summed alone), and
   * __skb_checksum_validate_needed() takes that as verified; anything else is summed here.
   */
  if (!skb_csum_unnecessary(skb) && csum_tcpudp_magic(iph.saddr, iph.daddr, d.length - off, IPPROTO_TCP, csum_partial(d.subarray(off))) !== 0) {
    m.tcp.InCsumErrors++;
    m.tcp.InErrs++;
    return;
  }
  const th = tcp_hdr(skb);
  tcp_v4_fill_cb(skb);
  let sk: EstabSock | null = __inet_lookup(iph.saddr, th.source, iph.daddr, th.dest);
  for (;;) {
    if (!sk) {
      /* no_tcp_socket: */
      tcp_v4_send_reset(null, skb);
      return;
    }
    if (sk.sk_state === TCP_TIME_WAIT) {
      const tw = sk as InetTimewaitSock;
      switch (tcp_timewait_state_process(tw, skb)) {
        case TCP_TW_SYN: {
          const sk2 = __inet_lookup_listener(iph.daddr, th.dest);
          if (sk2) {
            inet_twsk_deschedule_put(tw);
            sk = sk2;
            tcp_v4_fill_cb(skb);
            continue;
          }
          /* to ACK */
          tcp_v4_timewait_ack(tw, skb);
          return;
        }
        case TCP_TW_ACK:
          tcp_v4_timewait_ack(tw, skb);
          return;
        case TCP_TW_RST:
          tcp_v4_send_reset(tw, skb);
          inet_twsk_deschedule_put(tw);
          return;
        default:
          return;
      }
    }
    if (sk.sk_state === TCP_NEW_SYN_RECV) {
      const req = sk as RequestSock;
      const listener = req.rsk_listener;
      if (listener.sk_state !== TCP_LISTEN) {
        inet_csk_reqsk_queue_drop(listener, req);
        sk = __inet_lookup(iph.saddr, th.source, iph.daddr, th.dest);
        continue;
      }
      const nsk = tcp_check_req(listener, skb, req);
      if (!nsk) return;
      if (nsk === listener) {
        sk = listener;
        continue;
      }
      if (tcp_child_process(listener, nsk, skb)) tcp_v4_send_reset(nsk, skb);
      return;
    }
    break;
  }
  const tp = sk as TcpSock;
  if (iph.ttl < tp.min_ttl) return;
  if (tp.sk_state === TCP_LISTEN) {
    tcp_v4_do_rcv(tp, skb);
    return;
  }
  tcp_segs_in(tp, skb);
  if (!sock_owned_by_user(tp)) tcp_v4_do_rcv(tp, skb);
  else sk_add_backlog(tp, skb);
}

// ---- tcp_prot -----------------------------------------------------------------------------------

/** tcp_v4_init_sock(sk) */
export function tcp_v4_init_sock(sk: Sock): number {
  tcp_init_sock(sk);
  return 0;
}

/** tcp_v4_destroy_sock(sk): timers off, queues empty, the port given back. */
export function tcp_v4_destroy_sock(sk: Sock): void {
  const tp = sk as TcpSock;
  tcp_clear_xmit_timers(tp);
  tcp_write_queue_purge(tp);
  tp.out_of_order_queue.length = 0;
  if (tp.icsk_bind_hash) inet_put_port(tp);
}

/** inet_accept's protocol part: inet_csk_accept with the error through `err`. */
function tcp_accept(sk: Sock, flags: number, err: { value: number }, kern: boolean): Promise<TcpSock | null> {
  return inet_csk_accept(sk, flags, err, kern);
}

/**
 * tcp_prot. obj_size is sizeof(struct tcp_sock) worked out for 32-bit ARM as RAW's and UDP's are
 * (raw_prot: struct inet_sock is 688 bytes): struct inet_connection_sock adds 304 (the accept
 * queue 52, two timer_lists 40, rto and the ops pointers 52, the ACK and MTU-probe state 36,
 * icsk_ca_priv 104, ...), 992 in all; struct tcp_sock adds 728 more counted field by field from
 * 5.15's include/linux/tcp.h (u64s 8-aligned under EABI; two hrtimers of 48; no MD5SIG, MPTCP or
 * SMC): 1720. max_header is MAX_TCP_HEADER (256 on this configuration). TCP accounts memory and
 * has a pressure flag, and no bind of its own ('n' under bi).
 */
export const tcp_prot: Proto = {
  name: "TCP",
  obj_size: 1720,
  max_header: 256,
  memory_allocated: { value: 0 },
  memory_pressure: { value: false },
  close: tcp_close,
  connect: tcp_v4_connect,
  disconnect: tcp_disconnect,
  accept: tcp_accept,
  ioctl: tcp_ioctl,
  init: tcp_v4_init_sock,
  destroy: tcp_v4_destroy_sock,
  shutdown: tcp_shutdown,
  setsockopt: tcp_setsockopt,
  getsockopt: tcp_getsockopt,
  sendmsg: tcp_sendmsg,
  recvmsg: tcp_recvmsg,
  sendpage: () => -EOPNOTSUPP,
  backlog_rcv: tcp_v4_do_rcv,
  hash: inet_hash,
  unhash: inet_unhash,
  get_port: inet_csk_get_port,
  enter_memory_pressure: () => {},
  obj_alloc: () => new TcpSockSlab(),
};

// ---- /proc/net/tcp ------------------------------------------------------------------------------

/** An address as /proc prints a __be32 read as a host (little-endian) integer. */
function hexaddr(a: number): string {
  const le = (((a & 0xff) << 24) | (((a >>> 8) & 0xff) << 16) | (((a >>> 16) & 0xff) << 8) | (a >>> 24)) >>> 0;
  return le.toString(16).toUpperCase().padStart(8, "0");
}

const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, "0");

/** get_tcp4_sock(): a full socket's row. */
function get_tcp4_sock(sk: TcpSock, i: number, now: number): string {
  let timer_active = 0;
  let timer_expires = now;
  if (sk.icsk_pending === ICSK_TIME_RETRANS || sk.icsk_pending === ICSK_TIME_REO_TIMEOUT || sk.icsk_pending === ICSK_TIME_LOSS_PROBE) {
    timer_active = 1;
    timer_expires = sk.icsk_timeout;
  } else if (sk.icsk_pending === ICSK_TIME_PROBE0) {
    timer_active = 4;
    timer_expires = sk.icsk_timeout;
  } else if (sk.sk_timer.pending) {
    timer_active = 2;
    timer_expires = sk.sk_timer.expires;
  }
  const state = sk.sk_state;
  const rx_queue = state === TCP_LISTEN ? sk.sk_ack_backlog : Math.max((sk.rcv_nxt - sk.copied_seq) | 0, 0);
  const uid = sk.sk_socket ? sk.sk_uid : 0;
  const ino = sk.sk_socket ? sk.sk_ino : 0;
  /* One reference for the socket, one for each pending timer (sk_reset_timer). */
  const refcnt = 1 + (sk.icsk_retransmit_timer.pending ? 1 : 0) + (sk.icsk_delack_timer.pending ? 1 : 0) + (sk.sk_timer.pending ? 1 : 0);
  const ssthresh = state === TCP_LISTEN ? 0 : sk.snd_ssthresh >= TCP_INFINITE_SSTHRESH ? -1 : sk.snd_ssthresh;
  return (
    `${String(i).padStart(4)}: ${hexaddr(sk.inet_rcv_saddr)}:${hex(sk.inet_sport ?? 0, 4)} ${hexaddr(sk.inet_daddr)}:${hex(sk.inet_dport, 4)} ${hex(state, 2)} ` +
    `${hex((sk.write_seq - sk.snd_una) >>> 0, 8)}:${hex(rx_queue, 8)} ${hex(timer_active, 2)}:${hex(jiffies_delta_to_clock_t(timer_expires - now), 8)} ` +
    `${hex(sk.icsk_retransmits, 8)} ${String(uid).padStart(5)} ${String(sk.icsk_probes_out).padStart(8)} ${ino} ${refcnt} ${sk_kptr(sk)} ` +
    `${jiffies_to_clock_t(sk.icsk_rto)} ${jiffies_to_clock_t(sk.icsk_ack.ato)} ${(sk.icsk_ack.quick << 1) | (inet_csk_in_pingpong_mode(sk) ? 1 : 0)} ${sk.snd_cwnd} ${ssthresh}`
  );
}

/** get_openreq4(): a request sock's row (state 03, no inode, the listener's uid). */
function get_openreq4(req: RequestSock, i: number, now: number): string {
  const uid = req.rsk_listener.sk_socket ? req.rsk_listener.sk_uid : 0;
  return (
    `${String(i).padStart(4)}: ${hexaddr(req.ir_loc_addr)}:${hex(req.ir_num, 4)} ${hexaddr(req.ir_rmt_addr)}:${hex(req.ir_rmt_port, 4)} ${hex(TCP_SYN_RECV, 2)} ` +
    `${hex(0, 8)}:${hex(0, 8)} ${hex(1, 2)}:${hex(jiffies_delta_to_clock_t(req.rsk_timer.expires - now), 8)} ${hex(req.num_timeout, 8)} ${String(uid).padStart(5)} ${String(0).padStart(8)} 0 0 ${sk_kptr(req)}`
  );
}

/** get_timewait4_sock(): a TIME_WAIT sock's row (its substate, timer 3, refcount 3). */
function get_timewait4_sock(tw: InetTimewaitSock, i: number, now: number): string {
  return (
    `${String(i).padStart(4)}: ${hexaddr(tw.inet_rcv_saddr)}:${hex(tw.tw_num, 4)} ${hexaddr(tw.tw_daddr)}:${hex(tw.tw_dport, 4)} ${hex(tw.tw_substate, 2)} ` +
    `${hex(0, 8)}:${hex(0, 8)} ${hex(3, 2)}:${hex(jiffies_delta_to_clock_t(tw.tw_timer.expires - now), 8)} ${hex(0, 8)} ${String(0).padStart(5)} ${String(0).padStart(8)} 0 ${tw.tw_refcnt} ${sk_kptr(tw)}`
  );
}

/**
 * /proc/net/tcp (tcp4_seq_show): listening sockets first, then the established table (requests,
 * connections, TIME_WAIT); `sl` counts rows; every line padded to 149 characters.
 */
export function proc_net_tcp(k: Kernel): string {
  const pad = (s: string): string => s.padEnd(149) + "\n";
  const h = tcp_hashinfo(k);
  const now = jiffies(k);
  let out = pad("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
  let i = 0;
  for (const sk of h.listening) out += pad(get_tcp4_sock(sk, i++, now));
  for (const e of h.ehash.values()) {
    if (e.sk_state === TCP_TIME_WAIT) out += pad(get_timewait4_sock(e as InetTimewaitSock, i++, now));
    else if (e.sk_state === TCP_NEW_SYN_RECV) out += pad(get_openreq4(e as RequestSock, i++, now));
    else out += pad(get_tcp4_sock(e as TcpSock, i++, now));
  }
  return out;
}
