// Mirrors net/core/dev.c: network devices (register, open and close, unregister), dev_queue_xmit
// with the copies dev_queue_xmit_nit gives the ETH_P_ALL taps (packet sockets), and netif_rx with
// the receive backlog that the NET_RX softirq drains (here at once, in order, before the sender's
// call returns, as a loopback send does on Linux) through __netif_receive_skb; /proc/net/dev.
import type { Kernel } from "../../kernel/kernel.js";
import { current } from "../../kernel/sched/task.js";
import { ENETDOWN } from "../../include/uapi/errno.js";
import { ETH_P_ALL } from "../../include/uapi/if_ether.js";
import { PACKET_OUTGOING } from "../../include/uapi/if_packet.js";
import { SkBuff } from "./skbuff.js";
import type { RtnlLinkOps } from "./rtnetlink.js";

import { IFF_PROMISC, IFF_UP } from "../../include/uapi/if.js";
import { pr_info } from "../../kernel/printk/printk.js";
export { IFF_BROADCAST, IFF_LOOPBACK, IFF_NOARP, IFF_RUNNING, IFF_UP } from "../../include/uapi/if.js";
export { ARPHRD_LOOPBACK, ARPHRD_NETLINK } from "../../include/uapi/if_ether.js";

export interface NetDeviceStats {
  rx_packets: number;
  tx_packets: number;
  rx_bytes: number;
  tx_bytes: number;
  rx_errors: number;
  tx_errors: number;
  rx_dropped: number;
  tx_dropped: number;
}

/** struct in_ifaddr: an IPv4 address on a device (host order). */
export interface InIfaddr {
  ifa_address: number;
  ifa_prefixlen: number;
  ifa_label: string;
}

/** struct net_device_ops */
export interface NetDeviceOps {
  ndo_open?(dev: NetDevice): number;
  ndo_stop?(dev: NetDevice): number;
  ndo_start_xmit(skb: SkBuff, dev: NetDevice): number;
}

/**
 * struct packet_type: a receive handler. `type` ETH_P_ALL sees every packet of `dev` (every device
 * when null) in both directions: af_packet's taps. Others get the received packets of their
 * ethertype. `af_packet_priv` is the packet socket a tap belongs to, which never gets its own sends.
 */
export interface PacketType {
  type: number;
  dev: NetDevice | null;
  func(skb: SkBuff, dev: NetDevice, pt: PacketType): void;
  af_packet_priv?: unknown;
}

/**
 * An egress qdisc hook, as `tc qdisc add dev lo root netem loss ...` would install: false takes the
 * packet away before the device (and the taps) see it: dropped, or kept to be sent later with
 * dev_queue_xmit(). kplay's lo has none unless a test installs one.
 */
export type EgressHook = (skb: SkBuff, dev: NetDevice) => boolean;

/** struct net_device */
export class NetDevice {
  ifindex = 0;
  flags = 0;
  /** DEFAULT_TX_QUEUE_LEN */
  tx_queue_len = 1000;
  /** Octets of link header in front of the network header (ETH_HLEN for lo, 0 for nlmon). */
  hard_header_len = 0;
  addr_len = 0;
  dev_addr = new Uint8Array(6);
  min_mtu = 0;
  /** Users of promiscuous mode (packet sockets' PACKET_MR_PROMISC). */
  promiscuity = 0;
  max_mtu = 0;
  /** The rtnl_link_ops that made the device (`ip link add ... type KIND`); null for lo. */
  rtnl_link_ops: RtnlLinkOps | null = null;
  readonly ip_ptr: InIfaddr[] = [];
  readonly stats: NetDeviceStats = { rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 };

  constructor(
    readonly name: string,
    public mtu: number,
    readonly type: number,
    readonly netdev_ops: NetDeviceOps,
  ) {}
}

/** Netdevice notifier events (include/linux/netdevice.h). */
export const NETDEV_UP = 1;
export const NETDEV_DOWN = 2;
export const NETDEV_UNREGISTER = 6;

/** A netdevice notifier's call (struct notifier_block's notifier_call). */
export type NetdevNotifier = (event: number, dev: NetDevice) => void;

