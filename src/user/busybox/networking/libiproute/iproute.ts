// Mirrors BusyBox 1.35 networking/libiproute/iproute.c, the listing half: "ip route [list|show]
// [SELECTOR]" dumps RTM_GETROUTE and prints each route print_route() keeps. The filter starts at
// table main (G_filter.tb = RT_TABLE_MAIN) and an unspecified family becomes AF_INET, so on a
// machine whose only routes are lo's (all in table local) "ip route" prints nothing. The format:
// [TYPE ] DST[/LEN] |default [from SRC ][via GW ][dev IF ][table T ][scope S ][ src PREFSRC ]
// [ metric N ][dead ][onlink ][pervasive ][notify ][ iif IF]'\n'. "add/del/change/..." (and get,
// flush) are not built: kplay's routing table is fixed.
import { fprintf, stderr, stdout } from "../../../libc/stdio.js";
import * as sk from "../../../libc/socket.js";
import { RTA_CACHEINFO, RTA_DST, RTA_GATEWAY, RTA_IIF, RTA_OIF, RTA_PREFSRC, RTA_PRIORITY, RTA_SRC, RTA_TABLE, RTM_DELROUTE, RTM_F_CLONED, RTM_F_NOTIFY, RTM_GETROUTE, RTM_NEWROUTE, RTNH_F_DEAD, RTNH_F_ONLINK, RTNH_F_PERVASIVE, RTN_LOCAL, RTN_UNICAST, RT_SCOPE_NOWHERE, RT_SCOPE_UNIVERSE, RT_TABLE_LOCAL, RT_TABLE_MAIN } from "../../../../include/uapi/netlink.js";
import { applet_name } from "../../libbb.js";
import { NLMSG_ALIGN, NLMSG_DATA, parse_rtattr, rta_s32, rta_u32, xrtnl_dump_filter, xrtnl_open, xrtnl_wilddump_request, type NlMsg } from "./libnetlink.js";
import { ll_index_to_name, ll_init_map, rtnl_rtntype_n2a, rtnl_rtscope_a2n, rtnl_rtscope_n2a, rtnl_rttable_a2n, rtnl_rttable_n2a, xll_name_to_index } from "./ll_map.js";
import {
  bb_error_msg_and_die,
  get_prefix,
  index_in_strings,
  index_in_substrings,
  inet_addr_match,
  invarg_1_to_2,
  ip_globals,
  ip_show_usage,
  next_arg,
  rt_addr_n2a,
  type InetPrefix,
} from "./utils.js";




/** sizeof(struct rtmsg) */
const RTMSG_SIZE = 12;

interface Rtmsg {
  rtm_family: number;
  rtm_dst_len: number;
  rtm_src_len: number;
  rtm_tos: number;
  rtm_table: number;
  rtm_protocol: number;
  rtm_scope: number;
  rtm_type: number;
  rtm_flags: number;
}

function rtmsg(n: NlMsg): Rtmsg {
  const b = NLMSG_DATA(n);
  const u = (o: number): number => b[o] ?? 0;
  return {
    rtm_family: u(0),
    rtm_dst_len: u(1),
    rtm_src_len: u(2),
    rtm_tos: u(3),
    rtm_table: u(4),
    rtm_protocol: u(5),
    rtm_scope: u(6),
    rtm_type: u(7),
    rtm_flags: b.length >= 12 ? new DataView(b.buffer, b.byteOffset + 8, 4).getUint32(0, true) : 0,
  };
}

/** struct filter_t (the listing's fields) */
interface Filter {
  tb: number;
  scope: number;
  scopemask: number;
  iif: number;
  oif: number;
  rvia: InetPrefix;
  rdst: InetPrefix;
  mdst: InetPrefix;
  rsrc: InetPrefix;
  msrc: InetPrefix;
}

const out = (s: string): void => stdout().put(s);

const no_prefix = (bitlen = 0): InetPrefix => ({ family: sk.AF_UNSPEC, bytelen: 0, bitlen, data: new Uint8Array(16) });

