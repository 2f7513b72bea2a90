// kplay's own printer for DLT_NETLINK (linktype 253), what nlmon captures: tcpdump 4.99 has no
// netlink printer (it refuses to print such a capture), so this format is kplay's, modeled on the
// names Wireshark's packet-netlink.c and packet-netlink-generic.c use. A record is the 16-byte
// LINUX_SLL header (big-endian pkttype, ARPHRD type 824, address length and 8 address bytes,
// netlink protocol) and the raw nlmsg stream in host (little-endian) order, one skb: it may hold
// several messages. One line per message, the first after "NETLINK <PROTOCOL> ", the others on
// "\n\t":
//   NETLINK GENERIC nlctrl CTRL_CMD_GETFAMILY request, flags [REQUEST,ACK], seq 1, pid 1234, length 36
//   NETLINK GENERIC nlctrl CTRL_CMD_NEWFAMILY, seq 1, pid 1234, length 136
//   NETLINK GENERIC gnl_foobar_xmpl cmd 1 request, flags [REQUEST], seq 2, pid 1234, length 28
//   NETLINK GENERIC NLMSG_ERROR 0 (ACK), flags [CAPPED], seq 1, pid 1234, length 36
//   NETLINK GENERIC NLMSG_ERROR -22 (Invalid argument), seq 3, pid 1234, length 56
//   NETLINK ROUTE RTM_GETLINK request, flags [REQUEST,DUMP], seq 1, pid 0, length 32
//   ... NLMSG_DONE, flags [MULTI], seq 4, pid 1234, length 20   (NLMSG_DONE -N (text) for an error)
// Generic netlink families are named as Wireshark names them: 0x10 is always "nlctrl", and any other
// id only after a controller message in the same capture carried both CTRL_ATTR_FAMILY_ID (a u16)
// and CTRL_ATTR_FAMILY_NAME (learned into ndo.genl_family_map); before that it is "family 0x13".
// Commands are named for nlctrl (CTRL_CMD_*) and "cmd N" for other families; NETLINK_ROUTE types are
// RTM_*; other protocols and types print "type 0xN". Flag bits 0x100-0x800 are named for what the
// message is: CAPPED/ACK_TLVS on NLMSG_ERROR, REPLACE/EXCL/CREATE/APPEND on RTM_NEW* requests,
// NONREC on RTM_DEL*, ROOT/MATCH (both: DUMP)/ATOMIC on other requests.
// With -v each message's top-level attributes follow on "\n\t  " lines, "NAME (type), length N:
// value" (strings quoted, integers in decimal, family ids in hex, nested attributes counted, other
// payloads in hex), an NLMSG_ERROR first shows the request it answers ("request: ...") and then its
// extended-ack attributes. With -e the SLL header comes first as tcpdump's sll_print() shows a
// packet type ("Out " for the PACKET_OUTGOING copy libpcap sees), then "protocol 16, length 52: ".
import { strerror } from "../libc/strerror.js";
import { CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, GENL_ID_CTRL } from "../../include/uapi/genetlink.js";
import { NLMSG_ALIGN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, NLMSG_MIN_TYPE, NLA_HDRLEN, NETLINK_GENERIC, NETLINK_ROUTE } from "../../include/uapi/netlink.js";
import { GET_BE_U_2, GET_LE_S_4, GET_LE_U_2, GET_LE_U_4, GET_LE_U_8, GET_U_1, ND_TTEST_LEN, nd_trunc_longjmp } from "./extract.js";
import type { NetdissectOptions, PcapPktHdr } from "./netdissect.js";
import { fn_print_char, ND_PRINT, nd_print_trunc, tok2str, type Tok } from "./util-print.js";

/** sizeof(struct sll_header) */
export const SLL_HDR_LEN = 16;
const NLA_F_NESTED = 0x8000;
const NLA_F_NET_BYTEORDER = 0x4000;
const NLA_TYPE_MASK = 0x3fff;

