// Mirrors net/packet/af_packet.c (5.15): PF_PACKET sockets, the receive side that tcpdump uses.
// A socket with a protocol hooks itself into the device layer as a packet_type (ETH_P_ALL: a
// ptype_all tap seeing both directions) on one device or all, and queues a copy of each packet
// with a struct sockaddr_ll (device, hardware type, pkt_type, source address) and its timestamp.
// SOCK_RAW copies start at the link header (lo's 14 zero-address Ethernet octets), SOCK_DGRAM at
// the network header. An attached classic BPF filter (SO_ATTACH_FILTER) picks the packets and how
// much of each to keep. Sending (packet_sendmsg), the mmap rings (PACKET_RX_RING), fanout and
// PACKET_AUXDATA are not built: kplay's libpcap reads with recvfrom and SIOCGSTAMP.
import { EADDRNOTAVAIL, EFAULT, EINVAL, ENETDOWN, ENODEV, ENOENT, ENOIOCTLCMD, ENOMEM, ENOPROTOOPT, EOPNOTSUPP, EPERM, ESOCKTNOSUPPORT } from "../../include/uapi/errno.js";
import { AF_PACKET, MSG_TRUNC, PF_PACKET, SOCK_DGRAM, SOCK_RAW } from "../../include/uapi/socket.js";
import { ETH_HLEN } from "../../include/uapi/if_ether.js";
import * as P from "../../include/uapi/if_packet.js";
import { SIOCGSTAMP_OLD, SIOCINQ, SIOCOUTQ } from "../../include/uapi/sockios.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import { capable, CAP_NET_RAW } from "../../kernel/capability.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import { proc_create } from "../../fs/proc/generic.js";
import { seq_puts, single_proc_ops } from "../../fs/proc/seq_file.js";
import { sock_register, type NetProtoFamily, type ProtoOps, type Socket } from "../socket.js";
import { proto_register, sk_alloc, sock_init_data, sock_kptr, sock_no_accept, sock_no_connect, sock_no_listen, sock_orphan, sock_put, type Proto } from "../core/sock.js";
import { datagram_poll, skb_recv_datagram, sock_queue_rcv_skb, type DatagramSock } from "../core/datagram.js";
import { memcpy_to_msg, type Msghdr } from "../core/msghdr.js";
import { SkBuff } from "../core/skbuff.js";
import { dev_add_pack, dev_get_by_index, dev_remove_pack, dev_set_promiscuity, IFF_UP, NETDEV_DOWN, NETDEV_UNREGISTER, NETDEV_UP, register_netdevice_notifier, type NetDevice, type PacketType } from "../core/dev.js";
import { sk_filter } from "../core/filter.js";

/** What packet_rcv leaves in skb->cb for recvmsg: PACKET_SKB_CB's sockaddr_ll. */
interface PacketSkbCb {
  sll: P.SockaddrLl;
}

/** struct packet_sock */
export interface PacketSock extends DatagramSock {
  /** po->num: the protocol (host order; 0 receives nothing). */
  num: number;
  ifindex: number;
  /** Whether prot_hook is registered (po->running). */
  running: boolean;
  prot_hook: PacketType;
  /** tpacket_stats since the last PACKET_STATISTICS read. */
  stats: { tp_packets: number; tp_drops: number };
  /** packet_mclist: the devices this socket put in promiscuous mode, by ifindex. */
  mclist: NetDevice[];
  /** sk->sk_stamp: the timestamp of the last packet read (SIOCGSTAMP). */
  sk_stamp: number;
  sk_uid: number;
  ino: number;
}

const pkt_sk = (sk: unknown): PacketSock => sk as PacketSock;

/** Every packet socket of a kernel, for /proc/net/packet and the device notifier (net->packet.sklist). */
const sklists = new WeakMap<Kernel, PacketSock[]>();

function packet_sklist(k: Kernel = current().kernel): PacketSock[] {
  let l = sklists.get(k);
  if (!l) sklists.set(k, (l = []));
  return l;
}

function register_prot_hook(po: PacketSock): void {
  if (po.running) return;
  dev_add_pack(po.prot_hook);
  po.running = true;
}

function unregister_prot_hook(po: PacketSock): void {
  if (!po.running) return;
  dev_remove_pack(po.prot_hook);
  po.running = false;
}

/**
 * packet_rcv(): a copy of the packet as this socket sees it: from the link header for SOCK_RAW,
 * from the network header for SOCK_DGRAM; cut to what the filter keeps (none: not counted), then
 * queued within the receive budget (tp_drops otherwise).
 */
