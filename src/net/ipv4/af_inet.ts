// Mirrors net/ipv4/af_inet.c: PF_INET sockets. inet_create picks the protocol from the protosw
// table by type (SOCK_DGRAM is UDP; SOCK_RAW takes any protocol through its wildcard entry and
// needs CAP_NET_RAW; TCP comes with its issue), and the datagram and raw proto_ops implement bind,
// connect, getname and shutdown in front of struct proto. inet_init registers the protocols, the
// family, lo and the /proc/net files at boot.
import { EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EINVAL, ENOBUFS, ENOIOCTLCMD, ENOTCONN, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EFAULT } from "../../include/uapi/errno.js";
import { AF_INET, AF_UNSPEC, PF_INET, SOCK_DGRAM, SOCK_RAW } from "../../include/uapi/socket.js";
import { INADDR_ANY, IPPROTO_IP, IPPROTO_MAX, IPPROTO_RAW, IPPROTO_UDP, IP_PMTUDISC_WANT, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE } from "../../include/uapi/in.js";
import { capable, CAP_NET_BIND_SERVICE, CAP_NET_RAW } from "../../kernel/capability.js";
import { request_module } from "../../kernel/kmod.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { proc_create } from "../../fs/proc/generic.js";
import { seq_puts, single_proc_ops } from "../../fs/proc/seq_file.js";
import { sock_register, SS_UNCONNECTED, type NetProtoFamily, type ProtoOps, type Socket } from "../socket.js";
import { proto_register, sk_alloc, sock_common_getsockopt, sock_common_setsockopt, sock_init_data, sock_no_accept, sock_no_listen, sock_orphan, sock_put, type Proto, type Sock } from "../core/sock.js";
import { datagram_poll } from "../core/datagram.js";
import { dev_add_pack, proc_net_dev } from "../core/dev.js";
import { devinet_ioctl } from "../core/dev_ioctl.js";
import * as SIO from "../../include/uapi/sockios.js";
import { ETH_P_IP } from "../core/skbuff.js";
import type { Msghdr } from "../core/msghdr.js";
import { loopback_init } from "../../drivers/net/loopback.js";
import { TCP_CLOSE, inet_sk, type InetSock } from "./inet_sock.js";
import { inet_addr_is_local } from "./route.js";
import { ip_rcv } from "./ip_input.js";
import { proc_net_udp, udp_poll, udp_prot, udp_v4_get_port } from "./udp.js";
import { proc_net_snmp } from "./snmp.js";
import { proc_net_raw, raw_prot } from "./raw.js";

/** net.ipv4.ip_unprivileged_port_start */
const PROT_SOCK = 1024;

/** struct inet_protosw */
interface InetProtosw {
  type: number;
  protocol: number;
  prot: Proto;
  ops: ProtoOps;
  flags: number;
}

/** inet_protosw flags (include/net/protocol.h) */
const INET_PROTOSW_REUSE = 0x01; /* Are ports automatically reusable? */
const INET_PROTOSW_PERMANENT = 0x02; /* Permanent protocols are unremovable. */

/** inet_release(): the protocol's close, then the sock goes. */
function inet_release(sock: Socket): number {
  const sk = sock.sk;
  if (!sk) return 0;
  (sk.sk_prot.close as ((s: typeof sk) => void) | undefined)?.(sk);
  sock_orphan(sk);
  sock_put(sk);
  return 0;
}