interface NetState {
  devices: NetDevice[];
  /** net->ifindex: the last index handed out (dev_new_index never reuses one). */
  ifindex: number;
  backlog: SkBuff[];
  draining: boolean;
  /** ptype_all: the ETH_P_ALL taps. */
  ptype_all: PacketType[];
  egress: EgressHook[];
  /** ptype_base: the handlers __netif_receive_skb dispatches to, by ethertype (ip_rcv, and packet sockets of one protocol). */
  ptype_base: Map<number, PacketType[]>;
  /** netdev_chain */
  notifiers: NetdevNotifier[];
}

const states = new WeakMap<Kernel, NetState>();

export function net_state(k: Kernel = current().kernel): NetState {
  let s = states.get(k);
  if (!s) states.set(k, (s = { devices: [], ifindex: 0, backlog: [], draining: false, ptype_all: [], egress: [], ptype_base: new Map(), notifiers: [] }));
  return s;
}

/** register_netdevice(dev): the next ifindex, and the device in the list. */
export function register_netdev(dev: NetDevice, k: Kernel = current().kernel): number {
  const st = net_state(k);
  dev.ifindex = ++st.ifindex;
  st.devices.push(dev);
  return 0;
}

/** unregister_netdevice(dev): closed, NETDEV_UNREGISTER told, then out of the list. */
export function unregister_netdev(dev: NetDevice): void {
  dev_close(dev);
  call_netdevice_notifiers(NETDEV_UNREGISTER, dev);
  const st = net_state();
  st.devices.splice(st.devices.indexOf(dev), 1);
}

/** register_netdevice_notifier(fn) */
export function register_netdevice_notifier(fn: NetdevNotifier, k: Kernel = current().kernel): void {
  net_state(k).notifiers.push(fn);
}

function call_netdevice_notifiers(event: number, dev: NetDevice): void {
  for (const fn of net_state().notifiers) fn(event, dev);
}

/** dev_get_by_index(ifindex) */
export function dev_get_by_index(ifindex: number): NetDevice | null {
  return net_state().devices.find((d) => d.ifindex === ifindex) ?? null;
}

export function dev_get_by_name(name: string): NetDevice | null {
  return net_state().devices.find((d) => d.name === name) ?? null;
}

/** __dev_open(dev): the driver's ndo_open, then IFF_UP; 0 or its error. */
export function dev_open(dev: NetDevice): number {
  if (dev.flags & IFF_UP) return 0;
  const err = dev.netdev_ops.ndo_open?.(dev) ?? 0;
  if (err) return err;
  dev.flags |= IFF_UP;
  call_netdevice_notifiers(NETDEV_UP, dev);
  return 0;
}

/** __dev_close(dev): IFF_UP off, then the driver's ndo_stop. */
export function dev_close(dev: NetDevice): void {
  if (!(dev.flags & IFF_UP)) return;
  dev.flags &= ~IFF_UP;
  dev.netdev_ops.ndo_stop?.(dev);
  call_netdevice_notifiers(NETDEV_DOWN, dev);
}

/**
 * dev_set_promiscuity(dev, inc): count a user of promiscuous mode; IFF_PROMISC and the log line
 * follow the count crossing zero (5.15's __dev_set_promiscuity).
 */
export function dev_set_promiscuity(dev: NetDevice, inc: number): void {
  const old = dev.promiscuity;
  dev.promiscuity = Math.max(0, dev.promiscuity + inc);
  if (!old === !dev.promiscuity) return;
  if (dev.promiscuity) dev.flags |= IFF_PROMISC;
  else dev.flags &= ~IFF_PROMISC;
  pr_info(`device ${dev.name} ${dev.promiscuity ? "entered" : "left"} promiscuous mode\n`);
}

/** dev_add_pack(pt): a tap (ETH_P_ALL), or one more receive handler of an ethertype. */
export function dev_add_pack(pt: PacketType, k: Kernel = current().kernel): void {
  const st = net_state(k);
  if (pt.type === ETH_P_ALL) st.ptype_all.push(pt);
  else st.ptype_base.set(pt.type, [...(st.ptype_base.get(pt.type) ?? []), pt]);
}

