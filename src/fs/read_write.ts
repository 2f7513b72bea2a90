// Mirrors fs/read_write.c and fs/libfs.c helpers: vfs_read, vfs_write, kernel_read and
// kernel_write (the same for a buffer in kernel memory), the llseek flavours and
// simple_read_from_buffer.
import { EBADF, EINVAL, EISDIR, ESPIPE, EFAULT } from "../include/uapi/errno.js";
import { SEEK_CUR, SEEK_END, SEEK_SET, S_ISDIR } from "../include/uapi/fcntl.js";
import { copy_to_user, UserPtr } from "../kernel/uaccess.js";
import { cond_resched } from "../kernel/sched/core.js";
import { current } from "../kernel/sched/task.js";
import { FMODE_READ, FMODE_WRITE, type File, type Loff, type MaybeAsync } from "./file.js";

/** Run `op` at the file position and move the position by what it reports. */
function at_pos(file: File, op: (pos: Loff) => MaybeAsync<number>): MaybeAsync<number> {
  const pos: Loff = { value: file.f_pos };
  const done = (r: number): number => {
    if (r >= 0) file.f_pos = pos.value;
    return r;
  };
  const r = op(pos);
  return typeof r === "number" ? done(r) : r.then(done);
}

/** vfs_read(file, buf, count, &file->f_pos): synchronous when the driver's read is. */
export function vfs_read(file: File, buf: UserPtr, count: number): MaybeAsync<number> {
  const read = file.f_op.read;
  if (!(file.f_mode & FMODE_READ)) return -EBADF;
  if (S_ISDIR(file.f_inode.mode)) return -EISDIR;
  if (!read || count < 0) return -EINVAL;
  return at_pos(file, (pos) => read(file, buf, count, pos));
}

/** vfs_write(file, buf, count, &file->f_pos): synchronous when the driver's write is. */
export function vfs_write(file: File, buf: UserPtr, count: number): MaybeAsync<number> {
  const write = file.f_op.write;
  if (!(file.f_mode & FMODE_WRITE)) return -EBADF;
  if (!write || count < 0) return -EINVAL;
  return at_pos(file, (pos) => write(file, buf, count, pos));
}

/** MAX_RW_COUNT: one read or write moves at most INT_MAX rounded down to a page. */
const MAX_RW_COUNT = 0x7ffff000;

/** rw_verify_area(): a negative count or position is -EINVAL. */
function rw_verify_area(pos: Loff | null, count: number): number {
  if (count < 0) return -EINVAL;
  if (pos && pos.value < 0) return -EINVAL;
  return 0;
}

/**
 * Run `op` on a kernel buffer at *pos (0 when pos is null); on success move *pos by what it moved.
 * The file's own f_pos is left alone, as with kernel_read/kernel_write in 5.15.
 */
function kernel_rw(buf: Uint8Array, count: number, pos: Loff | null, op: (p: UserPtr, n: number, ppos: Loff) => MaybeAsync<number>): MaybeAsync<number> {
  const ppos: Loff = { value: pos ? pos.value : 0 };
  const done = (r: number): number => {
    if (r > 0 && pos) pos.value = ppos.value;
    return r;
  };
  const r = op(new UserPtr(buf), Math.min(count, MAX_RW_COUNT), ppos);
  return typeof r === "number" ? done(r) : r.then(done);
}

/**
 * kernel_read(file, buf, count, pos): read from `file` into the kernel buffer `buf`, at *pos (a
 * loff_t the caller keeps, often its own running offset; null reads at 0). The bytes read, or
 * -errno: -EINVAL for a file not opened for reading (5.15 also WARNs once) or without ->read.
 * Resolves at once unless the file's ->read sleeps (a socket with nothing queued).
 */
export function kernel_read(file: File, buf: Uint8Array, count: number, pos: Loff | null): MaybeAsync<number> {
  const ret = rw_verify_area(pos, count);
  if (ret) return ret;
  const read = file.f_op.read;
  if (!(file.f_mode & FMODE_READ) || !read) return -EINVAL;
  return kernel_rw(buf, count, pos, (p, n, ppos) => read(file, p, n, ppos));
}

