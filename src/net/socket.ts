// Mirrors net/socket.c: struct socket, the protocol family table (sock_register), __sock_create,
// the socket file (read/write go to recvmsg/sendmsg, the last close to release), and the socket
// system calls. Each system call looks the descriptor up, copies the address into the kernel, and
// calls the family's proto_ops.
import { EAFNOSUPPORT, EBADF, ECONNABORTED, EEXIST, EFAULT, EINVAL, ENOBUFS, ENOIOCTLCMD, ENOTSOCK, ENOTTY, EOPNOTSUPP, ESPIPE } from "../include/uapi/errno.js";
import { IFREQ_SIZE, is_socket_ioctl_cmd, SIOCGIFCONF, type Ifconf } from "../include/uapi/sockios.js";
import * as S from "../include/uapi/socket.js";
import { O_NONBLOCK, S_IFSOCK } from "../include/uapi/fcntl.js";
import { current } from "../kernel/sched/task.js";
import { pr_crit, pr_info, printk } from "../kernel/printk/printk.js";
import { module_put, try_module_get, type Module } from "../kernel/module/module.js";
import { copy_from_user, copy_to_user, UserPtr } from "../kernel/uaccess.js";
import type { Kernel } from "../kernel/kernel.js";
import { Inode } from "../fs/inode.js";
import { File, FMODE_READ, FMODE_WRITE, then_or_now, type FileOperations, type MaybeAsync } from "../fs/file.js";
import { IovIter, msghdr_single, type Iovec, type Msghdr } from "./core/msghdr.js";
import { proc_net_protocols_init, proto_list, sock_getsockopt, sock_setsockopt, type Sock } from "./core/sock.js";
import { request_module } from "../kernel/kmod.js";
import type { PollTable } from "../fs/select.js";
import { dev_ifconf, dev_ioctl } from "./core/dev_ioctl.js";
import { netfilter_init } from "./netfilter/nf_sockopt.js";
import { USER_SOCKPTR, type SockPtr } from "../include/linux/sockptr.js";

/** socket_state */
export const SS_FREE = 0;
export const SS_UNCONNECTED = 1;
export const SS_CONNECTING = 2;
export const SS_CONNECTED = 3;
export const SS_DISCONNECTING = 4;

/** struct proto_ops: what a family does for each socket call. NULL entries crash, as in C. */
export interface ProtoOps {
  family: number;
  owner?: Module | null;
  release(sock: Socket): MaybeAsync<number>;
  bind?(sock: Socket, addr: Uint8Array, len: number): MaybeAsync<number>;
  connect?(sock: Socket, addr: Uint8Array, len: number, flags: number): MaybeAsync<number>;
  socketpair?(a: Socket, b: Socket): number;
  accept?(sock: Socket, newsock: Socket, flags: number, kern: boolean): MaybeAsync<number>;
  /** Writes the address into `addr` (128 bytes) and returns its length, or -errno. */
  getname?(sock: Socket, addr: Uint8Array, peer: number): number;
  ioctl?(sock: Socket, cmd: number, arg: unknown): MaybeAsync<number>;
  listen?(sock: Socket, backlog: number): MaybeAsync<number>;
  shutdown?(sock: Socket, how: number): MaybeAsync<number>;
  setsockopt?(sock: Socket, level: number, optname: number, optval: SockPtr, optlen: number): MaybeAsync<number>;
  getsockopt?(sock: Socket, level: number, optname: number, optval: UserPtr, optlen: { value: number }): MaybeAsync<number>;
  sendmsg?(sock: Socket, msg: Msghdr, len: number): MaybeAsync<number>;
  recvmsg?(sock: Socket, msg: Msghdr, len: number, flags: number): MaybeAsync<number>;
  /** The POLL* events ready on the socket, poll_wait()ing on its queue (see FileOperations.poll). */
  poll?(file: File, sock: Socket, wait: PollTable | null): number;
}

/** struct net_proto_family */
export interface NetProtoFamily {
  family: number;
  create(net: unknown, sock: Socket, protocol: number, kern: number): MaybeAsync<number>;
  owner?: Module | null;
}

/** struct socket */
export class Socket {
  state = SS_UNCONNECTED;
  type = 0;
  flags = 0;
  file: File | null = null;
  sk: Sock | null = null;
  ops: ProtoOps | null = null;
  readonly inode = new Inode(S_IFSOCK | 0o777, {});
}

