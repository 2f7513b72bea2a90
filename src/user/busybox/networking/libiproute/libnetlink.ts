// Mirrors BusyBox 1.35 networking/libiproute/libnetlink.c (and the inline rtnl_send of
// libnetlink.h): the rtnetlink socket ("rth") of every ip command, the wildcard dump request, the
// dump loop that hands each message to a filter, rtnl_talk for one request and its answer, and
// addattr/parse_rtattr. Messages are real bytes in the kernel's layout (struct nlmsghdr of 16
// bytes, rtattrs with a 4-byte header aligned to 4), little-endian as on armv7l.
import * as sk from "../../../libc/socket.js";
import { close, write } from "../../../libc/unistd.js";
import { clock_gettime, CLOCK_REALTIME } from "../../../libc/unistd.js";
import { libc } from "../../../libc/state.js";
import { EAGAIN, EINTR } from "../../../../include/uapi/errno.js";
import {
  NETLINK_ROUTE,
  NLM_F_ACK,
  NLM_F_MATCH,
  NLM_F_REQUEST,
  NLM_F_ROOT,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  SOCKADDR_NL_SIZE,
} from "../../../../include/uapi/netlink.js";
import { bb_error_msg, bb_perror_msg } from "../../libbb.js";
import { bb_error_msg_and_die, bb_perror_msg_and_die } from "./utils.js";

export const NLMSG_ALIGN = (len: number): number => (len + 3) & ~3;
export const NLMSG_LENGTH = (len: number): number => len + NLMSG_HDRLEN;
export const RTA_ALIGN = NLMSG_ALIGN;
export const RTA_LENGTH = (len: number): number => RTA_ALIGN(4) + len;
/** sizeof(struct nlmsgerr): int error, then the request's nlmsghdr */
const NLMSGERR_SIZE = 4 + NLMSG_HDRLEN;

/** One netlink message: its header fields and the whole message's bytes (header included). */
export interface NlMsg {
  len: number;
  type: number;
  flags: number;
  seq: number;
  pid: number;
  /** nlmsg_len bytes from the start of the header */
  raw: Uint8Array;
}

const dv = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

export function nlmsg_at(buf: Uint8Array, off: number, avail: number): NlMsg {
  const d = new DataView(buf.buffer, buf.byteOffset + off, Math.min(avail, NLMSG_HDRLEN));
  const len = d.getUint32(0, true);
  return { len, type: d.getUint16(4, true), flags: d.getUint16(6, true), seq: d.getUint32(8, true), pid: d.getUint32(12, true), raw: buf.subarray(off, off + Math.min(len, avail)) };
}

/** NLMSG_DATA(n): the bytes after the header. */
export const NLMSG_DATA = (n: NlMsg): Uint8Array => n.raw.subarray(NLMSG_HDRLEN);

/** struct rtnl_handle */
export interface RtnlHandle {
  fd: number;
  /** local.nl_pid, as getsockname gave it */
  nl_pid: number;
  seq: number;
  dump: number;
}

/** struct sockaddr_nl { nl_family; nl_pad; nl_pid; nl_groups; } */
export function sockaddr_nl(pid = 0, groups = 0): Uint8Array {
  const b = new Uint8Array(SOCKADDR_NL_SIZE);
  const d = dv(b);
  d.setUint16(0, sk.AF_NETLINK, true);
  d.setUint32(4, pid >>> 0, true);
  d.setUint32(8, groups >>> 0, true);
  return b;
}

/** xrtnl_open(rth): socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), bind, getsockname; seq = time(NULL). */
export async function xrtnl_open(): Promise<RtnlHandle> {
  const fd = await sk.socket(sk.AF_NETLINK, sk.SOCK_RAW, NETLINK_ROUTE);
  if (fd < 0) return bb_perror_msg_and_die("socket");
  const local = sockaddr_nl();
  if ((await sk.bind(fd, local, local.length)) < 0) return bb_perror_msg_and_die("bind");
  /* bb_getsockname(): the kernel's answer is not checked */
  const len = { value: local.length };
  sk.getsockname(fd, local, len);
  return { fd, nl_pid: dv(local).getUint32(4, true), seq: clock_gettime(CLOCK_REALTIME)!.tv_sec >>> 0, dump: 0 };
}

