// Mirrors fs/namei.c: path walk, permission checks (generic_permission), symlink following, and
// the checks before removing a name (may_delete, check_sticky).
import { EACCES, EBUSY, EISDIR, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR, EPERM } from "../include/uapi/errno.js";
import { S_ISDIR, S_ISLNK } from "../include/uapi/fcntl.js";
import { in_group_p, type Cred } from "../kernel/cred.js";
import { cap_raised, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER } from "../kernel/capability.js";
import { strncpy_from_user, type UserPtr } from "../kernel/uaccess.js";
import type { Inode } from "./inode.js";

export const MAY_EXEC = 1;
export const MAY_WRITE = 2;
export const MAY_READ = 4;

const MAXSYMLINKS = 40;
export const PATH_MAX = 4096;
export const NAME_MAX = 255;

/** acl_permission_check(): the owner, group or other bits that apply to the fs uid and groups. */
function acl_permission_check(inode: Inode, mask: number, cred: Cred): number {
  let mode = inode.mode & 0o7;
  if (cred.fsuid === inode.uid) mode = (inode.mode >> 6) & 0o7;
  else if (in_group_p(cred, inode.gid)) mode = (inode.mode >> 3) & 0o7;
  return (mask & ~mode) === 0 ? 0 : -EACCES;
}

/**
 * generic_permission(): the mode bits, then the overrides: CAP_DAC_OVERRIDE reads and writes
 * anything, searches any directory and executes a file with any x bit; CAP_DAC_READ_SEARCH reads
 * any file and reads and searches any directory.
 */
export function inode_permission(inode: Inode, mask: number, cred: Cred): number {
  if (inode.i_op.permission) return inode.i_op.permission(inode, mask, cred);
  if (acl_permission_check(inode, mask, cred) === 0) return 0;
  const dac_override = cap_raised(cred.cap_effective, CAP_DAC_OVERRIDE);
  if (S_ISDIR(inode.mode)) {
    if (dac_override) return 0;
    if (!(mask & MAY_WRITE) && cap_raised(cred.cap_effective, CAP_DAC_READ_SEARCH)) return 0;
    return -EACCES;
  }
  if (dac_override && (!(mask & MAY_EXEC) || inode.mode & 0o111)) return 0;
  if (mask === MAY_READ && cap_raised(cred.cap_effective, CAP_DAC_READ_SEARCH)) return 0;
  return -EACCES;
}

/**
 * getname(filename): the path a system call's caller passed in its memory; -EFAULT (bad pointer),
 * -ENAMETOOLONG (no NUL within PATH_MAX bytes) or -ENOENT (the empty string).
 */
export function getname(filename: UserPtr): string | number {
  const s = strncpy_from_user(filename, PATH_MAX);
  if (typeof s === "number") return s === PATH_MAX ? -ENAMETOOLONG : s;
  return s.length === 0 ? -ENOENT : s;
}

/** Join `path` onto `cwd` and fold "." and ".." (".." of "/" is "/"). */
export function normalize_path(path: string, cwd = "/"): string {
  const parts: string[] = [];
  for (const p of (path.startsWith("/") ? path : cwd + "/" + path).split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return "/" + parts.join("/");
}

export interface Walk {
  root: Inode;
  cwd: string;
  cred: Cred;
}

export interface Found {
  inode: Inode;
  /** The absolute, symlink-free path of the inode. */
  path: string;
}

/**
 * Walk `path` to an inode, following symlinks (the last one only when `follow`). A trailing slash
 * asks for a directory. Returns -errno: ENOENT, ENOTDIR, EACCES (no search permission on the way),
 * ELOOP, ENAMETOOLONG.
 */
export function path_lookup(w: Walk, path: string, follow = true, depth = 0): Found | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const must_be_dir = path.endsWith("/");
  const abs = normalize_path(path, w.cwd);
  const names = abs.split("/").filter(Boolean);
  let inode = w.root;
  let at = "/";
  for (let i = 0; i < names.length; i++) {
    if (!S_ISDIR(inode.mode)) return -ENOTDIR;
    const perm = inode_permission(inode, MAY_EXEC, w.cred);
    if (perm) return perm;
    if (names[i].length > NAME_MAX) return -ENAMETOOLONG;
    const child = inode.i_op.lookup?.(inode, names[i]) ?? null;
    if (!child) return -ENOENT;
    const last = i === names.length - 1;
    if (S_ISLNK(child.mode) && (!last || follow || must_be_dir)) {
      if (depth >= MAXSYMLINKS) return -ELOOP;
      const target = child.link.startsWith("/") ? child.link : (at === "/" ? "" : at) + "/" + child.link;
      const rest = names.slice(i + 1).join("/");
      return path_lookup(w, target + (rest ? "/" + rest : "") + (must_be_dir ? "/" : ""), follow, depth + 1);
    }
    inode = child;
    at = (at === "/" ? "" : at) + "/" + names[i];
  }
  if (must_be_dir && !S_ISDIR(inode.mode)) return -ENOTDIR;
  return { inode, path: at };
}

