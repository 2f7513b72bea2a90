// Mirrors net/netlink/af_netlink.c: AF_NETLINK sockets. Port ids (autobind to the process id),
// datagrams carrying real nlmsghdr streams, requests to a kernel protocol handled synchronously
// inside sendmsg (netlink_rcv_skb), NLMSG_ERROR acks as 5.15 builds them, dumps paced by the
// reader (one batch per recvmsg, then NLMSG_DONE), socket options, /proc/net/netlink.
import { EADDRINUSE, EAGAIN, EBUSY, ENOMEM, ECONNREFUSED, EINTR, EINVAL, EMSGSIZE, ENOBUFS, ENOPROTOOPT, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EFAULT } from "../../include/uapi/errno.js";
import { AF_NETLINK, MSG_DONTWAIT, MSG_PEEK, MSG_TRUNC, PF_NETLINK, SOCK_DGRAM, SOCK_RAW } from "../../include/uapi/socket.js";
import * as NL from "../../include/uapi/netlink.js";
import { capable, CAP_NET_ADMIN } from "../../kernel/capability.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { wait_event_interruptible_timeout } from "../../kernel/sched/wait.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import { proc_create } from "../../fs/proc/generic.js";
import { seq_puts, single_proc_ops } from "../../fs/proc/seq_file.js";
import { sock_register, type NetProtoFamily, type ProtoOps, type Socket } from "../socket.js";
import { MAX_SCHEDULE_TIMEOUT, proto_register, sk_alloc, sock_error, sock_init_data, sock_no_accept, sock_no_listen, sock_orphan, sock_put, type Proto, type Sock } from "../core/sock.js";
import type { Msghdr } from "../core/msghdr.js";

/** A running dump (struct netlink_callback). */
export interface NetlinkCallback {
  /** Fill one batch; > 0 when it added messages (more may follow), 0 when finished, < 0 an error. */
  dump(buf: NL.NlBuf, cb: NetlinkCallback): number;
  done?(cb: NetlinkCallback): void;
  /** The request: its header fields and its bytes. */
  seq: number;
  portid: number;
  nlh: Uint8Array;
  /** Where the dump is (cb->args). */
  args: number[];
}

/** struct netlink_sock */
export interface NetlinkSock extends Sock {
  portid: number;
  bound: boolean;
  dst_portid: number;
  groups: number;
  cap_ack: boolean;
  ext_ack: boolean;
  strict_chk: boolean;
  no_enobufs: boolean;
  queue: { data: Uint8Array; from: number }[];
  rmem: number;
  drops: number;
  cb: NetlinkCallback | null;
  ino: number;
}

/** An extended ack being built by a handler (struct netlink_ext_ack). */
export interface ExtAck {
  msg?: string;
  /** Offset of the bad attribute from the start of the request's nlmsghdr. */
  bad_attr_off?: number;
}

/** What a kernel protocol does with one request message (its netlink_rcv_skb callback). */
export type NetlinkInput = (sk: NetlinkSock, nlh: ReturnType<typeof NL.nlmsg_parse_hdr>, msg: Uint8Array, extack: ExtAck) => number;

interface NlTable {
  /** Sockets by port id, per protocol. */
  socks: Map<number, Map<number, NetlinkSock>>;
  kernel: Map<number, { input: NetlinkInput; ino: number }>;
  rover: number;
}

const tables = new WeakMap<Kernel, NlTable>();

function nl_table(k: Kernel = current().kernel): NlTable {
  let t = tables.get(k);
  if (!t) tables.set(k, (t = { socks: new Map(), kernel: new Map(), rover: -4096 }));
  return t;
}

const nlk_sk = (sk: Sock): NetlinkSock => sk as NetlinkSock;

/** netlink_kernel_create(net, unit, cfg): a kernel socket that answers requests for `protocol`. */
export function netlink_kernel_create(protocol: number, input: NetlinkInput, k: Kernel = current().kernel): void {
  nl_table(k).kernel.set(protocol, { input, ino: ++k.last_ino });
}

