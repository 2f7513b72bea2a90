// ida_demo: the "ID Allocation" tutorial of seed 000, ported to Linux 5.15. Reading /proc/ida
// allocates the lowest free ID and logs it; writing an integer frees that ID.
//
// Differences from the C original, all forced by 5.15: proc_create() takes a struct proc_ops
// (5.6+) instead of a struct file_operations. Like the original, exit does not remove /proc/ida;
// on Linux the entry would dangle, and kplay's loader reports and removes it at rmmod.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, MODULE_VERSION, module_exit, module_init } from "../include/linux/module.js";
import { DEFINE_IDA, GFP_KERNEL, ida_destroy, ida_simple_get, ida_simple_remove } from "../lib/idr.js";
import { printk } from "../kernel/printk/printk.js";
import { KERN_ERR, KERN_INFO } from "../include/linux/kern_levels.js";
import { snprintf } from "../lib/vsprintf.js";
import { kstrtoint } from "../lib/kstrtox.js";
import { copy_from_user, copy_to_user, type UserPtr } from "../kernel/uaccess.js";
import { EFAULT, EINVAL, ENOMEM } from "../include/uapi/errno.js";
import { S_IRUGO } from "../include/uapi/fcntl.js";
import { proc_create, type ProcOps } from "../fs/proc/generic.js";
import { default_llseek, simple_open } from "../fs/read_write.js";
import type { File, Loff } from "../fs/file.js";

export const ida_demo: ModuleSource = () => {
  MODULE_LICENSE("GPL");
  MODULE_AUTHOR("Brook");
  MODULE_DESCRIPTION("Kernel module to demo IDA");
  MODULE_VERSION("0.1");

  const my_ida = DEFINE_IDA();

  function ida_demo_read(_file: File, buf: UserPtr, _count: number, _ppos: Loff): number {
    const tmp_buf = new Uint8Array(10);

    const id = ida_simple_get(my_ida, 0, 0, GFP_KERNEL);
    if (id >= 0) {
      printk(KERN_INFO + "IDR Demo: Successfully allocated ID: %d\n", id);
    } else {
      printk(KERN_ERR + "IDR Demo: Failed to allocate ID\n");
      return -ENOMEM;
    }

    const len = snprintf(tmp_buf, tmp_buf.length, "%d", id);
    if (len < 0) return -EINVAL;

    if (copy_to_user(buf, tmp_buf, len)) return -EFAULT;

    return 0;
  }

  function ida_demo_write(_file: File, buf: UserPtr, count: number, _ppos: Loff): number {
    const tmp_buf = new Uint8Array(20);
    const id = { value: 0 };

    if (count >= tmp_buf.length) return -EINVAL;

    if (copy_from_user(tmp_buf, buf, count)) return -EFAULT;

    tmp_buf[count] = 0;
    if (kstrtoint(tmp_buf, 10, id)) {
      printk(KERN_ERR + "invalid ID: %s\n", tmp_buf);
      return -EINVAL;
    }

    printk(KERN_INFO + "remove ID %d\n", id.value);
    ida_simple_remove(my_ida, id.value);

    return count;
  }

  const ida_fops = {
    proc_open: simple_open,
    proc_read: ida_demo_read,
    proc_write: ida_demo_write,
    proc_lseek: default_llseek,
  } satisfies ProcOps;

  function ida_demo_init(): number {
    printk(KERN_INFO + "IDR Demo: Initializing module\n");

    const proc_entry = proc_create("ida", S_IRUGO, null, ida_fops);
    if (!proc_entry) {
      printk(KERN_ERR + "Failed to create sysfs entry for 'ida'\n");
      return -ENOMEM;
    }
    return 0;
  }

  function ida_demo_exit(): void {
    printk(KERN_INFO + "IDR Demo: Exiting module\n");
    ida_destroy(my_ida);
  }

  module_init(ida_demo_init);
  module_exit(ida_demo_exit);
};
