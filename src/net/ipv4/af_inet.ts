// Mirrors net/ipv4/af_inet.c: PF_INET sockets. inet_create picks the protocol from the protosw
// table by type (SOCK_STREAM is TCP, SOCK_DGRAM is UDP; SOCK_RAW takes any protocol through its
// wildcard entry and needs CAP_NET_RAW), and the stream, datagram and raw proto_ops implement
// bind, connect (inet_stream_connect waits for the handshake), listen, accept, getname and
// shutdown in front of struct proto. inet_init registers the protocols, the family, lo and the
// /proc/net files at boot.
import { EACCES, EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, EAGAIN, EINVAL, ENOBUFS, ENOIOCTLCMD, ENOTCONN, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EFAULT } from "../../include/uapi/errno.js";
import { AF_INET, AF_UNSPEC, PF_INET, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM } from "../../include/uapi/socket.js";
import { INADDR_ANY, IPPROTO_IP, IPPROTO_MAX, IPPROTO_RAW, IPPROTO_TCP, IPPROTO_UDP, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE } from "../../include/uapi/in.js";
import { O_NONBLOCK } from "../../include/uapi/fcntl.js";
import { EALREADY, ECONNABORTED, EINPROGRESS, EISCONN } from "../../include/uapi/errno.js";
import { PF_EXITING } from "../../kernel/sched/task.js";
import { signal_pending } from "../../kernel/signal.js";
import { capable, CAP_NET_BIND_SERVICE, CAP_NET_RAW } from "../../kernel/capability.js";
import { request_module } from "../../kernel/kmod.js";
import type { Kernel } from "../../kernel/kernel.js";
import { proc_create } from "../../fs/proc/generic.js";
import { seq_puts, single_proc_ops } from "../../fs/proc/seq_file.js";
import { sock_register, SS_CONNECTED, SS_CONNECTING, SS_DISCONNECTING, SS_UNCONNECTED, type NetProtoFamily, type ProtoOps, type Socket } from "../socket.js";
import { lock_sock, proto_register, release_sock, sk_alloc, sk_wait_event, sock_common_getsockopt, sock_common_setsockopt, sock_error, sock_init_data, sock_intr_errno, sock_no_accept, sock_no_listen, sock_orphan, sock_put, sock_sndtimeo, SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK, type Proto, type Sock } from "../core/sock.js";
import { datagram_poll } from "../core/datagram.js";
import { dev_add_pack, proc_net_dev } from "../core/dev.js";
import { devinet_ioctl } from "../core/dev_ioctl.js";
import * as SIO from "../../include/uapi/sockios.js";
import { ETH_P_IP } from "../core/skbuff.js";
import type { Msghdr } from "../core/msghdr.js";
import { loopback_init } from "../../drivers/net/loopback.js";
import { inet_sk, inet_sk_init, type InetSock } from "./inet_sock.js";
import { TCP_CLOSE, TCP_LISTEN, TCP_SYN_SENT, TCPF_CLOSE, TCPF_LISTEN, TCPF_SYN_RECV, TCPF_SYN_SENT } from "./tcp_states.js";
import { proc_net_tcp, tcp_prot } from "./tcp_ipv4.js";
import { tcp_poll } from "./tcp.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import { inet_addr_is_local } from "./route.js";
import { ip_rcv } from "./ip_input.js";
import { proc_net_udp, udp_poll, udp_prot, udp_v4_get_port } from "./udp.js";
import { current } from "../../kernel/sched/task.js";
import { proc_net_snmp } from "./snmp.js";
import { proc_net_raw, raw_prot } from "./raw.js";
import { inet_csk_listen_start } from "./inet_connection_sock.js";

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
const INET_PROTOSW_ICSK = 0x04; /* Is this an inet_connection_sock? */

/**
 * inet_release(): the protocol's close, with the SO_LINGER time unless the process is exiting.
 * The protocol orphans the sock and drops the socket's reference.
 */
function inet_release(sock: Socket): number {
  const sk = sock.sk;
  if (!sk) return 0;
  let timeout = 0;
  if (sk.sk_flags.has("SOCK_LINGER") && !(current().flags & PF_EXITING)) timeout = sk.sk_lingertime * 1e9;
  (sk.sk_prot.close as (s: typeof sk, t: number) => void)(sk, timeout);
  sock.sk = null;
  return 0;
}

