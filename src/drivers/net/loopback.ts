// Mirrors drivers/net/loopback.c: the lo device, whose transmit is its own receive.
import { IFF_LOOPBACK, IFF_RUNNING, IFF_UP, ARPHRD_LOOPBACK, NetDevice, netif_rx, register_netdev } from "../../net/core/dev.js";
import type { Kernel } from "../../kernel/kernel.js";
import { ETH_ALEN, ETH_HLEN } from "../../include/uapi/if_ether.js";

/** loopback_xmit(): count the packet both ways and receive it. */
function loopback_xmit(skb: Parameters<typeof netif_rx>[0], dev: NetDevice): number {
  const len = skb.len + ETH_HLEN;
  dev.stats.tx_packets++;
  dev.stats.tx_bytes += len;
  dev.stats.rx_packets++;
  dev.stats.rx_bytes += len;
  netif_rx(skb);
  return 0;
}

/** loopback_net_init(): lo, up, with 127.0.0.1/8. */
export function loopback_init(k: Kernel): NetDevice {
  const lo = new NetDevice("lo", 65536, ARPHRD_LOOPBACK, { ndo_start_xmit: loopback_xmit });
  lo.flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  /* ether_setup() through loopback_setup(): Ethernet framing with the all-zero address */
  lo.hard_header_len = ETH_HLEN;
  lo.addr_len = ETH_ALEN;
  lo.ip_ptr.push({ ifa_address: 0x7f000001, ifa_prefixlen: 8, ifa_label: "lo" });
  register_netdev(lo, k);
  return lo;
}