const netlink_protocol_values: Tok = [
  [0, "ROUTE"],
  [2, "USERSOCK"],
  [3, "FIREWALL"],
  [4, "SOCK_DIAG"],
  [5, "NFLOG"],
  [6, "XFRM"],
  [7, "SELINUX"],
  [8, "ISCSI"],
  [9, "AUDIT"],
  [10, "FIB_LOOKUP"],
  [11, "CONNECTOR"],
  [12, "NETFILTER"],
  [13, "IP6_FW"],
  [14, "DNRTMSG"],
  [15, "KOBJECT_UEVENT"],
  [16, "GENERIC"],
  [18, "SCSITRANSPORT"],
  [19, "ECRYPTFS"],
  [20, "RDMA"],
  [21, "CRYPTO"],
  [22, "SMC"],
];

/** tcpdump's sll_pkttype_values (print-sll.c) */
const sll_pkttype_values: Tok = [
  [0, "In"],
  [1, "B"],
  [2, "M"],
  [3, "P"],
  [4, "Out"],
];

const nlmsg_control_values: Tok = [
  [1, "NLMSG_NOOP"],
  [2, "NLMSG_ERROR"],
  [3, "NLMSG_DONE"],
  [4, "NLMSG_OVERRUN"],
];

const ctrl_cmd_values: Tok = [
  [0, "CTRL_CMD_UNSPEC"],
  [1, "CTRL_CMD_NEWFAMILY"],
  [2, "CTRL_CMD_DELFAMILY"],
  [3, "CTRL_CMD_GETFAMILY"],
  [4, "CTRL_CMD_NEWOPS"],
  [5, "CTRL_CMD_DELOPS"],
  [6, "CTRL_CMD_GETOPS"],
  [7, "CTRL_CMD_NEWMCAST_GRP"],
  [8, "CTRL_CMD_DELMCAST_GRP"],
  [9, "CTRL_CMD_GETMCAST_GRP"],
  [10, "CTRL_CMD_GETPOLICY"],
];

/** rtnetlink.h's RTM_* (5.15): each group's base and which of NEW, DEL, GET, SET (0-3) it has. */
const rtm_values: Tok = (
  [
    [16, "LINK", "0123"],
    [20, "ADDR", "012"],
    [24, "ROUTE", "012"],
    [28, "NEIGH", "012"],
    [32, "RULE", "012"],
    [36, "QDISC", "012"],
    [40, "TCLASS", "012"],
    [44, "TFILTER", "012"],
    [48, "ACTION", "012"],
    [52, "PREFIX", "0"],
    [56, "MULTICAST", "2"],
    [60, "ANYCAST", "2"],
    [64, "NEIGHTBL", "023"],
    [68, "NDUSEROPT", "0"],
    [72, "ADDRLABEL", "012"],
    [76, "DCB", "23"],
    [80, "NETCONF", "012"],
    [84, "MDB", "012"],
    [88, "NSID", "012"],
    [92, "STATS", "02"],
    [96, "CACHEREPORT", "0"],
    [100, "CHAIN", "012"],
    [104, "NEXTHOP", "012"],
    [108, "LINKPROP", "012"],
    [112, "VLAN", "012"],
    [116, "NEXTHOPBUCKET", "012"],
  ] as const
).flatMap(([base, what, ops]) => [...ops].map((i): [number, string] => [base + Number(i), `RTM_${["NEW", "DEL", "GET", "SET"][Number(i)]}${what}`]));

type AttrKind = "string" | "u8" | "u16" | "u32" | "u64" | "x16" | "x32" | "in_addr" | "nested" | "binary";
type AttrTable = ReadonlyMap<number, readonly [string, AttrKind]>;

const ctrl_attrs: AttrTable = new Map([
  [1, ["CTRL_ATTR_FAMILY_ID", "x16"]],
  [2, ["CTRL_ATTR_FAMILY_NAME", "string"]],
  [3, ["CTRL_ATTR_VERSION", "u32"]],
  [4, ["CTRL_ATTR_HDRSIZE", "u32"]],
  [5, ["CTRL_ATTR_MAXATTR", "u32"]],
  [6, ["CTRL_ATTR_OPS", "nested"]],
  [7, ["CTRL_ATTR_MCAST_GROUPS", "nested"]],
  [8, ["CTRL_ATTR_POLICY", "nested"]],
  [9, ["CTRL_ATTR_OP_POLICY", "nested"]],
  [10, ["CTRL_ATTR_OP", "u32"]],
]);

