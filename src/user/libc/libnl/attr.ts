// Mirrors libnl-3 (3.4) lib/attr.c and include/netlink/attr.h: attributes appended to a message
// (nla_reserve, nla_put, nla_put_string and the NLA_PUT_STRING macro) and parsed out of one
// (nla_parse with a policy, nla_for_each_attr, nla_get_*). An attribute is an nlattr view into the
// message's buffer.
import { NLA_ALIGN, NLA_HDRLEN, NLA_TYPE_MASK, NLMSG_ALIGN, nlattr, cstring, cstring_at } from "../netlink.js";
import { NLE_INVAL, NLE_NOMEM, NLE_RANGE } from "./errno.js";
import type { nl_msg } from "./msg.js";

/** enum { NLA_UNSPEC, NLA_U8, ... } of libnl's attr.h */
export const NLA_UNSPEC = 0;
export const NLA_U8 = 1;
export const NLA_U16 = 2;
export const NLA_U32 = 3;
export const NLA_U64 = 4;
export const NLA_STRING = 5;
export const NLA_FLAG = 6;
export const NLA_MSECS = 7;
export const NLA_NESTED = 8;

/** struct nla_policy { uint16_t type; uint16_t minlen; uint16_t maxlen; } */
export interface nla_policy {
  type: number;
  minlen?: number;
  maxlen?: number;
}

const nla_attr_minlen: Record<number, number> = { [NLA_U8]: 1, [NLA_U16]: 2, [NLA_U32]: 4, [NLA_U64]: 8, [NLA_STRING]: 1, [NLA_FLAG]: 0, [NLA_MSECS]: 8, [NLA_NESTED]: NLA_HDRLEN };

export const nla_attr_size = (payload: number): number => NLA_HDRLEN + payload;
export const nla_total_size = (payload: number): number => NLA_ALIGN(nla_attr_size(payload));
export const nla_padlen = (payload: number): number => nla_total_size(payload) - nla_attr_size(payload);

/** nla_type(nla): the type without the NESTED and NET_BYTEORDER flags. */
export const nla_type = (nla: nlattr): number => nla.nla_type & NLA_TYPE_MASK;
/** nla_data(nla): the payload's offset. */
export const nla_data = (nla: nlattr): number => nla.off + NLA_HDRLEN;
/** nla_len(nla): the payload's length. */
export const nla_len = (nla: nlattr): number => nla.nla_len - NLA_HDRLEN;

/** nla_ok(nla, remaining) */
export const nla_ok = (nla: nlattr, remaining: number): boolean =>
  remaining >= NLA_HDRLEN && nla.off + NLA_HDRLEN <= nla.buf.length && nla.nla_len >= NLA_HDRLEN && nla.nla_len <= remaining;

/** nla_next(nla, &remaining) */
export function nla_next(nla: nlattr, remaining: number): [nlattr, number] {
  const totlen = NLA_ALIGN(nla.nla_len);
  return [new nlattr(nla.buf, nla.off + totlen), remaining - totlen];
}

/** nla_for_each_attr(pos, head, len, rem): each attribute, and the bytes left after the last. */
export function nla_for_each_attr(head: nlattr, len: number, fn: (pos: nlattr) => void): number {
  let pos = head;
  let rem = len;
  while (nla_ok(pos, rem)) {
    fn(pos);
    [pos, rem] = nla_next(pos, rem);
  }
  return rem;
}

function validate_nla(nla: nlattr, maxtype: number, policy: nla_policy[]): number {
  const type = nla_type(nla);
  if (type < 0 || type > maxtype) return 0;
  const pt = policy[type] ?? { type: NLA_UNSPEC };
  let minlen = 0;
  if (pt.minlen) minlen = pt.minlen;
  else if (pt.type !== NLA_UNSPEC) minlen = nla_attr_minlen[pt.type] ?? 0;
  if (nla_len(nla) < minlen) return -NLE_RANGE;
  if (pt.maxlen && nla_len(nla) > pt.maxlen) return -NLE_RANGE;
  if (pt.type === NLA_STRING && nla.buf[nla_data(nla) + nla_len(nla) - 1] !== 0) return -NLE_INVAL;
  return 0;
}

/**
 * nla_parse(tb, maxtype, head, len, policy): tb[type] for each attribute up to maxtype (the last
 * of a type wins; larger types are skipped). 0, or a negative NLE_* when the policy rejects one.
 */
export function nla_parse(tb: (nlattr | null)[], maxtype: number, head: nlattr, len: number, policy: nla_policy[] | null): number {
  tb.length = 0;
  for (let i = 0; i <= maxtype; i++) tb.push(null);
  let err = 0;
  let pos = head;
  let rem = len;
  while (nla_ok(pos, rem)) {
    const type = nla_type(pos);
    if (type <= maxtype) {
      if (policy) {
        err = validate_nla(pos, maxtype, policy);
        if (err < 0) return err;
      }
      tb[type] = pos;
    }
    [pos, rem] = nla_next(pos, rem);
  }
  return 0;
}

/** nla_reserve(msg, attrtype, attrlen): a zero-padded attribute at the message's tail, or null when full. */
export function nla_reserve(msg: nl_msg, attrtype: number, attrlen: number): nlattr | null {
  if (attrlen < 0) return null;
  const start = NLMSG_ALIGN(msg.nm_nlh.nlmsg_len);
  const tlen = start + nla_total_size(attrlen);
  if (tlen > msg.nm_size) return null;
  const nla = new nlattr(msg.buf, start);
  nla.nla_type = attrtype;
  nla.nla_len = nla_attr_size(attrlen);
  if (attrlen) msg.buf.fill(0, start + nla.nla_len, start + nla.nla_len + nla_padlen(attrlen));
  msg.nm_nlh.nlmsg_len = tlen;
  return nla;
}

/** nla_put(msg, attrtype, datalen, data): 0, -NLE_INVAL or -NLE_NOMEM. */
export function nla_put(msg: nl_msg, attrtype: number, datalen: number, data: Uint8Array): number {
  const nla = nla_reserve(msg, attrtype, datalen);
  if (!nla) return datalen < 0 ? -NLE_INVAL : -NLE_NOMEM;
  if (datalen > 0) msg.buf.set(data.subarray(0, datalen), nla_data(nla));
  return 0;
}

/** nla_put_string(msg, attrtype, str): the string and its NUL. */
export function nla_put_string(msg: nl_msg, attrtype: number, str: string): number {
  const b = cstring(str);
  return nla_put(msg, attrtype, b.length, b);
}

/** NLA_PUT_STRING(msg, attrtype, value): nla_put_string; a negative result is C's `goto nla_put_failure`. */
export const NLA_PUT_STRING = nla_put_string;

/** nla_get_string(nla): the payload as a C string. */
export const nla_get_string = (nla: nlattr): string => cstring_at(nla.buf, nla_data(nla), nla_len(nla));

/** nla_get_u16(nla) */
export const nla_get_u16 = (nla: nlattr): number => new DataView(nla.buf.buffer, nla.buf.byteOffset).getUint16(nla_data(nla), true);

/** nla_get_u32(nla) */
export const nla_get_u32 = (nla: nlattr): number => new DataView(nla.buf.buffer, nla.buf.byteOffset).getUint32(nla_data(nla), true);
