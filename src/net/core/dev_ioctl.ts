// Mirrors net/core/dev_ioctl.c: the SIOC*IF* ioctls every socket answers (dev_ioctl, with
// dev_ifsioc_locked for the reads and dev_ifsioc for the writes, which need CAP_NET_ADMIN), and
// SIOCGIFCONF (dev_ifconf, with inet_gifconf of net/ipv4/devinet.c filling one ifreq per IPv4
// address). devinet_ioctl (net/ipv4/devinet.c) lives here too: it is what inet_ioctl calls for
// the address ioctls and SIOCSIFFLAGS. Each ioctl takes a kernel copy of the user's struct ifreq
// (32 bytes); the caller copies it back when the call succeeds.
import { EADDRNOTAVAIL, EINVAL, ENODEV, ENOTTY, EPERM, EOPNOTSUPP } from "../../include/uapi/errno.js";
import { AF_INET } from "../../include/uapi/socket.js";
import * as S from "../../include/uapi/sockios.js";
import { capable, CAP_NET_ADMIN } from "../../kernel/capability.js";
import { dev_close, dev_get_by_name, dev_open, net_state, type InIfaddr, type NetDevice } from "./dev.js";
import { IFF_ALLMULTI, IFF_AUTOMEDIA, IFF_BROADCAST, IFF_DEBUG, IFF_DORMANT, IFF_DYNAMIC, IFF_ECHO, IFF_LOOPBACK, IFF_LOWER_UP, IFF_MASTER, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PORTSEL, IFF_PROMISC, IFF_RUNNING, IFF_SLAVE, IFF_UP } from "../../include/uapi/if.js";

/** IFF_VOLATILE: flags user space cannot set. */
const IFF_VOLATILE = IFF_LOOPBACK | IFF_POINTOPOINT | IFF_BROADCAST | IFF_ECHO | IFF_MASTER | IFF_SLAVE | IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT;

/** dev_get_flags(dev): RUNNING only while the device is up (netif_running and netif_oper_up). */
export function dev_get_flags(dev: NetDevice): number {
  let flags = dev.flags & ~(IFF_RUNNING | IFF_LOWER_UP | IFF_DORMANT);
  if (dev.flags & IFF_UP && dev.flags & IFF_RUNNING) flags |= IFF_RUNNING | IFF_LOWER_UP;
  return flags;
}

/** dev_change_flags(dev, flags): the settable bits, then dev_open/dev_close for IFF_UP. */
export function dev_change_flags(dev: NetDevice, flags: number): number {
  const old = dev.flags;
  dev.flags =
    (flags & (IFF_DEBUG | IFF_NOTRAILERS | IFF_NOARP | IFF_DYNAMIC | IFF_MULTICAST | IFF_PORTSEL | IFF_AUTOMEDIA)) |
    (old & (IFF_UP | IFF_VOLATILE | IFF_PROMISC | IFF_ALLMULTI));
  /* dev_set_promiscuity / dev_set_allmulti: the user's request is the whole count here */
  dev.flags = (dev.flags & ~(IFF_PROMISC | IFF_ALLMULTI)) | (flags & (IFF_PROMISC | IFF_ALLMULTI));
  if ((old ^ flags) & IFF_UP) {
    if (!(flags & IFF_UP)) dev_close(dev);
    else return dev_open(dev);
  }
  return 0;
}

/** dev_set_mtu(dev, new_mtu): within the device's min_mtu and max_mtu (none for lo; 0 is no maximum). */
export function dev_set_mtu(dev: NetDevice, new_mtu: number): number {
  if (new_mtu === dev.mtu) return 0;
  if (new_mtu < 0 || new_mtu < dev.min_mtu || (dev.max_mtu > 0 && new_mtu > dev.max_mtu)) return -EINVAL;
  dev.mtu = new_mtu;
  return 0;
}

/** dev_ifsioc_locked(): the reads. */
function dev_ifsioc_locked(ifr: Uint8Array, cmd: number): number {
  const dev = dev_get_by_name(S.ifr_name_get(ifr));
  if (!dev) return -ENODEV;
  switch (cmd) {
    case S.SIOCGIFFLAGS:
      S.ifr_flags_set(ifr, dev_get_flags(dev));
      return 0;
    case S.SIOCGIFMETRIC: /* currently unused */
      S.ifr_int_set(ifr, 0);
      return 0;
    case S.SIOCGIFMTU:
      S.ifr_int_set(ifr, dev.mtu);
      return 0;
    case S.SIOCGIFSLAVE:
      return -EINVAL;
    case S.SIOCGIFMAP:
      S.ifr_map_set(ifr, { mem_start: 0, mem_end: 0, base_addr: 0, irq: 0, dma: 0, port: 0 });
      return 0;
    case S.SIOCGIFINDEX:
      S.ifr_int_set(ifr, dev.ifindex);
      return 0;
    case S.SIOCGIFTXQLEN:
      S.ifr_int_set(ifr, dev.tx_queue_len);
      return 0;
    default:
      return -ENOTTY; /* WARN_ON(1) */
  }
}