/** pf_family_names[] of 5.15 (net/socket.c). */
export const pf_family_names = [
  "PF_UNSPEC", "PF_UNIX/PF_LOCAL", "PF_INET", "PF_AX25", "PF_IPX", "PF_APPLETALK", "PF_NETROM", "PF_BRIDGE", "PF_ATMPVC", "PF_X25",
  "PF_INET6", "PF_ROSE", "PF_DECnet", "PF_NETBEUI", "PF_SECURITY", "PF_KEY", "PF_NETLINK/PF_ROUTE", "PF_PACKET", "PF_ASH", "PF_ECONET",
  "PF_ATMSVC", "PF_RDS", "PF_SNA", "PF_IRDA", "PF_PPPOX", "PF_WANPIPE", "PF_LLC", "PF_IB", "PF_MPLS", "PF_CAN",
  "PF_TIPC", "PF_BLUETOOTH", "PF_IUCV", "PF_RXRPC", "PF_ISDN", "PF_PHONET", "PF_IEEE802154", "PF_CAIF", "PF_ALG", "PF_NFC",
  "PF_VSOCK", "PF_KCM", "PF_QIPCRTR", "PF_SMC", "PF_XDP", "PF_MCTP",
];

const families = new WeakMap<Kernel, (NetProtoFamily | null)[]>();

/** net_families[] of this kernel. */
export function net_families(k: Kernel = current().kernel): (NetProtoFamily | null)[] {
  let f = families.get(k);
  if (!f) families.set(k, (f = new Array<NetProtoFamily | null>(S.NPROTO).fill(null)));
  return f;
}

/** sock_register(ops): -ENOBUFS past NPROTO, -EEXIST when taken; the line is printed either way. */
export function sock_register(ops: NetProtoFamily): number {
  if (ops.family >= S.NPROTO || ops.family < 0) {
    pr_crit("protocol %d >= NPROTO(%d)\n", ops.family, S.NPROTO);
    return -ENOBUFS;
  }
  const table = net_families();
  const err = table[ops.family] ? -EEXIST : 0;
  if (!err) table[ops.family] = ops;
  pr_info("NET: Registered %s protocol family\n", pf_family_names[ops.family]);
  return err;
}

/** sock_unregister(family) */
export function sock_unregister(family: number): void {
  if (family < 0 || family >= S.NPROTO) throw new Error(`kernel BUG at net/socket.c: sock_unregister(${family})`);
  net_families()[family] = null;
  pr_info("NET: Unregistered %s protocol family\n", pf_family_names[family]);
}

/**
 * sock_init(): /proc/net/protocols, netfilter (CONFIG_NETFILTER), and the loader's check that a
 * module's exit unregistered its families and protos (Linux would keep dangling pointers; kplay
 * says so and removes them).
 */
export function sock_init(k: Kernel): void {
  proc_net_protocols_init(k.proc_root.subdir.get("net")!);
  netfilter_init(k);
  k.module_leak_checks.push((mod) => {
    const table = net_families(k);
    table.forEach((f, i) => {
      if (f?.owner !== mod) return;
      printk("\x014kplay: module %s left protocol family %d (%s) registered; removing it\n", mod.name, i, pf_family_names[i]);
      table[i] = null;
    });
    for (const p of proto_list(k).filter((x) => x.owner === mod)) {
      printk("\x014kplay: module %s left proto %s registered; removing it\n", mod.name, p.name);
      proto_list(k).splice(proto_list(k).indexOf(p), 1);
    }
  });
}

/** sock_alloc(): a new socket with its inode. */
export function sock_alloc(): Socket {
  return new Socket();
}

/** __sock_release(): the family's release, then drop the ops module reference. */
export async function sock_release(sock: Socket): Promise<void> {
  if (sock.ops) {
    const owner = sock.ops.owner;
    await sock.ops.release(sock);
    sock.sk = null;
    sock.ops = null;
    module_put(owner);
  }
  sock.file = null;
  sock.state = SS_FREE;
}

