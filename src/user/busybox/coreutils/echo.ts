// Mirrors BusyBox 1.35 coreutils/echo.c (FEATURE_FANCY_ECHO=y): -n, -e, -E (which does not undo
// -e), escapes through bb_process_escape_sequence, and the whole line in one write(1, ...) without
// stdio. The shell runs it in-process as a builtin, where applet_name is "sh".
import { libc } from "../../libc/state.js";
import { bb_msg_write_error, bb_process_escape_sequence, bb_simple_perror_msg, full_write } from "../libbb.js";

const encoder = new TextEncoder();

export async function echo_main(_argc: number, argv: string[]): Promise<number> {
  let nflag = true;
  let eflag = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg[0] !== "-") break;
    let n: boolean = nflag;
    let e: boolean = eflag;
    let valid = true;
    let k = 1;
    do {
      const c = arg[k];
      if (c === "n") n = false;
      else if (c === "e") e = true;
      else if (c !== "E") {
        valid = false;
        break;
      }
    } while (++k < arg.length);
    if (!valid) break;
    nflag = n;
    eflag = e;
  }

  const out: number[] = [];
  let cancelled = false;
  args: for (; i < argv.length; i++) {
    const arg = encoder.encode(argv[i]);
    if (!eflag) {
      for (const b of arg) out.push(b);
    } else {
      let p = 0;
      while (p < arg.length) {
        let c = arg[p++];
        if (c === 0x5c) {
          if (arg[p] === 0x63) {
            cancelled = true;
            break args;
          }
          if (arg[p] === 0x30 && p + 1 < arg.length && arg[p + 1] - 0x30 >= 0 && arg[p + 1] - 0x30 < 8) p++;
          const esc = bb_process_escape_sequence(arg, p);
          c = esc.c;
          p = esc.next;
        }
        out.push(c);
      }
    }
    if (i + 1 < argv.length) out.push(0x20);
  }
  if (!cancelled && nflag) out.push(0x0a);

  const buffer = Uint8Array.from(out);
  libc().errno = 0;
  const err = (await full_write(1, buffer, buffer.length)) !== buffer.length;
  if (err) bb_simple_perror_msg(bb_msg_write_error);
  return err ? 1 : 0;
}
