// Mirrors include/linux/uaccess.h: the only way kernel code touches user memory. A user pointer is a
// view into one of the calling process's buffers; copying past its end, or through a NULL pointer,
// copies what fits and reports the rest as not copied (the caller then returns -EFAULT).

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
