// Mirrors BusyBox 1.35 networking/libiproute/iplink.c: "ip link [show]" is ipaddr_list_or_flush with
// family AF_PACKET; "ip link set" changes a device through the old ioctls on a PF_INET datagram
// socket (SIOCGIFFLAGS then SIOCSIFFLAGS for up/down/arp/multicast/promisc, SIOCSIFMTU,
// SIOCSIFTXQLEN, SIOCSIFNAME), so a user without CAP_NET_ADMIN gets
// "ip: SIOCSIFFLAGS: Operation not permitted" from xioctl, not an RTNETLINK answer; "master" and
// "netns" go over rtnetlink (RTM_NEWLINK). do_iplink sets xfunc_error_retval to 2 first, so every
// error of "ip link" exits 2. "ip link add|delete" (virtual devices) is not built here: kplay has
// no vlan/vrf/vxlan drivers to create.
import * as sk from "../../../libc/socket.js";
import { close, ioctl } from "../../../libc/unistd.js";
import { IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINK, IFLA_LINKINFO, IFLA_MASTER, IFLA_NET_NS_PID, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, RTM_DELLINK, RTM_NEWLINK } from "../../../../include/uapi/netlink.js";
import {
  ifr_flags_get,
  ifr_flags_set,
  ifr_int_set,
  ifr_name_set,
  ifreq_alloc,
  SIOCGIFFLAGS,
  SIOCSIFFLAGS,
  SIOCSIFMTU,
  SIOCSIFNAME,
  SIOCSIFTXQLEN,
} from "../../../../include/uapi/sockios.js";
import { applet_name, bb_error_msg } from "../../libbb.js";
import { ReqBuf, rtnl_talk, xrtnl_open } from "./libnetlink.js";
import { IFINFOMSG_SIZE, ll_init_map, xll_name_to_index } from "./ll_map.js";
import { ipaddr_list_or_flush } from "./ipaddress.js";
import {
  bb_error_msg_and_die,
  bb_msg_requires_arg,
  bb_perror_msg_and_die,
  duparg,
  duparg2,
  get_unsigned,
  index_in_strings,
  index_in_substrings,
  invarg_1_to_2,
  ip_globals,
  next_arg,
  xfunc_die,
} from "./utils.js";
import { IFF_MULTICAST, IFF_NOARP, IFF_PROMISC, IFF_UP } from "../../../../include/uapi/if.js";


const ioctl_names = new Map<number, string>([
  [SIOCGIFFLAGS, "SIOCGIFFLAGS"],
  [SIOCSIFFLAGS, "SIOCSIFFLAGS"],
  [SIOCSIFMTU, "SIOCSIFMTU"],
  [SIOCSIFTXQLEN, "SIOCSIFTXQLEN"],
  [SIOCSIFNAME, "SIOCSIFNAME"],
]);

/** xioctl(fd, request, argp): bb_xioctl with IOCTL_HEX2STR_ERROR, dying with the request's name. */
async function xioctl(fd: number, request: number, ifr: Uint8Array): Promise<void> {
  if ((await ioctl(fd, request, ifr)) < 0) await bb_perror_msg_and_die(ioctl_names.get(request) ?? `ioctl ${request.toString(16)}`);
}

/** get_ctl_fd(): PF_INET, PF_PACKET or (xsocket) PF_INET6 datagram socket. */
async function get_ctl_fd(): Promise<number> {
  let fd = await sk.socket(sk.AF_INET, sk.SOCK_DGRAM, 0);
  if (fd >= 0) return fd;
  fd = await sk.socket(sk.AF_PACKET, sk.SOCK_DGRAM, 0);
  if (fd >= 0) return fd;
  fd = await sk.socket(sk.AF_INET6, sk.SOCK_DGRAM, 0);
  if (fd < 0) return bb_perror_msg_and_die("socket");
  return fd;
}

/** do_chflags(dev, flags, mask): read the flags, and write them only when they change. */
async function do_chflags(dev: string, flags: number, mask: number): Promise<void> {
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, dev);
  const fd = await get_ctl_fd();
  await xioctl(fd, SIOCGIFFLAGS, ifr);
  const cur = ifr_flags_get(ifr) & 0xffff;
  if ((cur ^ flags) & mask) {
    ifr_flags_set(ifr, (cur & ~mask) | (mask & flags));
    await xioctl(fd, SIOCSIFFLAGS, ifr);
  }
  close(fd);
}

async function do_changename(dev: string, newdev: string): Promise<void> {
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, dev);
  /* ifr_newname is the union's 16 bytes */
  ifr.set(new TextEncoder().encode(newdev).subarray(0, 15), 16);
  const fd = await get_ctl_fd();
  await xioctl(fd, SIOCSIFNAME, ifr);
  close(fd);
}

async function set_int(dev: string, request: number, v: number): Promise<void> {
  const fd = await get_ctl_fd();
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, dev);
  ifr_int_set(ifr, v);
  await xioctl(fd, request, ifr);
  close(fd);
}

