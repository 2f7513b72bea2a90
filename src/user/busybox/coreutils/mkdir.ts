// Mirrors BusyBox 1.35 coreutils/mkdir.c with libbb/make_directory.c and libbb/parse_mode.c
// (LONG_OPTS=y, FEATURE_VERBOSE=y, no SELinux): -m MODE sets the last directory's mode with
// chmod, -p makes parents and accepts existing directories, -v says what it made.
import { bb_error_msg_and_die, bb_show_usage, getopt32 } from "../libbb.js";
import { bb_make_directory } from "../libbb/make_directory.js";
import { bb_parse_mode } from "../libbb/parse_mode.js";
import { FILEUTILS_RECUR, FILEUTILS_VERBOSE } from "../libbb/remove_file.js";

const mkdir_trivial_usage = "[OPTIONS] DIRECTORY...";
const mkdir_full_usage = "Create DIRECTORY\n" + "\n\t-m MODE\tMode" + "\n\t-p\tNo error if exists; make parent directories as needed";

export async function mkdir_main(_argc: number, argv: string[]): Promise<number> {
  const parsed = getopt32(argv, "m:pv", [
    { name: "mode", has_arg: 1, val: "m" },
    { name: "parents", has_arg: 0, val: "p" },
    { name: "verbose", has_arg: 0, val: "v" },
  ]);
  if (!parsed) return bb_show_usage(mkdir_trivial_usage, mkdir_full_usage);
  let mode = -1;
  let flags = 0;
  for (const [c, arg] of parsed.opts) {
    if (c === "m") {
      const mmode = bb_parse_mode(arg!, 0o777);
      if (mmode === -1) return bb_error_msg_and_die(`invalid mode '${arg}'`);
      mode = mmode;
    }
    if (c === "p") flags |= FILEUTILS_RECUR;
    if (c === "v") flags |= FILEUTILS_VERBOSE;
  }
  if (parsed.args.length === 0) return bb_show_usage(mkdir_trivial_usage, mkdir_full_usage);

  let status = 0;
  for (const path of parsed.args) if (await bb_make_directory(path, mode, flags)) status = 1;
  return status;
}