function print_route(G: Filter, n: NlMsg): number {
  if (n.type !== RTM_NEWROUTE && n.type !== RTM_DELROUTE) {
    fprintf(stderr(), "Not a route: %08x %08x %08x\n", n.len, n.type, n.flags);
    return 0;
  }
  const r = rtmsg(n);
  const len = n.len - (16 + RTMSG_SIZE);
  if (len < 0) {
    void bb_error_msg_and_die(`wrong nlmsg len ${len}`);
    return -1;
  }
  const tb = parse_rtattr(n.raw.subarray(16 + NLMSG_ALIGN(RTMSG_SIZE), n.len));
  const table = tb.get(RTA_TABLE);
  const tid = table ? rta_u32(table) : r.rtm_table;
  const host_len = r.rtm_family === sk.AF_INET6 ? 128 : r.rtm_family === sk.AF_INET ? 32 : -1;

  if (r.rtm_family === sk.AF_INET6) {
    if (G.tb) {
      if (G.tb < 0) {
        if (!(r.rtm_flags & RTM_F_CLONED)) return 0;
      } else {
        if (r.rtm_flags & RTM_F_CLONED) return 0;
        if (G.tb === RT_TABLE_LOCAL) {
          if (r.rtm_type !== RTN_LOCAL) return 0;
        } else if (G.tb === RT_TABLE_MAIN) {
          if (r.rtm_type === RTN_LOCAL) return 0;
        } else {
          return 0;
        }
      }
    }
  } else if (G.tb > 0 && G.tb !== tid) {
    return 0;
  }
  if ((G.scope ^ r.rtm_scope) & G.scopemask) return 0;
  if (G.rdst.family && (r.rtm_family !== G.rdst.family || G.rdst.bitlen > r.rtm_dst_len)) return 0;
  if (G.mdst.family && (r.rtm_family !== G.mdst.family || (G.mdst.bitlen >= 0 && G.mdst.bitlen < r.rtm_dst_len))) return 0;
  if (G.rsrc.family && (r.rtm_family !== G.rsrc.family || G.rsrc.bitlen > r.rtm_src_len)) return 0;
  if (G.msrc.family && (r.rtm_family !== G.msrc.family || (G.msrc.bitlen >= 0 && G.msrc.bitlen < r.rtm_src_len))) return 0;

  const bytelen = r.rtm_family === sk.AF_INET6 ? 16 : 4;
  const src = no_prefix();
  const dst = no_prefix();
  const rta_src = tb.get(RTA_SRC);
  const rta_dst = tb.get(RTA_DST);
  if (rta_src) src.data.set(rta_src.subarray(0, bytelen));
  if (rta_dst) dst.data.set(rta_dst.subarray(0, bytelen));
  if (G.rdst.family && inet_addr_match(dst, G.rdst, G.rdst.bitlen)) return 0;
  if (G.mdst.family && G.mdst.bitlen >= 0 && inet_addr_match(dst, G.mdst, r.rtm_dst_len)) return 0;
  if (G.rsrc.family && inet_addr_match(src, G.rsrc, G.rsrc.bitlen)) return 0;
  if (G.msrc.family && G.msrc.bitlen >= 0 && inet_addr_match(src, G.msrc, r.rtm_src_len)) return 0;
  if (G.oif !== 0) {
    const oif = tb.get(RTA_OIF);
    if (!oif || G.oif !== rta_s32(oif)) return 0;
  }

  if (n.type === RTM_DELROUTE) out("Deleted ");
  if (r.rtm_type !== RTN_UNICAST) out(`${rtnl_rtntype_n2a(r.rtm_type)} `);
  if (rta_dst) {
    if (r.rtm_dst_len !== host_len) out(`${rt_addr_n2a(r.rtm_family, rta_dst)}/${r.rtm_dst_len} `);
    else out(`${rt_addr_n2a(r.rtm_family, rta_dst)} `);
  } else if (r.rtm_dst_len) {
    out(`0/${r.rtm_dst_len} `);
  } else {
    out("default ");
  }
  if (rta_src) {
    if (r.rtm_src_len !== host_len) out(`from ${rt_addr_n2a(r.rtm_family, rta_src)}/${r.rtm_src_len} `);
    else out(`from ${rt_addr_n2a(r.rtm_family, rta_src)} `);
  } else if (r.rtm_src_len) {
    out(`from 0/${r.rtm_src_len} `);
  }
  const gw = tb.get(RTA_GATEWAY);
  if (gw && G.rvia.bitlen !== host_len) out(`via ${rt_addr_n2a(r.rtm_family, gw)} `);
  const oif = tb.get(RTA_OIF);
  if (oif) out(`dev ${ll_index_to_name(rta_s32(oif))} `);
  /* ENABLE_FEATURE_IP_RULE */
  if (tid && tid !== RT_TABLE_MAIN && !G.tb) out(`table ${rtnl_rttable_n2a(tid)} `);
  if (!(r.rtm_flags & RTM_F_CLONED)) {
    if (r.rtm_scope !== RT_SCOPE_UNIVERSE && G.scopemask !== -1) out(`scope ${rtnl_rtscope_n2a(r.rtm_scope)} `);
  }
  const prefsrc = tb.get(RTA_PREFSRC);
  /* "  if (prefsrc && 0 !== host_len) out  if (prefsrc && 0 !== host_len) out G_filter.rprefsrc.bitlen (always 0) != host_len": host_len is never 0 */
  if (prefsrc) out(` src ${rt_addr_n2a(r.rtm_family, prefsrc)} `);
  const prio = tb.get(RTA_PRIORITY);
  if (prio) out(` metric ${rta_s32(prio)} `);
  if (r.rtm_flags & RTNH_F_DEAD) out("dead ");
  if (r.rtm_flags & RTNH_F_ONLINK) out("onlink ");
  if (r.rtm_flags & RTNH_F_PERVASIVE) out("pervasive ");
  if (r.rtm_flags & RTM_F_NOTIFY) out("notify ");
  if (r.rtm_family === sk.AF_INET6) {
    const cinfo = tb.get(RTA_CACHEINFO);
    /* struct rta_cacheinfo: clntref, lastuse, expires, error, used, ... (u32 each) */
    const ci = cinfo ? new DataView(cinfo.buffer, cinfo.byteOffset, cinfo.length) : null;
    const expires = ci && cinfo!.length >= 12 ? ci.getInt32(8, true) : 0;
    const error = ci && cinfo!.length >= 16 ? ci.getUint32(12, true) : 0;
    if (r.rtm_flags & RTM_F_CLONED || (ci && expires)) {
      if (r.rtm_flags & RTM_F_CLONED) out(`${ip_globals()._SL_}    cache `);
      if (expires) out(` expires ${Math.trunc(expires / 100)}sec`);
      if (error !== 0) out(` error ${error | 0}`);
    } else if (ci && error !== 0) {
      out(` error ${error | 0}`);
    }
  }
  const iif = tb.get(RTA_IIF);
  if (iif && G.iif === 0) out(` iif ${ll_index_to_name(rta_s32(iif))}`);
  out("\n");
  return 0;
}

