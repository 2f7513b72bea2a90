// Mirrors iproute2 v5.15.0 lib/libnetlink.c (built with libmnl, as distributions build it): the
// netlink handle of every iproute2 tool. rtnl_open_byproto() makes a SOCK_RAW|SOCK_CLOEXEC socket
// with SO_SNDBUF 32768, SO_RCVBUF 1 MiB and NETLINK_EXT_ACK on, binds it and starts the sequence at
// time(NULL); rtnl_talk() sends one request and waits for its answer or error, printing the
// kernel's extended-ack message ("Error: ...") or "RTNETLINK answers: <strerror>"; rtnl_dump_filter()
// hands each message of a dump to a filter until NLMSG_DONE; rtnl_listen() hands every message
// that arrives to a handler. Each read peeks (MSG_PEEK|MSG_TRUNC) to size its buffer first.
import { fprintf, perror, stderr } from "../../libc/stdio.js";
import { exit } from "../../libc/stdlib.js";
import { libc } from "../../libc/state.js";
import { strerror } from "../../libc/strerror.js";
import { close, time } from "../../libc/unistd.js";
import { AF_NETLINK, bind, getsockname, MSG_PEEK, MSG_TRUNC, recvmsg, send, sendmsg, setsockopt, SOCK_CLOEXEC, SOCK_RAW, socket, SOL_SOCKET, SO_RCVBUF, SO_SNDBUF, type MsgHdr } from "../../libc/socket.js";
import { EAGAIN, EINTR, EMSGSIZE, ENOBUFS, ENODATA, ENOENT, EOPNOTSUPP } from "../../../include/uapi/errno.js";
import type { MaybeAsync } from "../../../fs/file.js";
import {
  NETLINK_EXT_ACK,
  NLA_HDRLEN,
  NLM_F_ACK,
  NLM_F_ACK_TLVS,
  NLM_F_CAPPED,
  NLM_F_DUMP_INTR,
  NLMSG_ALIGN,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_LENGTH,
  NLMSG_OK,
  NLMSG_NEXT,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
  NLMSGERR_SIZE,
  nlattr,
  nlmsgerr,
  nlmsghdr,
  SOCKADDR_NL_SIZE,
  sockaddr_nl,
  SOL_NETLINK,
  cstring_at,
} from "../../libc/netlink.js";

/** struct rtnl_handle */
export interface rtnl_handle {
  fd: number;
  local: sockaddr_nl;
  peer: sockaddr_nl;
  seq: number;
  dump: number;
  proto: number;
}

/** rtnl_filter_t: a negative return ends the dump with it. */
export type rtnl_filter_t = (n: nlmsghdr, arg: unknown) => number;

const rcvbuf = 1024 * 1024;

async function setint(fd: number, level: number, name: number, v: number): Promise<number> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return setsockopt(fd, level, name, b, 4);
}

/** rtnl_close(rth) */
export function rtnl_close(rth: rtnl_handle): void {
  if (rth.fd >= 0) {
    close(rth.fd);
    rth.fd = -1;
  }
}

/** rtnl_open_byproto(rth, subscriptions, protocol): 0, or -1 after saying why. */
export async function rtnl_open_byproto(rth: rtnl_handle, subscriptions: number, protocol: number): Promise<number> {
  Object.assign(rth, { fd: -1, local: sockaddr_nl.netlink(), peer: sockaddr_nl.netlink(), seq: 0, dump: 0, proto: protocol });
  rth.fd = await socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (rth.fd < 0) {
    perror("Cannot open netlink socket");
    return -1;
  }
  const err = (): number => (rtnl_close(rth), -1);
  if ((await setint(rth.fd, SOL_SOCKET, SO_SNDBUF, 32768)) < 0) {
    perror("SO_SNDBUF");
    return err();
  }
  if ((await setint(rth.fd, SOL_SOCKET, SO_RCVBUF, rcvbuf)) < 0) {
    perror("SO_RCVBUF");
    return err();
  }
  // older kernels may not support extended ACK reporting
  await setint(rth.fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);

  rth.local = sockaddr_nl.netlink(0, subscriptions);
  if ((await bind(rth.fd, rth.local.buf, SOCKADDR_NL_SIZE)) < 0) {
    perror("Cannot bind netlink socket");
    return err();
  }
  const addr_len = { value: SOCKADDR_NL_SIZE };
  if (getsockname(rth.fd, rth.local.buf, addr_len) < 0) {
    perror("Cannot getsockname");
    return err();
  }
  if (addr_len.value !== SOCKADDR_NL_SIZE) {
    fprintf(stderr(), "Wrong address length %d\n", addr_len.value);
    return err();
  }
  if (rth.local.nl_family !== AF_NETLINK) {
    fprintf(stderr(), "Wrong address family %d\n", rth.local.nl_family);
    return err();
  }
  rth.seq = time() >>> 0;
  return 0;
}

