// Mirrors libnl-3 (3.4) lib/msg.c: struct nl_msg, a netlink message being built or one that was
// received, with nlmsg_alloc/nlmsg_put/nlmsg_reserve and the nlmsg_* accessors. A message owns a
// buffer of nm_size bytes (a page by default) whose head is the struct nlmsghdr.
import { NLMSG_ALIGN, NLMSG_HDRLEN, nlmsghdr } from "../netlink.js";

/** getpagesize() on ARM: the default message size. */
export const PAGE_SIZE = 4096;

/** NL_AUTO_PORT / NL_AUTO_SEQ: let nl_complete_msg() fill in the port and sequence number. */
export const NL_AUTO_PORT = 0;
export const NL_AUTO_SEQ = 0;

/** struct nl_msg */
export class nl_msg {
  /** Netlink protocol, -1 until the socket that sends it sets it. */
  nm_protocol = -1;
  /** Where a received message came from (struct sockaddr_nl's bytes). */
  nm_src: Uint8Array | null = null;
  readonly buf: Uint8Array;
  readonly nm_nlh: nlmsghdr;

  constructor(readonly nm_size: number) {
    this.buf = new Uint8Array(Math.max(nm_size, NLMSG_HDRLEN));
    this.nm_nlh = new nlmsghdr(this.buf);
    this.nm_nlh.nlmsg_len = nlmsg_total_size(0);
  }
}

export const nlmsg_size = (payload: number): number => NLMSG_HDRLEN + payload;
export const nlmsg_total_size = (payload: number): number => NLMSG_ALIGN(nlmsg_size(payload));

/** nlmsg_alloc(): an empty message of the default size. */
export const nlmsg_alloc = (): nl_msg => new nl_msg(PAGE_SIZE);

/** nlmsg_alloc_size(max) */
export const nlmsg_alloc_size = (max: number): nl_msg => new nl_msg(max);

/** nlmsg_free(msg): the garbage collector owns the memory; kept for the call sites. */
export function nlmsg_free(_msg: nl_msg | null): void {}

/** nlmsg_hdr(msg) */
export const nlmsg_hdr = (n: nl_msg): nlmsghdr => n.nm_nlh;

/** nlmsg_data(nlh): the payload's offset in nlh's buffer. */
export const nlmsg_data = (nlh: nlmsghdr): number => nlh.off + NLMSG_HDRLEN;

/** nlmsg_datalen(nlh) */
export const nlmsg_datalen = (nlh: nlmsghdr): number => nlh.nlmsg_len - NLMSG_HDRLEN;

/** nlmsg_valid_hdr(nlh, hdrlen): the message holds a family header of hdrlen bytes. */
export const nlmsg_valid_hdr = (nlh: nlmsghdr, hdrlen: number): boolean => nlh.nlmsg_len >= nlmsg_size(hdrlen);

/** nlmsg_ok(nlh, remaining) */
export const nlmsg_ok = (nlh: nlmsghdr, remaining: number): boolean =>
  remaining >= NLMSG_HDRLEN && nlh.off + NLMSG_HDRLEN <= nlh.buf.length && nlh.nlmsg_len >= NLMSG_HDRLEN && nlh.nlmsg_len <= remaining;

/** nlmsg_next(nlh, &remaining): the next message and what remains. */
export function nlmsg_next(nlh: nlmsghdr, remaining: number): [nlmsghdr, number] {
  const totlen = NLMSG_ALIGN(nlh.nlmsg_len);
  return [new nlmsghdr(nlh.buf, nlh.off + totlen), remaining - totlen];
}

/**
 * nlmsg_reserve(n, len, pad): room for len bytes (padded to `pad`) at the tail, zero-filled
 * padding; its offset, or -1 when the message is full.
 */
export function nlmsg_reserve(n: nl_msg, len: number, pad: number): number {
  const nlmsg_len = n.nm_nlh.nlmsg_len;
  if (len > n.nm_size) return -1;
  const tlen = pad ? (len + (pad - 1)) & ~(pad - 1) : len;
  if (tlen + nlmsg_len > n.nm_size) return -1;
  n.nm_nlh.nlmsg_len = nlmsg_len + tlen;
  n.buf.fill(0, nlmsg_len + len, nlmsg_len + tlen);
  return nlmsg_len;
}

/** nlmsg_put(n, pid, seq, type, payload, flags): fill the header and reserve the family header; null when full. */
export function nlmsg_put(n: nl_msg, pid: number, seq: number, type: number, payload: number, flags: number): nlmsghdr | null {
  const nlh = n.nm_nlh;
  nlh.nlmsg_type = type;
  nlh.nlmsg_flags = flags;
  nlh.nlmsg_pid = pid;
  nlh.nlmsg_seq = seq;
  if (payload > 0 && nlmsg_reserve(n, payload, 4) < 0) return null;
  return nlh;
}

/** nlmsg_convert(hdr): a message holding a copy of the received message at hdr. */
export function nlmsg_convert(hdr: nlmsghdr): nl_msg {
  const n = new nl_msg(NLMSG_ALIGN(hdr.nlmsg_len));
  n.buf.set(hdr.buf.subarray(hdr.off, hdr.off + Math.min(hdr.nlmsg_len, hdr.buf.length - hdr.off)));
  return n;
}

/** nlmsg_set_proto / nlmsg_set_src */
export function nlmsg_set_proto(n: nl_msg, protocol: number): void {
  n.nm_protocol = protocol;
}

export function nlmsg_set_src(n: nl_msg, addr: Uint8Array): void {
  n.nm_src = addr.slice();
}
