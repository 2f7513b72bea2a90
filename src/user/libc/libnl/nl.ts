// Mirrors libnl-3 (3.4) lib/nl.c: connecting a socket (nl_connect), completing and sending a
// message (nl_complete_msg adds the local port, the next sequence number, NLM_F_REQUEST and, unless
// auto-ack is off, NLM_F_ACK), reading one datagram (nl_recv: a MSG_PEEK|MSG_TRUNC read of a
// 16 KiB buffer, then the real one) and dispatching its messages to the callbacks (recvmsgs). With
// auto-ack on, recvmsgs() insists on the expected sequence number and bumps it on every
// DONE/ERROR/NOOP/OVERRUN message: a reply carrying another number ends it with -NLE_SEQ_MISMATCH.
import { bind, getsockname, recvmsg, sendmsg, SOCK_CLOEXEC, SOCK_RAW, AF_NETLINK, MSG_PEEK, MSG_TRUNC, MSG_CTRUNC, socket, type MsgHdr } from "../socket.js";
import { close } from "../unistd.js";
import { libc } from "../state.js";
import { EADDRINUSE, EINTR } from "../../../include/uapi/errno.js";
import { NLM_F_ACK, NLM_F_DUMP_INTR, NLM_F_MULTI, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, nlmsgerr, nlmsghdr, SOCKADDR_NL_SIZE, sockaddr_nl } from "../netlink.js";
import * as NLE from "./errno.js";
import { nl_cb, nl_cb_call, nl_cb_clone, nl_cb_set, NL_CB_ACK, NL_CB_CUSTOM, NL_CB_DUMP_INTR, NL_CB_FINISH, NL_CB_INVALID, NL_CB_MSG_IN, NL_CB_MSG_OUT, NL_CB_OVERRUN, NL_CB_SEND_ACK, NL_CB_SEQ_CHECK, NL_CB_SKIPPED, NL_CB_VALID, NL_OK, NL_SKIP, NL_STOP } from "./handlers.js";
import { nl_msg, nlmsg_convert, nlmsg_hdr, nlmsg_next, nlmsg_ok, nlmsg_set_proto, nlmsg_set_src, nlmsg_size, NL_AUTO_PORT, NL_AUTO_SEQ, PAGE_SIZE } from "./msg.js";
import { _nl_socket_generate_local_port_no_release, nl_sock, nl_socket_get_local_port, nl_socket_set_buffer_size, nl_socket_set_local_port, NL_MSG_PEEK, NL_MSG_PEEK_EXPLICIT, NL_NO_AUTO_ACK } from "./socket.js";

/** nl_connect(sk, protocol): socket, buffer sizes, bind to a generated port, getsockname. 0 or -NLE_*. */
export async function nl_connect(sk: nl_sock, protocol: number): Promise<number> {
  if (sk.s_fd !== -1) return -NLE.NLE_BAD_SOCK;
  const fail = (err: number): number => {
    if (sk.s_fd !== -1) {
      close(sk.s_fd);
      sk.s_fd = -1;
    }
    return err;
  };

  sk.s_fd = await socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
  if (sk.s_fd < 0) return fail(-NLE.nl_syserr2nlerr(libc().errno));

  let err = await nl_socket_set_buffer_size(sk, 0, 0);
  if (err < 0) return fail(err);

  let try_bind = true;
  if (sk.s_local.nl_pid === 0) {
    for (let ntries = 0; ; ) {
      if (ntries++ > 5) {
        // ports taken outside libnl: let the kernel pick one
        nl_socket_set_local_port(sk, 0);
        break;
      }
      const port = _nl_socket_generate_local_port_no_release(sk);
      if (port === 0xffffffff) break;
      if ((await bind(sk.s_fd, sk.s_local.buf, SOCKADDR_NL_SIZE)) === 0) {
        try_bind = false;
        break;
      }
      if (libc().errno !== EADDRINUSE) return fail(-NLE.nl_syserr2nlerr(libc().errno));
    }
  }
  if (try_bind && (await bind(sk.s_fd, sk.s_local.buf, SOCKADDR_NL_SIZE)) !== 0) return fail(-NLE.nl_syserr2nlerr(libc().errno));

  const local = new sockaddr_nl();
  const addrlen = { value: SOCKADDR_NL_SIZE };
  if (getsockname(sk.s_fd, local.buf, addrlen) < 0) return fail(-NLE.nl_syserr2nlerr(libc().errno));
  if (addrlen.value !== SOCKADDR_NL_SIZE) return fail(-NLE.NLE_NOADDR);
  if (local.nl_family !== AF_NETLINK) return fail(-NLE.NLE_AF_NOSUPPORT);
  // the kernel chose the port when ours was 0
  if (sk.s_local.nl_pid !== local.nl_pid) nl_socket_set_local_port(sk, local.nl_pid);
  sk.s_local = local;
  sk.s_proto = protocol;
  err = 0;
  return err;
}

