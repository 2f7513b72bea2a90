// Mirrors iproute2 v5.15.0 genl/ctrl.c: the "ctrl" object of genl, which talks to the generic
// netlink controller. `list` (also `show`, `lst`) dumps CTRL_CMD_GETFAMILY, `get name NAME` / `get
// id ID` asks for one family (NLM_F_REQUEST|NLM_F_ACK), `policy` dumps CTRL_CMD_GETPOLICY and
// `monitor` prints the controller's notifications. print_ctrl() prints a family as
// "\nName: %s\n" and tab-indented lines with trailing spaces; the capability lines of each command
// appear only when the family's own version is 2 or more.
import { fflush, fprintf, stderr, stdout, type FILE } from "../../libc/stdio.js";
import { exit } from "../../libc/stdlib.js";
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_ATTR_HDRSIZE,
  CTRL_ATTR_MAX,
  CTRL_ATTR_MAXATTR,
  CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_MCAST_GRP_ID,
  CTRL_ATTR_MCAST_GRP_NAME,
  CTRL_ATTR_OP_FLAGS,
  CTRL_ATTR_OP_ID,
  CTRL_ATTR_OP_POLICY,
  CTRL_ATTR_OPS,
  CTRL_ATTR_POLICY,
  CTRL_ATTR_POLICY_DO,
  CTRL_ATTR_POLICY_DUMP,
  CTRL_ATTR_VERSION,
  CTRL_CMD_DELFAMILY,
  CTRL_CMD_DELMCAST_GRP,
  CTRL_CMD_GETFAMILY,
  CTRL_CMD_GETPOLICY,
  CTRL_CMD_NEWFAMILY,
  CTRL_CMD_NEWMCAST_GRP,
  CTRL_CMD_UNSPEC,
  cstring,
  GENL_ADMIN_PERM,
  GENL_CMD_CAP_DO,
  GENL_CMD_CAP_DUMP,
  GENL_CMD_CAP_HASPOL,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  GENL_NAMSIZ,
  genlmsghdr,
  NETLINK_GENERIC,
  NLA_F_NESTED,
  NLA_HDRLEN,
  type nlattr,
  NLM_F_ACK,
  NLM_F_MATCH,
  NLM_F_REQUEST,
  NLM_F_ROOT,
  NLMSG_HDRLEN,
  NLMSG_LENGTH,
  nlmsghdr,
} from "../../libc/netlink.js";
import { perror } from "../../libc/stdio.js";
import {
  addattr_l,
  parse_rtattr_flags,
  parse_rtattr_nested,
  rta_getattr_str,
  rta_getattr_u16,
  rta_getattr_u32,
  rta_getattr_u64,
  rtattr_for_each_nested,
  rtnl_close,
  rtnl_dump_filter,
  rtnl_handle_new,
  rtnl_listen,
  rtnl_open_byproto,
  rtnl_send,
  rtnl_talk,
} from "../lib/libnetlink.js";
import { get_u16, incomplete_command, matches } from "../lib/utils.js";
import type { genl_util } from "./genl.js";

const GENL_MAX_FAM_OPS = 256;
const GENL_MAX_FAM_GRPS = 256;
const CTRL_ATTR_OP_MAX = CTRL_ATTR_OP_FLAGS;
const CTRL_ATTR_MCAST_GRP_MAX = CTRL_ATTR_MCAST_GRP_ID;
const CTRL_ATTR_POLICY_DUMP_MAX = CTRL_ATTR_POLICY_DUMP;

/** enum netlink_policy_type_attr (include/uapi/linux/netlink.h) */
const NL_POLICY_TYPE_ATTR_TYPE = 1;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_S = 2;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_S = 3;
const NL_POLICY_TYPE_ATTR_MIN_VALUE_U = 4;
const NL_POLICY_TYPE_ATTR_MAX_VALUE_U = 5;
const NL_POLICY_TYPE_ATTR_MIN_LENGTH = 6;
const NL_POLICY_TYPE_ATTR_MAX_LENGTH = 7;
const NL_POLICY_TYPE_ATTR_POLICY_IDX = 8;
const NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE = 9;
const NL_POLICY_TYPE_ATTR_MAX = 12;

