// Mirrors BusyBox 1.35 networking/ifconfig.c and the display half of networking/interface.c
// (display_interfaces, if_readlist_proc/if_readconf, if_fetch, ife_print, print_bytes_scaled) with
// FEATURE_IFCONFIG_STATUS=y, FEATURE_IFCONFIG_BROADCAST_PLUS=y and FEATURE_IPV6=y (kplay has no
// /proc/net/if_inet6, so ife_print6 prints nothing). Interfaces and counters come from
// /proc/net/dev, the rest from ioctls on an AF_INET datagram socket.
//
// Not here yet: the "hw", "mem_start", "io_addr" and "irq" arguments and IPv6 addresses.
import * as sk from "../../libc/socket.js";
import { close, ioctl } from "../../libc/unistd.js";
import { inet_aton } from "../../libc/inet.js";
import { fputs, stdout } from "../../libc/stdio.js";
import { libc } from "../../libc/state.js";
import { strerror } from "../../libc/strerror.js";
import { ENODEV } from "../../../include/uapi/errno.js";
import * as S from "../../../include/uapi/sockios.js";
import { bb_error_msg, bb_error_msg_and_die, bb_perror_msg_and_die, bb_show_usage, xmalloc_open_read_close } from "../libbb.js";
import { IFF_ALLMULTI, IFF_BROADCAST, IFF_DYNAMIC, IFF_MULTICAST, IFF_NOARP, IFF_NOTRAILERS, IFF_POINTOPOINT, IFF_PROMISC, IFF_RUNNING, IFF_UP } from "../../../include/uapi/if.js";

const ifconfig_trivial_usage = "[-a] interface [address]";
const ifconfig_full_usage =
  "Configure a network interface\n" +
  "\n\t[add ADDRESS[/PREFIXLEN]]" +
  "\n\t[del ADDRESS[/PREFIXLEN]]" +
  "\n\t[[-]broadcast [ADDRESS]] [[-]pointopoint [ADDRESS]]" +
  "\n\t[netmask ADDRESS] [dstaddr ADDRESS]" +
  "\n\t[hw ether ADDRESS] [metric NN] [mtu NN]" +
  "\n\t[[-]trailers] [[-]arp] [[-]allmulti]" +
  "\n\t[multicast] [[-]promisc] [txqueuelen NN] [[-]dynamic]" +
  "\n\t[mem_start NN] [io_addr NN] [irq NN]" +
  "\n\t[up|down] ...";
const usage = (): Promise<never> => bb_show_usage(ifconfig_trivial_usage, ifconfig_full_usage);

const ARPHRD_ETHER = 1;
const ARPHRD_PPP = 512;
const ARPHRD_LOOPBACK = 772;

// ---- interface.c -------------------------------------------------------------------------------

interface Stats {
  rx_packets: bigint; tx_packets: bigint; rx_bytes: bigint; tx_bytes: bigint;
  rx_errors: number; tx_errors: number; rx_dropped: number; tx_dropped: number;
  rx_fifo_errors: number; rx_frame_errors: number; tx_fifo_errors: number; collisions: number; tx_carrier_errors: number;
}

interface Iface {
  name: string;
  type: number;
  flags: number;
  metric: number;
  mtu: number;
  tx_queue_len: number;
  map: S.Ifmap;
  has_ip: boolean;
  addr: number;
  dstaddr: number;
  broadaddr: number;
  netmask: number;
  hwaddr: Uint8Array;
  statistics_valid: boolean;
  stats: Stats | null;
}

const IFNAME_SHOW_DOWNED_TOO = 1;

function new_iface(name: string): Iface {
  return {
    name, type: 0, flags: 0, metric: 0, mtu: 0, tx_queue_len: -1,
    map: { mem_start: 0, mem_end: 0, base_addr: 0, irq: 0, dma: 0, port: 0 },
    has_ip: false, addr: 0, dstaddr: 0, broadaddr: 0, netmask: 0, hwaddr: new Uint8Array(8), statistics_valid: false, stats: null,
  };
}

