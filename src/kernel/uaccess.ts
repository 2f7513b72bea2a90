// Mirrors include/linux/uaccess.h: the only way kernel code touches user memory. A user pointer is a
// view into one of the calling process's buffers; copying past its end, or through a NULL pointer,
// copies what fits and reports the rest as not copied (the caller then returns -EFAULT).
import { EFAULT } from "../include/uapi/errno.js";

/** A `__user` pointer: a buffer of the calling process and an offset into it. */
export class UserPtr {
  constructor(
    readonly buf: Uint8Array | null,
    readonly off = 0,
  ) {}

  /** Pointer arithmetic: `p + n`. */
  add(n: number): UserPtr {
    return new UserPtr(this.buf, this.off + n);
  }

  /** Bytes addressable from this pointer on. */
  get avail(): number {
    return this.buf === null || this.off < 0 ? 0 : Math.max(0, this.buf.length - this.off);
  }
}

export const NULL_USER = new UserPtr(null);

/** copy_to_user(to, from, n): returns the number of bytes that could NOT be copied. */
export function copy_to_user(to: UserPtr, from: Uint8Array, n: number): number {
  const k = Math.min(n, to.avail, from.length);
  if (k > 0) to.buf!.set(from.subarray(0, k), to.off);
  return n - k;
}

/** copy_from_user(to, from, n): returns the number of bytes that could NOT be copied. */
export function copy_from_user(to: Uint8Array, from: UserPtr, n: number): number {
  const k = Math.min(n, from.avail, to.length);
  if (k > 0) to.set(from.buf!.subarray(from.off, from.off + k));
  return n - k;
}

/** Bytes of user memory as a fresh kernel copy, or null on a bad pointer. */
export function memdup_user(from: UserPtr, n: number): Uint8Array | null {
  const buf = new Uint8Array(n);
  return copy_from_user(buf, from, n) === 0 ? buf : null;
}

/**
 * strncpy_from_user(src, count): the NUL-terminated string at `src` as UTF-8 text, reading at most
 * `count` bytes; -EFAULT when the pointer is bad or the string runs off the end of the
 * caller's buffer, or `count` when no NUL came within `count` bytes (the caller decides: getname
 * turns that into -ENAMETOOLONG).
 */
export function strncpy_from_user(src: UserPtr, count: number): string | number {
  if (src.buf === null || src.off < 0) return -EFAULT;
  const end = Math.min(src.buf.length, src.off + count);
  const nul = src.buf.subarray(src.off, end).indexOf(0);
  if (nul < 0) return end - src.off >= count ? count : -EFAULT;
  return utf8.decode(src.buf.subarray(src.off, src.off + nul));
}

const utf8 = new TextDecoder();

/** get_user(x, ptr) for a 32-bit value (ARM is little-endian): the value, or null on a bad pointer. */
export function get_user_u32(ptr: UserPtr): number | null {
  const b = new Uint8Array(4);
  return copy_from_user(b, ptr, 4) === 0 ? new DataView(b.buffer).getUint32(0, true) : null;
}

/** put_user(x, ptr) for a 32-bit value: 0, or -EFAULT. */
export function put_user_u32(x: number, ptr: UserPtr): number {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x >>> 0, true);
  return copy_to_user(ptr, b, 4) === 0 ? 0 : -EFAULT;
}
