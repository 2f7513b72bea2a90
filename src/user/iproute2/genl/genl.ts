// Mirrors iproute2 v5.15.0 genl/genl.c: the "genl" tool (installed as /sbin/genl, iproute2's
// SBINDIR). Options (-s[tatistics], -d[etails], -r[aw], -V[ersion], -h[elp]) come first, then an
// OBJECT whose genl_util parses the rest. get_genl_kind() finds "ctrl" linked into the binary (C
// looks the symbol "ctrl_genl_util" up with dlsym); any other object gets the placeholder util,
// which refuses every argument. The exit status is what the object's parser returns (-1 is 255).
import { fprintf, printf, stderr } from "../../libc/stdio.js";
import { exit } from "../../libc/stdlib.js";
import type { nlmsghdr } from "../../libc/netlink.js";
import { matches, version } from "../lib/utils.js";
import { ctrl_genl_util } from "./ctrl.js";

/** struct genl_util (genl_utils.h) */
export interface genl_util {
  name: string;
  parse_genlopt: (f: genl_util, argc: number, argv: string[]) => Promise<number>;
  print_genlopt: (n: nlmsghdr, arg: unknown) => number;
}

/** The symbols a dlsym(dlopen(NULL), "%s_genl_util") can find in this binary. */
const linked: Record<string, genl_util> = { ctrl_genl_util };

function print_nofopt(_n: nlmsghdr, arg: unknown): number {
  fprintf(arg as never, "unknown genl type ..\n");
  return 0;
}

async function parse_nofopt(f: genl_util, argc: number, argv: string[]): Promise<number> {
  if (argc) {
    fprintf(stderr(), 'Unknown genl "%s", hence option "%s" is unparsable\n', f.name, argv[0]);
    return -1;
  }
  return 0;
}

function get_genl_kind(genl_list: genl_util[], str: string): genl_util {
  const found = genl_list.find((f) => f.name === str) ?? linked[`${str}_genl_util`];
  const f = found ?? { name: str.slice(0, 15), parse_genlopt: parse_nofopt, print_genlopt: print_nofopt };
  genl_list.unshift(f);
  return f;
}

async function usage(): Promise<never> {
  fprintf(
    stderr(),
    "Usage: genl [ OPTIONS ] OBJECT [help] }\n" + "where  OBJECT := { ctrl etc }\n" + "       OPTIONS := { -s[tatistics] | -d[etails] | -r[aw] | -V[ersion] | -h[elp] }\n",
  );
  return exit(-1);
}

export async function genl_main(argc: number, argv: string[]): Promise<number> {
  const genl_list: genl_util[] = [];
  // the globals other genl objects read; ctrl ignores them
  let show_stats = 0;
  let show_details = 0;
  let show_raw = 0;
  while (argc > 1) {
    if (argv[1][0] !== "-") break;
    if (matches(argv[1], "-stats") === 0 || matches(argv[1], "-statistics") === 0) ++show_stats;
    else if (matches(argv[1], "-details") === 0) ++show_details;
    else if (matches(argv[1], "-raw") === 0) ++show_raw;
    else if (matches(argv[1], "-Version") === 0) {
      printf("genl utility, iproute2-%s\n", version);
      return exit(0);
    } else if (matches(argv[1], "-help") === 0) return usage();
    else {
      fprintf(stderr(), 'Option "%s" is unknown, try "genl -help".\n', argv[1]);
      return exit(-1);
    }
    argc--;
    argv = argv.slice(1);
  }

  if (argc > 1) {
    const a = get_genl_kind(genl_list, argv[1]);
    return a.parse_genlopt(a, argc - 1, argv.slice(1));
  }
  return usage();
}