function usage(): number {
  fprintf(
    stderr(),
    "Usage: ctrl <CMD>\n" +
      "CMD   := get <PARMS> | list | monitor | policy <PARMS>\n" +
      "PARMS := name <name> | id <id>\n" +
      "Examples:\n" +
      "\tctrl ls\n" +
      "\tctrl monitor\n" +
      "\tctrl get name foobar\n" +
      "\tctrl get id 0xF\n" +
      "\tctrl policy name foobar\n" +
      "\tctrl policy id 0xF\n",
  );
  return -1;
}

function print_ctrl_cmd_flags(fp: FILE, fl: number): void {
  fprintf(fp, "\n\t\tCapabilities (0x%x):\n ", fl);
  if (!fl) {
    fprintf(fp, "\n");
    return;
  }
  fprintf(fp, "\t\t ");
  if (fl & GENL_ADMIN_PERM) fprintf(fp, " requires admin permission;");
  if (fl & GENL_CMD_CAP_DO) fprintf(fp, " can doit;");
  if (fl & GENL_CMD_CAP_DUMP) fprintf(fp, " can dumpit;");
  if (fl & GENL_CMD_CAP_HASPOL) fprintf(fp, " has policy");
  fprintf(fp, "\n");
}

function print_ctrl_cmds(fp: FILE, arg: nlattr | null, ctrl_ver: number): number {
  if (arg === null) return -1;
  const tb = parse_rtattr_nested(CTRL_ATTR_OP_MAX, arg);
  if (tb[CTRL_ATTR_OP_ID]) fprintf(fp, " ID-0x%x ", rta_getattr_u32(tb[CTRL_ATTR_OP_ID]));
  // only for newer versions of the controller
  if (tb[CTRL_ATTR_OP_FLAGS] && ctrl_ver >= 0x2) print_ctrl_cmd_flags(fp, rta_getattr_u32(tb[CTRL_ATTR_OP_FLAGS]));
  return 0;
}

function print_ctrl_grp(fp: FILE, arg: nlattr | null, _ctrl_ver: number): number {
  if (arg === null) return -1;
  const tb = parse_rtattr_nested(CTRL_ATTR_MCAST_GRP_MAX, arg);
  if (tb[2]) fprintf(fp, " ID-0x%x ", rta_getattr_u32(tb[CTRL_ATTR_MCAST_GRP_ID]!));
  if (tb[1]) fprintf(fp, " name: %s ", rta_getattr_str(tb[CTRL_ATTR_MCAST_GRP_NAME]!));
  return 0;
}

function get_nla_type_str(attr: number): string {
  const names = ["", "FLAG", "U8", "U16", "U32", "U64", "S8", "S16", "S32", "S64", "BINARY", "STRING", "NUL_STRING", "NESTED", "NESTED_ARRAY", "BITFIELD32"];
  return (attr >= 1 && names[attr]) || "unknown";
}