/** __sock_create(net, family, type, protocol, &sock, kern): 5.15's checks in 5.15's order. */
export async function __sock_create(family: number, type: number, protocol: number, kern: number): Promise<Socket | number> {
  if (family < 0 || family >= S.NPROTO) return -EAFNOSUPPORT;
  if (type < 0 || type >= S.SOCK_MAX) return -EINVAL;
  if (family === S.PF_INET && type === S.SOCK_PACKET) family = S.PF_PACKET;
  const sock = sock_alloc();
  sock.type = type;
  const table = net_families();
  if (!table[family]) await request_module(`net-pf-${family}`);
  const pf = table[family];
  if (!pf || !try_module_get(pf.owner)) return -EAFNOSUPPORT;
  const err = await pf.create(null, sock, protocol, kern);
  if (err < 0) {
    sock.ops = null;
    module_put(pf.owner);
    return err;
  }
  if (!try_module_get(sock.ops?.owner)) {
    module_put(pf.owner);
    await sock_release(sock);
    return -EAFNOSUPPORT;
  }
  module_put(pf.owner);
  return sock;
}

/** sock_create_kern(net, family, type, protocol, &res) */
export function sock_create_kern(_net: unknown, family: number, type: number, protocol: number): Promise<Socket | number> {
  return __sock_create(family, type, protocol, 1);
}

function sock_of(file: File): Socket {
  return file.private_data as Socket;
}

/** socket_file_ops: read and write are recvmsg and sendmsg; the last close releases. */
export const socket_file_ops: FileOperations = {
  read(file, buf, count, ppos) {
    if (ppos.value !== 0) return -ESPIPE;
    if (count === 0) return 0;
    const msg = msghdr_single(buf, count);
    return sock_recvmsg(sock_of(file), msg, file.f_flags & O_NONBLOCK ? S.MSG_DONTWAIT : 0);
  },
  write(file, buf, count, ppos) {
    if (ppos.value !== 0) return -ESPIPE;
    const sock = sock_of(file);
    const msg = msghdr_single(buf, count);
    if (file.f_flags & O_NONBLOCK) msg.msg_flags = S.MSG_DONTWAIT;
    if (sock.type === S.SOCK_SEQPACKET) msg.msg_flags |= S.MSG_EOR;
    return sock_sendmsg(sock, msg);
  },
  llseek: () => -ESPIPE,
  /** sock_poll(): the family's poll; a family without one never reports an event, as on Linux. */
  poll(file, wait) {
    const sock = sock_of(file);
    if (!sock.ops?.poll) return 0;
    return sock.ops.poll(file, sock, wait);
  },
  release(_inode, file) {
    void sock_release(sock_of(file));
  },
  unlocked_ioctl: (file, cmd, arg) => sock_ioctl(file, cmd, arg),
};

/**
 * sock_ioctl() / sock_do_ioctl(): the family's ioctl first; what it does not know (-ENOIOCTLCMD,
 * or a family without one) goes to the device layer: SIOCGIFCONF to dev_ifconf, the other socket
 * ioctls (type 0x89) to dev_ioctl on a kernel copy of the struct ifreq, copied back on success.
 */
function sock_ioctl(file: File, cmd: number, arg: unknown): MaybeAsync<number> {
  const sock = sock_of(file);
  const r = sock.ops?.ioctl ? sock.ops.ioctl(sock, cmd, arg) : -ENOIOCTLCMD;
  const fallback = (err: number): number => {
    if (err !== -ENOIOCTLCMD) return err;
    if (cmd === SIOCGIFCONF) {
      const ifc = arg as Ifconf | null;
      if (!ifc || typeof ifc !== "object" || typeof ifc.ifc_len !== "number") return -EFAULT;
      return dev_ifconf(ifc);
    }
    if (is_socket_ioctl_cmd(cmd)) {
      if (!(arg instanceof Uint8Array) || arg.length < IFREQ_SIZE) return -EFAULT;
      const ifr = arg.slice(0, IFREQ_SIZE);
      const copyout = { value: true };
      const ret = dev_ioctl(cmd, ifr, copyout);
      if (ret === 0 && copyout.value) arg.set(ifr, 0);
      return ret;
    }
    return -ENOTTY;
  };
  return typeof r === "number" ? fallback(r) : r.then(fallback);
}

/** sock_alloc_file(): the socket as an open file. */
export function sock_alloc_file(sock: Socket, flags: number): File {
  const file = new File(sock.inode, socket_file_ops, flags & O_NONBLOCK, FMODE_READ | FMODE_WRITE, "socket:");
  file.private_data = sock;
  sock.file = file;
  return file;
}