/** iproute_list_or_flush(argv, 0) */
async function iproute_list(argv: string[]): Promise<number> {
  let do_ipv6 = ip_globals().preferred_family;
  const keywords = ["protocol", "dev", "oif", "iif", "via", "table", "cache", "from", "to", "scope", "all", "root", "match", "exact", "main"];
  const [KW_proto, KW_dev, KW_oif, KW_iif, KW_via, KW_table, KW_cache, KW_from, KW_to, KW_scope, KW_all, KW_root, KW_match, KW_exact, KW_main] = keywords.map((_, i) => i);
  const G: Filter = { tb: RT_TABLE_MAIN, scope: 0, scopemask: 0, iif: 0, oif: 0, rvia: no_prefix(), rdst: no_prefix(), mdst: no_prefix(-1), rsrc: no_prefix(), msrc: no_prefix(-1) };
  let id: string | null = null;
  let od: string | null = null;

  for (let i = 0; i < argv.length; i++) {
    let arg = index_in_substrings(keywords, argv[i]);
    if (arg === KW_proto) {
      i = await next_arg(argv, i);
      if (!/^(kernel|boot|static|redirect|unspec|[0-9]+)$/.test(argv[i]) && index_in_strings(keywords, argv[i]) !== KW_all) await invarg_1_to_2(argv[i], "protocol");
    } else if (arg === KW_dev || arg === KW_oif) {
      i = await next_arg(argv, i);
      od = argv[i];
    } else if (arg === KW_iif) {
      i = await next_arg(argv, i);
      id = argv[i];
    } else if (arg === KW_via) {
      i = await next_arg(argv, i);
      G.rvia = await get_prefix(argv[i], do_ipv6);
    } else if (arg === KW_table) {
      i = await next_arg(argv, i);
      const parm = index_in_substrings(keywords, argv[i]);
      if (parm === KW_cache) G.tb = -1;
      else if (parm === KW_all) G.tb = 0;
      else if (parm !== KW_main) {
        const tid = rtnl_rttable_a2n(argv[i]);
        if (tid === null) await invarg_1_to_2(argv[i], "table");
        G.tb = tid!;
      }
    } else if (arg === KW_cache) {
      G.tb = -1;
    } else if (arg === KW_scope) {
      i = await next_arg(argv, i);
      G.scopemask = -1;
      let scope = rtnl_rtscope_a2n(argv[i]);
      if (scope === null) {
        if (argv[i] !== "all") await invarg_1_to_2(argv[i], "scope");
        scope = RT_SCOPE_NOWHERE;
        G.scopemask = 0;
      }
      G.scope = scope;
    } else if (arg === KW_from) {
      i = await next_arg(argv, i);
      const parm = index_in_substrings(keywords, argv[i]);
      if (parm === KW_root) {
        i = await next_arg(argv, i);
        G.rsrc = await get_prefix(argv[i], do_ipv6);
      } else if (parm === KW_match) {
        i = await next_arg(argv, i);
        G.msrc = await get_prefix(argv[i], do_ipv6);
      } else {
        if (parm === KW_exact) i = await next_arg(argv, i);
        G.msrc = await get_prefix(argv[i], do_ipv6);
        G.rsrc = G.msrc;
      }
    } else {
      /* "to" is the default parameter */
      if (arg === KW_to) {
        i = await next_arg(argv, i);
        arg = index_in_substrings(keywords, argv[i]);
      }
      if (arg === KW_root) {
        i = await next_arg(argv, i);
        G.rdst = await get_prefix(argv[i], do_ipv6);
      } else if (arg === KW_match) {
        i = await next_arg(argv, i);
        G.mdst = await get_prefix(argv[i], do_ipv6);
      } else {
        if (arg === KW_exact) i = await next_arg(argv, i);
        G.mdst = await get_prefix(argv[i], do_ipv6);
        G.rdst = G.mdst;
      }
    }
  }

  if (do_ipv6 === sk.AF_UNSPEC && G.tb) do_ipv6 = sk.AF_INET;

  const rth = await xrtnl_open();
  await ll_init_map(rth);
  if (id) G.iif = await xll_name_to_index(id);
  if (od) G.oif = await xll_name_to_index(od);

  await xrtnl_wilddump_request(rth, do_ipv6, RTM_GETROUTE);
  await xrtnl_dump_filter(rth, (_who, n) => print_route(G, n));
  return 0;
}

/** do_iproute(argv) */
export async function do_iproute(argv: string[]): Promise<number> {
  const ip_route_commands = ["a", "add", "append", "change", "chg", "delete", "get", "list", "show", "prepend", "replace", "test", "flush"];
  if (argv.length === 0) return iproute_list(argv);
  const command_num = index_in_substrings(ip_route_commands, argv[0]);
  if (command_num === 7 || command_num === 8) return iproute_list(argv.slice(1));
  if (command_num < 0) return invarg_1_to_2(argv[0], applet_name());
  /* add, del, change, get, flush...: kplay's routing table cannot be changed yet */
  return ip_show_usage();
}
