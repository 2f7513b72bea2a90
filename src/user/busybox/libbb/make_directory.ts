// Mirrors BusyBox libbb/make_directory.c: mkdir `path`; with FILEUTILS_RECUR its missing parents
// too (with at least u+wx, whatever the umask) and no error when it exists as a directory. A
// `mode` other than -1 is set on the last directory with chmod. 0, or -1 after
// "can't create directory 'PREFIX'" naming the part of the path that failed.
import { chmod, mkdir, stat, umask } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { printf } from "../../libc/stdio.js";
import { EEXIST, EISDIR } from "../../../include/uapi/errno.js";
import { S_ISDIR } from "../../../include/uapi/fcntl.js";
import { bb_perror_msg } from "../libbb.js";
import { FILEUTILS_RECUR, FILEUTILS_VERBOSE } from "./remove_file.js";

export async function bb_make_directory(path: string, mode: number, flags: number): Promise<number> {
  if (path === "/" || path === ".") return 0;

  let org_mask = -1;
  let cur_mask = -1;
  let s = 0;
  let ret = 0;
  for (;;) {
    let cut = path.length;
    if (flags & FILEUTILS_RECUR) {
      /* Bypass leading non-'/'s and then subsequent '/'s */
      while (s < path.length) {
        if (path[s] === "/") {
          do ++s;
          while (path[s] === "/");
          if (s < path.length) cut = s;
          break;
        }
        ++s;
      }
    }
    const c = cut < path.length;
    const part = path.slice(0, cut);

    if (c) {
      /* Intermediate dirs: must have wx for user */
      if (cur_mask === -1) {
        org_mask = umask(0);
        cur_mask = 0;
        const new_mask = org_mask & ~0o300;
        if (new_mask !== cur_mask) {
          cur_mask = new_mask;
          umask(new_mask);
        }
      }
    } else if (org_mask !== cur_mask) {
      /* Last component: uses original umask */
      cur_mask = org_mask;
      umask(org_mask);
    }

    if (mkdir(part, 0o777) < 0) {
      const errno = libc().errno;
      /* stat() failing leaves its own errno for the message, as in C */
      const st = (errno === EEXIST || errno === EISDIR) && flags & FILEUTILS_RECUR ? stat(part) : null;
      if (!st || !S_ISDIR(st.st_mode)) {
        ret = -1;
        bb_perror_msg(`can't create directory '${part}'`);
        break;
      }
      /* Since the directory exists, don't attempt to change permissions if it was the full target. */
      if (!c) break;
    } else if (flags & FILEUTILS_VERBOSE) {
      printf("created directory: '%s'\n", part);
    }

    if (!c) {
      if (mode !== -1 && chmod(part, mode) < 0) {
        ret = -1;
        bb_perror_msg(`can't set permissions of directory '${part}'`);
      }
      break;
    }
  }
  if (org_mask !== cur_mask) umask(org_mask);
  return ret;
}