/** nl_print_policy() (lib/libnetlink.c): one policy dump message's attribute policies. */
function nl_print_policy(attr: nlattr, fp: FILE): void {
  rtattr_for_each_nested(attr, (pos) => {
    fprintf(fp, " policy[%u]:", pos.nla_type & ~NLA_F_NESTED);
    rtattr_for_each_nested(pos, (a) => {
      const tp = parse_rtattr_nested(NL_POLICY_TYPE_ATTR_MAX, a);
      if (tp[NL_POLICY_TYPE_ATTR_TYPE]) fprintf(fp, "attr[%u]: type=%s", a.nla_type & ~NLA_F_NESTED, get_nla_type_str(rta_getattr_u32(tp[NL_POLICY_TYPE_ATTR_TYPE])));
      if (tp[NL_POLICY_TYPE_ATTR_POLICY_IDX]) fprintf(fp, " policy:%u", rta_getattr_u32(tp[NL_POLICY_TYPE_ATTR_POLICY_IDX]));
      if (tp[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE]) fprintf(fp, " maxattr:%u", rta_getattr_u32(tp[NL_POLICY_TYPE_ATTR_POLICY_MAXTYPE]));
      if (tp[NL_POLICY_TYPE_ATTR_MIN_VALUE_S] && tp[NL_POLICY_TYPE_ATTR_MAX_VALUE_S])
        fprintf(fp, " range:[%lld,%lld]", BigInt.asIntN(64, rta_getattr_u64(tp[NL_POLICY_TYPE_ATTR_MIN_VALUE_S])), BigInt.asIntN(64, rta_getattr_u64(tp[NL_POLICY_TYPE_ATTR_MAX_VALUE_S])));
      if (tp[NL_POLICY_TYPE_ATTR_MIN_VALUE_U] && tp[NL_POLICY_TYPE_ATTR_MAX_VALUE_U])
        fprintf(fp, " range:[%llu,%llu]", rta_getattr_u64(tp[NL_POLICY_TYPE_ATTR_MIN_VALUE_U]), rta_getattr_u64(tp[NL_POLICY_TYPE_ATTR_MAX_VALUE_U]));
      if (tp[NL_POLICY_TYPE_ATTR_MIN_LENGTH]) fprintf(fp, " min len:%u", rta_getattr_u32(tp[NL_POLICY_TYPE_ATTR_MIN_LENGTH]));
      if (tp[NL_POLICY_TYPE_ATTR_MAX_LENGTH]) fprintf(fp, " max len:%u", rta_getattr_u32(tp[NL_POLICY_TYPE_ATTR_MAX_LENGTH]));
    });
  });
}

