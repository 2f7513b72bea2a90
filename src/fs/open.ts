// Mirrors fs/open.c (open, close, chdir, chmod, filp_open/filp_close), the system-call halves of
// fs/namei.c (mkdir, rmdir, unlink and their *at forms), fs/stat.c and fs/readdir.c: the
// path-based system calls. Paths are resolved with the caller's working directory, umask and
// filesystem credentials, for a user process and a kernel thread alike.
import { EACCES, EBADF, EEXIST, EINVAL, EISDIR, ELOOP, ENOENT, ENOTDIR, ENOTEMPTY, EBUSY, EPERM } from "../include/uapi/errno.js";
import {
  AT_FDCWD, AT_REMOVEDIR, O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY,
  S_IALLUGO, S_IFMT, S_ISDIR, S_ISGID, S_ISLNK,
} from "../include/uapi/fcntl.js";
import { current, type Task } from "../kernel/sched/task.js";
import { capable, CAP_FOWNER, CAP_FSETID } from "../kernel/capability.js";
import { in_group_p } from "../kernel/cred.js";
import { printk } from "../kernel/printk/printk.js";
import { File, FMODE_READ, FMODE_WRITE, fput } from "./file.js";
import { current_time, type Inode } from "./inode.js";
import { child_path, inode_permission, LAST_DOT, LAST_DOTDOT, LAST_NORM, lookup_parent, may_delete, MAY_EXEC, MAY_READ, MAY_WRITE, path_lookup, type Parent, type Walk } from "./namei.js";
import { ramfs_truncate } from "./ramfs.js";

export function walk_of(t: Task = current()): Walk {
  return { root: t.kernel.root, cwd: t.cwd, cred: t.cred };
}

/** inode_init_owner(): a new inode belongs to the fsuid; in a set-group-ID directory to its group. */
function inode_init_owner(inode: Inode, dir: Inode, w: Walk): void {
  inode.uid = w.cred.fsuid;
  inode.gid = w.cred.fsgid;
  if (dir.mode & S_ISGID) {
    inode.gid = dir.gid;
    if (S_ISDIR(inode.mode)) inode.mode |= S_ISGID;
  }
}

/** Create the regular file `p` for an O_CREAT open (vfs_create): the inode, or -errno. */
function open_create(w: Walk, p: Parent, mode: number): Inode | number {
  if (p.type !== LAST_NORM || p.slashes) return -EISDIR;
  const dir = p.dir.inode;
  const perm = inode_permission(dir, MAY_WRITE | MAY_EXEC, w.cred);
  if (perm) return perm;
  if (!dir.i_op.create) return -EACCES;
  const inode = dir.i_op.create(dir, p.name, mode & ~current().umask & S_IALLUGO);
  if (typeof inode === "number") return inode;
  inode_init_owner(inode, dir, w);
  return inode;
}

/**
 * do_filp_open(): resolve `path`, create it for O_CREAT (mode less the umask), check access (a file
 * the call created is not checked, as in do_open), truncate for O_TRUNC, and make the struct file.
 * The file's ->open has not run yet. Returns the file or -errno.
 */
export function do_filp_open(path: string, flags: number, mode: number): File | number {
  const w = walk_of();
  const acc = flags & O_ACCMODE;
  let found = path_lookup(w, path, !(flags & O_NOFOLLOW));
  let created = false;
  if (found === -ENOENT && flags & O_CREAT) {
    const p = lookup_parent(w, path);
    if (typeof p === "number") return p;
    const inode = open_create(w, p, mode);
    if (typeof inode === "number") return inode;
    found = { inode, path: child_path(p.dir, p.name) };
    created = true;
  } else if (typeof found !== "number" && flags & O_CREAT && flags & O_EXCL) {
    return -EEXIST;
  }
  if (typeof found === "number") return found;
  const inode: Inode = found.inode;
  if (S_ISLNK(inode.mode)) return -ELOOP;
  if (flags & O_CREAT && S_ISDIR(inode.mode)) return -EISDIR;
  if (flags & O_DIRECTORY && !S_ISDIR(inode.mode)) return -ENOTDIR;
  if (!created) {
    /* build_open_flags(): O_TRUNC needs write permission whatever the access mode */
    const mask = (acc === O_RDONLY || acc === O_RDWR ? MAY_READ : 0) | (acc === O_WRONLY || acc === O_RDWR || flags & O_TRUNC ? MAY_WRITE : 0);
    if (S_ISDIR(inode.mode) && mask & MAY_WRITE) return -EISDIR;
    const perm = inode_permission(inode, mask, w.cred);
    if (perm) return perm;
    if (flags & O_TRUNC) ramfs_truncate(inode);
  }
  const fmode = (acc !== O_WRONLY ? FMODE_READ : 0) | (acc !== O_RDONLY ? FMODE_WRITE : 0);
  return new File(inode, inode.i_fop, flags & ~(O_CREAT | O_EXCL | O_TRUNC), fmode, found.path);
}

