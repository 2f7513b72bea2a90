// Mirrors kernel/sysctl.c for /proc/sys/kernel: printk, tainted, hostname, osrelease, ostype,
// version, dmesg_restrict. Reading shows the value; writing (root) parses and sets it.
import { EACCES, EFAULT, EINVAL, EPERM } from "../include/uapi/errno.js";
import type { Inode } from "../fs/inode.js";
import { MAY_EXEC, MAY_READ, MAY_WRITE } from "../fs/namei.js";
import type { Cred } from "./cred.js";
import { S_IFREG } from "../include/uapi/fcntl.js";
import { current } from "./sched/task.js";
import { copy_from_user } from "./uaccess.js";
import type { Kernel } from "./kernel.js";
import { proc_create_data, proc_mkdir } from "../fs/proc/generic.js";
import { seq_puts, single_proc_ops } from "../fs/proc/seq_file.js";

interface CtlTable {
  procname: string;
  mode: number;
  get(k: Kernel): string;
  /** Apply the written text; 0 or -errno. */
  set?(k: Kernel, text: string): number;
}

function int_vector(s: string, n: number): number[] | null {
  const parts = s.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > n || parts.some((p) => !/^-?\d+$/.test(p))) return null;
  return parts.map(Number);
}

const kern_table: CtlTable[] = [
  { procname: "dmesg_restrict", mode: 0o644, get: (k) => `${k.dmesg_restrict}\n`, set: (k, s) => ((v) => (v && v[0] >= 0 && v[0] <= 1 ? ((k.dmesg_restrict = v[0]), 0) : -EINVAL))(int_vector(s, 1)) },
  { procname: "hostname", mode: 0o644, get: (k) => k.utsname.nodename + "\n", set: (k, s) => ((k.utsname.nodename = s.replace(/\n$/, "").slice(0, 64)), 0) },
  { procname: "osrelease", mode: 0o444, get: (k) => k.utsname.release + "\n" },
  { procname: "ostype", mode: 0o444, get: (k) => k.utsname.sysname + "\n" },
  {
    procname: "printk",
    mode: 0o644,
    get: (k) => k.printk.console_printk.join("\t") + "\n",
    set: (k, s) => {
      const v = int_vector(s, 4);
      if (!v) return -EINVAL;
      v.forEach((x, i) => (k.printk.console_printk[i] = x));
      return 0;
    },
  },
  { procname: "tainted", mode: 0o644, get: (k) => `${k.tainted}\n`, set: (k, s) => ((v) => (v ? ((k.tainted |= v[0]), 0) : -EINVAL))(int_vector(s, 1)) },
  { procname: "version", mode: 0o444, get: (k) => k.utsname.version + "\n" },
];

/** proc_sys_init(): /proc/sys/kernel and its entries. */
export function proc_sys_init(): void {
  const sys = proc_mkdir("sys", null);
  const kernel_dir = proc_mkdir("kernel", sys);
  for (const t of kern_table) {
    const pde = proc_create_data(t.procname, S_IFREG | t.mode, kernel_dir, {
      ...single_proc_ops((m) => (seq_puts(m, t.get(current().kernel)), 0)),
      proc_write(_file, buf, count) {
        if (!t.set) return -EPERM;
        const bytes = new Uint8Array(count);
        if (copy_from_user(bytes, buf, count)) return -EFAULT;
        const r = t.set(current().kernel, new TextDecoder().decode(bytes));
        return r < 0 ? r : count;
      },
    }, t);
    if (pde) pde.permission = proc_sys_permission;
  }
}

/**
 * proc_sys_permission() and test_perm() (fs/proc/proc_sysctl.c, kernel/sysctl.c): the mode bits
 * for root too, so root cannot write a 0444 sysctl (EACCES at open), unlike other proc files.
 */
function proc_sys_permission(inode: Inode, mask: number, cred: Cred): number {
  let mode = inode.mode;
  if (cred.euid === 0) mode >>= 6;
  else if (cred.egid === 0) mode >>= 3;
  const op = mask & (MAY_READ | MAY_WRITE | MAY_EXEC);
  return (mode & op & 7) === op ? 0 : -EACCES;
}