/** nl_complete_msg(sk, msg): fill in what NL_AUTO_PORT/NL_AUTO_SEQ left open, add NLM_F_REQUEST (and NLM_F_ACK). */
export function nl_complete_msg(sk: nl_sock, msg: nl_msg): void {
  const nlh = nlmsg_hdr(msg);
  if (nlh.nlmsg_pid === NL_AUTO_PORT) nlh.nlmsg_pid = nl_socket_get_local_port(sk);
  if (nlh.nlmsg_seq === NL_AUTO_SEQ) nlh.nlmsg_seq = sk.s_seq_next++;
  if (msg.nm_protocol === -1) msg.nm_protocol = sk.s_proto;
  nlh.nlmsg_flags |= NLM_F_REQUEST;
  if (!(sk.s_flags & NL_NO_AUTO_ACK)) nlh.nlmsg_flags |= NLM_F_ACK;
}

/** nl_sendmsg(sk, msg, hdr): sendmsg() after the NL_CB_MSG_OUT callback; bytes sent or -NLE_*. */
export async function nl_sendmsg(sk: nl_sock, msg: nl_msg, hdr: MsgHdr): Promise<number> {
  if (sk.s_fd < 0) return -NLE.NLE_BAD_SOCK;
  nlmsg_set_src(msg, sk.s_local.buf);
  const cb = sk.s_cb;
  if (cb.cb_set[NL_CB_MSG_OUT]) {
    const ret = nl_cb_call(cb, NL_CB_MSG_OUT, msg);
    if (ret !== NL_OK) return ret;
  }
  const ret = await sendmsg(sk.s_fd, hdr, 0);
  if (ret < 0) return -NLE.nl_syserr2nlerr(libc().errno);
  return ret;
}

/** nl_send(sk, msg): the message as it is, to the socket's peer (the kernel). */
export function nl_send(sk: nl_sock, msg: nl_msg): Promise<number> {
  const nlh = nlmsg_hdr(msg);
  return nl_sendmsg(sk, msg, { msg_name: sk.s_peer.buf, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: msg.buf, iov_len: nlh.nlmsg_len }], msg_flags: 0 });
}

/** nl_send_auto(sk, msg) (also nl_send_auto_complete) */
export function nl_send_auto(sk: nl_sock, msg: nl_msg): Promise<number> {
  nl_complete_msg(sk, msg);
  return nl_send(sk, msg);
}
export const nl_send_auto_complete = nl_send_auto;

/**
 * nl_recv(sk, nla): one datagram into a fresh buffer, peeking first to size it. Its length, 0 at
 * end of file, or -NLE_*; `nla` receives the sender's address.
 */
export async function nl_recv(sk: nl_sock, nla: sockaddr_nl): Promise<{ n: number; buf: Uint8Array }> {
  let flags = 0;
  if (sk.s_flags & NL_MSG_PEEK || (!(sk.s_flags & NL_MSG_PEEK_EXPLICIT) && sk.s_bufsize === 0)) flags |= MSG_PEEK | MSG_TRUNC;
  let iov_len = sk.s_bufsize ? sk.s_bufsize : PAGE_SIZE * 4;
  let buf = new Uint8Array(iov_len);
  for (;;) {
    const msg: MsgHdr = { msg_name: nla.buf, msg_namelen: SOCKADDR_NL_SIZE, msg_iov: [{ iov_base: buf, iov_len }], msg_flags: 0 };
    const n = await recvmsg(sk.s_fd, msg, flags);
    if (n === 0) return { n: 0, buf };
    if (n < 0) {
      if (libc().errno === EINTR) continue;
      return { n: -NLE.nl_syserr2nlerr(libc().errno), buf };
    }
    if (msg.msg_flags & MSG_CTRUNC) return { n: -NLE.NLE_MSG_TRUNC, buf };
    if (iov_len < n || msg.msg_flags & MSG_TRUNC) {
      // an incomplete message is an error unless this was the sizing peek
      if (flags === 0) return { n: -NLE.NLE_MSG_TRUNC, buf };
      iov_len = n;
      buf = new Uint8Array(iov_len);
      continue;
    }
    if (flags !== 0) {
      flags = 0;
      continue;
    }
    if (msg.msg_namelen !== SOCKADDR_NL_SIZE) return { n: -NLE.NLE_NOADDR, buf };
    return { n, buf };
  }
}

/** What a callback asked recvmsgs() to do next (the NL_CB_CALL macro's gotos). */
type Flow = "next" | "skip" | "stop" | { out: number };

function call(cb: nl_cb, type: number, msg: nl_msg): Flow {
  const err = nl_cb_call(cb, type, msg);
  if (err === NL_OK) return "next";
  if (err === NL_SKIP) return "skip";
  if (err === NL_STOP) return "stop";
  return { out: err };
}

