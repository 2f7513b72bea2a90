// Mirrors lib/nlattr.c (5.15): attribute validation against a policy and parsing into a table
// indexed by type, with the extended-ack messages and the rate-limited warnings Linux logs.
import { EINVAL, ERANGE } from "../include/uapi/errno.js";
import { NLA_HDRLEN, NLMSG_ALIGN, NLMSG_HDRLEN } from "../include/uapi/netlink.js";
import * as N from "../include/net/netlink.js";
import { NL_SET_ERR_MSG, NL_SET_ERR_MSG_ATTR, NL_SET_ERR_MSG_ATTR_POL, type ExtAck } from "../include/linux/netlink.js";
import { current } from "../kernel/sched/task.js";
import { printk } from "../kernel/printk/printk.js";
import { __ratelimit } from "./ratelimit.js";

/** MAX_POLICY_RECURSION_DEPTH */
const MAX_POLICY_RECURSION_DEPTH = 10;

/** The table a parse fills: tb[type] for each type up to maxtype. */
export type NlattrTable = (N.Nlattr | undefined)[];

/** nla_attr_len[]: the exact payload length of fixed-size types. */
const nla_attr_len: Record<number, number> = { [N.NLA_U8]: 1, [N.NLA_U16]: 2, [N.NLA_U32]: 4, [N.NLA_U64]: 8, [N.NLA_S8]: 1, [N.NLA_S16]: 2, [N.NLA_S32]: 4, [N.NLA_S64]: 8 };

/** nla_attr_minlen[] */
const nla_attr_minlen: Record<number, number> = { ...nla_attr_len, [N.NLA_MSECS]: 8, [N.NLA_NESTED]: NLA_HDRLEN };

/** A policy slot the C array does not have reads as zeroed memory: { .type = NLA_UNSPEC }. */
const ZERO_POLICY: N.NlaPolicy = { type: N.NLA_UNSPEC };

function int_value(nla: N.Nlattr, type: number): bigint {
  const v = new DataView(nla.data.buffer, nla.data.byteOffset, nla.data.byteLength);
  switch (type) {
    case N.NLA_U8: return BigInt(v.getUint8(0));
    case N.NLA_U16: return BigInt(v.getUint16(0, true));
    case N.NLA_U32: return BigInt(v.getUint32(0, true));
    case N.NLA_S8: return BigInt(v.getInt8(0));
    case N.NLA_S16: return BigInt(v.getInt16(0, true));
    case N.NLA_S32: return BigInt(v.getInt32(0, true));
    case N.NLA_S64: return v.getBigInt64(0, true);
    default: return v.getBigUint64(0, true);
  }
}

/** nla_validate_array() */
function nla_validate_array(head: Uint8Array, base: number, maxtype: number, policy: readonly N.NlaPolicy[], extack: ExtAck | null, validate: number, depth: number): number {
  for (const entry of N.nla_for_each_attr(head, base)) {
    if (N.nla_len(entry) === 0) continue;
    if (N.nla_len(entry) < NLA_HDRLEN) {
      NL_SET_ERR_MSG_ATTR_POL(extack, entry, policy[0] ?? ZERO_POLICY, "Array element too short");
      return -ERANGE;
    }
    const r = __nla_validate_parse(entry.data, entry.off + NLA_HDRLEN, maxtype, policy, validate, extack, null, depth + 1);
    if (r < 0) return r;
  }
  return 0;
}

