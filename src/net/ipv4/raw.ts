// Mirrors net/ipv4/raw.c (5.15): SOCK_RAW sockets of PF_INET. A raw socket is hashed by its
// protocol number (inet_num) from creation on; every IPv4 packet of that protocol delivered to this
// host is copied to the matching raw sockets before the protocol's own handler sees it, and
// recvmsg returns the whole packet, IP header included. sendmsg builds the IP header, or with
// IP_HDRINCL (always for IPPROTO_RAW) sends the caller's header after filling in the length,
// checksum and, when zero, the source address and ID. ICMP errors about packets of the protocol
// reach the sockets as sk_err (IP_RECVERR's error queue is not simulated).
import { EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EDESTADDRREQ, EFAULT, EHOSTUNREACH, EINVAL, EMSGSIZE, ENOIOCTLCMD, ENOPROTOOPT, EOPNOTSUPP, EPROTO } from "../../include/uapi/errno.js";
import { AF_INET, MSG_ERRQUEUE, MSG_OOB, MSG_TRUNC } from "../../include/uapi/socket.js";
import { INADDR_ANY, IPPROTO_ICMP, ICMP_FILTER, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE, SOL_RAW } from "../../include/uapi/in.js";
import { SIOCINQ, SIOCOUTQ } from "../../include/uapi/sockios.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import { ip_fast_csum } from "../../lib/checksum.js";
import { current } from "../../kernel/sched/task.js";
import { pr_info } from "../../kernel/printk/printk.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import type { Kernel } from "../../kernel/kernel.js";
import { sock_hold, sock_orphan, sock_prot_inuse_add, sock_put, type Proto, type Sock } from "../core/sock.js";
import { memcpy_from_msg, memcpy_to_msg, type Msghdr } from "../core/msghdr.js";
import { SkBuff } from "../core/skbuff.js";
import { skb_recv_datagram, sock_queue_rcv_skb } from "../core/datagram.js";
import { inet_sk, sk_kptr, TCP_CLOSE, TCP_ESTABLISHED, type InetSock } from "./inet_sock.js";
import { inet_addr_is_local, ip_route_output } from "./route.js";
import { ip_local_out, ip_select_ident, ip_send, IP_DF } from "./ip_output.js";
import { ip_getsockopt, ip_ra_control, ip_setsockopt } from "./ip_sockglue.js";
import { icmp_err_convert, icmp_out_count, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, ICMP_PARAMETERPROB, ICMP_SOURCE_QUENCH, ICMP_TIME_EXCEEDED, NR_ICMP_UNREACH } from "./icmp.js";
import { ip4_datagram_connect } from "./udp.js";
import { mib } from "./snmp.js";

/** RAW_HTABLE_SIZE (MAX_INET_PROTOS): one bucket per protocol number. */
const RAW_HTABLE_SIZE = 256;
const ICMP_REDIRECT = 5;

/** struct raw_sock: an inet_sock and, for IPPROTO_ICMP sockets, the ICMP_FILTER bitmap. */
export interface RawSock extends InetSock {
  /** struct icmp_filter: bit N set drops ICMP type N (types 0-31). */
  filter: number;
}

export function raw_sk(sk: Sock): RawSock {
  return sk as RawSock;
}

/** raw_v4_hashinfo of each kernel: the sockets of each bucket, newest first (sk_add_node). */
const hashinfo = new WeakMap<Kernel, RawSock[][]>();

function raw_v4_hashinfo(k: Kernel = current().kernel): RawSock[][] {
  let h = hashinfo.get(k);
  if (!h) hashinfo.set(k, (h = Array.from({ length: RAW_HTABLE_SIZE }, () => [])));
  return h;
}

/** raw_hash_sk(sk): into the bucket of its protocol, holding a reference; counted in use. */
function raw_hash_sk(sk: Sock): number {
  raw_v4_hashinfo()[inet_sk(sk).inet_num & (RAW_HTABLE_SIZE - 1)].unshift(raw_sk(sk));
  sock_hold(sk);
  sock_prot_inuse_add(sk.sk_prot, 1);
  return 0;
}