/**
 * filp_open(filename, flags, mode): open a file from kernel code, in the current task (a system
 * call's caller or a kernel thread) with its credentials, working directory and umask. The file,
 * or -errno (ERR_PTR in C). The caller owns the reference and ends it with filp_close. Resolves at
 * once unless the file's ->open sleeps.
 */
export function filp_open(filename: string, flags: number, mode: number): File | number | Promise<File | number> {
  const file = do_filp_open(filename, flags, mode);
  if (typeof file === "number" || !file.f_op.open) return file;
  const r = file.f_op.open(file.f_inode, file);
  return typeof r === "number" ? (r < 0 ? r : file) : r.then((v) => (v < 0 ? v : file));
}

/** filp_close(filp, id): drop the reference filp_open gave. 0. */
export function filp_close(filp: File, _id: unknown = null): number {
  if (filp.f_count <= 0) {
    printk("\x013VFS: Close: file count is 0\n");
    return 0;
  }
  fput(filp);
  return 0;
}

/** do_sys_open(): a descriptor, or -errno. Opens whose ->open may sleep use do_sys_open_async. */
export function do_sys_open(path: string, flags: number, mode: number): number {
  const file = do_filp_open(path, flags, mode);
  if (typeof file === "number") return file;
  const r = file.f_op.open?.(file.f_inode, file) ?? 0;
  if (typeof r !== "number") throw new Error("kplay: ->open slept in a non-sleeping open");
  if (r < 0) return r;
  return install(file, flags);
}

export async function do_sys_open_async(path: string, flags: number, mode: number): Promise<number> {
  const file = await filp_open(path, flags, mode);
  if (typeof file === "number") return file;
  return install(file, flags);
}

function install(file: File, flags: number): number {
  const files = current().files!;
  const fd = files.fd_install(file);
  if (fd >= 0 && flags & O_CLOEXEC) files.close_on_exec.add(fd);
  return fd;
}

/**
 * The path a *at() call means: `path` itself when it is absolute or dfd is AT_FDCWD, else `path`
 * inside the directory open at dfd. -EBADF, -ENOTDIR.
 */
export function dfd_path(dfd: number, path: string): string | number {
  if (path.startsWith("/") || dfd === AT_FDCWD) return path;
  const f = current().files?.fget(dfd);
  if (!f) return -EBADF;
  if (!S_ISDIR(f.f_inode.mode)) return -ENOTDIR;
  return path === "" ? f.f_path : (f.f_path === "/" ? "" : f.f_path) + "/" + path;
}

/** openat(dfd, filename, flags, mode) */
export async function do_sys_openat(dfd: number, path: string, flags: number, mode: number): Promise<number> {
  const p = dfd_path(dfd, path);
  return typeof p === "number" ? p : do_sys_open_async(p, flags, mode);
}

export function sys_close(fd: number): number {
  return current().files!.close_fd(fd);
}

export function sys_chdir(path: string): number {
  const t = current();
  const found = path_lookup(walk_of(t), path);
  if (typeof found === "number") return found;
  if (!S_ISDIR(found.inode.mode)) return -ENOTDIR;
  const perm = inode_permission(found.inode, MAY_EXEC, t.cred);
  if (perm) return perm;
  t.cwd = found.path;
  return 0;
}

/**
 * faccessat(dfd, filename, mode): may the caller's real uid and gid read (R_OK 4), write (W_OK 2)
 * or execute (X_OK 1) the file, or does it exist (F_OK 0)? The check runs with the real ids as
 * filesystem ids, and with no capabilities unless the real uid is 0 (do_faccessat).
 */
export function sys_faccessat(dfd: number, filename: string, mode: number): number {
  if (mode & ~7) return -EINVAL;
  const path = dfd_path(dfd, filename);
  if (typeof path === "number") return path;
  const cred = current().cred;
  const as_real = { ...cred, fsuid: cred.uid, fsgid: cred.gid, cap_effective: cred.uid === 0 ? cred.cap_permitted : 0n };
  const found = path_lookup({ ...walk_of(), cred: as_real }, path);
  if (typeof found === "number") return found;
  return mode ? inode_permission(found.inode, mode, as_real) : 0;
}

export const sys_access = (filename: string, mode: number): number => sys_faccessat(AT_FDCWD, filename, mode);

/** chmod_common(): only the owner (or CAP_FOWNER) may; set-group-ID needs the group or CAP_FSETID. */
function chmod_common(inode: Inode, mode: number): number {
  const cred = current().cred;
  if (cred.fsuid !== inode.uid && !capable(CAP_FOWNER)) return -EPERM;
  if (!in_group_p(cred, inode.gid) && !capable(CAP_FSETID)) mode &= ~S_ISGID;
  inode.mode = (mode & S_IALLUGO) | (inode.mode & ~S_IALLUGO);
  inode.ctime = current_time();
  return 0;
}

