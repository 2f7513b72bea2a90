// The system-call wrappers of the C library (unistd.h, fcntl.h, sys/stat.h, sys/wait.h, signal.h,
// sys/klog.h, sys/utsname.h): each enters the kernel once, and on failure sets errno and returns -1.
import { syscall } from "../../kernel/entry.js";
import { cond_resched } from "../../kernel/sched/core.js";
import { current } from "../../kernel/sched/task.js";
import { sys_read, sys_write, sys_lseek, sys_ioctl } from "../../fs/read_write.js";
import { do_sys_open_async, sys_access, sys_chdir, sys_chmod, sys_close, sys_fchmod, sys_fstat, sys_getdents, sys_mkdir, sys_readlink, sys_rmdir, sys_stat, sys_unlink, type Stat } from "../../fs/open.js";
import { sys_dup, sys_dup2, sys_fcntl } from "../../fs/fcntl.js";
import { sys_utimensat } from "../../fs/utimes.js";
import { do_pipe2 } from "../../fs/pipe.js";
import { sys_spawn, sys_spawn_fn, type SpawnAttr } from "../../kernel/fork.js";
import { sys_wait4 } from "../../kernel/exit.js";
import { sys_kill } from "../../kernel/signal.js";
import { do_syslog } from "../../kernel/printk/devkmsg.js";
import { sys_getgroups, sys_setgid, sys_setgroups, sys_setpgid, sys_setuid, sys_umask } from "../../kernel/sys.js";
import { EINVAL } from "../../include/uapi/errno.js";
import { TCGETS, TIOCGWINSZ, TIOCSPGRP, TIOCGPGRP } from "../../drivers/tty/tty.js";
import { schedule_timeout_interruptible } from "../../kernel/sched/wait.js";
import { sys_poll, type PollFd } from "../../fs/select.js";
import type { SigHandler } from "../../kernel/sched/task.js";
import type { Utsname } from "../../kernel/kernel.js";
import type { MaybeAsync } from "../../fs/file.js";
import { libc, libc_attach, ret } from "./state.js";
import { FILE } from "./stdio.js";
import { exit } from "./stdlib.js";

export type { Stat } from "../../fs/open.js";
export type { SpawnAttr, SpawnAction } from "../../kernel/fork.js";

const on = (r: MaybeAsync<number>): MaybeAsync<number> => (typeof r === "number" ? ret(r) : r.then(ret));

/**
 * Where a timer interrupt would preempt user code that makes no system call: yield when the time
 * slice is used up, then take pending signals, as the return from an interrupt does. Not a libc
 * function; the shell's loops call it.
 */
export const preempt_point = (): MaybeAsync<number> => syscall(() => cond_resched(0));

export const read = (fd: number, buf: Uint8Array, count: number): MaybeAsync<number> => on(syscall(() => sys_read(fd, buf, count)));
export const write = (fd: number, buf: Uint8Array, count: number): MaybeAsync<number> => on(syscall(() => sys_write(fd, buf, count)));
export const open = (path: string, flags: number, mode = 0o666): Promise<number> => syscall(() => do_sys_open_async(path, flags, mode)).then(ret);
export const close = (fd: number): number => ret(syscall(() => sys_close(fd)));
export const lseek = (fd: number, off: number, whence: number): number => ret(syscall(() => sys_lseek(fd, off, whence)));
export const unlink = (path: string): number => ret(syscall(() => sys_unlink(path)));
export const rmdir = (path: string): number => ret(syscall(() => sys_rmdir(path)));
export const mkdir = (path: string, mode: number): number => ret(syscall(() => sys_mkdir(path, mode)));
export const chdir = (path: string): number => ret(syscall(() => sys_chdir(path)));
export const dup2 = (oldfd: number, newfd: number): number => ret(syscall(() => sys_dup2(oldfd, newfd)));
export const chmod = (path: string, mode: number): number => ret(syscall(() => sys_chmod(path, mode)));
export const fchmod = (fd: number, mode: number): number => ret(syscall(() => sys_fchmod(fd, mode)));
/** umask(mask): the previous mask (never fails). */
export const umask = (mask: number): number => syscall(() => sys_umask(mask));

export const F_OK = 0;
export const X_OK = 1;
export const W_OK = 2;
export const R_OK = 4;
/** access(path, mode): checked with the real uid and gid. */
export const access = (path: string, mode: number): number => ret(syscall(() => sys_access(path, mode)));

export { UTIME_NOW, UTIME_OMIT } from "../../fs/utimes.js";
/** utimensat(dirfd, path, times, flags): times null sets both to now; tv_nsec may be UTIME_NOW or UTIME_OMIT. */
export const utimensat = (dirfd: number, path: string, times: [Timespec, Timespec] | null, flags: number): number => ret(syscall(() => sys_utimensat(dirfd, path, times, flags)));
/** futimens(fd, times) */
export const futimens = (fd: number, times: [Timespec, Timespec] | null): number => ret(syscall(() => sys_utimensat(fd, null, times, 0)));

