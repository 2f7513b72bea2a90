// Mirrors fs/proc/root.c (proc_root_init) and the small files of fs/proc/: version, uptime,
// cmdline, plus /proc/modules (kernel/module.c) and /proc/kmsg (fs/proc/kmsg.c).
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { kmsg_proc_ops } from "../../kernel/printk/devkmsg.js";
import { proc_sys_init } from "../../kernel/sysctl.js";
import { new_proc_root, proc_create, proc_mkdir } from "./generic.js";
import { proc_pid_dirs } from "./base.js";
import { seq_printf, seq_puts, single_proc_ops } from "./seq_file.js";

/** linux_proc_banner */
export function linux_banner(k: Kernel): string {
  return `${k.utsname.sysname} version ${k.utsname.release} (kplay@kplay) (arm-linux-gnueabihf-gcc (GCC) 11.2.0, GNU ld (GNU Binutils) 2.37) ${k.utsname.version}\n`;
}

export function proc_root_init(k: Kernel): void {
  k.proc_root = new_proc_root(proc_pid_dirs(k));
  proc_create("version", 0o444, null, single_proc_ops((m) => (seq_puts(m, linux_banner(current().kernel)), 0)));
  proc_create("cmdline", 0o444, null, single_proc_ops((m) => (seq_puts(m, current().kernel.cmdline + "\n"), 0)));
  proc_create(
    "uptime",
    0o444,
    null,
    single_proc_ops((m) => {
      const kk = current().kernel;
      const up = kk.clock.now();
      let busy = 0;
      for (const t of kk.tasks.values()) busy += t.utime + t.stime;
      const cs = (ns: number): string => `${Math.floor(ns / 1e9)}.${String(Math.floor((ns % 1e9) / 1e7)).padStart(2, "0")}`;
      seq_printf(m, "%s %s\n", cs(up), cs(Math.max(0, up - busy)));
      return 0;
    }),
  );
  proc_create("modules", 0o444, null, single_proc_ops((m) => (seq_puts(m, current().kernel.modules.proc_modules()), 0)));
  proc_create("kmsg", 0o400, null, kmsg_proc_ops);
  proc_mkdir("net", null);
  proc_mkdir("driver", null);
  proc_sys_init();
}
