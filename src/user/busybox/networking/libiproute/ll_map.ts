// Mirrors BusyBox 1.35 networking/libiproute/ll_map.c (the ifindex -> name/flags map filled from an
// RTM_GETLINK dump, and xll_name_to_index over glibc's if_nametoindex), ll_types.c (ll_type_n2a),
// ll_addr.c (ll_addr_n2a) and rt_names.c / rtm_map.c (scope, table and route type names).
import { libc } from "../../../libc/state.js";
import * as sk from "../../../libc/socket.js";
import { close, ioctl } from "../../../libc/unistd.js";
import { NETLINK_ROUTE, RTM_GETLINK, RTM_NEWLINK } from "../../../../include/uapi/netlink.js";
import { ENODEV, EINVAL, ENOSYS } from "../../../../include/uapi/errno.js";
import { IFNAMSIZ, ifr_int_get, ifr_name_set, ifreq_alloc, SIOCGIFINDEX } from "../../../../include/uapi/sockios.js";
import { NLMSG_DATA, parse_rtattr, rta_string, xrtnl_dump_filter, xrtnl_wilddump_request, type NlMsg, type RtnlHandle } from "./libnetlink.js";
import { bb_error_msg_and_die } from "./utils.js";
import { IFLA_ADDRESS, IFLA_IFNAME } from "../../../../include/uapi/netlink.js";

/** sizeof(struct ifinfomsg): family, pad, type u16, index s32, flags u32, change u32 */
export const IFINFOMSG_SIZE = 16;

/** struct ifinfomsg, read from a message's data. */
export interface Ifinfomsg {
  ifi_family: number;
  ifi_type: number;
  ifi_index: number;
  ifi_flags: number;
  ifi_change: number;
}

export function ifinfomsg(n: NlMsg): Ifinfomsg {
  const b = NLMSG_DATA(n);
  const d = new DataView(b.buffer, b.byteOffset, Math.min(b.length, IFINFOMSG_SIZE));
  const u32 = (o: number): number => (o + 4 <= d.byteLength ? d.getUint32(o, true) : 0);
  return { ifi_family: d.byteLength ? d.getUint8(0) : 0, ifi_type: d.byteLength >= 4 ? d.getUint16(2, true) : 0, ifi_index: u32(4) | 0, ifi_flags: u32(8), ifi_change: u32(12) };
}

/** IFLA_RTA(ifi) .. IFLA_PAYLOAD(n) */
export const ifla_attrs = (n: NlMsg): Map<number, Uint8Array> => parse_rtattr(n.raw.subarray(16 + IFINFOMSG_SIZE, n.len));

/** struct idxmap */
interface Idxmap {
  index: number;
  type: number;
  alen: number;
  flags: number;
  addr: Uint8Array;
  name: string;
}

const maps = new WeakMap<object, Map<number, Idxmap>>();

function idxmap(): Map<number, Idxmap> {
  const key = libc();
  let m = maps.get(key);
  if (!m) maps.set(key, (m = new Map()));
  return m;
}

/** ll_remember_index(who, n, arg): note an RTM_NEWLINK's index, type, flags, address and name. */
export function ll_remember_index(_who: Uint8Array, n: NlMsg): number {
  if (n.type !== RTM_NEWLINK) return 0;
  if (n.len < 16 + IFINFOMSG_SIZE) return -1;
  const ifi = ifinfomsg(n);
  const tb = ifla_attrs(n);
  const ifname = tb.get(IFLA_IFNAME);
  if (!ifname) return 0;
  const m = idxmap();
  let im = m.get(ifi.ifi_index);
  if (!im) m.set(ifi.ifi_index, (im = { index: ifi.ifi_index, type: 0, alen: 0, flags: 0, addr: new Uint8Array(8), name: "" }));
  im.type = ifi.ifi_type;
  im.flags = ifi.ifi_flags;
  const addr = tb.get(IFLA_ADDRESS);
  im.addr = new Uint8Array(8);
  if (addr) {
    im.alen = addr.length;
    im.addr.set(addr.subarray(0, 8));
  } else {
    im.alen = 0;
  }
  im.name = rta_string(ifname);
  return 0;
}

/** ll_index_to_name(idx): "*" for 0, the remembered name, or "if%d". */
export function ll_index_to_name(idx: number): string {
  if (idx === 0) return "*";
  return idxmap().get(idx)?.name ?? `if${idx}`;
}

export function ll_index_to_flags(idx: number): number {
  if (idx === 0) return 0;
  return idxmap().get(idx)?.flags ?? 0;
}

/**
 * glibc's __opensock(): a datagram socket of the first family the kernel has (netlink, then
 * AF_UNIX, then AF_INET), the socket if_nametoindex and friends ioctl on.
 */
async function opensock(): Promise<number> {
  const type = sk.SOCK_DGRAM | sk.SOCK_CLOEXEC;
  for (const [family, proto] of [
    [sk.AF_NETLINK, NETLINK_ROUTE],
    [sk.AF_UNIX, 0],
    [sk.AF_INET, 0],
  ]) {
    const fd = await sk.socket(family, type, proto);
    if (fd >= 0) return fd;
  }
  return -1;
}