const nlmsgerr_attrs: AttrTable = new Map([
  [1, ["NLMSGERR_ATTR_MSG", "string"]],
  [2, ["NLMSGERR_ATTR_OFFS", "u32"]],
  [3, ["NLMSGERR_ATTR_COOKIE", "binary"]],
  [4, ["NLMSGERR_ATTR_POLICY", "nested"]],
]);

const ifla_attrs: AttrTable = new Map([
  [1, ["IFLA_ADDRESS", "binary"]],
  [2, ["IFLA_BROADCAST", "binary"]],
  [3, ["IFLA_IFNAME", "string"]],
  [4, ["IFLA_MTU", "u32"]],
  [5, ["IFLA_LINK", "u32"]],
  [6, ["IFLA_QDISC", "string"]],
  [7, ["IFLA_STATS", "binary"]],
  [10, ["IFLA_MASTER", "u32"]],
  [13, ["IFLA_TXQLEN", "u32"]],
  [14, ["IFLA_MAP", "binary"]],
  [16, ["IFLA_OPERSTATE", "u8"]],
  [17, ["IFLA_LINKMODE", "u8"]],
  [18, ["IFLA_LINKINFO", "nested"]],
  [23, ["IFLA_STATS64", "binary"]],
  [27, ["IFLA_GROUP", "u32"]],
  [29, ["IFLA_EXT_MASK", "u32"]],
  [30, ["IFLA_PROMISCUITY", "u32"]],
  [31, ["IFLA_NUM_TX_QUEUES", "u32"]],
  [32, ["IFLA_NUM_RX_QUEUES", "u32"]],
  [33, ["IFLA_CARRIER", "u8"]],
  [35, ["IFLA_CARRIER_CHANGES", "u32"]],
  [39, ["IFLA_PROTO_DOWN", "u8"]],
  [40, ["IFLA_GSO_MAX_SEGS", "u32"]],
  [41, ["IFLA_GSO_MAX_SIZE", "u32"]],
  [47, ["IFLA_CARRIER_UP_COUNT", "u32"]],
  [48, ["IFLA_CARRIER_DOWN_COUNT", "u32"]],
  [50, ["IFLA_MIN_MTU", "u32"]],
  [51, ["IFLA_MAX_MTU", "u32"]],
]);

const ifa_attrs: AttrTable = new Map([
  [1, ["IFA_ADDRESS", "in_addr"]],
  [2, ["IFA_LOCAL", "in_addr"]],
  [3, ["IFA_LABEL", "string"]],
  [4, ["IFA_BROADCAST", "in_addr"]],
  [5, ["IFA_ANYCAST", "in_addr"]],
  [6, ["IFA_CACHEINFO", "binary"]],
  [8, ["IFA_FLAGS", "x32"]],
]);

const rta_attrs: AttrTable = new Map([
  [1, ["RTA_DST", "in_addr"]],
  [2, ["RTA_SRC", "in_addr"]],
  [3, ["RTA_IIF", "u32"]],
  [4, ["RTA_OIF", "u32"]],
  [5, ["RTA_GATEWAY", "in_addr"]],
  [6, ["RTA_PRIORITY", "u32"]],
  [7, ["RTA_PREFSRC", "in_addr"]],
  [12, ["RTA_CACHEINFO", "binary"]],
  [15, ["RTA_TABLE", "u32"]],
]);

/** The family header before a NETLINK_ROUTE message's attributes, and their names: by RTM_ group. */
function rtm_layout(type: number): [hdrlen: number, attrs: AttrTable | null] {
  switch ((type - 16) >> 2) {
    case 0:
      return [16, ifla_attrs]; /* struct ifinfomsg */
    case 1:
      return [8, ifa_attrs]; /* struct ifaddrmsg */
    case 2:
      return [12, rta_attrs]; /* struct rtmsg */
    default:
      return [0, null];
  }
}

/** The name of generic netlink family `id`, as the capture so far lets Wireshark name it. */
function genl_family_name(ndo: NetdissectOptions, id: number): string {
  if (id === GENL_ID_CTRL) return "nlctrl";
  return ndo.genl_family_map.get(id) ?? `family 0x${id.toString(16)}`;
}

