// Mirrors the SYSCALL_DEFINEn() entry points of the calls kplay implements, as sys_call_table
// reaches them (include/linux/syscalls.h): each takes the caller's registers r0-r5. A register
// holds a number or a pointer into the caller's memory (a UserPtr); an argument of another kind
// is a structure kplay's C library passes as an object (ioctl's argument), handed on untouched.
// Each entry decodes its registers the way its C prototype reads them and calls the kernel
// function that kplay's C library wrappers call directly.
//
// Calls whose arguments are structures that hold pointers or that kplay does not lay out in bytes
// (stat64, getdents64, poll, sendmsg, recvmsg, rt_sigaction, clone, execve, ...) have no entry:
// the C library reaches them through its own wrappers, and by number they are sys_ni_syscall.
import { EFAULT, EINTR, EINVAL, ERANGE } from "../include/uapi/errno.js";
import { O_CREAT, O_TRUNC, O_WRONLY, AT_FDCWD } from "../include/uapi/fcntl.js";
import type { MaybeAsync } from "../fs/file.js";
import { ksys_read, ksys_write, sys_ioctl, sys_lseek } from "../fs/read_write.js";
import { dfd_path, do_sys_open_async, do_sys_openat, sys_access, sys_chdir, sys_chmod, sys_close, sys_faccessat, sys_fchmod, sys_fchmodat, sys_mkdir, sys_mkdirat, sys_readlink, sys_rmdir, sys_unlink, sys_unlinkat } from "../fs/open.js";
import { sys_dup, sys_dup2, sys_fcntl } from "../fs/fcntl.js";
import { do_pipe2 } from "../fs/pipe.js";
import { getname } from "../fs/namei.js";
import { sys_utimensat, type Timespec64 } from "../fs/utimes.js";
import * as net from "../net/socket.js";
import type { Iovec } from "../net/core/msghdr.js";
import { copy_from_user, copy_to_user, get_user_u32, memdup_user, put_user_u32, strncpy_from_user, UserPtr, NULL_USER } from "./uaccess.js";
import { current } from "./sched/task.js";
import { ProcessExit, sys_wait4, W_EXITCODE } from "./exit.js";
import { sys_kill } from "./signal.js";
import { sys_getgroups, sys_setgid, sys_setgroups, sys_setpgid, sys_setuid, sys_umask } from "./sys.js";
import { schedule_timeout_interruptible } from "./sched/wait.js";
import { do_syslog } from "./printk/devkmsg.js";

/** A system call's implementation, by its registers. */
export type SyscallEntry = (...regs: unknown[]) => MaybeAsync<number>;

/* ---- reading registers ---- */

/** An int register (a pointer where an int belongs reads as 0). */
const int = (r: unknown): number => (typeof r === "number" ? r | 0 : 0);
/** An unsigned int or size_t register. */
const uint = (r: unknown): number => (typeof r === "number" ? r >>> 0 : 0);
/** A pointer register; anything but a pointer into the caller's memory (0, NULL) is a bad pointer. */
const uptr = (r: unknown): UserPtr => (r instanceof UserPtr ? r : NULL_USER);
const is_null = (r: unknown): boolean => !(r instanceof UserPtr) || r.buf === null;
/** The caller's buffer from `p` on, for kernel functions that take a buffer of the process. */
const ubuf = (p: UserPtr): Uint8Array | null => (p.buf ? p.buf.subarray(Math.max(0, p.off)) : null);

/** Run `fn` on the path the register points to, or return getname's error. */
function with_name<T extends MaybeAsync<number>>(r: unknown, fn: (path: string) => T): T | number {
  const name = getname(uptr(r));
  return typeof name === "number" ? name : fn(name);
}

/**
 * A socklen_t (or int) the caller passes by pointer: read it, let `fn` change it, write it back
 * when `fn` succeeds. A null pointer passes null.
 */