/**
 * inet_bind() / __inet_bind(): the protocol's own bind if it has one (RAW), else the address
 * checks, then the protocol's get_port. An explicit address or port is locked in
 * (SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK): a closing TCP socket keeps them.
 */
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
  lock_sock(sk);
  let err = -EINVAL;
  /* Check these errors (active socket, double bind). */
  if (inet.sk_state === TCP_CLOSE && !inet.inet_num) {
    inet.inet_rcv_saddr = inet.inet_saddr = a.addr === 0xffffffff ? 0 : a.addr;
    if ((sk.sk_prot.get_port as (s: Sock, p: number) => number)(sk, a.port)) {
      inet.inet_rcv_saddr = inet.inet_saddr = 0;
      err = -EADDRINUSE;
    } else {
      if (inet.inet_rcv_saddr) sk.sk_userlocks |= SOCK_BINDADDR_LOCK;
      if (a.port) sk.sk_userlocks |= SOCK_BINDPORT_LOCK;
      inet.inet_daddr = 0;
      inet.inet_dport = 0;
      err = 0;
    }
  }
  release_sock(sk);
  return err;
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
    if (!inet.inet_dport || ((1 << inet.sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT) && peer === 1)) return -ENOTCONN;
    uaddr.set(make_sockaddr_in(AF_INET, inet.inet_dport, inet.inet_daddr));
  } else uaddr.set(make_sockaddr_in(AF_INET, inet.inet_sport ?? inet.inet_num, inet.inet_rcv_saddr || inet.inet_saddr));
  return SOCKADDR_IN_SIZE;
}

/**
 * inet_shutdown(): mark the directions shut and tell the protocol (TCP sends FIN for SHUT_WR); a
 * listener shut for reading, or a socket still connecting, is disconnected. -ENOTCONN on an
 * unconnected socket (the bits are set anyway, to wake pollers).
 */
function inet_shutdown(sock: Socket, how: number): number {
  const sk = sock.sk!;
  how++; /* maps 0->1 has the advantage of making bit 1 rcvs and 1->2 bit 2 snds. 2->3 */
  if (how & ~3 || !how) return -EINVAL;
  lock_sock(sk);
  if (sock.state === SS_CONNECTING) {
    if ((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE)) sock.state = SS_DISCONNECTING;
    else sock.state = SS_CONNECTED;
  }
  let err = 0;
  const disconnect = (): void => {
    err = (sk.sk_prot.disconnect as (s: Sock, f: number) => number)(sk, O_NONBLOCK);
    sock.state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
  };
  switch (sk.sk_state) {
    case TCP_LISTEN:
      if (how & 1 /* RCV_SHUTDOWN */) disconnect();
      break;
    case TCP_SYN_SENT:
      disconnect();
      break;
    default:
      if (sk.sk_state === TCP_CLOSE) err = -ENOTCONN;
      sk.sk_shutdown |= how;
      (sk.sk_prot.shutdown as ((s: Sock, h: number) => void) | undefined)?.(sk, how);
  }
  /* Wake up anyone sleeping in poll. */
  sk.sk_wq.wake_up();
  release_sock(sk);
  return err;
}