export { F_DUPFD, F_GETFD, F_SETFD, F_DUPFD_CLOEXEC, FD_CLOEXEC } from "../../fs/fcntl.js";

/** fcntl(fd, cmd, arg) for the descriptor commands: F_DUPFD(_CLOEXEC), F_GETFD, F_SETFD. */
export const fcntl = (fd: number, cmd: number, arg = 0): number => ret(syscall(() => sys_fcntl(fd, cmd, arg)));
export const dup = (fd: number): number => ret(syscall(() => sys_dup(fd)));
export const getpid = (): number => syscall(() => current().pid);
export const getppid = (): number => syscall(() => current().parent?.pid ?? 0);
export const getuid = (): number => syscall(() => current().cred.uid);
export const geteuid = (): number => syscall(() => current().cred.euid);
export const getgid = (): number => syscall(() => current().cred.gid);
export const getegid = (): number => syscall(() => current().cred.egid);
export const setuid = (uid: number): number => ret(syscall(() => sys_setuid(uid)));
export const setgid = (gid: number): number => ret(syscall(() => sys_setgid(gid)));
export const setgroups = (groups: number[]): number => ret(syscall(() => sys_setgroups(groups)));
/** getgroups(size, list): the supplementary groups into list; size 0 returns the count. */
export const getgroups = (size: number, list: number[] | null): number => ret(syscall(() => sys_getgroups(size, list)));
export const getcwd = (): string => syscall(() => current().cwd);

function value<T>(r: T | number): T | null {
  if (typeof r === "number") {
    ret(r);
    return null;
  }
  return r;
}

export const stat = (path: string): Stat | null => value(syscall(() => sys_stat(path, true)));
export const lstat = (path: string): Stat | null => value(syscall(() => sys_stat(path, false)));
export const fstat = (fd: number): Stat | null => value(syscall(() => sys_fstat(fd)));
export const readlink = (path: string): string | null => value(syscall(() => sys_readlink(path)));
/** The names in directory `fd` (getdents64). */
export const getdents = (fd: number): string[] | null => value(syscall(() => sys_getdents(fd)));

/** pipe2(fds, flags): [read end, write end] or null. */
export const pipe = (flags = 0): [number, number] | null => value(syscall(() => do_pipe2(flags)));

/** posix_spawn(): 0 and the pid, or the error number (posix_spawn returns it, errno untouched). */
export function posix_spawn(path: string, argv: string[], envp: string[], attr: SpawnAttr = {}): { err: number; pid: number } {
  const r = syscall(() => sys_spawn(path, argv, envp, attr));
  return r < 0 ? { err: -r, pid: -1 } : { err: 0, pid: r };
}

/**
 * fork() for a continuation: a copy of this process that runs `fn` and exits with what it returns.
 * The child gets a copy of the C library's state (environment, errno, stdio modes with empty
 * buffers, which the parent flushes first, as fflush before fork does).
 */
export function fork_fn(fn: () => Promise<number>, attr: SpawnAttr = {}): number {
  const parent = libc();
  parent.stdout.flush();
  parent.stderr.flush();
  return ret(
    syscall(() =>
      sys_spawn_fn(async () => {
        libc_attach(current(), {
          errno: 0,
          environ: new Map(parent.environ),
          progname: parent.progname,
          stdin: new FILE(0, parent.stdin.mode),
          stdout: new FILE(1, parent.stdout.mode),
          stderr: new FILE(2, parent.stderr.mode),
        });
        return exit(await fn());
      }, attr),
    ),
  );
}

export const WNOHANG = 1;

/** waitpid(pid, &status, options): [pid, status], 0 with WNOHANG and nothing ready, or -1. */
export async function waitpid(pid: number, options = 0): Promise<[number, number] | 0 | -1> {
  const r = await syscall(() => sys_wait4(pid, options));
  if (typeof r === "number") return r === 0 ? 0 : (ret(r) as -1);
  return r;
}

export const WIFEXITED = (s: number): boolean => (s & 0x7f) === 0;
export const WEXITSTATUS = (s: number): number => (s >> 8) & 0xff;
export const WIFSIGNALED = (s: number): boolean => (s & 0x7f) !== 0 && (s & 0x7f) !== 0x7f;
export const WTERMSIG = (s: number): number => s & 0x7f;

/** kill(pid, sig); a negative pid signals a process group. */
export const kill = (pid: number, sig: number): number => ret(syscall(() => sys_kill(pid, sig)));

/**
 * sched_yield(): let every other runnable task run first. On kplay's cooperative scheduler this is
 * also what a real CPU's wakeup preemption gives a freshly signalled child.
 */
export function sched_yield(): Promise<number> {
  return syscall(() => new Promise<number>((resolve) => setImmediate(() => resolve(0))));
}

/** signal(sig, handler): the previous disposition. */
export function signal(sig: number, handler: SigHandler): SigHandler {
  return syscall(() => {
    const t = current();
    const old = t.sighand.get(sig) ?? "default";
    t.sighand.set(sig, handler);
    return old;
  });
}