/** raw_unhash_sk(sk): out of its bucket, if it is in one (sk_del_node_init drops the reference). */
function raw_unhash_sk(sk: Sock): void {
  const head = raw_v4_hashinfo()[inet_sk(sk).inet_num & (RAW_HTABLE_SIZE - 1)];
  const i = head.indexOf(raw_sk(sk));
  if (i < 0) return;
  head.splice(i, 1);
  sk.sk_refcnt--;
  sock_prot_inuse_add(sk.sk_prot, -1);
}

/**
 * __raw_v4_lookup(): the sockets of `num` that take a packet from `raddr` to `laddr`: a connected
 * socket only from its peer, a bound one only to its address.
 */
function raw_v4_lookup(head: RawSock[], num: number, raddr: number, laddr: number): RawSock[] {
  return head.filter((sk) => sk.inet_num === num && !(sk.inet_daddr && sk.inet_daddr !== raddr) && !(sk.inet_rcv_saddr && sk.inet_rcv_saddr !== laddr));
}

/** icmp_filter(sk, skb): true when the socket's ICMP_FILTER blocks this ICMP message. */
function icmp_filter(sk: RawSock, skb: SkBuff): boolean {
  const hdr = skb.data.subarray(skb.transport_header);
  if (hdr.length < 8) return true;
  const type = hdr[0];
  if (type < 32) return ((1 << type) & sk.filter) !== 0;
  /* Do not block unknown ICMP types */
  return false;
}

/** raw_rcv(sk, skb) / raw_rcv_skb(): queue a copy of the whole packet. */
function raw_rcv(sk: RawSock, skb: SkBuff): void {
  const clone = new SkBuff(skb.data);
  clone.dev = skb.dev;
  clone.transport_header = skb.transport_header;
  sock_queue_rcv_skb(sk, clone);
}

/**
 * raw_local_deliver(skb, protocol): a copy of the packet to each raw socket of its protocol that
 * takes it. True when any socket matched (even if its ICMP filter dropped the copy): then a
 * protocol without a handler is not answered with an ICMP error.
 */
export function raw_local_deliver(skb: SkBuff, protocol: number): boolean {
  const head = raw_v4_hashinfo()[protocol & (RAW_HTABLE_SIZE - 1)];
  if (head.length === 0) return false;
  const iph = new DataView(skb.data.buffer, skb.data.byteOffset);
  const socks = raw_v4_lookup(head, protocol, iph.getUint32(12), iph.getUint32(16));
  for (const sk of socks) {
    if (protocol !== IPPROTO_ICMP || !icmp_filter(sk, skb)) raw_rcv(sk, skb);
  }
  return socks.length > 0;
}

/** raw_err(sk, type, code): an ICMP error for this socket, as sk_err when it wants to hear it. */
function raw_err(sk: RawSock, type: number, code: number): void {
  if (type === ICMP_REDIRECT) return;
  /* Report error on raw socket, if:
     1. User requested ip_recverr.
     2. Socket is connected (otherwise the error indication
        is useless without ip_recverr and error is hard.
   */
  if (!sk.recverr && sk.sk_state !== TCP_ESTABLISHED) return;
  let err = EHOSTUNREACH;
  let harderr = false;
  switch (type) {
    case ICMP_SOURCE_QUENCH:
      return;
    case ICMP_PARAMETERPROB:
      err = EPROTO;
      harderr = true;
      break;
    case ICMP_DEST_UNREACH:
      if (code > NR_ICMP_UNREACH) break;
      if (code === ICMP_FRAG_NEEDED) {
        harderr = sk.pmtudisc !== 0;
        err = EMSGSIZE;
      } else {
        err = icmp_err_convert[code].errno;
        harderr = icmp_err_convert[code].fatal;
      }
      break;
    default: /* ICMP_TIME_EXCEEDED and the rest */
      err = EHOSTUNREACH;
  }
  if (sk.recverr || harderr) {
    sk.sk_err = err;
    sk.sk_wq.wake_up();
  }
}

/**
 * raw_icmp_error(inner, protocol, type, code): an ICMP error quoting `inner` (the IP header of a
 * packet we sent) to the raw sockets of its protocol that could have sent it.
 */
