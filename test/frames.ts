// Frames as the simulated machine puts them on the wire, for the printer tests: an Ethernet header
// with zero MACs (what lo carries), IPv4 with a correct header checksum, UDP, TCP and ICMP with
// correct checksums (unless asked otherwise), and LINKTYPE_NETLINK records (the LINUX_SLL header
// libpcap writes, then the nlmsg stream).
import { NlBuf } from "../src/include/uapi/netlink.js";

export const LO = 0x7f000001;

function sum16(b: Uint8Array, init = 0): number {
  let s = init;
  for (let i = 0; i + 1 < b.length; i += 2) s += (b[i] << 8) | b[i + 1];
  if (b.length & 1) s += b[b.length - 1] << 8;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

export function csum(b: Uint8Array, init = 0): number {
  return ~sum16(b, init) & 0xffff;
}

function pseudo(src: number, dst: number, proto: number, len: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + proto + len;
}

export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);

export interface IpOpts {
  src?: number;
  dst?: number;
  tos?: number;
  ttl?: number;
  id?: number;
  df?: boolean;
  /** overrides the header checksum */
  sum?: number;
}

export function ipv4(proto: number, payload: Uint8Array, o: IpOpts = {}): Uint8Array {
  const h = new Uint8Array(20);
  const dv = new DataView(h.buffer);
  h[0] = 0x45;
  h[1] = o.tos ?? 0;
  dv.setUint16(2, 20 + payload.length);
  dv.setUint16(4, o.id ?? 0);
  dv.setUint16(6, (o.df ?? true) ? 0x4000 : 0);
  h[8] = o.ttl ?? 64;
  h[9] = proto;
  dv.setUint32(12, o.src ?? LO);
  dv.setUint32(16, o.dst ?? LO);
  dv.setUint16(10, o.sum ?? csum(h));
  return cat(h, payload);
}

export function udp(sport: number, dport: number, payload: Uint8Array, o: { src?: number; dst?: number; sum?: number } = {}): Uint8Array {
  const h = new Uint8Array(8);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, 8 + payload.length);
  const seg = cat(h, payload);
  const sum = o.sum ?? (csum(seg, pseudo(o.src ?? LO, o.dst ?? LO, 17, seg.length)) || 0xffff);
  new DataView(seg.buffer).setUint16(6, sum);
  return seg;
}

export const TH = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 };

export interface TcpOpts {
  seq?: number;
  ack?: number;
  win?: number;
  options?: Uint8Array;
  src?: number;
  dst?: number;
  sum?: number;
}

/** The SYN options Linux 5.15 sends on lo: mss, sackOK + TS, nop + wscale. */
export function syn_options(tsval: number, tsecr: number): Uint8Array {
  const o = new Uint8Array(20);
  const dv = new DataView(o.buffer);
  o.set([2, 4, 0xff, 0xd7, 4, 2, 8, 10]);
  dv.setUint32(8, tsval);
  dv.setUint32(12, tsecr);
  o.set([1, 3, 3, 7], 16);
  return o;
}

/** nop, nop, TS: the options of every segment after the handshake. */
export function ts_options(tsval: number, tsecr: number): Uint8Array {
  const o = new Uint8Array(12);
  o.set([1, 1, 8, 10]);
  new DataView(o.buffer).setUint32(4, tsval);
  new DataView(o.buffer).setUint32(8, tsecr);
  return o;
}

export function tcp(sport: number, dport: number, flags: number, payload: Uint8Array, o: TcpOpts = {}): Uint8Array {
  const opts = o.options ?? new Uint8Array(0);
  const h = new Uint8Array(20 + opts.length);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, o.seq ?? 0);
  dv.setUint32(8, o.ack ?? 0);
  h[12] = (h.length / 4) << 4;
  h[13] = flags;
  dv.setUint16(14, o.win ?? 65495);
  h.set(opts, 20);
  const seg = cat(h, payload);
  new DataView(seg.buffer).setUint16(16, o.sum ?? csum(seg, pseudo(o.src ?? LO, o.dst ?? LO, 6, seg.length)));
  return seg;
}

export function icmp(type: number, code: number, rest: number, payload: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + payload.length);
  m[0] = type;
  m[1] = code;
  new DataView(m.buffer).setUint32(4, rest);
  m.set(payload, 8);
  new DataView(m.buffer).setUint16(2, csum(m));
  return m;
}

/** An Ethernet frame with zero MACs, ethertype IPv4. */
export function ether(payload: Uint8Array, type = 0x0800): Uint8Array {
  const h = new Uint8Array(14);
  new DataView(h.buffer).setUint16(12, type);
  return cat(h, payload);
}

/** A LINKTYPE_NETLINK record: SLL header (pkttype 4, ARPHRD_NETLINK 824, protocol) and the nlmsgs. */
export function sll_netlink(protocol: number, nlmsgs: Uint8Array): Uint8Array {
  const h = new Uint8Array(16);
  const dv = new DataView(h.buffer);
  dv.setUint16(0, 4);
  dv.setUint16(2, 824);
  dv.setUint16(14, protocol);
  return cat(h, nlmsgs);
}

/** A generic netlink message: header, genlmsghdr, then whatever `put` adds. */
export function genlmsg(type: number, flags: number, seq: number, pid: number, cmd: number, version: number, put: (b: NlBuf) => void = () => {}): Uint8Array {
  const b = new NlBuf();
  const at = b.nlmsg_put(pid, seq, type, flags);
  b.put(new Uint8Array([cmd, version, 0, 0]));
  put(b);
  b.nlmsg_end(at);
  return b.bytes();
}

/** NLMSG_ERROR answering `req`: the error, then its header (capped) or all of it. */
export function nlmsgerr(req: Uint8Array, error: number, pid: number, capped: boolean): Uint8Array {
  const copy = capped ? req.subarray(0, 16) : req;
  const m = new Uint8Array(20 + copy.length);
  const dv = new DataView(m.buffer);
  const rq = new DataView(req.buffer, req.byteOffset);
  dv.setUint32(0, m.length, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, capped ? 0x100 : 0, true);
  dv.setUint32(8, rq.getUint32(8, true), true);
  dv.setUint32(12, pid, true);
  dv.setInt32(16, error, true);
  m.set(copy, 20);
  return m;
}
