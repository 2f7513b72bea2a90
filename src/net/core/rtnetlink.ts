// Mirrors net/core/rtnetlink.c with the IPv4 parts of net/ipv4/devinet.c and fib_frontend.c: the
// NETLINK_ROUTE requests `ip` makes. Links (RTM_GETLINK; RTM_NEWLINK/SETLINK for up, down and
// mtu; RTM_NEWLINK with IFLA_LINKINFO to create a device of a registered rtnl_link_ops kind, and
// RTM_DELLINK to remove one), addresses (RTM_GETADDR) and routes (RTM_GETROUTE; lo's routes are in
// the local table).
import type { MaybeAsync } from "../../fs/file.js";
import { EEXIST, ENODEV, EOPNOTSUPP, EPERM, EINVAL } from "../../include/uapi/errno.js";
import { AF_INET, AF_UNSPEC } from "../../include/uapi/socket.js";
import * as NL from "../../include/uapi/netlink.js";
import { capable, CAP_NET_ADMIN } from "../../kernel/capability.js";
import type { Kernel } from "../../kernel/kernel.js";
import { IFF_LOOPBACK, IFF_UP, NetDevice, net_state, register_netdev, unregister_netdev } from "./dev.js";
import { dev_change_flags, dev_get_flags, dev_set_mtu } from "./dev_ioctl.js";
import { nla_nest_end, nla_nest_start } from "../../include/net/netlink.js";
import { request_module } from "../../kernel/kmod.js";
import { current } from "../../kernel/sched/task.js";
import { netlink_dump_start, netlink_kernel_create, netlink_unicast, NL_CFG_F_NONROOT_RECV, type NetlinkSock } from "../netlink/af_netlink.js";

type Nlh = ReturnType<typeof NL.nlmsg_parse_hdr>;

/**
 * struct rtnl_link_ops (include/net/rtnetlink.h): a kind of device `ip link add NAME type KIND`
 * makes. `alloc` is alloc_netdev() with the kind's setup function.
 */
export interface RtnlLinkOps {
  kind: string;
  /** The device the kind makes, named `name`, before registration. */
  alloc(name: string): NetDevice;
}

const link_ops = new WeakMap<Kernel, Map<string, RtnlLinkOps>>();

function rtnl_link_ops_map(k: Kernel = current().kernel): Map<string, RtnlLinkOps> {
  let m = link_ops.get(k);
  if (!m) link_ops.set(k, (m = new Map()));
  return m;
}

/** rtnl_link_register(ops): -EEXIST when the kind is taken. */
export function rtnl_link_register(ops: RtnlLinkOps, k: Kernel = current().kernel): number {
  const m = rtnl_link_ops_map(k);
  if (m.has(ops.kind)) return -EEXIST;
  m.set(ops.kind, ops);
  return 0;
}