export function raw_icmp_error(inner: Uint8Array, protocol: number, type: number, code: number): void {
  const head = raw_v4_hashinfo()[protocol & (RAW_HTABLE_SIZE - 1)];
  if (head.length === 0) return;
  const iph = new DataView(inner.buffer, inner.byteOffset);
  for (const sk of raw_v4_lookup(head, protocol, iph.getUint32(16), iph.getUint32(12))) raw_err(sk, type, code);
}

/** pr_info_once() of raw_sendmsg: each kernel says it once. */
const forgot_af_inet = new WeakSet<Kernel>();

/**
 * raw_send_hdrinc(): the caller's packet, IP header first. Its length, checksum and (when zero) ID
 * and source address are filled in; an IHL pointing past the data is -EINVAL.
 */
function raw_send_hdrinc(sk: RawSock, saddr: number, msg: Msghdr, length: number, rt: Exclude<ReturnType<typeof ip_route_output>, number>): number {
  const m = mib();
  if (length > rt.dev.mtu) return -EMSGSIZE;
  if (length < 20) return -EINVAL;
  const pkt = new Uint8Array(length);
  let err = -EFAULT;
  if (memcpy_from_msg(pkt, msg, length) === 0) {
    const iph = new DataView(pkt.buffer);
    const iphlen = (pkt[0] & 0xf) * 4;
    err = -EINVAL;
    if (iphlen <= length) {
      if (iphlen >= 20) {
        if (!iph.getUint32(12)) iph.setUint32(12, saddr >>> 0);
        iph.setUint16(10, 0);
        iph.setUint16(2, length);
        if (!iph.getUint16(4)) iph.setUint16(4, ip_select_ident((iph.getUint16(6) & IP_DF) !== 0, false, null));
        iph.setUint16(10, ip_fast_csum(pkt.subarray(0, iphlen)));
        if (pkt[9] === IPPROTO_ICMP && length >= iphlen + 8) icmp_out_count(pkt[iphlen]);
      }
      const skb = new SkBuff(pkt);
      skb.dev = rt.dev;
      skb.sk = sk;
      err = ip_local_out(skb);
      if (!err) return 0;
    }
  }
  m.ip.OutDiscards++;
  return err;
}

/** raw_sendmsg(sk, msg, len): `len`, or -errno. */
export function raw_sendmsg(sk: Sock, msg: Msghdr, len: number): number {
  const inet = raw_sk(sk);
  if (len > 0xffff) return -EMSGSIZE;
  const hdrincl = inet.hdrincl;
  if (msg.msg_flags & MSG_OOB) /* Mirror BSD error message */ return -EOPNOTSUPP; /* compatibility */

  let daddr: number;
  if (msg.msg_name && msg.msg_namelen) {
    if (msg.msg_namelen < SOCKADDR_IN_SIZE) return -EINVAL;
    const usin = parse_sockaddr_in(msg.msg_name);
    if (usin.family !== AF_INET) {
      const k = current().kernel;
      if (!forgot_af_inet.has(k)) {
        forgot_af_inet.add(k);
        pr_info("%s: %s forgot to set AF_INET. Fix it!\n", "raw_sendmsg", current().comm);
      }
      if (usin.family) return -EAFNOSUPPORT;
    }
    daddr = usin.addr;
  } else {
    if (sk.sk_state !== TCP_ESTABLISHED) return -EDESTADDRREQ;
    daddr = inet.inet_daddr;
  }

  /* raw_probe_proto_opt(): an ICMP socket's first two bytes are the type and code */
  if (!hdrincl && sk.sk_protocol === IPPROTO_ICMP && len < 2) return -EFAULT;

  const rt = ip_route_output(daddr);
  if (typeof rt === "number") return rt;
  const saddr = inet.inet_saddr || rt.saddr;

  if (hdrincl) {
    const err = raw_send_hdrinc(inet, saddr, msg, len, rt);
    return err < 0 ? err : len;
  }
  /* ip_append_data(): no more than fits in one IP packet */
  if (len > 0xffff - 20) return -EMSGSIZE;
  const data = new Uint8Array(len);
  if (memcpy_from_msg(data, msg, len)) return -EFAULT;
  if (sk.sk_protocol === IPPROTO_ICMP) icmp_out_count(data[0]);
  const err = ip_send({ saddr, daddr: rt.daddr, protocol: sk.sk_protocol, tos: inet.tos, ttl: inet.uc_ttl > 0 ? inet.uc_ttl : undefined, sk: inet }, data);
  return err < 0 ? err : len;
}