/** dev_ifsioc(): the writes (the caller checked CAP_NET_ADMIN). */
function dev_ifsioc(ifr: Uint8Array, cmd: number): number {
  const dev = dev_get_by_name(S.ifr_name_get(ifr));
  if (!dev) return -ENODEV;
  switch (cmd) {
    case S.SIOCSIFFLAGS:
      return dev_change_flags(dev, S.ifr_flags_get(ifr) & 0xffff);
    case S.SIOCSIFMETRIC: /* currently unused */
      return -EOPNOTSUPP;
    case S.SIOCSIFMTU:
      return dev_set_mtu(dev, S.ifr_int_get(ifr));
    case S.SIOCSIFTXQLEN: {
      const len = S.ifr_int_get(ifr);
      if (len < 0) return -EINVAL;
      dev.tx_queue_len = len;
      return 0;
    }
    case S.SIOCSIFMAP: /* no ndo_set_config */
    case S.SIOCSIFHWADDR: /* no ndo_set_mac_address */
    case S.SIOCSIFHWBROADCAST:
    case S.SIOCADDMULTI:
    case S.SIOCDELMULTI:
      return -EOPNOTSUPP;
    default:
      return -EINVAL;
  }
}

/** dev_get_mac_address(): lo's address is addr_len (6) zero bytes, sa_family its type. */
function dev_get_mac_address(ifr: Uint8Array): number {
  const dev = dev_get_by_name(S.ifr_name_get(ifr));
  if (!dev) return -ENODEV;
  S.ifr_hwaddr_set(ifr, dev.type, new Uint8Array(14));
  return 0;
}

/**
 * dev_ioctl(net, cmd, ifr, need_copyout): the device ioctls of every socket family. `ifr` is the
 * kernel copy of the user's struct ifreq; copyout.value says whether to copy it back.
 */
export function dev_ioctl(cmd: number, ifr: Uint8Array, copyout: { value: boolean } = { value: true }): number {
  copyout.value = true;
  if (cmd === S.SIOCGIFNAME) {
    /* dev_ifname(): by ifr_ifindex */
    const dev = net_state().devices.find((d) => d.ifindex === S.ifr_int_get(ifr));
    if (!dev) return -ENODEV;
    S.ifr_name_set(ifr, dev.name);
    return 0;
  }
  ifr[S.IFNAMSIZ - 1] = 0;
  /* colon = strchr(ifr->ifr_name, ':'): aliases name their device before the colon */
  const full = S.ifr_name_get(ifr);
  const colon = full.indexOf(":");
  if (colon >= 0) S.ifr_name_set(ifr, full.slice(0, colon));
  const restore = (ret: number): number => {
    if (colon >= 0) ifr.set(new TextEncoder().encode(full).subarray(0, S.IFNAMSIZ - 1), 0);
    return ret;
  };

  switch (cmd) {
    case S.SIOCGIFFLAGS:
    case S.SIOCGIFMETRIC:
    case S.SIOCGIFMTU:
    case S.SIOCGIFSLAVE:
    case S.SIOCGIFMAP:
    case S.SIOCGIFINDEX:
    case S.SIOCGIFTXQLEN:
      return restore(dev_ifsioc_locked(ifr, cmd));
    case S.SIOCGIFHWADDR:
      return restore(dev_get_mac_address(ifr));
    case S.SIOCSIFNAME:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      return -EOPNOTSUPP;
    case S.SIOCSIFFLAGS:
    case S.SIOCSIFMETRIC:
    case S.SIOCSIFMTU:
    case S.SIOCSIFMAP:
    case S.SIOCSIFHWADDR:
    case S.SIOCSIFSLAVE:
    case S.SIOCADDMULTI:
    case S.SIOCDELMULTI:
    case S.SIOCSIFHWBROADCAST:
    case S.SIOCSIFTXQLEN:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      copyout.value = false;
      return dev_ifsioc(ifr, cmd);
    case S.SIOCGIFMEM:
    case S.SIOCSIFMEM:
    case S.SIOCSIFLINK:
      return -ENOTTY;
    default:
      return -ENOTTY;
  }
}

/** inet_make_mask(logmask), host order. */
export const inet_make_mask = (prefixlen: number): number => (prefixlen ? (0xffffffff << (32 - prefixlen)) >>> 0 : 0);

/** ifa_broadcast: what inet_rtm_newaddr/ifconfig leave there (none on a device without IFF_BROADCAST). */
function ifa_broadcast(dev: NetDevice, ifa: InIfaddr): number {
  if (!(dev.flags & IFF_BROADCAST) || ifa.ifa_prefixlen >= 31) return 0;
  return (ifa.ifa_address | ~inet_make_mask(ifa.ifa_prefixlen)) >>> 0;
}

