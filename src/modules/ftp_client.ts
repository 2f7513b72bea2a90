// ftp_client: the in-kernel FTP client of "Kernel Korner - Network Programming in the Kernel" (Linux
// Journal, 2005, Pradeep Padala and Ravi Parimi; seed 003), ported to Linux 5.15. Its module adds
// a system call that copies a struct params from the caller, connects to the FTP server's port 21,
// sends USER and PASS, listens on srcip:2000 for the data connection, sends PORT and RETR, accepts
// the server's connection and writes what arrives to a file. Like the original it reads exactly
// one response after each command and never looks at the reply codes.
//
// What changed for 5.15, where the 2.6 calls no longer exist:
// - sys_call_table[223] = my_sys_call (and sys_ni_syscall back on exit): the table is not exported
//   and is read-only; kplay_syscall_install/remove put the handler in the same slot, 223.
// - set_fs(KERNEL_DS) around sock_sendmsg/sock_recvmsg: kernel_sendmsg/kernel_recvmsg on a kvec.
// - sock_create(): sock_create_kern(&init_net, ...); sock_alloc() + data->ops->accept(): kernel_accept();
//   ->getname(..., 2): kernel_getpeername().
// - f->f_op->write() under set_fs, and the flush under lock_kernel(): kernel_write(); the BKL is gone.
// - current->uid != 0: !uid_eq(current_uid(), GLOBAL_ROOT_UID).
// - A NULL check on filp_open()'s result: IS_ERR(), as filp_open returns ERR_PTR.
// - Every error path returned -1, which a caller sees as EPERM; the port returns the error itself
//   (-ECONNREFUSED, -EADDRINUSE, ...) so that the caller's perror() names what went wrong. The
//   root check still returns -1, which is EPERM.
// The printk strings are the original's, including the "Sending PORT command" line that ends in
// the command's "\r\n" and so leaves an empty line after it.
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { printk } from "../kernel/printk/printk.js";
import { KERN_ERR, KERN_INFO } from "../include/linux/kern_levels.js";
import { EAGAIN, EFAULT, EINPROGRESS, ERESTARTSYS } from "../include/uapi/errno.js";
import { AF_INET, MSG_DONTWAIT, PF_INET, SOCK_STREAM } from "../include/uapi/socket.js";
import { IPPROTO_TCP, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../include/uapi/in.js";
import { O_CREAT, O_TRUNC, O_WRONLY } from "../include/uapi/fcntl.js";
import { copy_from_user, type UserPtr } from "../kernel/uaccess.js";
import { current } from "../kernel/sched/task.js";
import { signal_pending } from "../kernel/signal.js";
import { kplay_syscall_install, kplay_syscall_remove } from "../kernel/syscall_table.js";
import { filp_close, filp_open } from "../fs/open.js";
import { kernel_write } from "../fs/read_write.js";
import { cstr } from "../lib/vsprintf.js";
import type { Socket } from "../net/socket.js";
import { kernel_accept, kernel_bind, kernel_connect, kernel_getpeername, kernel_listen, kernel_msghdr, kernel_recvmsg, kernel_sendmsg, sock_create_kern, sock_release } from "../net/kernel_socket.js";

const FTP_STRING = "FTP_CLIENT: ";
const PORT = 21; /* FTP port */
const EPH_PORT = 2000; /* Ephemeral port for client */
const SNDBUF = 4096;
const RCVBUF = 4096;
const SYSCALL_NUM = 223;

/** struct params (ftp.h): 216 bytes. */
const PARAMS_SIZE = 4 + 4 + 64 + 64 + 16 + 64;

interface params {
  /** Destination IP address */
  destip: Uint8Array;
  /** Source IP address */
  srcip: Uint8Array;
  /** Source file - file to be downloaded from the server */
  src: string;
  /** Destination file - local file where the downloaded file is copied */
  dst: string;
  user: string;
  pass: string;
}

function parse_params(b: Uint8Array): params {
  return { destip: b.slice(0, 4), srcip: b.slice(4, 8), src: cstr(b.subarray(8, 72)), dst: cstr(b.subarray(72, 136)), user: cstr(b.subarray(136, 152)), pass: cstr(b.subarray(152, 216)) };
}

/** create_address(): four bytes folded into an address in host order. */
const create_address = (ip: Uint8Array): number => ((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) >>> 0;

const UC = (b: number): number => b & 0xff;

export const ftp_client: ModuleSource = (THIS_MODULE) => {
  MODULE_AUTHOR("Pradeep Padala");
  MODULE_LICENSE("GPL");

  const enc = new TextEncoder();

  async function send_sync_buf(sock: Socket, buf: Uint8Array, length: number, flags: number): Promise<number> {
    let written = 0;
    while (written < length) {
      const msg = kernel_msghdr();
      msg.msg_flags = flags;
      const len = await kernel_sendmsg(sock, msg, [{ iov_base: buf.subarray(written), iov_len: length - written }], 1, length - written);
      if (len === -ERESTARTSYS || (!(flags & MSG_DONTWAIT) && len === -EAGAIN)) continue;
      if (len < 0) return len;
      written += len;
    }
    return written;
  }

  function send_reply(sock: Socket, str: string): Promise<number> {
    const b = enc.encode(str);
    return send_sync_buf(sock, b, b.length, MSG_DONTWAIT);
  }

  async function read_response(sock: Socket, str: Uint8Array): Promise<number> {
    let len: number;
    do {
      const msg = kernel_msghdr();
      len = await kernel_recvmsg(sock, msg, [{ iov_base: str, iov_len: SNDBUF }], 1, SNDBUF, 0);
    } while (len === -EAGAIN || (len === -ERESTARTSYS && !signal_pending(current())));
    return len;
  }

  async function write_to_file(fname: string, sock: Socket, response: Uint8Array): Promise<number> {
    let total_written = 0;
    const f = await filp_open(fname, O_CREAT | O_WRONLY | O_TRUNC, 0o600);
    if (typeof f === "number") {
      printk(KERN_ERR + "WARNING: File (write) object is a null pointer!!!\n");
      return f;
    }
    const pos = { value: 0 };
    let len: number;
    while ((len = await read_response(sock, response)) > 0) {
      if (signal_pending(current())) {
        printk(KERN_INFO + FTP_STRING + "Got a signal\n");
        break;
      }
      const w = await kernel_write(f, response, len, pos);
      if (w > 0) total_written += w;
    }
    filp_close(f);
    printk(KERN_INFO + FTP_STRING + "Wrote %d bytes\n", total_written);
    return total_written;
  }

  async function my_sys_call(pm: UserPtr): Promise<number> {
    let r = -1;
    const raw = new Uint8Array(PARAMS_SIZE);
    if (copy_from_user(raw, pm, PARAMS_SIZE)) return -EFAULT;
    const pmk = parse_params(raw);

    if (current().cred.uid !== 0) return r;

    const response = new Uint8Array(RCVBUF);
    const control = await sock_create_kern(null, PF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (typeof control === "number") {
      printk(KERN_ERR + FTP_STRING + "error %d creating socket.\n", control);
      return control;
    }
    let data: Socket | null = null;
    let new_sock: Socket | null = null;
    try {
      r = await kernel_connect(control, make_sockaddr_in(AF_INET, PORT, create_address(pmk.destip)), SOCKADDR_IN_SIZE, 0);
      if (r < 0 && r !== -EINPROGRESS) {
        printk(KERN_ERR + FTP_STRING + "connect error: %d\n", r);
        return r;
      }
      await read_response(control, response);

      await send_reply(control, `USER ${pmk.user}\r\n`);
      await read_response(control, response);

      await send_reply(control, `PASS ${pmk.pass}\r\n`);
      await read_response(control, response);

      const d = await sock_create_kern(null, PF_INET, SOCK_STREAM, IPPROTO_TCP);
      if (typeof d === "number") {
        printk(KERN_ERR + FTP_STRING + "error %d creating data socket.\n", d);
        return d;
      }
      data = d;
      r = await kernel_bind(data, make_sockaddr_in(AF_INET, EPH_PORT, create_address(pmk.srcip)), SOCKADDR_IN_SIZE);
      if (r < 0) {
        printk(KERN_ERR + FTP_STRING + "error %d binding data socket.\n", r);
        return r;
      }
      r = await kernel_listen(data, 1);
      if (r < 0) {
        printk(KERN_ERR + FTP_STRING + "error %d listening in data socket.\n", r);
        return r;
      }

      const a = pmk.srcip;
      const reply = `PORT ${a[0]},${a[1]},${a[2]},${a[3]},${EPH_PORT >> 8},${EPH_PORT & 0xff}\r\n`;
      printk(KERN_INFO + FTP_STRING + "Sending PORT command: %s\n", reply);
      await send_reply(control, reply);
      await read_response(control, response);

      await send_reply(control, "RETR " + pmk.src + "\r\n");
      await read_response(control, response);

      const s = await kernel_accept(data, 0);
      if (typeof s === "number") {
        printk("Error accepting connection on data socket\n");
        return s;
      }
      new_sock = s;
      const peer = new Uint8Array(SOCKADDR_IN_SIZE);
      kernel_getpeername(new_sock, peer);
      printk("Connection from %d.%d.%d.%d\n", UC(peer[4]), UC(peer[5]), UC(peer[6]), UC(peer[7]));

      return await write_to_file(pmk.dst, new_sock, response);
    } finally {
      if (new_sock) await sock_release(new_sock);
      if (data) await sock_release(data);
      await sock_release(control);
    }
  }

  function ftp_client_init(): number {
    printk(KERN_INFO + FTP_STRING + "Starting ftp client module\n");
    const nr = kplay_syscall_install(my_sys_call, THIS_MODULE, SYSCALL_NUM);
    return nr < 0 ? nr : 0;
  }

  function ftp_client_exit(): void {
    kplay_syscall_remove(SYSCALL_NUM);
    printk(KERN_INFO + FTP_STRING + "Cleaning up ftp client module, bye !\n");
  }

  module_init(ftp_client_init);
  module_exit(ftp_client_exit);
};
