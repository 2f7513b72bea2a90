// my_sockopt: the kernel side of "nf_sockopt: A Mechanism for IPC between The Kernel And User
// Space" (seed 002), ported to Linux 5.15. It claims {g,s}etsockopt numbers 999-1001 (set) and
// 999-1002 (get) of PF_INET with nf_register_sockopt; a program's setsockopt(SOL_IP, 999, ...) on
// any AF_INET socket then reaches do_my_set_ctl, and getsockopt(SOL_IP, 1001, ...) do_my_get_ctl.
//
// What changed for 5.15: .set takes a sockptr_t instead of a void __user *, and the string is
// copied into the kernel with copy_from_sockptr before it is printed (see do_my_set_ctl). The
// printk calls keep the original's missing log level (the default, warning, which the console
// shows), and the ops keep the original's unset .owner.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { printk } from "../kernel/printk/printk.js";
import { EFAULT } from "../include/uapi/errno.js";
import { PF_INET } from "../include/uapi/socket.js";
import { copy_from_sockptr, type SockPtr } from "../include/linux/sockptr.js";
import { copy_to_user, type UserPtr } from "../kernel/uaccess.js";
import { cstr } from "../lib/vsprintf.js";
import type { Sock } from "../net/core/sock.js";
import { nf_register_sockopt, nf_unregister_sockopt, type NfSockoptOps } from "../net/netfilter/nf_sockopt.js";
import { MY_BASE_CTL, MY_SO_GET_MAX, MY_SO_SET_MAX } from "./my_sockopt.h.js";

/** An int as the bytes copy_to_user(user, &ret, sizeof(ret)) copies (little-endian ARM). */
function int_bytes(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}

export const my_sockopt: ModuleSource = () => {
  function do_my_set_ctl(_sk: Sock, _cmd: number, arg: SockPtr, len: number): number {
    const buf = new Uint8Array(64);
    // The original printed the user pointer itself: printk("Get from user space [%s]\n", (char*)user);
    // The kernel may not read user memory that way, and 5.15 passes a sockptr_t: copy it first.
    if (copy_from_sockptr(buf, arg, Math.min(len, buf.length - 1))) return -EFAULT;
    printk("Get from user space [%s]\n", cstr(buf));

    return 0;
  }

  function do_my_get_ctl(_sk: Sock, cmd: number, user: UserPtr, _len: { value: number }): number {
    let ret: number;
    printk("Send to user space [%d]\n", cmd);
    ret = cmd;
    //copy_to_user(void __user *to, const void *from, unsigned long n)
    ret = copy_to_user(user, int_bytes(ret), 4 /* sizeof(ret) */);

    return ret;
  }

  const my_sockopts = {
    pf: PF_INET,
    set_optmin: MY_BASE_CTL,
    set_optmax: MY_SO_SET_MAX + 1,
    set: do_my_set_ctl,
    get_optmin: MY_BASE_CTL,
    get_optmax: MY_SO_GET_MAX + 1,
    get: do_my_get_ctl,
  } satisfies NfSockoptOps;

  function mysockopt_init(): number {
    let ret: number;

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
  MODULE_LICENSE("GPL");
};