/** add_interface(): the list stays sorted by strcmp order. */
function add_interface(list: Iface[], name: string): Iface {
  let i = list.length;
  for (; i > 0; i--) {
    const n = list[i - 1].name < name ? -1 : list[i - 1].name > name ? 1 : 0;
    if (n === 0) return list[i - 1];
    if (n < 0) break;
  }
  const ife = new_iface(name);
  list.splice(i, 0, ife);
  return ife;
}

/** get_name(): "<whitespace>NAME:" */
function get_name(p: string): { name: string; rest: string } {
  const start = p.length - p.trimStart().length;
  let end = start;
  for (;;) {
    if (end - start >= S.IFNAMSIZ) break;
    if (p[end] === ":") return { name: p.slice(start, end), rest: p.slice(end + 1) };
    end++;
    if (end >= p.length || p.charCodeAt(end) <= 32) break;
  }
  return { name: "", rest: p };
}

/** get_dev_fields() for /proc/net/dev version 2. */
function get_dev_fields(bp: string): Stats {
  const f = bp.trim().split(/\s+/).map((x) => (/^\d+$/.test(x) ? x : "0"));
  const n = (i: number): number => Number(f[i] ?? 0) >>> 0;
  const b = (i: number): bigint => BigInt(f[i] ?? 0);
  return {
    rx_bytes: b(0), rx_packets: b(1), rx_errors: n(2), rx_dropped: n(3), rx_fifo_errors: n(4), rx_frame_errors: n(5),
    tx_bytes: b(8), tx_packets: b(9), tx_errors: n(10), tx_dropped: n(11), tx_fifo_errors: n(12), collisions: n(13), tx_carrier_errors: n(14),
  };
}

async function xsocket(domain: number, type: number, protocol: number): Promise<number> {
  const r = await sk.socket(domain, type, protocol);
  if (r < 0) await bb_perror_msg_and_die("socket");
  return r;
}

/** xioctl(fd, request, argp): dies with the request's name. */
async function xioctl(fd: number, request: number, argp: unknown, name: string): Promise<void> {
  if ((await ioctl(fd, request, argp)) < 0) await bb_perror_msg_and_die(name);
}

async function if_readconf(list: Iface[]): Promise<void> {
  let numreqs = 30;
  const skfd = await xsocket(sk.AF_INET, sk.SOCK_DGRAM, 0);
  let ifc: S.Ifconf;
  for (;;) {
    ifc = { ifc_len: S.IFREQ_SIZE * numreqs, ifc_buf: new Uint8Array(S.IFREQ_SIZE * numreqs) };
    await xioctl(skfd, S.SIOCGIFCONF, ifc, "SIOCGIFCONF");
    if (ifc.ifc_len === S.IFREQ_SIZE * numreqs) {
      numreqs += 10;
      continue;
    }
    break;
  }
  for (let n = 0; n < ifc.ifc_len; n += S.IFREQ_SIZE) add_interface(list, S.ifr_name_get(ifc.ifc_buf!.subarray(n, n + S.IFREQ_SIZE)));
  close(skfd);
}

async function if_readlist_proc(list: Iface[], ifname: string | null): Promise<boolean> {
  const buf = await xmalloc_open_read_close("/proc/net/dev"); /* fopen_or_warn */
  if (!buf) return false;
  const lines = new TextDecoder().decode(buf).split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  for (const line of lines.slice(2)) {
    const { name, rest } = get_name(line);
    const ife = add_interface(list, name);
    ife.stats = get_dev_fields(rest);
    ife.statistics_valid = true;
    if (ifname && ifname === name) return true;
  }
  return false;
}

async function if_readlist(list: Iface[], ifname: string | null): Promise<void> {
  const found = await if_readlist_proc(list, ifname);
  /* Needed in order to get ethN:M aliases */
  if (!found) await if_readconf(list);
}