export function rtnl_close(rth: RtnlHandle): void {
  close(rth.fd);
}

/** xwrite(): the whole buffer, or "write error" / "short write". */
async function xwrite(fd: number, buf: Uint8Array): Promise<void> {
  const n = await write(fd, buf, buf.length);
  if (n !== buf.length) await bb_perror_msg_and_die(n >= 0 ? "short write" : "write error");
}

/** A message: header (nlmsg_len set to the whole length) and body, as the C structs lay them out. */
export function nlmsg_build(type: number, flags: number, seq: number, body: Uint8Array, pid = 0): Uint8Array {
  const b = new Uint8Array(NLMSG_HDRLEN + body.length);
  const d = dv(b);
  d.setUint32(0, b.length, true);
  d.setUint16(4, type, true);
  d.setUint16(6, flags, true);
  d.setUint32(8, seq >>> 0, true);
  d.setUint32(12, pid >>> 0, true);
  b.set(body, NLMSG_HDRLEN);
  return b;
}

/**
 * xrtnl_wilddump_request(rth, family, type): struct { nlmsghdr; rtgenmsg } is 20 bytes (17 padded
 * to the header's alignment), flags NLM_F_ROOT|NLM_F_MATCH|NLM_F_REQUEST, seq = rth->dump = ++seq.
 */
export async function xrtnl_wilddump_request(rth: RtnlHandle, family: number, type: number): Promise<void> {
  const g = new Uint8Array(4);
  g[0] = family;
  rth.dump = rth.seq = (rth.seq + 1) >>> 0;
  await xwrite(rth.fd, nlmsg_build(type, NLM_F_ROOT | NLM_F_MATCH | NLM_F_REQUEST, rth.seq, g));
}

/**
 * rtnl_send_check(rth, buf): write the requests, then peek (MSG_DONTWAIT) for an immediate
 * NLMSG_ERROR; "no answer yet" (EAGAIN) is success. -1 with errno set on an error.
 */
export async function rtnl_send_check(rth: RtnlHandle, buf: Uint8Array): Promise<number> {
  let status = await write(rth.fd, buf, buf.length);
  if (status < 0) return status;
  const resp = new Uint8Array(1024);
  status = await sk.recv(rth.fd, resp, resp.length, sk.MSG_DONTWAIT | sk.MSG_PEEK);
  if (status < 0) return libc().errno === EAGAIN ? 0 : -1;
  let off = 0;
  while (NLMSG_OK(resp, off, status)) {
    const h = nlmsg_at(resp, off, status);
    if (h.type === NLMSG_ERROR) {
      if (h.len < NLMSG_LENGTH(NLMSGERR_SIZE)) bb_error_msg("ERROR truncated");
      else libc().errno = -dv(NLMSG_DATA(h)).getInt32(0, true);
      return -1;
    }
    status -= NLMSG_ALIGN(h.len);
    off += NLMSG_ALIGN(h.len);
  }
  return 0;
}

/** A dump filter: a negative return ends the dump with that value. */
export type RtnlFilter = (who: Uint8Array, n: NlMsg) => number | Promise<number>;

const NLMSG_OK = (buf: Uint8Array, off: number, len: number): boolean => len >= NLMSG_HDRLEN && dv(buf).getUint32(off, true) >= NLMSG_HDRLEN && dv(buf).getUint32(off, true) <= len;

