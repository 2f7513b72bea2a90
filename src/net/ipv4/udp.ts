// Mirrors net/ipv4/udp.c: the UDP port table (bind conflicts, random ephemeral ports), sending real
// datagrams with checksums, the receive queue bounded by SO_RCVBUF, recvmsg with MSG_PEEK,
// MSG_TRUNC, MSG_DONTWAIT and SO_RCVTIMEO, ICMP errors for connected sockets, poll, /proc/net/udp.
import { EADDRINUSE, EAGAIN, EDESTADDRREQ, EFAULT, EINVAL, EMSGSIZE, EAFNOSUPPORT, ECONNREFUSED, ENOIOCTLCMD, ENOPROTOOPT, EOPNOTSUPP } from "../../include/uapi/errno.js";
import { AF_INET, AF_UNSPEC, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC } from "../../include/uapi/socket.js";
import { IPPROTO_UDP, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE, SOL_UDP, SOL_UDPLITE } from "../../include/uapi/in.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import type { UserPtr } from "../../kernel/uaccess.js";
import { csum_partial, csum_tcpudp_magic } from "../../lib/checksum.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { wait_event_interruptible_timeout } from "../../kernel/sched/wait.js";
import { sock_error, sock_orphan, sock_prot_inuse_add, sock_put, MAX_SCHEDULE_TIMEOUT, type Proto, type Sock } from "../core/sock.js";
import type { Msghdr } from "../core/msghdr.js";
import { alloc_skb, CHECKSUM_PARTIAL, skb_csum_unnecessary, skb_push, skb_put, skb_reserve, type SkBuff } from "../core/skbuff.js";
import { TCP_CLOSE, TCP_ESTABLISHED, inet_sk, sk_kptr, type InetSock } from "./inet_sock.js";
import { ip_route_output } from "./route.js";
import { IPHDR_LEN, ip_send_skb } from "./ip_output.js";
import { icmp_send, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH } from "./icmp.js";
import { mib } from "./snmp.js";
import { ip_getsockopt, ip_setsockopt } from "./ip_sockglue.js";
import type { PollTable } from "../../fs/select.js";
import { datagram_poll } from "../core/datagram.js";
import type { File } from "../../fs/file.js";
import type { Socket } from "../socket.js";

/** net.ipv4.ip_local_port_range */
export const PORT_RANGE: [number, number] = [32768, 60999];
const UDP_HTABLE_MASK = 127;

/** The bound sockets of each kernel, by local port. */
const tables = new WeakMap<Kernel, Map<number, InetSock[]>>();

export function udp_table(k: Kernel = current().kernel): Map<number, InetSock[]> {
  let t = tables.get(k);
  if (!t) tables.set(k, (t = new Map()));
  return t;
}

/** udp_lib_lport_inuse(): another socket on `port` whose address overlaps, unless both reuse. */
function lport_inuse(sk: InetSock, port: number): boolean {
  for (const sk2 of udp_table().get(port) ?? []) {
    if (sk2 === sk) continue;
    const overlap = !sk2.inet_rcv_saddr || !sk.inet_rcv_saddr || sk2.inet_rcv_saddr === sk.inet_rcv_saddr;
    if (overlap && (!sk2.sk_reuse || !sk.sk_reuse)) return true;
  }
  return false;
}

/** udp_v4_get_port(sk, snum): take `snum`, or a free ephemeral port from a random start. 0 or -errno. */
export function udp_v4_get_port(sk: InetSock, snum: number): number {
  const k = current().kernel;
  if (snum === 0) {
    const [low, high] = PORT_RANGE;
    const remaining = high - low + 1;
    const first = low + (k.random_u32() % remaining);
    for (let i = 0; i < remaining; i++) {
      const port = low + ((first - low + i) % remaining);
      if (!lport_inuse(sk, port)) {
        snum = port;
        break;
      }
    }
    if (snum === 0) return -EADDRINUSE;
  } else if (lport_inuse(sk, snum)) return -EADDRINUSE;
  sk.inet_num = snum;
  const t = udp_table();
  t.set(snum, [sk, ...(t.get(snum) ?? [])]);
  sock_prot_inuse_add(sk.sk_prot, 1);
  return 0;
}

/** udp_lib_unhash(): leave the port table. */
export function udp_lib_unhash(sk: InetSock): void {
  const t = udp_table();
  const list = (t.get(sk.inet_num) ?? []).filter((s) => s !== sk);
  if (list.length) t.set(sk.inet_num, list);
  else t.delete(sk.inet_num);
  sk.inet_num = 0;
  sock_prot_inuse_add(sk.sk_prot, -1);
}

