// my_sockopt2: my_sockopt (seed 002) built with another MY_BASE_CTL, the parameter `base` (1001 by
// default), to show nf_register_sockopt's overlap check: next to my_sockopt its ranges [1001,1004)
// and [1001,1005) overlap [999,1002) and [999,1003), so its init prints "nf_register_sockopt
// failed [-16]" and insmod reports EBUSY. Once my_sockopt is gone it loads and answers
// getsockopt(SOL_IP, 1001..1004).
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_DESCRIPTION, MODULE_LICENSE, MODULE_PARM_DESC, module_exit, module_init, module_param } from "../include/linux/module.js";
import { printk } from "../kernel/printk/printk.js";
import { EFAULT } from "../include/uapi/errno.js";
import { PF_INET } from "../include/uapi/socket.js";
import { copy_from_sockptr, type SockPtr } from "../include/linux/sockptr.js";
import { copy_to_user, type UserPtr } from "../kernel/uaccess.js";
import { cstr } from "../lib/vsprintf.js";
import type { Sock } from "../net/core/sock.js";
import { nf_register_sockopt, nf_unregister_sockopt, type NfSockoptOps } from "../net/netfilter/nf_sockopt.js";

export const my_sockopt2: ModuleSource = () => {
  MODULE_LICENSE("GPL");
  MODULE_DESCRIPTION("my_sockopt with MY_BASE_CTL set by a parameter, to show nf_sockopt range overlaps");

  const base = module_param("base", "int", 0o444, 1001);
  MODULE_PARM_DESC("base", "MY_BASE_CTL: the first option number claimed (default 1001)");

  function do_my_set_ctl(_sk: Sock, _cmd: number, arg: SockPtr, len: number): number {
    const buf = new Uint8Array(64);
    if (copy_from_sockptr(buf, arg, Math.min(len, buf.length - 1))) return -EFAULT;
    printk("Get from user space [%s]\n", cstr(buf));
    return 0;
  }

  function do_my_get_ctl(_sk: Sock, cmd: number, user: UserPtr, _len: { value: number }): number {
    printk("Send to user space [%d]\n", cmd);
    const ret = new Uint8Array(4);
    new DataView(ret.buffer).setInt32(0, cmd, true);
    return copy_to_user(user, ret, 4);
  }

  /* my_sockopt.h's enums counted from `base`: MY_SO_SET_MAX is base + 2, MY_SO_GET_MAX base + 3. */
  const my_sockopts: NfSockoptOps = {
    pf: PF_INET,
    set_optmin: 0,
    set_optmax: 0,
    set: do_my_set_ctl,
    get_optmin: 0,
    get_optmax: 0,
    get: do_my_get_ctl,
  };

  function mysockopt_init(): number {
    let ret: number;

    my_sockopts.set_optmin = base.value;
    my_sockopts.set_optmax = base.value + 2 + 1;
    my_sockopts.get_optmin = base.value;
    my_sockopts.get_optmax = base.value + 3 + 1;
    if ((ret = nf_register_sockopt(my_sockopts)) < 0) {
      printk("nf_register_sockopt failed [%d]\n", ret);
      return ret;
    }
    return 0;
  }

  function mysockopt_fini(): void {
    nf_unregister_sockopt(my_sockopts);
  }

  module_init(mysockopt_init);
  module_exit(mysockopt_fini);
};
