// Mirrors fs/proc/generic.c and fs/proc/inode.c: proc_dir_entry, proc_create/proc_mkdir/
// remove_proc_entry, and the file operations every proc file gets (proc_reg_*), which call the
// entry's struct proc_ops and answer -EIO where it has no handler.
import { EIO, ENOENT } from "../../include/uapi/errno.js";
import { S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, S_IRUGO, S_IXUGO } from "../../include/uapi/fcntl.js";
import { Inode, type InodeOperations } from "../inode.js";
import type { File, FileOperations, Loff, MaybeAsync } from "../file.js";
import { default_llseek } from "../read_write.js";
import type { UserPtr } from "../../kernel/uaccess.js";
import { current, current_or_null } from "../../kernel/sched/task.js";
import { warn_slowpath } from "../../kernel/panic.js";
import type { Module } from "../../kernel/module/module.js";

/** struct proc_ops (include/linux/proc_fs.h, 5.6+). */
export interface ProcOps {
  proc_open?(inode: Inode, file: File): MaybeAsync<number>;
  proc_read?(file: File, buf: UserPtr, count: number, ppos: Loff): MaybeAsync<number>;
  proc_write?(file: File, buf: UserPtr, count: number, ppos: Loff): MaybeAsync<number>;
  proc_lseek?(file: File, offset: number, whence: number): number;
  proc_release?(inode: Inode, file: File): number;
}

/** struct proc_dir_entry */
export class ProcDirEntry {
  readonly subdir = new Map<string, ProcDirEntry>();
  /** Set by remove_proc_entry: open files then read and write -EIO. */
  removed = false;
  /** The module whose init created it, so the loader can find what an exit forgot. */
  owner: Module | null = null;
  /** For a symlink (proc_symlink) its target. */
  link = "";
  uid = 0;
  gid = 0;
  /** An inode ->permission for the entry (proc_sys_permission for /proc/sys). */
  permission: InodeOperations["permission"] = undefined;

  constructor(
    readonly name: string,
    public mode: number,
    readonly parent: ProcDirEntry | null,
    readonly proc_ops: ProcOps | null,
    readonly data: unknown,
    /** Builds a directory's dynamic children (e.g. /proc/PID); null for plain directories. */
    readonly dynamic: DynamicDir | null = null,
  ) {}

  get full_name(): string {
    let n = "";
    for (let p: ProcDirEntry | null = this; p && p.parent; p = p.parent) n = "/" + p.name + n;
    return n;
  }
}

/** Extra directory entries computed at lookup time (the pid directories of /proc). */
export interface DynamicDir {
  lookup(name: string): Inode | null;
  names(): string[];
}

function pde_of(file: File): ProcDirEntry {
  return file.f_inode.i_private as ProcDirEntry;
}

/** proc_reg_file_ops: dispatch to the entry's proc_ops. */
const proc_reg_file_ops: FileOperations = {
  open(inode, file) {
    const pde = inode.i_private as ProcDirEntry;
    if (pde.removed) return -ENOENT;
    return pde.proc_ops?.proc_open?.(inode, file) ?? 0;
  },
  read(file, buf, count, ppos) {
    const pde = pde_of(file);
    const read = pde.proc_ops?.proc_read;
    if (pde.removed || !read) return -EIO;
    return pde.owner ? pde.owner.call_handler(() => read(file, buf, count, ppos)) : read(file, buf, count, ppos);
  },
  write(file, buf, count, ppos) {
    const pde = pde_of(file);
    const write = pde.proc_ops?.proc_write;
    if (pde.removed || !write) return -EIO;
    return pde.owner ? pde.owner.call_handler(() => write(file, buf, count, ppos)) : write(file, buf, count, ppos);
  },
  llseek(file, offset, whence) {
    const pde = pde_of(file);
    if (pde.removed) return -EIO;
    return (pde.proc_ops?.proc_lseek ?? default_llseek)(file, offset, whence);
  },
  release(inode, file) {
    const pde = inode.i_private as ProcDirEntry;
    pde.proc_ops?.proc_release?.(inode, file);
  },
};

/** The inode for an entry, made afresh at each lookup as proc_get_inode does. */
export function proc_get_inode(pde: ProcDirEntry): Inode {
  const inode = new Inode(pde.mode, (pde.mode & S_IFMT) === S_IFDIR ? {} : proc_reg_file_ops);
  inode.i_private = pde;
  inode.uid = pde.uid;
  inode.gid = pde.gid;
  const k = current_or_null()?.kernel;
  if (k) inode.mtime = Math.floor((k.clock.bootEpochMs + k.clock.now() / 1e6) / 1000);
  if ((pde.mode & S_IFMT) === S_IFDIR) {
    inode.i_op = proc_dir_inode_operations;
    inode.nlink = 2 + pde.subdir.size;
  }
  if ((pde.mode & S_IFMT) === S_IFLNK) inode.link = pde.link;
  if (pde.permission) inode.i_op = { ...inode.i_op, permission: pde.permission };
  return inode;
}

