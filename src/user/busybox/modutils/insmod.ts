// Mirrors BusyBox 1.35 modutils/insmod.c (MODPROBE_SMALL=n, FEATURE_2_4_MODULES=n): no options,
// a FILE and SYMBOL=VALUE words joined as "a=1 b=2 ". bb_init_module() tries finit_module() and
// falls back to init_module(); a failure prints "can't insert 'FILE': <moderror>" and the exit
// status is the error number itself (17 for EEXIST, 254 for a missing file: -ENOENT & 0xff).
import { stat } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { ENOENT } from "../../../include/uapi/errno.js";
import { bb_error_msg, bb_show_usage } from "../libbb.js";
import { bb_init_module, filename2modname, moderror, modules_dep_lookup, parse_cmdline_module_options } from "./modutils.js";

export const insmod_trivial_usage = "FILE [SYMBOL=VALUE]...";
export const insmod_full_usage = "Load kernel module";

/**
 * kplay extension, not BusyBox: `insmod NAME` and `insmod NAME.ko`, where the argument has no '/'
 * and names no existing file, load the module that modules.dep lists under that name (so
 * `kplay insmod ida_demo` works from any directory). A real BusyBox insmod takes only a file and
 * would fail with "can't insert 'NAME': No such file or directory". Every message still names the
 * argument as typed, and an argument that is a path, or an existing file, is used as is.
 */
async function kplay_module_file(filename: string): Promise<string> {
  if (filename.includes("/")) return filename;
  const saved = libc().errno;
  const st = stat(filename);
  const missing = !st && libc().errno === ENOENT;
  libc().errno = saved;
  if (!missing) return filename;
  const modname = filename2modname(filename);
  const rest = filename.slice(modname.length);
  if (!modname || (rest !== "" && rest !== ".ko")) return filename;
  return (await modules_dep_lookup(modname)) ?? filename;
}

export async function insmod_main(_argc: number, argv: string[]): Promise<number> {
  const filename = argv[1];
  if (filename === undefined) return bb_show_usage(insmod_trivial_usage, insmod_full_usage);

  const rc = await bb_init_module(await kplay_module_file(filename), parse_cmdline_module_options(argv.slice(1), false));
  if (rc) bb_error_msg(`can't insert '${filename}': ${moderror(rc)}`);

  return rc;
}
