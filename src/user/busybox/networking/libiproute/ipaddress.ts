// Mirrors BusyBox 1.35 networking/libiproute/ipaddress.c: "ip addr" (and "ip link show", which is
// ipaddr_list_or_flush with family AF_PACKET). The listing dumps RTM_GETLINK and RTM_GETADDR, keeps
// every message, then prints each link (print_linkinfo) followed by its addresses
// (print_addrinfo). The formats, field for field:
//   print_linkinfo:  printf("%d: %s", ifi_index, IFLA_IFNAME); ": " (or "@%s: " with IFLA_LINK);
//                    print_link_flags() "<LOOPBACK,UP,LOWER_UP> "; "mtu %u "; "qdisc %s ";
//                    "master %s "; "state %s " (operstate_labels); print_queuelen() "qlen %d"
//                    (from ioctl SIOCGIFTXQLEN on an AF_INET SOCK_STREAM socket, nothing when that
//                    socket or ioctl fails); then, unless a non-link family was asked for,
//                    printf("%c    link/%s ", _SL_, ll_type_n2a()) and the IFLA_ADDRESS and
//                    " brd "/" peer " IFLA_BROADCAST; then '\n'.
//   print_addrinfo:  ["%u: %s" with -o] "    inet " ADDR "/%d " ["brd %s "] ["any %s "]
//                    "scope %s " [secondary |tentative |dadfailed |deprecated |dynamic |flags %02x ]
//                    IFA_LABEL; with IFA_CACHEINFO _SL_ then "       valid_lft forever" (or "%dsec")
//                    " preferred_lft forever"; then '\n'.
// So lo on 5.15 reads "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000"
// when the kernel has TCP sockets for print_queuelen, and ends "state UNKNOWN " when it has not.
import { stdout } from "../../../libc/stdio.js";
import * as sk from "../../../libc/socket.js";
import { close, ioctl } from "../../../libc/unistd.js";
import { IFA_ADDRESS, IFA_ANYCAST, IFA_BROADCAST, IFA_CACHEINFO, IFA_F_DADFAILED, IFA_F_DEPRECATED, IFA_F_PERMANENT, IFA_F_SECONDARY, IFA_F_TENTATIVE, IFA_LABEL, IFA_LOCAL, IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_LINK, IFLA_MASTER, IFLA_MTU, IFLA_OPERSTATE, IFLA_QDISC, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLM_F_REQUEST, RTM_DELADDR, RTM_DELLINK, RTM_GETADDR, RTM_GETLINK, RTM_NEWADDR, RTM_NEWLINK, RT_SCOPE_HOST, RT_SCOPE_NOWHERE } from "../../../../include/uapi/netlink.js";
import { ifr_int_get, ifr_name_set, ifreq_alloc, SIOCGIFTXQLEN } from "../../../../include/uapi/sockios.js";
import { applet_name, bb_error_msg, bb_perror_msg } from "../../libbb.js";
import { NLMSG_ALIGN, NLMSG_DATA, parse_rtattr, rta_s32, rta_string, rta_u32, rta_u8, ReqBuf, rtnl_send_check, rtnl_talk, xrtnl_dump_filter, xrtnl_open, xrtnl_wilddump_request, type NlMsg, type RtnlHandle } from "./libnetlink.js";
import { ifinfomsg, ifla_attrs, ll_addr_n2a, ll_index_to_flags, ll_index_to_name, ll_init_map, ll_remember_index, ll_type_n2a, rtnl_rtscope_a2n, rtnl_rtscope_n2a, xll_name_to_index } from "./ll_map.js";
import {
  bb_error_msg_and_die,
  bb_msg_requires_arg,
  duparg,
  duparg2,
  get_addr,
  get_prefix,
  index_in_strings,
  index_in_substrings,
  inet_addr_match,
  invarg_1_to_2,
  ip_globals,
  next_arg,
  rt_addr_n2a,
  type InetPrefix,
} from "./utils.js";
import { IFF_BROADCAST, IFF_LOOPBACK, IFF_LOWER_UP, IFF_MULTICAST, IFF_NOARP, IFF_POINTOPOINT, IFF_RUNNING, IFF_UP } from "../../../../include/uapi/if.js";