/** inet_bind(): the protocol's own bind if it has one (RAW), else __inet_bind for datagram sockets. */
function inet_bind(sock: Socket, uaddr: Uint8Array, addr_len: number): number {
  const sk = sock.sk!;
  /* If the socket has its own bind function then use it. (RAW) */
  if (sk.sk_prot.bind) return (sk.sk_prot.bind as (s: typeof sk, a: Uint8Array, l: number) => number)(sk, uaddr, addr_len);
  const inet = inet_sk(sk);
  if (addr_len < SOCKADDR_IN_SIZE) return -EINVAL;
  const a = parse_sockaddr_in(uaddr);
  if (a.family !== AF_INET && (a.family !== AF_UNSPEC || a.addr !== INADDR_ANY)) return -EAFNOSUPPORT;
  if (a.addr !== INADDR_ANY && a.addr !== 0xffffffff && !inet_addr_is_local(a.addr)) return -EADDRNOTAVAIL;
  if (a.port && a.port < PROT_SOCK && !capable(CAP_NET_BIND_SERVICE)) return -EACCES;
  if (inet.sk_state !== TCP_CLOSE || inet.inet_num) return -EINVAL;
  inet.inet_rcv_saddr = inet.inet_saddr = a.addr === 0xffffffff ? 0 : a.addr;
  if (udp_v4_get_port(inet, a.port)) {
    inet.inet_rcv_saddr = inet.inet_saddr = 0;
    return -EADDRINUSE;
  }
  inet.inet_daddr = 0;
  inet.inet_dport = 0;
  return 0;
}

/** inet_dgram_connect(): AF_UNSPEC disconnects; otherwise autobind and connect. */
function inet_dgram_connect(sock: Socket, uaddr: Uint8Array, addr_len: number, _flags: number): number {
  const sk = sock.sk!;
  if (addr_len < 2) return -EINVAL;
  if (parse_sockaddr_in(uaddr).family === AF_UNSPEC) return (sk.sk_prot.disconnect as (s: typeof sk) => number)(sk);
  if (!inet_sk(sk).inet_num && udp_v4_get_port(inet_sk(sk), 0)) return -EAGAIN;
  return (sk.sk_prot.connect as (s: typeof sk, a: Uint8Array, l: number) => number)(sk, uaddr, addr_len);
}

/** inet_getname(): the local or (peer) the connected address; 16, or -ENOTCONN. */
function inet_getname(sock: Socket, uaddr: Uint8Array, peer: number): number {
  const inet = inet_sk(sock.sk!);
  if (peer) {
    if (!inet.inet_dport) return -ENOTCONN;
    uaddr.set(make_sockaddr_in(AF_INET, inet.inet_dport, inet.inet_daddr));
  } else uaddr.set(make_sockaddr_in(AF_INET, inet.inet_num, inet.inet_rcv_saddr || inet.inet_saddr));
  return SOCKADDR_IN_SIZE;
}

/** inet_shutdown(): mark the directions shut and wake readers; -ENOTCONN on an unconnected socket. */
function inet_shutdown(sock: Socket, how: number): number {
  const sk = sock.sk!;
  how++;
  if ((how & ~3) || !how) return -EINVAL;
  sk.sk_shutdown |= how;
  sk.sk_wq.wake_up();
  return sk.sk_state === TCP_CLOSE ? -ENOTCONN : 0;
}

function inet_sendmsg(sock: Socket, msg: Msghdr, len: number): number {
  const sk = sock.sk!;
  return (sk.sk_prot.sendmsg as (s: typeof sk, m: Msghdr, l: number) => number)(sk, msg, len);
}

function inet_recvmsg(sock: Socket, msg: Msghdr, len: number, flags: number): Promise<number> {
  const sk = sock.sk!;
  return (sk.sk_prot.recvmsg as (s: typeof sk, m: Msghdr, l: number, f: number) => Promise<number>)(sk, msg, len, flags);
}

/**
 * inet_ioctl(): the IPv4 address ioctls and SIOCSIFFLAGS go to devinet_ioctl on a kernel copy of the
 * struct ifreq (the reads copied back); the rest to the protocol, whose -ENOIOCTLCMD sends them on
 * to dev_ioctl (sock_do_ioctl).
 */
