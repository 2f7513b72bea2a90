// oops_demo: a module with a bug. Reading /proc/oops_demo follows a NULL pointer, so the reader
// gets an Oops in the log and dies with SIGSEGV, the kernel is tainted D, and everything else keeps
// working.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { pr_helpers } from "../kernel/printk/printk.js";
import { proc_create, remove_proc_entry, type ProcOps } from "../fs/proc/generic.js";
import type { File, Loff } from "../fs/file.js";
import type { UserPtr } from "../kernel/uaccess.js";
import { ENOMEM } from "../include/uapi/errno.js";
import { S_IRUGO } from "../include/uapi/fcntl.js";

interface oops_state {
  count: number;
}

export const oops_demo: ModuleSource = () => {
  MODULE_LICENSE("GPL");
  MODULE_AUTHOR("kplay");
  MODULE_DESCRIPTION("Dereferences a NULL pointer when /proc/oops_demo is read");

  const { pr_info } = pr_helpers((fmt) => "oops_demo: " + fmt);
  const state: oops_state | null = null;

  function oops_demo_read(_file: File, _buf: UserPtr, _count: number, _ppos: Loff): number {
    return (state as unknown as oops_state).count;
  }

  const oops_demo_fops = { proc_read: oops_demo_read } satisfies ProcOps;

  function oops_demo_init(): number {
    if (!proc_create("oops_demo", S_IRUGO, null, oops_demo_fops)) return -ENOMEM;
    pr_info("cat /proc/oops_demo to crash\n");
    return 0;
  }

  function oops_demo_exit(): void {
    remove_proc_entry("oops_demo", null);
  }

  module_init(oops_demo_init);
  module_exit(oops_demo_exit);
};