/** validate_nla(): one attribute against policy[type]. */
function validate_nla(nla: N.Nlattr, maxtype: number, policy: readonly N.NlaPolicy[], validate: number, extack: ExtAck | null, depth: number): number {
  const strict_start_type = policy[0]?.strict_start_type ?? 0;
  let attrlen = N.nla_len(nla);
  const type = N.nla_type(nla);
  let err = -ERANGE;
  if (strict_start_type && type >= strict_start_type) validate |= N.NL_VALIDATE_STRICT;
  if (type <= 0 || type > maxtype) return 0;
  const pt = policy[type] ?? ZERO_POLICY;
  const fail = (e: number): number => {
    NL_SET_ERR_MSG_ATTR_POL(extack, nla, pt, "Attribute failed policy validation");
    return e;
  };

  const exact = nla_attr_len[pt.type];
  if (exact && attrlen !== exact) {
    if (__ratelimit("validate_nla")) printk("\x014netlink: '%s': attribute type %d has an invalid length.\n", current().comm, type);
    if (validate & N.NL_VALIDATE_STRICT_ATTRS) {
      NL_SET_ERR_MSG_ATTR_POL(extack, nla, pt, "invalid attribute length");
      return -EINVAL;
    }
  }

  if (validate & N.NL_VALIDATE_NESTED) {
    const nested = pt.type === N.NLA_NESTED || pt.type === N.NLA_NESTED_ARRAY;
    if (nested && !(nla.nla_type & N.NLA_F_NESTED)) {
      NL_SET_ERR_MSG_ATTR_POL(extack, nla, pt, "NLA_F_NESTED is missing");
      return -EINVAL;
    }
    if (!nested && pt.type !== N.NLA_UNSPEC && nla.nla_type & N.NLA_F_NESTED) {
      NL_SET_ERR_MSG_ATTR_POL(extack, nla, pt, "NLA_F_NESTED not expected");
      return -EINVAL;
    }
  }

  switch (pt.type) {
    case N.NLA_REJECT:
      if (extack && pt.reject_message) {
        extack.bad_attr_off = nla.off;
        extack.msg = pt.reject_message;
        return -EINVAL;
      }
      return fail(-EINVAL);
    case N.NLA_FLAG:
      if (attrlen > 0) return fail(err);
      break;
    case N.NLA_BITFIELD32: {
      if (attrlen !== 8) return fail(err);
      const v = new DataView(nla.data.buffer, nla.data.byteOffset);
      const [value, selector, valid] = [v.getUint32(0, true), v.getUint32(4, true), (pt.bitfield32_valid ?? 0) >>> 0];
      if (!valid || selector & ~valid || value & ~valid || value & ~selector) return fail(-EINVAL);
      break;
    }
    case N.NLA_NUL_STRING:
    case N.NLA_STRING: {
      if (pt.type === N.NLA_NUL_STRING) {
        const minlen = pt.len ? Math.min(attrlen, pt.len + 1) : attrlen;
        if (!minlen || nla.data.subarray(0, minlen).indexOf(0) < 0) return fail(-EINVAL);
      }
      if (attrlen < 1) return fail(err);
      if (pt.len) {
        if (nla.data[attrlen - 1] === 0) attrlen--;
        if (attrlen > pt.len) return fail(err);
      }
      break;
    }
    case N.NLA_BINARY:
      if (pt.len && attrlen > pt.len) return fail(err);
      break;
    case N.NLA_NESTED:
      if (attrlen === 0) break;
      if (attrlen < NLA_HDRLEN) return fail(err);
      if (pt.nested_policy) {
        err = __nla_validate_parse(nla.data, nla.off + NLA_HDRLEN, pt.len ?? 0, pt.nested_policy, validate, extack, null, depth + 1);
        if (err < 0) return err;
      }
      break;
    case N.NLA_NESTED_ARRAY:
      if (attrlen === 0) break;
      if (attrlen < NLA_HDRLEN) return fail(err);
      if (pt.nested_policy) {
        err = nla_validate_array(nla.data, nla.off + NLA_HDRLEN, pt.len ?? 0, pt.nested_policy, extack, validate, depth);
        if (err < 0) return err;
      }
      break;
    case N.NLA_UNSPEC:
      if (validate & N.NL_VALIDATE_UNSPEC) {
        NL_SET_ERR_MSG_ATTR(extack, nla, "Unsupported attribute");
        return -EINVAL;
      }
      if (attrlen < (pt.len ?? 0)) return fail(err);
      break;
    default: {
      const minlen = pt.len || nla_attr_minlen[pt.type] || 0;
      if (attrlen < minlen) return fail(err);
    }
  }

  /* nla_validate_int_range() for policies with NLA_POLICY_RANGE / _MIN / _MAX */
  if ((pt.min !== undefined || pt.max !== undefined) && pt.type in nla_attr_len) {
    const value = int_value(nla, pt.type);
    if ((pt.min !== undefined && value < BigInt(pt.min)) || (pt.max !== undefined && value > BigInt(pt.max))) {
      NL_SET_ERR_MSG_ATTR_POL(extack, nla, pt, "integer out of range");
      return -ERANGE;
    }
  }
  return 0;
}

/**
 * __nla_validate_parse(): walk the attributes in `head` (whose first byte is `base` bytes into
 * the message), validating each against `policy` and, with a table, recording the last of each type.
 */