export const setpgid = (pid: number, pgid: number): number => ret(syscall(() => sys_setpgid(pid, pgid)));

export const getpgrp = (): number => syscall(() => current().pgrp);

/** ioctl(fd, request, argp): argp is the structure the request reads or fills (a struct ifreq's bytes, ...). */
export async function ioctl(fd: number, request: number, argp: unknown): Promise<number> {
  return ret(await syscall(() => sys_ioctl(fd, request, argp)));
}

export async function isatty(fd: number): Promise<boolean> {
  const r = await syscall(() => sys_ioctl(fd, TCGETS, null));
  if (r < 0) libc().errno = -r;
  return r === 0;
}

export async function tcsetpgrp(fd: number, pgrp: number): Promise<number> {
  return ret(await syscall(() => sys_ioctl(fd, TIOCSPGRP, { value: pgrp })));
}

export async function tcgetpgrp(fd: number): Promise<number> {
  const box = { value: 0 };
  const r = await syscall(() => sys_ioctl(fd, TIOCGPGRP, box));
  return r < 0 ? ret(r) : box.value;
}

/** TIOCGWINSZ: the terminal's size, or null when fd is not a terminal. */
export async function get_winsize(fd: number): Promise<{ rows: number; cols: number } | null> {
  const ws = { rows: 0, cols: 0 };
  const r = await syscall(() => sys_ioctl(fd, TIOCGWINSZ, ws));
  return r < 0 ? (ret(r), null) : ws;
}

/** nanosleep for `ns`; -1 with EINTR when a signal cut it short. */
export async function nanosleep(ns: number): Promise<number> {
  const left = await syscall(() => schedule_timeout_interruptible(ns));
  return left > 0 ? ret(-4) : 0;
}

/**
 * poll(fds, nfds, timeout) (poll.h): wait until a descriptor has one of its `events` (or an error,
 * hang-up or POLLNVAL), filling each `revents`; `timeout_ms` < 0 waits for ever, 0 does not wait.
 * The count of descriptors with events, 0 on timeout, -1 with errno (EINTR after a signal handler).
 */
export async function poll(fds: PollFd[], timeout_ms: number): Promise<number> {
  return ret(await syscall(() => sys_poll(fds, timeout_ms)));
}

/** pause(): sleep until a signal handler runs (or a signal ends the process); -1 with EINTR. */
export async function pause(): Promise<number> {
  await syscall(() => schedule_timeout_interruptible(Number.MAX_SAFE_INTEGER));
  return ret(-4);
}

/** klogctl(type, buf, len) */
export async function klogctl(type: number, buf: Uint8Array | null, len: number): Promise<number> {
  return ret(await syscall(() => do_syslog(type, buf, len)));
}

/** time.h clock ids (include/uapi/linux/time.h). */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_BOOTTIME = 7;

/** struct timespec */
export interface Timespec {
  tv_sec: number;
  tv_nsec: number;
}

/**
 * clock_gettime(clk, &ts): served by the vDSO on ARM, so it does not enter the kernel (no system-call
 * cost on the virtual clock). kplay never suspends, so CLOCK_BOOTTIME equals CLOCK_MONOTONIC; the
 * wall clock is the boot time (clock.bootEpochMs) plus the time since boot. An unknown clock gives
 * null with errno EINVAL.
 */
export function clock_gettime(clk: number): Timespec | null {
  const clock = current().kernel.clock;
  const up = Math.floor(clock.now());
  if (clk === CLOCK_MONOTONIC || clk === CLOCK_BOOTTIME) return { tv_sec: Math.floor(up / 1e9), tv_nsec: up % 1e9 };
  if (clk === CLOCK_REALTIME) {
    // whole seconds and the rest apart: nanoseconds since the epoch do not fit a double exactly
    const bootSec = Math.floor(clock.bootEpochMs / 1000);
    const ns = Math.round((clock.bootEpochMs - bootSec * 1000) * 1e6) + up;
    return { tv_sec: bootSec + Math.floor(ns / 1e9), tv_nsec: ns % 1e9 };
  }
  libc().errno = EINVAL;
  return null;
}

/** time(NULL): whole seconds of CLOCK_REALTIME (the vDSO's time(), no system call). */
export function time(): number {
  return clock_gettime(CLOCK_REALTIME)!.tv_sec;
}

/** uname(&buf) */
export function uname(): Utsname {
  return syscall(() => ({ ...current().kernel.utsname }));
}

/** init_module(image, len, param_values) */
export async function init_module(image: Uint8Array, params: string): Promise<number> {
  return ret(await syscall(() => current().kernel.modules.load_module(image, params)));
}

/** finit_module(fd, param_values, flags) */
export async function finit_module(fd: number, params: string, flags = 0): Promise<number> {
  return ret(await syscall(() => current().kernel.modules.finit_module(fd, params, flags)));
}

/** delete_module(name, flags) */
export async function delete_module(name: string, flags: number): Promise<number> {
  return ret(await syscall(() => current().kernel.modules.delete_module(name, flags)));
}