function sockaddr_nl(pid: number, groups: number): Uint8Array {
  const b = new Uint8Array(NL.SOCKADDR_NL_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint16(0, AF_NETLINK, true);
  dv.setUint32(4, pid >>> 0, true);
  dv.setUint32(8, groups >>> 0, true);
  return b;
}

function insert(sk: NetlinkSock, portid: number): number {
  const t = nl_table();
  let m = t.socks.get(sk.sk_protocol);
  if (!m) t.socks.set(sk.sk_protocol, (m = new Map()));
  if (m.has(portid >>> 0)) return -EADDRINUSE;
  sk.portid = portid >>> 0;
  sk.bound = true;
  m.set(sk.portid, sk);
  return 0;
}

/** netlink_autobind(): the process id, or a negative rover number when that is taken. */
function netlink_autobind(sk: NetlinkSock): number {
  const t = nl_table();
  if (insert(sk, current().pid) === 0) return 0;
  for (;;) {
    const id = t.rover--;
    if (t.rover < -0x7fffffff) t.rover = -4096;
    if (insert(sk, id) === 0) return 0;
  }
}

/** Queue a datagram for `sk` (__netlink_sendskb); over the receive budget it is dropped with ENOBUFS. */
function netlink_sendskb(sk: NetlinkSock, data: Uint8Array, from: number): number {
  if (sk.rmem + data.length > sk.sk_rcvbuf && sk.rmem > 0) {
    sk.drops++;
    if (!sk.no_enobufs) sk.sk_err = ENOBUFS;
    sk.sk_wq.wake_up();
    return -ENOBUFS;
  }
  sk.queue.push({ data, from });
  sk.rmem += data.length;
  sk.sk_wq.wake_up();
  return data.length;
}

/** netlink_dump(): one batch; when the dump is finished, NLMSG_DONE with its status. */
function netlink_dump(sk: NetlinkSock): void {
  const cb = sk.cb;
  if (!cb) return;
  const buf = new NL.NlBuf();
  const r = cb.dump(buf, cb);
  if (r > 0) {
    netlink_sendskb(sk, buf.bytes(), 0);
    return;
  }
  const at = buf.nlmsg_put(cb.portid, cb.seq, NL.NLMSG_DONE, NL.NLM_F_MULTI);
  const st = new Uint8Array(4);
  new DataView(st.buffer).setInt32(0, r, true);
  buf.put(st);
  buf.nlmsg_end(at);
  netlink_sendskb(sk, buf.bytes(), 0);
  sk.cb = null;
  cb.done?.(cb);
}

/** netlink_dump_start(): run the first batch now; the caller returns -EINTR so no ack follows. */
export function netlink_dump_start(sk: NetlinkSock, nlh: ReturnType<typeof NL.nlmsg_parse_hdr>, msg: Uint8Array, dump: NetlinkCallback["dump"], done?: NetlinkCallback["done"]): number {
  if (sk.cb) return -EBUSY;
  sk.cb = { dump, done, seq: nlh.seq, portid: sk.portid, nlh: msg, args: [] };
  netlink_dump(sk);
  return -EINTR;
}

/** netlink_ack(): NLMSG_ERROR with the error and the request (only its header when capped or 0). */
export function netlink_ack(sk: NetlinkSock, msg: Uint8Array, err: number, extack: ExtAck): void {
  const nlh = NL.nlmsg_parse_hdr(msg);
  const full = err !== 0 && !sk.cap_ack;
  let flags = full ? 0 : NL.NLM_F_CAPPED;
  const tlv = sk.ext_ack && (extack.msg !== undefined || (err && extack.bad_attr_off !== undefined));
  if (tlv) flags |= NL.NLM_F_ACK_TLVS;
  const buf = new NL.NlBuf();
  const at = buf.nlmsg_put(sk.portid, nlh.seq, NL.NLMSG_ERROR, flags);
  const e = new Uint8Array(4);
  new DataView(e.buffer).setInt32(0, err, true);
  buf.put(e);
  buf.put(msg.subarray(0, full ? nlh.len : NL.NLMSG_HDRLEN), NL.NLMSG_ALIGN(full ? nlh.len : NL.NLMSG_HDRLEN));
  if (sk.ext_ack) {
    if (extack.msg !== undefined) buf.nla_put_string(NL.NLMSGERR_ATTR_MSG, extack.msg);
    if (err && extack.bad_attr_off !== undefined) buf.nla_put_u32(NL.NLMSGERR_ATTR_OFFS, extack.bad_attr_off);
  }
  buf.nlmsg_end(at);
  netlink_sendskb(sk, buf.bytes(), 0);
}

/** netlink_unicast() from kernel code: a reply built in `buf` to the socket `portid` of `protocol`. */
export function netlink_unicast(protocol: number, portid: number, data: Uint8Array): number {
  const sk = nl_table().socks.get(protocol)?.get(portid >>> 0);
  if (!sk) return -ECONNREFUSED;
  return netlink_sendskb(sk, data, 0);
}

/** netlink_rcv_skb(): every message of one datagram to the kernel protocol, acking as 5.15 does. */
function netlink_rcv_skb(sk: NetlinkSock, data: Uint8Array, input: NetlinkInput): void {
  let off = 0;
  while (off + NL.NLMSG_HDRLEN <= data.length) {
    const nlh = NL.nlmsg_parse_hdr(data, off);
    if (nlh.len < NL.NLMSG_HDRLEN || off + nlh.len > data.length) return;
    const msg = data.subarray(off, off + nlh.len);
    const extack: ExtAck = {};
    let err = 0;
    if (nlh.flags & NL.NLM_F_REQUEST && nlh.type >= NL.NLMSG_MIN_TYPE) err = input(sk, nlh, msg, extack);
    if (err !== -EINTR && (nlh.flags & NL.NLM_F_ACK || err)) netlink_ack(sk, msg, err, extack);
    off += NL.NLMSG_ALIGN(nlh.len);
  }
}

function netlink_release(sock: Socket): number {
  const sk = sock.sk;
  if (!sk) return 0;
  const nlk = nlk_sk(sk);
  if (nlk.bound) nl_table().socks.get(sk.sk_protocol)?.delete(nlk.portid);
  if (nlk.cb) {
    const cb = nlk.cb;
    nlk.cb = null;
    cb.done?.(cb);
  }
  sock_orphan(sk);
  sock_put(sk);
  return 0;
}

function netlink_bind(sock: Socket, addr: Uint8Array, addr_len: number): number {
  const nlk = nlk_sk(sock.sk!);
  if (addr_len < NL.SOCKADDR_NL_SIZE) return -EINVAL;
  const dv = new DataView(addr.buffer, addr.byteOffset);
  if (dv.getUint16(0, true) !== AF_NETLINK) return -EINVAL;
  const pid = dv.getUint32(4, true);
  const groups = dv.getUint32(8, true);
  if (groups && nlk.sk_protocol !== NL.NETLINK_ROUTE && !capable(CAP_NET_ADMIN)) return -EPERM;
  if (nlk.bound) {
    if (pid !== nlk.portid) return -EINVAL;
  } else {
    const r = pid ? insert(nlk, pid) : netlink_autobind(nlk);
    if (r) return r;
  }
  nlk.groups = groups;
  return 0;
}

function netlink_connect(sock: Socket, addr: Uint8Array, addr_len: number): number {
  const nlk = nlk_sk(sock.sk!);
  if (addr_len < 2) return -EINVAL;
  const dv = new DataView(addr.buffer, addr.byteOffset);
  if (dv.getUint16(0, true) === 0) {
    nlk.dst_portid = 0;
    return 0;
  }
  if (addr_len < NL.SOCKADDR_NL_SIZE || dv.getUint16(0, true) !== AF_NETLINK) return -EINVAL;
  if (!nlk.bound) netlink_autobind(nlk);
  nlk.dst_portid = dv.getUint32(4, true);
  return 0;
}

function netlink_getname(sock: Socket, addr: Uint8Array, peer: number): number {
  const nlk = nlk_sk(sock.sk!);
  addr.set(peer ? sockaddr_nl(nlk.dst_portid, 0) : sockaddr_nl(nlk.portid, nlk.groups));
  return NL.SOCKADDR_NL_SIZE;
}

function netlink_sendmsg(sock: Socket, msg: Msghdr, len: number): number {
  const nlk = nlk_sk(sock.sk!);
  let dst = nlk.dst_portid;
  if (msg.msg_name && msg.msg_namelen) {
    if (msg.msg_namelen < NL.SOCKADDR_NL_SIZE) return -EINVAL;
    const dv = new DataView(msg.msg_name.buffer, msg.msg_name.byteOffset);
    if (dv.getUint16(0, true) !== AF_NETLINK) return -EINVAL;
    dst = dv.getUint32(4, true);
    if (dv.getUint32(8, true) && !capable(CAP_NET_ADMIN)) return -EPERM;
  }
  if (!nlk.bound) netlink_autobind(nlk);
  if (len > nlk.sk_sndbuf - 32) return -EMSGSIZE;
  const data = new Uint8Array(len);
  if (msg.msg_iter.copy_from(data, len) !== len) return -EFAULT;
  if (dst === 0) {
    const kern = nl_table().kernel.get(nlk.sk_protocol);
    if (kern) netlink_rcv_skb(nlk, data, kern.input);
    return len;
  }
  const peer = nl_table().socks.get(nlk.sk_protocol)?.get(dst);
  if (!peer) return -ECONNREFUSED;
  const r = netlink_sendskb(peer, data, nlk.portid);
  return r < 0 ? r : len;
}

async function netlink_recvmsg(sock: Socket, msg: Msghdr, len: number, flags: number): Promise<number> {
  const nlk = nlk_sk(sock.sk!);
  while (nlk.queue.length === 0) {
    const err = sock_error(nlk);
    if (err) return err;
    if (flags & MSG_DONTWAIT || nlk.sk_rcvtimeo === 0) return -EAGAIN;
    const timeo = nlk.sk_rcvtimeo === MAX_SCHEDULE_TIMEOUT ? Number.MAX_SAFE_INTEGER : nlk.sk_rcvtimeo;
    const r = await wait_event_interruptible_timeout(nlk.sk_wq, () => nlk.queue.length > 0 || nlk.sk_err !== 0, timeo);
    if (r < 0) return r;
    if (r === 0) return -EAGAIN;
  }
  const d = nlk.queue[0];
  if (!(flags & MSG_PEEK)) {
    nlk.queue.shift();
    nlk.rmem -= d.data.length;
  }
  let copied = d.data.length;
  if (len < copied) {
    msg.msg_flags |= MSG_TRUNC;
    copied = len;
  }
  msg.msg_iter.copy_to(d.data, copied);
  if (msg.msg_name) {
    msg.msg_name.set(sockaddr_nl(d.from, 0));
    msg.msg_namelen = NL.SOCKADDR_NL_SIZE;
  }
  if (nlk.cb && nlk.rmem <= nlk.sk_rcvbuf / 2) netlink_dump(nlk);
  return flags & MSG_TRUNC ? d.data.length : copied;
}

function netlink_setsockopt(sock: Socket, level: number, optname: number, optval: SockPtr, optlen: number): number {
  const nlk = nlk_sk(sock.sk!);
  if (level !== NL.SOL_NETLINK) return -ENOPROTOOPT;
  if (optlen < 4) return -EINVAL;
  const b = new Uint8Array(4);
  if (copy_from_sockptr(b, optval, 4)) return -EFAULT;
  const v = new DataView(b.buffer).getUint32(0, true);
  switch (optname) {
    case NL.NETLINK_ADD_MEMBERSHIP:
    case NL.NETLINK_DROP_MEMBERSHIP:
      if (v > 32) return -EINVAL;
      if (v && optname === NL.NETLINK_ADD_MEMBERSHIP) nlk.groups |= 1 << (v - 1);
      else if (v) nlk.groups &= ~(1 << (v - 1));
      return 0;
    case NL.NETLINK_CAP_ACK:
      nlk.cap_ack = v !== 0;
      return 0;
    case NL.NETLINK_EXT_ACK:
      nlk.ext_ack = v !== 0;
      return 0;
    case NL.NETLINK_GET_STRICT_CHK:
      nlk.strict_chk = v !== 0;
      return 0;
    case NL.NETLINK_NO_ENOBUFS:
      nlk.no_enobufs = v !== 0;
      return 0;
    case NL.NETLINK_PKTINFO:
    case NL.NETLINK_BROADCAST_ERROR:
      return 0;
    default:
      return -ENOPROTOOPT;
  }
}

function netlink_getsockopt(sock: Socket, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  const nlk = nlk_sk(sock.sk!);
  if (level !== NL.SOL_NETLINK) return -ENOPROTOOPT;
  if (optlen.value < 4) return -EINVAL;
  const map: Record<number, boolean> = { [NL.NETLINK_CAP_ACK]: nlk.cap_ack, [NL.NETLINK_EXT_ACK]: nlk.ext_ack, [NL.NETLINK_GET_STRICT_CHK]: nlk.strict_chk, [NL.NETLINK_NO_ENOBUFS]: nlk.no_enobufs };
  if (!(optname in map)) return -ENOPROTOOPT;
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, map[optname] ? 1 : 0, true);
  if (copy_to_user(optval, b, 4)) return -EFAULT;
  optlen.value = 4;
  return 0;
}

