// Mirrors BusyBox 1.35 coreutils/whoami.c: the name of the effective uid, or xuid2uname's
// "unknown uid N" and exit 1.
import type { Main } from "../../libc/crt0.js";
import { geteuid } from "../../libc/unistd.js";
import { getpwuid } from "../../libc/pwd.js";
import { puts } from "../../libc/stdio.js";
import { bb_error_msg_and_die, bb_show_usage } from "../libbb.js";

export const whoami_main: Main = async (_argc, argv) => {
  if (argv[1] !== undefined) return bb_show_usage("", "Print the user name associated with the current effective user id");
  const uid = geteuid();
  const pw = await getpwuid(uid);
  if (!pw) return bb_error_msg_and_die(`unknown uid ${uid}`);
  puts(pw.pw_name);
  return 0;
};