/** recvmsgs(sk, cb): read datagrams (more while a multipart message is open) and dispatch each message. */
async function recvmsgs(sk: nl_sock, cb: nl_cb): Promise<number> {
  let multipart = false;
  let interrupted = false;
  let nrecv = 0;
  const nla = new sockaddr_nl();
  const finish = (err: number): number => {
    if (interrupted) err = -NLE.NLE_DUMP_INTR;
    return err || nrecv;
  };

  do {
    const { n: got, buf } = await nl_recv(sk, nla);
    if (got <= 0) return got;
    let n = got;
    let hdr = new nlmsghdr(buf);
    multipart = false;
    while (nlmsg_ok(hdr, n)) {
      const msg = nlmsg_convert(hdr);
      nlmsg_set_proto(msg, sk.s_proto);
      nlmsg_set_src(msg, nla.buf);
      nrecv++;
      const flow = ((): Flow => {
        let f: Flow;
        // the raw callback comes first: it sees every message
        if (cb.cb_set[NL_CB_MSG_IN] && (f = call(cb, NL_CB_MSG_IN, msg)) !== "next") return f;
        if (cb.cb_set[NL_CB_SEQ_CHECK]) {
          if ((f = call(cb, NL_CB_SEQ_CHECK, msg)) !== "next") return f;
        } else if (!(sk.s_flags & NL_NO_AUTO_ACK) && hdr.nlmsg_seq !== sk.s_seq_expect) {
          if (!cb.cb_set[NL_CB_INVALID]) return { out: -NLE.NLE_SEQ_MISMATCH };
          if ((f = call(cb, NL_CB_INVALID, msg)) !== "next") return f;
        }
        const type = hdr.nlmsg_type;
        if (type === NLMSG_DONE || type === NLMSG_ERROR || type === NLMSG_NOOP || type === NLMSG_OVERRUN) sk.s_seq_expect = (sk.s_seq_expect + 1) >>> 0;
        if (hdr.nlmsg_flags & NLM_F_MULTI) multipart = true;
        if (hdr.nlmsg_flags & NLM_F_DUMP_INTR) {
          if (cb.cb_set[NL_CB_DUMP_INTR]) {
            if ((f = call(cb, NL_CB_DUMP_INTR, msg)) !== "next") return f;
          } else interrupted = true;
        }
        if (hdr.nlmsg_flags & NLM_F_ACK && cb.cb_set[NL_CB_SEND_ACK] && (f = call(cb, NL_CB_SEND_ACK, msg)) !== "next") return f;
        if (type === NLMSG_DONE) {
          multipart = false;
          if (cb.cb_set[NL_CB_FINISH]) return call(cb, NL_CB_FINISH, msg);
        } else if (type === NLMSG_NOOP) {
          if (!cb.cb_set[NL_CB_SKIPPED]) return "skip";
          return call(cb, NL_CB_SKIPPED, msg);
        } else if (type === NLMSG_OVERRUN) {
          if (!cb.cb_set[NL_CB_OVERRUN]) return { out: -NLE.NLE_MSG_OVERFLOW };
          return call(cb, NL_CB_OVERRUN, msg);
        } else if (type === NLMSG_ERROR) {
          const e = new nlmsgerr(hdr.buf, hdr.off + 16);
          if (hdr.nlmsg_len < nlmsg_size(20)) {
            // truncated: stop, unless the user takes it
            if (!cb.cb_set[NL_CB_INVALID]) return { out: -NLE.NLE_MSG_TRUNC };
            return call(cb, NL_CB_INVALID, msg);
          }
          if (e.error) {
            if (cb.cb_err) {
              const err = cb.cb_err(nla.buf, e, cb.cb_err_arg);
              if (err < 0) return { out: err };
              if (err === NL_SKIP) return "skip";
              if (err === NL_STOP) return { out: -NLE.nl_syserr2nlerr(e.error) };
            } else return { out: -NLE.nl_syserr2nlerr(e.error) };
          } else if (cb.cb_set[NL_CB_ACK]) return call(cb, NL_CB_ACK, msg);
        } else if (cb.cb_set[NL_CB_VALID]) {
          // a valid message, whatever its NLM_F_MULTI says
          return call(cb, NL_CB_VALID, msg);
        }
        return "next";
      })();
      if (flow === "stop") return finish(0);
      if (typeof flow === "object") return finish(flow.out);
      [hdr, n] = nlmsg_next(hdr, n);
    }
  } while (multipart);
  return finish(0);
}

/** nl_recvmsgs_report(sk, cb): messages processed, or -NLE_*. */
export const nl_recvmsgs_report = (sk: nl_sock, cb: nl_cb): Promise<number> => recvmsgs(sk, cb);

/** nl_recvmsgs(sk, cb): 0 or -NLE_*. */
export async function nl_recvmsgs(sk: nl_sock, cb: nl_cb): Promise<number> {
  const err = await nl_recvmsgs_report(sk, cb);
  return err > 0 ? 0 : err;
}

/** nl_recvmsgs_default(sk): nl_recvmsgs with the socket's own callbacks. */
export const nl_recvmsgs_default = (sk: nl_sock): Promise<number> => nl_recvmsgs(sk, sk.s_cb);

/** nl_wait_for_ack(sk): read until an ACK (NLMSG_ERROR with error 0) stops the reading. */
export async function nl_wait_for_ack(sk: nl_sock): Promise<number> {
  const cb = nl_cb_clone(sk.s_cb);
  nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, () => NL_STOP, null);
  return nl_recvmsgs(sk, cb);
}