/** print_ctrl(ctrl, n, arg): one family (the controller sends one message per family). */
function print_ctrl(n: nlmsghdr, arg: unknown): number {
  const fp = arg as FILE;
  const ghdr = new genlmsghdr(n.buf, n.off + NLMSG_HDRLEN);
  let len = n.nlmsg_len;
  let ctrl_v = 0x1;

  if (n.nlmsg_type !== GENL_ID_CTRL) {
    fprintf(stderr(), "Not a controller message, nlmsg_len=%d nlmsg_type=0x%x\n", n.nlmsg_len, n.nlmsg_type);
    return 0;
  }
  const known = [CTRL_CMD_GETFAMILY, CTRL_CMD_DELFAMILY, CTRL_CMD_NEWFAMILY, CTRL_CMD_NEWMCAST_GRP, CTRL_CMD_DELMCAST_GRP, CTRL_CMD_GETPOLICY];
  if (!known.includes(ghdr.cmd)) {
    fprintf(stderr(), "Unknown controller command %d\n", ghdr.cmd);
    return 0;
  }
  len -= NLMSG_LENGTH(GENL_HDRLEN);
  if (len < 0) {
    fprintf(stderr(), "wrong controller message len %d\n", len);
    return -1;
  }

  const tb = parse_rtattr_flags(CTRL_ATTR_MAX, n.buf, ghdr.off + GENL_HDRLEN, len, NLA_F_NESTED);

  if (tb[CTRL_ATTR_FAMILY_NAME]) fprintf(fp, "\nName: %s\n", rta_getattr_str(tb[CTRL_ATTR_FAMILY_NAME]));
  if (tb[CTRL_ATTR_FAMILY_ID]) fprintf(fp, "\tID: 0x%x ", rta_getattr_u16(tb[CTRL_ATTR_FAMILY_ID]));
  if (tb[CTRL_ATTR_VERSION]) {
    const v = rta_getattr_u32(tb[CTRL_ATTR_VERSION]);
    fprintf(fp, " Version: 0x%x ", v);
    ctrl_v = v;
  }
  if (tb[CTRL_ATTR_HDRSIZE]) fprintf(fp, " header size: %d ", rta_getattr_u32(tb[CTRL_ATTR_HDRSIZE]));
  if (tb[CTRL_ATTR_MAXATTR]) fprintf(fp, " max attribs: %d ", rta_getattr_u32(tb[CTRL_ATTR_MAXATTR]));
  if (tb[CTRL_ATTR_OP_POLICY]) {
    rtattr_for_each_nested(tb[CTRL_ATTR_OP_POLICY], (pos) => {
      const ptb = parse_rtattr_flags(CTRL_ATTR_POLICY_DUMP_MAX, pos.buf, pos.off + NLA_HDRLEN, pos.nla_len - NLA_HDRLEN, NLA_F_NESTED);
      fprintf(fp, " op %d policies:", pos.nla_type & ~NLA_F_NESTED);
      if (ptb[CTRL_ATTR_POLICY_DO]) fprintf(fp, " do=%d", rta_getattr_u32(ptb[CTRL_ATTR_POLICY_DO]));
      if (ptb[CTRL_ATTR_POLICY_DUMP]) fprintf(fp, " dump=%d", rta_getattr_u32(ptb[CTRL_ATTR_POLICY_DUMP]));
    });
  }
  if (tb[CTRL_ATTR_POLICY]) nl_print_policy(tb[CTRL_ATTR_POLICY], fp);

  // end of family definitions
  fprintf(fp, "\n");
  if (tb[CTRL_ATTR_OPS]) {
    const tb2 = parse_rtattr_nested(GENL_MAX_FAM_OPS, tb[CTRL_ATTR_OPS]);
    fprintf(fp, "\tcommands supported: \n");
    for (let i = 0; i < GENL_MAX_FAM_OPS; i++) {
      if (tb2[i]) {
        fprintf(fp, "\t\t#%d: ", i);
        if (0 > print_ctrl_cmds(fp, tb2[i], ctrl_v)) fprintf(fp, "Error printing command\n");
        // for next command
        fprintf(fp, "\n");
      }
    }
    // end of family::cmds definitions
    fprintf(fp, "\n");
  }

  if (tb[CTRL_ATTR_MCAST_GROUPS]) {
    const tb2 = parse_rtattr_nested(GENL_MAX_FAM_GRPS, tb[CTRL_ATTR_MCAST_GROUPS]);
    fprintf(fp, "\tmulticast groups:\n");
    for (let i = 0; i < GENL_MAX_FAM_GRPS; i++) {
      if (tb2[i]) {
        fprintf(fp, "\t\t#%d: ", i);
        if (0 > print_ctrl_grp(fp, tb2[i], ctrl_v)) fprintf(fp, "Error printing group\n");
        // for next group
        fprintf(fp, "\n");
      }
    }
    // end of family::groups definitions
    fprintf(fp, "\n");
  }

  fflush(fp);
  return 0;
}

const print_ctrl2 = (n: nlmsghdr, arg: unknown): number => print_ctrl(n, arg);

