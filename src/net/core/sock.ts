// Mirrors include/net/sock.h and net/core/sock.c: struct sock, struct proto and the proto list
// (proto_register, /proc/net/protocols), sk_alloc/sk_free with the module reference a sock holds,
// sock_init_data, the SOL_SOCKET options, sock_common_{set,get}sockopt, and the sock_no_* stubs.
import { EFAULT, EINVAL, ENODEV, ENOPROTOOPT, EOPNOTSUPP } from "../../include/uapi/errno.js";
import * as S from "../../include/uapi/socket.js";
import { module_name, module_put, try_module_get, type Module } from "../../kernel/module/module.js";
import { current } from "../../kernel/sched/task.js";
import { WaitQueueHead, wait_event_interruptible, wait_event_interruptible_timeout } from "../../kernel/sched/wait.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import { copy_from_sockptr, copy_from_sockptr_offset, type SockPtr } from "../../include/linux/sockptr.js";
import { BPF_MAXINSNS, sock_fprog_decode, SOCK_FILTER_SIZE } from "../../include/uapi/filter.js";
import { sk_attach_filter, sk_detach_filter, type SockFilter } from "./filter.js";
import type { Kernel } from "../../kernel/kernel.js";
import { proc_create } from "../../fs/proc/generic.js";
import { seq_printf, single_proc_ops } from "../../fs/proc/seq_file.js";
import { ptr_to_id } from "../../lib/vsprintf.js";
import type { Msghdr } from "./msghdr.js";
import type { SkBuff } from "./skbuff.js";
import type { Socket } from "../socket.js";

type ProtoMethod = ((...args: never[]) => unknown) | undefined;

/** struct proto: the transport layer of a protocol. Unset methods are NULL ('n' in /proc/net/protocols). */
export interface Proto {
  name: string;
  owner?: Module | null;
  obj_size: number;
  max_header?: number;
  close?: ProtoMethod;
  connect?: ProtoMethod;
  disconnect?: ProtoMethod;
  accept?: ProtoMethod;
  ioctl?: ProtoMethod;
  init?: ProtoMethod;
  destroy?: ProtoMethod;
  shutdown?: ProtoMethod;
  setsockopt?: ProtoMethod;
  getsockopt?: ProtoMethod;
  sendmsg?: ProtoMethod;
  recvmsg?: ProtoMethod;
  sendpage?: ProtoMethod;
  bind?: ProtoMethod;
  backlog_rcv?: ProtoMethod;
  hash?: ProtoMethod;
  unhash?: ProtoMethod;
  get_port?: ProtoMethod;
  enter_memory_pressure?: ProtoMethod;
  /** Pages allocated, when the protocol accounts memory (else the column shows -1). */
  memory_allocated?: { value: number };
  /** Memory pressure flag, when the protocol has one (else "NI"). */
  memory_pressure?: { value: boolean };
  /** Set by proto_register(prot, 1). */
  slab?: boolean;
  /**
   * The zeroed memory of a sock of this protocol (obj_size bytes in C): an object with every field
   * of the protocol's struct in place, which sk_alloc then fills in. Unset, sk_alloc gives a
   * struct sock and the protocol adds its own fields to it (as the demo modules do).
   */
  obj_alloc?: () => Sock;
}

/** struct sock. A protocol's own sock type extends it (struct my_sock { struct sock sk; ... }). */
export interface Sock {
  sk_family: number;
  sk_type: number;
  sk_protocol: number;
  sk_prot: Proto;
  sk_socket: Socket | null;
  sk_state: number;
  sk_shutdown: number;
  sk_reuse: number;
  sk_err: number;
  sk_rcvbuf: number;
  sk_sndbuf: number;
  sk_rcvtimeo: number;
  sk_sndtimeo: number;
  sk_priority: number;
  sk_flags: Set<string>;
  sk_refcnt: number;
  /** Woken on data, state change, or space (sk_sleep()). */
  sk_wq: WaitQueueHead;
  /** Set by the socket layer's SO_LINGER (seconds). */
  sk_lingertime: number;
  /** SOCK_SNDBUF_LOCK, SOCK_RCVBUF_LOCK (set by SO_SNDBUF/SO_RCVBUF), SOCK_BINDADDR_LOCK, SOCK_BINDPORT_LOCK. */
  sk_userlocks: number;
  /**
   * socket_lock_t: `owned` while a task works on the socket (lock_sock); packets that arrive then
   * wait in sk_backlog until release_sock() hands them to sk_prot->backlog_rcv.
   */
  sk_lock: { owned: boolean };
  sk_backlog: SkBuff[];
  /** The classic BPF program SO_ATTACH_FILTER gave (packet sockets run it on each packet). */
  sk_filter: SockFilter[] | null;
}

