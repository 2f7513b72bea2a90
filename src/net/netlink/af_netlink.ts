// Mirrors net/netlink/af_netlink.c: AF_NETLINK sockets. Port ids (autobind to the process id),
// datagrams carrying real nlmsghdr streams, requests to a kernel protocol handled synchronously
// inside sendmsg (netlink_rcv_skb), NLMSG_ERROR acks as 5.15 builds them, dumps paced by the
// reader (one batch per recvmsg, then NLMSG_DONE), socket options, /proc/net/netlink, and the
// taps nlmon devices install (netlink_add_tap), which see each datagram of the tapped protocols
// once: user to kernel as the kernel takes it, and whatever is queued to a user socket.
import { EADDRINUSE, EAGAIN, EBUSY, ENODEV, ESRCH, ENOMEM, ECONNREFUSED, EINTR, EINVAL, EMSGSIZE, ENOBUFS, ENOPROTOOPT, EPERM, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EFAULT } from "../../include/uapi/errno.js";
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
import { MAX_SCHEDULE_TIMEOUT, sock_kptr, proto_register, sk_alloc, sock_error, sock_init_data, sock_no_accept, sock_no_listen, sock_orphan, sock_put, type Proto, type Sock } from "../core/sock.js";
import type { Msghdr } from "../core/msghdr.js";
import type { MaybeAsync } from "../../fs/file.js";
import { module_put, try_module_get, type Module } from "../../kernel/module/module.js";
import type { ExtAck } from "../../include/linux/netlink.js";
import { netlink_policy_dump_write_attr } from "./policy.js";
import { dev_queue_xmit, type NetDevice } from "../core/dev.js";
import { SkBuff } from "../core/skbuff.js";
import { PACKET_KERNEL, PACKET_USER } from "../../include/uapi/if_packet.js";

export type Nlmsghdr = ReturnType<typeof NL.nlmsg_parse_hdr>;

/** struct netlink_dump_control: what a kernel protocol passes to netlink_dump_start(). */
export interface NetlinkDumpControl {
  /** Before the first batch; an error ends the dump before it starts. */
  start?(cb: NetlinkCallback): MaybeAsync<number>;
  /** Fill one batch; > 0 when it added messages (more may follow), 0 when finished, < 0 an error. */
  dump(skb: NL.NlBuf, cb: NetlinkCallback): MaybeAsync<number>;
  done?(cb: NetlinkCallback): MaybeAsync<number | void>;
  /** The module the callbacks belong to, held while the dump runs. */
  module?: Module | null;
  data?: unknown;
}

/** A running dump (struct netlink_callback). */
export interface NetlinkCallback {
  dump: NetlinkDumpControl["dump"];
  done?: NetlinkDumpControl["done"];
  /** The request: its header and its bytes (cb->skb). */
  nlh: Nlmsghdr;
  skb: Uint8Array;
  seq: number;
  portid: number;
  module: Module | null;
  data: unknown;
  extack: ExtAck | null;
  /** Where the dump is (cb->args, and cb->ctx for a protocol's own state). */
  args: number[];
  ctx: unknown;
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
  /** nlk->dump_done_errno: the last dump call's result, INT_MAX before the first. */
  dump_done_errno: number;
  ino: number;
}

export type { ExtAck };

/** What a kernel protocol does with one request message (its netlink_rcv_skb callback). */
export type NetlinkInput = (sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, extack: ExtAck) => MaybeAsync<number>;

interface NlTable {
  /** Sockets by port id, per protocol. */
  socks: Map<number, Map<number, NetlinkSock>>;
  kernel: Map<number, { input: NetlinkInput; ino: number; cfg: NetlinkKernelCfg }>;
  rover: number;
  /** The nlmon devices that are up. */
  taps: NetDevice[];
}

const tables = new WeakMap<Kernel, NlTable>();

function nl_table(k: Kernel = current().kernel): NlTable {
  let t = tables.get(k);
  if (!t) tables.set(k, (t = { socks: new Map(), kernel: new Map(), rover: -4096, taps: [] }));
  return t;
}

/** netlink_add_tap(dev): `dev` gets a copy of each tapped datagram from now on. */
export function netlink_add_tap(dev: NetDevice): number {
  nl_table().taps.push(dev);
  return 0;
}

/** netlink_remove_tap(dev): 0, or -ENODEV when `dev` was no tap. */
export function netlink_remove_tap(dev: NetDevice): number {
  const taps = nl_table().taps;
  const i = taps.indexOf(dev);
  if (i < 0) return -ENODEV;
  taps.splice(i, 1);
  return 0;
}

/** netlink_filter_tap(): the protocols taps see. */
const TAPPED = new Set([NL.NETLINK_ROUTE, NL.NETLINK_USERSOCK, NL.NETLINK_SOCK_DIAG, NL.NETLINK_NFLOG, NL.NETLINK_XFRM, NL.NETLINK_FIB_LOOKUP, NL.NETLINK_NETFILTER, NL.NETLINK_GENERIC]);