async function ctrl_list(cmd: number, argc: number, argv: string[]): Promise<number> {
  const rth = rtnl_handle_new();
  let ret = -1;
  // struct { struct nlmsghdr n; struct genlmsghdr g; char buf[4096]; } req
  const req = new Uint8Array(NLMSG_HDRLEN + GENL_HDRLEN + 4096);
  const nlh = new nlmsghdr(req);
  nlh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
  nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh.nlmsg_type = GENL_ID_CTRL;
  const g = new genlmsghdr(req, NLMSG_HDRLEN);
  g.cmd = CTRL_CMD_GETFAMILY;

  if ((await rtnl_open_byproto(rth, 0, NETLINK_GENERIC)) < 0) {
    fprintf(stderr(), "Cannot open generic netlink socket\n");
    return exit(1);
  }

  ctrl: {
    if (cmd === CTRL_CMD_GETFAMILY || cmd === CTRL_CMD_GETPOLICY) {
      g.cmd = cmd;
      if (argc !== 2) {
        fprintf(stderr(), "Wrong number of params\n");
        return -1;
      }
      if (matches(argv[0], "name") === 0) {
        if (--argc <= 0) return incomplete_command();
        // strlcpy(d, *argv, sizeof(d))
        const d = new TextDecoder().decode(new TextEncoder().encode(argv[1]).subarray(0, GENL_NAMSIZ - 1));
        const b = cstring(d);
        addattr_l(nlh, 128, CTRL_ATTR_FAMILY_NAME, b, b.length);
      } else if (matches(argv[0], "id") === 0) {
        if (--argc <= 0) return incomplete_command();
        const id = get_u16(argv[1], 0);
        if (id === null) {
          fprintf(stderr(), 'Illegal "id"\n');
          break ctrl;
        }
        const b = new Uint8Array(2);
        new DataView(b.buffer).setUint16(0, id, true);
        addattr_l(nlh, 128, CTRL_ATTR_FAMILY_ID, b, 2);
      } else {
        fprintf(stderr(), "Wrong params\n");
        break ctrl;
      }
    }

    if (cmd === CTRL_CMD_GETFAMILY) {
      const { ret: r, answer } = await rtnl_talk(rth, nlh, true);
      if (r < 0) {
        fprintf(stderr(), "Error talking to the kernel\n");
        break ctrl;
      }
      if (print_ctrl2(answer!, stdout()) < 0) {
        fprintf(stderr(), "Dump terminated\n");
        break ctrl;
      }
    }

    if (cmd === CTRL_CMD_UNSPEC || cmd === CTRL_CMD_GETPOLICY) {
      nlh.nlmsg_flags = NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST;
      nlh.nlmsg_seq = rth.dump = rth.seq = (rth.seq + 1) >>> 0;
      if ((await rtnl_send(rth, req, nlh.nlmsg_len)) < 0) {
        perror("Failed to send dump request\n");
        break ctrl;
      }
      if ((await rtnl_dump_filter(rth, print_ctrl2, stdout())) < 0) {
        fprintf(stderr(), "Dump terminated\n");
        return exit(1);
      }
    }
    ret = 0;
  }
  rtnl_close(rth);
  return ret;
}

/** nl_mgrp(group): the bind() bitmask of a group below 32. */
async function nl_mgrp(group: number): Promise<number> {
  if (group > 31) {
    fprintf(stderr(), "Use setsockopt for this group %d\n", group);
    return exit(-1);
  }
  return group ? 1 << (group - 1) : 0;
}

async function ctrl_listen(_argc: number, _argv: string[]): Promise<number> {
  const rth = rtnl_handle_new();
  if ((await rtnl_open_byproto(rth, await nl_mgrp(GENL_ID_CTRL), NETLINK_GENERIC)) < 0) {
    fprintf(stderr(), "Canot open generic netlink socket\n");
    return -1;
  }
  if ((await rtnl_listen(rth, print_ctrl, stdout())) < 0) return -1;
  return 0;
}

async function parse_ctrl(_a: genl_util, argc: number, argv: string[]): Promise<number> {
  argv = argv.slice(1);
  if (--argc <= 0) {
    fprintf(stderr(), "wrong controller params\n");
    return -1;
  }
  if (matches(argv[0], "monitor") === 0) return ctrl_listen(argc - 1, argv.slice(1));
  if (matches(argv[0], "get") === 0) return ctrl_list(CTRL_CMD_GETFAMILY, argc - 1, argv.slice(1));
  if (matches(argv[0], "list") === 0 || matches(argv[0], "show") === 0 || matches(argv[0], "lst") === 0) return ctrl_list(CTRL_CMD_UNSPEC, argc - 1, argv.slice(1));
  if (matches(argv[0], "policy") === 0) return ctrl_list(CTRL_CMD_GETPOLICY, argc - 1, argv.slice(1));
  if (matches(argv[0], "help") === 0) return usage();
  fprintf(stderr(), 'ctrl command "%s" is unknown, try "ctrl help".\n', argv[0]);
  return -1;
}

export const ctrl_genl_util: genl_util = {
  name: "ctrl",
  parse_genlopt: parse_ctrl,
  print_genlopt: print_ctrl2,
};