/** rtnl_fill_ifinfo(): one RTM_NEWLINK message for `dev`, attributes in 5.15's order. */
function rtnl_fill_ifinfo(buf: NL.NlBuf, dev: NetDevice, portid: number, seq: number, flags: number): void {
  const at = buf.nlmsg_put(portid, seq, NL.RTM_NEWLINK, flags);
  const ifi = new Uint8Array(16);
  const dv = new DataView(ifi.buffer);
  dv.setUint8(0, AF_UNSPEC);
  dv.setUint16(2, dev.type, true);
  dv.setInt32(4, dev.ifindex, true);
  dv.setUint32(8, dev_get_flags(dev), true);
  buf.put(ifi);
  buf.nla_put_string(NL.IFLA_IFNAME, dev.name);
  buf.nla_put_u32(NL.IFLA_TXQLEN, dev.tx_queue_len);
  /* neither lo nor nlmon reports link state: IF_OPER_UNKNOWN while up */
  buf.nla_put_u8(NL.IFLA_OPERSTATE, dev.flags & IFF_UP ? NL.IF_OPER_UNKNOWN : NL.IF_OPER_DOWN);
  buf.nla_put_u8(NL.IFLA_LINKMODE, 0);
  buf.nla_put_u32(NL.IFLA_MTU, dev.mtu);
  buf.nla_put_u32(NL.IFLA_MIN_MTU, dev.min_mtu);
  buf.nla_put_u32(NL.IFLA_MAX_MTU, dev.max_mtu);
  buf.nla_put_u32(NL.IFLA_GROUP, 0);
  buf.nla_put_u32(NL.IFLA_PROMISCUITY, 0);
  buf.nla_put_u32(NL.IFLA_NUM_TX_QUEUES, 1);
  buf.nla_put_u32(NL.IFLA_GSO_MAX_SEGS, 65535);
  buf.nla_put_u32(NL.IFLA_GSO_MAX_SIZE, 65536);
  buf.nla_put_u32(NL.IFLA_NUM_RX_QUEUES, 1);
  buf.nla_put_u8(NL.IFLA_CARRIER, dev.flags & IFF_UP ? 1 : 0);
  buf.nla_put_string(NL.IFLA_QDISC, "noqueue");
  buf.nla_put_u32(NL.IFLA_CARRIER_CHANGES, 0);
  buf.nla_put_u8(NL.IFLA_PROTO_DOWN, 0);
  buf.nla_put_u32(NL.IFLA_CARRIER_UP_COUNT, 0);
  buf.nla_put_u32(NL.IFLA_CARRIER_DOWN_COUNT, 0);
  buf.nla_put(NL.IFLA_MAP, new Uint8Array(16));
  if (dev.addr_len) {
    buf.nla_put(NL.IFLA_ADDRESS, dev.dev_addr.subarray(0, dev.addr_len));
    buf.nla_put(NL.IFLA_BROADCAST, new Uint8Array(dev.addr_len));
  }
  const st = dev.stats;
  const s32 = [st.rx_packets, st.tx_packets, st.rx_bytes, st.tx_bytes, st.rx_errors, st.tx_errors, st.rx_dropped, st.tx_dropped];
  const stats64 = new Uint8Array(24 * 8);
  s32.forEach((v, i) => new DataView(stats64.buffer).setBigUint64(i * 8, BigInt(v), true));
  buf.nla_put(NL.IFLA_STATS64, stats64);
  const stats = new Uint8Array(24 * 4);
  s32.forEach((v, i) => new DataView(stats.buffer).setUint32(i * 4, v >>> 0, true));
  buf.nla_put(NL.IFLA_STATS, stats);
  if (dev.rtnl_link_ops) {
    /* rtnl_link_fill() */
    const linkinfo = nla_nest_start(buf, NL.IFLA_LINKINFO);
    buf.nla_put_string(NL.IFLA_INFO_KIND, dev.rtnl_link_ops.kind);
    nla_nest_end(buf, linkinfo);
  }
  buf.nlmsg_end(at);
}

/** inet_fill_ifaddr(): one RTM_NEWADDR message for an IPv4 address. */
function inet_fill_ifaddr(buf: NL.NlBuf, dev: NetDevice, ifa: NetDevice["ip_ptr"][number], portid: number, seq: number, flags: number): void {
  const at = buf.nlmsg_put(portid, seq, NL.RTM_NEWADDR, flags);
  const m = new Uint8Array(8);
  const dv = new DataView(m.buffer);
  dv.setUint8(0, AF_INET);
  dv.setUint8(1, ifa.ifa_prefixlen);
  dv.setUint8(2, NL.IFA_F_PERMANENT);
  dv.setUint8(3, dev.flags & IFF_LOOPBACK ? NL.RT_SCOPE_HOST : NL.RT_SCOPE_UNIVERSE);
  dv.setUint32(4, dev.ifindex, true);
  buf.put(m);
  buf.nla_put_in_addr(NL.IFA_ADDRESS, ifa.ifa_address);
  buf.nla_put_in_addr(NL.IFA_LOCAL, ifa.ifa_address);
  buf.nla_put_string(NL.IFA_LABEL, ifa.ifa_label);
  buf.nla_put_u32(NL.IFA_FLAGS, NL.IFA_F_PERMANENT);
  const ci = new Uint8Array(16);
  const cdv = new DataView(ci.buffer);
  cdv.setUint32(0, NL.INFINITY_LIFE_TIME, true);
  cdv.setUint32(4, NL.INFINITY_LIFE_TIME, true);
  buf.nla_put(NL.IFA_CACHEINFO, ci);
  buf.nlmsg_end(at);
}