function packet_rcv(skb: SkBuff, dev: NetDevice, pt: PacketType): void {
  const po = pkt_sk(pt.af_packet_priv);
  if (skb.pkt_type === P.PACKET_LOOPBACK) return;
  let frame = skb.data;
  if (po.sk_type === SOCK_RAW && dev.hard_header_len === ETH_HLEN) {
    /* the header eth_header() wrote and eth_type_trans() pulled: the device's addresses, the type */
    frame = new Uint8Array(ETH_HLEN + skb.len);
    frame.set(dev.dev_addr, 0);
    frame.set(dev.dev_addr, 6);
    new DataView(frame.buffer).setUint16(12, skb.protocol);
    frame.set(skb.data, ETH_HLEN);
  }
  const snaplen = Math.min(frame.length, sk_filter(po, frame));
  if (snaplen === 0) return;
  const copy = new SkBuff(frame.slice(0, snaplen));
  copy.dev = dev;
  copy.protocol = skb.protocol;
  copy.pkt_type = skb.pkt_type;
  copy.tstamp = skb.tstamp || current().kernel.clock.now();
  const cb: PacketSkbCb = {
    sll: { sll_family: AF_PACKET, sll_protocol: skb.protocol, sll_ifindex: dev.ifindex, sll_hatype: dev.type, sll_pkttype: skb.pkt_type, sll_halen: dev.addr_len, sll_addr: dev.dev_addr },
  };
  copy.cb = cb;
  if (sock_queue_rcv_skb(po, copy) < 0) {
    po.stats.tp_drops++;
    return;
  }
  po.stats.tp_packets++;
}

