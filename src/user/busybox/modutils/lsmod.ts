// Mirrors BusyBox 1.35 modutils/lsmod.c with MODPROBE_SMALL=n, FEATURE_LSMOD_PRETTY_2_6_OUTPUT=y and
// FEATURE_CHECK_TAINTED_MODULE=y: a header whose taint part looks only at the P, F and S bits of
// /proc/sys/kernel/tainted ("Not tainted", or "Tainted: G  " for any other taint such as O), then
// one row per /proc/modules line: name, size, use count and the users without the trailing comma.
import { printf, puts } from "../../libc/stdio.js";
import { atoi } from "../../libc/stdlib.js";
import { bb_perror_msg, xmalloc_open_read_close } from "../libbb.js";
import { config_open2, PARSE_GREEDY, PARSE_NORMAL } from "./modutils.js";

const TAINT_PROPRIETORY_MODULE = 1 << 0;
const TAINT_FORCED_MODULE = 1 << 1;
const TAINT_UNSAFE_SMP = 1 << 2;

async function check_tainted(): Promise<void> {
  let tainted = 0;
  const buf = await xmalloc_open_read_close("/proc/sys/kernel/tainted");
  if (buf) tainted = atoi(new TextDecoder().decode(buf));

  if (tainted) {
    printf(
      "    Tainted: %c%c%c\n",
      tainted & TAINT_PROPRIETORY_MODULE ? "P" : "G",
      tainted & TAINT_FORCED_MODULE ? "F" : " ",
      tainted & TAINT_UNSAFE_SMP ? "S" : " ",
    );
  } else {
    puts("    Not tainted");
  }
}

export async function lsmod_main(_argc: number, _argv: string[]): Promise<number> {
  /* config_open(): fopen_or_warn_stdin */
  const parser = await config_open2("/proc/modules");
  if (!parser) bb_perror_msg("can't open '/proc/modules'");

  printf("%-24sSize  Used by", "Module");
  await check_tainted();

  for (let token; parser && (token = parser.read(4, 4, "# \t", PARSE_NORMAL & ~PARSE_GREEDY)); ) {
    // N.B. token[3] is either '-' (module is not used by others)
    // or comma-separated list ended by comma
    // so trimming the trailing char is just what we need!
    if (token[3]) token[3] = token[3].slice(0, -1);
    printf("%-19s %8s %2s %s\n", token[0], token[1], token[2], token[3]);
  }
  return 0;
}