/** if_fetch(): the interface configuration from the kernel; -1 with errno when the flags fail. */
async function if_fetch(ife: Iface): Promise<number> {
  const ifr = S.ifreq_alloc();
  const skfd = await xsocket(sk.AF_INET, sk.SOCK_DGRAM, 0);
  const name = (): Uint8Array => (S.ifr_name_set(ifr, ife.name), ifr);

  if ((await ioctl(skfd, S.SIOCGIFFLAGS, name())) < 0) {
    const e = libc().errno;
    close(skfd);
    libc().errno = e;
    return -1;
  }
  ife.flags = S.ifr_flags_get(ifr);

  /* set up default values if ioctl's would fail */
  ife.tx_queue_len = -1;
  ife.metric = 0;
  ife.mtu = 0;
  ife.map = { mem_start: 0, mem_end: 0, base_addr: 0, irq: 0, dma: 0, port: 0 };
  ife.has_ip = false;
  ife.addr = ife.dstaddr = ife.broadaddr = ife.netmask = 0;
  ife.hwaddr = new Uint8Array(8);

  if ((await ioctl(skfd, S.SIOCGIFHWADDR, name())) >= 0) ife.hwaddr = S.ifr_hwaddr_data(ifr).slice(0, 8);
  ife.type = S.ifr_family_get(ifr);

  if ((await ioctl(skfd, S.SIOCGIFMETRIC, name())) >= 0) ife.metric = S.ifr_int_get(ifr);
  if ((await ioctl(skfd, S.SIOCGIFMTU, name())) >= 0) ife.mtu = S.ifr_int_get(ifr);
  if ((await ioctl(skfd, S.SIOCGIFMAP, name())) === 0) ife.map = S.ifr_map_get(ifr);
  if ((await ioctl(skfd, S.SIOCGIFTXQLEN, name())) >= 0) ife.tx_queue_len = S.ifr_int_get(ifr);

  S.ifr_addr_set(name(), sk.AF_INET, 0);
  if ((await ioctl(skfd, S.SIOCGIFADDR, ifr)) === 0) {
    ife.has_ip = true;
    ife.addr = S.ifr_addr_get(ifr);
    if ((await ioctl(skfd, S.SIOCGIFDSTADDR, name())) >= 0) ife.dstaddr = S.ifr_addr_get(ifr);
    if ((await ioctl(skfd, S.SIOCGIFBRDADDR, name())) >= 0) ife.broadaddr = S.ifr_addr_get(ifr);
    if ((await ioctl(skfd, S.SIOCGIFNETMASK, name())) >= 0) ife.netmask = S.ifr_addr_get(ifr);
  }
  close(skfd);
  return 0;
}

async function do_if_fetch(ife: Iface): Promise<number> {
  if ((await if_fetch(ife)) < 0) {
    const e = libc().errno;
    /* Give better error message for this case. */
    const errmsg = e === ENODEV ? "Device not found" : strerror(e);
    bb_error_msg(`${ife.name}: error fetching interface information: ${errmsg}`);
    return -1;
  }
  return 0;
}

const hwtitle: Record<number, string> = { [ARPHRD_LOOPBACK]: "Local Loopback", [ARPHRD_ETHER]: "Ethernet", [ARPHRD_PPP]: "Point-to-Point Protocol" };

/** INET_sprint(sap, numeric=1) */
const INET_sprint = (addr: number): string => [addr >>> 24, (addr >>> 16) & 0xff, (addr >>> 8) & 0xff, addr & 0xff].join(".");

/** print_bytes_scaled(): "X bytes:N (I.F XiB)" with binary prefixes, fraction truncated. */
function print_bytes_scaled(ull: bigint, end: string): string {
  const TRext = ["", "Ki", "Mi", "Gi", "Ti"];
  let frac_part = 0n;
  let ext = 0;
  let int_part = ull;
  for (let i = 4; i; --i) {
    if (int_part >= 1024n) {
      frac_part = ((BigInt.asUintN(32, int_part) & 1023n) * 10n) / 1024n;
      int_part /= 1024n;
      ext++;
    }
  }
  return `X bytes:${ull} (${int_part}.${frac_part} ${TRext[ext]}B)${end}`;
}

const ife_print_flags: [number, string][] = [
  [IFF_UP, "UP"], [IFF_BROADCAST, "BROADCAST"], [0x4, "DEBUG"], [0x8, "LOOPBACK"], [IFF_POINTOPOINT, "POINTOPOINT"],
  [IFF_NOTRAILERS, "NOTRAILERS"], [IFF_RUNNING, "RUNNING"], [IFF_NOARP, "NOARP"], [IFF_PROMISC, "PROMISC"],
  [IFF_ALLMULTI, "ALLMULTI"], [0x800, "SLAVE"], [0x400, "MASTER"], [IFF_MULTICAST, "MULTICAST"],
];