export const netlink_ops = {
  family: PF_NETLINK,
  owner: null,
  release: netlink_release,
  bind: netlink_bind,
  connect: netlink_connect,
  accept: sock_no_accept,
  getname: netlink_getname,
  listen: sock_no_listen,
  setsockopt: netlink_setsockopt,
  getsockopt: netlink_getsockopt,
  sendmsg: netlink_sendmsg,
  recvmsg: netlink_recvmsg,
} satisfies ProtoOps;

/** netlink_proto (sizeof(struct netlink_sock) on 32-bit ARM). */
export const netlink_proto: Proto = { name: "NETLINK", obj_size: 736 };

/** netlink_create(): raw or datagram sockets of a protocol that has a kernel side. */
function netlink_create(net: unknown, sock: Socket, protocol: number, kern: number): number {
  if (sock.type !== SOCK_RAW && sock.type !== SOCK_DGRAM) return -ESOCKTNOSUPPORT;
  if (protocol < 0 || protocol >= NL.MAX_LINKS) return -EPROTONOSUPPORT;
  if (!nl_table().kernel.has(protocol)) return -EPROTONOSUPPORT;
  sock.ops = netlink_ops;
  const sk = sk_alloc(net, PF_NETLINK, 0, netlink_proto, kern);
  if (!sk) return -ENOMEM;
  sock_init_data(sock, sk);
  sk.sk_protocol = protocol;
  Object.assign(sk, { portid: 0, bound: false, dst_portid: 0, groups: 0, cap_ack: false, ext_ack: false, strict_chk: false, no_enobufs: false, queue: [], rmem: 0, drops: 0, cb: null, ino: sock.inode.ino } satisfies Partial<NetlinkSock>);
  return 0;
}