/**
 * kernel_write(file, buf, count, pos): write `count` bytes of the kernel buffer `buf` to `file` at
 * *pos, as a system call's write would (O_APPEND files write at their end). The bytes written, or
 * -errno: -EBADF for a file not opened for writing (5.15 also WARNs once), -EINVAL without ->write.
 */
export function kernel_write(file: File, buf: Uint8Array, count: number, pos: Loff | null): MaybeAsync<number> {
  const ret = rw_verify_area(pos, count);
  if (ret) return ret;
  const write = file.f_op.write;
  if (!(file.f_mode & FMODE_WRITE)) return -EBADF;
  if (!write) return -EINVAL;
  return kernel_rw(buf, count, pos, (p, n, ppos) => write(file, p, n, ppos));
}

/** vfs_llseek(): files without ->llseek cannot seek. */
export function vfs_llseek(file: File, offset: number, whence: number): number {
  return file.f_op.llseek ? file.f_op.llseek(file, offset, whence) : -ESPIPE;
}

/** generic_file_llseek_size for a file of `size` bytes. */
export function generic_file_llseek_size(file: File, offset: number, whence: number, size: number): number {
  let pos: number;
  if (whence === SEEK_SET) pos = offset;
  else if (whence === SEEK_CUR) pos = file.f_pos + offset;
  else if (whence === SEEK_END) pos = size + offset;
  else return -EINVAL;
  if (pos < 0) return -EINVAL;
  file.f_pos = pos;
  return pos;
}

/** default_llseek(): SEEK_END is relative to i_size. */
export function default_llseek(file: File, offset: number, whence: number): number {
  return generic_file_llseek_size(file, offset, whence, file.f_inode.size);
}

/** no_llseek */
export function no_llseek(): number {
  return -ESPIPE;
}

/** simple_open(): private_data = inode->i_private. */
export function simple_open(inode: { i_private: unknown }, file: File): number {
  file.private_data = inode.i_private;
  return 0;
}

/**
 * simple_read_from_buffer(to, count, ppos, from, available): copy from a kernel buffer at *ppos.
 * Returns bytes copied, or -EFAULT if nothing could be.
 */
export function simple_read_from_buffer(to: UserPtr, count: number, ppos: Loff, from: Uint8Array): number {
  const pos = ppos.value;
  if (pos < 0) return -EINVAL;
  if (pos >= from.length || count === 0) return 0;
  const n = Math.min(count, from.length - pos);
  const left = copy_to_user(to, from.subarray(pos), n);
  if (left === n) return -EFAULT;
  ppos.value = pos + n - left;
  return n - left;
}


/** ksys_read(fd, buf, count): read(2) into the user buffer `buf`. */
export function ksys_read(fd: number, buf: UserPtr, count: number): MaybeAsync<number> {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  return cond_resched(vfs_read(f, buf, count));
}

/** ksys_write(fd, buf, count): write(2) from the user buffer `buf`. */
export function ksys_write(fd: number, buf: UserPtr, count: number): MaybeAsync<number> {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  return cond_resched(vfs_write(f, buf, count));
}

/** read(2) into a buffer of the calling program. */
export const sys_read = (fd: number, buf: Uint8Array, count: number): MaybeAsync<number> => ksys_read(fd, new UserPtr(buf), count);

/** write(2) from a buffer of the calling program. */
export const sys_write = (fd: number, buf: Uint8Array, count: number): MaybeAsync<number> => ksys_write(fd, new UserPtr(buf), count);

/** lseek(2) */
export function sys_lseek(fd: number, offset: number, whence: number): number {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  return vfs_llseek(f, offset, whence);
}

/** ioctl(2) */
export function sys_ioctl(fd: number, cmd: number, arg: unknown): MaybeAsync<number> {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  return f.f_op.unlocked_ioctl ? f.f_op.unlocked_ioctl(f, cmd, arg) : -25;
}