/** The kind of a path's last component (nd->last_type). */
export const LAST_NORM = 0;
export const LAST_ROOT = 1;
export const LAST_DOT = 2;
export const LAST_DOTDOT = 3;

export interface Parent {
  /** The directory that holds (or will hold) the last component. */
  dir: Found;
  /** The last component; "" for the root. */
  name: string;
  type: number;
  /** The path ended in a slash ("dir/"), so the name must be a directory. */
  slashes: boolean;
}

/**
 * filename_parentat(): split `path` into its directory, walked and searchable (MAY_EXEC), and its
 * last component, for create, mkdir, unlink and rmdir. "." and ".." come back as LAST_DOT and
 * LAST_DOTDOT (callers refuse them), "/" as LAST_ROOT.
 */
export function lookup_parent(w: Walk, path: string): Parent | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const trimmed = path.replace(/\/+$/, "");
  const slashes = trimmed.length !== path.length;
  const cut = trimmed.lastIndexOf("/");
  const name = trimmed.slice(cut + 1);
  const dir = path_lookup(w, cut < 0 ? "." : trimmed.slice(0, cut) || "/");
  if (typeof dir === "number") return dir;
  if (!S_ISDIR(dir.inode.mode)) return -ENOTDIR;
  if (trimmed === "") return { dir, name: "", type: LAST_ROOT, slashes };
  const perm = inode_permission(dir.inode, MAY_EXEC, w.cred);
  if (perm) return perm;
  if (name.length > NAME_MAX) return -ENAMETOOLONG;
  const type = name === "." ? LAST_DOT : name === ".." ? LAST_DOTDOT : LAST_NORM;
  return { dir, name, type, slashes };
}

/** The path of `name` inside the directory found at `dir`. */
export function child_path(dir: Found, name: string): string {
  return dir.path === "/" ? "/" + name : dir.path + "/" + name;
}

/** check_sticky(): in a sticky directory only the file's owner, the directory's owner or CAP_FOWNER may remove. */
function check_sticky(dir: Inode, inode: Inode, cred: Cred): boolean {
  if (!(dir.mode & 0o1000)) return false;
  if (inode.uid === cred.fsuid || dir.uid === cred.fsuid) return false;
  return !cap_raised(cred.cap_effective, CAP_FOWNER);
}

/**
 * may_delete(dir, victim, isdir): whether `cred` may remove `victim` from `dir`: 0, -EACCES (no
 * write and search permission on dir), -EPERM (sticky dir), -ENOTDIR / -EISDIR (the wrong call for
 * the victim's type), -EBUSY (a directory something is mounted on, such as /proc).
 */
export function may_delete(dir: Inode, victim: Inode, isdir: boolean, cred: Cred): number {
  const error = inode_permission(dir, MAY_WRITE | MAY_EXEC, cred);
  if (error) return error;
  if (check_sticky(dir, victim, cred)) return -EPERM;
  if (isdir) {
    if (!S_ISDIR(victim.mode)) return -ENOTDIR;
    /* kplay mounts /proc by linking proc's root into the initramfs: a directory of another filesystem is a mount point */
    if (victim.i_op !== dir.i_op) return -EBUSY;
  } else if (S_ISDIR(victim.mode)) {
    return -EISDIR;
  }
  return 0;
}
