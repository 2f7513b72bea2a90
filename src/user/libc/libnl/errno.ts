// Mirrors libnl-3 (3.4) include/netlink/errno.h and lib/error.c: libnl's own error numbers, which
// its functions return negated, and the mapping from a system errno to them.
import * as E from "../../../include/uapi/errno.js";

export const NLE_SUCCESS = 0;
export const NLE_FAILURE = 1;
export const NLE_INTR = 2;
export const NLE_BAD_SOCK = 3;
export const NLE_AGAIN = 4;
export const NLE_NOMEM = 5;
export const NLE_EXIST = 6;
export const NLE_INVAL = 7;
export const NLE_RANGE = 8;
export const NLE_MSGSIZE = 9;
export const NLE_OPNOTSUPP = 10;
export const NLE_AF_NOSUPPORT = 11;
export const NLE_OBJ_NOTFOUND = 12;
export const NLE_NOATTR = 13;
export const NLE_MISSING_ATTR = 14;
export const NLE_AF_MISMATCH = 15;
export const NLE_SEQ_MISMATCH = 16;
export const NLE_MSG_OVERFLOW = 17;
export const NLE_MSG_TRUNC = 18;
export const NLE_NOADDR = 19;
export const NLE_SRCRT_NOSUPPORT = 20;
export const NLE_MSG_TOOSHORT = 21;
export const NLE_MSGTYPE_NOSUPPORT = 22;
export const NLE_OBJ_MISMATCH = 23;
export const NLE_NOCACHE = 24;
export const NLE_BUSY = 25;
export const NLE_PROTO_MISMATCH = 26;
export const NLE_NOACCESS = 27;
export const NLE_PERM = 28;
export const NLE_PKTLOC_FILE = 29;
export const NLE_PARSE_ERR = 30;
export const NLE_NODEV = 31;
export const NLE_IMMUTABLE = 32;
export const NLE_DUMP_INTR = 33;

/** nl_syserr2nlerr(error): the NLE_* code for a system errno (either sign). */
export function nl_syserr2nlerr(error: number): number {
  switch (Math.abs(error)) {
    case E.EBADF:
      return NLE_BAD_SOCK;
    case E.EADDRINUSE:
    case E.EEXIST:
      return NLE_EXIST;
    case E.EADDRNOTAVAIL:
      return NLE_NOADDR;
    case E.ESRCH:
    case E.ENOENT:
      return NLE_OBJ_NOTFOUND;
    case E.EINTR:
      return NLE_INTR;
    case E.EAGAIN:
      return NLE_AGAIN;
    case E.ENOTSOCK:
      return NLE_BAD_SOCK;
    case E.ENOPROTOOPT:
    case E.EFAULT:
    case E.EINVAL:
      return NLE_INVAL;
    case E.EACCES:
      return NLE_NOACCESS;
    case E.ENOBUFS:
    case E.ENOMEM:
      return NLE_NOMEM;
    case E.EAFNOSUPPORT:
      return NLE_AF_NOSUPPORT;
    case E.EPROTONOSUPPORT:
      return NLE_PROTO_MISMATCH;
    case E.EOPNOTSUPP:
      return NLE_OPNOTSUPP;
    case E.EPERM:
      return NLE_PERM;
    case E.EBUSY:
      return NLE_BUSY;
    case E.ERANGE:
      return NLE_RANGE;
    case E.ENODEV:
      return NLE_NODEV;
    default:
      return NLE_FAILURE;
  }
}