/** sizeof(struct ifaddrmsg): family, prefixlen, flags, scope (u8 each), index (u32) */
const IFADDRMSG_SIZE = 8;

interface Ifaddrmsg {
  ifa_family: number;
  ifa_prefixlen: number;
  ifa_flags: number;
  ifa_scope: number;
  ifa_index: number;
}

function ifaddrmsg(n: NlMsg): Ifaddrmsg {
  const b = NLMSG_DATA(n);
  const u = (o: number): number => b[o] ?? 0;
  return { ifa_family: u(0), ifa_prefixlen: u(1), ifa_flags: u(2), ifa_scope: u(3), ifa_index: b.length >= 8 ? new DataView(b.buffer, b.byteOffset + 4, 4).getUint32(0, true) : 0 };
}

/** IFA_RTA(ifa) .. n->nlmsg_len */
const ifa_attrs = (n: NlMsg): Map<number, Uint8Array> => parse_rtattr(n.raw.subarray(16 + NLMSG_ALIGN(IFADDRMSG_SIZE), n.len));

/** struct filter_t */
interface Filter {
  label: string | null;
  scope: number;
  scopemask: number;
  flags: number;
  flagmask: number;
  ifindex: number;
  family: number;
  showqueue: boolean;
  oneline: boolean;
  up: boolean;
  pfx: InetPrefix | null;
  /** flush mode: the RTM_DELADDR requests print_addrinfo builds */
  flushb: Uint8Array[] | null;
}

const out = (s: string): void => stdout().put(s);

