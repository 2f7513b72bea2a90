// Mirrors drivers/net/nlmon.c: the netlink monitor device. `ip link add nlmon0 type nlmon` makes
// one; while it is up it is a netlink tap (netlink_add_tap), so every netlink message of the tapped
// protocols passes through its transmit path, where packet sockets (tcpdump -i nlmon0) see it.
// Transmitting only counts the message: nlmon reports the counts as received (nlmon_get_stats64).
import type { Kernel } from "../../kernel/kernel.js";
import { ARPHRD_NETLINK, IFF_NOARP, IFF_RUNNING, NetDevice } from "../../net/core/dev.js";
import type { SkBuff } from "../../net/core/skbuff.js";
import { rtnl_link_register, type RtnlLinkOps } from "../../net/core/rtnetlink.js";
import { netlink_add_tap, netlink_remove_tap, NLMSG_GOODSIZE } from "../../net/netlink/af_netlink.js";
import { NLMSG_HDRLEN } from "../../include/uapi/netlink.js";

function nlmon_xmit(skb: SkBuff, dev: NetDevice): number {
  dev.stats.rx_packets++;
  dev.stats.rx_bytes += skb.len;
  return 0;
}

function nlmon_open(dev: NetDevice): number {
  return netlink_add_tap(dev);
}

function nlmon_close(dev: NetDevice): number {
  return netlink_remove_tap(dev);
}

const nlmon_ops = { ndo_open: nlmon_open, ndo_stop: nlmon_close, ndo_start_xmit: nlmon_xmit };

/** nlmon_setup(): ARPHRD_NETLINK, no ARP, no queue, an MTU of NLMSG_GOODSIZE and at least a header. */
function nlmon_setup(name: string): NetDevice {
  const dev = new NetDevice(name, NLMSG_GOODSIZE, ARPHRD_NETLINK, nlmon_ops);
  dev.flags = IFF_NOARP | IFF_RUNNING;
  dev.min_mtu = NLMSG_HDRLEN;
  return dev;
}

export const nlmon_link_ops: RtnlLinkOps = { kind: "nlmon", alloc: nlmon_setup };

/** nlmon_register(): built in here (a module, rtnl-link-nlmon, on distribution kernels). */
export function nlmon_register(k: Kernel): void {
  rtnl_link_register(nlmon_link_ops, k);
}
