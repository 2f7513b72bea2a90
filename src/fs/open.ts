// Mirrors fs/open.c, fs/namei.c (the system-call halves), fs/stat.c and fs/readdir.c: the
// path-based system calls.
import { EEXIST, EISDIR, ENOENT, ENOTDIR, EPERM, EBADF } from "../include/uapi/errno.js";
import { O_ACCMODE, O_CREAT, O_DIRECTORY, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY, S_ISDIR, S_ISLNK, O_CLOEXEC, S_IFMT } from "../include/uapi/fcntl.js";
import { ELOOP } from "../include/uapi/errno.js";
import { current, type Task } from "../kernel/sched/task.js";
import { File, FMODE_READ, FMODE_WRITE } from "./file.js";
import type { Inode } from "./inode.js";
import { inode_permission, lookup_parent, MAY_EXEC, MAY_READ, MAY_WRITE, path_lookup, type Walk } from "./namei.js";
import { ramfs_truncate } from "./ramfs.js";

export function walk_of(t: Task = current()): Walk {
  return { root: t.kernel.root, cwd: t.cwd, cred: t.cred };
}

/** A kernel-side open (filp_open): the file, or -errno. */
export function filp_open(path: string, flags: number, mode: number): File | number {
  const w = walk_of();
  let found = path_lookup(w, path, !(flags & O_NOFOLLOW));
  if (found === -ENOENT && flags & O_CREAT) {
    const p = lookup_parent(w, path);
    if (typeof p === "number") return p;
    const perm = inode_permission(p.dir.inode, MAY_WRITE | MAY_EXEC, w.cred);
    if (perm) return perm;
    const create = p.dir.inode.i_op.create;
    if (!create) return -EPERM;
    const inode = create(p.dir.inode, p.name, (mode & ~0o022) & 0o7777);
    if (typeof inode === "number") return inode;
    inode.uid = w.cred.fsuid;
    inode.gid = w.cred.fsgid;
    inode.mtime = Math.floor((current().kernel.clock.bootEpochMs + current().kernel.clock.now() / 1e6) / 1000);
    found = { inode, path: p.dir.path === "/" ? "/" + p.name : p.dir.path + "/" + p.name };
  } else if (typeof found !== "number" && flags & O_CREAT && flags & O_EXCL) {
    return -EEXIST;
  }
  if (typeof found === "number") return found;
  const inode: Inode = found.inode;
  if (S_ISLNK(inode.mode)) return -ELOOP;
  const acc = flags & O_ACCMODE;
  if (S_ISDIR(inode.mode) && acc !== O_RDONLY) return -EISDIR;
  if (flags & O_DIRECTORY && !S_ISDIR(inode.mode)) return -ENOTDIR;
  const mask = (acc === O_RDONLY ? MAY_READ : 0) | (acc === O_WRONLY ? MAY_WRITE : 0) | (acc === O_RDWR ? MAY_READ | MAY_WRITE : 0);
  const perm = inode_permission(inode, mask, w.cred);
  if (perm) return perm;
  const fmode = (acc !== O_WRONLY ? FMODE_READ : 0) | (acc !== O_RDONLY ? FMODE_WRITE : 0);
  const file = new File(inode, inode.i_fop, flags & ~(O_CREAT | O_EXCL | O_TRUNC), fmode, found.path);
  if (flags & O_TRUNC && acc !== O_RDONLY) ramfs_truncate(inode);
  return file;
}

/** Finish an open the way do_dentry_open does: ->open may refuse. */
async function finish_open(file: File): Promise<number> {
  const r = file.f_op.open ? await file.f_op.open(file.f_inode, file) : 0;
  return r;
}

/** do_sys_open(): a descriptor, or -errno. Opens whose ->open may sleep use do_sys_open_async. */
export function do_sys_open(path: string, flags: number, mode: number): number {
  const file = filp_open(path, flags, mode);
  if (typeof file === "number") return file;
  const r = file.f_op.open?.(file.f_inode, file) ?? 0;
  if (typeof r !== "number") throw new Error("kplay: ->open slept in a non-sleeping open");
  if (r < 0) return r;
  return install(file, flags);
}

export async function do_sys_open_async(path: string, flags: number, mode: number): Promise<number> {
  const file = filp_open(path, flags, mode);
  if (typeof file === "number") return file;
  const r = await finish_open(file);
  if (r < 0) return r;
  return install(file, flags);
}

function install(file: File, flags: number): number {
  const files = current().files!;
  const fd = files.fd_install(file);
  if (fd >= 0 && flags & O_CLOEXEC) files.close_on_exec.add(fd);
  return fd;
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

export function sys_mkdir(path: string, mode: number): number {
  const w = walk_of();
  const p = lookup_parent(w, path);
  if (typeof p === "number") return p;
  if (p.dir.inode.i_op.lookup?.(p.dir.inode, p.name)) return -EEXIST;
  const perm = inode_permission(p.dir.inode, MAY_WRITE | MAY_EXEC, w.cred);
  if (perm) return perm;
  const mkdir = p.dir.inode.i_op.mkdir;
  if (!mkdir) return -EPERM;
  const inode = mkdir(p.dir.inode, p.name, mode & ~0o022);
  if (typeof inode === "number") return inode;
  inode.uid = w.cred.fsuid;
  inode.gid = w.cred.fsgid;
  return 0;
}

function remove(path: string, dir: boolean): number {
  const w = walk_of();
  const p = lookup_parent(w, path);
  if (typeof p === "number") return p;
  const perm = inode_permission(p.dir.inode, MAY_WRITE | MAY_EXEC, w.cred);
  if (perm) return perm;
  const op = dir ? p.dir.inode.i_op.rmdir : p.dir.inode.i_op.unlink;
  if (!p.dir.inode.i_op.lookup?.(p.dir.inode, p.name)) return -ENOENT;
  return op ? op(p.dir.inode, p.name) : -EPERM;
}

export const sys_unlink = (path: string): number => remove(path, false);
export const sys_rmdir = (path: string): number => remove(path, true);

/** struct stat, as much of it as ls and friends print. */
export interface Stat {
  st_ino: number;
  st_mode: number;
  st_nlink: number;
  st_uid: number;
  st_gid: number;
  st_rdev: number;
  st_size: number;
  st_mtime: number;
}

export function stat_of(inode: Inode): Stat {
  return { st_ino: inode.ino, st_mode: inode.mode, st_nlink: inode.nlink, st_uid: inode.uid, st_gid: inode.gid, st_rdev: inode.rdev, st_size: inode.size, st_mtime: inode.mtime };
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
  return (found.inode.mode & S_IFMT) === 0o120000 ? found.inode.link : -22;
}

/** getdents64(fd): the names in an open directory (after "." and ".."), all at once. */
export function sys_getdents(fd: number): string[] | number {
  const f = current().files!.fget(fd);
  if (!f) return -EBADF;
  if (!S_ISDIR(f.f_inode.mode)) return -ENOTDIR;
  return [".", "..", ...(f.f_inode.i_op.readdir?.(f.f_inode) ?? [])];
}