/** set_master / set_netns: one RTM_NEWLINK with IFLA_MASTER or IFLA_NET_NS_PID. */
async function set_link_attr(dev: string, type: number, v: number): Promise<void> {
  const ifi = new Uint8Array(IFINFOMSG_SIZE);
  ifi[0] = ip_globals().preferred_family;
  const rth = await xrtnl_open();
  new DataView(ifi.buffer).setInt32(4, await xll_name_to_index(dev), true);
  const req = new ReqBuf(ifi);
  req.addattr32(type, v);
  if (!(await rtnl_talk(rth, RTM_NEWLINK, NLM_F_REQUEST, req.bytes, false))) await xfunc_die();
}

const die_must_be_on_off = (msg: string): Promise<never> => bb_error_msg_and_die(`argument of "${msg}" must be "on" or "off"`);

/** do_set(argv): "ip link set [dev] IFACE ..." */
async function do_set(argv: string[]): Promise<number> {
  const keywords = ["up", "down", "name", "mtu", "qlen", "multicast", "arp", "promisc", "address", "netns", "master", "nomaster", "dev"];
  const [ARG_up, ARG_down, ARG_name, ARG_mtu, ARG_qlen, ARG_multicast, ARG_arp, ARG_promisc, ARG_addr, ARG_netns, ARG_master, ARG_nomaster, ARG_dev] = keywords.map((_, i) => i);
  let dev: string | null = null;
  let mask = 0;
  let flags = 0;
  let qlen = -1;
  let mtu = -1;
  let master = -1;
  let netns = -1;
  let newaddr: string | null = null;
  let newname: string | null = null;

  for (let i = 0; i < argv.length; i++) {
    /* substring search ensures that e.g. "addr" and "address" are both accepted;
     * an unknown word is (smalluint)-1, past ARG_dev: the device name */
    let key = index_in_substrings(keywords, argv[i]);
    if (key < 0) key = 255;
    if (key === ARG_up) {
      mask |= IFF_UP;
      flags |= IFF_UP;
    } else if (key === ARG_down) {
      mask |= IFF_UP;
      flags &= ~IFF_UP;
    } else if (key === ARG_name) {
      i = await next_arg(argv, i);
      newname = argv[i];
    } else if (key === ARG_mtu) {
      i = await next_arg(argv, i);
      if (mtu !== -1) await duparg("mtu", argv[i]);
      mtu = await get_unsigned(argv[i], "mtu");
    } else if (key === ARG_qlen) {
      i = await next_arg(argv, i);
      if (qlen !== -1) await duparg("qlen", argv[i]);
      qlen = await get_unsigned(argv[i], "qlen");
    } else if (key === ARG_addr) {
      i = await next_arg(argv, i);
      newaddr = argv[i];
    } else if (key === ARG_master) {
      i = await next_arg(argv, i);
      master = await xll_name_to_index(argv[i]);
    } else if (key === ARG_nomaster) {
      master = 0;
    } else if (key === ARG_netns) {
      i = await next_arg(argv, i);
      netns = await get_unsigned(argv[i], "netns");
    } else if (key >= ARG_dev) {
      /* ">=" here results in "dev IFACE" treated as default */
      if (key === ARG_dev) i = await next_arg(argv, i);
      if (dev) await duparg2("dev", argv[i]);
      dev = argv[i];
    } else {
      /* "on|off" options */
      i = await next_arg(argv, i);
      const param = index_in_strings(["on", "off"], argv[i]);
      if (key === ARG_multicast) {
        if (param < 0) await die_must_be_on_off("multicast");
        mask |= IFF_MULTICAST;
        if (param === 0) flags |= IFF_MULTICAST;
        else flags &= ~IFF_MULTICAST;
      } else if (key === ARG_arp) {
        if (param < 0) await die_must_be_on_off("arp");
        mask |= IFF_NOARP;
        if (param === 0) flags &= ~IFF_NOARP;
        else flags |= IFF_NOARP;
      } else if (key === ARG_promisc) {
        if (param < 0) await die_must_be_on_off("promisc");
        mask |= IFF_PROMISC;
        if (param === 0) flags |= IFF_PROMISC;
        else flags &= ~IFF_PROMISC;
      }
    }
  }

  if (!dev) return bb_error_msg_and_die(bb_msg_requires_arg('"dev"'));

  if (newaddr) {
    /* get_address(): xsocket(PF_PACKET, SOCK_DGRAM, 0), SIOCGIFINDEX, bind, getsockname */
    const s = await sk.socket(sk.AF_PACKET, sk.SOCK_DGRAM, 0);
    if (s < 0) return bb_perror_msg_and_die("socket");
    close(s);
    return bb_error_msg_and_die(`wrong address (${newaddr}) length: expected 0 bytes`);
  }
  if (newname && dev !== newname) {
    await do_changename(dev, newname);
    dev = newname;
  }
  if (qlen !== -1) await set_int(dev, SIOCSIFTXQLEN, qlen);
  if (mtu !== -1) await set_int(dev, SIOCSIFMTU, mtu);
  if (master !== -1) await set_link_attr(dev, IFLA_MASTER, master);
  if (netns !== -1) await set_link_attr(dev, IFLA_NET_NS_PID, netns);
  if (mask) await do_chflags(dev, flags, mask);
  return 0;
}