/** fnmatch(pattern, string, 0): *, ? and [...] */
function fnmatch(pattern: string, s: string): boolean {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let set = pattern.slice(i + 1, end);
        if (set[0] === "!") set = "^" + set.slice(1);
        re += `[${set.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) re += "\\" + pattern[++i];
    else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s").test(s);
}

/** print_link_flags(flags, mdown) */
function print_link_flags(flags: number, mdown: number): void {
  const flag_masks = [IFF_LOOPBACK, IFF_BROADCAST, IFF_POINTOPOINT, IFF_MULTICAST, IFF_NOARP, IFF_UP, IFF_LOWER_UP];
  const flag_labels = ["LOOPBACK", "BROADCAST", "POINTOPOINT", "MULTICAST", "NOARP", "UP", "LOWER_UP"];
  out("<");
  if (flags & IFF_UP && !(flags & IFF_RUNNING)) out("NO-CARRIER,");
  flags &= ~IFF_RUNNING;
  /* print_flags_separated(flag_masks, flag_labels, flags, ",") */
  let sep = "";
  flag_masks.forEach((m, i) => {
    if (flags & m) {
      out(sep + flag_labels[i]);
      sep = ",";
      flags &= ~m;
    }
  });
  if (flags) out((flags >>> 0).toString(16));
  if (mdown) out(",M-DOWN");
  out("> ");
}

/** print_queuelen(name): "qlen %d" from SIOCGIFTXQLEN, or nothing. */
async function print_queuelen(name: string): Promise<void> {
  const s = await sk.socket(sk.AF_INET, sk.SOCK_STREAM, 0);
  if (s < 0) return;
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, name);
  /* ioctl_or_warn(s, SIOCGIFTXQLEN, &ifr): IOCTL_HEX2STR_ERROR names the request */
  if ((await ioctl(s, SIOCGIFTXQLEN, ifr)) < 0) {
    bb_perror_msg("SIOCGIFTXQLEN");
    close(s);
    return;
  }
  close(s);
  const qlen = ifr_int_get(ifr);
  if (qlen) out(`qlen ${qlen}`);
}

async function print_linkinfo(G: Filter, n: NlMsg): Promise<number> {
  if (n.type !== RTM_NEWLINK && n.type !== RTM_DELLINK) return 0;
  if (n.len - 32 < 0) return -1;
  const ifi = ifinfomsg(n);
  if (G.ifindex && ifi.ifi_index !== G.ifindex) return 0;
  if (G.up && !(ifi.ifi_flags & IFF_UP)) return 0;
  const tb = ifla_attrs(n);
  const ifname = tb.get(IFLA_IFNAME);
  if (!ifname) {
    bb_error_msg("nil ifname");
    return -1;
  }
  const name = rta_string(ifname);
  if (G.label && (!G.family || G.family === sk.AF_PACKET) && !fnmatch(G.label, name)) return 0;

  if (n.type === RTM_DELLINK) out("Deleted ");
  out(`${ifi.ifi_index}: ${name}`);
  let m_flag = 0;
  const link = tb.get(IFLA_LINK);
  if (link) {
    const iflink = rta_s32(link);
    if (iflink === 0) out("@NONE: ");
    else {
      out(`@${ll_index_to_name(iflink)}: `);
      m_flag = ll_index_to_flags(iflink) & IFF_UP ? 0 : 1;
    }
  } else {
    out(": ");
  }
  print_link_flags(ifi.ifi_flags, m_flag);

  const mtu = tb.get(IFLA_MTU);
  if (mtu) out(`mtu ${rta_u32(mtu)} `);
  const qdisc = tb.get(IFLA_QDISC);
  if (qdisc) out(`qdisc ${rta_string(qdisc)} `);
  const master = tb.get(IFLA_MASTER);
  if (master) out(`master ${ll_index_to_name(rta_s32(master))} `);
  const operstate = tb.get(IFLA_OPERSTATE);
  if (operstate) {
    const operstate_labels = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"];
    out(`state ${operstate_labels[rta_u8(operstate)] ?? ""} `);
  }
  if (G.showqueue) await print_queuelen(name);

  if (!G.family || G.family === sk.AF_PACKET) {
    out(`${ip_globals()._SL_}    link/${ll_type_n2a(ifi.ifi_type)} `);
    const addr = tb.get(IFLA_ADDRESS);
    if (addr) out(ll_addr_n2a(addr, ifi.ifi_type));
    const brd = tb.get(IFLA_BROADCAST);
    if (brd) {
      out(ifi.ifi_flags & IFF_POINTOPOINT ? " peer " : " brd ");
      out(ll_addr_n2a(brd, ifi.ifi_type));
    }
  }
  out("\n");
  return 0;
}

async function print_addrinfo(G: Filter, n: NlMsg): Promise<number> {
  if (n.type !== RTM_NEWADDR && n.type !== RTM_DELADDR) return 0;
  const len = n.len - (16 + IFADDRMSG_SIZE);
  if (len < 0) {
    bb_error_msg(`wrong nlmsg len ${len}`);
    return -1;
  }
  if (G.flushb && n.type !== RTM_NEWADDR) return 0;

  const ifa = ifaddrmsg(n);
  const rta_tb = ifa_attrs(n);
  if (!rta_tb.has(IFA_LOCAL) && rta_tb.has(IFA_ADDRESS)) rta_tb.set(IFA_LOCAL, rta_tb.get(IFA_ADDRESS)!);
  if (!rta_tb.has(IFA_ADDRESS) && rta_tb.has(IFA_LOCAL)) rta_tb.set(IFA_ADDRESS, rta_tb.get(IFA_LOCAL)!);

  if (G.ifindex && G.ifindex !== ifa.ifa_index) return 0;
  if ((G.scope ^ ifa.ifa_scope) & G.scopemask) return 0;
  if ((G.flags ^ ifa.ifa_flags) & G.flagmask) return 0;
  if (G.label) {
    const lab = rta_tb.get(IFA_LABEL);
    const label = lab ? rta_string(lab) : ll_index_to_name(ifa.ifa_index);
    if (!fnmatch(G.label, label)) return 0;
  }
  if (G.pfx?.family) {
    const local = rta_tb.get(IFA_LOCAL);
    if (local) {
      const dst: InetPrefix = { family: ifa.ifa_family, bytelen: 0, bitlen: 0, data: new Uint8Array(16) };
      dst.data.set(local.subarray(0, 16));
      if (inet_addr_match(dst, G.pfx, G.pfx.bitlen)) return 0;
    }
  }

  if (G.flushb) {
    /* the same message, to be sent back as an RTM_DELADDR request */
    G.flushb.push(n.raw.slice(0, n.len));
    return 0;
  }

  if (n.type === RTM_DELADDR) out("Deleted ");
  if (G.oneline) out(`${ifa.ifa_index}: ${ll_index_to_name(ifa.ifa_index)}`);
  if (ifa.ifa_family === sk.AF_INET) out("    inet ");
  else if (ifa.ifa_family === sk.AF_INET6) out("    inet6 ");
  else out(`    family ${ifa.ifa_family} `);

  const local = rta_tb.get(IFA_LOCAL);
  if (local) {
    out(rt_addr_n2a(ifa.ifa_family, local));
    const address = rta_tb.get(IFA_ADDRESS);
    if (!address || address.subarray(0, 4).every((b, i) => b === local[i])) {
      out(`/${ifa.ifa_prefixlen} `);
    } else {
      out(` peer ${rt_addr_n2a(ifa.ifa_family, address)}/${ifa.ifa_prefixlen} `);
    }
  }
  const brd = rta_tb.get(IFA_BROADCAST);
  if (brd) out(`brd ${rt_addr_n2a(ifa.ifa_family, brd)} `);
  const any = rta_tb.get(IFA_ANYCAST);
  if (any) out(`any ${rt_addr_n2a(ifa.ifa_family, any)} `);
  out(`scope ${rtnl_rtscope_n2a(ifa.ifa_scope)} `);
  let flags = ifa.ifa_flags;
  if (flags & IFA_F_SECONDARY) {
    flags &= ~IFA_F_SECONDARY;
    out("secondary ");
  }
  if (flags & IFA_F_TENTATIVE) {
    flags &= ~IFA_F_TENTATIVE;
    out("tentative ");
  }
  if (flags & IFA_F_DADFAILED) {
    flags &= ~IFA_F_DADFAILED;
    out("dadfailed ");
  }
  if (flags & IFA_F_DEPRECATED) {
    flags &= ~IFA_F_DEPRECATED;
    out("deprecated ");
  }
  if (!(flags & IFA_F_PERMANENT)) out("dynamic ");
  else flags &= ~IFA_F_PERMANENT;
  if (flags) out(`flags ${flags.toString(16).padStart(2, "0")} `);
  const label = rta_tb.get(IFA_LABEL);
  if (label) out(rta_string(label));
  const ci = rta_tb.get(IFA_CACHEINFO);
  if (ci) {
    /* struct ifa_cacheinfo { ifa_prefered; ifa_valid; cstamp; tstamp; } */
    const d = new DataView(ci.buffer, ci.byteOffset, ci.length);
    const prefered = ci.length >= 4 ? d.getUint32(0, true) : 0;
    const valid = ci.length >= 8 ? d.getUint32(4, true) : 0;
    out(ip_globals()._SL_);
    let buf = valid === 0xffffffff ? "valid_lft forever" : `valid_lft ${valid | 0}sec`;
    buf += prefered === 0xffffffff ? " preferred_lft forever" : ` preferred_lft ${prefered | 0}sec`;
    out(`       ${buf}`);
  }
  out("\n");
  return 0;
}

/** print_selected_addrinfo(ifindex, ainfo) */
async function print_selected_addrinfo(G: Filter, ifindex: number, ainfo: NlMsg[]): Promise<number> {
  for (const n of ainfo) {
    if (n.type !== RTM_NEWADDR) continue;
    if (n.len < 16 + 4 /* NLMSG_LENGTH(sizeof(ifa)), a pointer */) return -1;
    const ifa = ifaddrmsg(n);
    if (ifa.ifa_index !== ifindex || (G.family && G.family !== ifa.ifa_family)) continue;
    await print_addrinfo(G, n);
  }
  return 0;
}

/** ipaddr_list_or_flush(argv, flush): "ip addr [show|flush]" and "ip link [show]". */
export async function ipaddr_list_or_flush(argv: string[], flush: boolean): Promise<number> {
  const option = ["to", "scope", "up", "label", "dev"];
  const IP = ip_globals();
  const G: Filter = {
    label: null,
    scope: 0,
    scopemask: 0,
    flags: 0,
    flagmask: 0,
    ifindex: 0,
    family: IP.preferred_family,
    showqueue: true,
    oneline: IP.oneline,
    up: false,
    pfx: null,
    flushb: null,
  };
  let filter_dev: string | null = null;

  if (flush) {
    if (argv.length === 0) return bb_error_msg_and_die(bb_msg_requires_arg("flush"));
    if (G.family === sk.AF_PACKET) return bb_error_msg_and_die("can't flush link addresses");
  }

  for (let i = 0; i < argv.length; i++) {
    const key = index_in_strings(option, argv[i]);
    if (key === 0) {
      /* to */
      i = await next_arg(argv, i);
      G.pfx = await get_prefix(argv[i], G.family);
      if (G.family === sk.AF_UNSPEC) G.family = G.pfx.family;
    } else if (key === 1) {
      /* scope */
      i = await next_arg(argv, i);
      G.scopemask = -1;
      let scope = rtnl_rtscope_a2n(argv[i]);
      if (scope === null) {
        if (argv[i] !== "all") await invarg_1_to_2(argv[i], "scope");
        scope = RT_SCOPE_NOWHERE;
        G.scopemask = 0;
      }
      G.scope = scope;
    } else if (key === 2) {
      G.up = true;
    } else if (key === 3) {
      i = await next_arg(argv, i);
      G.label = argv[i];
    } else {
      if (key === 4) i = await next_arg(argv, i);
      if (filter_dev) await duparg2("dev", argv[i]);
      filter_dev = argv[i];
    }
  }

  const rth = await xrtnl_open();
  const linfo: NlMsg[] = [];
  const store = (list: NlMsg[]) => (who: Uint8Array, n: NlMsg): number => {
    list.push({ ...n, raw: n.raw.slice() });
    ll_remember_index(who, n);
    return 0;
  };
  await xrtnl_wilddump_request(rth, IP.preferred_family, RTM_GETLINK);
  await xrtnl_dump_filter(rth, store(linfo));

  if (filter_dev) G.ifindex = await xll_name_to_index(filter_dev);

  if (flush) return ipaddr_flush(G, rth);

  let ainfo: NlMsg[] = [];
  if (G.family !== sk.AF_PACKET) {
    await xrtnl_wilddump_request(rth, G.family, RTM_GETADDR);
    await xrtnl_dump_filter(rth, store(ainfo));
  }

  let links = linfo;
  if (G.family && G.family !== sk.AF_PACKET) {
    /* keep only the links that have an address the filter takes */
    links = linfo.filter((l) => {
      const ifi = ifinfomsg(l);
      return ainfo.some((n) => {
        const ifa = ifaddrmsg(n);
        if (ifa.ifa_index !== ifi.ifi_index || (G.family && G.family !== ifa.ifa_family)) return false;
        if ((G.scope ^ ifa.ifa_scope) & G.scopemask) return false;
        if ((G.flags ^ ifa.ifa_flags) & G.flagmask) return false;
        if (G.pfx?.family || G.label) {
          const tb = ifa_attrs(n);
          const local = tb.get(IFA_LOCAL) ?? tb.get(IFA_ADDRESS);
          if (G.pfx?.family && local) {
            const dst: InetPrefix = { family: ifa.ifa_family, bytelen: 0, bitlen: 0, data: new Uint8Array(16) };
            dst.data.set(local.subarray(0, 16));
            if (inet_addr_match(dst, G.pfx, G.pfx.bitlen)) return false;
          }
          if (G.label) {
            const lab = tb.get(IFA_LABEL);
            if (!fnmatch(G.label, lab ? rta_string(lab) : ll_index_to_name(ifa.ifa_index))) return false;
          }
        }
        return true;
      });
    });
  }
  ainfo = ainfo.slice();

  for (const l of links) {
    /* "ip -oneline a" does not print link info */
    if ((G.oneline && G.family !== sk.AF_PACKET) || (await print_linkinfo(G, l)) === 0) {
      if (G.family !== sk.AF_PACKET) await print_selected_addrinfo(G, ifinfomsg(l).ifi_index, ainfo);
    }
  }
  return 0;
}

/**
 * The flush loop: dump the addresses, let print_addrinfo turn the ones the filter takes into
 * RTM_DELADDR requests (a copy of the message, type RTM_DELADDR, flags NLM_F_REQUEST, a new seq),
 * send them with rtnl_send_check (flush_update), and dump again until nothing is left to delete.
 */
async function ipaddr_flush(G: Filter, rth: RtnlHandle): Promise<number> {
  const flushe = 4096 - 512;
  for (;;) {
    G.flushb = [];
    await xrtnl_wilddump_request(rth, G.family, RTM_GETADDR);
    await xrtnl_dump_filter(rth, (_who, n) => print_addrinfo(G, n));
    if (G.flushb.length === 0) return 0;
    /* flush_update() whenever the next message would not fit in flushb[4096-512] */
    let chunk: Uint8Array[] = [];
    let flushp = 0;
    const flush_update = async (): Promise<boolean> => {
      const buf = new Uint8Array(flushp);
      let at = 0;
      for (const m of chunk) {
        buf.set(m, at);
        at = NLMSG_ALIGN(at + m.length);
      }
      chunk = [];
      flushp = 0;
      if ((await rtnl_send_check(rth, buf)) < 0) {
        bb_perror_msg("can't send flush request");
        return false;
      }
      return true;
    };
    for (const m of G.flushb) {
      if (NLMSG_ALIGN(flushp) + m.length > flushe && !(await flush_update())) return 1;
      const d = new DataView(m.buffer, m.byteOffset, m.length);
      d.setUint16(4, RTM_DELADDR, true);
      d.setUint16(6, NLM_F_REQUEST, true);
      rth.seq = (rth.seq + 1) >>> 0;
      d.setUint32(8, rth.seq, true);
      chunk.push(m);
      flushp = NLMSG_ALIGN(flushp) + m.length;
    }
    if (!(await flush_update())) return 1;
  }
}

/** default_scope(lcl): host for 127.x.x.x */
const default_scope = (lcl: InetPrefix | null): number => (lcl && lcl.family === sk.AF_INET && lcl.bytelen >= 1 && lcl.data[0] === 127 ? RT_SCOPE_HOST : 0);

/** ipaddr_modify(cmd, flags, argv): "ip addr add|change|replace|delete". */
async function ipaddr_modify(cmd: number, flags: number, argv: string[]): Promise<number> {
  const option = ["peer", "remote", "broadcast", "brd", "anycast", "scope", "dev", "label", "local"];
  const IP = ip_globals();
  const ifa = new Uint8Array(IFADDRMSG_SIZE);
  ifa[0] = IP.preferred_family;
  const attrs: [number, Uint8Array][] = [];
  let d: string | null = null;
  let l: string | null = null;
  let lcl: InetPrefix | null = null;
  let peer: InetPrefix | null = null;
  let local_len = 0;
  let peer_len = 0;
  let brd_len = 0;
  let any_len = 0;
  let scoped = false;

  for (let i = 0; i < argv.length; i++) {
    let arg = index_in_strings(option, argv[i]);
    if (arg >= 0) i = await next_arg(argv, i);
    else arg = 8; /* if search fails, "local" is assumed */
    if (arg <= 1) {
      if (peer_len) await duparg("peer", argv[i]);
      peer = await get_prefix(argv[i], ifa[0]);
      peer_len = peer.bytelen;
      if (ifa[0] === sk.AF_UNSPEC) ifa[0] = peer.family;
      attrs.push([IFA_ADDRESS, peer.data.slice(0, peer.bytelen)]);
      ifa[1] = peer.bitlen & 0xff;
    } else if (arg <= 3) {
      if (brd_len) await duparg("broadcast", argv[i]);
      if (argv[i] === "+") brd_len = -1;
      else if (argv[i] === "-") brd_len = -2;
      else {
        const addr = await get_addr(argv[i], ifa[0]);
        if (ifa[0] === sk.AF_UNSPEC) ifa[0] = addr.family;
        attrs.push([IFA_BROADCAST, addr.data.slice(0, addr.bytelen)]);
        brd_len = addr.bytelen;
      }
    } else if (arg === 4) {
      if (any_len) await duparg("anycast", argv[i]);
      const addr = await get_addr(argv[i], ifa[0]);
      if (ifa[0] === sk.AF_UNSPEC) ifa[0] = addr.family;
      attrs.push([IFA_ANYCAST, addr.data.slice(0, addr.bytelen)]);
      any_len = addr.bytelen;
    } else if (arg === 5) {
      const scope = rtnl_rtscope_a2n(argv[i]);
      if (scope === null) return invarg_1_to_2(argv[i], "scope");
      ifa[3] = scope;
      scoped = true;
    } else if (arg === 6) {
      d = argv[i];
    } else if (arg === 7) {
      l = argv[i];
      const e = new TextEncoder().encode(l);
      const b = new Uint8Array(e.length + 1);
      b.set(e);
      attrs.push([IFA_LABEL, b]);
    } else {
      if (local_len) await duparg2("local", argv[i]);
      lcl = await get_prefix(argv[i], ifa[0]);
      if (ifa[0] === sk.AF_UNSPEC) ifa[0] = lcl.family;
      attrs.push([IFA_LOCAL, lcl.data.slice(0, lcl.bytelen)]);
      local_len = lcl.bytelen;
    }
  }

  if (!d) return bb_error_msg_and_die('need "dev IFACE"');
  if (l && !l.startsWith(d)) return bb_error_msg_and_die(`"dev" (${d}) must match "label" (${l})`);

  if (peer_len === 0 && local_len && cmd !== RTM_DELADDR && lcl) {
    peer = lcl;
    attrs.push([IFA_ADDRESS, lcl.data.slice(0, lcl.bytelen)]);
  }
  if (ifa[1] === 0) ifa[1] = (lcl?.bitlen ?? 0) & 0xff;

  if (brd_len < 0 && cmd !== RTM_DELADDR) {
    if (ifa[0] !== sk.AF_INET) return bb_error_msg_and_die("broadcast can be set only for IPv4 addresses");
    if (peer && peer.bitlen <= 30) {
      const brd = peer.data.slice(0, 4);
      const dv = new DataView(brd.buffer);
      let a = dv.getUint32(0, false);
      for (let i = 31; i >= peer.bitlen; i--) {
        if (brd_len === -1) a |= 1 << (31 - i);
        else a &= ~(1 << (31 - i));
      }
      dv.setUint32(0, a >>> 0, false);
      attrs.push([IFA_BROADCAST, brd]);
    }
  }
  if (!scoped && cmd !== RTM_DELADDR) ifa[3] = default_scope(lcl);

  const rth = await xrtnl_open();
  await ll_init_map(rth);
  new DataView(ifa.buffer).setUint32(4, await xll_name_to_index(d), true);
  const req = new ReqBuf(ifa);
  for (const [type, data] of attrs) req.addattr_l(type, data);
  if (!(await rtnl_talk(rth, cmd, NLM_F_REQUEST | flags, req.bytes, false))) return 2;
  return 0;
}

/** do_ipaddr(argv) */
export async function do_ipaddr(argv: string[]): Promise<number> {
  const commands = ["add", "change", "chg", "replace", "delete", "list", "show", "lst", "flush"];
  let cmd = 2;
  if (argv.length) {
    cmd = index_in_substrings(commands, argv[0]);
    if (cmd < 0) return invarg_1_to_2(argv[0], applet_name());
    const rest = argv.slice(1);
    if (cmd <= 4) {
      return ipaddr_modify(
        cmd === 4 ? RTM_DELADDR : RTM_NEWADDR,
        cmd === 0 ? NLM_F_CREATE | NLM_F_EXCL : cmd === 1 || cmd === 2 ? NLM_F_REPLACE : cmd === 3 ? NLM_F_CREATE | NLM_F_REPLACE : 0,
        rest,
      );
    }
    return ipaddr_list_or_flush(rest, cmd === 8);
  }
  return ipaddr_list_or_flush(argv, false);
}