/** packet_create(): CAP_NET_RAW; SOCK_RAW or SOCK_DGRAM; `protocol` is htons(ETH_P_*), 0 for none yet. */
function packet_create(net: unknown, sock: Socket, protocol: number, kern: number): number {
  if (!capable(CAP_NET_RAW)) return -EPERM;
  if (sock.type !== SOCK_RAW && sock.type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
  sock.ops = packet_ops;
  const sk = sk_alloc(net, PF_PACKET, 0, packet_proto, kern);
  if (!sk) return -ENOMEM;
  sock_init_data(sock, sk);
  const num = ((protocol & 0xff) << 8) | ((protocol >> 8) & 0xff);
  const po = Object.assign(sk, {
    sk_receive_queue: [], sk_rmem_alloc: 0, sk_drops: 0,
    num, ifindex: 0, running: false, stats: { tp_packets: 0, tp_drops: 0 }, mclist: [], sk_stamp: 0, sk_uid: current().cred.fsuid, ino: sock.inode.ino,
    prot_hook: { type: num, dev: null, func: packet_rcv, af_packet_priv: sk },
  } satisfies Partial<PacketSock>) as PacketSock;
  sk.sk_protocol = num;
  if (num) register_prot_hook(po);
  packet_sklist().push(po);
  return 0;
}

function packet_release(sock: Socket): number {
  const sk = sock.sk;
  if (!sk) return 0;
  const po = pkt_sk(sk);
  const list = packet_sklist();
  list.splice(list.indexOf(po), 1);
  unregister_prot_hook(po);
  /* packet_flush_mclist() */
  for (const dev of po.mclist) dev_set_promiscuity(dev, -1);
  po.mclist = [];
  po.sk_receive_queue = [];
  po.sk_rmem_alloc = 0;
  sock_orphan(sk);
  sock.sk = null;
  sock_put(sk);
  return 0;
}

/**
 * packet_do_bind(): hook onto `ifindex` (0: every device) for `proto`; a device that is down is
 * bound but not hooked, and the socket reports ENETDOWN.
 */
function packet_do_bind(po: PacketSock, ifindex: number, proto: number): number {
  let dev: NetDevice | null = null;
  if (ifindex) {
    dev = dev_get_by_index(ifindex);
    if (!dev) return -ENODEV;
  }
  const need_rehook = po.prot_hook.type !== proto || po.prot_hook.dev !== dev;
  if (need_rehook) {
    unregister_prot_hook(po);
    po.num = proto;
    po.prot_hook.type = proto;
    po.prot_hook.dev = dev;
    po.ifindex = dev ? dev.ifindex : 0;
  }
  if (proto === 0 || !need_rehook) return 0;
  if (!dev || dev.flags & IFF_UP) register_prot_hook(po);
  else {
    po.sk_err = ENETDOWN;
    po.sk_wq.wake_up();
  }
  return 0;
}

/** packet_bind(): a struct sockaddr_ll; its protocol, or the socket's when 0. */
function packet_bind(sock: Socket, addr: Uint8Array, addr_len: number): number {
  if (addr_len < P.SOCKADDR_LL_SIZE) return -EINVAL;
  const sll = P.parse_sockaddr_ll(addr);
  if (sll.sll_family !== AF_PACKET) return -EINVAL;
  const po = pkt_sk(sock.sk);
  return packet_do_bind(po, sll.sll_ifindex, sll.sll_protocol || po.num);
}

/** packet_getname(): the bound device's index, type and address. */
function packet_getname(sock: Socket, addr: Uint8Array, peer: number): number {
  if (peer) return -EOPNOTSUPP;
  const po = pkt_sk(sock.sk);
  const dev = po.ifindex > 0 ? dev_get_by_index(po.ifindex) : null;
  addr.set(P.make_sockaddr_ll({ sll_family: AF_PACKET, sll_protocol: po.num, sll_ifindex: po.ifindex, sll_hatype: dev?.type ?? 0, sll_pkttype: 0, sll_halen: dev?.addr_len ?? 0, sll_addr: dev?.dev_addr ?? new Uint8Array(8) }));
  return 12 + (dev?.addr_len ?? 0);
}

/** packet_recvmsg(): one packet; MSG_TRUNC returns its whole length; the sockaddr_ll as the name. */
async function packet_recvmsg(sock: Socket, msg: Msghdr, len: number, flags: number): Promise<number> {
  const po = pkt_sk(sock.sk);
  const skb = await skb_recv_datagram(po, flags, false);
  if (typeof skb === "number") return skb;
  let copied = skb.len;
  if (copied > len) {
    copied = len;
    msg.msg_flags |= MSG_TRUNC;
  }
  if (memcpy_to_msg(msg, skb.data, copied)) return -EFAULT;
  po.sk_stamp = skb.tstamp;
  if (msg.msg_name) {
    msg.msg_name.set(P.make_sockaddr_ll((skb.cb as PacketSkbCb).sll));
    msg.msg_namelen = P.SOCKADDR_LL_SIZE;
  }
  return flags & MSG_TRUNC ? skb.len : copied;
}

/** packet_setsockopt(): PACKET_ADD_MEMBERSHIP / PACKET_DROP_MEMBERSHIP with PACKET_MR_PROMISC. */
function packet_setsockopt(sock: Socket, level: number, optname: number, optval: SockPtr, optlen: number): number {
  const po = pkt_sk(sock.sk);
  if (level !== P.SOL_PACKET) return -ENOPROTOOPT;
  if (optname !== P.PACKET_ADD_MEMBERSHIP && optname !== P.PACKET_DROP_MEMBERSHIP) return -ENOPROTOOPT;
  /* struct packet_mreq: int mr_ifindex, u16 mr_type, u16 mr_alen, u8 mr_address[8] */
  if (optlen < 8) return -EINVAL;
  const b = new Uint8Array(16);
  if (copy_from_sockptr(b, optval, Math.min(optlen, 16))) return -EFAULT;
  const dv = new DataView(b.buffer);
  const dev = dev_get_by_index(dv.getInt32(0, true));
  if (!dev) return -ENODEV;
  const type = dv.getUint16(4, true);
  if (type !== P.PACKET_MR_PROMISC) return type === P.PACKET_MR_MULTICAST || type === P.PACKET_MR_ALLMULTI ? 0 : -EINVAL;
  if (optname === P.PACKET_ADD_MEMBERSHIP) {
    po.mclist.push(dev);
    dev_set_promiscuity(dev, 1);
  } else {
    const i = po.mclist.indexOf(dev);
    if (i < 0) return -EADDRNOTAVAIL;
    po.mclist.splice(i, 1);
    dev_set_promiscuity(dev, -1);
  }
  return 0;
}

/** packet_getsockopt(): PACKET_STATISTICS (received counts the drops too), which resets them. */
function packet_getsockopt(sock: Socket, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  const po = pkt_sk(sock.sk);
  if (level !== P.SOL_PACKET) return -ENOPROTOOPT;
  if (optlen.value < 0) return -EINVAL;
  if (optname !== P.PACKET_STATISTICS) return -ENOPROTOOPT;
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, po.stats.tp_packets + po.stats.tp_drops, true);
  dv.setUint32(4, po.stats.tp_drops, true);
  po.stats = { tp_packets: 0, tp_drops: 0 };
  const len = Math.min(optlen.value, 8);
  if (copy_to_user(optval, b, len)) return -EFAULT;
  optlen.value = len;
  return 0;
}