/** fib_dump_info() for the local table entries the kernel adds for an address on lo. */
function fill_local_routes(buf: NL.NlBuf, dev: NetDevice, portid: number, seq: number): void {
  for (const ifa of dev.ip_ptr) {
    const net = (ifa.ifa_address & (~0 << (32 - ifa.ifa_prefixlen))) >>> 0;
    const bcast = (net | (~0 >>> ifa.ifa_prefixlen)) >>> 0;
    const entries: [number, number, number, number][] = [
      [ifa.ifa_address, 32, NL.RTN_LOCAL, NL.RT_SCOPE_HOST],
      [net, ifa.ifa_prefixlen, NL.RTN_LOCAL, NL.RT_SCOPE_HOST],
      [bcast, 32, NL.RTN_BROADCAST, NL.RT_SCOPE_LINK],
    ];
    for (const [dst, len, type, scope] of entries.sort((a, b) => a[0] - b[0] || b[1] - a[1])) {
      const at = buf.nlmsg_put(portid, seq, NL.RTM_NEWROUTE, NL.NLM_F_MULTI);
      buf.put(Uint8Array.of(AF_INET, len, 0, 0, NL.RT_TABLE_LOCAL, NL.RTPROT_KERNEL, scope, type, 0, 0, 0, 0));
      buf.nla_put_u32(NL.RTA_TABLE, NL.RT_TABLE_LOCAL);
      buf.nla_put_in_addr(NL.RTA_DST, dst);
      buf.nla_put_in_addr(NL.RTA_PREFSRC, ifa.ifa_address);
      buf.nla_put_u32(NL.RTA_OIF, dev.ifindex);
      buf.nlmsg_end(at);
    }
  }
}

/** The ifi_index and attributes of a link request (struct ifinfomsg, then IFLA_*). */
function ifinfomsg(msg: Uint8Array): { index: number; flags: number; change: number; tb: Map<number, Uint8Array> } {
  const dv = new DataView(msg.buffer, msg.byteOffset + NL.NLMSG_HDRLEN);
  return { index: dv.getInt32(4, true), flags: dv.getUint32(8, true), change: dv.getUint32(12, true), tb: NL.nla_parse(msg.subarray(NL.NLMSG_HDRLEN + 16)) };
}

const nla_get_string = (b: Uint8Array): string => new TextDecoder().decode(b).replace(/\0.*$/s, "");

/** The device a request names by ifi_index or IFLA_IFNAME: -EINVAL when neither, -ENODEV when absent. */
function dev_of_request(msg: Uint8Array): NetDevice | number {
  const { index, tb } = ifinfomsg(msg);
  const devs = net_state().devices;
  const name = tb.get(NL.IFLA_IFNAME);
  let dev: NetDevice | undefined;
  if (index > 0) dev = devs.find((d) => d.ifindex === index);
  else if (name) dev = devs.find((d) => d.name === nla_get_string(name));
  else return -EINVAL;
  return dev ?? -ENODEV;
}

/** do_setlink(): the flags the request changes (all of them when ifi_change is 0), then IFLA_MTU. */
function do_setlink(dev: NetDevice, msg: Uint8Array): number {
  const { flags, change, tb } = ifinfomsg(msg);
  const mtu = tb.get(NL.IFLA_MTU);
  if (mtu) {
    const err = dev_set_mtu(dev, new DataView(mtu.buffer, mtu.byteOffset).getUint32(0, true));
    if (err) return err;
  }
  if (change || flags) {
    const mask = change || 0xffffffff;
    return dev_change_flags(dev, (dev.flags & ~mask) | (flags & mask));
  }
  return 0;
}

/**
 * rtnl_newlink(): an existing device is changed (-EEXIST with NLM_F_EXCL); a new one needs
 * NLM_F_CREATE and a kind from IFLA_LINKINFO (request_module("rtnl-link-KIND") when none is
 * registered, -EOPNOTSUPP when that finds none), and is named by IFLA_IFNAME or "KIND%d".
 */