export const netlink_family_ops = { family: PF_NETLINK, create: netlink_create, owner: null } satisfies NetProtoFamily;

/** /proc/net/netlink (netlink_native_seq_show); pointers are hidden as with kptr_restrict. */
function proc_net_netlink(k: Kernel): string {
  let s = "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n";
  const row = (proto: number, pid: number, groups: number, rmem: number, dump: number, locks: number, drops: number, ino: number): string =>
    `${"0".repeat(16)} ${String(proto).padEnd(3)} ${String(pid >>> 0).padEnd(10)} ${(groups >>> 0).toString(16).padStart(8, "0")} ${String(rmem).padEnd(8)} ${"0".padEnd(8)} ${String(dump).padEnd(5)} ${String(locks).padEnd(8)} ${String(drops).padEnd(8)} ${String(ino).padEnd(8)}\n`;
  const t = nl_table(k);
  for (const proto of [...new Set([...t.kernel.keys(), ...t.socks.keys()])].sort((a, b) => a - b)) {
    const kern = t.kernel.get(proto);
    if (kern) s += row(proto, 0, 0, 0, 0, 2, 0, kern.ino);
    for (const sk of t.socks.get(proto)?.values() ?? []) s += row(proto, sk.portid, sk.groups, sk.rmem, sk.cb ? 1 : 0, 2, sk.drops, sk.ino);
  }
  return s;
}

/** netlink_proto_init(): PF_NETLINK and /proc/net/netlink. */
export function netlink_proto_init(k: Kernel): void {
  proto_register(netlink_proto, 0);
  sock_register(netlink_family_ops);
  proc_create("netlink", 0o444, k.proc_root.subdir.get("net")!, single_proc_ops((m) => (seq_puts(m, proc_net_netlink(current().kernel)), 0)));
}
