// Mirrors include/linux/socket.h's struct msghdr with its iov_iter (lib/iov_iter.c) and
// memcpy_{from,to}_msg (include/linux/skbuff.h): how sendmsg/recvmsg reach the caller's buffers.
import { EFAULT } from "../../include/uapi/errno.js";
import { copy_from_user, copy_to_user, UserPtr } from "../../kernel/uaccess.js";

/** struct iovec: a user buffer and its length. */
export interface Iovec {
  iov_base: UserPtr;
  iov_len: number;
}

/** struct iov_iter over user iovecs: a cursor that copy_{from,to}_iter advance. */
export class IovIter {
  private seg = 0;
  private off = 0;

  constructor(private readonly iov: Iovec[]) {}

  /** iov_iter_count(): bytes left. */
  get count(): number {
    let n = 0;
    for (let i = this.seg; i < this.iov.length; i++) n += this.iov[i].iov_len - (i === this.seg ? this.off : 0);
    return n;
  }

  /** copy_from_iter(): up to `n` bytes into `to`; the number copied. */
  copy_from(to: Uint8Array, n: number): number {
    return this.walk(n, (ptr, len, done) => len - copy_from_user(to.subarray(done, done + len), ptr, len));
  }

  /** copy_to_iter(): up to `n` bytes of `from`; the number copied. */
  copy_to(from: Uint8Array, n: number): number {
    return this.walk(n, (ptr, len, done) => len - copy_to_user(ptr, from.subarray(done, done + len), len));
  }

  private walk(n: number, step: (ptr: UserPtr, len: number, done: number) => number): number {
    let done = 0;
    while (done < n && this.seg < this.iov.length) {
      const v = this.iov[this.seg];
      const len = Math.min(n - done, v.iov_len - this.off);
      const got = step(v.iov_base.add(this.off), len, done);
      done += got;
      this.off += got;
      if (got < len) break;
      if (this.off >= v.iov_len) {
        this.seg++;
        this.off = 0;
      }
    }
    return done;
  }
}

/** struct msghdr as the kernel sees it: the address (a kernel copy), the data iterator, flags. */
export interface Msghdr {
  msg_name: Uint8Array | null;
  msg_namelen: number;
  msg_iter: IovIter;
  msg_flags: number;
}

/** A msghdr over one user buffer (import_single_range). */
export function msghdr_single(buf: UserPtr, len: number, name: Uint8Array | null = null): Msghdr {
  return { msg_name: name, msg_namelen: name ? name.length : 0, msg_iter: new IovIter([{ iov_base: buf, iov_len: len }]), msg_flags: 0 };
}

/** memcpy_from_msg(data, msg, len): 0 or -EFAULT. */
export function memcpy_from_msg(data: Uint8Array, msg: Msghdr, len: number): number {
  return msg.msg_iter.copy_from(data, len) === len ? 0 : -EFAULT;
}

/** memcpy_to_msg(msg, data, len): 0 or -EFAULT. */
export function memcpy_to_msg(msg: Msghdr, data: Uint8Array, len: number): number {
  return msg.msg_iter.copy_to(data, len) === len ? 0 : -EFAULT;
}
