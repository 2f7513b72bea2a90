// Mirrors include/uapi/linux/netlink.h, rtnetlink.h, if_link.h and if_addr.h: the netlink wire
// format. Every field is in host byte order (little-endian on this machine).
import { EMSGSIZE } from "./errno.js";

export const NETLINK_ROUTE = 0;
export const NETLINK_USERSOCK = 2;
export const NETLINK_SOCK_DIAG = 4;
export const NETLINK_NFLOG = 5;
export const NETLINK_XFRM = 6;
export const NETLINK_AUDIT = 9;
export const NETLINK_FIB_LOOKUP = 10;
export const NETLINK_NETFILTER = 12;
export const NETLINK_KOBJECT_UEVENT = 15;
export const NETLINK_GENERIC = 16;
export const MAX_LINKS = 32;
export const SOL_NETLINK = 270;

export const NETLINK_ADD_MEMBERSHIP = 1;
export const NETLINK_DROP_MEMBERSHIP = 2;
export const NETLINK_PKTINFO = 3;
export const NETLINK_BROADCAST_ERROR = 4;
export const NETLINK_NO_ENOBUFS = 5;
export const NETLINK_LISTEN_ALL_NSID = 8;
export const NETLINK_LIST_MEMBERSHIPS = 9;
export const NETLINK_CAP_ACK = 10;
export const NETLINK_EXT_ACK = 11;
export const NETLINK_GET_STRICT_CHK = 12;

/** sizeof(struct sockaddr_nl) */
export const SOCKADDR_NL_SIZE = 12;
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;

export const NLM_F_REQUEST = 0x01;
export const NLM_F_MULTI = 0x02;
export const NLM_F_ACK = 0x04;
export const NLM_F_ECHO = 0x08;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;

export const NLMSG_NOOP = 0x1;
export const NLMSG_ERROR = 0x2;
export const NLMSG_DONE = 0x3;
export const NLMSG_OVERRUN = 0x4;
export const NLMSG_MIN_TYPE = 0x10;

export const NLMSGERR_ATTR_MSG = 1;
export const NLMSGERR_ATTR_OFFS = 2;
export const NLMSGERR_ATTR_COOKIE = 3;
export const NLMSGERR_ATTR_POLICY = 4;

export const RTM_NEWLINK = 16;
export const RTM_DELLINK = 17;
export const RTM_GETLINK = 18;
export const RTM_SETLINK = 19;
export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;

/** enum IFLA_* (if_link.h) */
export const IFLA_ADDRESS = 1;
export const IFLA_BROADCAST = 2;
export const IFLA_IFNAME = 3;
export const IFLA_MTU = 4;
export const IFLA_QDISC = 6;
export const IFLA_STATS = 7;
export const IFLA_TXQLEN = 13;
export const IFLA_MAP = 14;
export const IFLA_OPERSTATE = 16;
export const IFLA_LINKMODE = 17;
export const IFLA_STATS64 = 23;
export const IFLA_GROUP = 27;
export const IFLA_PROMISCUITY = 30;
export const IFLA_NUM_TX_QUEUES = 31;
export const IFLA_NUM_RX_QUEUES = 32;
export const IFLA_CARRIER = 33;
export const IFLA_CARRIER_CHANGES = 35;
export const IFLA_PROTO_DOWN = 39;
export const IFLA_GSO_MAX_SEGS = 40;
export const IFLA_GSO_MAX_SIZE = 41;
export const IFLA_CARRIER_UP_COUNT = 47;
export const IFLA_CARRIER_DOWN_COUNT = 48;
export const IFLA_MIN_MTU = 50;
export const IFLA_MAX_MTU = 51;

/** IF_OPER_* (operstate) */
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_DOWN = 2;
export const IF_OPER_UP = 6;

/** enum IFA_* (if_addr.h) */
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_BROADCAST = 4;
export const IFA_CACHEINFO = 6;
export const IFA_FLAGS = 8;
export const IFA_F_PERMANENT = 0x80;
export const INFINITY_LIFE_TIME = 0xffffffff;

