// Mirrors net/netlink/policy.c: describing attribute policies as netlink attributes
// (NL_POLICY_TYPE_ATTR_*), for CTRL_CMD_GETPOLICY dumps and for the NLMSGERR_ATTR_POLICY an
// extended ack carries.
import * as N from "../../include/net/netlink.js";
import { nla_nest_cancel, nla_nest_end, nla_nest_start } from "../../include/net/netlink.js";
import type { NlBuf } from "../../include/uapi/netlink.js";
import { ENOBUFS, ENODATA } from "../../include/uapi/errno.js";

/** enum netlink_attribute_type (include/uapi/linux/netlink.h) */
const NL_ATTR_TYPE: Record<number, number> = {
  [N.NLA_FLAG]: 1, [N.NLA_U8]: 2, [N.NLA_U16]: 3, [N.NLA_U32]: 4, [N.NLA_U64]: 5, [N.NLA_MSECS]: 5,
  [N.NLA_S8]: 6, [N.NLA_S16]: 7, [N.NLA_S32]: 8, [N.NLA_S64]: 9, [N.NLA_BINARY]: 10, [N.NLA_STRING]: 11,
  [N.NLA_NUL_STRING]: 12, [N.NLA_NESTED]: 13, [N.NLA_NESTED_ARRAY]: 14, [N.NLA_BITFIELD32]: 15,
};

/** enum netlink_policy_type_attr */
const NL_POLICY_TYPE_ATTR_TYPE = 1;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_S = 2;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_S = 3;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_U = 4;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_U = 5;
const NL_POLICY_TYPE_ATTR_MAX_LENGTH = 7;
const NL_POLICY_TYPE_ATTR_POLICY_IDX = 8;
const NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE = 9;
const NL_POLICY_TYPE_ATTR_BITFIELD32_MASK = 10;

const UNSIGNED_MAX: Record<number, bigint> = { [N.NLA_U8]: 0xffn, [N.NLA_U16]: 0xffffn, [N.NLA_U32]: 0xffffffffn, [N.NLA_U64]: (1n << 64n) - 1n, [N.NLA_MSECS]: (1n << 64n) - 1n };
const SIGNED_BITS: Record<number, bigint> = { [N.NLA_S8]: 8n, [N.NLA_S16]: 16n, [N.NLA_S32]: 32n, [N.NLA_S64]: 64n };

/** struct netlink_policy_dump_state: the policies a dump covers, and where it is. */
export interface PolicyDumpState {
  policies: { policy: readonly N.NlaPolicy[]; maxtype: number }[];
  policy_idx: number;
  attr_idx: number;
}

/** netlink_policy_dump_get_policy_idx() */
export function netlink_policy_dump_get_policy_idx(state: PolicyDumpState, policy: readonly N.NlaPolicy[], maxtype: number): number {
  return state.policies.findIndex((p) => p.policy === policy && p.maxtype === maxtype);
}

/**
 * netlink_policy_dump_add_policy(): add `policy` and every policy nested in it (breadth first),
 * each once. Returns the state to use.
 */
export function netlink_policy_dump_add_policy(state: PolicyDumpState | null, policy: readonly N.NlaPolicy[], maxtype: number): PolicyDumpState {
  const st = state ?? { policies: [], policy_idx: 0, attr_idx: 0 };
  const add = (p: readonly N.NlaPolicy[], max: number): void => {
    if (netlink_policy_dump_get_policy_idx(st, p, max) < 0) st.policies.push({ policy: p, maxtype: max });
  };
  add(policy, maxtype);
  for (let i = 0; i < st.policies.length; i++) {
    const { policy: p, maxtype: max } = st.policies[i];
    for (let type = 0; type <= max; type++) {
      const pt = p[type];
      if (pt && (pt.type === N.NLA_NESTED || pt.type === N.NLA_NESTED_ARRAY) && pt.nested_policy) add(pt.nested_policy, pt.len ?? 0);
    }
  }
  return st;
}

/** netlink_policy_dump_loop(): whether attributes remain. */
export function netlink_policy_dump_loop(st: PolicyDumpState): boolean {
  return st.policy_idx < st.policies.length;
}

