// Mirrors include/linux/sockptr.h (5.15): sockptr_t, a pointer that is either a user pointer (what
// setsockopt(2) passes down) or a kernel buffer (kernel_setsockopt-style callers), and the copies
// that read from it without caring which.
import { copy_from_user, copy_to_user, type UserPtr } from "../../kernel/uaccess.js";

/** sockptr_t: `union { void *kernel; void __user *user; }; bool is_kernel:1;` */
export interface SockPtr {
  kernel: Uint8Array | null;
  user: UserPtr | null;
  is_kernel: boolean;
}

export function KERNEL_SOCKPTR(p: Uint8Array | null): SockPtr {
  return { kernel: p, user: null, is_kernel: true };
}

export function USER_SOCKPTR(p: UserPtr | null): SockPtr {
  return { kernel: null, user: p, is_kernel: false };
}

export function sockptr_is_kernel(sockptr: SockPtr): boolean {
  return sockptr.is_kernel;
}

/** sockptr_is_null(): a NULL kernel or user pointer. */
export function sockptr_is_null(sockptr: SockPtr): boolean {
  return sockptr.is_kernel ? !sockptr.kernel : !sockptr.user?.buf;
}

/**
 * copy_from_sockptr_offset(dst, src, offset, size): what copy_from_user returns (the bytes NOT
 * copied) for a user pointer; 0 for a kernel one, which is memcpy'd.
 */
export function copy_from_sockptr_offset(dst: Uint8Array, src: SockPtr, offset: number, size: number): number {
  if (!sockptr_is_kernel(src)) return copy_from_user(dst, src.user!.add(offset), size);
  dst.set(src.kernel!.subarray(offset, offset + size));
  return 0;
}

/** copy_from_sockptr(dst, src, size) */
export function copy_from_sockptr(dst: Uint8Array, src: SockPtr, size: number): number {
  return copy_from_sockptr_offset(dst, src, 0, size);
}

/** copy_to_sockptr_offset(dst, offset, src, size): the bytes not copied, or 0. */
export function copy_to_sockptr_offset(dst: SockPtr, offset: number, src: Uint8Array, size: number): number {
  if (!sockptr_is_kernel(dst)) return copy_to_user(dst.user!.add(offset), src, size);
  dst.kernel!.set(src.subarray(0, size), offset);
  return 0;
}
