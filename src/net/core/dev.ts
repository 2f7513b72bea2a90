// Mirrors net/core/dev.c: network devices, dev_queue_xmit, and netif_rx with the receive backlog
// that the NET_RX softirq drains (here at once, in order, before the sender's call returns, as a
// loopback send does on Linux); /proc/net/dev.
import type { Kernel } from "../../kernel/kernel.js";
import { current } from "../../kernel/sched/task.js";
import type { SkBuff } from "./skbuff.js";

import { IFF_RUNNING, IFF_UP } from "../../include/uapi/if.js";
export { IFF_BROADCAST, IFF_LOOPBACK, IFF_NOARP, IFF_RUNNING, IFF_UP } from "../../include/uapi/if.js";
export const ARPHRD_LOOPBACK = 772;

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

export interface NetDeviceOps {
  ndo_start_xmit(skb: SkBuff, dev: NetDevice): number;
}

/** A packet tap (packet sockets, tcpdump): sees every frame a device sends or receives. */
export type PacketTap = (skb: SkBuff, dev: NetDevice, dir: "in" | "out") => void;

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
  readonly ip_ptr: InIfaddr[] = [];
  readonly stats: NetDeviceStats = { rx_packets: 0, tx_packets: 0, rx_bytes: 0, tx_bytes: 0, rx_errors: 0, tx_errors: 0, rx_dropped: 0, tx_dropped: 0 };

  constructor(
    readonly name: string,
    public mtu: number,
    readonly type: number,
    readonly netdev_ops: NetDeviceOps,
  ) {}
}

interface NetState {
  devices: NetDevice[];
  backlog: SkBuff[];
  draining: boolean;
  taps: PacketTap[];
  egress: EgressHook[];
  /** The protocol handlers netif_receive_skb dispatches to, by ethertype. */
  ptype: Map<number, (skb: SkBuff) => void>;
}

const states = new WeakMap<Kernel, NetState>();

export function net_state(k: Kernel = current().kernel): NetState {
  let s = states.get(k);
  if (!s) states.set(k, (s = { devices: [], backlog: [], draining: false, taps: [], egress: [], ptype: new Map() }));
  return s;
}

/** register_netdev(dev) */
export function register_netdev(dev: NetDevice, k: Kernel = current().kernel): number {
  const st = net_state(k);
  dev.ifindex = st.devices.length + 1;
  st.devices.push(dev);
  return 0;
}

/** dev_get_by_index(ifindex) */
export function dev_get_by_index(ifindex: number): NetDevice | null {
  return net_state().devices.find((d) => d.ifindex === ifindex) ?? null;
}

export function dev_get_by_name(name: string): NetDevice | null {
  return net_state().devices.find((d) => d.name === name) ?? null;
}

/** dev_add_pack(): receive packets of `type` (ETH_P_IP for IPv4). */
export function dev_add_pack(type: number, func: (skb: SkBuff) => void, k: Kernel = current().kernel): void {
  net_state(k).ptype.set(type, func);
}

/** dev_queue_xmit(skb): hand a packet to its device. */
export function dev_queue_xmit(skb: SkBuff): number {
  const dev = skb.dev!;
  if (!(dev.flags & IFF_UP)) {
    dev.stats.tx_dropped++;
    return -100; /* -ENETDOWN */
  }
  const st = net_state();
  for (const hook of st.egress) if (!hook(skb, dev)) return 0;
  for (const tap of st.taps) tap(skb, dev, "out");
  return dev.netdev_ops.ndo_start_xmit(skb, dev);
}

/** netif_rx(skb): queue a received packet and drain the backlog unless already draining. */
export function netif_rx(skb: SkBuff): void {
  const st = net_state();
  st.backlog.push(skb);
  if (st.draining) return;
  st.draining = true;
  try {
    for (let next = st.backlog.shift(); next; next = st.backlog.shift()) {
      for (const tap of st.taps) tap(next, next.dev!, "in");
      st.ptype.get(next.protocol)?.(next);
    }
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
