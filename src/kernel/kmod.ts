// Mirrors kernel/kmod.c: request_module(). Linux runs `/sbin/modprobe -q -- NAME` as a usermode
// helper; kplay resolves NAME against the MODULE_ALIAS entries of the modules installed under
// /lib/modules (what depmod writes to modules.alias) and loads the match with root's rights.
import { compile_module } from "../include/linux/module.js";
import { Module } from "./module/module.js";
import { current, run_as } from "./sched/task.js";
import { path_lookup } from "../fs/namei.js";
import type { RamfsData } from "../fs/ramfs.js";
import { ENOENT } from "../include/uapi/errno.js";

/** request_module(name): 0 once a module with that alias is loaded (or was already), else -ENOENT. */
export async function request_module(name: string): Promise<number> {
  const k = current().kernel;
  for (const [modname, source] of k.modules.sources) {
    const aliases = compile_module(source, new Module(modname)).modinfo.filter(([key, v]) => key === "alias" && v === name);
    if (aliases.length === 0) continue;
    if (k.modules.find(modname)) return 0;
    const found = path_lookup({ root: k.root, cwd: "/", cred: k.init_task.cred }, `/lib/modules/${k.utsname.release}/extra/${modname}.ko`);
    if (typeof found === "number") return found;
    const data = found.inode.i_private as RamfsData;
    return run_as(k.init_task, () => k.modules.load_module(data.bytes.subarray(0, found.inode.size), ""));
  }
  return -ENOENT;
}