/** __netlink_policy_dump_write_attr() content: 0, or -ENODATA for types it cannot describe. */
function write_attr(state: PolicyDumpState | null, skb: NlBuf, pt: N.NlaPolicy): number {
  const type = NL_ATTR_TYPE[pt.type];
  if (type === undefined) return -ENODATA; /* NLA_UNSPEC, NLA_REJECT */
  if (pt.type in UNSIGNED_MAX) {
    skb.nla_put_u64(NL_POLICY_TYPE_ATTR_MIN_VALUE_U, BigInt(pt.min ?? 0));
    skb.nla_put_u64(NL_POLICY_TYPE_ATTR_MAX_VALUE_U, pt.max !== undefined ? BigInt(pt.max) : UNSIGNED_MAX[pt.type]);
  } else if (pt.type in SIGNED_BITS) {
    const bits = SIGNED_BITS[pt.type];
    skb.nla_put_s64(NL_POLICY_TYPE_ATTR_MIN_VALUE_S, pt.min !== undefined ? BigInt(pt.min) : -(1n << (bits - 1n)));
    skb.nla_put_s64(NL_POLICY_TYPE_ATTR_MAX_VALUE_S, pt.max !== undefined ? BigInt(pt.max) : (1n << (bits - 1n)) - 1n);
  } else if (pt.type === N.NLA_BITFIELD32) {
    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_BITFIELD32_MASK, pt.bitfield32_valid ?? 0);
  } else if ((pt.type === N.NLA_STRING || pt.type === N.NLA_NUL_STRING || pt.type === N.NLA_BINARY) && pt.len) {
    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_MAX_LENGTH, pt.len);
  } else if ((pt.type === N.NLA_NESTED || pt.type === N.NLA_NESTED_ARRAY) && state && pt.nested_policy && pt.len) {
    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_POLICY_IDX, netlink_policy_dump_get_policy_idx(state, pt.nested_policy, pt.len));
    skb.nla_put_u32(NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE, pt.len);
  }
  return skb.nla_put_u32(NL_POLICY_TYPE_ATTR_TYPE, type);
}

/** __netlink_policy_dump_write_attr(state, skb, pt, nestattr): the policy as a nest, or nothing. */
function dump_write_attr(state: PolicyDumpState | null, skb: NlBuf, pt: N.NlaPolicy, nestattr: number): number {
  const start = nla_nest_start(skb, nestattr);
  const err = write_attr(state, skb, pt);
  if (err || skb.tailroom() < 0) {
    nla_nest_cancel(skb, start);
    return err || -ENOBUFS;
  }
  nla_nest_end(skb, start);
  return 0;
}

/** netlink_policy_dump_write_attr(skb, pt, nestattr): one policy, as NLMSGERR_ATTR_POLICY uses it. */
export function netlink_policy_dump_write_attr(skb: NlBuf, pt: N.NlaPolicy, nestattr: number): number {
  return dump_write_attr(null, skb, pt, nestattr);
}

/**
 * netlink_policy_dump_write(): the next describable attribute of the current policy, nested as
 * [policy index][attribute type]; moves the state on. -ENODATA when nothing was left to write.
 */
export function netlink_policy_dump_write(skb: NlBuf, st: PolicyDumpState): number {
  for (;;) {
    const { policy, maxtype } = st.policies[st.policy_idx];
    const pt = policy[st.attr_idx] ?? { type: N.NLA_UNSPEC };
    const outer = nla_nest_start(skb, st.policy_idx);
    const err = dump_write_attr(st, skb, pt, st.attr_idx);
    if (err && err !== -ENODATA) {
      nla_nest_cancel(skb, outer);
      return err;
    }
    if (err) nla_nest_cancel(skb, outer);
    else nla_nest_end(skb, outer);
    if (++st.attr_idx > maxtype) {
      st.attr_idx = 0;
      st.policy_idx++;
    }
    if (!err) return 0;
    if (!netlink_policy_dump_loop(st)) return -ENODATA;
  }
}
