// Mirrors include/linux/fs.h: struct inode and the inode operations a directory offers, and
// current_time() (fs/inode.c).
import type { FileOperations } from "./file.js";
import { current_or_null } from "../kernel/sched/task.js";
import type { Cred } from "../kernel/cred.js";

export interface InodeOperations {
  /** Find `name` in directory `dir`; null when absent. */
  lookup?(dir: Inode, name: string): Inode | null;
  /** Names in directory `dir`, in the order readdir returns them ("." and ".." excluded). */
  readdir?(dir: Inode): string[];
  /** Create a regular file; returns the inode or -errno. */
  create?(dir: Inode, name: string, mode: number): Inode | number;
  mkdir?(dir: Inode, name: string, mode: number): Inode | number;
  unlink?(dir: Inode, name: string): number;
  rmdir?(dir: Inode, name: string): number;
  /** ->permission: replaces generic_permission for this inode (0 or -EACCES). */
  permission?(inode: Inode, mask: number, cred: Cred): number;
}

let next_ino = 1;

/** get_next_ino(): inode numbers count per kernel (per boot), so every run numbers alike. */
function get_next_ino(): number {
  const k = current_or_null()?.kernel;
  return k ? ++k.last_ino : next_ino++;
}

/**
 * current_time(inode): the wall clock in whole seconds since the epoch (kplay's filesystems keep
 * second granularity), from the kernel of the current task; 0 outside any task.
 */
export function current_time(): number {
  const k = current_or_null()?.kernel;
  return k ? Math.floor((k.clock.bootEpochMs + k.clock.now() / 1e6) / 1000) : 0;
}

export class Inode {
  readonly ino = get_next_ino();
  uid = 0;
  gid = 0;
  /** Seconds since the epoch: last data change, last read, last inode change. Set at creation. */
  mtime = current_time();
  atime = this.mtime;
  ctime = this.mtime;
  i_op: InodeOperations = {};
  /** Target of a symbolic link. */
  link = "";
  /** Data of whatever backs the inode (ramfs bytes, a proc entry, a device, a program image). */
  i_private: unknown = null;
  /** Size in bytes as stat shows it; ramfs keeps it current. */
  size = 0;
  nlink = 1;
  /** Device number of a character device: major << 8 | minor. */
  rdev = 0;

  constructor(
    public mode: number,
    public i_fop: FileOperations,
  ) {}
}