async function with_len(r: unknown, fn: (len: { value: number } | null) => Promise<number>): Promise<number> {
  if (is_null(r)) return fn(null);
  const v = get_user_u32(uptr(r));
  if (v === null) return -EFAULT;
  const len = { value: v | 0 };
  const ret = await fn(len);
  if (ret >= 0 && put_user_u32(len.value, uptr(r))) return -EFAULT;
  return ret;
}

/** Copy a string into the caller's buffer of `size` bytes (readlink: no NUL, cut to fit). */
function copy_name_out(s: string, buf: unknown, size: number): number {
  if (size <= 0) return -EINVAL;
  const bytes = encoder.encode(s).subarray(0, size);
  return copy_to_user(uptr(buf), bytes, bytes.length) ? -EFAULT : bytes.length;
}

const encoder = new TextEncoder();

/* ---- uid16: the old 16-bit id calls (include/linux/highuid.h) ---- */

const high2lowuid = (id: number): number => (id & ~0xffff ? 65534 : id);
const low2highuid = (id: number): number => ((id & 0xffff) === 0xffff ? -1 : id & 0xffff);

/* ---- entries that need more than a line ---- */

/** exit(code) and exit_group(code): the process ends with (code & 0xff) << 8. */
function sys_exit(code: unknown): never {
  throw new ProcessExit(W_EXITCODE(int(code) & 0xff, 0));
}

/** pause(): sleep until a signal; then -EINTR (-ERESTARTNOHAND). */
async function sys_pause(): Promise<number> {
  await schedule_timeout_interruptible(Number.MAX_SAFE_INTEGER);
  return -EINTR;
}

/** nanosleep(rqtp, rmtp) with the 32-bit struct old_timespec32 { s32 tv_sec; s32 tv_nsec; }. */
async function sys_nanosleep(rqtp: unknown, rmtp: unknown): Promise<number> {
  const b = new Uint8Array(8);
  if (copy_from_user(b, uptr(rqtp), 8)) return -EFAULT;
  const v = new DataView(b.buffer);
  const sec = v.getInt32(0, true);
  const nsec = v.getInt32(4, true);
  if (sec < 0 || nsec < 0 || nsec > 999_999_999) return -EINVAL;
  const left = await schedule_timeout_interruptible(sec * 1e9 + nsec);
  if (left <= 0) return 0;
  if (!is_null(rmtp)) {
    v.setInt32(0, Math.floor(left / 1e9), true);
    v.setInt32(4, left % 1e9, true);
    if (copy_to_user(uptr(rmtp), b, 8)) return -EFAULT;
  }
  return -EINTR;
}

/** wait4(pid, stat_addr, options, ru): the status word through stat_addr; ru must be NULL in kplay. */
async function sys_wait4_regs(pid: unknown, stat_addr: unknown, options: unknown, ru: unknown): Promise<number> {
  if (!is_null(ru)) return -EFAULT; /* kplay keeps no struct rusage */
  const r = await sys_wait4(int(pid), int(options));
  if (typeof r === "number") return r;
  if (!is_null(stat_addr) && put_user_u32(r[1], uptr(stat_addr))) return -EFAULT;
  return r[0];
}

/** uname(name): struct new_utsname, six fields of 65 bytes each. */
function sys_newuname(name: unknown): number {
  const u = current().kernel.utsname;
  const out = new Uint8Array(6 * 65);
  [u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname].forEach((f, i) => out.set(encoder.encode(f).subarray(0, 64), i * 65));
  return copy_to_user(uptr(name), out, out.length) ? -EFAULT : 0;
}

/** getcwd(buf, size): the length including the NUL; -ERANGE when it does not fit. */
function sys_getcwd(buf: unknown, size: unknown): number {
  const cwd = encoder.encode(current().cwd + "\0");
  if (cwd.length > uint(size)) return -ERANGE;
  return copy_to_user(uptr(buf), cwd, cwd.length) ? -EFAULT : cwd.length;
}