/**
 * udp_push_header(skb, ...): the UDP header in front of the datagram's data, with the whole
 * checksum (pseudo-header included; 0 becomes 0xffff), so a capture checks out. The skb is
 * CHECKSUM_PARTIAL, as udp_send_skb leaves it for lo's offload (see tcp_output.ts): the receiver
 * on lo does not sum it again.
 */
function udp_push_header(skb: SkBuff, saddr: number, daddr: number, sport: number, dport: number): void {
  const d = skb_push(skb, 8);
  const dv = new DataView(d.buffer, d.byteOffset, 8);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, d.length);
  dv.setUint16(6, 0);
  const sum = csum_tcpudp_magic(saddr, daddr, d.length, IPPROTO_UDP, csum_partial(d));
  dv.setUint16(6, sum === 0 ? 0xffff : sum);
  skb.ip_summed = CHECKSUM_PARTIAL;
}

/** udp_sendmsg(sk, msg, len) */
export function udp_sendmsg(sk: Sock, msg: Msghdr, len: number): number {
  const inet = inet_sk(sk);
  if (len > 0xffff - 8) return -EMSGSIZE;
  let daddr: number;
  let dport: number;
  if (msg.msg_name && msg.msg_namelen) {
    if (msg.msg_namelen < SOCKADDR_IN_SIZE) return -EINVAL;
    const a = parse_sockaddr_in(msg.msg_name);
    if (a.family !== AF_INET) {
      if (a.family !== AF_UNSPEC) return -EAFNOSUPPORT;
    }
    daddr = a.addr;
    dport = a.port;
    if (dport === 0) return -EINVAL;
  } else {
    if (sk.sk_state !== TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = inet.inet_daddr;
    dport = inet.inet_dport;
  }
  const err = sock_error(sk);
  if (err) return err;
  if (!inet.inet_num) {
    const r = udp_v4_get_port(inet, 0);
    if (r) return -EAGAIN;
  }
  const rt = ip_route_output(daddr);
  if (typeof rt === "number") return rt;
  const saddr = inet.inet_saddr || rt.saddr;
  /* the data, with room in front for the UDP and IP headers */
  const skb = alloc_skb(IPHDR_LEN + 8 + len);
  skb_reserve(skb, IPHDR_LEN + 8);
  msg.msg_iter.copy_from(skb_put(skb, len), len);
  udp_push_header(skb, saddr, rt.daddr, inet.inet_num, dport);
  const m = mib();
  const r = ip_send_skb({ saddr, daddr: rt.daddr, protocol: IPPROTO_UDP, tos: inet.tos, ttl: inet.uc_ttl > 0 ? inet.uc_ttl : undefined, sk: inet }, skb);
  if (r < 0) {
    m.udp.SndbufErrors++;
    return r;
  }
  m.udp.OutDatagrams++;
  return len;
}

/** __udp4_lib_lookup(): the best socket for a datagram (connected match before wildcard). */
function udp4_lib_lookup(saddr: number, sport: number, daddr: number, dport: number): InetSock | null {
  let best: InetSock | null = null;
  let best_score = -1;
  for (const sk of udp_table().get(dport) ?? []) {
    let score = 0;
    if (sk.inet_rcv_saddr) {
      if (sk.inet_rcv_saddr !== daddr) continue;
      score += 4;
    }
    if (sk.inet_daddr) {
      if (sk.inet_daddr !== saddr) continue;
      score += 4;
    }
    if (sk.inet_dport) {
      if (sk.inet_dport !== sport) continue;
      score += 4;
    }
    if (score > best_score) {
      best = sk;
      best_score = score;
    }
  }
  return best;
}

/** udp_rcv(skb): check the datagram, find its socket, queue it (or drop), or answer port unreachable. */
export function udp_rcv(skb: SkBuff): void {
  const m = mib();
  const ihl = skb.transport_header;
  const d = skb.data;
  const iph = new DataView(d.buffer, d.byteOffset);
  const saddr = iph.getUint32(12);
  const daddr = iph.getUint32(16);
  const uh = d.subarray(ihl);
  const udv = new DataView(uh.buffer, uh.byteOffset);
  const ulen = uh.length >= 8 ? udv.getUint16(4) : 0;
  if (ulen < 8 || ulen > uh.length) {
    m.udp.InErrors++;
    return;
  }
  /* udp4_csum_init(): no checksum (0), or a CHECKSUM_PARTIAL datagram of this host, is not summed */
  if (udv.getUint16(6) !== 0 && !skb_csum_unnecessary(skb) && csum_tcpudp_magic(saddr, daddr, ulen, IPPROTO_UDP, csum_partial(uh.subarray(0, ulen))) !== 0) {
    m.udp.InCsumErrors++;
    m.udp.InErrors++;
    return;
  }
  const sport = udv.getUint16(0);
  const dport = udv.getUint16(2);
  const sk = udp4_lib_lookup(saddr, sport, daddr, dport);
  if (!sk) {
    m.udp.NoPorts++;
    icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH);
    return;
  }
  skb.transport_header = ihl;
  if (sk.sk_rmem_alloc + skb.truesize > sk.sk_rcvbuf && sk.sk_rmem_alloc > 0) {
    sk.sk_drops++;
    m.udp.RcvbufErrors++;
    m.udp.InErrors++;
    return;
  }
  sk.sk_rmem_alloc += skb.truesize;
  sk.sk_receive_queue.push(skb);
  sk.sk_wq.wake_up();
}

