// Mirrors net/ipv4/ip_sockglue.c (5.15): the SOL_IP socket options. UDP and raw sockets reach
// ip_setsockopt/ip_getsockopt from their struct proto for every level but their own, and option
// numbers IP does not know go on to netfilter's nf_setsockopt/nf_getsockopt (CONFIG_NETFILTER=y;
// CONFIG_BPFILTER_UMH, CONFIG_IP_MROUTE and CONFIG_XFRM are off in kplay's build).
//
// Stored and honoured: IP_TOS (also sets sk_priority), IP_TTL, IP_HDRINCL (raw), IP_MTU_DISCOVER
// (DF and IP IDs), IP_RECVERR, IP_MTU. Stored and reported by getsockopt only: the IP_CMSG_* flags
// (IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, ...; kplay's recvmsg carries no control messages),
// IP_MINTTL, IP_FREEBIND, IP_TRANSPARENT, IP_NODEFRAG, IP_BIND_ADDRESS_NO_PORT, IP_UNICAST_IF and
// the multicast TTL, loop and all flags (there is no multicast); IP_ROUTER_ALERT joins the
// router-alert chain, which no packet reaches (kplay's packets carry no IP options). IP_OPTIONS
// accepts only an empty option list. The multicast group, source filter and IP_MULTICAST_IF calls
// are not simulated and answer as unknown options.
import { EADDRINUSE, EADDRNOTAVAIL, EFAULT, EINVAL, ENOBUFS, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPERM } from "../../include/uapi/errno.js";
import { SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, PF_INET } from "../../include/uapi/socket.js";
import * as IN from "../../include/uapi/in.js";
import { copy_from_sockptr, type SockPtr } from "../../include/linux/sockptr.js";
import { capable, CAP_NET_ADMIN, CAP_NET_RAW } from "../../kernel/capability.js";
import { copy_to_user, type UserPtr } from "../../kernel/uaccess.js";
import { sock_hold, sock_put, type Sock } from "../core/sock.js";
import { dev_get_by_index } from "../core/dev.js";
import { current } from "../../kernel/sched/task.js";
import type { Kernel } from "../../kernel/kernel.js";
import { nf_getsockopt, nf_setsockopt } from "../netfilter/nf_sockopt.js";
import * as C from "./inet_sock.js";
import { inet_sk, TCP_ESTABLISHED } from "./inet_sock.js";
import { IPDEFTTL } from "./ip_output.js";
import { ip_route_output } from "./route.js";

/** ip_mroute_opt(): always false without CONFIG_IP_MROUTE (include/linux/mroute.h). */
function ip_mroute_opt(_opt: number): boolean {
  return false;
}

/** ntohl() of a 32-bit value (the ifindex of IP_UNICAST_IF travels in network order). */
function ntohl(v: number): number {
  return (((v & 0xff) << 24) | ((v >>> 8 & 0xff) << 16) | ((v >>> 16 & 0xff) << 8) | (v >>> 24)) >>> 0;
}

/** ip_tos2prio[] (net/ipv4/route.c): TC_PRIO_* by the TOS bits. */
const ip_tos2prio = [0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4];

/** rt_tos2priority(tos) (include/net/route.h) */
export function rt_tos2priority(tos: number): number {
  return ip_tos2prio[(tos & 0x1e) >> 1];
}

/** __ip_sock_set_tos(): the TOS byte and the priority it implies (ECN kept on stream sockets). */
function __ip_sock_set_tos(sk: Sock, val: number): void {
  const inet = inet_sk(sk);
  if (sk.sk_type === SOCK_STREAM) {
    val &= ~3;
    val |= inet.tos & 3;
  }
  if (inet.tos !== val) {
    inet.tos = val & 0xff;
    sk.sk_priority = rt_tos2priority(val);
  }
}