/** The names of the flags of a message of `type`, comma separated ("" for none). */
function nlmsg_flags_string(proto: number, type: number, flags: number): string {
  const names: string[] = [];
  const bit = (mask: number, name: string): void => {
    if (flags & mask) {
      names.push(name);
      flags &= ~mask;
    }
  };
  bit(0x01, "REQUEST");
  bit(0x02, "MULTI");
  bit(0x04, "ACK");
  bit(0x08, "ECHO");
  bit(0x10, "DUMP_INTR");
  bit(0x20, "DUMP_FILTERED");
  const request = names[0] === "REQUEST";
  if (type === NLMSG_ERROR) {
    bit(0x100, "CAPPED");
    bit(0x200, "ACK_TLVS");
  } else if (type === NLMSG_DONE) {
    bit(0x200, "ACK_TLVS");
  } else if (request && proto === NETLINK_ROUTE && type >= NLMSG_MIN_TYPE && ((type - 16) & 3) === 0) {
    bit(0x100, "REPLACE");
    bit(0x200, "EXCL");
    bit(0x400, "CREATE");
    bit(0x800, "APPEND");
  } else if (request && proto === NETLINK_ROUTE && type >= NLMSG_MIN_TYPE && ((type - 16) & 3) === 1) {
    bit(0x100, "NONREC");
  } else if (request && !(proto === NETLINK_ROUTE && ((type - 16) & 3) === 3)) {
    if ((flags & 0x300) === 0x300) bit(0x300, "DUMP");
    bit(0x100, "ROOT");
    bit(0x200, "MATCH");
    bit(0x400, "ATOMIC");
  }
  if (flags) names.push(`0x${flags.toString(16)}`);
  return names.join(",");
}

/** Does the payload look like a NUL-terminated printable string? */
function looks_like_string(b: Uint8Array, off: number, len: number): boolean {
  if (len < 2 || b[off + len - 1] !== 0) return false;
  let n = 0;
  for (let i = 0; i < len - 1; i++) {
    if (b[off + i] === 0) break;
    if (b[off + i] < 0x20 || b[off + i] > 0x7e) return false;
    n++;
  }
  return n > 0;
}