const proc_dir_inode_operations: InodeOperations = {
  lookup(dir, name) {
    const pde = dir.i_private as ProcDirEntry;
    const e = pde.subdir.get(name);
    if (e) return proc_get_inode(e);
    return pde.dynamic?.lookup(name) ?? null;
  },
  readdir(dir) {
    const pde = dir.i_private as ProcDirEntry;
    return [...pde.subdir.keys(), ...(pde.dynamic?.names() ?? [])];
  },
};

/** The /proc root of the current kernel. */
function proc_root(): ProcDirEntry {
  return current().kernel.proc_root;
}

/** xlate_proc_name(): walk "a/b/name" below `parent`, returning the directory and the last name. */
function xlate(name: string, parent: ProcDirEntry | null): { dir: ProcDirEntry; last: string } | null {
  let dir = parent ?? proc_root();
  const parts = name.split("/");
  for (const p of parts.slice(0, -1)) {
    const next = dir.subdir.get(p);
    if (!next) return null;
    dir = next;
  }
  return { dir, last: parts[parts.length - 1] };
}

/** proc_register(): refuse a duplicate name with the kernel's WARN. */
function proc_register(dir: ProcDirEntry, pde: ProcDirEntry): ProcDirEntry | null {
  if (dir.subdir.has(pde.name)) {
    warn_slowpath(current().kernel, "fs/proc/generic.c:381 proc_register+0x118/0x1a4", `proc_dir_entry '${dir.full_name.slice(1) || ""}/${pde.name}' already registered\n`, ["proc_register", "proc_create_data"]);
    return null;
  }
  pde.owner = current().kernel.modules.initializing();
  dir.subdir.set(pde.name, pde);
  return pde;
}

/** proc_create_data(name, mode, parent, proc_ops, data): null if the name is taken. */
export function proc_create_data(name: string, mode: number, parent: ProcDirEntry | null, proc_ops: ProcOps, data: unknown): ProcDirEntry | null {
  const x = xlate(name, parent);
  if (!x) return null;
  if ((mode & S_IFMT) === 0) mode |= S_IFREG;
  if ((mode & 0o7777) === 0) mode |= S_IRUGO;
  return proc_register(x.dir, new ProcDirEntry(x.last, mode, x.dir, proc_ops, data));
}

/** proc_create(name, mode, parent, proc_ops) */
export function proc_create(name: string, mode: number, parent: ProcDirEntry | null, proc_ops: ProcOps): ProcDirEntry | null {
  return proc_create_data(name, mode, parent, proc_ops, null);
}

/** proc_mkdir(name, parent) */
export function proc_mkdir(name: string, parent: ProcDirEntry | null, mode = 0o555, dynamic: DynamicDir | null = null): ProcDirEntry | null {
  const x = xlate(name, parent);
  if (!x) return null;
  return proc_register(x.dir, new ProcDirEntry(x.last, S_IFDIR | mode, x.dir, null, null, dynamic));
}

/** proc_symlink(name, parent, dest) */
export function proc_symlink(name: string, parent: ProcDirEntry | null, dest: string): ProcDirEntry | null {
  const x = xlate(name, parent);
  if (!x) return null;
  const pde = new ProcDirEntry(x.last, S_IFLNK | 0o777, x.dir, null, null);
  pde.link = dest;
  return proc_register(x.dir, pde);
}

/** remove_proc_entry(name, parent): remove it and everything below it. */
export function remove_proc_entry(name: string, parent: ProcDirEntry | null): void {
  const x = xlate(name, parent);
  const pde = x?.dir.subdir.get(x.last);
  if (!x || !pde) {
    warn_slowpath(current().kernel, "fs/proc/generic.c:709 remove_proc_entry+0x15c/0x17c", `name '${name}'\n`, ["remove_proc_entry"]);
    return;
  }
  x.dir.subdir.delete(x.last);
  mark_removed(pde);
}

/** proc_remove(pde) */
export function proc_remove(pde: ProcDirEntry | null): void {
  if (!pde?.parent) return;
  if (pde.parent.subdir.get(pde.name) === pde) pde.parent.subdir.delete(pde.name);
  mark_removed(pde);
}

function mark_removed(pde: ProcDirEntry): void {
  pde.removed = true;
  for (const c of pde.subdir.values()) mark_removed(c);
}

/** Every entry below `root` (depth first), for the loader's check after a module exit. */
export function* proc_entries(root: ProcDirEntry): Generator<ProcDirEntry> {
  for (const c of root.subdir.values()) {
    yield c;
    yield* proc_entries(c);
  }
}

export function new_proc_root(dynamic: DynamicDir): ProcDirEntry {
  return new ProcDirEntry("proc", S_IFDIR | 0o555 | S_IXUGO, null, null, null, dynamic);
}
