// sockno_demo: a protocol family that supports nothing. Its proto_ops point every call at the
// sock_no_* stubs of net/core/sock.c, so each socket call a program makes on it fails with
// EOPNOTSUPP ("Operation not supported"), or ENODEV for mmap. The family number is a parameter:
// `insmod sockno_demo family=45` while socket_demo is loaded shows sock_register's -EEXIST (and
// that 5.15 prints "NET: Registered ..." even then).
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, MODULE_PARM_DESC, module_exit, module_init, module_param } from "../include/linux/module.js";
import { pr_helpers } from "../kernel/printk/printk.js";
import { ENOMEM } from "../include/uapi/errno.js";
import { GFP_KERNEL } from "../lib/idr.js";
import { sock_register, sock_unregister, type NetProtoFamily, type ProtoOps, type Socket } from "../net/socket.js";
import * as sock from "../net/core/sock.js";

export const sockno_demo: ModuleSource = (THIS_MODULE) => {
  MODULE_LICENSE("GPL");
  MODULE_AUTHOR("kplay");
  MODULE_DESCRIPTION("A protocol family whose every socket call is a sock_no_* stub");

  const family = module_param("family", "int", 0o444, 44);
  MODULE_PARM_DESC("family", "Protocol family number to register (default 44)");
  const { pr_info, pr_err } = pr_helpers((fmt) => "sockno_demo: " + fmt);

  const nosock_proto: sock.Proto = { name: "NOSOCK", owner: THIS_MODULE, obj_size: 500 };

  function nosock_release(s: Socket): number {
    const sk = s.sk;
    if (!sk) return 0;
    sock.sock_orphan(sk);
    sock.sock_put(sk);
    return 0;
  }

  const nosock_ops = {
    family: 0,
    owner: THIS_MODULE,
    release: nosock_release,
    bind: sock.sock_no_bind,
    connect: sock.sock_no_connect,
    socketpair: sock.sock_no_socketpair,
    accept: sock.sock_no_accept,
    getname: sock.sock_no_getname,
    ioctl: sock.sock_no_ioctl,
    listen: sock.sock_no_listen,
    shutdown: sock.sock_no_shutdown,
    sendmsg: sock.sock_no_sendmsg,
    recvmsg: sock.sock_no_recvmsg,
  } satisfies ProtoOps;

  function nosock_create(net: unknown, s: Socket, _protocol: number, kern: number): number {
    const sk = sock.sk_alloc(net, family.value, GFP_KERNEL, nosock_proto, kern);
    if (!sk) return -ENOMEM;
    s.ops = nosock_ops;
    sock.sock_init_data(s, sk);
    return 0;
  }

  const nosock_family = { family: 0, create: nosock_create, owner: THIS_MODULE } satisfies NetProtoFamily;

  function sockno_init(): number {
    nosock_ops.family = nosock_family.family = family.value;
    let err = sock.proto_register(nosock_proto, 1);
    if (err) return err;
    err = sock_register(nosock_family);
    if (err) {
      pr_err("sock_register(%d) failed: %d\n", family.value, err);
      sock.proto_unregister(nosock_proto);
      return err;
    }
    pr_info("family %d registered\n", family.value);
    return 0;
  }

  function sockno_exit(): void {
    sock_unregister(family.value);
    sock.proto_unregister(nosock_proto);
  }

  module_init(sockno_init);
  module_exit(sockno_exit);
};
