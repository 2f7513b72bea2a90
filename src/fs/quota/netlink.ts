// Mirrors fs/quota/netlink.c: the VFS_DQUOT Generic Netlink family, through which the quota code
// announces limit warnings on its "events" group. It has no commands; kplay has no quotas, so
// nothing is ever sent, but the family is there as on a stock 5.15 kernel (id 0x11, group 0x11).
import type { GenlFamily } from "../../include/net/genetlink.js";
import { genl_register_family } from "../../net/netlink/genetlink.js";

/** QUOTA_NL_A_MAX (include/uapi/linux/quota.h) */
const QUOTA_NL_A_MAX = 7;

const quota_genl_family: GenlFamily = {
  id: 0,
  hdrsize: 0,
  name: "VFS_DQUOT",
  version: 1,
  maxattr: QUOTA_NL_A_MAX,
  mcgrps: [{ name: "events" }],
  module: null,
};

/** quota_init() */
export function quota_init(): number {
  return genl_register_family(quota_genl_family);
}