/** sk_userlocks bits */
export const SOCK_SNDBUF_LOCK = 1;
export const SOCK_RCVBUF_LOCK = 2;
export const SOCK_BINDADDR_LOCK = 4;
export const SOCK_BINDPORT_LOCK = 8;

/** sysctl net.core.{r,w}mem_default and _max. */
export const SYSCTL_RMEM_DEFAULT = 212992;
export const SYSCTL_WMEM_DEFAULT = 212992;
export const SYSCTL_RMEM_MAX = 212992;
export const SYSCTL_WMEM_MAX = 212992;
/** SOCK_MIN_SNDBUF / SOCK_MIN_RCVBUF on 32-bit ARM (2 * (2048 + sizeof(struct sk_buff))). */
export const SOCK_MIN_SNDBUF = 4480;
export const SOCK_MIN_RCVBUF = 2240;
export const MAX_SCHEDULE_TIMEOUT = Number.MAX_SAFE_INTEGER;

/** The per-kernel proto list, newest first (list_add at the head). */
const proto_lists = new WeakMap<Kernel, Proto[]>();

export function proto_list(k: Kernel = current().kernel): Proto[] {
  let l = proto_lists.get(k);
  if (!l) proto_lists.set(k, (l = []));
  return l;
}

/** proto_register(prot, alloc_slab): add to the proto list. Prints nothing on success. */
export function proto_register(prot: Proto, alloc_slab: number): number {
  prot.slab = !!alloc_slab;
  proto_list().unshift(prot);
  return 0;
}

/** proto_unregister(prot) */
export function proto_unregister(prot: Proto): void {
  const l = proto_list();
  const i = l.indexOf(prot);
  if (i >= 0) l.splice(i, 1);
  prot.slab = false;
}

/**
 * net->core.prot_inuse: per kernel (per net), since one Proto object (tcp_prot, raw_prot, a
 * module's proto) is shared by every kernel booted in the same process.
 */
const prot_inuse = new WeakMap<Kernel, Map<Proto, number>>();

/** sock_prot_inuse_add(net, prot, val) */
export function sock_prot_inuse_add(prot: Proto, val: number, k: Kernel = current().kernel): void {
  let m = prot_inuse.get(k);
  if (!m) prot_inuse.set(k, (m = new Map()));
  m.set(prot, (m.get(prot) ?? 0) + val);
}

/** sock_prot_inuse_get(net, prot) */
export function sock_prot_inuse_get(prot: Proto, k: Kernel = current().kernel): number {
  return prot_inuse.get(k)?.get(prot) ?? 0;
}

/**
 * sk_alloc(net, family, priority, prot, kern): a sock of prot->obj_size, holding a reference on
 * prot->owner (sk_prot_alloc's try_module_get) until sk_free.
 */
