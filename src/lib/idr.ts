// Mirrors lib/idr.c and include/linux/idr.h (5.15.0): the IDA, an allocator of small unique integer
// IDs kept as 1024-bit bitmaps in an xarray, and the IDR, which maps such IDs to pointers.
import { EINVAL, ENOENT, ENOSPC } from "../include/uapi/errno.js";
import { current } from "../kernel/sched/task.js";
import { warn_slowpath } from "../kernel/panic.js";
import { vsprintf } from "./vsprintf.js";

/** gfp_t: allocation flags. kplay never fails an allocation, so they are accepted and ignored. */
export type gfp_t = number;
/** GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS (include/linux/gfp.h, 5.15). */
export const GFP_KERNEL: gfp_t = 0xcc0;
/** GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM. */
export const GFP_ATOMIC: gfp_t = 0xa20;

export const INT_MAX = 0x7fffffff;
/** IDA_BITMAP_BITS: IDs per chunk (128 bytes of bitmap). */
export const IDA_BITMAP_BITS = 1024;
const IDA_BITMAP_LONGS = IDA_BITMAP_BITS / 32;

/** struct ida_bitmap */
interface ida_bitmap {
  bitmap: Uint32Array;
}

/** struct ida: chunk index (id / IDA_BITMAP_BITS) → bitmap; a chunk with no IDs has no entry. */
export class IDA {
  readonly xa = new Map<number, ida_bitmap>();
}

/** DEFINE_IDA(name) */
export function DEFINE_IDA(): IDA {
  return new IDA();
}

export function ida_init(ida: IDA): void {
  ida.xa.clear();
}

function find_next_zero_bit(map: Uint32Array, size: number, offset: number): number {
  for (let bit = offset; bit < size; bit++) if (!(map[bit >>> 5] & (1 << (bit & 31)))) return bit;
  return size;
}

/**
 * ida_alloc_range() (lib/idr.c): the lowest unused ID in [min, max], both inclusive. min and max are
 * unsigned int: (int)min < 0 gives -ENOSPC and (int)max < 0 means INT_MAX. Returns the ID, or
 * -ENOSPC when the range is full.
 */
export function ida_alloc_range(ida: IDA, min: number, max: number, gfp: gfp_t): number {
  void gfp;
  min |= 0;
  max |= 0;
  if (min < 0) return -ENOSPC;
  if (max < 0) max = INT_MAX;
  for (let index = Math.floor(min / IDA_BITMAP_BITS); index * IDA_BITMAP_BITS <= max; index++) {
    const base = index * IDA_BITMAP_BITS;
    const first = Math.max(min - base, 0);
    const bitmap = ida.xa.get(index);
    const bit = bitmap ? find_next_zero_bit(bitmap.bitmap, IDA_BITMAP_BITS, first) : first;
    if (bit === IDA_BITMAP_BITS) continue;
    if (base + bit > max) break;
    const b = bitmap ?? { bitmap: new Uint32Array(IDA_BITMAP_LONGS) };
    b.bitmap[bit >>> 5] |= 1 << (bit & 31);
    ida.xa.set(index, b);
    return base + bit;
  }
  return -ENOSPC;
}

/** ida_alloc(): ida_alloc_range(ida, 0, ~0, gfp). */
export function ida_alloc(ida: IDA, gfp: gfp_t): number {
  return ida_alloc_range(ida, 0, ~0, gfp);
}

/** ida_alloc_min(): ida_alloc_range(ida, min, ~0, gfp). */
export function ida_alloc_min(ida: IDA, min: number, gfp: gfp_t): number {
  return ida_alloc_range(ida, min, ~0, gfp);
}

/** ida_alloc_max(): ida_alloc_range(ida, 0, max, gfp). */
export function ida_alloc_max(ida: IDA, max: number, gfp: gfp_t): number {
  return ida_alloc_range(ida, 0, max, gfp);
}

/**
 * ida_simple_get() (deprecated): ida_alloc_range(ida, start, end - 1, gfp), so `end` is exclusive
 * and end 0 means no limit.
 */
export function ida_simple_get(ida: IDA, start: number, end: number, gfp: gfp_t): number {
  return ida_alloc_range(ida, start, end - 1, gfp);
}

/** ida_simple_remove() (deprecated): ida_free(ida, id). */
export function ida_simple_remove(ida: IDA, id: number): void {
  ida_free(ida, id);
}

/**
 * ida_free() (lib/idr.c): release `id`; (int)id < 0 is ignored. A chunk left without IDs is
 * freed. Freeing a clear bit in an existing chunk WARNs "ida_free called for id=%d which is not
 * allocated." (lib/idr.c:525, taint W). 5.15.0 has no NULL check on the bitmap (added by
 * af73483f4e8b, backported to 5.15.148), so freeing an ID whose chunk does not exist, as in an empty
 * IDA, dereferences NULL: here a TypeError thrown from ida_free, which the syscall boundary turns
 * into a NULL-pointer Oops.
 */
export function ida_free(ida: IDA, id: number): void {
  id |= 0;
  if (id < 0) return;
  const index = Math.floor(id / IDA_BITMAP_BITS);
  const bit = id % IDA_BITMAP_BITS;
  const bitmap: ida_bitmap | null = ida.xa.get(index) ?? null;
  const map = (bitmap as ida_bitmap).bitmap;
  if (!(map[bit >>> 5] & (1 << (bit & 31)))) {
    warn_slowpath(
      current().kernel,
      "lib/idr.c:525 ida_free+0x96/0x130",
      vsprintf("ida_free called for id=%d which is not allocated.\n", [id]),
      ["ida_free", "proc_reg_write", "vfs_write", "ksys_write", "ret_fast_syscall"],
    );
    return;
  }
  map[bit >>> 5] &= ~(1 << (bit & 31));
  if (map.every((w) => w === 0)) ida.xa.delete(index);
}

