// Mirrors net/ipv4/route.c and fib lookups for the one network kplay has: 127.0.0.0/8 and every
// local address go out on lo; anything else has no route.
import { ENETUNREACH } from "../../include/uapi/errno.js";
import { INADDR_ANY, INADDR_LOOPBACK } from "../../include/uapi/in.js";
import { net_state, type NetDevice } from "../core/dev.js";

export interface Rtable {
  dev: NetDevice;
  /** The source address for packets on this route (host order). */
  saddr: number;
  daddr: number;
}

/** inet_addr_type() == RTN_LOCAL: an address of this host (any of 127/8 counts, as on lo). */
export function inet_addr_is_local(addr: number): boolean {
  if (addr >>> 24 === 127) return true;
  return net_state().devices.some((d) => d.ip_ptr.some((a) => a.ifa_address === addr));
}

/** ip_route_output_key(): the route to `daddr`; INADDR_ANY means this host. -ENETUNREACH otherwise. */
export function ip_route_output(daddr: number): Rtable | number {
  if (daddr === INADDR_ANY) daddr = INADDR_LOOPBACK;
  const lo = net_state().devices.find((d) => d.name === "lo");
  if (!lo || !inet_addr_is_local(daddr)) return -ENETUNREACH;
  return { dev: lo, saddr: daddr >>> 24 === 127 ? INADDR_LOOPBACK : daddr, daddr };
}
