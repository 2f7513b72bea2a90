// Mirrors BusyBox 1.35 coreutils/rmdir.c (LONG_OPTS=y, FEATURE_VERBOSE=y): remove empty
// directories; -p then their parents, --ignore-fail-on-non-empty keeps quiet about full ones.
import { rmdir } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { printf } from "../../libc/stdio.js";
import { ENOTEMPTY } from "../../../include/uapi/errno.js";
import { bb_perror_msg, bb_show_usage, dirname, getopt32 } from "../libbb.js";

const rmdir_trivial_usage = "[OPTIONS] DIRECTORY...";
const rmdir_full_usage = "Remove DIRECTORY if it is empty\n" + "\n\t-p\tInclude parents" + "\n\t--ignore-fail-on-non-empty";

const IGNORE = "\xff";

export async function rmdir_main(_argc: number, argv: string[]): Promise<number> {
  const parsed = getopt32(argv, "pv", [
    { name: "parents", has_arg: 0, val: "p" },
    { name: "ignore-fail-on-non-empty", has_arg: 0, val: IGNORE },
    { name: "verbose", has_arg: 0, val: "v" },
  ]);
  if (!parsed || parsed.args.length === 0) return bb_show_usage(rmdir_trivial_usage, rmdir_full_usage);
  const flags = new Set(parsed.opts.map(([c]) => c));

  let status = 0;
  for (let path of parsed.args) {
    for (;;) {
      if (flags.has("v")) printf("rmdir: removing directory, '%s'\n", path);
      if (rmdir(path) < 0) {
        if (flags.has(IGNORE) && libc().errno === ENOTEMPTY) break;
        bb_perror_msg(`'${path}'`); /* Match gnu rmdir msg. */
        status = 1;
      } else if (flags.has("p")) {
        /* Note: path was not "" since rmdir succeeded. */
        path = dirname(path);
        /* Path is now just the parent component.  Dirname returns "." if there are no parents. */
        if (path !== ".") continue;
      }
      break;
    }
  }
  return status;
}
