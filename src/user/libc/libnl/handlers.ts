// Mirrors libnl-3 (3.4) lib/handlers.c and include/netlink/handlers.h: struct nl_cb, the table of
// callbacks recvmsgs() calls for each received message. A callback returns NL_OK (go on), NL_SKIP
// (skip the rest of this message's handling) or NL_STOP (stop reading). Only NL_CB_DEFAULT (no
// callback) and NL_CB_CUSTOM kinds are built; NLCB=verbose/debug's printing handlers are not.
import type { nlmsgerr } from "../netlink.js";
import type { nl_msg } from "./msg.js";

/** enum nl_cb_action */
export const NL_OK = 0;
export const NL_SKIP = 1;
export const NL_STOP = 2;

/** enum nl_cb_kind */
export const NL_CB_DEFAULT = 0;
export const NL_CB_VERBOSE = 1;
export const NL_CB_DEBUG = 2;
export const NL_CB_CUSTOM = 3;

/** enum nl_cb_type */
export const NL_CB_VALID = 0;
export const NL_CB_FINISH = 1;
export const NL_CB_OVERRUN = 2;
export const NL_CB_SKIPPED = 3;
export const NL_CB_ACK = 4;
export const NL_CB_MSG_IN = 5;
export const NL_CB_MSG_OUT = 6;
export const NL_CB_INVALID = 7;
export const NL_CB_SEQ_CHECK = 8;
export const NL_CB_SEND_ACK = 9;
export const NL_CB_DUMP_INTR = 10;
const __NL_CB_TYPE_MAX = 11;

/** nl_recvmsg_msg_cb_t */
export type nl_recvmsg_msg_cb_t = (msg: nl_msg, arg: unknown) => number;
/** nl_recvmsg_err_cb_t: the sender's address (struct sockaddr_nl's bytes) and the error message. */
export type nl_recvmsg_err_cb_t = (nla: Uint8Array, nlerr: nlmsgerr, arg: unknown) => number;

/** struct nl_cb */
export class nl_cb {
  cb_set: (nl_recvmsg_msg_cb_t | null)[] = new Array<nl_recvmsg_msg_cb_t | null>(__NL_CB_TYPE_MAX).fill(null);
  cb_args: unknown[] = new Array<unknown>(__NL_CB_TYPE_MAX).fill(null);
  cb_err: nl_recvmsg_err_cb_t | null = null;
  cb_err_arg: unknown = null;
  cb_active = __NL_CB_TYPE_MAX;
}

/** nl_cb_alloc(kind): every callback of that kind (for NL_CB_DEFAULT: none). */
export function nl_cb_alloc(kind: number): nl_cb | null {
  if (kind < 0 || kind > NL_CB_CUSTOM) return null;
  return new nl_cb();
}

/** nl_cb_clone(orig) */
export function nl_cb_clone(orig: nl_cb): nl_cb {
  const cb = new nl_cb();
  cb.cb_set = orig.cb_set.slice();
  cb.cb_args = orig.cb_args.slice();
  cb.cb_err = orig.cb_err;
  cb.cb_err_arg = orig.cb_err_arg;
  return cb;
}

/** nl_cb_get / nl_cb_put: reference counting, which the garbage collector does here. */
export const nl_cb_get = (cb: nl_cb): nl_cb => cb;
export function nl_cb_put(_cb: nl_cb | null): void {}

/** nl_cb_set(cb, type, kind, func, arg): 0, or -NLE_RANGE (-8) for a bad type or kind. */
export function nl_cb_set(cb: nl_cb, type: number, kind: number, func: nl_recvmsg_msg_cb_t | null, arg: unknown): number {
  if (type < 0 || type >= __NL_CB_TYPE_MAX || kind < 0 || kind > NL_CB_CUSTOM) return -8;
  cb.cb_set[type] = kind === NL_CB_CUSTOM ? func : null;
  cb.cb_args[type] = kind === NL_CB_CUSTOM ? arg : null;
  return 0;
}

/** nl_cb_err(cb, kind, func, arg) */
export function nl_cb_err(cb: nl_cb, kind: number, func: nl_recvmsg_err_cb_t | null, arg: unknown): number {
  if (kind < 0 || kind > NL_CB_CUSTOM) return -8;
  cb.cb_err = kind === NL_CB_CUSTOM ? func : null;
  cb.cb_err_arg = kind === NL_CB_CUSTOM ? arg : null;
  return 0;
}

/** nl_cb_call(cb, type, msg) */
export function nl_cb_call(cb: nl_cb, type: number, msg: nl_msg): number {
  cb.cb_active = type;
  const ret = cb.cb_set[type]!(msg, cb.cb_args[type]);
  cb.cb_active = __NL_CB_TYPE_MAX;
  return ret;
}