/** __udp4_lib_err(): an ICMP error about a datagram we sent; only a connected socket hears of it. */
export function udp_err(inner: Uint8Array, code: number): void {
  const iph = new DataView(inner.buffer, inner.byteOffset);
  const ihl = (inner[0] & 0xf) * 4;
  if (inner.length < ihl + 8) return;
  const saddr = iph.getUint32(12);
  const daddr = iph.getUint32(16);
  const sport = iph.getUint16(ihl);
  const dport = iph.getUint16(ihl + 2);
  const sk = udp4_lib_lookup(daddr, dport, saddr, sport);
  if (!sk || code !== ICMP_PORT_UNREACH) return;
  if (!sk.recverr && sk.sk_state !== TCP_ESTABLISHED) return;
  sk.sk_err = ECONNREFUSED;
  sk.sk_wq.wake_up();
}

/** udp_recvmsg(sk, msg, len, flags): one datagram, waiting for it unless MSG_DONTWAIT. */
export async function udp_recvmsg(sk: Sock, msg: Msghdr, len: number, flags: number): Promise<number> {
  const inet = inet_sk(sk);
  for (;;) {
    if (inet.sk_receive_queue.length) break;
    const err = sock_error(sk);
    if (err) return err;
    if (sk.sk_shutdown & 1) return 0;
    if (flags & MSG_DONTWAIT || sk.sk_rcvtimeo === 0) return -EAGAIN;
    const timeo = sk.sk_rcvtimeo === MAX_SCHEDULE_TIMEOUT ? Number.MAX_SAFE_INTEGER : sk.sk_rcvtimeo;
    const r = await wait_event_interruptible_timeout(sk.sk_wq, () => inet.sk_receive_queue.length > 0 || sk.sk_err !== 0 || (sk.sk_shutdown & 1) !== 0, timeo);
    if (r < 0) return r;
    if (r === 0) return -EAGAIN;
  }
  const skb = inet.sk_receive_queue[0];
  if (!(flags & MSG_PEEK)) {
    inet.sk_receive_queue.shift();
    inet.sk_rmem_alloc -= skb.truesize;
  }
  const uh = skb.data.subarray(skb.transport_header);
  const udv = new DataView(uh.buffer, uh.byteOffset);
  const ulen = udv.getUint16(4) - 8;
  let copied = len;
  if (copied > ulen) copied = ulen;
  else if (copied < ulen) msg.msg_flags |= MSG_TRUNC;
  msg.msg_iter.copy_to(uh.subarray(8, 8 + copied), copied);
  if (msg.msg_name) {
    const iph = new DataView(skb.data.buffer, skb.data.byteOffset);
    msg.msg_name.set(make_sockaddr_in(AF_INET, udv.getUint16(0), iph.getUint32(12)));
    msg.msg_namelen = SOCKADDR_IN_SIZE;
  }
  if (!(flags & MSG_PEEK)) mib().udp.InDatagrams++;
  return flags & MSG_TRUNC ? ulen : copied;
}

/**
 * udp_poll(): datagram_poll(). The queue is checked when it is filled, so there is no
 * first_packet_length() recheck.
 */
export function udp_poll(file: File, sock: Socket, wait: PollTable | null): number {
  return datagram_poll(file, sock, wait);
}

/** udp_disconnect(): forget the peer (connect to AF_UNSPEC). */
export function udp_disconnect(sk: Sock): number {
  const inet = inet_sk(sk);
  sk.sk_state = TCP_CLOSE;
  inet.inet_daddr = 0;
  inet.inet_dport = 0;
  return 0;
}

/** ip4_datagram_connect(): set the peer; autobind and pick the source address. */
export function ip4_datagram_connect(sk: Sock, addr: Uint8Array, addr_len: number): number {
  const inet = inet_sk(sk);
  if (addr_len < SOCKADDR_IN_SIZE) return -EINVAL;
  const a = parse_sockaddr_in(addr);
  if (a.family !== AF_INET) return -EAFNOSUPPORT;
  const rt = ip_route_output(a.addr);
  if (typeof rt === "number") return rt;
  if (!inet.inet_saddr) inet.inet_saddr = rt.saddr;
  if (!inet.inet_rcv_saddr) inet.inet_rcv_saddr = rt.saddr;
  inet.inet_daddr = rt.daddr;
  inet.inet_dport = a.port;
  sk.sk_state = TCP_ESTABLISHED;
  inet.inet_id = current().kernel.random_u32() & 0xffff;
  return 0;
}