function ife_print(ptr: Iface): void {
  let s = "";
  const title = hwtitle[ptr.type] ?? "UNSPEC";
  s += `${ptr.name.padEnd(9)} Link encap:${title}  `;
  if (ptr.type === ARPHRD_ETHER) {
    s += `HWaddr ${Array.from(ptr.hwaddr.subarray(0, 6), (b) => b.toString(16).toUpperCase().padStart(2, "0")).join(":")}  `;
  } else if (!(ptr.type in hwtitle)) {
    /* UNSPEC_print: sizeof(struct sockaddr) bytes of sa_data, as ifr_hwaddr left them */
    const b = new Uint8Array(16);
    b.set(ptr.hwaddr.subarray(0, 8));
    s += `HWaddr ${Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, "0")).join("-")}  `;
  }
  s += "\n";

  if (ptr.has_ip) {
    s += `          inet addr:${INET_sprint(ptr.addr)} `;
    if (ptr.flags & IFF_POINTOPOINT) s += ` P-t-P:${INET_sprint(ptr.dstaddr)} `;
    if (ptr.flags & IFF_BROADCAST) s += ` Bcast:${INET_sprint(ptr.broadaddr)} `;
    s += ` Mask:${INET_sprint(ptr.netmask)}\n`;
  }

  s += "          ";
  if (ptr.flags === 0) s += "[NO FLAGS] ";
  else for (const [mask, str] of ife_print_flags) if (ptr.flags & mask) s += `${str} `;
  s += ` MTU:${ptr.mtu}  Metric:${ptr.metric ? ptr.metric : 1}\n`;

  if (ptr.statistics_valid && ptr.stats) {
    const st = ptr.stats;
    s += `          RX packets:${st.rx_packets} errors:${st.rx_errors} dropped:${st.rx_dropped} overruns:${st.rx_fifo_errors} frame:${st.rx_frame_errors}\n`;
    s += `          TX packets:${st.tx_packets} errors:${st.tx_errors} dropped:${st.tx_dropped} overruns:${st.tx_fifo_errors} carrier:${st.tx_carrier_errors}\n`;
    s += `          collisions:${st.collisions} `;
    if (ptr.tx_queue_len !== -1) s += `txqueuelen:${ptr.tx_queue_len} `;
    s += "\n          R";
    s += print_bytes_scaled(st.rx_bytes, "  T");
    s += print_bytes_scaled(st.tx_bytes, "\n");
  }

  const m = ptr.map;
  if (m.irq || m.mem_start || m.dma || m.base_addr) {
    s += "          ";
    if (m.irq) s += `Interrupt:${m.irq} `;
    if (m.base_addr >= 0x100) s += `Base address:0x${m.base_addr.toString(16)} `;
    if (m.mem_start) s += `Memory:${m.mem_start.toString(16)}-${m.mem_end.toString(16)} `;
    if (m.dma) s += `DMA chan:${m.dma.toString(16)} `;
    s += "\n";
  }
  s += "\n";
  fputs(s, stdout());
}

async function do_if_print(ife: Iface, show_downed_too: boolean): Promise<number> {
  const res = await do_if_fetch(ife);
  if (res >= 0 && (ife.flags & IFF_UP || show_downed_too)) ife_print(ife);
  return res;
}

/** display_interfaces(ifname): all (up, or all with -a), or the one named. 1 on error. */
export async function display_interfaces(ifname: string | typeof IFNAME_SHOW_DOWNED_TOO | null): Promise<number> {
  const list: Iface[] = [];
  await if_readlist(list, typeof ifname === "string" ? ifname : null);
  let res = 0;
  if (typeof ifname !== "string") {
    for (const ife of list) {
      res = await do_if_print(ife, ifname === IFNAME_SHOW_DOWNED_TOO);
      if (res < 0) return 1;
    }
    return 0;
  }
  const ife = add_interface(list, ifname);
  res = await do_if_print(ife, true);
  return res < 0 ? 1 : 0;
}

// ---- ifconfig.c --------------------------------------------------------------------------------

