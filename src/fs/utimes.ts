// Mirrors fs/utimes.c: utimensat(2), which sets a file's access and modification times (touch).
import { EACCES, EBADF, EINVAL, EPERM } from "../include/uapi/errno.js";
import { AT_FDCWD, AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW } from "../include/uapi/fcntl.js";
import { capable, CAP_FOWNER } from "../kernel/capability.js";
import { current } from "../kernel/sched/task.js";
import { current_time, type Inode } from "./inode.js";
import { inode_permission, MAY_WRITE, path_lookup } from "./namei.js";
import { dfd_path, walk_of } from "./open.js";

/** struct timespec64 */
export interface Timespec64 {
  tv_sec: number;
  tv_nsec: number;
}

/** tv_nsec values that mean "the current time" and "leave this one alone" (include/linux/stat.h). */
export const UTIME_NOW = (1 << 30) - 1;
export const UTIME_OMIT = (1 << 30) - 2;

const nsec_valid = (nsec: number): boolean => nsec === UTIME_OMIT || nsec === UTIME_NOW || (nsec >= 0 && nsec <= 999_999_999);

/**
 * vfs_utimes(): set atime and mtime from `times` (null: both now), and ctime to now. Setting them
 * to now needs ownership, write permission or CAP_FOWNER (else -EACCES); setting them to a given
 * time needs ownership or CAP_FOWNER (else -EPERM). kplay keeps whole seconds.
 */
function vfs_utimes(inode: Inode, times: [Timespec64, Timespec64] | null): number {
  const cred = current().cred;
  const now = current_time();
  const set_atime = !times || times[0].tv_nsec !== UTIME_OMIT;
  const set_mtime = !times || times[1].tv_nsec !== UTIME_OMIT;
  const explicit = times !== null && [times[0], times[1]].some((t) => t.tv_nsec !== UTIME_NOW && t.tv_nsec !== UTIME_OMIT);
  const owner = cred.fsuid === inode.uid || capable(CAP_FOWNER);
  if (explicit && !owner) return -EPERM;
  if (!explicit && !owner && inode_permission(inode, MAY_WRITE, cred)) return -EACCES;
  const value = (t: Timespec64 | undefined): number => (!t || t.tv_nsec === UTIME_NOW ? now : t.tv_sec);
  if (set_atime) inode.atime = value(times?.[0]);
  if (set_mtime) inode.mtime = value(times?.[1]);
  inode.ctime = now;
  return 0;
}

/**
 * utimensat(dfd, filename, times, flags): `filename` null means the file open at dfd (futimens).
 * Returns 0 or -errno: EINVAL for a bad tv_nsec or flag, ENOENT, EACCES, EPERM, EBADF.
 */
export function sys_utimensat(dfd: number, filename: string | null, times: [Timespec64, Timespec64] | null, flags: number): number {
  if (times && !(nsec_valid(times[0].tv_nsec) && nsec_valid(times[1].tv_nsec))) return -EINVAL;
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  if (times && times[0].tv_nsec === UTIME_OMIT && times[1].tv_nsec === UTIME_OMIT) return 0;
  if (filename === null && dfd !== AT_FDCWD) {
    if (flags) return -EINVAL;
    const f = current().files?.fget(dfd);
    return f ? vfs_utimes(f.f_inode, times) : -EBADF;
  }
  const path = dfd_path(dfd, filename ?? "");
  if (typeof path === "number") return path;
  const found = path_lookup(walk_of(), path, !(flags & AT_SYMLINK_NOFOLLOW));
  return typeof found === "number" ? found : vfs_utimes(found.inode, times);
}