/** An empty handle for rtnl_open_byproto to fill. */
export const rtnl_handle_new = (): rtnl_handle => ({ fd: -1, local: sockaddr_nl.netlink(), peer: sockaddr_nl.netlink(), seq: 0, dump: 0, proto: 0 });

/** rtnl_send(rth, buf, len) */
export const rtnl_send = (rth: rtnl_handle, buf: Uint8Array, len: number): MaybeAsync<number> => send(rth.fd, buf, len, 0);

/** __rtnl_recvmsg(): recvmsg, retried on EINTR/EAGAIN; the length or -errno after a message. */
async function __rtnl_recvmsg(fd: number, msg: MsgHdr, flags: number): Promise<number> {
  let len: number;
  do len = await recvmsg(fd, msg, flags);
  while (len < 0 && (libc().errno === EINTR || libc().errno === EAGAIN));
  if (len < 0) {
    const e = libc().errno;
    fprintf(stderr(), "netlink receive error %s (%d)\n", strerror(e), e);
    return -e;
  }
  if (len === 0) {
    fprintf(stderr(), "EOF on netlink\n");
    return -ENODATA;
  }
  return len;
}

/** rtnl_recvmsg(fd, msg): one datagram into a buffer of at least 32 KiB, sized by a peek. */
async function rtnl_recvmsg(fd: number, msg: MsgHdr): Promise<{ len: number; buf: Uint8Array }> {
  msg.msg_iov = [{ iov_base: new Uint8Array(0), iov_len: 0 }];
  let len = await __rtnl_recvmsg(fd, msg, MSG_PEEK | MSG_TRUNC);
  if (len < 0) return { len, buf: new Uint8Array(0) };
  const buf = new Uint8Array(Math.max(len, 32768));
  msg.msg_iov = [{ iov_base: buf, iov_len: buf.length }];
  msg.msg_flags = 0;
  len = await __rtnl_recvmsg(fd, msg, 0);
  return { len, buf };
}

/** err_attr_cb(): the TLVs of an extended ack, with libmnl's type checks (MSG a NUL string, OFFS a u32). */
function parse_ext_ack(buf: Uint8Array, off: number, end: number): Map<number, nlattr> | null {
  const tb = new Map<number, nlattr>();
  while (off + NLA_HDRLEN <= end) {
    const a = new nlattr(buf, off);
    if (a.nla_len < NLA_HDRLEN || off + a.nla_len > end) break;
    const type = a.nla_type & 0x3fff;
    const plen = a.nla_len - NLA_HDRLEN;
    if (type === NLMSGERR_ATTR_MSG && (plen === 0 || buf[off + a.nla_len - 1] !== 0)) return null;
    if (type === NLMSGERR_ATTR_OFFS && plen !== 4) return null;
    tb.set(type, a);
    off += NLMSG_ALIGN(a.nla_len);
  }
  return tb;
}

function print_ext_ack_msg(is_err: boolean, msg: string): void {
  fprintf(stderr(), "%s: %s", is_err ? "Error" : "Warning", msg);
  if (!msg.endsWith(".")) fprintf(stderr(), ".");
  fprintf(stderr(), "\n");
}

/** nl_dump_ext_ack(nlh, NULL): print the kernel's message; 1 when it reported an error this way. */
export function nl_dump_ext_ack(nlh: nlmsghdr): number {
  if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS)) return 0;
  const err = new nlmsgerr(nlh.buf, nlh.off + NLMSG_HDRLEN);
  let hlen = NLMSGERR_SIZE;
  if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) hlen += err.msg.nlmsg_len - NLMSG_HDRLEN;
  const tb = parse_ext_ack(nlh.buf, nlh.off + NLMSG_HDRLEN + NLMSG_ALIGN(hlen), nlh.off + nlh.nlmsg_len);
  if (!tb) return 0;
  const m = tb.get(NLMSGERR_ATTR_MSG);
  const o = tb.get(NLMSGERR_ATTR_OFFS);
  if (o && new DataView(nlh.buf.buffer, nlh.buf.byteOffset).getUint32(o.off + NLA_HDRLEN, true) > nlh.nlmsg_len) fprintf(stderr(), "Invalid offset for NLMSGERR_ATTR_OFFS\n");
  const msg = m ? cstring_at(nlh.buf, m.off + NLA_HDRLEN, m.nla_len - NLA_HDRLEN) : "";
  if (msg) {
    print_ext_ack_msg(err.error !== 0, msg);
    return err.error !== 0 ? 1 : 0;
  }
  return 0;
}

