// Mirrors include/linux/netlink.h: struct netlink_ext_ack and the NL_SET_ERR_MSG helpers a
// handler uses to explain an error (sent back as NLMSGERR_ATTR_* TLVs when the socket asked for
// extended acks).
import type { NlaPolicy, Nlattr } from "../net/netlink.js";

export interface ExtAck {
  msg?: string;
  /** Offset of the bad attribute from the start of the request's nlmsghdr. */
  bad_attr_off?: number;
  /** The policy the bad attribute failed (NLMSGERR_ATTR_POLICY). */
  policy?: NlaPolicy;
}

export function NL_SET_ERR_MSG(extack: ExtAck | null | undefined, msg: string): void {
  if (extack) extack.msg = msg;
}

export function NL_SET_BAD_ATTR(extack: ExtAck | null | undefined, attr: Nlattr): void {
  if (extack) extack.bad_attr_off = attr.off;
}

export function NL_SET_ERR_MSG_ATTR(extack: ExtAck | null | undefined, attr: Nlattr, msg: string): void {
  if (!extack) return;
  extack.msg = msg;
  extack.bad_attr_off = attr.off;
}

export function NL_SET_ERR_MSG_ATTR_POL(extack: ExtAck | null | undefined, attr: Nlattr, pol: NlaPolicy, msg: string): void {
  if (!extack) return;
  NL_SET_ERR_MSG_ATTR(extack, attr, msg);
  extack.policy = pol;
}