/** sock_sendmsg(sock, msg): the family's sendmsg with the whole iterator. */
export function sock_sendmsg(sock: Socket, msg: Msghdr): MaybeAsync<number> {
  const len = msg.msg_iter.count;
  return sock.ops!.sendmsg!(sock, msg, len);
}

/** sock_recvmsg(sock, msg, flags) */
export function sock_recvmsg(sock: Socket, msg: Msghdr, flags: number): MaybeAsync<number> {
  return sock.ops!.recvmsg!(sock, msg, msg.msg_iter.count, flags);
}

// ---- system calls ------------------------------------------------------------------------------

/** sockfd_lookup_light(fd): the socket behind fd, or -EBADF/-ENOTSOCK. */
export function sockfd_lookup(fd: number): Socket | number {
  const f = current().files?.fget(fd);
  if (!f) return -EBADF;
  return f.f_op === socket_file_ops ? sock_of(f) : -ENOTSOCK;
}

/** move_addr_to_kernel(uaddr, ulen): a kernel copy of a user sockaddr, or -errno. */
export function move_addr_to_kernel(uaddr: UserPtr, ulen: number): Uint8Array | number {
  if (ulen < 0 || ulen > S.SOCKADDR_STORAGE_SIZE) return -EINVAL;
  const k = new Uint8Array(S.SOCKADDR_STORAGE_SIZE);
  if (ulen === 0) return k;
  if (copy_from_user(k, uaddr, ulen)) return -EFAULT;
  return k;
}

/** move_addr_to_user(kaddr, klen, uaddr, ulen box): copy out min(klen, *ulen), report klen. */
function move_addr_to_user(kaddr: Uint8Array, klen: number, uaddr: UserPtr | null, ulen: { value: number } | null): number {
  if (!uaddr || !ulen) return 0;
  if (ulen.value < 0) return -EINVAL;
  const len = Math.min(klen, ulen.value);
  if (len > 0 && copy_to_user(uaddr, kaddr, len)) return -EFAULT;
  ulen.value = klen;
  return 0;
}

function install(sock: Socket, flags: number): number {
  const file = sock_alloc_file(sock, flags);
  const files = current().files!;
  const fd = files.fd_install(file);
  if (fd >= 0 && flags & S.SOCK_CLOEXEC) files.close_on_exec.add(fd);
  return fd;
}

/** socket(family, type, protocol) */
export async function sys_socket(family: number, type: number, protocol: number): Promise<number> {
  const flags = type & ~S.SOCK_TYPE_MASK;
  if (flags & ~(S.SOCK_CLOEXEC | S.SOCK_NONBLOCK)) return -EINVAL;
  const sock = await __sock_create(family, type & S.SOCK_TYPE_MASK, protocol, 0);
  if (typeof sock === "number") return sock;
  return install(sock, flags);
}

/** The ops entry, or a NULL-pointer call as in C when the family left it unset. */
function op<K extends keyof ProtoOps>(sock: Socket, name: K): NonNullable<ProtoOps[K]> {
  const f = sock.ops?.[name];
  if (typeof f !== "function") throw new TypeError(`Cannot read properties of null (reading '${String(name)}')`);
  return (f as (...a: unknown[]) => unknown).bind(sock.ops) as NonNullable<ProtoOps[K]>;
}

export async function sys_bind(fd: number, uaddr: UserPtr, addrlen: number): Promise<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  const addr = move_addr_to_kernel(uaddr, addrlen);
  if (typeof addr === "number") return addr;
  return op(sock, "bind")(sock, addr, addrlen);
}

export async function sys_listen(fd: number, backlog: number): Promise<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  return op(sock, "listen")(sock, Math.min(backlog >>> 0, S.SOMAXCONN));
}

export async function sys_accept4(fd: number, upeer: UserPtr | null, upeer_len: { value: number } | null, flags: number): Promise<number> {
  if (flags & ~(S.SOCK_CLOEXEC | S.SOCK_NONBLOCK)) return -EINVAL;
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  const newsock = sock_alloc();
  newsock.type = sock.type;
  newsock.ops = sock.ops;
  try_module_get(newsock.ops?.owner);
  const err = await op(sock, "accept")(sock, newsock, (sock.file!.f_flags & O_NONBLOCK) | flags, false);
  if (err < 0) {
    await sock_release(newsock);
    return err;
  }
  if (upeer) {
    const addr = new Uint8Array(S.SOCKADDR_STORAGE_SIZE);
    const len = op(newsock, "getname")(newsock, addr, 2);
    if (len < 0) {
      await sock_release(newsock);
      return -ECONNABORTED;
    }
    const r = move_addr_to_user(addr, len, upeer, upeer_len);
    if (r < 0) {
      await sock_release(newsock);
      return r;
    }
  }
  return install(newsock, flags);
}