/** enum rtattr_type_t (rtnetlink.h) */
export const RTA_DST = 1;
export const RTA_OIF = 4;
export const RTA_PREFSRC = 7;
export const RTA_TABLE = 15;

export const RT_TABLE_MAIN = 254;
export const RT_TABLE_LOCAL = 255;
export const RTPROT_KERNEL = 2;
export const RT_SCOPE_UNIVERSE = 0;
export const RT_SCOPE_LINK = 253;
export const RT_SCOPE_HOST = 254;
export const RTN_UNICAST = 1;
export const RTN_LOCAL = 2;
export const RTN_BROADCAST = 3;

export { IFF_LOWER_UP } from "./if.js";

/* rtnetlink.h, if_link.h and if_addr.h values the ip applet uses */
export const IFA_ANYCAST = 5;
export const IFA_F_DADFAILED = 0x08;
export const IFA_F_DEPRECATED = 0x20;
export const IFA_F_SECONDARY = 0x01;
export const IFA_F_TENTATIVE = 0x40;
export const IFLA_INFO_KIND = 1;
export const IFLA_LINK = 5;
export const IFLA_LINKINFO = 18;
export const IFLA_MASTER = 10;
export const IFLA_NET_NS_PID = 19;
export const NLM_F_CREATE = 0x400;
export const NLM_F_EXCL = 0x200;
export const NLM_F_REPLACE = 0x100;
export const RTA_CACHEINFO = 12;
export const RTA_GATEWAY = 5;
export const RTA_IIF = 3;
export const RTA_PRIORITY = 6;
export const RTA_SRC = 2;
export const RTM_F_CLONED = 0x200;
export const RTM_F_NOTIFY = 0x100;
export const RTNH_F_DEAD = 1;
export const RTNH_F_ONLINK = 4;
export const RTNH_F_PERVASIVE = 2;
export const RT_SCOPE_NOWHERE = 255;

export const NLMSG_ALIGN = (len: number): number => (len + 3) & ~3;
export const NLA_ALIGN = NLMSG_ALIGN;

/** struct nlmsghdr read from `b` at `off`. */
export function nlmsg_parse_hdr(b: Uint8Array, off = 0): { len: number; type: number; flags: number; seq: number; pid: number } {
  const dv = new DataView(b.buffer, b.byteOffset + off);
  return { len: dv.getUint32(0, true), type: dv.getUint16(4, true), flags: dv.getUint16(6, true), seq: dv.getUint32(8, true), pid: dv.getUint32(12, true) };
}

const utf8 = new TextEncoder();

/**
 * A netlink message buffer, the skb of kernel code and the message of libnl: nlmsg_put / nla_put
 * / nlmsg_end as the kernel builds them. `size` is the room the skb was allocated with (as
 * nlmsg_new(size)); a put that does not fit fails (-EMSGSIZE, or -1 for a header, as NULL).
 */
export class NlBuf {
  private buf = new Uint8Array(256);
  private dv = new DataView(this.buf.buffer);
  len = 0;