const N_CLR = 0x01;
const M_CLR = 0x02;
const N_SET = 0x04;
const M_SET = 0x08;
const N_ARG = 0x10;
const M_ARG = 0x20;
const M_MASK = M_CLR | M_SET | M_ARG;
const N_MASK = N_CLR | N_SET | N_ARG;
const SET_MASK = N_SET | M_SET;
const ARG_MASK = M_ARG | N_ARG;

const A_ARG_REQ = 0x10;
const A_NETMASK = 0x20;
const A_SET_AFTER = 0x40;
const A_COLON_CHK = 0x80;
const A_HOSTNAME = 0x100;
const A_BROADCAST = 0x200;
const A_CAST_HOST_COPY_RESOLVE = 0x03;

const ARG_METRIC = A_ARG_REQ;
const ARG_MTU = A_ARG_REQ;
const ARG_TXQUEUELEN = A_ARG_REQ;
const ARG_DSTADDR = A_ARG_REQ | A_CAST_HOST_COPY_RESOLVE;
const ARG_NETMASK = A_ARG_REQ | A_CAST_HOST_COPY_RESOLVE | A_NETMASK;
const ARG_BROADCAST = A_ARG_REQ | A_CAST_HOST_COPY_RESOLVE | A_SET_AFTER | A_BROADCAST;
const ARG_POINTOPOINT = A_ARG_REQ | A_CAST_HOST_COPY_RESOLVE | A_SET_AFTER;
const ARG_HOSTNAME = A_CAST_HOST_COPY_RESOLVE | A_SET_AFTER | A_COLON_CHK | A_HOSTNAME;

interface Opt {
  name: string | null;
  flags: number;
  arg_flags: number;
  selector: number;
  /** Arg1Opt: the ioctl's name after "SIOC" and the request. */
  a1: [string, number] | null;
}

const OptArray: Opt[] = [
  { name: "metric", flags: N_ARG, arg_flags: ARG_METRIC, selector: 0, a1: ["SIFMETRIC", S.SIOCSIFMETRIC] },
  { name: "mtu", flags: N_ARG, arg_flags: ARG_MTU, selector: 0, a1: ["SIFMTU", S.SIOCSIFMTU] },
  { name: "txqueuelen", flags: N_ARG, arg_flags: ARG_TXQUEUELEN, selector: 0, a1: ["SIFTXQLEN", S.SIOCSIFTXQLEN] },
  { name: "dstaddr", flags: N_ARG, arg_flags: ARG_DSTADDR, selector: 0, a1: ["SIFDSTADDR", S.SIOCSIFDSTADDR] },
  { name: "netmask", flags: N_ARG, arg_flags: ARG_NETMASK, selector: 0, a1: ["SIFNETMASK", S.SIOCSIFNETMASK] },
  { name: "broadcast", flags: N_ARG | M_CLR, arg_flags: ARG_BROADCAST, selector: IFF_BROADCAST, a1: ["SIFBRDADDR", S.SIOCSIFBRDADDR] },
  { name: "pointopoint", flags: N_ARG | M_CLR, arg_flags: ARG_POINTOPOINT, selector: IFF_POINTOPOINT, a1: ["SIFDSTADDR", S.SIOCSIFDSTADDR] },
  { name: "arp", flags: N_CLR | M_SET, arg_flags: 0, selector: IFF_NOARP, a1: null },
  { name: "trailers", flags: N_CLR | M_SET, arg_flags: 0, selector: IFF_NOTRAILERS, a1: null },
  { name: "promisc", flags: N_SET | M_CLR, arg_flags: 0, selector: IFF_PROMISC, a1: null },
  { name: "multicast", flags: N_SET | M_CLR, arg_flags: 0, selector: IFF_MULTICAST, a1: null },
  { name: "allmulti", flags: N_SET | M_CLR, arg_flags: 0, selector: IFF_ALLMULTI, a1: null },
  { name: "dynamic", flags: N_SET | M_CLR, arg_flags: 0, selector: IFF_DYNAMIC, a1: null },
  { name: "up", flags: N_SET, arg_flags: 0, selector: IFF_UP | IFF_RUNNING, a1: null },
  { name: "down", flags: N_CLR, arg_flags: 0, selector: IFF_UP, a1: null },
];
const HOSTNAME_OPT: Opt = { name: null, flags: 0, arg_flags: ARG_HOSTNAME, selector: IFF_UP | IFF_RUNNING, a1: ["SIFADDR", S.SIOCSIFADDR] };