export function sk_alloc(_net: unknown, family: number, _priority: number, prot: Proto, _kern: number): Sock | null {
  if (!try_module_get(prot.owner)) return null;
  if (!prot.obj_alloc) {
    return {
      sk_family: family,
      sk_type: 0,
      sk_protocol: 0,
      sk_prot: prot,
      sk_socket: null,
      sk_state: 7,
      sk_shutdown: 0,
      sk_reuse: 0,
      sk_err: 0,
      sk_rcvbuf: SYSCTL_RMEM_DEFAULT,
      sk_sndbuf: SYSCTL_WMEM_DEFAULT,
      sk_rcvtimeo: MAX_SCHEDULE_TIMEOUT,
      sk_sndtimeo: MAX_SCHEDULE_TIMEOUT,
      sk_priority: 0,
      sk_flags: new Set(),
      sk_refcnt: 1,
      sk_wq: new WaitQueueHead(),
      sk_lingertime: 0,
      sk_userlocks: 0,
      sk_lock: { owned: false },
      sk_backlog: [],
      sk_filter: null,
    };
  }
  /* sk_prot_alloc(prot, priority | __GFP_ZERO, family): the fields that do not start at zero */
  const sk = prot.obj_alloc();
  sk.sk_family = family;
  sk.sk_prot = prot;
  sk.sk_state = 7;
  sk.sk_rcvbuf = SYSCTL_RMEM_DEFAULT;
  sk.sk_sndbuf = SYSCTL_WMEM_DEFAULT;
  sk.sk_rcvtimeo = MAX_SCHEDULE_TIMEOUT;
  sk.sk_sndtimeo = MAX_SCHEDULE_TIMEOUT;
  sk.sk_flags = new Set();
  sk.sk_refcnt = 1;
  sk.sk_wq = new WaitQueueHead();
  return sk;
}

/** sk_free(sk): drop the sock and its module reference. */
export function sk_free(sk: Sock): void {
  module_put(sk.sk_prot.owner);
}

export function sock_hold(sk: Sock): void {
  sk.sk_refcnt++;
}

/** sock_put(sk): the last reference frees it. */
export function sock_put(sk: Sock): void {
  if (--sk.sk_refcnt === 0) sk_free(sk);
}

/** sock_orphan(sk): detach from its socket. */
export function sock_orphan(sk: Sock): void {
  sk.sk_socket = null;
  sk.sk_flags.add("SOCK_DEAD");
}

/** sock_init_data(sock, sk): link the two and take the socket's type. */
export function sock_init_data(sock: Socket | null, sk: Sock): void {
  if (sock) {
    sk.sk_type = sock.type;
    sock.sk = sk;
  }
  sk.sk_socket = sock;
}

/** The int at optval: -EINVAL when shorter than an int, -EFAULT on a bad pointer. */
function get_int(optval: SockPtr, optlen: number): number | { err: number } {
  if (optlen < 4) return { err: -EINVAL };
  const b = new Uint8Array(4);
  if (copy_from_sockptr(b, optval, 4)) return { err: -EFAULT };
  return new DataView(b.buffer).getInt32(0, true);
}

/** sizeof(struct sock_fprog) on 32-bit ARM. */
const SOCK_FPROG_SIZE = 8;

/**
 * SO_ATTACH_FILTER: struct sock_fprog { u16 len; struct sock_filter *filter; }, 8 bytes on 32-bit
 * ARM. User memory in kplay has no addresses to store in `filter`, so the instructions follow the
 * struct in the caller's buffer (libpcap lays them out so) and the pointer field is not read.
 */
function sock_setsockopt_attach_filter(sk: Sock, optval: SockPtr, optlen: number): number {
  if (optlen < SOCK_FPROG_SIZE) return -EINVAL;
  const hdr = new Uint8Array(SOCK_FPROG_SIZE);
  if (copy_from_sockptr(hdr, optval, SOCK_FPROG_SIZE)) return -EFAULT;
  const len = new DataView(hdr.buffer).getUint16(0, true);
  if (len === 0 || len > BPF_MAXINSNS) return -EINVAL;
  const insns = new Uint8Array(len * SOCK_FILTER_SIZE);
  if (copy_from_sockptr_offset(insns, optval, SOCK_FPROG_SIZE, insns.length)) return -EFAULT;
  return sk_attach_filter(sk, sock_fprog_decode(insns, len));
}

