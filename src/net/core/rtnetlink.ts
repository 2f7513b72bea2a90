// Mirrors net/core/rtnetlink.c with the IPv4 parts of net/ipv4/devinet.c and fib_frontend.c: the
// NETLINK_ROUTE requests `ip` makes. Links (RTM_GETLINK, RTM_NEWLINK/SETLINK for up and down),
// addresses (RTM_GETADDR) and routes (RTM_GETROUTE; lo's routes are in the local table).
import type { MaybeAsync } from "../../fs/file.js";
import { ENODEV, EOPNOTSUPP, EPERM, EINVAL } from "../../include/uapi/errno.js";
import { AF_INET, AF_UNSPEC } from "../../include/uapi/socket.js";
import * as NL from "../../include/uapi/netlink.js";
import { capable, CAP_NET_ADMIN } from "../../kernel/capability.js";
import type { Kernel } from "../../kernel/kernel.js";
import { IFF_LOOPBACK, IFF_RUNNING, IFF_UP, net_state, type NetDevice } from "./dev.js";
import { netlink_dump_start, netlink_kernel_create, netlink_unicast, NL_CFG_F_NONROOT_RECV, type NetlinkSock } from "../netlink/af_netlink.js";

type Nlh = ReturnType<typeof NL.nlmsg_parse_hdr>;

/** dev_get_flags(): the flags user space sees (IFF_LOWER_UP while the carrier is up). */
function dev_get_flags(dev: NetDevice): number {
  return dev.flags | (dev.flags & IFF_UP ? NL.IFF_LOWER_UP : 0);
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
  buf.nla_put_u8(NL.IFLA_OPERSTATE, dev.flags & IFF_UP ? (dev.flags & IFF_LOOPBACK ? NL.IF_OPER_UNKNOWN : NL.IF_OPER_UP) : NL.IF_OPER_DOWN);
  buf.nla_put_u8(NL.IFLA_LINKMODE, 0);
  buf.nla_put_u32(NL.IFLA_MTU, dev.mtu);
  buf.nla_put_u32(NL.IFLA_MIN_MTU, 0);
  buf.nla_put_u32(NL.IFLA_MAX_MTU, 0);
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
  buf.nla_put(NL.IFLA_ADDRESS, new Uint8Array(6));
  buf.nla_put(NL.IFLA_BROADCAST, new Uint8Array(6));
  const st = dev.stats;
  const s32 = [st.rx_packets, st.tx_packets, st.rx_bytes, st.tx_bytes, st.rx_errors, st.tx_errors, st.rx_dropped, st.tx_dropped];
  const stats64 = new Uint8Array(24 * 8);
  s32.forEach((v, i) => new DataView(stats64.buffer).setBigUint64(i * 8, BigInt(v), true));
  buf.nla_put(NL.IFLA_STATS64, stats64);
  const stats = new Uint8Array(24 * 4);
  s32.forEach((v, i) => new DataView(stats.buffer).setUint32(i * 4, v >>> 0, true));
  buf.nla_put(NL.IFLA_STATS, stats);
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

/** The device a request names by ifi_index or IFLA_IFNAME: -EINVAL when neither, -ENODEV when absent. */
function dev_of_request(msg: Uint8Array): NetDevice | number {
  const dv = new DataView(msg.buffer, msg.byteOffset);
  const index = msg.length >= NL.NLMSG_HDRLEN + 16 ? dv.getInt32(NL.NLMSG_HDRLEN + 4, true) : 0;
  const devs = net_state().devices;
  const name = NL.nla_parse(msg.subarray(NL.NLMSG_HDRLEN + 16)).get(NL.IFLA_IFNAME);
  let dev: NetDevice | undefined;
  if (index > 0) dev = devs.find((d) => d.ifindex === index);
  else if (name) dev = devs.find((d) => d.name === new TextDecoder().decode(name).replace(/\0.*$/, ""));
  else return -EINVAL;
  return dev ?? -ENODEV;
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
    case NL.RTM_SETLINK: {
      if (msg.length < NL.NLMSG_HDRLEN + 16) return -EINVAL;
      const dev = dev_of_request(msg);
      if (typeof dev === "number") return dev;
      const dv = new DataView(msg.buffer, msg.byteOffset + NL.NLMSG_HDRLEN);
      const flags = dv.getUint32(8, true);
      const change = dv.getUint32(12, true) || 0xffffffff;
      if (change & IFF_UP) dev.flags = flags & IFF_UP ? dev.flags | IFF_UP | IFF_RUNNING : dev.flags & ~(IFF_UP | IFF_RUNNING);
      const mtu = NL.nla_parse(msg.subarray(NL.NLMSG_HDRLEN + 16)).get(NL.IFLA_MTU);
      if (mtu) dev.mtu = new DataView(mtu.buffer, mtu.byteOffset).getUint32(0, true);
      return 0;
    }
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
