// Mirrors include/uapi/linux/genetlink.h (5.15): the generic netlink header, the controller
// family's commands and attributes, and the op flags it reports.
import { NLMSG_ALIGN, NLMSG_MIN_TYPE } from "./netlink.js";

export const GENL_NAMSIZ = 16; /* length of family name */
export const GENL_MIN_ID = NLMSG_MIN_TYPE;
export const GENL_MAX_ID = 1023;

/** struct genlmsghdr { __u8 cmd; __u8 version; __u16 reserved; } */
export const GENL_HDRLEN = NLMSG_ALIGN(4);

export const GENL_ADMIN_PERM = 0x01;
export const GENL_CMD_CAP_DO = 0x02;
export const GENL_CMD_CAP_DUMP = 0x04;
export const GENL_CMD_CAP_HASPOL = 0x08;
export const GENL_UNS_ADMIN_PERM = 0x10;

export const GENL_ID_CTRL = NLMSG_MIN_TYPE;
export const GENL_ID_VFS_DQUOT = NLMSG_MIN_TYPE + 1;
export const GENL_ID_PMCRAID = NLMSG_MIN_TYPE + 2;
/** First dynamically assigned id. */
export const GENL_START_ALLOC = NLMSG_MIN_TYPE + 3;

export const CTRL_CMD_UNSPEC = 0;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_DELFAMILY = 2;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_CMD_NEWOPS = 4;
export const CTRL_CMD_DELOPS = 5;
export const CTRL_CMD_GETOPS = 6;
export const CTRL_CMD_NEWMCAST_GRP = 7;
export const CTRL_CMD_DELMCAST_GRP = 8;
export const CTRL_CMD_GETMCAST_GRP = 9; /* unused */
export const CTRL_CMD_GETPOLICY = 10;

export const CTRL_ATTR_UNSPEC = 0;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;
export const CTRL_ATTR_OPS = 6;
export const CTRL_ATTR_MCAST_GROUPS = 7;
export const CTRL_ATTR_POLICY = 8;
export const CTRL_ATTR_OP_POLICY = 9;
export const CTRL_ATTR_OP = 10;
export const CTRL_ATTR_MAX = CTRL_ATTR_OP;

export const CTRL_ATTR_OP_UNSPEC = 0;
export const CTRL_ATTR_OP_ID = 1;
export const CTRL_ATTR_OP_FLAGS = 2;

export const CTRL_ATTR_MCAST_GRP_UNSPEC = 0;
export const CTRL_ATTR_MCAST_GRP_NAME = 1;
export const CTRL_ATTR_MCAST_GRP_ID = 2;

export const CTRL_ATTR_POLICY_UNSPEC = 0;
export const CTRL_ATTR_POLICY_DO = 1;
export const CTRL_ATTR_POLICY_DUMP = 2;