/** sock_setsockopt(): the SOL_SOCKET options the core handles itself. */
export function sock_setsockopt(sock: Socket, _level: number, optname: number, optval: SockPtr, optlen: number): number {
  const sk = sock.sk!;
  if (optname === S.SO_RCVTIMEO || optname === S.SO_SNDTIMEO) {
    if (optlen < 8) return -EINVAL;
    const b = new Uint8Array(8);
    if (copy_from_sockptr(b, optval, 8)) return -EFAULT;
    const dv = new DataView(b.buffer);
    const sec = dv.getInt32(0, true);
    const usec = dv.getInt32(4, true);
    if (usec < 0 || usec >= 1_000_000) return -33; /* -EDOM */
    const ns = sec < 0 ? 0 : sec === 0 && usec === 0 ? MAX_SCHEDULE_TIMEOUT : sec * 1e9 + usec * 1e3;
    if (optname === S.SO_RCVTIMEO) sk.sk_rcvtimeo = ns;
    else sk.sk_sndtimeo = ns;
    return 0;
  }
  if (optname === S.SO_LINGER) {
    if (optlen < 8) return -EINVAL;
    const b = new Uint8Array(8);
    if (copy_from_sockptr(b, optval, 8)) return -EFAULT;
    const dv = new DataView(b.buffer);
    if (dv.getInt32(0, true)) sk.sk_flags.add("SOCK_LINGER");
    else sk.sk_flags.delete("SOCK_LINGER");
    sk.sk_lingertime = Math.max(0, dv.getInt32(4, true));
    return 0;
  }
  if (optname === S.SO_ATTACH_FILTER) return sock_setsockopt_attach_filter(sk, optval, optlen);
  const v = get_int(optval, optlen);
  if (typeof v !== "number") return v.err;
  const flag = (name: string): number => (v ? sk.sk_flags.add(name) : sk.sk_flags.delete(name), 0);
  switch (optname) {
    case S.SO_DEBUG:
      return flag("SOCK_DBG");
    case S.SO_REUSEADDR:
      sk.sk_reuse = v ? 1 : 0;
      return 0;
    case S.SO_REUSEPORT:
      return flag("SOCK_REUSEPORT");
    case S.SO_DONTROUTE:
      return flag("SOCK_LOCALROUTE");
    case S.SO_BROADCAST:
      return flag("SOCK_BROADCAST");
    case S.SO_KEEPALIVE:
      return flag("SOCK_KEEPOPEN");
    case S.SO_OOBINLINE:
      return flag("SOCK_URGINLINE");
    case S.SO_SNDBUF:
      sk.sk_userlocks |= SOCK_SNDBUF_LOCK;
      sk.sk_sndbuf = Math.max(Math.min(v >>> 0, SYSCTL_WMEM_MAX) * 2, SOCK_MIN_SNDBUF);
      sk.sk_wq.wake_up(); /* sk->sk_write_space(sk) */
      return 0;
    case S.SO_RCVBUF:
      sk.sk_userlocks |= SOCK_RCVBUF_LOCK;
      sk.sk_rcvbuf = Math.max(Math.min(v >>> 0, SYSCTL_RMEM_MAX) * 2, SOCK_MIN_RCVBUF);
      return 0;
    case S.SO_DETACH_FILTER:
      return sk_detach_filter(sk);
    case S.SO_PRIORITY:
      if (v >= 0 && v <= 6) {
        sk.sk_priority = v;
        return 0;
      }
      return -1; /* -EPERM without CAP_NET_ADMIN */
    default:
      return -ENOPROTOOPT;
  }
}