export function __nla_validate_parse(head: Uint8Array, base: number, maxtype: number, policy: readonly N.NlaPolicy[] | null, validate: number, extack: ExtAck | null, tb: NlattrTable | null, depth = 0): number {
  if (depth >= MAX_POLICY_RECURSION_DEPTH) {
    NL_SET_ERR_MSG(extack, "allowed policy recursion depth exceeded");
    return -EINVAL;
  }
  if (tb) tb.splice(0, tb.length, ...new Array<N.Nlattr | undefined>(maxtype + 1));
  let rem = head.length;
  for (const nla of N.nla_for_each_attr(head, base)) {
    rem = head.length - (nla.off - base) - NLMSG_ALIGN(nla.nla_len);
    const type = N.nla_type(nla);
    if (type === 0 || type > maxtype) {
      if (validate & N.NL_VALIDATE_MAXTYPE) {
        NL_SET_ERR_MSG_ATTR(extack, nla, "Unknown attribute type");
        return -EINVAL;
      }
      continue;
    }
    if (policy) {
      const err = validate_nla(nla, maxtype, policy, validate, extack, depth);
      if (err < 0) return err;
    }
    if (tb) tb[type] = nla;
  }
  if (rem > 0) {
    if (__ratelimit("__nla_validate_parse")) printk("\x014netlink: %d bytes leftover after parsing attributes in process `%s'.\n", rem, current().comm);
    NL_SET_ERR_MSG(extack, "bytes leftover after parsing attributes");
    if (validate & N.NL_VALIDATE_TRAILING) return -EINVAL;
  }
  return 0;
}

/** __nla_parse(tb, maxtype, head, len, policy, validate, extack) */
export function __nla_parse(tb: NlattrTable, maxtype: number, head: Uint8Array, base: number, policy: readonly N.NlaPolicy[] | null, validate: number, extack: ExtAck | null): number {
  return __nla_validate_parse(head, base, maxtype, policy, validate, extack, tb);
}

/** nla_parse(): strict, as new code parses. */
export function nla_parse(tb: NlattrTable, maxtype: number, head: Uint8Array, base: number, policy: readonly N.NlaPolicy[] | null, extack: ExtAck | null): number {
  return __nla_parse(tb, maxtype, head, base, policy, N.NL_VALIDATE_STRICT, extack);
}

/** nla_parse_deprecated(): liberal, as older interfaces parse. */
export function nla_parse_deprecated(tb: NlattrTable, maxtype: number, head: Uint8Array, base: number, policy: readonly N.NlaPolicy[] | null, extack: ExtAck | null): number {
  return __nla_parse(tb, maxtype, head, base, policy, N.NL_VALIDATE_LIBERAL, extack);
}

/** nla_parse_nested(): a strict parse of a nest, which must carry NLA_F_NESTED. */
export function nla_parse_nested(tb: NlattrTable, maxtype: number, nla: N.Nlattr, policy: readonly N.NlaPolicy[] | null, extack: ExtAck | null): number {
  if (!(nla.nla_type & N.NLA_F_NESTED)) {
    NL_SET_ERR_MSG_ATTR(extack, nla, "NLA_F_NESTED is missing");
    return -EINVAL;
  }
  return __nla_parse(tb, maxtype, nla.data, nla.off + NLA_HDRLEN, policy, N.NL_VALIDATE_STRICT, extack);
}

/** nla_validate(): validate without a table. */
export function nla_validate(head: Uint8Array, base: number, maxtype: number, policy: readonly N.NlaPolicy[], validate: number, extack: ExtAck | null): number {
  return __nla_validate_parse(head, base, maxtype, policy, validate, extack, null);
}

/**
 * __nlmsg_parse(nlh, hdrlen, tb, maxtype, policy, validate, extack): the attributes after the
 * message's family header of `hdrlen` bytes.
 */
export function __nlmsg_parse(msg: Uint8Array, hdrlen: number, tb: NlattrTable, maxtype: number, policy: readonly N.NlaPolicy[] | null, validate: number, extack: ExtAck | null): number {
  const nlmsg_len = new DataView(msg.buffer, msg.byteOffset).getUint32(0, true);
  if (nlmsg_len < NLMSG_HDRLEN + hdrlen) {
    NL_SET_ERR_MSG(extack, "Invalid header length");
    return -EINVAL;
  }
  const start = NLMSG_HDRLEN + NLMSG_ALIGN(hdrlen);
  return __nla_parse(tb, maxtype, msg.subarray(Math.min(start, nlmsg_len), nlmsg_len), start, policy, validate, extack);
}