/**
 * netlink_deliver_tap(): each tap device transmits a copy of the datagram, its protocol in
 * skb->protocol, marked PACKET_KERNEL when the socket that takes it is the kernel's.
 */
function netlink_deliver_tap(protocol: number, data: Uint8Array, to_kernel: boolean): void {
  const taps = nl_table().taps;
  if (taps.length === 0 || !TAPPED.has(protocol)) return;
  for (const dev of taps) {
    const skb = new SkBuff(data);
    skb.dev = dev;
    skb.protocol = protocol;
    skb.pkt_type = to_kernel ? PACKET_KERNEL : PACKET_USER;
    dev_queue_xmit(skb);
  }
}

const nlk_sk = (sk: Sock): NetlinkSock => sk as NetlinkSock;

/** NL_CFG_F_NONROOT_RECV / _SEND: who may join or send to a protocol's multicast groups. */
export const NL_CFG_F_NONROOT_RECV = 1 << 0;
export const NL_CFG_F_NONROOT_SEND = 1 << 1;

/** struct netlink_kernel_cfg, the parts kplay uses. */
export interface NetlinkKernelCfg {
  flags?: number;
  /** Called when a socket joins `group` (1-based); an error refuses it. */
  bind?(group: number): number;
}

/** netlink_kernel_create(net, unit, cfg): a kernel socket that answers requests for `protocol`. */
export function netlink_kernel_create(protocol: number, input: NetlinkInput, k: Kernel = current().kernel, cfg: NetlinkKernelCfg = {}): void {
  nl_table(k).kernel.set(protocol, { input, ino: ++k.last_ino, cfg });
}

/** netlink_allowed(): the protocol lets anyone do `flag`, or the caller has CAP_NET_ADMIN. */
function netlink_allowed(sk: NetlinkSock, flag: number): boolean {
  return ((nl_table().kernel.get(sk.sk_protocol)?.cfg.flags ?? 0) & flag) !== 0 || capable(CAP_NET_ADMIN);
}

/** Join each group in the mask through the protocol's bind hook (netlink_bind's loop); 0 or -errno. */
function netlink_bind_groups(sk: NetlinkSock, groups: number): number {
  const bind = nl_table().kernel.get(sk.sk_protocol)?.cfg.bind;
  for (let g = 0; bind && g < 32; g++) {
    if (!(groups & (1 << g))) continue;
    const err = bind(g + 1);
    if (err) return err;
  }
  return 0;
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
  netlink_deliver_tap(sk.sk_protocol, data, false);
  sk.queue.push({ data, from });
  sk.rmem += data.length;
  sk.sk_wq.wake_up();
  return data.length;
}

/** NLMSG_GOODSIZE on a 4 KiB page, 32-bit: SKB_WITH_OVERHEAD(PAGE_SIZE). */
export const NLMSG_GOODSIZE = 3776;

/**
 * netlink_dump(): one batch of the running dump into a fresh skb; once a call returns 0 or an
 * error, NLMSG_DONE carrying it follows in the same skb, .done runs and the module is released.
 */
async function netlink_dump(sk: NetlinkSock): Promise<void> {
  const cb = sk.cb;
  if (!cb) return;
  const skb = new NL.NlBuf(NLMSG_GOODSIZE);
  if (sk.dump_done_errno > 0) sk.dump_done_errno = await cb.dump(skb, cb);
  if (sk.cb !== cb) return;
  if (sk.dump_done_errno > 0) {
    netlink_sendskb(sk, skb.bytes(), 0);
    return;
  }
  const at = skb.nlmsg_put(cb.portid, cb.seq, NL.NLMSG_DONE, NL.NLM_F_MULTI);
  const st = new Uint8Array(4);
  new DataView(st.buffer).setInt32(0, sk.dump_done_errno, true);
  skb.put(st);
  skb.nlmsg_end(at);
  netlink_sendskb(sk, skb.bytes(), 0);
  sk.cb = null;
  await cb.done?.(cb);
  module_put(cb.module);
}

/**
 * __netlink_dump_start(): set up the dump on the requesting socket (-EBUSY while one runs,
 * -EPROTONOSUPPORT when the module is going), run .start, then the first batch. Returns -EINTR
 * once started, so that netlink_rcv_skb sends no ack.
 */