/** ida_destroy(): free every ID and bitmap; the IDA is empty and reusable afterwards. */
export function ida_destroy(ida: IDA): void {
  ida.xa.clear();
}

/** ida_is_empty(): xa_empty(&ida->xa). */
export function ida_is_empty(ida: IDA): boolean {
  return ida.xa.size === 0;
}

/**
 * struct idr: IDs (offset by idr_base) mapped to pointers. An allocated ID may hold NULL; a missing
 * key is a free ID.
 */
export class IDR<T extends object> {
  readonly rt = new Map<number, T | null>();
  idr_base = 0;
  idr_next = 0;
}

/** DEFINE_IDR(name) */
export function DEFINE_IDR<T extends object>(): IDR<T> {
  return new IDR<T>();
}

/** idr_init_base(): IDs start at `base` (used by idr_alloc when start < base). */
export function idr_init_base<T extends object>(idr: IDR<T>, base: number): void {
  idr.rt.clear();
  idr.idr_base = base >>> 0;
  idr.idr_next = 0;
}

export function idr_init<T extends object>(idr: IDR<T>): void {
  idr_init_base(idr, 0);
}

/** idr_alloc_u32(): the lowest free ID in [max(id, base), max]; 0 and the ID in nextid, or -ENOSPC. */
function idr_alloc_u32<T extends object>(idr: IDR<T>, ptr: T | null, nextid: { value: number }, max: number): number {
  for (let id = Math.max(nextid.value, idr.idr_base); id <= max; id++) {
    if (idr.rt.has(id - idr.idr_base)) continue;
    idr.rt.set(id - idr.idr_base, ptr);
    nextid.value = id;
    return 0;
  }
  return -ENOSPC;
}

/**
 * idr_alloc(): the lowest free ID in [start, end) mapped to `ptr`; end <= 0 means up to INT_MAX.
 * Returns the ID, -ENOSPC, or -EINVAL for start < 0 (the kernel also WARN_ON_ONCE()s there).
 */
export function idr_alloc<T extends object>(idr: IDR<T>, ptr: T | null, start: number, end: number, gfp: gfp_t): number {
  void gfp;
  if (start < 0) return -EINVAL;
  const id = { value: start };
  const ret = idr_alloc_u32(idr, ptr, id, end > 0 ? end - 1 : INT_MAX);
  return ret || id.value;
}

/**
 * idr_alloc_cyclic(): as idr_alloc, but searching from the ID after the last one handed out and
 * wrapping to `start` once.
 */
export function idr_alloc_cyclic<T extends object>(idr: IDR<T>, ptr: T | null, start: number, end: number, gfp: gfp_t): number {
  void gfp;
  const max = end > 0 ? end - 1 : INT_MAX;
  const id = { value: Math.max(idr.idr_next, start) };
  let err = idr_alloc_u32(idr, ptr, id, max);
  if (err === -ENOSPC && id.value > start) {
    id.value = start;
    err = idr_alloc_u32(idr, ptr, id, max);
  }
  if (err) return err;
  idr.idr_next = id.value + 1;
  return id.value;
}

/** idr_find(): the pointer for `id`, or null if the ID is free or holds NULL. */
export function idr_find<T extends object>(idr: IDR<T>, id: number): T | null {
  return idr.rt.get(id - idr.idr_base) ?? null;
}

/** idr_remove(): free `id`; returns the pointer it held, or null. */
export function idr_remove<T extends object>(idr: IDR<T>, id: number): T | null {
  const key = id - idr.idr_base;
  const entry = idr.rt.get(key) ?? null;
  idr.rt.delete(key);
  return entry;
}

/**
 * idr_replace(): store `ptr` at an allocated `id`; returns the old pointer, or -ENOENT
 * (ERR_PTR(-ENOENT)) if the ID is not allocated.
 */
export function idr_replace<T extends object>(idr: IDR<T>, ptr: T | null, id: number): T | null | number {
  const key = id - idr.idr_base;
  if (!idr.rt.has(key)) return -ENOENT;
  const old = idr.rt.get(key) ?? null;
  idr.rt.set(key, ptr);
  return old;
}

/** The allocated IDs holding non-NULL pointers, ascending, from `from` (radix_tree_for_each_slot). */
function idr_entries<T extends object>(idr: IDR<T>, from: number): [number, T][] {
  const out: [number, T][] = [];
  for (const [key, p] of idr.rt) if (p !== null && key + idr.idr_base >= from) out.push([key + idr.idr_base, p]);
  return out.sort((a, b) => a[0] - b[0]);
}

/**
 * idr_for_each(): call fn(id, ptr, data) for each non-NULL entry in ID order; stops at and returns
 * the first non-zero result, else 0.
 */
export function idr_for_each<T extends object, D>(idr: IDR<T>, fn: (id: number, p: T, data: D) => number, data: D): number {
  for (const [id, p] of idr_entries(idr, 0)) {
    const ret = fn(id, p, data);
    if (ret) return ret;
  }
  return 0;
}

/** idr_get_next(): the first non-NULL entry at an ID >= nextid.value, updating nextid; or null. */
export function idr_get_next<T extends object>(idr: IDR<T>, nextid: { value: number }): T | null {
  const [first] = idr_entries(idr, nextid.value);
  if (!first) return null;
  nextid.value = first[0];
  return first[1];
}

/** idr_destroy(): free every ID; the pointers themselves are the caller's. */
export function idr_destroy<T extends object>(idr: IDR<T>): void {
  idr.rt.clear();
}

/** idr_is_empty(): no ID allocated. */
export function idr_is_empty<T extends object>(idr: IDR<T>): boolean {
  return idr.rt.size === 0;
}
