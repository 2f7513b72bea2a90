// Mirrors BusyBox 1.35 modutils/rmmod.c (MODPROBE_SMALL=n): delete_module(name, O_NONBLOCK|O_EXCL)
// for each MODULE (a path or FILE.ko is fine: basename, then up to the first '.', '-' made '_').
// -w drops O_NONBLOCK, -f adds O_TRUNC (forced removal), -a removes all unused modules, -s is
// ignored. The first failure prints "can't unload module 'NAME': <strerror>" and exits 1.
import { EFAULT } from "../../../include/uapi/errno.js";
import { O_EXCL, O_NONBLOCK, O_TRUNC } from "../../../include/uapi/fcntl.js";
import { bb_perror_msg_and_die, bb_show_usage } from "../libbb.js";
import { bb_basename, bb_delete_module, filename2modname, getopt32 } from "./modutils.js";

const usage = {
  trivial: "[-wfa] [MODULE]...",
  full: "Unload kernel modules\n" + "\n\t-w\tWait until the module is no longer used" + "\n\t-f\tForce unload" + "\n\t-a\tRemove all unused modules (recursively)",
};

export async function rmmod_main(_argc: number, argv: string[]): Promise<number> {
  let flags = O_NONBLOCK | O_EXCL;

  /* Parse command line. */
  const { mask: n, args } = await getopt32(argv, "wfas", usage); // -s ignored
  if (n & 1) flags &= ~O_NONBLOCK; // --wait
  if (n & 2) flags |= O_TRUNC; // --force
  if (n & 4) {
    /* Unload _all_ unused modules via NULL delete_module() call */
    const err = await bb_delete_module(null, flags);
    if (err && err !== EFAULT) await bb_perror_msg_and_die("rmmod");
    return 0;
  }

  if (args.length === 0) return bb_show_usage(usage.trivial, usage.full);

  for (const arg of args) {
    const modname = filename2modname(bb_basename(arg));
    const err = await bb_delete_module(modname, flags);
    if (err) await bb_perror_msg_and_die(`can't unload module '${modname}'`);
  }

  return 0;
}
