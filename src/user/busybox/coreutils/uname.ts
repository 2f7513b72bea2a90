// Mirrors BusyBox 1.35 coreutils/uname.c: fields in the order -s -n -r -v -m -p -i -o, "unknown"
// for processor and platform unless -a (which skips empty fields), UNAME_OSNAME "GNU/Linux".
import { uname } from "../../libc/unistd.js";
import { stdout } from "../../libc/stdio.js";
import { bb_show_usage, getopt32, type LongOpt } from "../libbb.js";

const uname_trivial_usage = "[-amnrspvio]";
const uname_full_usage =
  "Print system information\n" +
  "\n\t-a\tPrint all" +
  "\n\t-m\tThe machine (hardware) type" +
  "\n\t-n\tHostname" +
  "\n\t-r\tKernel release" +
  "\n\t-s\tKernel name (default)" +
  "\n\t-p\tProcessor type" +
  "\n\t-v\tKernel version" +
  "\n\t-i\tThe hardware platform" +
  "\n\t-o\tOS name";

const options = "snrvmpioa";

const uname_longopts: LongOpt[] = [
  { name: "all", has_arg: 0, val: "a" },
  { name: "kernel-name", has_arg: 0, val: "s" },
  { name: "nodename", has_arg: 0, val: "n" },
  { name: "kernel-release", has_arg: 0, val: "r" },
  { name: "release", has_arg: 0, val: "r" },
  { name: "kernel-version", has_arg: 0, val: "v" },
  { name: "machine", has_arg: 0, val: "m" },
  { name: "processor", has_arg: 0, val: "p" },
  { name: "hardware-platform", has_arg: 0, val: "i" },
  { name: "operating-system", has_arg: 0, val: "o" },
];

export async function uname_main(_argc: number, argv: string[]): Promise<number> {
  let unknown_str = "unknown";
  const opt = getopt32(argv, options, uname_longopts);
  if (!opt || opt.args.length) return bb_show_usage(uname_trivial_usage, uname_full_usage);
  let toprint = 0;
  for (const [c] of opt.opts) toprint |= 1 << options.indexOf(c);
  if (toprint & (1 << 8)) {
    toprint = (1 << 8) - 1;
    unknown_str = "";
  }
  if (toprint === 0) toprint = 1;

  const u = uname();
  const fields = [u.sysname, u.nodename, u.release, u.version, u.machine, unknown_str, unknown_str, "GNU/Linux"];
  let line = "";
  for (let k = 0; toprint; k++, toprint >>= 1) {
    if (toprint & 1 && fields[k]) line += (line ? " " : "") + fields[k];
  }
  stdout().put(line + "\n");
  return 0;
}
