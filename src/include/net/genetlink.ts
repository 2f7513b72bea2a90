// Mirrors include/net/genetlink.h (5.15): what a Generic Netlink family declares (struct
// genl_family, genl_ops, genl_small_ops, genl_multicast_group), what its handlers get (struct
// genl_info, genl_dumpit_info), and the inline message helpers (genlmsg_new, genlmsg_end,
// genlmsg_reply, genlmsg_unicast, genlmsg_data, genl_dump_check_consistent is not needed).
import type { MaybeAsync } from "../../fs/file.js";
import type { Module } from "../../kernel/module/module.js";
import type { ExtAck } from "../linux/netlink.js";
import type { NlaPolicy } from "./netlink.js";
import type { NlattrTable } from "../../lib/nlattr.js";
import { GENL_HDRLEN } from "../uapi/genetlink.js";
import { NETLINK_GENERIC, NLMSG_ALIGN, NLMSG_HDRLEN, NlBuf } from "../uapi/netlink.js";
import type { NetlinkCallback, Nlmsghdr } from "../../net/netlink/af_netlink.js";
import { netlink_unicast } from "../../net/netlink/af_netlink.js";

/** enum genl_validate_flags */
export const GENL_DONT_VALIDATE_STRICT = 1 << 0;
export const GENL_DONT_VALIDATE_DUMP = 1 << 1;
export const GENL_DONT_VALIDATE_DUMP_STRICT = 1 << 2;

/** struct genlmsghdr, as a handler sees the request's. */
export interface Genlmsghdr {
  cmd: number;
  version: number;
  reserved: number;
}

/** struct genl_info: a doit request. */
export interface GenlInfo {
  snd_seq: number;
  snd_portid: number;
  nlhdr: Nlmsghdr;
  genlhdr: Genlmsghdr;
  /** The family's own header (hdrsize bytes after the genl header). */
  userhdr: Uint8Array;
  /** Attributes by type, or null when the op has no maxattr. */
  attrs: NlattrTable;
  extack: ExtAck;
  /** The request message (its nlmsghdr first). */
  skb: Uint8Array;
}

/** struct genl_ops */
export interface GenlOps {
  cmd: number;
  internal_flags?: number;
  flags?: number;
  validate?: number;
  policy?: readonly NlaPolicy[] | null;
  maxattr?: number;
  doit?: ((skb: Uint8Array, info: GenlInfo) => MaybeAsync<number>) | null;
  start?: ((cb: NetlinkCallback) => MaybeAsync<number>) | null;
  dumpit?: ((skb: NlBuf, cb: NetlinkCallback) => MaybeAsync<number>) | null;
  done?: ((cb: NetlinkCallback) => MaybeAsync<number>) | null;
}

/** struct genl_small_ops: an op with no policy, maxattr, start or done of its own. */
export type GenlSmallOps = Omit<GenlOps, "policy" | "maxattr" | "start" | "done">;

/** struct genl_multicast_group */
export interface GenlMulticastGroup {
  name: string;
  flags?: number;
}

/** struct genl_family */
export interface GenlFamily {
  /** Assigned by genl_register_family(); 0 before. */
  id: number;
  hdrsize: number;
  name: string;
  version: number;
  maxattr: number;
  mcgrp_offset?: number;
  netnsok?: boolean | number;
  parallel_ops?: boolean | number;
  policy?: readonly NlaPolicy[] | null;
  pre_doit?: ((ops: GenlOps, skb: Uint8Array, info: GenlInfo) => MaybeAsync<number>) | null;
  post_doit?: ((ops: GenlOps, skb: Uint8Array, info: GenlInfo) => void) | null;
  ops?: readonly GenlOps[] | null;
  n_ops?: number;
  small_ops?: readonly GenlSmallOps[] | null;
  n_small_ops?: number;
  mcgrps?: readonly GenlMulticastGroup[] | null;
  n_mcgrps?: number;
  module: Module | null;
}

/** struct genl_dumpit_info: what genl_start() leaves in cb->data for the dump callbacks. */
export interface GenlDumpitInfo {
  family: GenlFamily;
  op: GenlOps;
  attrs: NlattrTable;
}

/** genl_dumpit_info(cb) */
export const genl_dumpit_info = (cb: NetlinkCallback): GenlDumpitInfo => cb.data as GenlDumpitInfo;

/** genlmsg_total_size(payload): nlmsg_total_size(GENL_HDRLEN + payload) */
export const genlmsg_total_size = (payload: number): number => NLMSG_ALIGN(NLMSG_HDRLEN + GENL_HDRLEN + payload);

/** genlmsg_new(payload, flags): an skb with room for one genl message of `payload` bytes. */
export function genlmsg_new(payload: number, _flags = 0): NlBuf {
  return new NlBuf(genlmsg_total_size(payload));
}

/** genlmsg_end(skb, hdr): finish the message whose user header `genlmsg_put` returned. */
export function genlmsg_end(skb: NlBuf, hdr: number): void {
  skb.nlmsg_end(hdr - GENL_HDRLEN - NLMSG_HDRLEN);
}

/** genlmsg_cancel(skb, hdr) */
export function genlmsg_cancel(skb: NlBuf, hdr: number): void {
  skb.trim(hdr - GENL_HDRLEN - NLMSG_HDRLEN);
}

/** genlmsg_unicast(net, skb, portid): 0 once queued (nlmsg_unicast), else -errno. */
export function genlmsg_unicast(_net: unknown, skb: NlBuf, portid: number): number {
  const err = netlink_unicast(NETLINK_GENERIC, portid, skb.bytes());
  return err > 0 ? 0 : err;
}

/** genlmsg_reply(skb, info): the reply to the requester. */
export function genlmsg_reply(skb: NlBuf, info: GenlInfo): number {
  return genlmsg_unicast(null, skb, info.snd_portid);
}