/** strtoul(s, NULL, 0) */
function strtoul(s: string): number {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0;
  const v = m[2].startsWith("0x") || m[2].startsWith("0X") ? parseInt(m[2], 16) : m[2].startsWith("0") ? parseInt(m[2] || "0", 8) : parseInt(m[2], 10);
  return m[1] === "-" ? -v : v;
}

export async function ifconfig_main(_argc: number, argv: string[]): Promise<number> {
  let args = argv.slice(1);
  let show_all_param: typeof IFNAME_SHOW_DOWNED_TOO | null = null;
  if (args[0] === "-a") {
    args = args.slice(1);
    show_all_param = IFNAME_SHOW_DOWNED_TOO;
  }
  if (args[0] === undefined || args[1] === undefined) return display_interfaces(args[0] ?? show_all_param);

  const sockfd = await xsocket(sk.AF_INET, sk.SOCK_DGRAM, 0);
  const ifr = S.ifreq_alloc();
  S.ifr_name_set(ifr, args[0]);
  let did_flags = 0;
  let sai_hostname = 0;
  let sai_netmask = 0;

  for (let i = 1; i < args.length; i++) {
    let p = args[i];
    let mask = N_MASK;
    if (p.startsWith("-")) {
      p = p.slice(1);
      mask = M_MASK;
    }
    let op = OptArray.find((o) => o.name === p) ?? null;
    let hostname = false;
    if (op) {
      mask &= op.flags;
      if (!mask) return bb_error_msg_and_die(`bad: '${args[i]}'`);
    } else {
      /* We fell through, so treat as possible hostname. */
      op = HOSTNAME_OPT;
      mask = op.arg_flags;
      hostname = true;
    }

    if (hostname || mask & ARG_MASK) {
      let have_arg = true;
      if (!hostname) {
        mask = op.arg_flags;
        if (mask & A_NETMASK & did_flags) return usage();
        if (i + 1 >= args.length) {
          if (mask & A_ARG_REQ) return usage();
          mask &= A_SET_AFTER; /* just for broadcast */
          have_arg = false;
        } else i++;
      }
      if (have_arg) {
        const arg = args[i];
        const [a1name, selector] = op.a1!;
        did_flags |= mask & (A_NETMASK | A_HOSTNAME);
        if (mask & A_CAST_HOST_COPY_RESOLVE) {
          if (arg === "inet") continue; /* compat stuff */
          let addr: number;
          if (arg === "default") addr = 0;
          else if (arg === "+" && mask & A_BROADCAST && (did_flags & (A_NETMASK | A_HOSTNAME)) === (A_NETMASK | A_HOSTNAME)) {
            addr = (~sai_netmask | (sai_hostname & sai_netmask)) >>> 0;
          } else {
            const a = inet_aton(arg);
            if (a === null) return bb_error_msg_and_die(`bad address '${arg}'`);
            addr = a >>> 0;
          }
          if (mask & A_HOSTNAME) sai_hostname = addr;
          if (mask & A_NETMASK) sai_netmask = addr;
          S.ifr_addr_set(ifr, sk.AF_INET, addr);
        } else {
          S.ifr_int_set(ifr, strtoul(arg));
        }
        if ((await ioctl(sockfd, selector, ifr)) < 0) await bb_perror_msg_and_die(`SIOC${a1name}`);
        if (mask & A_COLON_CHK) {
          const name = S.ifr_name_get(ifr);
          if (name.includes(":") && name.endsWith("-")) continue;
        }
      }
      if (!(mask & A_SET_AFTER)) continue;
      mask = N_SET;
    }

    await xioctl(sockfd, S.SIOCGIFFLAGS, ifr, "SIOCGIFFLAGS");
    let flags = S.ifr_flags_get(ifr);
    if (mask & SET_MASK) flags |= op.selector;
    else flags &= ~op.selector;
    S.ifr_flags_set(ifr, flags);
    await xioctl(sockfd, S.SIOCSIFFLAGS, ifr, "SIOCSIFFLAGS");
  }
  close(sockfd);
  return 0;
}