/** glibc if_nametoindex(name): SIOCGIFINDEX, or 0 with errno set. */
export async function if_nametoindex(name: string): Promise<number> {
  const fd = await opensock();
  if (fd < 0) return 0;
  if (new TextEncoder().encode(name).length >= IFNAMSIZ) {
    close(fd);
    libc().errno = ENODEV;
    return 0;
  }
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, name);
  if ((await ioctl(fd, SIOCGIFINDEX, ifr)) < 0) {
    const saved = libc().errno;
    close(fd);
    libc().errno = saved === EINVAL ? ENOSYS : saved;
    return 0;
  }
  close(fd);
  return ifr_int_get(ifr);
}

/** xll_name_to_index(name) */
export async function xll_name_to_index(name: string): Promise<number> {
  const ret = await if_nametoindex(name);
  if (ret <= 0) return bb_error_msg_and_die(`can't find device '${name}'`);
  return ret;
}

/** ll_init_map(rth): an RTM_GETLINK dump into the map. */
export async function ll_init_map(rth: RtnlHandle): Promise<void> {
  await xrtnl_wilddump_request(rth, sk.AF_UNSPEC, RTM_GETLINK);
  await xrtnl_dump_filter(rth, ll_remember_index);
}

/* ---- ll_types.c ---- */

/** ARPHRD_* names (include/uapi/linux/if_arp.h), without FEATURE_IP_RARE_PROTOCOLS. */
const arphrd_names = new Map<number, string>([
  [0, "generic"],
  [1, "ether"],
  [2, "eether"],
  [3, "ax25"],
  [4, "pronet"],
  [5, "chaos"],
  [6, "ieee802"],
  [7, "arcnet"],
  [8, "atalk"],
  [15, "dlci"],
  [19, "atm"],
  [23, "metricom"],
  [24, "ieee1394"],
  [32, "infiniband"],
  [256, "slip"],
  [257, "cslip"],
  [258, "slip6"],
  [259, "cslip6"],
  [260, "rsrvd"],
  [264, "adapt"],
  [270, "rose"],
  [271, "x25"],
  [272, "hwx25"],
  [280, "can"],
  [512, "ppp"],
  [513, "hdlc"],
  [516, "lapb"],
  [517, "ddcmp"],
  [518, "rawhdlc"],
  [768, "ipip"],
  [769, "tunnel6"],
  [770, "frad"],
  [771, "skip"],
  [772, "loopback"],
  [773, "ltalk"],
  [774, "fddi"],
  [775, "bif"],
  [776, "sit"],
  [777, "ip/ddp"],
  [778, "gre"],
  [779, "pimreg"],
  [780, "hippi"],
  [781, "ash"],
  [782, "econet"],
  [783, "irda"],
  [800, "tr"],
  [801, "ieee802.11"],
  [802, "ieee802.11/prism"],
  [803, "ieee802.11/radiotap"],
  [823, "ip6gre"],
  [824, "netlink"],
  [0xfffe, "none"],
  [0xffff, "void"],
]);

/** ll_type_n2a(type): the link type's name, or "[%d]". */
export const ll_type_n2a = (type: number): string => arphrd_names.get(type) ?? `[${type}]`;

/* ---- ll_addr.c ---- */

const ARPHRD_TUNNEL = 768;
const ARPHRD_TUNNEL6 = 769;
const ARPHRD_SIT = 776;
const ARPHRD_IPGRE = 778;

/** ll_addr_n2a(addr, alen, type): hex bytes joined by ':' (an IPv4 address for IPv4 tunnels). */
export function ll_addr_n2a(addr: Uint8Array, type: number): string {
  if (addr.length === 4 && (type === ARPHRD_TUNNEL || type === ARPHRD_SIT || type === ARPHRD_IPGRE)) return Array.from(addr).join(".");
  if (addr.length === 16 && type === ARPHRD_TUNNEL6) {
    const w: string[] = [];
    for (let i = 0; i < 16; i += 2) w.push(((addr[i] << 8) | addr[i + 1]).toString(16));
    return w.join(":");
  }
  return Array.from(addr, (b) => b.toString(16).padStart(2, "0")).join(":");
}

/* ---- rt_names.c and rtm_map.c (no /etc/iproute2 files on this machine) ---- */

const rtscope_tab = new Map<number, string>([
  [0, "global"],
  [255, "nowhere"],
  [254, "host"],
  [253, "link"],
  [200, "site"],
]);

export const rtnl_rtscope_n2a = (id: number): string => rtscope_tab.get(id) ?? String(id);

/** rtnl_rtscope_a2n(): a name or a number up to 255. */
export function rtnl_rtscope_a2n(arg: string): number | null {
  for (const [id, name] of rtscope_tab) if (name === arg) return id;
  const n = /^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(arg) ? Number(arg) : NaN;
  return Number.isNaN(n) || n > 255 ? null : n;
}

const rttable_tab = new Map<number, string>([
  [0, "unspec"],
  [255, "local"],
  [254, "main"],
  [253, "default"],
]);

export const rtnl_rttable_n2a = (id: number): string => rttable_tab.get(id) ?? String(id);

export function rtnl_rttable_a2n(arg: string): number | null {
  for (const [id, name] of rttable_tab) if (name === arg) return id;
  const n = /^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(arg) ? Number(arg) : NaN;
  return Number.isNaN(n) || n > 0xffffffff ? null : n;
}

const rtntype_names = ["none", "unicast", "local", "broadcast", "anycast", "multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"];

/** rtnl_rtntype_n2a(id) (rtm_map.c) */
export const rtnl_rtntype_n2a = (id: number): string => rtntype_names[id] ?? String(id);