/** fchmodat(dfd, filename, mode); chmod(2) is fchmodat(AT_FDCWD, ...). */
export function sys_fchmodat(dfd: number, filename: string, mode: number): number {
  const path = dfd_path(dfd, filename);
  if (typeof path === "number") return path;
  const found = path_lookup(walk_of(), path);
  return typeof found === "number" ? found : chmod_common(found.inode, mode);
}

export const sys_chmod = (filename: string, mode: number): number => sys_fchmodat(AT_FDCWD, filename, mode);

/** fchmod(fd, mode) */
export function sys_fchmod(fd: number, mode: number): number {
  const f = current().files!.fget(fd);
  return f ? chmod_common(f.f_inode, mode) : -EBADF;
}

/** mkdirat(dfd, pathname, mode): the mode less the umask, set-ID bits dropped (vfs_mkdir). */
export function sys_mkdirat(dfd: number, pathname: string, mode: number): number {
  const path = dfd_path(dfd, pathname);
  if (typeof path === "number") return path;
  const w = walk_of();
  const p = lookup_parent(w, path);
  if (typeof p === "number") return p;
  if (p.type !== LAST_NORM) return -EEXIST;
  const dir = p.dir.inode;
  if (dir.i_op.lookup?.(dir, p.name)) return -EEXIST;
  const perm = inode_permission(dir, MAY_WRITE | MAY_EXEC, w.cred);
  if (perm) return perm;
  if (!dir.i_op.mkdir) return -EPERM;
  const inode = dir.i_op.mkdir(dir, p.name, mode & ~current().umask & 0o1777);
  if (typeof inode === "number") return inode;
  inode_init_owner(inode, dir, w);
  return 0;
}

export const sys_mkdir = (pathname: string, mode: number): number => sys_mkdirat(AT_FDCWD, pathname, mode);

/** do_rmdir() and do_unlinkat(): look the name up, may_delete, then the directory's operation. */
function do_remove(pathname: string, isdir: boolean): number {
  const w = walk_of();
  const p = lookup_parent(w, pathname);
  if (typeof p === "number") return p;
  if (p.type !== LAST_NORM) {
    if (!isdir) return -EISDIR;
    return p.type === LAST_DOT ? -EINVAL : p.type === LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
  }
  const dir = p.dir.inode;
  const victim = dir.i_op.lookup?.(dir, p.name) ?? null;
  if (!victim) return -ENOENT;
  if (!isdir && p.slashes) return S_ISDIR(victim.mode) ? -EISDIR : -ENOTDIR;
  const err = may_delete(dir, victim, isdir, w.cred);
  if (err) return err;
  const op = isdir ? dir.i_op.rmdir : dir.i_op.unlink;
  return op ? op(dir, p.name) : -EPERM;
}

/** unlinkat(dfd, pathname, flag): AT_REMOVEDIR makes it rmdir. */
export function sys_unlinkat(dfd: number, pathname: string, flag: number): number {
  if (flag & ~AT_REMOVEDIR) return -EINVAL;
  const path = dfd_path(dfd, pathname);
  return typeof path === "number" ? path : do_remove(path, (flag & AT_REMOVEDIR) !== 0);
}

export const sys_unlink = (pathname: string): number => do_remove(pathname, false);
export const sys_rmdir = (pathname: string): number => do_remove(pathname, true);

/** struct stat, as much of it as ls and friends print. */
export interface Stat {
  st_ino: number;
  st_mode: number;
  st_nlink: number;
  st_uid: number;
  st_gid: number;
  st_rdev: number;
  st_size: number;
  /** 512-byte blocks; ramfs keeps none (its pages are not counted in i_blocks). */
  st_blocks: number;
  st_atime: number;
  st_mtime: number;
  st_ctime: number;
}

export function stat_of(inode: Inode): Stat {
  return {
    st_ino: inode.ino, st_mode: inode.mode, st_nlink: inode.nlink, st_uid: inode.uid, st_gid: inode.gid, st_rdev: inode.rdev,
    st_size: inode.size, st_blocks: 0, st_atime: inode.atime, st_mtime: inode.mtime, st_ctime: inode.ctime,
  };
}

/** stat(2) (follow) and lstat(2). */
export function sys_stat(path: string, follow = true): Stat | number {
  const found = path_lookup(walk_of(), path, follow);
  return typeof found === "number" ? found : stat_of(found.inode);
}

export function sys_fstat(fd: number): Stat | number {
  const f = current().files!.fget(fd);
  return f ? stat_of(f.f_inode) : -EBADF;
}

/** readlink(2) */
export function sys_readlink(path: string): string | number {
  const found = path_lookup(walk_of(), path, false);
  if (typeof found === "number") return found;
  return (found.inode.mode & S_IFMT) === 0o120000 ? found.inode.link : -EINVAL;
}

/** getdents64(fd): the names in an open directory (after "." and ".."), all at once. */
export function sys_getdents(fd: number): string[] | number {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  if (!S_ISDIR(f.f_inode.mode)) return -ENOTDIR;
  return [".", "..", ...(f.f_inode.i_op.readdir?.(f.f_inode) ?? [])];
}