/** sock_getsockopt(): writes min(*optlen, size) bytes of the value and the length used. */
export function sock_getsockopt(sock: Socket, _level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  const sk = sock.sk!;
  if (optlen.value < 0) return -EINVAL;
  let v: number;
  switch (optname) {
    case S.SO_DEBUG:
      v = +sk.sk_flags.has("SOCK_DBG");
      break;
    case S.SO_REUSEADDR:
      v = sk.sk_reuse;
      break;
    case S.SO_REUSEPORT:
      v = +sk.sk_flags.has("SOCK_REUSEPORT");
      break;
    case S.SO_TYPE:
      v = sk.sk_type;
      break;
    case S.SO_PROTOCOL:
      v = sk.sk_protocol;
      break;
    case S.SO_DOMAIN:
      v = sk.sk_family;
      break;
    case S.SO_ERROR:
      v = -sock_error(sk);
      break;
    case S.SO_SNDBUF:
      v = sk.sk_sndbuf;
      break;
    case S.SO_RCVBUF:
      v = sk.sk_rcvbuf;
      break;
    case S.SO_BROADCAST:
      v = +sk.sk_flags.has("SOCK_BROADCAST");
      break;
    case S.SO_KEEPALIVE:
      v = +sk.sk_flags.has("SOCK_KEEPOPEN");
      break;
    case S.SO_PRIORITY:
      v = sk.sk_priority;
      break;
    case S.SO_ACCEPTCONN:
      v = sk.sk_state === 10 ? 1 : 0;
      break;
    default:
      return -ENOPROTOOPT;
  }
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  const len = Math.min(optlen.value, 4);
  if (copy_to_user(optval, b, len)) return -EFAULT;
  optlen.value = len;
  return 0;
}

/** sock_common_setsockopt(): the protocol's setsockopt, for the levels the socket core does not own. */
export function sock_common_setsockopt(sock: Socket, level: number, optname: number, optval: SockPtr, optlen: number): number {
  const sk = sock.sk!;
  return (sk.sk_prot.setsockopt as (s: Sock, l: number, o: number, v: SockPtr, n: number) => number)(sk, level, optname, optval, optlen);
}

/** sock_common_getsockopt(): the protocol's getsockopt. */
export function sock_common_getsockopt(sock: Socket, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  const sk = sock.sk!;
  return (sk.sk_prot.getsockopt as (s: Sock, l: number, o: number, v: UserPtr, n: { value: number }) => number)(sk, level, optname, optval, optlen);
}

/** lock_sock(sk): the caller owns the socket until release_sock(); it must not sleep meanwhile. */
export function lock_sock(sk: Sock): void {
  sk.sk_lock.owned = true;
}

/** sock_owned_by_user(sk) */
export function sock_owned_by_user(sk: Sock): boolean {
  return sk.sk_lock.owned;
}

/** sk_add_backlog(sk, skb): keep a packet for the owner to process at release_sock(). */
export function sk_add_backlog(sk: Sock, skb: SkBuff): void {
  sk.sk_backlog.push(skb);
}

/** release_sock(sk): process what arrived while the socket was owned (__release_sock), then let go. */
export function release_sock(sk: Sock): void {
  for (let skb = sk.sk_backlog.shift(); skb; skb = sk.sk_backlog.shift()) (sk.sk_prot.backlog_rcv as (s: Sock, b: SkBuff) => number)(sk, skb);
  sk.sk_lock.owned = false;
}

/** sock_rcvtimeo(sk, noblock): how long a receive may wait (ns), 0 without waiting. */
export function sock_rcvtimeo(sk: Sock, noblock: boolean): number {
  return noblock ? 0 : sk.sk_rcvtimeo;
}

/** sock_sndtimeo(sk, noblock) */
export function sock_sndtimeo(sk: Sock, noblock: boolean): number {
  return noblock ? 0 : sk.sk_sndtimeo;
}

/** sock_intr_errno(timeo): what an interrupted wait returns (-ERESTARTSYS, -EINTR once timed). */
export function sock_intr_errno(timeo: number): number {
  return timeo === MAX_SCHEDULE_TIMEOUT ? -512 /* -ERESTARTSYS */ : -4 /* -EINTR */;
}

/**
 * sk_wait_event(sk, &timeo, condition): let go of the socket (processing its backlog), sleep until
 * `condition()` holds, a signal arrives or `timeo.value` ns pass (which it lowers by the time
 * slept), take the socket again, and say whether the condition holds.
 */
export async function sk_wait_event(sk: Sock, timeo: { value: number }, condition: () => boolean): Promise<boolean> {
  release_sock(sk);
  if (!condition()) {
    const clock = current().kernel.clock;
    const start = clock.now();
    if (timeo.value === MAX_SCHEDULE_TIMEOUT) await wait_event_interruptible(sk.sk_wq, condition);
    else {
      await wait_event_interruptible_timeout(sk.sk_wq, condition, timeo.value);
      timeo.value = Math.max(0, timeo.value - (clock.now() - start));
    }
  }
  lock_sock(sk);
  return condition();
}

