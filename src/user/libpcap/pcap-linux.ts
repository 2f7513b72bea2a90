// Mirrors libpcap 1.10 pcap-linux.c (with pcap.c's loop and status texts): live capture on Linux
// through a PF_PACKET socket. Activation opens the socket (CAP_NET_RAW), asks the device's
// hardware type (SIOCGIFHWADDR) to choose the link type (lo: DLT_EN10MB on a SOCK_RAW socket;
// nlmon: DLT_NETLINK in cooked mode, SOCK_DGRAM, with the 16-byte SLL header built here from the
// sockaddr_ll), binds to the device, and turns on promiscuous mode. Packets are read one per
// recvfrom with the time from SIOCGSTAMP, as libpcap did before the mmap rings (kplay's kernel has
// no PACKET_RX_RING). Filters run in the kernel (SO_ATTACH_FILTER) on raw sockets, and here on
// cooked ones, whose programs expect the SLL header in front.
import * as S from "../libc/socket.js";
import { ioctl, close } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import { strerror } from "../libc/strerror.js";
import { ifr_family_get, ifr_int_get, ifr_name_set, ifreq_alloc, SIOCGIFHWADDR, SIOCGIFINDEX, SIOCGSTAMP_OLD } from "../../include/uapi/sockios.js";
import { ARPHRD_ETHER, ARPHRD_LOOPBACK, ARPHRD_NETLINK, ETH_P_ALL } from "../../include/uapi/if_ether.js";
import { EACCES, EINTR, ENETDOWN, ENODEV, EPERM } from "../../include/uapi/errno.js";
import { make_sockaddr_ll, PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC, PACKET_OUTGOING, PACKET_STATISTICS, parse_sockaddr_ll, SOCKADDR_LL_SIZE, SOL_PACKET } from "../../include/uapi/if_packet.js";
import { sock_fprog_encode, type SockFilter } from "../../include/uapi/filter.js";
import { DLT_EN10MB, DLT_NETLINK, MAXIMUM_SNAPLEN, SLL_HDR_LEN, type PcapPkthdr } from "./pcap.js";
import { pcap_offline_filter } from "./bpf_filter.js";

/** pcap/pcap.h status codes */
export const PCAP_ERROR = -1;
export const PCAP_ERROR_BREAK = -2;
export const PCAP_ERROR_NO_SUCH_DEVICE = -5;
export const PCAP_ERROR_PERM_DENIED = -8;
export const PCAP_ERROR_IFACE_NOT_UP = -9;

/** pcap_statustostr() */
export function pcap_statustostr(status: number): string {
  switch (status) {
    case PCAP_ERROR:
      return "Generic error";
    case PCAP_ERROR_BREAK:
      return "Loop terminated by pcap_breakloop";
    case PCAP_ERROR_NO_SUCH_DEVICE:
      return "No such device exists";
    case PCAP_ERROR_PERM_DENIED:
      return "You don't have permission to perform this capture on that device";
    case PCAP_ERROR_IFACE_NOT_UP:
      return "That device is not up";
    default:
      return `Unknown error: ${status}`;
  }
}

export interface PcapStat {
  ps_recv: number;
  ps_drop: number;
}

/** A live capture handle (pcap_t). */
export interface Pcap {
  fd: number;
  device: string;
  /** DLT_* */
  linktype: number;
  snapshot: number;
  /** SOCK_DGRAM with a synthesized SLL header. */
  cooked: boolean;
  ifindex: number;
  /** The filter run here (cooked captures); raw ones filter in the kernel. */
  fcode: SockFilter[] | null;
  break_loop: boolean;
  errbuf: string;
  stat: PcapStat;
  /** handle->buffer: every packet is read into it (the cooked header's room, then the snapshot). */
  buffer: Uint8Array;
}

const errno_text = (what: string): string => `${what}: ${strerror(libc().errno)}`;

/** iface_get_arptype(): the device's ARPHRD_* from SIOCGIFHWADDR, or a status with errbuf set. */
async function iface_get_arptype(fd: number, device: string): Promise<number | { status: number; errbuf: string }> {
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, device);
  if ((await ioctl(fd, SIOCGIFHWADDR, ifr)) < 0) {
    const status = libc().errno === ENODEV ? PCAP_ERROR_NO_SUCH_DEVICE : PCAP_ERROR;
    return { status, errbuf: errno_text("SIOCGIFHWADDR") };
  }
  return ifr_family_get(ifr);
}