  constructor(readonly size = Infinity) {}

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
    this.dv = new DataView(b.buffer);
  }

  /** skb_tailroom() */
  tailroom(): number {
    return this.size - this.len;
  }

  /** Raw bytes, padded with zeros to `pad` bytes; returns their offset. */
  put(data: Uint8Array, pad = data.length): number {
    this.room(pad);
    const at = this.len;
    this.buf.set(data, at);
    if (pad > data.length) this.buf.fill(0, at + data.length, at + pad);
    this.len += pad;
    return at;
  }

  set_u16(at: number, v: number): void {
    this.dv.setUint16(at, v, true);
  }

  /** skb_trim() / nlmsg_cancel(): drop everything from `at` on. */
  trim(at: number): void {
    this.len = Math.min(this.len, at);
  }

  /** nlmsg_put(): a header whose length nlmsg_end() fixes; its offset, or -1 when it does not fit. */
  nlmsg_put(pid: number, seq: number, type: number, flags: number, payload = 0): number {
    const total = NLMSG_HDRLEN + NLMSG_ALIGN(payload);
    if (this.tailroom() < total) return -1;
    this.room(total);
    const at = this.len;
    this.buf.fill(0, at, at + total);
    this.dv.setUint32(at, NLMSG_HDRLEN + payload, true);
    this.dv.setUint16(at + 4, type, true);
    this.dv.setUint16(at + 6, flags, true);
    this.dv.setUint32(at + 8, seq >>> 0, true);
    this.dv.setUint32(at + 12, pid >>> 0, true);
    this.len += total;
    return at;
  }

  /** nlmsg_end(): set nlmsg_len (unpadded) and pad to 4. */
  nlmsg_end(at: number): void {
    this.dv.setUint32(at, this.len - at, true);
    this.room(3);
    const end = NLMSG_ALIGN(this.len);
    this.buf.fill(0, this.len, end);
    this.len = end;
  }

  /** Room for an attribute of `payload` bytes, its header written: the payload's offset, or -1. */
  private nla_reserve(type: number, payload: number): number {
    const total = NLA_ALIGN(NLA_HDRLEN + payload);
    if (this.tailroom() < total) return -1;
    this.room(total);
    const at = this.len;
    this.dv.setUint16(at, NLA_HDRLEN + payload, true);
    this.dv.setUint16(at + 2, type, true);
    this.buf.fill(0, at + NLA_HDRLEN + payload, at + total);
    this.len += total;
    return at + NLA_HDRLEN;
  }

  /** nla_put(type, data): header, payload, zero padding (nla_len excludes it); 0 or -EMSGSIZE. */
  nla_put(type: number, data: Uint8Array): number {
    const at = this.nla_reserve(type, data.length);
    if (at < 0) return -EMSGSIZE;
    this.buf.set(data, at);
    return 0;
  }

  nla_put_u8(type: number, v: number): number {
    const at = this.nla_reserve(type, 1);
    if (at < 0) return -EMSGSIZE;
    this.buf[at] = v;
    return 0;
  }

  nla_put_u16(type: number, v: number): number {
    const at = this.nla_reserve(type, 2);
    if (at < 0) return -EMSGSIZE;
    this.dv.setUint16(at, v, true);
    return 0;
  }

  nla_put_u32(type: number, v: number): number {
    const at = this.nla_reserve(type, 4);
    if (at < 0) return -EMSGSIZE;
    this.dv.setUint32(at, v >>> 0, true);
    return 0;
  }

  nla_put_s64(type: number, v: bigint): number {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, v, true);
    return this.nla_put(type, b);
  }

  nla_put_u64(type: number, v: bigint): number {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    return this.nla_put(type, b);
  }

  /** A big-endian (network order) IPv4 address. */
  nla_put_in_addr(type: number, addr: number): number {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, addr >>> 0, false);
    return this.nla_put(type, b);
  }

  /** nla_put_string(): the string and its NUL (a byte string ends at its first NUL). */
  nla_put_string(type: number, s: string | Uint8Array): number {
    const e = typeof s === "string" ? utf8.encode(s) : s.subarray(0, s.indexOf(0) < 0 ? s.length : s.indexOf(0));
    const at = this.nla_reserve(type, e.length + 1);
    if (at < 0) return -EMSGSIZE;
    this.buf.set(e, at);
    this.buf[at + e.length] = 0;
    return 0;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Walk the attributes in `b` (nla_for_each_attr): type (flags masked off) and payload. */
export function nla_parse(b: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  let off = 0;
  while (off + NLA_HDRLEN <= b.length) {
    const dv = new DataView(b.buffer, b.byteOffset + off);
    const len = dv.getUint16(0, true);
    if (len < NLA_HDRLEN || off + len > b.length) break;
    out.set(dv.getUint16(2, true) & 0x3fff, b.subarray(off + NLA_HDRLEN, off + len));
    off += NLA_ALIGN(len);
  }
  return out;
}