export async function netlink_dump_start(sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, control: NetlinkDumpControl): Promise<number> {
  if (sk.cb) return -EBUSY;
  const module = control.module ?? null;
  if (!try_module_get(module)) return -EPROTONOSUPPORT;
  const cb: NetlinkCallback = { dump: control.dump, done: control.done, nlh, skb: msg, seq: nlh.seq, portid: sk.portid, module, data: control.data, extack: null, args: [], ctx: null };
  sk.cb = cb;
  if (control.start) {
    const r = await control.start(cb);
    if (r) {
      if (sk.cb === cb) sk.cb = null;
      module_put(module);
      return r;
    }
  }
  sk.dump_done_errno = 0x7fffffff;
  await netlink_dump(sk);
  return -EINTR;
}

/**
 * netlink_ack(): NLMSG_ERROR with the error and the request (only its header when capped or 0),
 * and for a socket with NETLINK_EXT_ACK the handler's message, bad attribute and policy.
 */
export function netlink_ack(sk: NetlinkSock, msg: Uint8Array, err: number, extack: ExtAck): void {
  const nlh = NL.nlmsg_parse_hdr(msg);
  const full = err !== 0 && !sk.cap_ack;
  let flags = full ? 0 : NL.NLM_F_CAPPED;
  const tlv = sk.ext_ack && (extack.msg !== undefined || (err && (extack.bad_attr_off !== undefined || extack.policy)));
  if (tlv) flags |= NL.NLM_F_ACK_TLVS;
  const buf = new NL.NlBuf();
  const at = buf.nlmsg_put(sk.portid, nlh.seq, NL.NLMSG_ERROR, flags);
  const e = new Uint8Array(4);
  new DataView(e.buffer).setInt32(0, err, true);
  buf.put(e);
  buf.put(msg.subarray(0, full ? nlh.len : NL.NLMSG_HDRLEN), NL.NLMSG_ALIGN(full ? nlh.len : NL.NLMSG_HDRLEN));
  if (sk.ext_ack) {
    if (extack.msg !== undefined) buf.nla_put_string(NL.NLMSGERR_ATTR_MSG, extack.msg);
    if (err && extack.bad_attr_off !== undefined && extack.bad_attr_off < nlh.len) buf.nla_put_u32(NL.NLMSGERR_ATTR_OFFS, extack.bad_attr_off);
    if (err && extack.policy) netlink_policy_dump_write_attr(buf, extack.policy, NL.NLMSGERR_ATTR_POLICY);
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

/**
 * netlink_broadcast(): a copy to every socket of `protocol` (other than `portid`) that joined
 * `group` (1-based). 0 when someone got it, -ESRCH when nobody listens.
 */
export function netlink_broadcast(protocol: number, data: Uint8Array, portid: number, group: number): number {
  let delivered = false;
  for (const sk of nl_table().socks.get(protocol)?.values() ?? []) {
    if (sk.portid === portid >>> 0 || group < 1 || group > 32 || !(sk.groups & (1 << (group - 1)))) continue;
    if (netlink_sendskb(sk, data.slice(), 0) >= 0) delivered = true;
  }
  return delivered ? 0 : -ESRCH;
}

/** netlink_has_listeners() */
export function netlink_has_listeners(protocol: number, group: number): boolean {
  return [...(nl_table().socks.get(protocol)?.values() ?? [])].some((sk) => group >= 1 && group <= 32 && sk.groups & (1 << (group - 1)));
}

/**
 * netlink_rcv_skb(): every message of one datagram from `off` on to the kernel protocol, acking
 * as 5.15 does. A promise only when an input sleeps; the messages after it follow once it returns.
 */
function netlink_rcv_skb(sk: NetlinkSock, data: Uint8Array, input: NetlinkInput, off = 0): void | Promise<void> {
  while (off + NL.NLMSG_HDRLEN <= data.length) {
    const nlh = NL.nlmsg_parse_hdr(data, off);
    if (nlh.len < NL.NLMSG_HDRLEN || off + nlh.len > data.length) return;
    const msg = data.subarray(off, off + nlh.len);
    const extack: ExtAck = {};
    off += NL.NLMSG_ALIGN(nlh.len);
    let err: MaybeAsync<number> = 0;
    if (nlh.flags & NL.NLM_F_REQUEST && nlh.type >= NL.NLMSG_MIN_TYPE) err = input(sk, nlh, msg, extack);
    if (err instanceof Promise) {
      return err.then((err) => {
        netlink_rcv_ack(sk, nlh, msg, err, extack);
        return netlink_rcv_skb(sk, data, input, off);
      });
    }
    netlink_rcv_ack(sk, nlh, msg, err, extack);
  }
}

/** netlink_rcv_skb()'s ack: none after -EINTR (a dump started), else on NLM_F_ACK or an error. */
function netlink_rcv_ack(sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, err: number, extack: ExtAck): void {
  if (err !== -EINTR && (nlh.flags & NL.NLM_F_ACK || err)) netlink_ack(sk, msg, err, extack);
}

function netlink_release(sock: Socket): number {
  const sk = sock.sk;
  if (!sk) return 0;
  const nlk = nlk_sk(sk);
  if (nlk.bound) nl_table().socks.get(sk.sk_protocol)?.delete(nlk.portid);
  if (nlk.cb) {
    const cb = nlk.cb;
    nlk.cb = null;
    void cb.done?.(cb);
    module_put(cb.module);
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
  if (groups) {
    if (!netlink_allowed(nlk, NL_CFG_F_NONROOT_RECV)) return -EPERM;
    const err = netlink_bind_groups(nlk, groups);
    if (err) return err;
  }
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

/** netlink_sendmsg(): to a socket's queue, or through the kernel protocol's input (a promise only if that sleeps). */
function netlink_sendmsg(sock: Socket, msg: Msghdr, len: number): MaybeAsync<number> {
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
    if (kern) {
      /* netlink_unicast_kernel(): netlink_deliver_tap_kernel, then the protocol's input */
      netlink_deliver_tap(nlk.sk_protocol, data, true);
      const slept = netlink_rcv_skb(nlk, data, kern.input);
      if (slept) return slept.then(() => len);
    }
    return len;
  }
  const peer = nl_table().socks.get(nlk.sk_protocol)?.get(dst);
  if (!peer) return -ECONNREFUSED;
  const r = netlink_sendskb(peer, data, nlk.portid);
  return r < 0 ? r : len;
}

/**
 * netlink_recvmsg(): the first queued datagram, sleeping for one (skb_recv_datagram); a promise
 * only when it sleeps, for a datagram or for the dump it continues.
 */
function netlink_recvmsg(sock: Socket, msg: Msghdr, len: number, flags: number): MaybeAsync<number> {
  const nlk = nlk_sk(sock.sk!);
  if (nlk.queue.length === 0) {
    const err = sock_error(nlk);
    if (err) return err;
    if (flags & MSG_DONTWAIT || nlk.sk_rcvtimeo === 0) return -EAGAIN;
    const timeo = nlk.sk_rcvtimeo === MAX_SCHEDULE_TIMEOUT ? Number.MAX_SAFE_INTEGER : nlk.sk_rcvtimeo;
    return wait_event_interruptible_timeout(nlk.sk_wq, () => nlk.queue.length > 0 || nlk.sk_err !== 0, timeo).then((r) => {
      if (r < 0) return r;
      if (r === 0) return -EAGAIN;
      return netlink_recvmsg(sock, msg, len, flags);
    });
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
  const ret = flags & MSG_TRUNC ? d.data.length : copied;
  if (nlk.cb && nlk.rmem <= nlk.sk_rcvbuf / 2) return netlink_dump(nlk).then(() => ret);
  return ret;
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
    case NL.NETLINK_DROP_MEMBERSHIP: {
      if (!netlink_allowed(nlk, NL_CFG_F_NONROOT_RECV)) return -EPERM;
      if (!v || v - 1 >= 32) return -EINVAL;
      if (optname === NL.NETLINK_ADD_MEMBERSHIP) {
        const err = netlink_bind_groups(nlk, 1 << (v - 1));
        if (err) return err;
        nlk.groups |= 1 << (v - 1);
      } else {
        nlk.groups &= ~(1 << (v - 1));
      }
      return 0;
    }
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
  if (optname === NL.NETLINK_LIST_MEMBERSHIPS) {
    /* the groups bitmap, as many words as fit; len says how many there are */
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, nlk.groups >>> 0, true);
    if (optlen.value >= 4 && copy_to_user(optval, b, 4)) return -EFAULT;
    optlen.value = 4;
    return 0;
  }
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
  Object.assign(sk, { portid: 0, bound: false, dst_portid: 0, groups: 0, cap_ack: false, ext_ack: false, strict_chk: false, no_enobufs: false, queue: [], rmem: 0, drops: 0, cb: null, dump_done_errno: 0, ino: sock.inode.ino } satisfies Partial<NetlinkSock>);
  return 0;
}

export const netlink_family_ops = { family: PF_NETLINK, create: netlink_create, owner: null } satisfies NetProtoFamily;

/**
 * /proc/net/netlink (netlink_native_seq_show). The header is written for 64-bit pointers; on
 * 32-bit ARM the hashed %pK is 8 digits, so the rows sit left of the header, as on a real board.
 */
function proc_net_netlink(k: Kernel): string {
  let s = "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n";
  const row = (proto: number, pid: number, groups: number, rmem: number, dump: number, locks: number, drops: number, ino: number): string =>
    `${sock_kptr(ino)} ${String(proto).padEnd(3)} ${String(pid >>> 0).padEnd(10)} ${(groups >>> 0).toString(16).padStart(8, "0")} ${String(rmem).padEnd(8)} ${"0".padEnd(8)} ${String(dump).padEnd(5)} ${String(locks).padEnd(8)} ${String(drops).padEnd(8)} ${String(ino).padEnd(8)}\n`;
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
