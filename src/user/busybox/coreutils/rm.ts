// Mirrors BusyBox 1.35 coreutils/rm.c with libbb/remove_file.c (FEATURE_VERBOSE=y): -f and -i
// cancel each other (the later wins), -r/-R recurse, -v (not in the usage text) says what went.
import { bb_error_msg, bb_get_last_path_component_strip, bb_show_usage, getopt32 } from "../libbb.js";
import { FILEUTILS_FORCE, FILEUTILS_INTERACTIVE, FILEUTILS_RECUR, FILEUTILS_VERBOSE, remove_file } from "../libbb/remove_file.js";

const rm_trivial_usage = "[-irf] FILE...";
const rm_full_usage = "Remove (unlink) FILEs\n" + "\n\t-i\tAlways prompt before removing" + "\n\t-f\tNever prompt" + "\n\t-R,-r\tRecurse";

const usage = (): Promise<never> => bb_show_usage(rm_trivial_usage, rm_full_usage);

export async function rm_main(_argc: number, argv: string[]): Promise<number> {
  /* getopt32(argv, "^" "fiRrv" "\0" "f-i:i-f") */
  const parsed = getopt32(argv, "fiRrv");
  if (!parsed) return usage();
  let flags = 0;
  for (const [c] of parsed.opts) {
    if (c === "f") flags = (flags | FILEUTILS_FORCE) & ~FILEUTILS_INTERACTIVE;
    if (c === "i") flags = (flags | FILEUTILS_INTERACTIVE) & ~FILEUTILS_FORCE;
    if (c === "R" || c === "r") flags |= FILEUTILS_RECUR;
    if (c === "v") flags |= FILEUTILS_VERBOSE;
  }

  let status = 0;
  if (parsed.args.length) {
    for (const arg of parsed.args) {
      const { path, base } = bb_get_last_path_component_strip(arg);
      if (base === "." || base === "..") bb_error_msg("can't remove '.' or '..'");
      else if ((await remove_file(path, flags)) >= 0) continue;
      status = 1;
    }
  } else if (!(flags & FILEUTILS_FORCE)) {
    return usage();
  }
  return status;
}