/** nl_dump_ext_ack_done(nlh, error): the message of an NLMSG_DONE that carries one. */
function nl_dump_ext_ack_done(nlh: nlmsghdr, error: number): number {
  const tb = parse_ext_ack(nlh.buf, nlh.off + NLMSG_HDRLEN + 4, nlh.off + nlh.nlmsg_len);
  const m = tb?.get(NLMSGERR_ATTR_MSG);
  const msg = m ? cstring_at(nlh.buf, m.off + NLA_HDRLEN, m.nla_len - NLA_HDRLEN) : "";
  if (msg) {
    print_ext_ack_msg(error !== 0, msg);
    return error !== 0 ? 1 : 0;
  }
  return 0;
}

function rtnl_talk_error(h: nlmsghdr, err: nlmsgerr): void {
  if (nl_dump_ext_ack(h)) return;
  fprintf(stderr(), "RTNETLINK answers: %s\n", strerror(-err.error));
}

/**
 * rtnl_talk(rtnl, n, &answer): send n with the next sequence number (NLM_F_ACK added when no answer
 * is wanted) and wait for its answer or NLMSG_ERROR. 0 and the answer (the datagram that held it),
 * or a negative value after the kernel's error was printed.
 */
export async function rtnl_talk(rtnl: rtnl_handle, n: nlmsghdr, want_answer: boolean): Promise<{ ret: number; answer: nlmsghdr | null }> {
  const seq = (n.nlmsg_seq = rtnl.seq = (rtnl.seq + 1) >>> 0);
  if (!want_answer) n.nlmsg_flags |= NLM_F_ACK;
  const nladdr = sockaddr_nl.netlink();
  const msg: MsgHdr = { msg_name: nladdr.buf, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: n.buf.subarray(n.off), iov_len: n.nlmsg_len }], msg_flags: 0 };
  if ((await sendmsg(rtnl.fd, msg, 0)) < 0) {
    perror("Cannot talk to rtnetlink");
    return { ret: -1, answer: null };
  }
  for (let i = 1; ; i++) {
    msg.msg_namelen = SOCKADDR_NL_SIZE;
    const r = await rtnl_recvmsg(rtnl.fd, msg);
    let status = r.len;
    if (status < 0) return { ret: status, answer: null };
    if (msg.msg_namelen !== SOCKADDR_NL_SIZE) {
      fprintf(stderr(), "sender address length == %d\n", msg.msg_namelen);
      return exit(1);
    }
    let h = new nlmsghdr(r.buf);
    while (status >= NLMSG_HDRLEN) {
      const len = h.nlmsg_len;
      const l = len - NLMSG_HDRLEN;
      if (l < 0 || len > status) {
        if (msg.msg_flags & MSG_TRUNC) {
          fprintf(stderr(), "Truncated message\n");
          return { ret: -1, answer: null };
        }
        fprintf(stderr(), "!!!malformed message: len=%d\n", len);
        return exit(1);
      }
      if (nladdr.nl_pid !== 0 || h.nlmsg_pid !== rtnl.local.nl_pid || h.nlmsg_seq > seq || h.nlmsg_seq < seq - 1) {
        // not ours: skip it
        status -= NLMSG_ALIGN(len);
        h = new nlmsghdr(h.buf, h.off + NLMSG_ALIGN(len));
        continue;
      }
      if (h.nlmsg_type === NLMSG_ERROR) {
        const err = new nlmsgerr(h.buf, h.off + NLMSG_HDRLEN);
        if (l < NLMSGERR_SIZE) {
          fprintf(stderr(), "ERROR truncated\n");
          return { ret: -1, answer: null };
        }
        if (err.error) {
          libc().errno = -err.error;
          rtnl_talk_error(h, err);
          return { ret: -i, answer: null };
        }
        return { ret: 0, answer: want_answer ? new nlmsghdr(r.buf) : null };
      }
      // *answer = buf: the datagram from its start, as the C code hands it back
      if (want_answer) return { ret: 0, answer: new nlmsghdr(r.buf) };
      fprintf(stderr(), "Unexpected reply!!!\n");
      status -= NLMSG_ALIGN(len);
      h = new nlmsghdr(h.buf, h.off + NLMSG_ALIGN(len));
    }
    if (msg.msg_flags & MSG_TRUNC) {
      fprintf(stderr(), "Message truncated\n");
      continue;
    }
    if (status) {
      fprintf(stderr(), "!!!Remnant of size %d\n", status);
      return exit(1);
    }
  }
}