/**
 * pcap_create(device) + pcap_set_snaplen/promisc + pcap_activate(): the open handle, or the
 * activation status with libpcap's error text.
 */
export async function pcap_open_live(device: string, snaplen: number, promisc: boolean): Promise<Pcap | { status: number; errbuf: string }> {
  const proto = ((ETH_P_ALL & 0xff) << 8) | (ETH_P_ALL >> 8);
  let fd = await S.socket(S.PF_PACKET, S.SOCK_RAW, 0);
  if (fd < 0) {
    const e = libc().errno;
    return { status: e === EPERM || e === EACCES ? PCAP_ERROR_PERM_DENIED : PCAP_ERROR, errbuf: errno_text("socket") };
  }
  const fail = (status: number, errbuf: string): { status: number; errbuf: string } => (close(fd), { status, errbuf });
  const arptype = await iface_get_arptype(fd, device);
  if (typeof arptype !== "number") return fail(arptype.status, arptype.errbuf);
  let linktype: number;
  let cooked = false;
  if (arptype === ARPHRD_NETLINK) {
    linktype = DLT_NETLINK;
    cooked = true;
  } else if (arptype === ARPHRD_LOOPBACK || arptype === ARPHRD_ETHER) {
    linktype = DLT_EN10MB;
  } else {
    return fail(PCAP_ERROR, `arptype ${arptype} not supported by libpcap - falling back to cooked socket`);
  }
  close(fd);
  fd = await S.socket(S.PF_PACKET, cooked ? S.SOCK_DGRAM : S.SOCK_RAW, proto);
  if (fd < 0) return { status: PCAP_ERROR, errbuf: errno_text("socket") };
  const ifr = ifreq_alloc();
  ifr_name_set(ifr, device);
  if ((await ioctl(fd, SIOCGIFINDEX, ifr)) < 0) return fail(PCAP_ERROR_NO_SUCH_DEVICE, errno_text("SIOCGIFINDEX"));
  const ifindex = ifr_int_get(ifr);
  /* iface_bind(): bind, then a pending error from the bind (ENETDOWN: the device is down) */
  const sll = make_sockaddr_ll({ sll_family: S.AF_PACKET, sll_protocol: ETH_P_ALL, sll_ifindex: ifindex, sll_hatype: 0, sll_pkttype: 0, sll_halen: 0, sll_addr: new Uint8Array(8) });
  if ((await S.bind(fd, sll, SOCKADDR_LL_SIZE)) < 0) return fail(PCAP_ERROR, errno_text("bind"));
  const soerr = new Uint8Array(4);
  if ((await S.getsockopt(fd, S.SOL_SOCKET, S.SO_ERROR, soerr, { value: 4 })) < 0) return fail(PCAP_ERROR, errno_text("getsockopt (SO_ERROR)"));
  const err = new DataView(soerr.buffer).getInt32(0, true);
  if (err === ENETDOWN) return fail(PCAP_ERROR_IFACE_NOT_UP, "");
  if (err) return fail(PCAP_ERROR, `bind: ${strerror(err)}`);
  if (promisc) {
    const mr = new Uint8Array(16);
    const dv = new DataView(mr.buffer);
    dv.setInt32(0, ifindex, true);
    dv.setUint16(4, PACKET_MR_PROMISC, true);
    if ((await S.setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mr, mr.length)) < 0) return fail(PCAP_ERROR, errno_text("setsockopt (PACKET_ADD_MEMBERSHIP)"));
  }
  const snapshot = snaplen > 0 && snaplen < MAXIMUM_SNAPLEN ? snaplen : MAXIMUM_SNAPLEN;
  return { fd, device, linktype, snapshot, cooked, ifindex, fcode: null, break_loop: false, errbuf: "", stat: { ps_recv: 0, ps_drop: 0 }, buffer: new Uint8Array(SLL_HDR_LEN + snapshot) };
}

/** pcap_setfilter(): into the kernel on a raw socket (struct sock_fprog, then the program), kept here for a cooked one. */
export async function pcap_setfilter(p: Pcap, prog: SockFilter[]): Promise<number> {
  if (p.cooked) {
    p.fcode = prog;
    return 0;
  }
  const insns = sock_fprog_encode(prog);
  const fprog = new Uint8Array(8 + insns.length);
  new DataView(fprog.buffer).setUint16(0, prog.length, true);
  fprog.set(insns, 8);
  if ((await S.setsockopt(p.fd, S.SOL_SOCKET, S.SO_ATTACH_FILTER, fprog, 8)) < 0) {
    p.errbuf = errno_text("can't attach filter");
    return -1;
  }
  return 0;
}

