// Mirrors libnl-genl-3 (3.4) lib/genl/genl.c: connecting a generic netlink socket, the generic
// netlink header (genlmsg_put) and its attributes (genlmsg_parse, genlmsg_attrdata/attrlen).
import { GENL_HDRLEN, genlmsghdr, NETLINK_GENERIC, NLMSG_ALIGN, NLMSG_HDRLEN, nlattr, nlmsghdr } from "../../netlink.js";
import { NLE_MSG_TOOSHORT } from "../errno.js";
import { nla_parse, type nla_policy } from "../attr.js";
import { nl_msg, nlmsg_data, nlmsg_put, nlmsg_valid_hdr } from "../msg.js";
import { nl_connect } from "../nl.js";
import type { nl_sock } from "../socket.js";

/** genl_connect(sk): nl_connect(sk, NETLINK_GENERIC). */
export const genl_connect = (sk: nl_sock): Promise<number> => nl_connect(sk, NETLINK_GENERIC);

/** genlmsg_hdr(nlh) */
export const genlmsg_hdr = (nlh: nlmsghdr): genlmsghdr => new genlmsghdr(nlh.buf, nlmsg_data(nlh));

/** The nlmsghdr in front of a genlmsghdr. */
const genlmsg_nlh = (gnlh: genlmsghdr): nlmsghdr => new nlmsghdr(gnlh.buf, gnlh.off - NLMSG_HDRLEN);

/** genlmsg_len(gnlh): bytes after the generic netlink header. */
export const genlmsg_len = (gnlh: genlmsghdr): number => genlmsg_nlh(gnlh).nlmsg_len - GENL_HDRLEN - NLMSG_HDRLEN;

/** genlmsg_attrdata(gnlh, hdrlen): the first attribute after a family header of hdrlen bytes. */
export const genlmsg_attrdata = (gnlh: genlmsghdr, hdrlen: number): nlattr => new nlattr(gnlh.buf, gnlh.off + GENL_HDRLEN + NLMSG_ALIGN(hdrlen));

/** genlmsg_attrlen(gnlh, hdrlen) */
export const genlmsg_attrlen = (gnlh: genlmsghdr, hdrlen: number): number => genlmsg_len(gnlh) - NLMSG_ALIGN(hdrlen);

/** genlmsg_valid_hdr(nlh, hdrlen) */
export function genlmsg_valid_hdr(nlh: nlmsghdr, hdrlen: number): boolean {
  if (!nlmsg_valid_hdr(nlh, GENL_HDRLEN)) return false;
  return genlmsg_len(genlmsg_hdr(nlh)) >= NLMSG_ALIGN(hdrlen);
}

/** genlmsg_parse(nlh, hdrlen, tb, maxtype, policy): 0 or -NLE_*. */
export function genlmsg_parse(nlh: nlmsghdr, hdrlen: number, tb: (nlattr | null)[], maxtype: number, policy: nla_policy[] | null): number {
  if (!genlmsg_valid_hdr(nlh, hdrlen)) return -NLE_MSG_TOOSHORT;
  const ghdr = genlmsg_hdr(nlh);
  return nla_parse(tb, maxtype, genlmsg_attrdata(ghdr, hdrlen), genlmsg_attrlen(ghdr, hdrlen), policy);
}

/**
 * genlmsg_put(msg, port, seq, family, hdrlen, flags, cmd, version): the netlink and generic netlink
 * headers; the offset of the user header (hdrlen bytes after them), or -1 when the message is full.
 */
export function genlmsg_put(msg: nl_msg, port: number, seq: number, family: number, hdrlen: number, flags: number, cmd: number, version: number): number {
  const nlh = nlmsg_put(msg, port, seq, family, GENL_HDRLEN + hdrlen, flags);
  if (nlh === null) return -1;
  const hdr = genlmsg_hdr(nlh);
  hdr.cmd = cmd;
  hdr.version = version;
  return nlmsg_data(nlh) + GENL_HDRLEN;
}