function inet_sendmsg(sock: Socket, msg: Msghdr, len: number): number | Promise<number> {
  const sk = sock.sk!;
  return (sk.sk_prot.sendmsg as (s: typeof sk, m: Msghdr, l: number) => number | Promise<number>)(sk, msg, len);
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

/**
 * inet_wait_for_connect(sk, timeo): sleep while the handshake is in progress (the socket let go,
 * so the answer can be processed). The time left.
 */
async function inet_wait_for_connect(sk: Sock, timeo: { value: number }): Promise<number> {
  while ((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
    await sk_wait_event(sk, timeo, () => ((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) === 0 || signal_pending(current()));
    if (signal_pending(current()) || !timeo.value) break;
  }
  return timeo.value;
}

/**
 * __inet_stream_connect(): AF_UNSPEC disconnects; otherwise the protocol's connect, then (unless
 * O_NONBLOCK: -EINPROGRESS) wait for the handshake. -EISCONN, -EALREADY; a refused or reset
 * connection gives its error (ECONNREFUSED), a timeout ETIMEDOUT, a signal -EINTR.
 */
async function __inet_stream_connect(sock: Socket, uaddr: Uint8Array, addr_len: number, flags: number): Promise<number> {
  const sk = sock.sk!;
  let err: number;
  if (addr_len < 2) return -EINVAL;
  if (parse_sockaddr_in(uaddr).family === AF_UNSPEC) {
    err = (sk.sk_prot.disconnect as (s: Sock, f: number) => number)(sk, flags);
    sock.state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
    return err;
  }
  switch (sock.state) {
    case SS_CONNECTED:
      return -EISCONN;
    case SS_CONNECTING:
      err = -EALREADY;
      break;
    case SS_UNCONNECTED:
      if (sk.sk_state !== TCP_CLOSE) return -EISCONN;
      err = (sk.sk_prot.connect as (s: Sock, a: Uint8Array, l: number) => number)(sk, uaddr, addr_len);
      if (err < 0) return err;
      sock.state = SS_CONNECTING;
      /* Just entered SS_CONNECTING state; the only difference is that return value in non-blocking case is EINPROGRESS, rather than EALREADY. */
      err = -EINPROGRESS;
      break;
    default:
      return -EINVAL;
  }
  const timeo = { value: sock_sndtimeo(sk, (flags & O_NONBLOCK) !== 0) };
  if ((1 << sk.sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
    /* Error code is set above */
    if (!timeo.value) return err;
    const left = await inet_wait_for_connect(sk, timeo);
    if (!left) return err;
    err = sock_intr_errno(left);
    if (signal_pending(current())) return err;
  }
  /* Connection was closed by RST, timeout, ICMP error or another process disconnected us. */
  if (sk.sk_state === TCP_CLOSE) {
    err = sock_error(sk) || -ECONNABORTED;
    sock.state = SS_UNCONNECTED;
    if ((sk.sk_prot.disconnect as (s: Sock, f: number) => number)(sk, flags)) sock.state = SS_DISCONNECTING;
    return err;
  }
  sock.state = SS_CONNECTED;
  return 0;
}

/** inet_stream_connect(): __inet_stream_connect with the socket held. */
async function inet_stream_connect(sock: Socket, uaddr: Uint8Array, addr_len: number, flags: number): Promise<number> {
  lock_sock(sock.sk!);
  const sk = sock.sk!;
  const err = await __inet_stream_connect(sock, uaddr, addr_len, flags);
  release_sock(sk);
  return err;
}

/**
 * inet_listen(): a stream socket that is not connected starts listening (an unbound one gets an
 * ephemeral port); a listener only takes the new backlog. -EINVAL otherwise, -EADDRINUSE.
 */
function inet_listen(sock: Socket, backlog: number): number {
  const sk = sock.sk!;
  lock_sock(sk);
  let err = -EINVAL;
  if (sock.state === SS_UNCONNECTED && sock.type === SOCK_STREAM) {
    const old_state = sk.sk_state;
    if ((1 << old_state) & (TCPF_CLOSE | TCPF_LISTEN)) {
      (sk as TcpSock).sk_max_ack_backlog = backlog;
      /* Really, if the socket is already in listen state we can only allow the backlog to be adjusted. */
      err = old_state !== TCP_LISTEN ? inet_csk_listen_start(sk as TcpSock) : 0;
    }
  }
  release_sock(sk);
  return err;
}

/**
 * inet_accept(): the protocol's accept; the new connection is grafted onto `newsock` (it now has
 * an inode and an owner). 0 or -errno.
 */
async function inet_accept(sock: Socket, newsock: Socket, flags: number, kern: boolean): Promise<number> {
  const sk1 = sock.sk!;
  const err = { value: -EINVAL };
  const sk2 = await (sk1.sk_prot.accept as (s: Sock, f: number, e: { value: number }, k: boolean) => Promise<TcpSock | null>)(sk1, flags, err, kern);
  if (!sk2) return err.value;
  lock_sock(sk2);
  /* sock_graft(sk2, newsock) */
  sock_init_data_graft(sk2, newsock);
  newsock.state = SS_CONNECTED;
  release_sock(sk2);
  return 0;
}

/** sock_graft(sk, parent): a sock made by the stack gets its socket (and so an inode and a uid). */
function sock_init_data_graft(sk: Sock, parent: Socket): void {
  parent.sk = sk;
  sk.sk_socket = parent;
  const inet = inet_sk(sk);
  inet.sk_ino = parent.inode.ino;
  inet.sk_uid = current().cred.fsuid;
}

/** inet_stream_ops */
export const inet_stream_ops = {
  family: PF_INET,
  owner: null,
  release: inet_release,
  bind: inet_bind,
  connect: inet_stream_connect,
  accept: inet_accept,
  getname: inet_getname,
  poll: tcp_poll,
  ioctl: inet_ioctl,
  listen: inet_listen,
  shutdown: inet_shutdown,
  setsockopt: sock_common_setsockopt,
  getsockopt: sock_common_getsockopt,
  sendmsg: inet_sendmsg,
  recvmsg: inet_recvmsg,
} satisfies ProtoOps;

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
export const inet_sockraw_ops = { ...inet_dgram_ops, poll: datagram_poll } satisfies ProtoOps;

/**
 * inetsw_array: the protocols PF_INET offers, by socket type. IPPROTO_IP in an entry is the
 * wildcard: the raw entry takes every protocol number.
 */
const inetsw: InetProtosw[] = [
  { type: SOCK_STREAM, protocol: IPPROTO_TCP, prot: tcp_prot, ops: inet_stream_ops, flags: INET_PROTOSW_PERMANENT | INET_PROTOSW_ICSK },
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
  inet_sk_init(inet, current().cred.fsuid, sock.inode.ino);
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

/** inet_init(): TCP, UDP, RAW, PF_INET, lo with 127.0.0.1, and /proc/net/{tcp,udp,raw,snmp,dev}. */
export function inet_init(k: Kernel): void {
  proto_register(tcp_prot, 1);
  proto_register(udp_prot, 1);
  proto_register(raw_prot, 1);
  sock_register(inet_family_ops);
  loopback_init(k);
  dev_add_pack({ type: ETH_P_IP, dev: null, func: ip_rcv }, k);
  const net = k.proc_root.subdir.get("net")!;
  proc_create("tcp", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_tcp(current().kernel)), 0)));
  proc_create("udp", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_udp(current().kernel)), 0)));
  proc_create("raw", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_raw(current().kernel)), 0)));
  proc_create("snmp", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_snmp(current().kernel)), 0)));
  proc_create("dev", 0o444, net, single_proc_ops((m) => (seq_puts(m, proc_net_dev(current().kernel)), 0)));
}