/** dev_ifconf(net, ifc): one ifreq per IPv4 address (inet_gifconf), or the length needed. */
export function dev_ifconf(ifc: S.Ifconf): number {
  let total = 0;
  for (const dev of net_state().devices) {
    for (const ifa of dev.ip_ptr) {
      if (!ifc.ifc_buf) {
        total += S.IFREQ_SIZE;
        continue;
      }
      if (ifc.ifc_len - total < S.IFREQ_SIZE) break;
      const ifr = S.ifreq_alloc();
      S.ifr_name_set(ifr, ifa.ifa_label);
      S.ifr_addr_set(ifr, AF_INET, ifa.ifa_address);
      ifc.ifc_buf.set(ifr, total);
      total += S.IFREQ_SIZE;
    }
  }
  ifc.ifc_len = total;
  return 0;
}

/** devinet_ioctl(net, cmd, ifr) of net/ipv4/devinet.c. */
export function devinet_ioctl(cmd: number, ifr: Uint8Array): number {
  const full = S.ifr_name_get(ifr);
  const orig_family = S.ifr_family_get(ifr);
  const orig_addr = S.ifr_addr_get(ifr);
  const colon = full.indexOf(":");
  const devname = colon >= 0 ? full.slice(0, colon) : full;
  let tryaddrmatch = false;

  switch (cmd) {
    case S.SIOCGIFADDR:
    case S.SIOCGIFBRDADDR:
    case S.SIOCGIFDSTADDR:
    case S.SIOCGIFNETMASK:
      tryaddrmatch = orig_family === AF_INET;
      S.ifr_addr_set(ifr, AF_INET, 0);
      break;
    case S.SIOCSIFFLAGS:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      break;
    case S.SIOCSIFADDR:
    case S.SIOCSIFBRDADDR:
    case S.SIOCSIFDSTADDR:
    case S.SIOCSIFNETMASK:
      if (!capable(CAP_NET_ADMIN)) return -EPERM;
      if (orig_family !== AF_INET) return -EINVAL;
      break;
    default:
      return -EINVAL;
  }

  const dev = dev_get_by_name(devname);
  if (!dev) return -ENODEV;

  let ifa: InIfaddr | undefined;
  if (tryaddrmatch) ifa = dev.ip_ptr.find((a) => a.ifa_label === full && a.ifa_address === orig_addr);
  if (!ifa) ifa = dev.ip_ptr.find((a) => a.ifa_label === full);
  if (!ifa && cmd !== S.SIOCSIFADDR && cmd !== S.SIOCSIFFLAGS) return -EADDRNOTAVAIL;

  switch (cmd) {
    case S.SIOCGIFADDR:
      S.ifr_addr_set(ifr, AF_INET, ifa!.ifa_address);
      return 0;
    case S.SIOCGIFBRDADDR:
      S.ifr_addr_set(ifr, AF_INET, ifa_broadcast(dev, ifa!));
      return 0;
    case S.SIOCGIFDSTADDR:
      S.ifr_addr_set(ifr, AF_INET, ifa!.ifa_address);
      return 0;
    case S.SIOCGIFNETMASK:
      S.ifr_addr_set(ifr, AF_INET, inet_make_mask(ifa!.ifa_prefixlen));
      return 0;
    case S.SIOCSIFFLAGS:
      if (colon >= 0) {
        /* an alias going down deletes its address */
        if (ifa && !(S.ifr_flags_get(ifr) & IFF_UP)) dev.ip_ptr.splice(dev.ip_ptr.indexOf(ifa), 1);
        return 0;
      }
      return dev_change_flags(dev, S.ifr_flags_get(ifr) & 0xffff);
    case S.SIOCSIFADDR:
      if (!ifa) {
        ifa = { ifa_address: orig_addr, ifa_prefixlen: inet_abc_len(orig_addr), ifa_label: full };
        dev.ip_ptr.push(ifa);
      } else if (ifa.ifa_address !== orig_addr) {
        ifa.ifa_address = orig_addr;
        ifa.ifa_prefixlen = inet_abc_len(orig_addr);
      }
      return 0;
    case S.SIOCSIFNETMASK: {
      /* bad_mask(): the mask must be contiguous ones */
      const mask = orig_addr;
      const len = Math.clz32(~mask >>> 0);
      if (inet_make_mask(len) !== mask) return -EINVAL;
      ifa!.ifa_prefixlen = len;
      return 0;
    }
    default:
      /* SIOCSIFBRDADDR, SIOCSIFDSTADDR: kplay keeps no broadcast or peer address */
      return 0;
  }
}

/** inet_abc_len(addr): the classful prefix length of an address (host order), -1 if none. */
function inet_abc_len(addr: number): number {
  if (addr === 0) return 0;
  if (addr >>> 31 === 0) return 8; /* class A */
  if (addr >>> 30 === 2) return 16; /* class B */
  if (addr >>> 29 === 6) return 24; /* class C */
  return 32;
}
