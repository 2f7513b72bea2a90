// Mirrors BusyBox 1.35 coreutils/sleep.c (FEATURE_FANCY_SLEEP=y, FLOAT_DURATION=y): the sum of the
// arguments, each with an optional s/m/h/d suffix and a fraction, slept with nanosleep.
import { nanosleep } from "../../libc/unistd.js";
import { applet_name, bb_show_usage, bb_simple_error_msg, parse_duration_str, skip_dash_dash, sleep_for_duration } from "../libbb.js";

const sleep_trivial_usage = "[N]...";
const sleep_full_usage =
  "Pause for a time equal to the total of the args given, where each arg can\n" +
  "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays";

const usage = (): Promise<never> => bb_show_usage(sleep_trivial_usage, sleep_full_usage);

export async function sleep_main(_argc: number, argv: string[]): Promise<number> {
  const args = skip_dash_dash(argv);
  if (args.length === 0) {
    if (applet_name()[1] !== "l") {
      bb_simple_error_msg("sleep: missing operand");
      return 1;
    }
    return usage();
  }

  if (args[0].slice(0, 3).toLowerCase() === "inf") for (;;) await nanosleep(0x7fffffff * 1e9);

  let duration = 0;
  for (const arg of args) duration += await parse_duration_str(arg, usage);
  await sleep_for_duration(duration);
  return 0;
}