/** pcap_breakloop(): the loop returns PCAP_ERROR_BREAK before its next packet. */
export function pcap_breakloop(p: Pcap): void {
  p.break_loop = true;
}

/** The cooked header (pcap/sll.h), every field big-endian, in front of a SOCK_DGRAM packet. */
function sll_header(from: ReturnType<typeof parse_sockaddr_ll>): Uint8Array {
  const h = new Uint8Array(SLL_HDR_LEN);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, from.sll_pkttype);
  dv.setUint16(2, from.sll_hatype);
  dv.setUint16(4, from.sll_halen);
  h.set(from.sll_addr.subarray(0, Math.min(8, from.sll_halen)), 6);
  dv.setUint16(14, from.sll_protocol);
  return h;
}

/** A packet handler; `bytes` is the handle's buffer, valid until the handler returns (as in libpcap). */
export type PcapHandler = (h: PcapPkthdr, bytes: Uint8Array) => void | Promise<void>;

/**
 * pcap_read_packet(): one packet to `cb`; 1 when one was delivered, 0 when it was skipped (lo's
 * outgoing copy, or refused by the filter), or a status.
 */
async function pcap_read_packet(p: Pcap, cb: PcapHandler): Promise<number> {
  /* read behind room for the cooked header, as libpcap reads at handle->buffer + handle->offset */
  const offset = p.cooked ? SLL_HDR_LEN : 0;
  const from = new Uint8Array(SOCKADDR_LL_SIZE);
  const fromlen = { value: SOCKADDR_LL_SIZE };
  const n = await S.recvfrom(p.fd, p.buffer.subarray(offset), p.snapshot, S.MSG_TRUNC, from, fromlen);
  if (n < 0) {
    const e = libc().errno;
    if (e === EINTR) return p.break_loop ? PCAP_ERROR_BREAK : 0;
    p.errbuf = e === ENETDOWN ? "The interface went down" : e === ENODEV ? "The interface disappeared" : errno_text("recvfrom");
    return PCAP_ERROR;
  }
  const sll = parse_sockaddr_ll(from);
  /* linux_check_direction(): lo's outgoing copies come back as incoming ones */
  if (sll.sll_pkttype === PACKET_OUTGOING && sll.sll_ifindex === p.ifindex && sll.sll_hatype === ARPHRD_LOOPBACK) return 0;
  if (p.cooked) p.buffer.set(sll_header(sll));
  const data = p.buffer.subarray(0, Math.min(offset + Math.min(n, p.snapshot), p.snapshot));
  const len = offset + n;
  const tv = new Uint8Array(8);
  await ioctl(p.fd, SIOCGSTAMP_OLD, tv);
  const tdv = new DataView(tv.buffer);
  const h: PcapPkthdr = { ts_sec: tdv.getInt32(0, true), ts_usec: tdv.getInt32(4, true), caplen: data.length, len };
  if (p.fcode && pcap_offline_filter(p.fcode, h, data) === 0) return 0;
  await cb(h, data);
  return 1;
}

/**
 * pcap_loop(p, cnt, cb): until `cnt` packets (cnt <= 0: no limit); 0 when they were read,
 * PCAP_ERROR_BREAK after pcap_breakloop, PCAP_ERROR with errbuf set.
 */
export async function pcap_loop(p: Pcap, cnt: number, cb: PcapHandler): Promise<number> {
  let n = 0;
  while (cnt <= 0 || n < cnt) {
    if (p.break_loop) {
      p.break_loop = false;
      return PCAP_ERROR_BREAK;
    }
    const r = await pcap_read_packet(p, cb);
    if (r === PCAP_ERROR_BREAK) {
      p.break_loop = false;
      return r;
    }
    if (r < 0) return r;
    n += r;
  }
  return 0;
}

/** pcap_stats(): the kernel's counts since the last call, added to what came before. */
export async function pcap_stats(p: Pcap): Promise<PcapStat | null> {
  const b = new Uint8Array(8);
  if ((await S.getsockopt(p.fd, SOL_PACKET, PACKET_STATISTICS, b, { value: 8 })) < 0) {
    p.errbuf = errno_text("failed to get statistics from socket");
    return null;
  }
  const dv = new DataView(b.buffer);
  p.stat.ps_recv += dv.getUint32(0, true);
  p.stat.ps_drop += dv.getUint32(4, true);
  return { ...p.stat };
}

export function pcap_close(p: Pcap): void {
  close(p.fd);
}