/** rtnl_dump_filter(): read replies until NLMSG_DONE, skipping what is not ours. */
async function rtnl_dump_filter(rth: RtnlHandle, filter: RtnlFilter): Promise<number> {
  const buf = new Uint8Array(8 * 1024);
  for (;;) {
    const nladdr = new Uint8Array(SOCKADDR_NL_SIZE);
    const msg: sk.MsgHdr = { msg_name: nladdr, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: buf, iov_len: buf.length }], msg_flags: 0 };
    let status = await sk.recvmsg(rth.fd, msg, 0);
    if (status < 0) {
      if (libc().errno === EINTR) continue;
      bb_perror_msg("OVERRUN");
      continue;
    }
    if (status === 0) {
      bb_error_msg("EOF on netlink");
      return -1;
    }
    if (msg.msg_namelen !== SOCKADDR_NL_SIZE) return bb_error_msg_and_die(`sender address length == ${msg.msg_namelen}`);
    const from_pid = dv(nladdr).getUint32(4, true);
    let off = 0;
    while (NLMSG_OK(buf, off, status)) {
      const h = nlmsg_at(buf, off, status);
      if (from_pid === 0 && h.pid === rth.nl_pid && h.seq === rth.dump) {
        if (h.type === NLMSG_DONE) return 0;
        if (h.type === NLMSG_ERROR) {
          if (h.len < NLMSG_LENGTH(NLMSGERR_SIZE)) {
            bb_error_msg("ERROR truncated");
          } else {
            libc().errno = -dv(NLMSG_DATA(h)).getInt32(0, true);
            bb_perror_msg("RTNETLINK answers");
          }
          return -1;
        }
        const err = await filter(nladdr, h);
        if (err < 0) return err;
      }
      /* NLMSG_NEXT */
      status -= NLMSG_ALIGN(h.len);
      off += NLMSG_ALIGN(h.len);
    }
    if (msg.msg_flags & sk.MSG_TRUNC) {
      bb_error_msg("message truncated");
      continue;
    }
    if (status) return bb_error_msg_and_die(`remnant of size ${status}!`);
  }
}

/** xrtnl_dump_filter(): rtnl_dump_filter or "dump terminated". */
export async function xrtnl_dump_filter(rth: RtnlHandle, filter: RtnlFilter): Promise<number> {
  const ret = await rtnl_dump_filter(rth, filter);
  if (ret < 0) return bb_error_msg_and_die("dump terminated");
  return ret;
}

/**
 * rtnl_talk(rtnl, n, 0, 0, answer): send one request (NLM_F_ACK added when no answer is wanted),
 * then wait for its answer or its NLMSG_ERROR. Returns the answer (or the ack) or null on failure,
 * after "RTNETLINK answers: ..." for an error.
 */
