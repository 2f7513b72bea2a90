// Mirrors include/linux/fs.h (struct file, struct file_operations) and fs/file.c (the fd table).
import { EBADF, EMFILE } from "../include/uapi/errno.js";
import type { UserPtr } from "../kernel/uaccess.js";
import type { Inode } from "./inode.js";
import type { Module } from "../kernel/module/module.js";
import type { PollTable } from "./select.js";

/** loff_t *ppos */
export interface Loff {
  value: number;
}

/**
 * What a kernel call that may sleep returns: the result itself when it did not sleep, a promise of
 * it when it did. A call that never sleeps so costs no promise, as a C call costs no context switch.
 */
export type MaybeAsync<T> = T | Promise<T>;

/**
 * `fn(r)` now when `r` is a result, once it settles when `r` is a promise: the code after a call
 * that may sleep, for a caller that itself sleeps only when the call did.
 */
export function then_or_now<T, U>(r: MaybeAsync<T>, fn: (v: T) => MaybeAsync<U>): MaybeAsync<U> {
  return r instanceof Promise ? r.then(fn) : fn(r);
}

export interface FileOperations {
  owner?: Module | null;
  open?(inode: Inode, file: File): MaybeAsync<number>;
  release?(inode: Inode, file: File): void;
  read?(file: File, buf: UserPtr, count: number, ppos: Loff): MaybeAsync<number>;
  write?(file: File, buf: UserPtr, count: number, ppos: Loff): MaybeAsync<number>;
  llseek?(file: File, offset: number, whence: number): number;
  /**
   * The POLL* events ready now; while `wait` is given, also poll_wait() on each queue that will be
   * woken when that may change (fs/select.c).
   */
  poll?(file: File, wait: PollTable | null): number;
  unlocked_ioctl?(file: File, cmd: number, arg: unknown): MaybeAsync<number>;
}

export const FMODE_READ = 0x1;
export const FMODE_WRITE = 0x2;

export class File {
  f_pos = 0;
  f_count = 1;
  private_data: unknown = null;

  constructor(
    readonly f_inode: Inode,
    public f_op: FileOperations,
    public f_flags: number,
    readonly f_mode: number,
    /** The path it was opened by, for /proc/PID/fd and messages. */
    readonly f_path: string,
  ) {}
}

/** fput(): drop a reference; the last one calls ->release. */
export function fput(file: File): void {
  if (--file.f_count === 0) file.f_op.release?.(file.f_inode, file);
}

/** Hold a reference (get_file). */
export function get_file(file: File): File {
  file.f_count++;
  return file;
}

export const NR_OPEN_DEFAULT = 1024;

/** struct files_struct: a process's descriptor table. */
export class FilesStruct {
  readonly fd: (File | null)[] = [];
  readonly close_on_exec = new Set<number>();
  /** RLIMIT_NOFILE: descriptors at or above it cannot be allocated (EMFILE). */
  max_fds = NR_OPEN_DEFAULT;

  /** fget(fd): the open file, or null. */
  fget(fd: number): File | null {
    return Number.isInteger(fd) && fd >= 0 ? (this.fd[fd] ?? null) : null;
  }

  /** Install `file` at the lowest free descriptor >= min; the table takes the caller's reference. */
  fd_install(file: File, min = 0): number {
    for (let i = min; i < this.max_fds; i++) {
      if (!this.fd[i]) {
        this.fd[i] = file;
        return i;
      }
    }
    fput(file);
    return -EMFILE;
  }

  close_fd(fd: number): number {
    const f = this.fget(fd);
    if (!f) return -EBADF;
    this.fd[fd] = null;
    this.close_on_exec.delete(fd);
    fput(f);
    return 0;
  }

  /** dup2(oldfd, newfd) */
  dup2(oldfd: number, newfd: number): number {
    const f = this.fget(oldfd);
    if (!f || newfd < 0 || newfd >= NR_OPEN_DEFAULT) return -EBADF;
    if (oldfd === newfd) return newfd;
    const old = this.fd[newfd];
    this.fd[newfd] = get_file(f);
    this.close_on_exec.delete(newfd);
    if (old) fput(old);
    return newfd;
  }

  /** dup_fd(): a copy sharing the open files, as fork does. */
  clone(): FilesStruct {
    const n = new FilesStruct();
    n.max_fds = this.max_fds;
    this.fd.forEach((f, i) => {
      if (f) n.fd[i] = get_file(f);
    });
    for (const c of this.close_on_exec) n.close_on_exec.add(c);
    return n;
  }

  /** Close everything (exit_files). */
  close_all(): void {
    this.fd.forEach((f, i) => {
      if (f) this.close_fd(i);
    });
  }

  /** The descriptors in use, ascending. */
  open_fds(): number[] {
    const r: number[] = [];
    this.fd.forEach((f, i) => f && r.push(i));
    return r;
  }
}
