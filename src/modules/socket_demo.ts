// socket_demo: "My Socket Domain and Protocol" of seed 000, ported to Linux 5.15. A protocol family
// 45 (PF_MYPROTO, which 5.15 names PF_MCTP) with a struct proto "MYSOCK" and a proto_ops table whose
// calls print what they are given. The mypr_* lines carry the C original's function names and line
// numbers, as the tutorial's console shows them.
//
// Like the original, my_release does not free the sock, so the sock and the module reference it
// holds (sk_alloc's try_module_get) outlive every my_sock run: after one, lsmod shows socket_demo
// used once more and rmmod refuses, as on Linux.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { pr_err, pr_info } from "../kernel/printk/printk.js";
import type { FormatArg } from "../lib/vsprintf.js";
import { EINVAL, ENOMEM } from "../include/uapi/errno.js";
import { GFP_KERNEL } from "../lib/idr.js";
import { sock_register, sock_unregister, type NetProtoFamily, type ProtoOps, type Socket } from "../net/socket.js";
import { proto_register, proto_unregister, sk_alloc, sock_init_data, sock_no_accept, sock_no_listen, type Proto, type Sock } from "../net/core/sock.js";
import { memcpy_from_msg, memcpy_to_msg, type Msghdr } from "../net/core/msghdr.js";
import { cstr } from "../lib/vsprintf.js";

const PF_MYPROTO = 45;

/** mypr_info(fmt, ...): pr_info("%s(#%d)" fmt, __func__, __LINE__, ...) with the C file's func and line. */
function mypr_info(func: string, line: number, fmt: string, ...args: FormatArg[]): void {
  pr_info("%s(#%d)" + fmt, func, line, ...args);
}

function mypr_err(func: string, line: number, fmt: string, ...args: FormatArg[]): void {
  pr_err("%s(#%d)" + fmt, func, line, ...args);
}

/** struct my_sock: struct sock first, then the protocol's own field. */
interface my_sock extends Sock {
  channel: number;
}

/** sizeof(struct my_sock) on 32-bit ARM: sizeof(struct sock) 500 + int channel. */
const SIZEOF_MY_SOCK = 504;
/** sizeof(struct sockaddr_my) */
const SIZEOF_SOCKADDR_MY = 4;

export const socket_demo: ModuleSource = (THIS_MODULE) => {
  const my_sock_sk = (sk: Sock | null): my_sock => sk as my_sock;

  const my_proto: Proto = {
    name: "MYSOCK",
    owner: THIS_MODULE,
    obj_size: SIZEOF_MY_SOCK,
  };

  function my_bind(sock: Socket, saddr: Uint8Array, len: number): number {
    const addr = new DataView(saddr.buffer, saddr.byteOffset);
    const my_sock = my_sock_sk(sock.sk);
    mypr_info("my_bind", 49, "sock->channel %d\n", my_sock.channel);
    if (len < SIZEOF_SOCKADDR_MY) {
      mypr_err("my_bind", 51, "len of addr is small\n");
      return -EINVAL;
    }
    my_sock.channel = addr.getInt32(0, true);
    return 0;
  }

  function my_listen(sock: Socket, len: number): number {
    const my_sock = my_sock_sk(sock.sk);
    mypr_info("my_listen", 61, "sock->channel %d\n", my_sock.channel);
    return sock_no_listen(sock, len);
  }

  function my_accept(sock: Socket, newsock: Socket, flags: number, kern: boolean): number {
    const my_sock = my_sock_sk(sock.sk);
    mypr_info("my_accept", 68, "sock->channel %d\n", my_sock.channel);
    return sock_no_accept(sock, newsock, flags, kern);
  }

  function my_release(sock: Socket): number {
    const my_sock = my_sock_sk(sock.sk);
    mypr_info("my_release", 75, "sock->channel %d\n", my_sock.channel);
    return 0;
  }

  function my_connect(_sock: Socket, _saddr: Uint8Array, len: number, _flags: number): number {
    if (len < SIZEOF_SOCKADDR_MY) return -EINVAL;
    return 0;
  }

  function my_recvmsg(_sock: Socket, msg: Msghdr, _len: number, _flags: number): number {
    const buf = new TextEncoder().encode("My test\0");
    memcpy_to_msg(msg, buf, buf.length);
    return buf.length;
  }

  function my_sendmsg(sock: Socket, msg: Msghdr, len: number): number {
    const my_sock = my_sock_sk(sock.sk);
    mypr_info("my_sendmsg", 110, "len:%d, channel:%d\n", len, my_sock.channel);
    const buf = new Uint8Array(len + 1);
    const err = memcpy_from_msg(buf, msg, len);
    mypr_info("my_sendmsg", 119, "data: err:%d, msg:%s\n", err, cstr(buf));
    return len;
  }

  const my_proto_ops = {
    family: PF_MYPROTO,
    owner: THIS_MODULE,
    bind: my_bind,
    listen: my_listen,
    accept: my_accept,
    connect: my_connect,
    release: my_release,
    sendmsg: my_sendmsg,
    recvmsg: my_recvmsg,
  } satisfies ProtoOps;

  function myproto_create(net: unknown, sock: Socket, _protocol: number, kern: number): number {
    const sk = sk_alloc(net, PF_MYPROTO, GFP_KERNEL, my_proto, kern);
    if (!sk) {
      mypr_err("myproto_create", 143, "sk_alloc failed\n");
      return -ENOMEM;
    }
    sock.ops = my_proto_ops;
    sock_init_data(sock, sk);
    const my_sock = sk as my_sock;
    my_sock.channel = 999;
    mypr_info("myproto_create", 150, "default channel:%d\n", my_sock.channel);
    return 0;
  }

  const myproto_family = {
    family: PF_MYPROTO,
    create: myproto_create,
    owner: THIS_MODULE,
  } satisfies NetProtoFamily;

  function myproto_init(): number {
    let ret = proto_register(my_proto, 0);
    if (ret) {
      mypr_err("myproto_init", 167, "Failed to register myprotocol\n");
      return ret;
    }
    ret = sock_register(myproto_family);
    if (ret) {
      mypr_err("myproto_init", 173, "Failed to register myprotocol family\n");
      proto_unregister(my_proto);
      return ret;
    }
    mypr_err("myproto_init", 178, "myprotocol module loaded\n");
    return 0;
  }

  function myproto_exit(): void {
    sock_unregister(PF_MYPROTO);
    proto_unregister(my_proto);
    mypr_info("myproto_exit", 186, "myprotocol module unloaded\n");
  }

  module_init(myproto_init);
  module_exit(myproto_exit);
  MODULE_LICENSE("GPL");
};