export async function rtnl_talk(rtnl: RtnlHandle, type: number, flags: number, body: Uint8Array, want_answer: boolean): Promise<NlMsg | null> {
  const seq = (rtnl.seq = (rtnl.seq + 1) >>> 0);
  if (!want_answer) flags |= NLM_F_ACK;
  const n = nlmsg_build(type, flags, seq, body);
  const nladdr = sockaddr_nl();
  let status = await sk.sendmsg(rtnl.fd, { msg_name: nladdr, msg_namelen: nladdr.length, msg_iov: [{ iov_base: n, iov_len: n.length }], msg_flags: 0 }, 0);
  if (status < 0) {
    bb_perror_msg("can't talk to rtnetlink");
    return null;
  }
  const buf = new Uint8Array(8 * 1024);
  for (;;) {
    const msg: sk.MsgHdr = { msg_name: nladdr, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: buf, iov_len: buf.length }], msg_flags: 0 };
    status = await sk.recvmsg(rtnl.fd, msg, 0);
    if (status < 0) {
      if (libc().errno === EINTR) continue;
      bb_perror_msg("OVERRUN");
      continue;
    }
    if (status === 0) {
      bb_error_msg("EOF on netlink");
      return null;
    }
    if (msg.msg_namelen !== SOCKADDR_NL_SIZE) return bb_error_msg_and_die(`sender address length == ${msg.msg_namelen}`);
    const from_pid = dv(nladdr).getUint32(4, true);
    let off = 0;
    while (status >= NLMSG_HDRLEN) {
      const h = nlmsg_at(buf, off, status);
      const l = h.len - NLMSG_HDRLEN;
      if (l < 0 || h.len > status) {
        if (msg.msg_flags & sk.MSG_TRUNC) {
          bb_error_msg("truncated message");
          return null;
        }
        return bb_error_msg_and_die(`malformed message: len=${h.len}!`);
      }
      if (from_pid === 0 && h.pid === rtnl.nl_pid && h.seq === seq) {
        if (h.type === NLMSG_ERROR) {
          if (l < NLMSGERR_SIZE) {
            bb_error_msg("ERROR truncated");
            return null;
          }
          const e = -dv(NLMSG_DATA(h)).getInt32(0, true);
          libc().errno = e;
          if (e === 0) return h;
          bb_perror_msg("RTNETLINK answers");
          return null;
        }
        if (want_answer) return { ...h, raw: h.raw.slice() };
        bb_error_msg("unexpected reply!");
      }
      status -= NLMSG_ALIGN(h.len);
      off += NLMSG_ALIGN(h.len);
    }
    if (msg.msg_flags & sk.MSG_TRUNC) {
      bb_error_msg("message truncated");
      continue;
    }
    if (status) return bb_error_msg_and_die(`remnant of size ${status}!`);
  }
}

/** A request body being built: the fixed struct, then rtattrs (addattr_l / addattr32). */
export class ReqBuf {
  bytes: Uint8Array;
  constructor(fixed: Uint8Array) {
    this.bytes = fixed.slice();
  }

  /** addattr_l(&req.n, maxlen, type, data, alen) */
  addattr_l(type: number, data: Uint8Array): void {
    const at = NLMSG_ALIGN(this.bytes.length);
    const len = RTA_LENGTH(data.length);
    const b = new Uint8Array(NLMSG_ALIGN(at + len));
    b.set(this.bytes);
    const d = dv(b);
    d.setUint16(at, len, true);
    d.setUint16(at + 2, type, true);
    b.set(data, at + 4);
    this.bytes = b;
  }

  addattr32(type: number, v: number): void {
    const b = new Uint8Array(4);
    dv(b).setUint32(0, v >>> 0, true);
    this.addattr_l(type, b);
  }
}

/** parse_rtattr(tb, max, rta, len): every attribute by type (the last one of a type wins). */
export function parse_rtattr(b: Uint8Array): Map<number, Uint8Array> {
  const tb = new Map<number, Uint8Array>();
  let off = 0;
  let len = b.length;
  while (len >= 4) {
    const d = new DataView(b.buffer, b.byteOffset + off, 4);
    const rta_len = d.getUint16(0, true);
    if (rta_len < 4 || rta_len > len) break;
    tb.set(d.getUint16(2, true), b.subarray(off + 4, off + rta_len));
    len -= RTA_ALIGN(rta_len);
    off += RTA_ALIGN(rta_len);
  }
  if (len) {
    const rta_len = off + 2 <= b.length ? new DataView(b.buffer, b.byteOffset + off).getUint16(0, true) : 0;
    bb_error_msg(`deficit ${len}, rta_len=${rta_len}!`);
  }
  return tb;
}

/** A C string attribute (RTA_DATA as char*): up to the first NUL. */
export function rta_string(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul < 0 ? b : b.subarray(0, nul));
}

export const rta_u32 = (b: Uint8Array): number => (b.length >= 4 ? dv(b).getUint32(0, true) : 0);
export const rta_s32 = (b: Uint8Array): number => (b.length >= 4 ? dv(b).getInt32(0, true) : 0);
export const rta_u8 = (b: Uint8Array): number => (b.length >= 1 ? b[0] : 0);