/** The options whose value do_ip_setsockopt reads as an int (or, when shorter, an unsigned char). */
const INT_OPTIONS = new Set([
  IN.IP_PKTINFO, IN.IP_RECVTTL, IN.IP_RECVOPTS, IN.IP_RECVTOS, IN.IP_RETOPTS, IN.IP_TOS, IN.IP_TTL, IN.IP_HDRINCL, IN.IP_MTU_DISCOVER, IN.IP_RECVERR,
  IN.IP_ROUTER_ALERT, IN.IP_FREEBIND, IN.IP_PASSSEC, IN.IP_TRANSPARENT, IN.IP_MINTTL, IN.IP_NODEFRAG, IN.IP_BIND_ADDRESS_NO_PORT, IN.IP_UNICAST_IF,
  IN.IP_MULTICAST_TTL, IN.IP_MULTICAST_ALL, IN.IP_MULTICAST_LOOP, IN.IP_RECVORIGDSTADDR, IN.IP_CHECKSUM, IN.IP_RECVFRAGSIZE, IN.IP_RECVERR_RFC4884,
]);

/** The IP_CMSG_* bit each receive-flag option turns on or off. */
const CMSG_OPTIONS: ReadonlyMap<number, number> = new Map([
  [IN.IP_PKTINFO, C.IP_CMSG_PKTINFO],
  [IN.IP_RECVTTL, C.IP_CMSG_TTL],
  [IN.IP_RECVTOS, C.IP_CMSG_TOS],
  [IN.IP_RECVOPTS, C.IP_CMSG_RECVOPTS],
  [IN.IP_RETOPTS, C.IP_CMSG_RETOPTS],
  [IN.IP_PASSSEC, C.IP_CMSG_PASSSEC],
  [IN.IP_RECVORIGDSTADDR, C.IP_CMSG_ORIGDSTADDR],
  [IN.IP_CHECKSUM, C.IP_CMSG_CHECKSUM],
  [IN.IP_RECVFRAGSIZE, C.IP_CMSG_RECVFRAGSIZE],
]);

/** net->ipv4.ra_chain of each kernel: the raw sockets that asked for IP_ROUTER_ALERT packets. */
const ra_chains = new WeakMap<Kernel, Sock[]>();

/**
 * ip_ra_control(sk, on): join (holding a reference) or leave the router-alert chain. Raw sockets
 * only, not IPPROTO_RAW (-EINVAL); joining twice is -EADDRINUSE, leaving when not in it -ENOBUFS.
 */
export function ip_ra_control(sk: Sock, on: boolean): number {
  if (sk.sk_type !== SOCK_RAW || inet_sk(sk).inet_num === IN.IPPROTO_RAW) return -EINVAL;
  const k = current().kernel;
  let chain = ra_chains.get(k);
  if (!chain) ra_chains.set(k, (chain = []));
  const i = chain.indexOf(sk);
  if (i >= 0) {
    if (on) return -EADDRINUSE;
    chain.splice(i, 1);
    sock_put(sk);
    return 0;
  }
  if (!on) return -ENOBUFS;
  chain.unshift(sk);
  sock_hold(sk);
  return 0;
}

/** xfrm_user_policy() without CONFIG_XFRM (include/net/xfrm.h). */
function xfrm_user_policy(): number {
  return -ENOPROTOOPT;
}