function inet_ioctl(sock: Socket, cmd: number, arg: unknown): number {
  const sk = sock.sk!;
  switch (cmd) {
    case SIO.SIOCADDRT:
    case SIO.SIOCDELRT:
    case SIO.SIOCRTMSG:
      return -EINVAL;
    case SIO.SIOCGIFADDR:
    case SIO.SIOCGIFBRDADDR:
    case SIO.SIOCGIFNETMASK:
    case SIO.SIOCGIFDSTADDR:
    case SIO.SIOCGIFPFLAGS:
    case SIO.SIOCSIFADDR:
    case SIO.SIOCSIFBRDADDR:
    case SIO.SIOCSIFNETMASK:
    case SIO.SIOCSIFDSTADDR:
    case SIO.SIOCSIFPFLAGS:
    case SIO.SIOCSIFFLAGS: {
      if (!(arg instanceof Uint8Array) || arg.length < SIO.IFREQ_SIZE) return -EFAULT;
      const ifr = arg.slice(0, SIO.IFREQ_SIZE);
      const err = devinet_ioctl(cmd, ifr);
      const get = cmd === SIO.SIOCGIFADDR || cmd === SIO.SIOCGIFBRDADDR || cmd === SIO.SIOCGIFNETMASK || cmd === SIO.SIOCGIFDSTADDR || cmd === SIO.SIOCGIFPFLAGS;
      if (!err && get) arg.set(ifr, 0);
      return err;
    }
    default: {
      const ioctl = sk.sk_prot.ioctl as ((s: typeof sk, c: number, a: unknown) => number) | undefined;
      return ioctl ? ioctl(sk, cmd, arg) : -ENOIOCTLCMD;
    }
  }
}

/** inet_dgram_ops */
export const inet_dgram_ops = {
  family: PF_INET,
  owner: null,
  release: inet_release,
  bind: inet_bind,
  connect: inet_dgram_connect,
  accept: sock_no_accept,
  getname: inet_getname,
  ioctl: inet_ioctl,
  listen: sock_no_listen,
  shutdown: inet_shutdown,
  setsockopt: sock_common_setsockopt,
  getsockopt: sock_common_getsockopt,
  sendmsg: inet_sendmsg,
  recvmsg: inet_recvmsg,
  poll: udp_poll,
} satisfies ProtoOps;

/** inet_sockraw_ops: inet_dgram_ops with datagram_poll. */
export const inet_sockraw_ops = {
  family: PF_INET,
  owner: null,
  release: inet_release,
  bind: inet_bind,
  connect: inet_dgram_connect,
  accept: sock_no_accept,
  getname: inet_getname,
  ioctl: inet_ioctl,
  listen: sock_no_listen,
  shutdown: inet_shutdown,
  setsockopt: sock_common_setsockopt,
  getsockopt: sock_common_getsockopt,
  sendmsg: inet_sendmsg,
  recvmsg: inet_recvmsg,
  poll: datagram_poll,
} satisfies ProtoOps;

/**
 * inetsw_array: the protocols PF_INET offers, by socket type. IPPROTO_IP in an entry is the
 * wildcard: the raw entry takes every protocol number.
 */
const inetsw: InetProtosw[] = [
  { type: SOCK_DGRAM, protocol: IPPROTO_UDP, prot: udp_prot, ops: inet_dgram_ops, flags: INET_PROTOSW_PERMANENT },
  { type: SOCK_RAW, protocol: IPPROTO_IP /* wild card */, prot: raw_prot, ops: inet_sockraw_ops, flags: INET_PROTOSW_REUSE },
];

/**
 * inet_lookup_protosw(): the entry for (type, protocol) and the protocol it gives (0 becomes the
 * entry's), or -ESOCKTNOSUPPORT (no entry of the type) / -EPROTONOSUPPORT.
 */
function inet_lookup_protosw(type: number, protocol: number): { answer: InetProtosw; protocol: number } | number {
  let err = -ESOCKTNOSUPPORT;
  for (const answer of inetsw.filter((p) => p.type === type)) {
    err = 0;
    /* Check the non-wild match. */
    if (protocol === answer.protocol) {
      if (protocol !== IPPROTO_IP) return { answer, protocol };
    } else {
      /* Check for the two wild cases. */
      if (protocol === IPPROTO_IP) return { answer, protocol: answer.protocol };
      if (answer.protocol === IPPROTO_IP) return { answer, protocol };
    }
    err = -EPROTONOSUPPORT;
  }
  return err;
}