export async function sys_connect(fd: number, uaddr: UserPtr, addrlen: number): Promise<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  const addr = move_addr_to_kernel(uaddr, addrlen);
  if (typeof addr === "number") return addr;
  return op(sock, "connect")(sock, addr, addrlen, sock.file!.f_flags);
}

/** getsockname (peer 0) and getpeername (peer 1). */
export function sys_getname(fd: number, uaddr: UserPtr, ulen: { value: number }, peer: number): number {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  const addr = new Uint8Array(S.SOCKADDR_STORAGE_SIZE);
  const len = op(sock, "getname")(sock, addr, peer);
  if (len < 0) return len;
  return move_addr_to_user(addr, len, uaddr, ulen);
}

/** sendto(fd, buf, len, flags, addr, addrlen); sendmsg with an iovec array. A promise only if the family's sendmsg sleeps. */
export function sys_sendmsg(fd: number, iov: Iovec[], flags: number, uaddr: UserPtr | null, addrlen: number): MaybeAsync<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  let name: Uint8Array | null = null;
  if (uaddr) {
    const a = move_addr_to_kernel(uaddr, addrlen);
    if (typeof a === "number") return a;
    name = a.subarray(0, addrlen);
  }
  const msg: Msghdr = { msg_name: name, msg_namelen: name ? addrlen : 0, msg_iter: new IovIter(iov), msg_flags: flags };
  if (sock.file!.f_flags & O_NONBLOCK) msg.msg_flags |= S.MSG_DONTWAIT;
  return sock_sendmsg(sock, msg);
}

/**
 * recvfrom/recvmsg: the bytes received and the sender's address (or -errno). A promise only if the
 * family's recvmsg sleeps.
 */
export function sys_recvmsg(fd: number, iov: Iovec[], flags: number, uaddr: UserPtr | null, ulen: { value: number } | null): MaybeAsync<number | { n: number; flags: number }> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  const name = new Uint8Array(S.SOCKADDR_STORAGE_SIZE);
  const msg: Msghdr = { msg_name: name, msg_namelen: 0, msg_iter: new IovIter(iov), msg_flags: 0 };
  if (sock.file!.f_flags & O_NONBLOCK) flags |= S.MSG_DONTWAIT;
  return then_or_now(sock_recvmsg(sock, msg, flags), (n) => {
    if (n < 0) return n;
    if (uaddr && ulen) {
      const r = move_addr_to_user(name, msg.msg_namelen, uaddr, ulen);
      if (r < 0) return r;
    }
    return { n, flags: msg.msg_flags };
  });
}

export async function sys_shutdown(fd: number, how: number): Promise<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  return op(sock, "shutdown")(sock, how);
}

/** __sys_setsockopt(): SOL_SOCKET to the core, other levels to the family, on a user sockptr_t. */
export async function sys_setsockopt(fd: number, level: number, optname: number, user_optval: UserPtr, optlen: number): Promise<number> {
  const optval = USER_SOCKPTR(user_optval);
  if (optlen < 0) return -EINVAL;
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  if (level === S.SOL_SOCKET) return sock_setsockopt(sock, level, optname, optval, optlen);
  if (!sock.ops?.setsockopt) return -EOPNOTSUPP;
  return sock.ops.setsockopt(sock, level, optname, optval, optlen);
}

/** __sys_getsockopt(): `optlen` is the caller's int; handlers read it and write the length back. */
export async function sys_getsockopt(fd: number, level: number, optname: number, optval: UserPtr, optlen: { value: number }): Promise<number> {
  const sock = sockfd_lookup(fd);
  if (typeof sock === "number") return sock;
  if (level === S.SOL_SOCKET) return sock_getsockopt(sock, level, optname, optval, optlen);
  if (!sock.ops?.getsockopt) return -EOPNOTSUPP;
  return sock.ops.getsockopt(sock, level, optname, optval, optlen);
}