/** udp_lib_close() / udp_destroy_sock(): unhash and drop the queue. */
export function udp_close(sk: Sock): void {
  const inet = inet_sk(sk);
  if (inet.inet_num) udp_lib_unhash(inet);
  inet.sk_receive_queue.length = 0;
  inet.sk_rmem_alloc = 0;
}

/** udp_lib_close(sk, timeout): sk_common_release(): unhash, then orphan the sock and drop the socket's reference. */
function udp_lib_close(sk: Sock, _timeout: number): void {
  udp_close(sk);
  sock_orphan(sk);
  sock_put(sk);
}

/** udp_lib_hash(): never called for UDP (Linux BUG()s); hashing happens in get_port. */
function udp_lib_hash(): never {
  throw new Error("kernel BUG at net/ipv4/udp.c: udp_lib_hash");
}

/**
 * udp_lib_setsockopt(): SOL_UDP. The value must be an int; the UDP options themselves (UDP_CORK,
 * UDP_ENCAP, UDP_SEGMENT, UDP_GRO, ...) are not simulated and answer -ENOPROTOOPT.
 */
function udp_lib_setsockopt(_sk: Sock, _level: number, _optname: number, optval: SockPtr, optlen: number): number {
  if (optlen < 4) return -EINVAL;
  if (copy_from_sockptr(new Uint8Array(4), optval, 4)) return -EFAULT;
  return -ENOPROTOOPT;
}

/** udp_setsockopt(): SOL_UDP here, every other level to ip_setsockopt. */
export function udp_setsockopt(sk: Sock, level: number, optname: number, optval: SockPtr, optlen: number): number {
  if (level === SOL_UDP || level === SOL_UDPLITE) return udp_lib_setsockopt(sk, level, optname, optval, optlen);
  return ip_setsockopt(sk, level, optname, optval, optlen);
}

/** udp_getsockopt(): SOL_UDP (no option simulated: -ENOPROTOOPT), every other level to ip_getsockopt. */
export function udp_getsockopt(sk: Sock, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  if (level === SOL_UDP || level === SOL_UDPLITE) return -ENOPROTOOPT;
  return ip_getsockopt(sk, level, optname, optval, optlen);
}

/** udp_prot (sizes for 32-bit ARM). */
export const udp_prot: Proto = {
  name: "UDP",
  obj_size: 704,
  memory_allocated: { value: 0 },
  close: udp_lib_close,
  connect: ip4_datagram_connect,
  disconnect: udp_disconnect,
  ioctl: () => -ENOIOCTLCMD,
  init: () => 0,
  destroy: udp_close,
  setsockopt: udp_setsockopt,
  getsockopt: udp_getsockopt,
  sendmsg: udp_sendmsg,
  recvmsg: udp_recvmsg,
  sendpage: () => -EOPNOTSUPP,
  hash: udp_lib_hash,
  unhash: udp_lib_unhash,
  get_port: udp_v4_get_port,
};

/** /proc/net/udp (udp4_seq_show): rows in bucket order, every line padded to 127 characters. */
export function proc_net_udp(k: Kernel): string {
  const pad = (s: string): string => s.padEnd(127) + "\n";
  const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, "0");
  const le = (a: number): number => ((a & 0xff) << 24) | ((a >>> 8 & 0xff) << 16) | ((a >>> 16 & 0xff) << 8) | (a >>> 24);
  let s = pad("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops");
  const socks = [...udp_table(k).values()].flat().sort((a, b) => (a.inet_num & UDP_HTABLE_MASK) - (b.inet_num & UDP_HTABLE_MASK) || a.inet_num - b.inet_num);
  for (const sk of socks) {
    const bucket = String(sk.inet_num & UDP_HTABLE_MASK).padStart(5);
    s += pad(
      `${bucket}: ${hex(le(sk.inet_rcv_saddr), 8)}:${hex(sk.inet_num, 4)} ${hex(le(sk.inet_daddr), 8)}:${hex(sk.inet_dport, 4)} ${hex(sk.sk_state, 2)} ${hex(0, 8)}:${hex(sk.sk_rmem_alloc, 8)} 00:00000000 00000000 ${String(sk.sk_uid).padStart(5)} ${String(0).padStart(8)} ${sk.sk_ino} ${sk.sk_refcnt + 1} ${sk_kptr(sk)} ${sk.sk_drops}`,
    );
  }
  return s;
}
