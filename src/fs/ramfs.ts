// Mirrors fs/ramfs and the simple_* helpers of fs/libfs.c: directories and regular files that live
// only in memory. The root filesystem (the initramfs), /tmp and /root are ramfs. Timestamps follow
// the generic rules: a write sets mtime and ctime (file_update_time), a read sets atime the relatime
// way (touch_atime), and adding or removing a name sets the directory's mtime and ctime.
import { EEXIST, EFAULT, EFBIG, ENOENT, ENOTEMPTY, EISDIR, ENOTDIR } from "../include/uapi/errno.js";
import { O_APPEND, S_IFDIR, S_IFLNK, S_IFREG, S_ISDIR } from "../include/uapi/fcntl.js";
import { copy_from_user } from "../kernel/uaccess.js";
import { current_time, Inode, type InodeOperations } from "./inode.js";
import type { FileOperations } from "./file.js";
import { default_llseek, simple_read_from_buffer } from "./read_write.js";

const MAX_FILE = 64 << 20;

/** The bytes of a ramfs regular file. */
export interface RamfsData {
  bytes: Uint8Array;
}

function data(inode: Inode): RamfsData {
  return inode.i_private as RamfsData;
}

/**
 * touch_atime() under relatime, the default mount option: atime moves only when it is not after
 * mtime or ctime, or is a day old.
 */
function touch_atime(inode: Inode): void {
  const now = current_time();
  if (inode.atime <= inode.mtime || inode.atime <= inode.ctime || now - inode.atime >= 24 * 60 * 60) inode.atime = now;
}

/** file_update_time(): a write changes the data and the inode. */
function file_update_time(inode: Inode): void {
  inode.mtime = inode.ctime = current_time();
}

/** A name was added to or removed from `dir`. */
function dir_changed(dir: Inode): void {
  dir.mtime = dir.ctime = current_time();
}

export const ramfs_file_operations: FileOperations = {
  read(file, buf, count, ppos) {
    const r = simple_read_from_buffer(buf, count, ppos, data(file.f_inode).bytes.subarray(0, file.f_inode.size));
    touch_atime(file.f_inode);
    return r;
  },
  write(file, buf, count, ppos) {
    const inode = file.f_inode;
    const d = data(inode);
    const pos = file.f_flags & O_APPEND ? inode.size : ppos.value;
    if (count === 0) return 0;
    if (pos + count > MAX_FILE) return -EFBIG;
    file_update_time(inode);
    if (pos + count > d.bytes.length) {
      const grown = new Uint8Array(Math.max(pos + count, d.bytes.length * 2, 64));
      grown.set(d.bytes.subarray(0, inode.size));
      d.bytes = grown;
    }
    const tmp = new Uint8Array(count);
    const left = copy_from_user(tmp, buf, count);
    const n = count - left;
    if (n === 0) return -EFAULT;
    if (pos > inode.size) d.bytes.fill(0, inode.size, pos);
    d.bytes.set(tmp.subarray(0, n), pos);
    inode.size = Math.max(inode.size, pos + n);
    ppos.value = pos + n;
    return n;
  },
  llseek: default_llseek,
};

/** Truncate a ramfs file to zero length (O_TRUNC: do_truncate with ATTR_MTIME | ATTR_CTIME). */
export function ramfs_truncate(inode: Inode): void {
  if (inode.i_fop !== ramfs_file_operations) return;
  inode.size = 0;
  file_update_time(inode);
}

export const ramfs_dir_operations: FileOperations = {};

function entries(dir: Inode): Map<string, Inode> {
  return dir.i_private as Map<string, Inode>;
}

export const ramfs_dir_inode_operations: InodeOperations = {
  lookup: (dir, name) => entries(dir).get(name) ?? null,
  /** dcache_readdir(): a new dentry goes to the head of d_subdirs, so the newest name comes first. */
  readdir: (dir) => [...entries(dir).keys()].reverse(),
  create(dir, name, mode) {
    if (entries(dir).has(name)) return -EEXIST;
    const inode = ramfs_new_file(new Uint8Array(0), mode & 0o7777);
    entries(dir).set(name, inode);
    dir_changed(dir);
    return inode;
  },
  mkdir(dir, name, mode) {
    if (entries(dir).has(name)) return -EEXIST;
    const inode = ramfs_new_dir(mode & 0o7777);
    entries(dir).set(name, inode);
    dir.nlink++;
    dir_changed(dir);
    return inode;
  },
  /** simple_unlink() */
  unlink(dir, name) {
    const inode = entries(dir).get(name);
    if (!inode) return -ENOENT;
    if (S_ISDIR(inode.mode)) return -EISDIR;
    entries(dir).delete(name);
    inode.nlink--;
    inode.ctime = current_time();
    dir_changed(dir);
    return 0;
  },
  /** simple_rmdir(): only an empty directory goes. */
  rmdir(dir, name) {
    const inode = entries(dir).get(name);
    if (!inode) return -ENOENT;
    if (!S_ISDIR(inode.mode)) return -ENOTDIR;
    if (entries(inode).size > 0) return -ENOTEMPTY;
    entries(dir).delete(name);
    inode.nlink = 0;
    inode.ctime = current_time();
    dir.nlink--;
    dir_changed(dir);
    return 0;
  },
};

export function ramfs_new_dir(perm = 0o755): Inode {
  const inode = new Inode(S_IFDIR | perm, ramfs_dir_operations);
  inode.i_op = ramfs_dir_inode_operations;
  inode.i_private = new Map<string, Inode>();
  inode.nlink = 2;
  return inode;
}

export function ramfs_new_file(bytes: Uint8Array, perm = 0o644): Inode {
  const inode = new Inode(S_IFREG | perm, ramfs_file_operations);
  inode.i_private = { bytes } satisfies RamfsData;
  inode.size = bytes.length;
  return inode;
}

export function ramfs_new_symlink(target: string): Inode {
  const inode = new Inode(S_IFLNK | 0o777, {});
  inode.link = target;
  inode.size = target.length;
  return inode;
}

/** Attach `inode` as `name` in ramfs directory `dir` (used to build the initramfs). */
export function ramfs_link(dir: Inode, name: string, inode: Inode): Inode {
  entries(dir).set(name, inode);
  if (S_ISDIR(inode.mode)) dir.nlink++;
  return inode;
}