/**
 * raw_recvmsg(sk, msg, len, flags): the next packet from its IP header on, cut to `len` (with
 * MSG_TRUNC in msg_flags; the flag MSG_TRUNC returns the full length), and its source address
 * with port 0.
 */
export async function raw_recvmsg(sk: Sock, msg: Msghdr, len: number, flags: number): Promise<number> {
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  /* ip_recv_error(): the error queue is never filled in kplay */
  if (flags & MSG_ERRQUEUE) return -EAGAIN;
  const skb = await skb_recv_datagram(raw_sk(sk), flags, false);
  if (typeof skb === "number") return skb;
  let copied = skb.len;
  if (len < copied) {
    msg.msg_flags |= MSG_TRUNC;
    copied = len;
  }
  if (memcpy_to_msg(msg, skb.data, copied)) return -EFAULT;
  if (msg.msg_name) {
    msg.msg_name.set(make_sockaddr_in(AF_INET, 0, new DataView(skb.data.buffer, skb.data.byteOffset).getUint32(12)));
    msg.msg_namelen = SOCKADDR_IN_SIZE;
  }
  if (flags & MSG_TRUNC) copied = skb.len;
  return copied;
}

/** raw_bind(): the local address only (a raw socket has no port); any family is taken as AF_INET. */
function raw_bind(sk: Sock, uaddr: Uint8Array, addr_len: number): number {
  const inet = inet_sk(sk);
  if (sk.sk_state !== TCP_CLOSE || addr_len < SOCKADDR_IN_SIZE) return -EINVAL;
  const addr = parse_sockaddr_in(uaddr).addr;
  if (addr !== INADDR_ANY && !inet_addr_is_local(addr)) return -EADDRNOTAVAIL;
  inet.inet_rcv_saddr = inet.inet_saddr = addr;
  return 0;
}

/**
 * __udp_disconnect() as it runs for a raw socket (connect to AF_UNSPEC): raw_bind takes neither
 * SOCK_BINDADDR_LOCK nor SOCK_BINDPORT_LOCK, so the bound address is forgotten and the socket
 * leaves the raw hash; it receives nothing more.
 */
function raw_disconnect(sk: Sock): number {
  const inet = inet_sk(sk);
  sk.sk_state = TCP_CLOSE;
  inet.inet_daddr = 0;
  inet.inet_dport = 0;
  inet.inet_rcv_saddr = inet.inet_saddr = 0;
  raw_unhash_sk(sk);
  return 0;
}

/** raw_destroy(): nothing is corked; the queue goes with the sock. */
function raw_destroy(sk: Sock): void {
  const inet = inet_sk(sk);
  inet.sk_receive_queue.length = 0;
  inet.sk_rmem_alloc = 0;
}

/**
 * raw_close(): leave the router-alert chain ("Raw sockets may have direct kernel references. Kill
 * them."), then sk_common_release: destroy and unhash; inet_release drops the last reference.
 */
function raw_close(sk: Sock, _timeout: number): void {
  ip_ra_control(sk, false);
  raw_destroy(sk);
  raw_unhash_sk(sk);
  /* sk_common_release(): orphan the sock and drop the socket's reference. */
  sock_orphan(sk);
  sock_put(sk);
}

/** raw_sk_init(): an ICMP socket starts with an empty filter. */
function raw_sk_init(sk: Sock): number {
  raw_sk(sk).filter = 0;
  return 0;
}

/** raw_rcv_skb(): the backlog receive (struct proto's backlog_rcv). */
function raw_rcv_skb(sk: Sock, skb: SkBuff): number {
  return sock_queue_rcv_skb(raw_sk(sk), skb) < 0 ? 1 : 0;
}

/** raw_seticmpfilter(): up to 4 bytes over the filter. */
function raw_seticmpfilter(sk: RawSock, optval: SockPtr, optlen: number): number {
  if (optlen > 4) optlen = 4;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, sk.filter >>> 0, true);
  if (copy_from_sockptr(b.subarray(0, optlen), optval, optlen)) return -EFAULT;
  sk.filter = new DataView(b.buffer).getUint32(0, true);
  return 0;
}

