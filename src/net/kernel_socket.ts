// Mirrors the in-kernel socket interface of net/socket.c (include/linux/net.h): what module code
// calls instead of the system calls. Addresses and buffers are kernel memory (kvec), so there is
// no set_fs() and no copy from user space. A kernel socket has no file, so O_NONBLOCK comes only
// from the flags given (kernel_connect, kernel_accept) or MSG_DONTWAIT; the calls that wait (TCP's
// connect, accept, sendmsg, recvmsg) return promises. bind checks CAP_NET_BIND_SERVICE of the
// task the kernel code runs for, as __inet_bind does.
import { IovIter } from "./core/msghdr.js";
import type { Msghdr } from "./core/msghdr.js";
import { UserPtr } from "../kernel/uaccess.js";
import { SOCKADDR_STORAGE_SIZE } from "../include/uapi/socket.js";
import { sock_alloc, sock_recvmsg, sock_release, sock_sendmsg, type Socket } from "./socket.js";
import { try_module_get } from "../kernel/module/module.js";
import type { MaybeAsync } from "../fs/file.js";

export { sock_create_kern, sock_release } from "./socket.js";

/** struct kvec: a kernel buffer. */
export interface Kvec {
  iov_base: Uint8Array;
  iov_len: number;
}

/** A msghdr for kernel_sendmsg/kernel_recvmsg: an optional address, no data yet. */
export function kernel_msghdr(name: Uint8Array | null = null): Msghdr {
  return { msg_name: name, msg_namelen: name ? name.length : 0, msg_iter: new IovIter([]), msg_flags: 0 };
}

function kvec_iter(vec: Kvec[], num: number): IovIter {
  return new IovIter(vec.slice(0, num).map((v) => ({ iov_base: new UserPtr(v.iov_base), iov_len: v.iov_len })));
}

export function kernel_bind(sock: Socket, addr: Uint8Array, addrlen: number): MaybeAsync<number> {
  return sock.ops!.bind!(sock, addr, addrlen);
}

/** kernel_connect(sock, addr, addrlen, flags): for TCP, waits for the handshake unless flags has O_NONBLOCK (-EINPROGRESS). */
export function kernel_connect(sock: Socket, addr: Uint8Array, addrlen: number, flags: number): MaybeAsync<number> {
  return sock.ops!.connect!(sock, addr, addrlen, flags);
}

export function kernel_listen(sock: Socket, backlog: number): MaybeAsync<number> {
  return sock.ops!.listen!(sock, backlog);
}

/** kernel_accept(sock, &newsock, flags): the new socket (waiting for one unless O_NONBLOCK: -EAGAIN), or -errno. */
export async function kernel_accept(sock: Socket, flags: number): Promise<Socket | number> {
  const newsock = sock_alloc();
  newsock.type = sock.type;
  newsock.ops = sock.ops;
  try_module_get(newsock.ops?.owner);
  const err = await sock.ops!.accept!(sock, newsock, flags, true);
  if (err < 0) {
    await sock_release(newsock);
    return err;
  }
  return newsock;
}

/** kernel_sendmsg(sock, msg, vec, num, len) */
export function kernel_sendmsg(sock: Socket, msg: Msghdr, vec: Kvec[], num: number, _len: number): MaybeAsync<number> {
  msg.msg_iter = kvec_iter(vec, num);
  return sock_sendmsg(sock, msg);
}

/** kernel_recvmsg(sock, msg, vec, num, len, flags) */
export function kernel_recvmsg(sock: Socket, msg: Msghdr, vec: Kvec[], num: number, _len: number, flags: number): MaybeAsync<number> {
  msg.msg_iter = kvec_iter(vec, num);
  if (msg.msg_name === null) msg.msg_name = new Uint8Array(SOCKADDR_STORAGE_SIZE);
  return sock_recvmsg(sock, msg, flags);
}

/** kernel_getsockname(sock, addr): the address length, or -errno. */
export function kernel_getsockname(sock: Socket, addr: Uint8Array): number {
  return sock.ops!.getname!(sock, addr, 0);
}

export function kernel_getpeername(sock: Socket, addr: Uint8Array): number {
  return sock.ops!.getname!(sock, addr, 1);
}

/** kernel_sock_shutdown(sock, how) */
export function kernel_sock_shutdown(sock: Socket, how: number): MaybeAsync<number> {
  return sock.ops!.shutdown!(sock, how);
}
