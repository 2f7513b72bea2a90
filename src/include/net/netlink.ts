// Mirrors include/net/netlink.h (5.15): attribute policies, the validation levels, and the
// accessors kernel code uses on parsed attributes. A parsed attribute keeps its offset from the
// start of its message, which is what an extended ack reports as the bad attribute.
import { NLA_ALIGN, NLA_HDRLEN, NlBuf } from "../uapi/netlink.js";

/** enum { NLA_UNSPEC, ... } */
export const NLA_UNSPEC = 0;
export const NLA_U8 = 1;
export const NLA_U16 = 2;
export const NLA_U32 = 3;
export const NLA_U64 = 4;
export const NLA_STRING = 5;
export const NLA_FLAG = 6;
export const NLA_MSECS = 7;
export const NLA_NESTED = 8;
export const NLA_NESTED_ARRAY = 9;
export const NLA_NUL_STRING = 10;
export const NLA_BINARY = 11;
export const NLA_S8 = 12;
export const NLA_S16 = 13;
export const NLA_S32 = 14;
export const NLA_S64 = 15;
export const NLA_BITFIELD32 = 16;
export const NLA_REJECT = 17;

export const NLA_F_NESTED = 1 << 15;
export const NLA_F_NET_BYTEORDER = 1 << 14;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** enum netlink_validation */
export const NL_VALIDATE_LIBERAL = 0;
export const NL_VALIDATE_TRAILING = 1 << 0;
export const NL_VALIDATE_MAXTYPE = 1 << 1;
export const NL_VALIDATE_UNSPEC = 1 << 2;
export const NL_VALIDATE_STRICT_ATTRS = 1 << 3;
export const NL_VALIDATE_NESTED = 1 << 4;
export const NL_VALIDATE_DEPRECATED_STRICT = NL_VALIDATE_TRAILING | NL_VALIDATE_MAXTYPE;
export const NL_VALIDATE_STRICT = NL_VALIDATE_TRAILING | NL_VALIDATE_MAXTYPE | NL_VALIDATE_UNSPEC | NL_VALIDATE_STRICT_ATTRS | NL_VALIDATE_NESTED;

/** struct nla_policy, with the range validation kplay supports (NLA_VALIDATE_RANGE's min/max). */
export interface NlaPolicy {
  type: number;
  /** Maximum length (strings, binary), minimum length (NLA_UNSPEC, fixed types), maxtype (nested). */
  len?: number;
  nested_policy?: readonly NlaPolicy[];
  /** policy[0].strict_start_type: attributes from this type on are validated strictly. */
  strict_start_type?: number;
  min?: number | bigint;
  max?: number | bigint;
  bitfield32_valid?: number;
  reject_message?: string;
}

/** A parsed struct nlattr. */
export interface Nlattr {
  nla_len: number;
  /** The raw nla_type, flags included. */
  nla_type: number;
  /** The payload (nla_data, nla_len(nla) bytes). */
  data: Uint8Array;
  /** Offset of the attribute header from the start of the netlink message. */
  off: number;
}

export const nla_type = (a: Nlattr): number => a.nla_type & NLA_TYPE_MASK;
export const nla_len = (a: Nlattr): number => a.nla_len - NLA_HDRLEN;
export const nla_data = (a: Nlattr): Uint8Array => a.data;
export const nla_total_size = (payload: number): number => NLA_ALIGN(NLA_HDRLEN + payload);

const dv = (a: Nlattr): DataView => new DataView(a.data.buffer, a.data.byteOffset, a.data.byteLength);
export const nla_get_u8 = (a: Nlattr): number => a.data[0];
export const nla_get_u16 = (a: Nlattr): number => dv(a).getUint16(0, true);
export const nla_get_u32 = (a: Nlattr): number => dv(a).getUint32(0, true);
export const nla_get_s32 = (a: Nlattr): number => dv(a).getInt32(0, true);
export const nla_get_u64 = (a: Nlattr): bigint => dv(a).getBigUint64(0, true);
export const nla_get_flag = (a: Nlattr | null | undefined): boolean => !!a;

/** nla_strscpy(): the attribute as a string, up to its first NUL, at most `size - 1` bytes. */
export function nla_strscpy(a: Nlattr, size: number): string {
  const end = a.data.indexOf(0);
  return new TextDecoder().decode(a.data.subarray(0, Math.min(end < 0 ? a.data.length : end, size - 1)));
}

/** nla_strcmp(): 0 when the attribute (NUL-terminated or not) equals `s`. */
export function nla_strcmp(a: Nlattr, s: string): number {
  const end = a.data.indexOf(0);
  const got = new TextDecoder().decode(a.data.subarray(0, end < 0 ? a.data.length : end));
  return got === s ? 0 : got < s ? -1 : 1;
}

/** The attributes of `head` in order (nla_for_each_attr), with offsets from `base`. */
export function* nla_for_each_attr(head: Uint8Array, base = 0): Generator<Nlattr> {
  let off = 0;
  while (head.length - off >= NLA_HDRLEN) {
    const v = new DataView(head.buffer, head.byteOffset + off);
    const len = v.getUint16(0, true);
    if (len < NLA_HDRLEN || len > head.length - off) return;
    yield { nla_len: len, nla_type: v.getUint16(2, true), data: head.subarray(off + NLA_HDRLEN, off + len), off: base + off };
    off += NLA_ALIGN(len);
  }
}

/** nla_nest_start_noflag() / nla_nest_start() (the latter sets NLA_F_NESTED); returns the offset. */
export function nla_nest_start(skb: NlBuf, type: number, flag = true): number {
  return skb.put(Uint8Array.of(0, 0, (type | (flag ? NLA_F_NESTED : 0)) & 0xff, (type | (flag ? NLA_F_NESTED : 0)) >> 8));
}

export const nla_nest_start_noflag = (skb: NlBuf, type: number): number => nla_nest_start(skb, type, false);

/** nla_nest_end(): fix the nest's length to cover everything added since it started. */
export function nla_nest_end(skb: NlBuf, start: number): number {
  skb.set_u16(start, skb.len - start);
  return skb.len;
}

/** nla_nest_cancel(): drop the nest and everything in it. */
export function nla_nest_cancel(skb: NlBuf, start: number): void {
  skb.trim(start);
}