/** do_ip_setsockopt(): 0 or -errno; -ENOPROTOOPT for an option IP does not know. */
function do_ip_setsockopt(sk: Sock, _level: number, optname: number, optval: SockPtr, optlen: number): number {
  const inet = inet_sk(sk);
  let val = 0;

  if (INT_OPTIONS.has(optname)) {
    if (optlen >= 4) {
      const b = new Uint8Array(4);
      if (copy_from_sockptr(b, optval, 4)) return -EFAULT;
      val = new DataView(b.buffer).getInt32(0, true);
    } else if (optlen >= 1) {
      const b = new Uint8Array(1);
      if (copy_from_sockptr(b, optval, 1)) return -EFAULT;
      val = b[0];
    }
  }
  /* If optlen==0, it is equivalent to val == 0 */

  if (optname === IN.IP_ROUTER_ALERT) return ip_ra_control(sk, !!val);

  const cmsg = CMSG_OPTIONS.get(optname);
  if (cmsg !== undefined) {
    if (optname === IN.IP_RECVFRAGSIZE && sk.sk_type !== SOCK_RAW && sk.sk_type !== SOCK_DGRAM) return -EINVAL;
    if (val) inet.cmsg_flags |= cmsg;
    else inet.cmsg_flags &= ~cmsg;
    return 0;
  }

  switch (optname) {
    case IN.IP_OPTIONS:
      if (optlen > 40) return -EINVAL;
      /* ip_options_get(): an empty list clears the options; kplay puts none in its packets. */
      return optlen === 0 ? 0 : -ENOPROTOOPT;
    case IN.IP_TOS: /* This sets both TOS and Precedence */
      __ip_sock_set_tos(sk, val);
      return 0;
    case IN.IP_TTL:
      if (optlen < 1) return -EINVAL;
      if (val !== -1 && (val < 1 || val > 255)) return -EINVAL;
      inet.uc_ttl = val;
      return 0;
    case IN.IP_HDRINCL:
      if (sk.sk_type !== SOCK_RAW) return -ENOPROTOOPT;
      inet.hdrincl = !!val;
      return 0;
    case IN.IP_NODEFRAG:
      if (sk.sk_type !== SOCK_RAW) return -ENOPROTOOPT;
      inet.nodefrag = !!val;
      return 0;
    case IN.IP_BIND_ADDRESS_NO_PORT:
      inet.bind_address_no_port = !!val;
      return 0;
    case IN.IP_MTU_DISCOVER:
      if (val < IN.IP_PMTUDISC_DONT || val > IN.IP_PMTUDISC_OMIT) return -EINVAL;
      inet.pmtudisc = val;
      return 0;
    case IN.IP_RECVERR:
      inet.recverr = !!val;
      return 0;
    case IN.IP_RECVERR_RFC4884:
      if (val < 0 || val > 1) return -EINVAL;
      inet.recverr_rfc4884 = !!val;
      return 0;
    case IN.IP_MULTICAST_TTL:
      if (sk.sk_type === SOCK_STREAM) return -EINVAL;
      if (optlen < 1) return -EINVAL;
      if (val === -1) val = 1;
      if (val < 0 || val > 255) return -EINVAL;
      inet.mc_ttl = val;
      return 0;
    case IN.IP_MULTICAST_LOOP:
      if (optlen < 1) return -EINVAL;
      inet.mc_loop = !!val;
      return 0;
    case IN.IP_MULTICAST_ALL:
      if (optlen < 1) return -EINVAL;
      if (val !== 0 && val !== 1) return -EINVAL;
      inet.mc_all = !!val;
      return 0;
    case IN.IP_FREEBIND:
      if (optlen < 1) return -EINVAL;
      inet.freebind = !!val;
      return 0;
    case IN.IP_UNICAST_IF: {
      if (optlen !== 4) return -EINVAL;
      const ifindex = ntohl(val);
      if (ifindex === 0) {
        inet.uc_index = 0;
        return 0;
      }
      if (!dev_get_by_index(ifindex)) return -EADDRNOTAVAIL;
      inet.uc_index = ifindex;
      return 0;
    }
    case IN.IP_IPSEC_POLICY:
    case IN.IP_XFRM_POLICY:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      return xfrm_user_policy();
    case IN.IP_TRANSPARENT:
      if (!!val && !capable(CAP_NET_RAW) && !capable(CAP_NET_ADMIN)) return -EPERM;
      if (optlen < 1) return -EINVAL;
      inet.transparent = !!val;
      return 0;
    case IN.IP_MINTTL:
      if (optlen < 1) return -EINVAL;
      if (val < 0 || val > 255) return -EINVAL;
      inet.min_ttl = val;
      return 0;
    default:
      return -ENOPROTOOPT;
  }
}

/**
 * ip_setsockopt(sk, level, optname, optval, optlen): SOL_IP only; what IP leaves as -ENOPROTOOPT
 * goes to nf_setsockopt, except the options whose -ENOPROTOOPT is IP's own answer.
 */
export function ip_setsockopt(sk: Sock, level: number, optname: number, optval: SockPtr, optlen: number): number {
  if (level !== IN.SOL_IP) return -ENOPROTOOPT;
  let err = do_ip_setsockopt(sk, level, optname, optval, optlen);
  /* we need to exclude all possible ENOPROTOOPTs except default case */
  if (err === -ENOPROTOOPT && optname !== IN.IP_HDRINCL && optname !== IN.IP_IPSEC_POLICY && optname !== IN.IP_XFRM_POLICY && !ip_mroute_opt(optname)) {
    err = nf_setsockopt(sk, PF_INET, optname, optval, optlen);
  }
  return err;
}

