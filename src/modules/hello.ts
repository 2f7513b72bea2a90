// hello: the classic first module, with parameters and an init that can be told to fail. Init
// creates /proc/hello and, when `fail` is set, undoes that and returns -ENOMEM, so a learner sees
// an init error unwind and insmod report it.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, MODULE_PARM_DESC, MODULE_VERSION, module_exit, module_init, module_param } from "../include/linux/module.js";
import { pr_helpers } from "../kernel/printk/printk.js";
import { proc_create, remove_proc_entry } from "../fs/proc/generic.js";
import { seq_printf, single_proc_ops } from "../fs/proc/seq_file.js";
import { ENOMEM } from "../include/uapi/errno.js";
import { S_IRUGO } from "../include/uapi/fcntl.js";

export const hello: ModuleSource = () => {
  MODULE_LICENSE("GPL");
  MODULE_AUTHOR("kplay");
  MODULE_DESCRIPTION("Hello world with parameters and a failing init");
  MODULE_VERSION("1.0");

  const { pr_info, pr_err } = pr_helpers((fmt) => "hello: " + fmt);

  const whom = module_param("whom", "charp", 0o444, "world");
  MODULE_PARM_DESC("whom", "Whom to greet");
  const howmany = module_param("howmany", "int", 0o444, 1);
  MODULE_PARM_DESC("howmany", "How many greetings");
  const fail = module_param("fail", "bool", 0o444, false);
  MODULE_PARM_DESC("fail", "Make init fail after creating /proc/hello");

  const hello_proc_ops = single_proc_ops((m) => {
    seq_printf(m, "Hello, %s\n", whom.value);
    return 0;
  });

  function hello_init(): number {
    for (let i = 0; i < howmany.value; i++) pr_info("Hello, %s\n", whom.value);
    if (!proc_create("hello", S_IRUGO, null, hello_proc_ops)) return -ENOMEM;
    if (fail.value) {
      pr_err("init failed (fail=1), unwinding\n");
      remove_proc_entry("hello", null);
      return -ENOMEM;
    }
    return 0;
  }

  function hello_exit(): void {
    remove_proc_entry("hello", null);
    pr_info("Goodbye, %s\n", whom.value);
  }

  module_init(hello_init);
  module_exit(hello_exit);
};