/**
 * packet_ioctl(): SIOCINQ (the next packet's length), SIOCOUTQ (0), and SIOCGSTAMP, which 5.15's
 * sock_ioctl serves through proto_ops.gettstamp (sock_gettstamp): the last read packet's time as
 * a 32-bit struct timeval, -ENOENT before any.
 */
function packet_ioctl(sock: Socket, cmd: number, arg: unknown): number {
  const po = pkt_sk(sock.sk);
  if (cmd === SIOCINQ || cmd === SIOCOUTQ) {
    const out = arg as { value: number } | null;
    if (!out || typeof out !== "object" || !("value" in out)) return -EFAULT;
    out.value = cmd === SIOCINQ ? (po.sk_receive_queue[0]?.len ?? 0) : 0;
    return 0;
  }
  if (cmd === SIOCGSTAMP_OLD) {
    if (!(arg instanceof Uint8Array) || arg.length < 8) return -EFAULT;
    if (!po.sk_stamp) return -ENOENT;
    const k = current().kernel;
    const us = BigInt(k.clock.bootEpochMs) * 1000n + BigInt(Math.floor(po.sk_stamp / 1000));
    const dv = new DataView(arg.buffer, arg.byteOffset, 8);
    dv.setInt32(0, Number(us / 1_000_000n), true);
    dv.setInt32(4, Number(us % 1_000_000n), true);
    return 0;
  }
  return -ENOIOCTLCMD;
}

export const packet_ops = {
  family: PF_PACKET,
  owner: null,
  release: packet_release,
  bind: packet_bind,
  connect: sock_no_connect,
  accept: sock_no_accept,
  getname: packet_getname,
  poll: datagram_poll,
  ioctl: packet_ioctl,
  listen: sock_no_listen,
  setsockopt: packet_setsockopt,
  getsockopt: packet_getsockopt,
  recvmsg: packet_recvmsg,
  sendmsg: () => -EOPNOTSUPP,
} satisfies ProtoOps;

/**
 * packet_proto: obj_size is sizeof(struct packet_sock), estimated for 32-bit ARM from x86_64's 1472
 * scaled as struct sock shrinks (not measured on a board).
 */
export const packet_proto: Proto = { name: "PACKET", obj_size: 1016 };

export const packet_family_ops = { family: PF_PACKET, create: packet_create, owner: null } satisfies NetProtoFamily;

/**
 * packet_notifier(): a bound device going down unhooks its sockets with ENETDOWN, coming up hooks
 * them again; an unregistered one leaves them bound to nothing (ifindex -1).
 */
function packet_notifier(event: number, dev: NetDevice): void {
  for (const po of packet_sklist()) {
    if (po.prot_hook.dev !== dev) continue;
    if (event === NETDEV_DOWN || event === NETDEV_UNREGISTER) {
      if (event === NETDEV_UNREGISTER) {
        po.mclist = po.mclist.filter((d) => d !== dev);
        po.ifindex = -1;
      }
      if (po.running) {
        unregister_prot_hook(po);
        po.sk_err = ENETDOWN;
        po.sk_wq.wake_up();
      }
      if (event === NETDEV_UNREGISTER) po.prot_hook.dev = null;
    } else if (event === NETDEV_UP && po.num) {
      register_prot_hook(po);
    }
  }
}

/** /proc/net/packet (packet_seq_show): the header's "sk" padded for 32-bit pointers. */
function proc_net_packet(k: Kernel): string {
  let s = "sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n";
  for (const po of packet_sklist(k)) {
    s += `${sock_kptr(po.ino)} ${String(po.sk_refcnt).padEnd(6)} ${String(po.sk_type).padEnd(4)} ${po.num.toString(16).padStart(4, "0")}   ${String(po.ifindex).padEnd(5)} ${po.running ? 1 : 0} ${String(po.sk_rmem_alloc).padEnd(6)} ${String(po.sk_uid).padEnd(6)} ${String(po.ino).padEnd(6)}\n`;
  }
  return s;
}

/** packet_init(): PF_PACKET, its device notifier, and /proc/net/packet. */
export function packet_init(k: Kernel): void {
  proto_register(packet_proto, 0);
  sock_register(packet_family_ops);
  register_netdevice_notifier(packet_notifier, k);
  proc_create("packet", 0o444, k.proc_root.subdir.get("net")!, single_proc_ops((m) => (seq_puts(m, proc_net_packet(current().kernel)), 0)));
}