/** ipaddr_list_link(argv) */
function ipaddr_list_link(argv: string[]): Promise<number> {
  ip_globals().preferred_family = sk.AF_PACKET;
  return ipaddr_list_or_flush(argv, false);
}

/** do_iplink(argv) */
export async function do_iplink(argv: string[]): Promise<number> {
  const keywords = ["add", "delete", "set", "show", "lst", "list"];
  /* xfunc_error_retval = 2; //TODO: move up to "ip"? */
  ip_globals().xfunc_error_retval = 2;
  if (argv.length) {
    const key = index_in_substrings(keywords, argv[0]);
    if (key < 0) return invarg_1_to_2(argv[0], applet_name());
    const rest = argv.slice(1);
    if (key <= 1) return do_add_or_delete(rest, key ? RTM_DELLINK : RTM_NEWLINK);
    if (key === 2) return do_set(rest);
    return ipaddr_list_link(rest);
  }
  /* show, lst, list */
  return ipaddr_list_link(argv);
}

/**
 * do_add_or_delete(argv, rtm): RTM_NEWLINK (NLM_F_CREATE|NLM_F_EXCL) or RTM_DELLINK with
 * IFLA_LINKINFO { IFLA_INFO_KIND }, IFLA_LINK, IFLA_ADDRESS and IFLA_IFNAME; the kernel's answer
 * (an "RTNETLINK answers: ..." error) is what the user sees. The vlan/vrf/vxlan argument parsers
 * after "type TYPE" are not built (kplay has none of those drivers).
 */
async function do_add_or_delete(argv: string[], rtm: number): Promise<number> {
  const keywords = ["link", "name", "type", "dev", "address"];
  let name_str: string | null = null;
  let link_str: string | null = null;
  let type_str: string | null = null;
  let dev_str: string | null = null;
  let address_str: string | null = null;
  const ifi = new Uint8Array(IFINFOMSG_SIZE);
  ifi[0] = ip_globals().preferred_family;
  const flags = NLM_F_REQUEST | (rtm === RTM_NEWLINK ? NLM_F_CREATE | NLM_F_EXCL : 0);

  for (let i = 0; i < argv.length; i++) {
    const arg = index_in_substrings(keywords, argv[i]);
    if (arg === 2) {
      i = await next_arg(argv, i);
      type_str = argv[i];
      break;
    }
    if (arg === 0) {
      i = await next_arg(argv, i);
      link_str = argv[i];
    } else if (arg === 1) {
      i = await next_arg(argv, i);
      name_str = argv[i];
    } else if (arg === 4) {
      i = await next_arg(argv, i);
      address_str = argv[i];
    } else {
      if (arg === 3) {
        if (dev_str) await duparg(argv[i], "dev");
        i = await next_arg(argv, i);
      }
      dev_str = argv[i];
    }
  }
  const rth = await xrtnl_open();
  await ll_init_map(rth);
  const attrs: [number, Uint8Array][] = [];
  const enc = (s: string, nul: boolean): Uint8Array => {
    const e = new TextEncoder().encode(s);
    const b = new Uint8Array(e.length + (nul ? 1 : 0));
    b.set(e);
    return b;
  };
  if (type_str && rtm === RTM_NEWLINK) {
    /* IFLA_LINKINFO nesting IFLA_INFO_KIND (not NUL-terminated, as BusyBox sends it) */
    const kind = new ReqBuf(new Uint8Array(0));
    kind.addattr_l(IFLA_INFO_KIND, enc(type_str, false));
    attrs.push([IFLA_LINKINFO, kind.bytes]);
  }
  /* Allow "ip link add dev" and "ip link add name" */
  if (!name_str) name_str = dev_str;
  else if (!dev_str) dev_str = name_str;

  if (rtm !== RTM_NEWLINK) {
    if (!dev_str) return 1; /* Need a device to delete */
    new DataView(ifi.buffer).setInt32(4, await xll_name_to_index(dev_str), true);
  } else {
    if (link_str) {
      const idx = new Uint8Array(4);
      new DataView(idx.buffer).setInt32(0, await xll_name_to_index(link_str), true);
      attrs.push([IFLA_LINK, idx]);
    }
    if (address_str) {
      const bytes = address_str.split(":").map((h) => Number.parseInt(h, 16));
      if (bytes.some((b) => Number.isNaN(b) || b < 0 || b > 255)) {
        bb_error_msg(`"${address_str}" is invalid lladdr`);
        return -1 & 0xff;
      }
      attrs.push([IFLA_ADDRESS, Uint8Array.from(bytes)]);
    }
  }
  if (name_str) {
    const name_len = new TextEncoder().encode(name_str).length + 1;
    if (name_len < 2 || name_len > 16) await invarg_1_to_2(name_str, "name");
    attrs.push([IFLA_IFNAME, enc(name_str, true)]);
  }
  const req = new ReqBuf(ifi);
  for (const [t, d] of attrs) req.addattr_l(t, d);
  if (!(await rtnl_talk(rth, rtm, flags, req.bytes, false))) return 2;
  return 0;
}
