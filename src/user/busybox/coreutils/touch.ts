// Mirrors BusyBox 1.35 coreutils/touch.c (FEATURE_TOUCH_SUSV3=y, LONG_OPTS=y): set each file's
// times with utimensat, creating a missing file unless -c; -r, -d and -t give the time, -a and -m
// set only one of the two; a file that cannot be touched is named with its errno.
import { AT_FDCWD, AT_SYMLINK_NOFOLLOW, O_CREAT, O_RDWR } from "../../../include/uapi/fcntl.js";
import { ENOENT } from "../../../include/uapi/errno.js";
import { close, futimens, open, stat, time, utimensat, UTIME_NOW, UTIME_OMIT, type Timespec } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { bb_perror_msg_and_die, bb_show_usage, bb_simple_perror_msg, getopt32 } from "../libbb.js";
import { gmtime, parse_datestr, validate_tm_time } from "../libbb/time.js";

const touch_trivial_usage = "[-cham] [-d DATE] [-t DATE] [-r FILE] FILE...";
const touch_full_usage =
  "Update mtime of FILEs\n" +
  "\n\t-c\tDon't create files" +
  "\n\t-h\tDon't follow links" +
  "\n\t-a\tChange only atime" +
  "\n\t-m\tChange only mtime" +
  "\n\t-d DT\tDate/time to use" +
  "\n\t-t DT\tDate/time to use" +
  "\n\t-r FILE\tUse FILE's date/time";

const usage = (): Promise<never> => bb_show_usage(touch_trivial_usage, touch_full_usage);

export async function touch_main(_argc: number, argv: string[]): Promise<number> {
  /* getopt32long(argv, "^" "ch" "r:d:t:am" "f" "\0" "-1" ":r--t:t--r", ...) */
  const parsed = getopt32(argv, "chr:d:t:amf", [
    { name: "no-create", has_arg: 0, val: "c" },
    { name: "no-dereference", has_arg: 0, val: "h" },
    { name: "reference", has_arg: 1, val: "r" },
    { name: "date", has_arg: 1, val: "d" },
  ]);
  if (!parsed || parsed.args.length === 0) return usage();
  const opts = new Set(parsed.opts.map(([c]) => c));
  if (opts.has("r") && opts.has("t")) return usage();
  let reference_file = "";
  let date_str = "";
  for (const [c, arg] of parsed.opts) {
    if (c === "r") reference_file = arg!;
    if (c === "d" || c === "t") date_str = arg!;
  }

  /* timebuf[0] is atime, timebuf[1] is mtime */
  const timebuf: [Timespec, Timespec] = [
    { tv_sec: 0, tv_nsec: UTIME_NOW },
    { tv_sec: 0, tv_nsec: UTIME_NOW },
  ];
  if (opts.has("r")) {
    const st = stat(reference_file);
    if (!st) return bb_perror_msg_and_die(`can't stat '${reference_file}'`);
    timebuf[0] = { tv_sec: st.st_atime, tv_nsec: 0 };
    timebuf[1] = { tv_sec: st.st_mtime, tv_nsec: 0 };
  }
  if (opts.has("d") || opts.has("t")) {
    const tm_time = gmtime(time());
    await parse_datestr(date_str, tm_time);
    const t = await validate_tm_time(date_str, tm_time);
    timebuf[0] = { tv_sec: t, tv_nsec: 0 };
    timebuf[1] = { tv_sec: t, tv_nsec: 0 };
  }
  /* If both -a and -m specified, both times should be set. */
  if (opts.has("a") && !opts.has("m")) timebuf[1].tv_nsec = UTIME_OMIT;
  if (opts.has("m") && !opts.has("a")) timebuf[0].tv_nsec = UTIME_OMIT;

  let status = 0;
  for (const file of parsed.args) {
    const result = utimensat(AT_FDCWD, file, timebuf, opts.has("h") ? AT_SYMLINK_NOFOLLOW : 0);
    if (result !== 0) {
      if (libc().errno === ENOENT) {
        /* no such file? */
        if (opts.has("c")) continue; /* Creation is disabled, so ignore */
        /* Try to create the file */
        const fd = await open(file, O_RDWR | O_CREAT, 0o666);
        if (fd >= 0) {
          if (opts.has("r") || opts.has("d") || opts.has("t")) futimens(fd, timebuf);
          close(fd);
          continue;
        }
      }
      status = 1;
      bb_simple_perror_msg(file);
    }
  }
  return status;
}