/** The value of an attribute's `len` payload bytes at `p`, as `kind` (a guess from its size when null). */
function nla_value(ndo: NetdissectOptions, p: number, len: number, kind: AttrKind | null): string {
  const b = ndo.ndo_packetp;
  if (!ND_TTEST_LEN(ndo, p, len)) nd_trunc_longjmp();
  if (kind === null) {
    if (looks_like_string(b, p, len)) kind = "string";
    else kind = len === 1 ? "u8" : len === 2 ? "u16" : len === 4 ? "u32" : len === 8 ? "u64" : "binary";
  }
  switch (kind) {
    case "string": {
      const save = ndo.ndo_out;
      ndo.ndo_out = "";
      for (let i = 0; i < len && b[p + i] !== 0; i++) fn_print_char(ndo, b[p + i]);
      const s = ndo.ndo_out;
      ndo.ndo_out = save;
      return `"${s}"`;
    }
    case "u8":
      if (len === 1) return String(GET_U_1(ndo, p));
      break;
    case "u16":
      if (len === 2) return String(GET_LE_U_2(ndo, p));
      break;
    case "x16":
      if (len === 2) return `0x${GET_LE_U_2(ndo, p).toString(16)}`;
      break;
    case "u32":
      if (len === 4) return String(GET_LE_U_4(ndo, p));
      break;
    case "x32":
      if (len === 4) return `0x${GET_LE_U_4(ndo, p).toString(16)}`;
      break;
    case "u64":
      if (len === 8) return String(GET_LE_U_8(ndo, p));
      break;
    case "in_addr":
      if (len === 4) return ndo.addrtoname.ipaddr_string(((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0);
      break;
    case "nested": {
      let n = 0;
      for (let off = 0; off + NLA_HDRLEN <= len; n++) {
        const l = GET_LE_U_2(ndo, p + off);
        if (l < NLA_HDRLEN) break;
        off += NLMSG_ALIGN(l);
      }
      return `nested, ${n} attribute${n === 1 ? "" : "s"}`;
    }
    case "binary":
      break;
  }
  const shown = Math.min(len, 16);
  let hex = "";
  for (let i = 0; i < shown; i++) hex += b[p + i].toString(16).padStart(2, "0");
  return len === 0 ? "(empty)" : hex + (len > shown ? "..." : "");
}

/** The top-level attributes in [p, end), one "\n\t  " line each. */
function nla_list_print(ndo: NetdissectOptions, p: number, end: number, table: AttrTable | null): void {
  while (p + NLA_HDRLEN <= end) {
    const nla_len = GET_LE_U_2(ndo, p);
    const nla_type = GET_LE_U_2(ndo, p + 2);
    const type = nla_type & NLA_TYPE_MASK;
    const spec = table?.get(type);
    let typestr = String(type);
    if (nla_type & NLA_F_NESTED) typestr += "|NESTED";
    if (nla_type & NLA_F_NET_BYTEORDER) typestr += "|NET_BYTEORDER";
    ND_PRINT(ndo, "\n\t  %s (%s), length %u", spec ? spec[0] : "attr", typestr, nla_len);
    if (nla_len < NLA_HDRLEN || p + nla_len > end) {
      ND_PRINT(ndo, " (invalid)");
      return;
    }
    const kind = nla_type & NLA_F_NESTED ? "nested" : (spec?.[1] ?? null);
    ND_PRINT(ndo, ": %s", nla_value(ndo, p + NLA_HDRLEN, nla_len - NLA_HDRLEN, kind));
    p += NLMSG_ALIGN(nla_len);
  }
}

/** Learn a family id and name from an nlctrl message's attributes in [p, end). */
function genl_ctrl_learn(ndo: NetdissectOptions, p: number, end: number): void {
  let id = -1;
  let name: string | null = null;
  const b = ndo.ndo_packetp;
  while (p + NLA_HDRLEN <= end && ND_TTEST_LEN(ndo, p, NLA_HDRLEN)) {
    const nla_len = GET_LE_U_2(ndo, p);
    const type = GET_LE_U_2(ndo, p + 2) & NLA_TYPE_MASK;
    if (nla_len < NLA_HDRLEN || p + nla_len > end || !ND_TTEST_LEN(ndo, p, nla_len)) break;
    if (type === CTRL_ATTR_FAMILY_ID && nla_len === NLA_HDRLEN + 2) id = GET_LE_U_2(ndo, p + NLA_HDRLEN);
    if (type === CTRL_ATTR_FAMILY_NAME) {
      let s = "";
      for (let i = p + NLA_HDRLEN; i < p + nla_len && b[i] !== 0; i++) s += String.fromCharCode(b[i]);
      name = s;
    }
    p += NLMSG_ALIGN(nla_len);
  }
  if (id >= 0 && name !== null) ndo.genl_family_map.set(id, name);
}

/**
 * The summary of the message whose header is at `nlh`, of which the bytes up to `end` are there to
 * read (the header of a capped ACK's copy has no payload after it): its name, flags, seq, pid and
 * length. Returns where its attributes start and what names them (null: not listed).
 */
function nlmsg_summary(ndo: NetdissectOptions, proto: number, nlh: number, end: number): [number, AttrTable | null] {
  const len = GET_LE_U_4(ndo, nlh);
  const type = GET_LE_U_2(ndo, nlh + 4);
  const flags = GET_LE_U_2(ndo, nlh + 6);
  const seq = GET_LE_U_4(ndo, nlh + 8);
  const pid = GET_LE_U_4(ndo, nlh + 12);
  const payload = nlh + NLMSG_HDRLEN;
  let attrs = -1;
  let table: AttrTable | null = null;
  if (type < NLMSG_MIN_TYPE) {
    ND_PRINT(ndo, "%s", tok2str(nlmsg_control_values, "type 0x%x", type));
    if (type === NLMSG_ERROR && payload + 4 <= end) {
      const error = GET_LE_S_4(ndo, payload);
      ND_PRINT(ndo, error === 0 ? " 0 (ACK)" : " %d (%s)", error, strerror(-error));
    } else if (type === NLMSG_DONE && payload + 4 <= end) {
      const error = GET_LE_S_4(ndo, payload);
      if (error !== 0) ND_PRINT(ndo, " %d (%s)", error, strerror(-error));
    }
  } else if (proto === NETLINK_GENERIC) {
    ND_PRINT(ndo, "%s", genl_family_name(ndo, type));
    if (payload + 4 <= end) {
      const cmd = GET_U_1(ndo, payload);
      if (type === GENL_ID_CTRL) {
        ND_PRINT(ndo, " %s", tok2str(ctrl_cmd_values, "cmd %u", cmd));
        genl_ctrl_learn(ndo, payload + 4, end);
        table = ctrl_attrs;
      } else {
        ND_PRINT(ndo, " cmd %u", cmd);
      }
      attrs = payload + 4;
    }
  } else if (proto === NETLINK_ROUTE) {
    ND_PRINT(ndo, "%s", tok2str(rtm_values, "type 0x%x", type));
    const [hdrlen, t] = rtm_layout(type);
    if (t !== null && payload + hdrlen <= end) {
      attrs = payload + NLMSG_ALIGN(hdrlen);
      table = t;
    }
  } else {
    ND_PRINT(ndo, "type 0x%x", type);
  }
  if (flags & 0x01) ND_PRINT(ndo, " request");
  if (flags) ND_PRINT(ndo, ", flags [%s]", nlmsg_flags_string(proto, type, flags));
  ND_PRINT(ndo, ", seq %u, pid %u, length %u", seq, pid, len);
  return [attrs, table];
}

/** The -v details of an NLMSG_ERROR at `nlh` ending at `end`: the request it answers, the ext-ack TLVs. */
function nlmsgerr_print(ndo: NetdissectOptions, proto: number, nlh: number, end: number): void {
  const flags = GET_LE_U_2(ndo, nlh + 6);
  const orig = nlh + NLMSG_HDRLEN + 4;
  if (orig + NLMSG_HDRLEN > end) return;
  const orig_len = GET_LE_U_4(ndo, orig);
  const copied = flags & 0x100 ? NLMSG_HDRLEN : Math.min(orig_len, end - orig);
  ND_PRINT(ndo, "\n\t  request: ");
  const save = ndo.genl_family_map;
  ndo.genl_family_map = new Map(save); /* a copy of a request teaches nothing */
  nlmsg_summary(ndo, proto, orig, orig + copied);
  ndo.genl_family_map = save;
  if (flags & 0x200) nla_list_print(ndo, orig + NLMSG_ALIGN(copied), end, nlmsgerr_attrs);
}

/** netlink_print(): the nlmsg stream at `bp`, `length` bytes, of netlink protocol `proto`. */
export function netlink_print(ndo: NetdissectOptions, bp: number, length: number, proto: number): void {
  ndo.ndo_protocol = "netlink";
  ND_PRINT(ndo, "NETLINK %s ", tok2str(netlink_protocol_values, "protocol %u", proto));
  const end = bp + length;
  for (let nlh = bp, first = true; nlh < end; first = false) {
    if (!first) ND_PRINT(ndo, "\n\t");
    if (end - nlh < NLMSG_HDRLEN) {
      ND_PRINT(ndo, "[%u trailing bytes]", end - nlh);
      return;
    }
    const len = GET_LE_U_4(ndo, nlh);
    if (len < NLMSG_HDRLEN || len > end - nlh) {
      ND_PRINT(ndo, "[bad nlmsg length %u]", len);
      return;
    }
    const [attrs, table] = nlmsg_summary(ndo, proto, nlh, nlh + len);
    if (ndo.vflag) {
      if (GET_LE_U_2(ndo, nlh + 4) === NLMSG_ERROR) nlmsgerr_print(ndo, proto, nlh, nlh + len);
      else if (attrs >= 0) nla_list_print(ndo, attrs, nlh + len, table);
    }
    nlh += NLMSG_ALIGN(len);
  }
}

/** netlink_if_print(): the top-level printer of linktype 253. */
export function netlink_if_print(ndo: NetdissectOptions, h: PcapPktHdr, p: number): void {
  ndo.ndo_protocol = "sll";
  if (h.caplen < SLL_HDR_LEN) {
    nd_print_trunc(ndo);
    ndo.ndo_ll_hdr_len += h.caplen;
    return;
  }
  const pkttype = GET_BE_U_2(ndo, p);
  const proto = GET_BE_U_2(ndo, p + 14);
  if (ndo.eflag) {
    ND_PRINT(ndo, "%3s ", tok2str(sll_pkttype_values, "?", pkttype));
    ND_PRINT(ndo, "protocol %u, length %u: ", proto, h.len);
  }
  ndo.ndo_ll_hdr_len += SLL_HDR_LEN;
  netlink_print(ndo, p + SLL_HDR_LEN, h.len - SLL_HDR_LEN, proto);
}
