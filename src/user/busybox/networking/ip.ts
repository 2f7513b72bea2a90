// Mirrors BusyBox 1.35 networking/ip.c: the "ip" applet (installed as /sbin/ip, BB_DIR_SBIN). The
// common options (-oneline, -family, -4, -6, -0) come first, then the object, matched as any
// prefix of "address", "route", "r", "link", "tunnel", "tunl", "rule", "neigh" in that order
// (index_in_substrings), so "ip a", "ip r" and "ip l" work; no object, or an unknown one, shows
// the usage (ip_print_help). The objects live in libiproute/; tunnel, rule and neigh are not
// built (kplay has no tunnels, policy rules or neighbour tables) and show the usage too.
import { do_ipaddr } from "./libiproute/ipaddress.js";
import { do_iplink } from "./libiproute/iplink.js";
import { do_iproute } from "./libiproute/iproute.js";
import { index_in_substrings, ip_parse_common_args, ip_show_usage } from "./libiproute/utils.js";

type IpFunc = (argv: string[]) => Promise<number>;

export async function ip_main(_argc: number, argv: string[]): Promise<number> {
  const keywords = ["address", "route", "r", "link", "tunnel", "tunl", "rule", "neigh"];
  const ip_func_ptrs: (IpFunc | null)[] = [do_ipaddr, do_iproute, do_iproute, do_iplink, null, null, null, null];
  let rest = await ip_parse_common_args(argv.slice(1));
  const key = rest.length ? index_in_substrings(keywords, rest[0]) : -1;
  if (rest.length) rest = rest.slice(1);
  const ip_func = key >= 0 ? ip_func_ptrs[key] : null;
  if (!ip_func) return ip_show_usage();
  return ip_func(rest);
}