/** rtnl_dump_done(h): 0 for a clean end, negative when the dump failed (after saying why). */
function rtnl_dump_done(h: nlmsghdr): number {
  if (h.nlmsg_len < NLMSG_LENGTH(4)) {
    fprintf(stderr(), "DONE truncated\n");
    return -1;
  }
  const len = new DataView(h.buf.buffer, h.buf.byteOffset).getInt32(h.off + NLMSG_HDRLEN, true);
  if (len < 0) {
    if (nl_dump_ext_ack_done(h, len)) return len;
    libc().errno = -len;
    switch (-len) {
      case ENOENT:
      case EOPNOTSUPP:
        return -1;
      case EMSGSIZE:
        fprintf(stderr(), "Error: Buffer too small for object.\n");
        break;
      default:
        perror("RTNETLINK answers");
    }
    return len;
  }
  nl_dump_ext_ack_done(h, len);
  return 0;
}

function rtnl_dump_error(h: nlmsghdr): void {
  if (h.nlmsg_len < NLMSG_LENGTH(NLMSGERR_SIZE)) {
    fprintf(stderr(), "ERROR truncated\n");
    return;
  }
  libc().errno = -new nlmsgerr(h.buf, h.off + NLMSG_HDRLEN).error;
  perror("RTNETLINK answers");
}

/** rtnl_dump_filter(rth, filter, arg): every message of the dump rth.dump names, until NLMSG_DONE. */
export async function rtnl_dump_filter(rth: rtnl_handle, filter: rtnl_filter_t, arg: unknown): Promise<number> {
  const nladdr = sockaddr_nl.netlink();
  let dump_intr = false;
  for (;;) {
    const msg: MsgHdr = { msg_name: nladdr.buf, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [], msg_flags: 0 };
    const r = await rtnl_recvmsg(rth.fd, msg);
    if (r.len < 0) return r.len;
    let found_done = false;
    let h = new nlmsghdr(r.buf);
    let msglen = r.len;
    while (NLMSG_OK(h, msglen)) {
      if (!(nladdr.nl_pid !== 0 || h.nlmsg_pid !== rth.local.nl_pid || h.nlmsg_seq !== rth.dump)) {
        if (h.nlmsg_flags & NLM_F_DUMP_INTR) dump_intr = true;
        if (h.nlmsg_type === NLMSG_DONE) {
          if (rtnl_dump_done(h) < 0) return -1;
          found_done = true;
          break;
        }
        if (h.nlmsg_type === NLMSG_ERROR) {
          rtnl_dump_error(h);
          return -1;
        }
        const err = filter(h, arg);
        if (err < 0) return err;
      }
      [h, msglen] = NLMSG_NEXT(h, msglen);
    }
    if (found_done) {
      if (dump_intr) fprintf(stderr(), "Dump was interrupted and may be inconsistent.\n");
      return 0;
    }
    if (msg.msg_flags & MSG_TRUNC) {
      fprintf(stderr(), "Message truncated\n");
      continue;
    }
    if (msglen) {
      fprintf(stderr(), "!!!Remnant of size %d\n", msglen);
      return exit(1);
    }
  }
}

/** rtnl_listen(rtnl, handler, arg): hand every message that arrives to handler, for ever. */
export async function rtnl_listen(rtnl: rtnl_handle, handler: rtnl_filter_t, arg: unknown): Promise<number> {
  const nladdr = sockaddr_nl.netlink();
  const buf = new Uint8Array(16384);
  for (;;) {
    const msg: MsgHdr = { msg_name: nladdr.buf, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: buf, iov_len: buf.length }], msg_flags: 0 };
    let status = await recvmsg(rtnl.fd, msg, 0);
    if (status < 0) {
      const e = libc().errno;
      if (e === EINTR || e === EAGAIN) continue;
      fprintf(stderr(), "netlink receive error %s (%d)\n", strerror(e), e);
      if (e === ENOBUFS) continue;
      return -1;
    }
    if (status === 0) {
      fprintf(stderr(), "EOF on netlink\n");
      return -1;
    }
    if (msg.msg_namelen !== SOCKADDR_NL_SIZE) {
      fprintf(stderr(), "Sender address length == %d\n", msg.msg_namelen);
      return exit(1);
    }
    let h = new nlmsghdr(buf);
    while (status >= NLMSG_HDRLEN) {
      const len = h.nlmsg_len;
      if (len < NLMSG_HDRLEN || len > status) {
        if (msg.msg_flags & MSG_TRUNC) {
          fprintf(stderr(), "Truncated message\n");
          return -1;
        }
        fprintf(stderr(), "!!!malformed message: len=%d\n", len);
        return exit(1);
      }
      const err = handler(h, arg);
      if (err < 0) return err;
      status -= NLMSG_ALIGN(len);
      h = new nlmsghdr(buf, h.off + NLMSG_ALIGN(len));
    }
    if (msg.msg_flags & MSG_TRUNC) {
      fprintf(stderr(), "Message truncated\n");
      continue;
    }
    if (status) {
      fprintf(stderr(), "!!!Remnant of size %d\n", status);
      return exit(1);
    }
  }
}

