// ksocket: "Simple UDP Server in Kernel-space" (kernelnewbies, seed 001), ported to Linux 5.15.
// A kernel thread binds UDP port 2325, logs every datagram it receives into a 10-byte buffer, and
// sends "testing..." to 127.0.0.1:23 for each one.
//
// What changed from the 2.6 original, because 5.15 has none of it: lock_kernel()/unlock_kernel()
// (the BKL, gone in 2.6.39) and daemonize() (kthreads start clean from kthreadd) are dropped;
// sock_create() becomes sock_create_kern(&init_net, ...); set_fs(KERNEL_DS) around
// sock_sendmsg/sock_recvmsg becomes kernel_sendmsg/kernel_recvmsg on a kvec; kill_proc(pid,
// SIGKILL, 1) becomes send_sig(SIGKILL, task, 1). The strings, the 10-byte buffer, and the
// original's spelling ("succesfully") are kept.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { printk } from "../kernel/printk/printk.js";
import { KERN_INFO } from "../include/linux/kern_levels.js";
import { ENOMEM, ENXIO } from "../include/uapi/errno.js";
import { AF_INET, SOCK_DGRAM } from "../include/uapi/socket.js";
import { INADDR_ANY, INADDR_LOOPBACK, IPPROTO_UDP, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../include/uapi/in.js";
import { SIGKILL } from "../include/uapi/signal.js";
import { current, type Task } from "../kernel/sched/task.js";
import { allow_signal, send_sig, signal_pending } from "../kernel/signal.js";
import { msleep } from "../kernel/sched/wait.js";
import { kthread_run } from "../kernel/kthread.js";
import { cstr } from "../lib/vsprintf.js";
import type { Socket } from "../net/socket.js";
import { kernel_msghdr, kernel_recvmsg, kernel_sendmsg, sock_create_kern, sock_release } from "../net/kernel_socket.js";

const DEFAULT_PORT = 2325;
const CONNECT_PORT = 23;
const MODULE_NAME = "ksocket";
const INADDR_SEND = INADDR_LOOPBACK;

/** struct kthread_t */
interface kthread_t {
  thread: Task | null;
  sock: Socket | null;
  addr: Uint8Array;
  sock_send: Socket | null;
  addr_send: Uint8Array;
  running: number;
}

export const ksocket: ModuleSource = () => {
  MODULE_DESCRIPTION("kernel thread listening on a UDP socket (code example)");
  MODULE_AUTHOR("Toni Garcia-Navarro <topi@phreaker.net>");
  MODULE_LICENSE("GPL");

  let kthread: kthread_t | null = null;

  async function ksocket_receive(sock: Socket, addr: Uint8Array, buf: Uint8Array, len: number): Promise<number> {
    if (!sock.sk) return 0;
    const msg = kernel_msghdr(addr);
    return kernel_recvmsg(sock, msg, [{ iov_base: buf, iov_len: len }], 1, len, msg.msg_flags);
  }

  async function ksocket_send(sock: Socket, addr: Uint8Array, buf: Uint8Array, len: number): Promise<number> {
    if (!sock.sk) return 0;
    const msg = kernel_msghdr(addr);
    return kernel_sendmsg(sock, msg, [{ iov_base: buf, iov_len: len }], 1, len);
  }

  async function ksocket_start(): Promise<number> {
    const kt = kthread!;
    const bufsize = 10;
    const buf = new Uint8Array(bufsize + 1);

    kt.running = 1;
    allow_signal(current(), SIGKILL);

    let err: number;
    const s1 = await sock_create_kern(null, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    const s2 = typeof s1 === "number" ? s1 : await sock_create_kern(null, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    if (typeof s1 === "number" || typeof s2 === "number") {
      printk(KERN_INFO + MODULE_NAME + ": Could not create a datagram socket, error = %d\n", -ENXIO);
      if (typeof s1 !== "number") await sock_release(s1);
      kt.thread = null;
      kt.running = 0;
      return 0;
    }
    kt.sock = s1;
    kt.sock_send = s2;

    kt.addr = make_sockaddr_in(AF_INET, DEFAULT_PORT, INADDR_ANY);
    kt.addr_send = make_sockaddr_in(AF_INET, CONNECT_PORT, INADDR_SEND);

    // The original's `err = ...->connect(...) < 0` binds as `err = (connect < 0)`: a failed connect
    // leaves err = 1, and the message then says "error = -1".
    const failed =
      (err = await kt.sock.ops!.bind!(kt.sock, kt.addr, SOCKADDR_IN_SIZE)) < 0 ||
      (err = Number((await kt.sock_send.ops!.connect!(kt.sock_send, kt.addr_send, SOCKADDR_IN_SIZE, 0)) < 0)) !== 0;
    if (failed) {
      printk(KERN_INFO + MODULE_NAME + ": Could not bind or connect to socket, error = %d\n", -err);
    } else {
      printk(KERN_INFO + MODULE_NAME + ": listening on port %d\n", DEFAULT_PORT);

      for (;;) {
        buf.fill(0);
        const size = await ksocket_receive(kt.sock, kt.addr, buf, bufsize);

        if (signal_pending(current())) break;

        if (size < 0) printk(KERN_INFO + MODULE_NAME + ": error getting datagram, sock_recvmsg error = %d\n", size);
        else {
          printk(KERN_INFO + MODULE_NAME + ": received %d bytes\n", size);
          printk("\n data: %s\n", cstr(buf));

          buf.fill(0);
          buf.set(new TextEncoder().encode("testing..."));
          await ksocket_send(kt.sock_send, kt.addr_send, buf, cstr(buf).length);
        }
      }
    }

    await sock_release(kt.sock);
    await sock_release(kt.sock_send);
    kt.sock = null;
    kt.sock_send = null;
    kt.thread = null;
    kt.running = 0;
    return 0;
  }

  function ksocket_init(): number {
    kthread = { thread: null, sock: null, addr: new Uint8Array(SOCKADDR_IN_SIZE), sock_send: null, addr_send: new Uint8Array(SOCKADDR_IN_SIZE), running: 0 };
    kthread.thread = kthread_run(ksocket_start, null, MODULE_NAME);
    if (!kthread.thread) {
      printk(KERN_INFO + MODULE_NAME + ": unable to start kernel thread\n");
      kthread = null;
      return -ENOMEM;
    }
    return 0;
  }

  async function ksocket_exit(): Promise<void> {
    const kt = kthread!;
    if (kt.thread === null) printk(KERN_INFO + MODULE_NAME + ": no kernel thread to kill\n");
    else {
      const err = send_sig(SIGKILL, kt.thread);
      if (err < 0) printk(KERN_INFO + MODULE_NAME + ": unknown error %d while trying to terminate kernel thread\n", -err);
      else {
        while (kt.running === 1) await msleep(10);
        printk(KERN_INFO + MODULE_NAME + ": succesfully killed kernel thread!\n");
      }
    }
    if (kt.sock !== null) {
      await sock_release(kt.sock);
      kt.sock = null;
    }
    kthread = null;
    printk(KERN_INFO + MODULE_NAME + ": module unloaded\n");
  }

  module_init(ksocket_init);
  module_exit(ksocket_exit);
};