/** sock_error(sk): take the pending error (-errno) or 0. */
export function sock_error(sk: Sock): number {
  const e = sk.sk_err;
  sk.sk_err = 0;
  return e ? -e : 0;
}

// The sock_no_* stubs (net/core/sock.c): a protocol points its proto_ops at these for the calls it
// does not support.
export const sock_no_bind = (_s: Socket, _a: Uint8Array, _l: number): number => -EOPNOTSUPP;
export const sock_no_connect = (_s: Socket, _a: Uint8Array, _l: number, _f: number): number => -EOPNOTSUPP;
export const sock_no_socketpair = (_a: Socket, _b: Socket): number => -EOPNOTSUPP;
export const sock_no_accept = (_s: Socket, _n: Socket, _f: number, _k: boolean): number => -EOPNOTSUPP;
export const sock_no_getname = (_s: Socket, _a: Uint8Array, _p: number): number => -EOPNOTSUPP;
export const sock_no_ioctl = (_s: Socket, _c: number, _a: unknown): number => -EOPNOTSUPP;
export const sock_no_listen = (_s: Socket, _b: number): number => -EOPNOTSUPP;
export const sock_no_shutdown = (_s: Socket, _h: number): number => -EOPNOTSUPP;
export const sock_no_sendmsg = (_s: Socket, _m: Msghdr, _l: number): number => -EOPNOTSUPP;
export const sock_no_recvmsg = (_s: Socket, _m: Msghdr, _l: number, _f: number): number => -EOPNOTSUPP;
export const sock_no_mmap = (): number => -ENODEV;

const METHODS = ["close", "connect", "disconnect", "accept", "ioctl", "init", "destroy", "shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg", "sendpage", "bind", "backlog_rcv", "hash", "unhash", "get_port", "enter_memory_pressure"] as const;

/** One /proc/net/protocols row (proto_seq_printf). */
export function proto_seq_line(p: Proto): string {
  const mem = p.memory_allocated ? p.memory_allocated.value : -1;
  const press = p.memory_pressure ? (p.memory_pressure.value ? "yes" : "no") : "NI";
  const cols = METHODS.map((m) => (p[m] ? " y" : " n")).join(" ");
  return `${p.name.padEnd(9)} ${String(p.obj_size).padStart(4)} ${String(Math.max(0, sock_prot_inuse_get(p))).padStart(6)}  ${String(mem).padStart(6)}   ${press.padEnd(3)} ${String(p.max_header ?? 0).padStart(6)}   ${(p.slab ? "yes" : "no").padEnd(3)}  ${module_name(p.owner).padEnd(10)} ${cols}\n`;
}

/** /proc/net/protocols (proto_seq_show). */
export function proc_net_protocols_init(net: Parameters<typeof proc_create>[2]): void {
  proc_create(
    "protocols",
    0o444,
    net,
    single_proc_ops((m) => {
      seq_printf(m, "%-9s %-4s %-8s %-6s %-5s %-7s %-4s %-10s %s", "protocol", "size", "sockets", "memory", "press", "maxhdr", "slab", "module", "cl co di ac io in de sh ss gs se re sp bi br ha uh gp em\n");
      for (const p of proto_list()) m.buf += proto_seq_line(p);
      return 0;
    }),
  );
}

/** A stand-in lowmem address for a sock known by its inode number. */
export const sock_kaddr = (ino: number): number => 0xc0000000 + ((ino * 0x340) & 0x0fffffff);

/** `%pK` of a kernel address in /proc/net files: hashed, as 5.15 prints it (ptr_to_id). */
export function kptr(addr: number): string {
  return ptr_to_id(current().kernel.ptr_key, addr >>> 0);
}

/** The `%pK` of a sock known by its inode (netlink's rows). */
export const sock_kptr = (ino: number): string => kptr(sock_kaddr(ino));