/**
 * inet_create(net, sock, protocol, kern): 5.15's checks in 5.15's order: the protocol number, the
 * protosw lookup (asking for net-pf-2-proto-P-type-T, then net-pf-2-proto-P, before giving up),
 * then CAP_NET_RAW for a user's raw socket. A raw socket is hashed under its protocol at once.
 */
async function inet_create(net: unknown, sock: Socket, protocol: number, kern: number): Promise<number> {
  if (protocol < 0 || protocol >= IPPROTO_MAX) return -EINVAL;
  sock.state = SS_UNCONNECTED;
  let found = inet_lookup_protosw(sock.type, protocol);
  for (let try_loading_module = 0; typeof found === "number"; found = inet_lookup_protosw(sock.type, protocol)) {
    if (try_loading_module >= 2) return found;
    if (++try_loading_module === 1) await request_module(`net-pf-${PF_INET}-proto-${protocol}-type-${sock.type}`);
    else await request_module(`net-pf-${PF_INET}-proto-${protocol}`);
  }
  const answer = found.answer;
  protocol = found.protocol;

  if (sock.type === SOCK_RAW && !kern && !capable(CAP_NET_RAW)) return -EPERM;

  sock.ops = answer.ops;
  const sk = sk_alloc(net, PF_INET, 0, answer.prot, kern);
  if (!sk) return -ENOBUFS;
  if (answer.flags & INET_PROTOSW_REUSE) sk.sk_reuse = 1; /* SK_CAN_REUSE */
  const inet = sk as InetSock;
  Object.assign(inet, {
    inet_rcv_saddr: 0,
    inet_saddr: 0,
    inet_num: 0,
    inet_daddr: 0,
    inet_dport: 0,
    inet_id: 0,
    uc_ttl: -1,
    uc_index: 0,
    tos: 0,
    min_ttl: 0,
    mc_ttl: 1,
    pmtudisc: IP_PMTUDISC_WANT,
    recverr: false,
    hdrincl: false,
    freebind: false,
    transparent: false,
    mc_loop: true,
    mc_all: true,
    nodefrag: false,
    bind_address_no_port: false,
    recverr_rfc4884: false,
    cmsg_flags: 0,
    sk_receive_queue: [],
    sk_rmem_alloc: 0,
    sk_drops: 0,
    sk_uid: current().cred.fsuid,
    sk_ino: sock.inode.ino,
  } satisfies Partial<InetSock>);
  if (sock.type === SOCK_RAW) {
    inet.inet_num = protocol;
    if (protocol === IPPROTO_RAW) inet.hdrincl = true;
  }
  sock_init_data(sock, sk);
  sk.sk_protocol = protocol;
  sk.sk_state = TCP_CLOSE;

  let err = 0;
  if (inet.inet_num) {
    /* Add to protocol hash chains. */
    err = (sk.sk_prot.hash as (s: Sock) => number)(sk);
  }
  if (!err && sk.sk_prot.init) err = (sk.sk_prot.init as (s: Sock) => number)(sk);
  if (err) {
    /* sk_common_release() */
    (sk.sk_prot.unhash as ((s: Sock) => void) | undefined)?.(sk);
    sock_orphan(sk);
    sock_put(sk);
    sock.sk = null;
  }
  return err;
}

export const inet_family_ops = { family: PF_INET, create: inet_create, owner: null } satisfies NetProtoFamily;

/** inet_init(): UDP, RAW, PF_INET, lo with 127.0.0.1, and /proc/net/{udp,raw,snmp,dev}. */
export function inet_init(k: Kernel): void {
  proto_register(udp_prot, 1);
  proto_register(raw_prot, 1);
  sock_register(inet_family_ops);
  loopback_init(k);
  dev_add_pack(ETH_P_IP, ip_rcv, k);
  const net = k.proc_root.subdir.get("net")!;
  proc_create("udp", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_udp(current().kernel)), 0)));
  proc_create("raw", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_raw(current().kernel)), 0)));
  proc_create("snmp", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_snmp(current().kernel)), 0)));
  proc_create("dev", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_dev(current().kernel)), 0)));
}
