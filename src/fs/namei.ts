// Mirrors fs/namei.c: path walk, permission checks (generic_permission) and symlink following.
import { EACCES, ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR } from "../include/uapi/errno.js";
import { S_ISDIR, S_ISLNK } from "../include/uapi/fcntl.js";
import { in_group_p, type Cred } from "../kernel/cred.js";
import { cap_raised, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH } from "../kernel/capability.js";
import type { Inode } from "./inode.js";

export const MAY_EXEC = 1;
export const MAY_WRITE = 2;
export const MAY_READ = 4;

const MAXSYMLINKS = 40;
const PATH_MAX = 4096;

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

/** Walk `path` to an inode, following symlinks (the last one only when `follow`). Returns -errno. */
export function path_lookup(w: Walk, path: string, follow = true, depth = 0): Found | number {
  if (path.length === 0) return -ENOENT;
  if (path.length >= PATH_MAX) return -ENAMETOOLONG;
  const abs = normalize_path(path, w.cwd);
  const names = abs.split("/").filter(Boolean);
  let inode = w.root;
  let at = "/";
  for (let i = 0; i < names.length; i++) {
    if (!S_ISDIR(inode.mode)) return -ENOTDIR;
    const perm = inode_permission(inode, MAY_EXEC, w.cred);
    if (perm) return perm;
    const child = inode.i_op.lookup?.(inode, names[i]) ?? null;
    if (!child) return -ENOENT;
    const last = i === names.length - 1;
    if (S_ISLNK(child.mode) && (!last || follow)) {
      if (depth >= MAXSYMLINKS) return -ELOOP;
      const target = child.link.startsWith("/") ? child.link : (at === "/" ? "" : at) + "/" + child.link;
      const rest = names.slice(i + 1).join("/");
      return path_lookup(w, target + (rest ? "/" + rest : ""), follow, depth + 1);
    }
    inode = child;
    at = (at === "/" ? "" : at) + "/" + names[i];
  }
  return { inode, path: at };
}

/** Split `path` into its directory (looked up) and last name, for create, unlink and mkdir. */
export function lookup_parent(w: Walk, path: string): { dir: Found; name: string } | number {
  const abs = normalize_path(path, w.cwd);
  const cut = abs.lastIndexOf("/");
  const name = abs.slice(cut + 1);
  const dir = path_lookup(w, abs.slice(0, cut) || "/");
  if (typeof dir === "number") return dir;
  if (!S_ISDIR(dir.inode.mode)) return -ENOTDIR;
  return { dir, name };
}
