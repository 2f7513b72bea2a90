// Mirrors BusyBox libbb/remove_file.c: remove a file, or with FILEUTILS_RECUR a directory and all
// it holds, asking first with FILEUTILS_INTERACTIVE, or when the file is not writable, stdin is a
// terminal and FILEUTILS_FORCE is off. 0, or -1 after a message.
import { access, close, getdents, isatty, lstat, open, rmdir, unlink, W_OK } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { printf, stderr } from "../../libc/stdio.js";
import { ENOENT } from "../../../include/uapi/errno.js";
import { O_DIRECTORY, O_RDONLY, S_ISDIR, S_ISLNK } from "../../../include/uapi/fcntl.js";
import { applet_name, bb_error_msg, bb_perror_msg, concat_path_file } from "../libbb.js";
import { bb_ask_y_confirmation } from "./ask_confirmation.js";

/** The FILEUTILS_* flags of include/libbb.h that remove_file and bb_make_directory read. */
export const FILEUTILS_RECUR = 1 << 2;
export const FILEUTILS_FORCE = 1 << 3;
export const FILEUTILS_INTERACTIVE = 1 << 4;
export const FILEUTILS_VERBOSE = 1 << 12;

const DOT_OR_DOTDOT = (s: string): boolean => s === "." || s === "..";

/** concat_subpath_file(path, f): path/f, or null for "." and "..". */
export function concat_subpath_file(path: string, f: string): string | null {
  return DOT_OR_DOTDOT(f) ? null : concat_path_file(path, f);
}

export async function remove_file(path: string, flags: number): Promise<number> {
  const st = lstat(path);
  if (!st) {
    if (libc().errno !== ENOENT) {
      bb_perror_msg(`can't stat '${path}'`);
      return -1;
    }
    if (!(flags & FILEUTILS_FORCE)) {
      bb_perror_msg(`can't remove '${path}'`);
      return -1;
    }
    return 0;
  }

  if (S_ISDIR(st.st_mode)) {
    let status = 0;
    if (!(flags & FILEUTILS_RECUR)) {
      bb_error_msg(`'${path}' is a directory`);
      return -1;
    }
    if ((!(flags & FILEUTILS_FORCE) && access(path, W_OK) < 0 && (await isatty(0))) || flags & FILEUTILS_INTERACTIVE) {
      stderr().put(`${applet_name()}: descend into directory '${path}'? `);
      if (!(await bb_ask_y_confirmation())) return 0;
    }
    const dp = await open(path, O_RDONLY | O_DIRECTORY);
    if (dp < 0) return -1;
    const names = getdents(dp) ?? [];
    close(dp);
    for (const name of names) {
      const new_path = concat_subpath_file(path, name);
      if (new_path === null) continue;
      if ((await remove_file(new_path, flags)) < 0) status = -1;
    }
    if (flags & FILEUTILS_INTERACTIVE) {
      stderr().put(`${applet_name()}: remove directory '${path}'? `);
      if (!(await bb_ask_y_confirmation())) return status;
    }
    if (rmdir(path) < 0) {
      bb_perror_msg(`can't remove '${path}'`);
      return -1;
    }
    if (flags & FILEUTILS_VERBOSE) printf("removed directory: '%s'\n", path);
    return status;
  }

  /* !ISDIR */
  if ((!(flags & FILEUTILS_FORCE) && access(path, W_OK) < 0 && !S_ISLNK(st.st_mode) && (await isatty(0))) || flags & FILEUTILS_INTERACTIVE) {
    stderr().put(`${applet_name()}: remove '${path}'? `);
    if (!(await bb_ask_y_confirmation())) return 0;
  }
  if (unlink(path) < 0) {
    bb_perror_msg(`can't remove '${path}'`);
    return -1;
  }
  if (flags & FILEUTILS_VERBOSE) printf("removed '%s'\n", path);
  return 0;
}