/** addattr_l(n, maxlen, type, data, alen): 0, or -1 with "addattr_l ERROR: message exceeded bound of %d". */
export function addattr_l(n: nlmsghdr, maxlen: number, type: number, data: Uint8Array, alen: number): number {
  const len = NLA_HDRLEN + alen;
  if (NLMSG_ALIGN(n.nlmsg_len) + NLMSG_ALIGN(len) > maxlen) {
    fprintf(stderr(), "addattr_l ERROR: message exceeded bound of %d\n", maxlen);
    return -1;
  }
  const rta = new nlattr(n.buf, n.off + NLMSG_ALIGN(n.nlmsg_len));
  rta.nla_type = type;
  rta.nla_len = len;
  if (alen) n.buf.set(data.subarray(0, alen), rta.off + NLA_HDRLEN);
  n.nlmsg_len = NLMSG_ALIGN(n.nlmsg_len) + NLMSG_ALIGN(len);
  return 0;
}

/**
 * parse_rtattr_flags(tb, max, rta, len, flags): tb[type] for the first attribute of each type up
 * to max, types read without `flags`; "!!!Deficit" when bytes are left over.
 */
export function parse_rtattr_flags(max: number, buf: Uint8Array, off: number, len: number, flags: number): (nlattr | null)[] {
  const tb: (nlattr | null)[] = new Array<nlattr | null>(max + 1).fill(null);
  let rta = new nlattr(buf, off);
  while (len >= NLA_HDRLEN && rta.off + NLA_HDRLEN <= buf.length && rta.nla_len >= NLA_HDRLEN && rta.nla_len <= len) {
    const type = rta.nla_type & ~flags & 0xffff;
    if (type <= max && !tb[type]) tb[type] = rta;
    len -= NLMSG_ALIGN(rta.nla_len);
    rta = new nlattr(buf, rta.off + NLMSG_ALIGN(rta.nla_len));
  }
  if (len) fprintf(stderr(), "!!!Deficit %d, rta_len=%d\n", len, rta.off + 2 <= buf.length ? rta.nla_len : 0);
  return tb;
}

/** parse_rtattr_nested(tb, max, rta) */
export const parse_rtattr_nested = (max: number, rta: nlattr): (nlattr | null)[] => parse_rtattr_flags(max, rta.buf, rta.off + NLA_HDRLEN, rta.nla_len - NLA_HDRLEN, 0);

/** rtattr_for_each_nested(pos, rta) */
export function rtattr_for_each_nested(rta: nlattr, fn: (pos: nlattr) => void): void {
  let len = rta.nla_len - NLA_HDRLEN;
  let pos = new nlattr(rta.buf, rta.off + NLA_HDRLEN);
  while (len >= NLA_HDRLEN && pos.nla_len >= NLA_HDRLEN && pos.nla_len <= len) {
    fn(pos);
    len -= NLMSG_ALIGN(pos.nla_len);
    pos = new nlattr(rta.buf, pos.off + NLMSG_ALIGN(pos.nla_len));
  }
}

const dv = (a: nlattr): DataView => new DataView(a.buf.buffer, a.buf.byteOffset);
export const rta_getattr_u16 = (a: nlattr): number => dv(a).getUint16(a.off + NLA_HDRLEN, true);
export const rta_getattr_u32 = (a: nlattr): number => dv(a).getUint32(a.off + NLA_HDRLEN, true);
export const rta_getattr_u64 = (a: nlattr): bigint => dv(a).getBigUint64(a.off + NLA_HDRLEN, true);
/** RTA_DATA as char *: the C string there */
export const rta_getattr_str = (a: nlattr): string => cstring_at(a.buf, a.off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