/** raw_geticmpfilter(): up to 4 bytes of the filter; a negative length is -EINVAL. */
function raw_geticmpfilter(sk: RawSock, optval: UserPtr, optlen: { value: number }): number {
  let len = optlen.value;
  if (len < 0) return -EINVAL;
  if (len > 4) len = 4;
  optlen.value = len;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, sk.filter >>> 0, true);
  return copy_to_user(optval, b, len) ? -EFAULT : 0;
}

/** raw_setsockopt(): SOL_RAW's ICMP_FILTER (ICMP sockets only); every other level to IP. */
function raw_setsockopt(sk: Sock, level: number, optname: number, optval: SockPtr, optlen: number): number {
  if (level !== SOL_RAW) return ip_setsockopt(sk, level, optname, optval, optlen);
  if (optname === ICMP_FILTER) {
    if (inet_sk(sk).inet_num !== IPPROTO_ICMP) return -EOPNOTSUPP;
    return raw_seticmpfilter(raw_sk(sk), optval, optlen);
  }
  return -ENOPROTOOPT;
}

/** raw_getsockopt() */
function raw_getsockopt(sk: Sock, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  if (level !== SOL_RAW) return ip_getsockopt(sk, level, optname, optval, optlen);
  if (optname === ICMP_FILTER) {
    if (inet_sk(sk).inet_num !== IPPROTO_ICMP) return -EOPNOTSUPP;
    return raw_geticmpfilter(raw_sk(sk), optval, optlen);
  }
  return -ENOPROTOOPT;
}

/** raw_ioctl(): SIOCOUTQ (always 0: kplay does not account send memory) and SIOCINQ, into an int. */
function raw_ioctl(sk: Sock, cmd: number, arg: unknown): number {
  if (cmd !== SIOCOUTQ && cmd !== SIOCINQ) return -ENOIOCTLCMD;
  const out = arg as { value: number } | null;
  if (!out || typeof out !== "object" || !("value" in out)) return -EFAULT;
  out.value = cmd === SIOCINQ ? (inet_sk(sk).sk_receive_queue[0]?.len ?? 0) : 0;
  return 0;
}

/**
 * raw_prot. Its size is sizeof(struct raw_sock) worked out for 32-bit ARM: struct inet_sock (688,
 * with the 500-byte struct sock) plus struct icmp_filter and ipmr_table.
 */
export const raw_prot: Proto = {
  name: "RAW",
  obj_size: 696,
  close: raw_close,
  destroy: raw_destroy,
  connect: ip4_datagram_connect,
  disconnect: raw_disconnect,
  ioctl: raw_ioctl,
  init: raw_sk_init,
  setsockopt: raw_setsockopt,
  getsockopt: raw_getsockopt,
  sendmsg: raw_sendmsg,
  recvmsg: raw_recvmsg,
  bind: raw_bind,
  backlog_rcv: raw_rcv_skb,
  hash: raw_hash_sk,
  unhash: raw_unhash_sk,
};

/**
 * /proc/net/raw (raw_seq_show, raw_sock_seq_show): the hashed sockets by bucket (the protocol
 * number), newest first within one; "sl" is the bucket. No padding, unlike /proc/net/udp.
 */
export function proc_net_raw(k: Kernel): string {
  const hex = (n: number, w: number): string => (n >>> 0).toString(16).toUpperCase().padStart(w, "0");
  const le = (a: number): number => ((a & 0xff) << 24) | ((a >>> 8 & 0xff) << 16) | ((a >>> 16 & 0xff) << 8) | (a >>> 24);
  let s = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n";
  raw_v4_hashinfo(k).forEach((head, bucket) => {
    for (const sk of head) {
      s += `${String(bucket).padStart(4)}: ${hex(le(sk.inet_rcv_saddr), 8)}:${hex(sk.inet_num, 4)} ${hex(le(sk.inet_daddr), 8)}:${hex(0, 4)} ${hex(sk.sk_state, 2)} ${hex(0, 8)}:${hex(sk.sk_rmem_alloc, 8)} 00:00000000 00000000 ${String(sk.sk_uid).padStart(5)} ${String(0).padStart(8)} ${sk.sk_ino} ${sk.sk_refcnt} ${sk_kptr(sk)} ${sk.sk_drops}\n`;
    }
  });
  return s;
}
