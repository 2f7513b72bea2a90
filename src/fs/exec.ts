// Mirrors fs/exec.c: what execve needs from a file. kplay's executables are ramfs files whose
// private data holds the program's entry point (the "text" of the binary).
import { EACCES, ENOEXEC } from "../include/uapi/errno.js";
import { S_ISREG } from "../include/uapi/fcntl.js";
import type { Inode } from "./inode.js";
import { inode_permission, MAY_EXEC, path_lookup, type Walk } from "./namei.js";
import type { RamfsData } from "./ramfs.js";

/** A program's entry point: argv and environment in, exit code out. */
export type ProgramEntry = (argv: string[], envp: string[]) => Promise<number>;

export interface ExecImage extends RamfsData {
  entry: ProgramEntry;
}

/** Find the program `path` names, checking execute permission. Returns -errno. */
export function open_exec(w: Walk, path: string): { entry: ProgramEntry; path: string } | number {
  const found = path_lookup(w, path);
  if (typeof found === "number") return found;
  const inode: Inode = found.inode;
  if (!S_ISREG(inode.mode)) return -EACCES;
  const perm = inode_permission(inode, MAY_EXEC, w.cred);
  if (perm) return perm;
  const image = inode.i_private as Partial<ExecImage> | null;
  if (!image?.entry) return -ENOEXEC;
  return { entry: image.entry, path: found.path };
}