/** getgroups(gidsetsize, grouplist) with 32-bit gids. */
function sys_getgroups32(size: unknown, list: unknown): number {
  const groups: number[] = [];
  const n = sys_getgroups(int(size), int(size) ? groups : null);
  if (n <= 0 || !int(size)) return n;
  for (let i = 0; i < n; i++) if (put_user_u32(groups[i], uptr(list).add(4 * i))) return -EFAULT;
  return n;
}

/** setgroups(gidsetsize, grouplist) with 32-bit gids. */
function sys_setgroups32(size: unknown, list: unknown): number {
  const n = int(size);
  if (n < 0 || n > 65536) return -EINVAL;
  const groups: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = get_user_u32(uptr(list).add(4 * i));
    if (g === null) return -EFAULT;
    groups.push(g);
  }
  return sys_setgroups(groups);
}

/** pipe2(fildes, flags): the two descriptors into int fildes[2]. */
function sys_pipe2(fildes: unknown, flags: unknown): number {
  const r = do_pipe2(int(flags));
  if (typeof r === "number") return r;
  if (put_user_u32(r[0], uptr(fildes)) || put_user_u32(r[1], uptr(fildes).add(4))) {
    sys_close(r[0]);
    sys_close(r[1]);
    return -EFAULT;
  }
  return 0;
}

/**
 * utimensat(dfd, filename, utimes, flags): `size` is 8 for struct old_timespec32 (s32 tv_sec,
 * s32 tv_nsec; call 348) or 16 for struct __kernel_timespec (s64 tv_sec, s64 tv_nsec; call 412).
 */
function utimensat_regs(size: 8 | 16): SyscallEntry {
  return (dfd, filename, utimes, flags) => {
    let times: [Timespec64, Timespec64] | null = null;
    if (!is_null(utimes)) {
      const b = new Uint8Array(2 * size);
      if (copy_from_user(b, uptr(utimes), b.length)) return -EFAULT;
      const v = new DataView(b.buffer);
      const ts = (at: number): Timespec64 =>
        size === 8 ? { tv_sec: v.getInt32(at, true), tv_nsec: v.getInt32(at + 4, true) } : { tv_sec: Number(v.getBigInt64(at, true)), tv_nsec: Number(v.getBigInt64(at + 8, true)) };
      times = [ts(0), ts(size)];
    }
    let path: string | null = null;
    if (!is_null(filename)) {
      const s = getname(uptr(filename));
      if (typeof s === "number") return s;
      path = s;
    }
    return sys_utimensat(int(dfd), path, times, int(flags));
  };
}

/** readlinkat(dfd, pathname, buf, bufsiz) */
function sys_readlinkat(dfd: unknown, pathname: unknown, buf: unknown, bufsiz: unknown): number {
  if (int(bufsiz) <= 0) return -EINVAL;
  return with_name(pathname, (p) => {
    const path = dfd_path(int(dfd), p);
    if (typeof path === "number") return path;
    const target = sys_readlink(path);
    return typeof target === "number" ? target : copy_name_out(target, buf, int(bufsiz));
  });
}

/** syslog(type, buf, len) */
function sys_syslog(type: unknown, buf: unknown, len: unknown): Promise<number> {
  return do_syslog(int(type), ubuf(uptr(buf)), int(len));
}

/** init_module(umod, len, uargs): the image copied in, the parameters a string (strndup_user). */
async function sys_init_module(umod: unknown, len: unknown, uargs: unknown): Promise<number> {
  const image = memdup_user(uptr(umod), uint(len));
  if (!image) return -EFAULT;
  const args = strncpy_from_user(uptr(uargs), 4096);
  if (typeof args === "number") return -EFAULT;
  return current().kernel.modules.load_module(image, args);
}

/** finit_module(fd, uargs, flags) */
async function sys_finit_module(fd: unknown, uargs: unknown, flags: unknown): Promise<number> {
  const args = strncpy_from_user(uptr(uargs), 4096);
  if (typeof args === "number") return -EFAULT;
  return current().kernel.modules.finit_module(int(fd), args, int(flags));
}

