// sys/socket.h: the socket system calls as C programs call them. An address is the bytes of a
// struct sockaddr (build it with a DataView, little-endian like the ARM target); a buffer is a
// Uint8Array. Failures set errno and return -1. A call whose kernel path does not sleep returns its
// result at once; one that sleeps returns a promise of it (await either).
import { syscall } from "../../kernel/entry.js";
import { UserPtr } from "../../kernel/uaccess.js";
import * as net from "../../net/socket.js";
import { then_or_now, type MaybeAsync } from "../../fs/file.js";
import { ret } from "./state.js";

export * from "../../include/uapi/socket.js";

const ptr = (b: Uint8Array | null): UserPtr | null => (b ? new UserPtr(b) : null);
const done = (r: MaybeAsync<number>): MaybeAsync<number> => (r instanceof Promise ? r.then(ret) : ret(r));

export const socket = (domain: number, type: number, protocol: number): MaybeAsync<number> => done(syscall(() => net.sys_socket(domain, type, protocol)));
export const bind = (fd: number, addr: Uint8Array, len: number): MaybeAsync<number> => done(syscall(() => net.sys_bind(fd, new UserPtr(addr), len)));
export const connect = (fd: number, addr: Uint8Array, len: number): MaybeAsync<number> => done(syscall(() => net.sys_connect(fd, new UserPtr(addr), len)));
export const listen = (fd: number, backlog: number): MaybeAsync<number> => done(syscall(() => net.sys_listen(fd, backlog)));
export const shutdown = (fd: number, how: number): MaybeAsync<number> => done(syscall(() => net.sys_shutdown(fd, how)));

/** accept4(fd, addr, &addrlen, flags); `addrlen.value` becomes the address's real length. */
export function accept4(fd: number, addr: Uint8Array | null, addrlen: { value: number } | null, flags: number): MaybeAsync<number> {
  return done(syscall(() => net.sys_accept4(fd, ptr(addr), addrlen, flags)));
}

export const accept = (fd: number, addr: Uint8Array | null, addrlen: { value: number } | null): MaybeAsync<number> => accept4(fd, addr, addrlen, 0);

export function getsockname(fd: number, addr: Uint8Array, addrlen: { value: number }): number {
  return ret(syscall(() => net.sys_getname(fd, new UserPtr(addr), addrlen, 0)));
}

export function getpeername(fd: number, addr: Uint8Array, addrlen: { value: number }): number {
  return ret(syscall(() => net.sys_getname(fd, new UserPtr(addr), addrlen, 1)));
}

export function sendto(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrlen: number): MaybeAsync<number> {
  return done(syscall(() => net.sys_sendmsg(fd, [{ iov_base: new UserPtr(buf), iov_len: len }], flags, ptr(addr), addrlen)));
}

export const send = (fd: number, buf: Uint8Array, len: number, flags: number): MaybeAsync<number> => sendto(fd, buf, len, flags, null, 0);

/** struct msghdr for sendmsg/recvmsg: name, iovecs, and the flags recvmsg reports. */
export interface MsgHdr {
  msg_name: Uint8Array | null;
  msg_namelen: number;
  msg_iov: { iov_base: Uint8Array; iov_len: number }[];
  msg_flags: number;
}

export function sendmsg(fd: number, msg: MsgHdr, flags: number): MaybeAsync<number> {
  const iov = msg.msg_iov.map((v) => ({ iov_base: new UserPtr(v.iov_base), iov_len: v.iov_len }));
  return done(syscall(() => net.sys_sendmsg(fd, iov, flags, ptr(msg.msg_name), msg.msg_namelen)));
}

export function recvmsg(fd: number, msg: MsgHdr, flags: number): MaybeAsync<number> {
  const iov = msg.msg_iov.map((v) => ({ iov_base: new UserPtr(v.iov_base), iov_len: v.iov_len }));
  const len = { value: msg.msg_namelen };
  return then_or_now(syscall(() => net.sys_recvmsg(fd, iov, flags, ptr(msg.msg_name), msg.msg_name ? len : null)), (r) => {
    if (typeof r === "number") return ret(r);
    msg.msg_namelen = len.value;
    msg.msg_flags = r.flags;
    return r.n;
  });
}

export function recvfrom(fd: number, buf: Uint8Array, len: number, flags: number, addr: Uint8Array | null, addrlen: { value: number } | null): MaybeAsync<number> {
  const r = syscall(() => net.sys_recvmsg(fd, [{ iov_base: new UserPtr(buf), iov_len: len }], flags, ptr(addr), addrlen));
  return then_or_now(r, (r) => (typeof r === "number" ? ret(r) : r.n));
}

export const recv = (fd: number, buf: Uint8Array, len: number, flags: number): MaybeAsync<number> => recvfrom(fd, buf, len, flags, null, null);

export function setsockopt(fd: number, level: number, optname: number, optval: Uint8Array, optlen: number): MaybeAsync<number> {
  return done(syscall(() => net.sys_setsockopt(fd, level, optname, new UserPtr(optval), optlen)));
}

export function getsockopt(fd: number, level: number, optname: number, optval: Uint8Array, optlen: { value: number }): MaybeAsync<number> {
  return done(syscall(() => net.sys_getsockopt(fd, level, optname, new UserPtr(optval), optlen)));
}