/** An int option's value for do_ip_getsockopt, or -ENOPROTOOPT (-ENOTCONN for IP_MTU unconnected). */
function ip_getsockopt_val(sk: Sock, optname: number): number | { err: number } {
  const inet = inet_sk(sk);
  const cmsg = CMSG_OPTIONS.get(optname);
  if (cmsg !== undefined) return (inet.cmsg_flags & cmsg) !== 0 ? 1 : 0;
  switch (optname) {
    case IN.IP_TOS:
      return inet.tos;
    case IN.IP_TTL:
      return inet.uc_ttl === -1 ? IPDEFTTL : inet.uc_ttl;
    case IN.IP_HDRINCL:
      return +inet.hdrincl;
    case IN.IP_NODEFRAG:
      return +inet.nodefrag;
    case IN.IP_BIND_ADDRESS_NO_PORT:
      return +inet.bind_address_no_port;
    case IN.IP_MTU_DISCOVER:
      return inet.pmtudisc;
    case IN.IP_MTU: {
      /* sk_dst_get(): only a connected socket has a cached route */
      const rt = sk.sk_state === TCP_ESTABLISHED ? ip_route_output(inet.inet_daddr) : null;
      if (!rt || typeof rt === "number") return { err: -ENOTCONN };
      return rt.dev.mtu;
    }
    case IN.IP_RECVERR:
      return +inet.recverr;
    case IN.IP_RECVERR_RFC4884:
      return +inet.recverr_rfc4884;
    case IN.IP_MULTICAST_TTL:
      return inet.mc_ttl;
    case IN.IP_MULTICAST_LOOP:
      return +inet.mc_loop;
    case IN.IP_MULTICAST_ALL:
      return +inet.mc_all;
    case IN.IP_UNICAST_IF:
      return ntohl(inet.uc_index) | 0;
    case IN.IP_FREEBIND:
      return +inet.freebind;
    case IN.IP_TRANSPARENT:
      return +inet.transparent;
    case IN.IP_MINTTL:
      return inet.min_ttl;
    default:
      return { err: -ENOPROTOOPT };
  }
}

/**
 * do_ip_getsockopt(): `optlen` is the caller's int (get_user/put_user). A negative length is
 * -EINVAL; a value of 0..255 asked for in fewer than sizeof(int) bytes comes back as one byte.
 */
function do_ip_getsockopt(sk: Sock, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  if (level !== IN.SOL_IP) return -EOPNOTSUPP;
  if (ip_mroute_opt(optname)) return -ENOPROTOOPT;
  let len = optlen.value; /* get_user(len, optlen) */
  if (len < 0) return -EINVAL;

  if (optname === IN.IP_OPTIONS) {
    /* No options are ever set (see IP_OPTIONS above): an empty list. */
    optlen.value = 0;
    return 0;
  }
  if (optname === IN.IP_PKTOPTIONS) {
    if (sk.sk_type !== SOCK_STREAM) return -ENOPROTOOPT;
  }
  const val = ip_getsockopt_val(sk, optname);
  if (typeof val !== "number") return val.err;

  if (len < 4 && len > 0 && val >= 0 && val <= 255) {
    len = 1;
    optlen.value = len; /* put_user(len, optlen) */
    if (copy_to_user(optval, new Uint8Array([val]), 1)) return -EFAULT;
  } else {
    len = Math.min(4, len);
    optlen.value = len;
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, val, true);
    if (copy_to_user(optval, b, len)) return -EFAULT;
  }
  return 0;
}

/**
 * ip_getsockopt(sk, level, optname, optval, optlen): as do_ip_getsockopt; an option IP does not
 * know goes to nf_getsockopt with a kernel copy of the length, written back only on success.
 */
export function ip_getsockopt(sk: Sock, level: number, optname: number, optval: UserPtr, optlen: { value: number }): number {
  let err = do_ip_getsockopt(sk, level, optname, optval, optlen);
  /* we need to exclude all possible ENOPROTOOPTs except default case */
  if (err === -ENOPROTOOPT && optname !== IN.IP_PKTOPTIONS && !ip_mroute_opt(optname)) {
    const len = { value: optlen.value }; /* get_user(len, optlen) */
    err = nf_getsockopt(sk, PF_INET, optname, optval, len);
    if (err >= 0) optlen.value = len.value; /* put_user(len, optlen) */
    return err;
  }
  return err;
}