/** delete_module(name_user, flags): the name is at most MODULE_NAME_LEN - 1 (59) bytes. */
async function sys_delete_module(name_user: unknown, flags: unknown): Promise<number> {
  const name = strncpy_from_user(uptr(name_user), 59);
  if (typeof name === "number") return name < 0 ? name : -EFAULT;
  return current().kernel.modules.delete_module(name, int(flags));
}

/* ---- sockets (net/socket.c) ---- */

const iov = (buf: unknown, len: unknown): Iovec[] => [{ iov_base: uptr(buf), iov_len: uint(len) }];

async function sys_recvfrom(fd: unknown, ubuf_: unknown, size: unknown, flags: unknown, addr: unknown, addr_len: unknown): Promise<number> {
  return with_len(addr_len, async (len) => {
    const r = await net.sys_recvmsg(int(fd), iov(ubuf_, size), int(flags), is_null(addr) ? null : uptr(addr), len);
    return typeof r === "number" ? r : r.n;
  });
}

/**
 * The entries by the names of syscall.tbl. Where the table names a 32-bit-id or 64-bit-time
 * variant (getuid32, utimensat_time64) it has its own entry; the 16-bit id calls narrow the ids
 * the way highuid.h does.
 */
export const syscall_entries: Readonly<Record<string, SyscallEntry>> = {
  exit: sys_exit,
  exit_group: sys_exit,
  read: (fd, buf, count) => ksys_read(uint(fd), uptr(buf), uint(count)),
  write: (fd, buf, count) => ksys_write(uint(fd), uptr(buf), uint(count)),
  open: (filename, flags, mode) => with_name(filename, (p) => do_sys_open_async(p, int(flags), uint(mode))),
  openat: (dfd, filename, flags, mode) => with_name(filename, (p) => do_sys_openat(int(dfd), p, int(flags), uint(mode))),
  creat: (pathname, mode) => with_name(pathname, (p) => do_sys_open_async(p, O_CREAT | O_WRONLY | O_TRUNC, uint(mode))),
  close: (fd) => sys_close(uint(fd)),
  lseek: (fd, offset, whence) => sys_lseek(uint(fd), int(offset), uint(whence)),
  unlink: (pathname) => with_name(pathname, sys_unlink),
  unlinkat: (dfd, pathname, flag) => with_name(pathname, (p) => sys_unlinkat(int(dfd), p, int(flag))),
  rmdir: (pathname) => with_name(pathname, sys_rmdir),
  mkdir: (pathname, mode) => with_name(pathname, (p) => sys_mkdir(p, uint(mode))),
  mkdirat: (dfd, pathname, mode) => with_name(pathname, (p) => sys_mkdirat(int(dfd), p, uint(mode))),
  chdir: (filename) => with_name(filename, sys_chdir),
  chmod: (filename, mode) => with_name(filename, (p) => sys_chmod(p, uint(mode))),
  fchmod: (fd, mode) => sys_fchmod(uint(fd), uint(mode)),
  fchmodat: (dfd, filename, mode) => with_name(filename, (p) => sys_fchmodat(int(dfd), p, uint(mode))),
  access: (filename, mode) => with_name(filename, (p) => sys_access(p, int(mode))),
  faccessat: (dfd, filename, mode) => with_name(filename, (p) => sys_faccessat(int(dfd), p, int(mode))),
  readlink: (path, buf, bufsiz) => sys_readlinkat(AT_FDCWD, path, buf, bufsiz),
  readlinkat: sys_readlinkat,
  utimensat: utimensat_regs(8),
  utimensat_time64: utimensat_regs(16),
  umask: (mask) => sys_umask(int(mask)),
  getcwd: sys_getcwd,
  dup: (fildes) => sys_dup(uint(fildes)),
  dup2: (oldfd, newfd) => sys_dup2(uint(oldfd), uint(newfd)),
  fcntl: (fd, cmd, arg) => sys_fcntl(uint(fd), uint(cmd), int(arg)),
  fcntl64: (fd, cmd, arg) => sys_fcntl(uint(fd), uint(cmd), int(arg)),
  pipe: (fildes) => sys_pipe2(fildes, 0),
  pipe2: sys_pipe2,
  ioctl: (fd, cmd, arg) => sys_ioctl(uint(fd), uint(cmd), arg),

  getpid: () => current().pid,
  getppid: () => current().parent?.pid ?? 0,
  getpgrp: () => current().pgrp,
  setpgid: (pid, pgid) => sys_setpgid(int(pid), int(pgid)),
  kill: (pid, sig) => sys_kill(int(pid), int(sig)),
  pause: sys_pause,
  nanosleep: sys_nanosleep,
  sched_yield: () => new Promise<number>((resolve) => setImmediate(() => resolve(0))),
  wait4: sys_wait4_regs,
  uname: sys_newuname,
  syslog: sys_syslog,

  getuid: () => high2lowuid(current().cred.uid),
  geteuid: () => high2lowuid(current().cred.euid),
  getgid: () => high2lowuid(current().cred.gid),
  getegid: () => high2lowuid(current().cred.egid),
  setuid: (uid) => sys_setuid(low2highuid(uint(uid))),
  setgid: (gid) => sys_setgid(low2highuid(uint(gid))),
  getuid32: () => current().cred.uid,
  geteuid32: () => current().cred.euid,
  getgid32: () => current().cred.gid,
  getegid32: () => current().cred.egid,
  setuid32: (uid) => sys_setuid(uint(uid)),
  setgid32: (gid) => sys_setgid(uint(gid)),
  getgroups32: sys_getgroups32,
  setgroups32: sys_setgroups32,

  init_module: sys_init_module,
  finit_module: sys_finit_module,
  delete_module: sys_delete_module,

  socket: (family, type, protocol) => net.sys_socket(int(family), int(type), int(protocol)),
  bind: (fd, umyaddr, addrlen) => net.sys_bind(int(fd), uptr(umyaddr), int(addrlen)),
  connect: (fd, uservaddr, addrlen) => net.sys_connect(int(fd), uptr(uservaddr), int(addrlen)),
  listen: (fd, backlog) => net.sys_listen(int(fd), int(backlog)),
  accept: (fd, upeer, upeer_len) => with_len(upeer_len, (len) => net.sys_accept4(int(fd), is_null(upeer) ? null : uptr(upeer), len, 0)),
  accept4: (fd, upeer, upeer_len, flags) => with_len(upeer_len, (len) => net.sys_accept4(int(fd), is_null(upeer) ? null : uptr(upeer), len, int(flags))),
  getsockname: (fd, usockaddr, ulen) => with_len(ulen, async (len) => (len ? net.sys_getname(int(fd), uptr(usockaddr), len, 0) : -EFAULT)),
  getpeername: (fd, usockaddr, ulen) => with_len(ulen, async (len) => (len ? net.sys_getname(int(fd), uptr(usockaddr), len, 1) : -EFAULT)),
  send: (fd, buff, len, flags) => net.sys_sendmsg(int(fd), iov(buff, len), int(flags), null, 0),
  sendto: (fd, buff, len, flags, addr, addr_len) => net.sys_sendmsg(int(fd), iov(buff, len), int(flags), is_null(addr) ? null : uptr(addr), int(addr_len)),
  recv: (fd, ubuf_, size, flags) => sys_recvfrom(fd, ubuf_, size, flags, 0, 0),
  recvfrom: sys_recvfrom,
  shutdown: (fd, how) => net.sys_shutdown(int(fd), int(how)),
  setsockopt: (fd, level, optname, optval, optlen) => net.sys_setsockopt(int(fd), int(level), int(optname), uptr(optval), int(optlen)),
  getsockopt: (fd, level, optname, optval, optlen) => with_len(optlen, async (len) => (len ? net.sys_getsockopt(int(fd), int(level), int(optname), uptr(optval), len) : -EFAULT)),
};