/** dev_remove_pack(pt) */
export function dev_remove_pack(pt: PacketType, k: Kernel = current().kernel): void {
  const st = net_state(k);
  if (pt.type === ETH_P_ALL) st.ptype_all = st.ptype_all.filter((p) => p !== pt);
  else st.ptype_base.set(pt.type, (st.ptype_base.get(pt.type) ?? []).filter((p) => p !== pt));
}

/** ktime_get(): nanoseconds since boot, what skb->tstamp holds. */
function net_timestamp(k: Kernel = current().kernel): number {
  return k.clock.now();
}

/**
 * dev_queue_xmit_nit(skb, dev): a copy of an outgoing packet, marked PACKET_OUTGOING, to every tap
 * of the device, except the packet socket that sent it.
 */
function dev_queue_xmit_nit(skb: SkBuff, dev: NetDevice): void {
  if (!skb.tstamp) skb.tstamp = net_timestamp();
  for (const pt of net_state().ptype_all) {
    if ((pt.dev && pt.dev !== dev) || (skb.sk && pt.af_packet_priv === skb.sk)) continue;
    const skb2 = new SkBuff(skb.data);
    skb2.dev = dev;
    skb2.protocol = skb.protocol;
    skb2.tstamp = skb.tstamp;
    skb2.pkt_type = PACKET_OUTGOING;
    pt.func(skb2, dev, pt);
  }
}

/** dev_queue_xmit(skb): hand a packet to its device. */
export function dev_queue_xmit(skb: SkBuff): number {
  const dev = skb.dev!;
  if (!(dev.flags & IFF_UP)) {
    dev.stats.tx_dropped++;
    return -ENETDOWN;
  }
  const st = net_state();
  for (const hook of st.egress) if (!hook(skb, dev)) return 0;
  if (st.ptype_all.length) dev_queue_xmit_nit(skb, dev);
  return dev.netdev_ops.ndo_start_xmit(skb, dev);
}

/** __netif_receive_skb(skb): the taps of the device, then the handlers of its ethertype. */
function __netif_receive_skb(st: NetState, skb: SkBuff): void {
  const dev = skb.dev!;
  for (const pt of st.ptype_all) if (!pt.dev || pt.dev === dev) pt.func(skb, dev, pt);
  for (const pt of st.ptype_base.get(skb.protocol) ?? []) if (!pt.dev || pt.dev === dev) pt.func(skb, dev, pt);
}

/**
 * netif_rx(skb): queue a received packet and drain the backlog unless already draining. It is
 * timestamped only while a tap listens (net_timestamp_check behind netstamp_needed_key).
 */
export function netif_rx(skb: SkBuff): void {
  const st = net_state();
  if (st.ptype_all.length) skb.tstamp = net_timestamp();
  st.backlog.push(skb);
  if (st.draining) return;
  st.draining = true;
  try {
    for (let next = st.backlog.shift(); next; next = st.backlog.shift()) __netif_receive_skb(st, next);
  } finally {
    st.draining = false;
  }
}

/** /proc/net/dev (dev_seq_show). */
export function proc_net_dev(k: Kernel): string {
  let s = "Inter-|   Receive                                                |  Transmit\n";
  s += " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n";
  for (const d of net_state(k).devices) {
    const st = d.stats;
    s += `${d.name.padStart(6)}: ${String(st.rx_bytes).padStart(7)} ${String(st.rx_packets).padStart(7)} ${String(st.rx_errors).padStart(4)} ${String(st.rx_dropped).padStart(4)} ${"0".padStart(4)} ${"0".padStart(5)} ${"0".padStart(10)} ${"0".padStart(9)} `;
    s += `${String(st.tx_bytes).padStart(8)} ${String(st.tx_packets).padStart(7)} ${String(st.tx_errors).padStart(4)} ${String(st.tx_dropped).padStart(4)} ${"0".padStart(4)} ${"0".padStart(5)} ${"0".padStart(7)} ${"0".padStart(10)}\n`;
  }
  return s;
}