async function rtnl_newlink(nlh: Nlh, msg: Uint8Array): Promise<number> {
  if (msg.length < NL.NLMSG_HDRLEN + 16) return -EINVAL;
  const { index, tb } = ifinfomsg(msg);
  const name = tb.get(NL.IFLA_IFNAME);
  const devs = net_state().devices;
  const dev = index > 0 ? devs.find((d) => d.ifindex === index) : name ? devs.find((d) => d.name === nla_get_string(name)) : undefined;
  const info = tb.get(NL.IFLA_LINKINFO);
  const kind_attr = info ? NL.nla_parse(info).get(NL.IFLA_INFO_KIND) : undefined;
  const kind = kind_attr ? nla_get_string(kind_attr) : "";
  let ops = kind ? rtnl_link_ops_map().get(kind) : undefined;
  if (kind && !ops) {
    await request_module(`rtnl-link-${kind}`);
    ops = rtnl_link_ops_map().get(kind);
  }
  if (dev) {
    if (nlh.flags & NL.NLM_F_EXCL) return -EEXIST;
    if (nlh.flags & NL.NLM_F_REPLACE) return -EOPNOTSUPP;
    return do_setlink(dev, msg);
  }
  if (!(nlh.flags & NL.NLM_F_CREATE)) return -ENODEV;
  if (!ops) return -EOPNOTSUPP;
  let ifname = name ? nla_get_string(name) : "";
  if (!ifname) for (let i = 0; !ifname || devs.some((d) => d.name === ifname); i++) ifname = `${ops.kind}${i}`;
  const ndev = ops.alloc(ifname);
  ndev.rtnl_link_ops = ops;
  register_netdev(ndev);
  return do_setlink(ndev, msg);
}

/** rtnl_dellink(): only a device some rtnl_link_ops made can go (-EOPNOTSUPP for lo). */
function rtnl_dellink(msg: Uint8Array): number {
  if (msg.length < NL.NLMSG_HDRLEN + 16) return -EINVAL;
  const dev = dev_of_request(msg);
  if (typeof dev === "number") return dev;
  if (!dev.rtnl_link_ops) return -EOPNOTSUPP;
  unregister_netdev(dev);
  return 0;
}

/** rtnetlink_rcv_msg(): one NETLINK_ROUTE request. */
function rtnetlink_rcv_msg(sk: NetlinkSock, nlh: Nlh, msg: Uint8Array): MaybeAsync<number> {
  const dump = (nlh.flags & NL.NLM_F_DUMP) === NL.NLM_F_DUMP;
  const kind = nlh.type & 3;
  if (kind !== 2 && !capable(CAP_NET_ADMIN)) return -EPERM;
  switch (nlh.type) {
    case NL.RTM_GETLINK: {
      if (dump) {
        return netlink_dump_start(sk, nlh, msg, { dump: (buf, cb) => {
          const devs = net_state().devices.filter((d) => d.ifindex > (cb.args[0] ?? 0));
          for (const d of devs) rtnl_fill_ifinfo(buf, d, cb.portid, cb.seq, NL.NLM_F_MULTI);
          cb.args[0] = devs.at(-1)?.ifindex ?? cb.args[0] ?? 0;
          return buf.len;
        } });
      }
      const dev = dev_of_request(msg);
      if (typeof dev === "number") return dev;
      const buf = new NL.NlBuf();
      rtnl_fill_ifinfo(buf, dev, sk.portid, nlh.seq, 0);
      netlink_unicast(sk.sk_protocol, sk.portid, buf.bytes());
      return 0;
    }
    case NL.RTM_NEWLINK:
      return rtnl_newlink(nlh, msg);
    case NL.RTM_SETLINK: {
      if (msg.length < NL.NLMSG_HDRLEN + 16) return -EINVAL;
      const dev = dev_of_request(msg);
      if (typeof dev === "number") return dev;
      return do_setlink(dev, msg);
    }
    case NL.RTM_DELLINK:
      return rtnl_dellink(msg);
    case NL.RTM_GETADDR:
      if (!dump) return -EOPNOTSUPP;
      return netlink_dump_start(sk, nlh, msg, { dump: (buf, cb) => {
        if (cb.args[0]) return 0;
        cb.args[0] = 1;
        for (const d of net_state().devices) for (const ifa of d.ip_ptr) inet_fill_ifaddr(buf, d, ifa, cb.portid, cb.seq, NL.NLM_F_MULTI);
        return buf.len;
      } });
    case NL.RTM_GETROUTE:
      if (!dump) return -EOPNOTSUPP;
      return netlink_dump_start(sk, nlh, msg, { dump: (buf, cb) => {
        if (cb.args[0]) return 0;
        cb.args[0] = 1;
        for (const d of net_state().devices) fill_local_routes(buf, d, cb.portid, cb.seq);
        return buf.len;
      } });
    default:
      return -EOPNOTSUPP;
  }
}

/** rtnetlink_init(): the NETLINK_ROUTE kernel socket. */
export function rtnetlink_init(k: Kernel): void {
  netlink_kernel_create(NL.NETLINK_ROUTE, rtnetlink_rcv_msg, k, { flags: NL_CFG_F_NONROOT_RECV });
}
