// Mirrors BusyBox 1.35 procps/kill.c as the kill applet with ASH_JOB_CONTROL=y (SH_KILL): -l [SIG]...,
// -SIG, -s SIG, "--", and PIDs parsed with bb_strtoi (the shell's " PID PID" forms included). Never
// shows usage, as the shell runs it in-process.
import { kill } from "../../libc/unistd.js";
import { stdout } from "../../libc/stdio.js";
import { EINVAL } from "../../../include/uapi/errno.js";
import { SIGTERM } from "../../../include/uapi/signal.js";
import { bb_error_msg, bb_perror_msg, bb_strtoi, bb_strtou, get_signame, get_signum, print_signames } from "../libbb.js";

export async function kill_main(_argc: number, argv: string[]): Promise<number> {
  let signo = SIGTERM;
  let errors = 0;
  let i = 1;
  let arg: string | undefined = argv[i];

  parse: if (arg !== undefined && arg[0] === "-") {
    if (arg[1] === "l" && arg.length === 2) {
      arg = argv[++i];
      if (arg === undefined) {
        print_signames();
        return 0;
      }
      do {
        if (/^[0-9]/.test(arg)) {
          const n = bb_strtou(arg);
          if (n.errno) {
            bb_error_msg(`unknown signal '${arg}'`);
            return 1;
          }
          stdout().put(get_signame(n.value & 0x7f) + "\n");
        } else {
          const s = get_signum(arg);
          if (s < 0) {
            bb_error_msg(`unknown signal '${arg}'`);
            return 1;
          }
          stdout().put(`${s}\n`);
        }
        arg = argv[++i];
      } while (arg !== undefined);
      return 0;
    }

    arg = arg.slice(1);
    if (arg === "-") {
      arg = argv[++i];
      break parse;
    }
    if (argv[i + 1] !== undefined && arg === "s") arg = argv[++i];
    signo = get_signum(arg);
    if (signo < 0) {
      bb_error_msg(`bad signal name '${arg}'`);
      return 1;
    }
    arg = argv[++i];
  }

  if (arg === undefined) {
    bb_error_msg("you need to specify whom to kill");
    return 1;
  }

  while (arg !== undefined) {
    let s = arg;
    while (s !== "") {
      if (s[0] === " ") s = s.slice(1);
      const n = bb_strtoi(s);
      if (n.errno && (n.errno !== EINVAL || s[n.end] !== " ")) {
        bb_error_msg(`invalid number '${s}'`);
        errors++;
        break;
      }
      if (kill(n.value, signo) !== 0) {
        bb_perror_msg(`can't kill pid ${n.value}`);
        errors++;
      }
      s = s.slice(n.end);
    }
    arg = argv[++i];
  }
  return errors;
}
