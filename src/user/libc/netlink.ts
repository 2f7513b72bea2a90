// <linux/netlink.h> and <linux/genetlink.h> as a C program includes them: the NLMSG_* and NLA_*
// macros, and the headers as views over a buffer, so code writes `n.nlmsg_len = ...` straight into
// the bytes it sends and reads the bytes it received, as C does through a struct pointer. Fields
// are in host byte order (little-endian on this armv7l machine).
import { NLMSG_ALIGN, NLMSG_HDRLEN, NLA_HDRLEN, SOCKADDR_NL_SIZE } from "../../include/uapi/netlink.js";
import { AF_NETLINK } from "../../include/uapi/socket.js";

export * from "../../include/uapi/netlink.js";
export * from "../../include/uapi/genetlink.js";

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** A struct at `off` in `buf`: the C pointer `(struct x *)(buf + off)`. */
abstract class StructView {
  protected readonly d: DataView;
  constructor(
    readonly buf: Uint8Array,
    readonly off = 0,
  ) {
    this.d = dv(buf);
  }
}

/** struct nlmsghdr { __u32 nlmsg_len; __u16 nlmsg_type; __u16 nlmsg_flags; __u32 nlmsg_seq; __u32 nlmsg_pid; } */
export class nlmsghdr extends StructView {
  get nlmsg_len(): number { return this.d.getUint32(this.off, true); }
  set nlmsg_len(v: number) { this.d.setUint32(this.off, v >>> 0, true); }
  get nlmsg_type(): number { return this.d.getUint16(this.off + 4, true); }
  set nlmsg_type(v: number) { this.d.setUint16(this.off + 4, v & 0xffff, true); }
  get nlmsg_flags(): number { return this.d.getUint16(this.off + 6, true); }
  set nlmsg_flags(v: number) { this.d.setUint16(this.off + 6, v & 0xffff, true); }
  get nlmsg_seq(): number { return this.d.getUint32(this.off + 8, true); }
  set nlmsg_seq(v: number) { this.d.setUint32(this.off + 8, v >>> 0, true); }
  get nlmsg_pid(): number { return this.d.getUint32(this.off + 12, true); }
  set nlmsg_pid(v: number) { this.d.setUint32(this.off + 12, v >>> 0, true); }
}

/** struct genlmsghdr { __u8 cmd; __u8 version; __u16 reserved; } */
export class genlmsghdr extends StructView {
  get cmd(): number { return this.buf[this.off]; }
  set cmd(v: number) { this.buf[this.off] = v; }
  get version(): number { return this.buf[this.off + 1]; }
  set version(v: number) { this.buf[this.off + 1] = v; }
  get reserved(): number { return this.d.getUint16(this.off + 2, true); }
}

/** struct nlattr { __u16 nla_len; __u16 nla_type; } */
export class nlattr extends StructView {
  get nla_len(): number { return this.d.getUint16(this.off, true); }
  set nla_len(v: number) { this.d.setUint16(this.off, v & 0xffff, true); }
  get nla_type(): number { return this.d.getUint16(this.off + 2, true); }
  set nla_type(v: number) { this.d.setUint16(this.off + 2, v & 0xffff, true); }
}

/** struct nlmsgerr { int error; struct nlmsghdr msg; } */
export class nlmsgerr extends StructView {
  get error(): number { return this.d.getInt32(this.off, true); }
  get msg(): nlmsghdr { return new nlmsghdr(this.buf, this.off + 4); }
}

/** sizeof(struct nlmsgerr) */
export const NLMSGERR_SIZE = 4 + NLMSG_HDRLEN;

/** struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }, zeroed with nl_family set. */
export class sockaddr_nl extends StructView {
  constructor(buf = new Uint8Array(SOCKADDR_NL_SIZE), off = 0) {
    super(buf, off);
  }
  get nl_family(): number { return this.d.getUint16(this.off, true); }
  set nl_family(v: number) { this.d.setUint16(this.off, v, true); }
  get nl_pad(): number { return this.d.getUint16(this.off + 2, true); }
  set nl_pad(v: number) { this.d.setUint16(this.off + 2, v, true); }
  get nl_pid(): number { return this.d.getUint32(this.off + 4, true); }
  set nl_pid(v: number) { this.d.setUint32(this.off + 4, v >>> 0, true); }
  get nl_groups(): number { return this.d.getUint32(this.off + 8, true); }
  set nl_groups(v: number) { this.d.setUint32(this.off + 8, v >>> 0, true); }

  /** memset(&a, 0, sizeof(a)); a.nl_family = AF_NETLINK; */
  static netlink(pid = 0, groups = 0): sockaddr_nl {
    const a = new sockaddr_nl();
    a.nl_family = AF_NETLINK;
    a.nl_pid = pid;
    a.nl_groups = groups;
    return a;
  }
}

export const NLMSG_LENGTH = (len: number): number => len + NLMSG_HDRLEN;
export const NLMSG_SPACE = (len: number): number => NLMSG_ALIGN(NLMSG_LENGTH(len));
/** NLMSG_DATA(nlh): the offset of the payload. */
export const NLMSG_DATA = (nlh: nlmsghdr): number => nlh.off + NLMSG_HDRLEN;
/** NLMSG_OK(nlh, len): a whole header, and a length that fits in `len` bytes. */
export const NLMSG_OK = (nlh: nlmsghdr, len: number): boolean =>
  len >= NLMSG_HDRLEN && nlh.off + NLMSG_HDRLEN <= nlh.buf.length && nlh.nlmsg_len >= NLMSG_HDRLEN && nlh.nlmsg_len <= len;
/** NLMSG_NEXT(nlh, len): the next header and what is left of `len`. */
export function NLMSG_NEXT(nlh: nlmsghdr, len: number): [nlmsghdr, number] {
  const step = NLMSG_ALIGN(nlh.nlmsg_len);
  return [new nlmsghdr(nlh.buf, nlh.off + step), len - step];
}
/** NLMSG_PAYLOAD(nlh, len): payload bytes after a `len`-byte family header. */
export const NLMSG_PAYLOAD = (nlh: nlmsghdr, len: number): number => nlh.nlmsg_len - NLMSG_SPACE(len);

export const NLA_ALIGNTO = 4;
export const NLA_F_NESTED = 1 << 15;
export const NLA_F_NET_BYTEORDER = 1 << 14;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;
/** NLA_DATA-style offset of an attribute's payload. */
export const NLA_DATA = (na: nlattr): number => na.off + NLA_HDRLEN;

/** The C string at `off` in `buf` (up to its NUL, or the end of the buffer). */
export function cstring_at(buf: Uint8Array, off: number, max = buf.length - off): string {
  const end = Math.min(buf.length, off + Math.max(0, max));
  let nul = off;
  while (nul < end && buf[nul] !== 0) nul++;
  return new TextDecoder().decode(buf.subarray(off, nul));
}

/** The bytes of a C string constant with its NUL (`sizeof("...")` of them). */
export function cstring(s: string): Uint8Array {
  const e = new TextEncoder().encode(s);
  const b = new Uint8Array(e.length + 1);
  b.set(e);
  return b;
}
