// Mirrors libpcap 1.10 gencode.c: pcap_compile() and the code generators the grammar calls
// (gen_scode, gen_ncode, gen_mcode, gen_host, gen_port, gen_proto, gen_less, ...), for IPv4 over
// DLT_EN10MB and DLT_LINUX_SLL. A generator returns a Block: a condition (loads, then one
// conditional jump) or an and/or/not of Blocks; gen_emit() lays the tree out as classic BPF with
// forward jumps to "ret #snaplen" and "ret #0" (no optimizer, so the code can be longer than
// libpcap's -O output, never different in meaning). IPv6 is not generated: "tcp", "udp" and
// "port" test IPv4 only, where libpcap also tests the IPv6 forms. Errors are gencode.c's texts,
// raised as a BpfError (libpcap's bpf_error() longjmp) and returned by pcap_compile().
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_B, BPF_H, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
  BPF_LDX, BPF_LEN, BPF_MSH, BPF_RET, BPF_W, type SockFilter,
} from "../../include/uapi/filter.js";
import { DLT_EN10MB, DLT_LINUX_SLL, pcap_datalink_val_to_description } from "./pcap.js";
import { pcap_parse } from "./grammar.js";
import { pcap_lex } from "./scanner.js";
import {
  BpfError, bpf_error, Q_AND, Q_ARP, Q_DEFAULT, Q_DST, Q_HOST, Q_ICMP, Q_IP, Q_LINK, Q_NET, Q_PORT, Q_PORTRANGE, Q_PROTO,
  Q_RARP, Q_SCTP, Q_SRC, Q_TCP, Q_UDP, type Block, type CompilerState, type Qual,
} from "./gencode.h.js";

export * from "./gencode.h.js";

const ETHERTYPE_IP = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_REVARP = 0x8035;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_SCTP = 132;
/** PROTO_UNDEF: a port of no particular transport (tcp, udp and sctp) */
const PROTO_UNDEF = -1;

/** syntax(): the generators' own syntax error, for a qualifier that makes no sense with an id. */
const syntax = (): never => bpf_error("syntax error in filter expression");

const stmt = (code: number, k: number): SockFilter => ({ code, jt: 0, jf: 0, k: k >>> 0 });

export const gen_and = (b0: Block, b1: Block): Block => ({ kind: "and", b0, b1 });
export const gen_or = (b0: Block, b1: Block): Block => ({ kind: "or", b0, b1 });
export const gen_not = (b: Block): Block => ({ kind: "not", b });

/** init_linktype(): where the type field and the payload are for a link-layer type. */
function init_linktype(cs: CompilerState): void {
  switch (cs.linktype) {
    case DLT_EN10MB:
      cs.off_linktype = 12;
      cs.off_linkpl = 14;
      break;
    case DLT_LINUX_SLL:
      cs.off_linktype = 14;
      cs.off_linkpl = 16;
      break;
    default:
      // DLT_NETLINK and the rest: only length tests ("less", "greater") apply.
      cs.off_linktype = null;
      cs.off_linkpl = null;
  }
}

/** OR_* offsets relative to which a load is made. */
type Offrel = "OR_LINKTYPE" | "OR_LINKPL" | "OR_TRAN_IPV4";

/** gen_load_a(): the statements that load the field at `offset` of `offrel` into A. */
function gen_load_a(cs: CompilerState, offrel: Offrel, offset: number, size: number): SockFilter[] {
  switch (offrel) {
    case "OR_LINKTYPE":
      return [stmt(BPF_LD | BPF_ABS | size, cs.off_linktype! + offset)];
    case "OR_LINKPL":
      return [stmt(BPF_LD | BPF_ABS | size, cs.off_linkpl! + offset)];
    case "OR_TRAN_IPV4":
      // gen_loadx_iphdrlen(): X = the IPv4 header's length, then load relative to it.
      return [stmt(BPF_LDX | BPF_MSH | BPF_B, cs.off_linkpl!), stmt(BPF_LD | BPF_IND | size, cs.off_linkpl! + offset)];
  }
}

/** gen_ncmp(): (field & mask) <jtype> v, or its negation when `reverse`. */
function gen_ncmp(cs: CompilerState, offrel: Offrel, offset: number, size: number, mask: number, jtype: number, reverse: boolean, v: number): Block {
  const stmts = gen_load_a(cs, offrel, offset, size);
  if (mask >>> 0 !== 0xffffffff) stmts.push(stmt(BPF_ALU | BPF_AND | BPF_K, mask));
  const b: Block = { kind: "cond", stmts, code: BPF_JMP | jtype | BPF_K, k: v >>> 0 };
  return reverse ? gen_not(b) : b;
}

const gen_cmp = (cs: CompilerState, offrel: Offrel, offset: number, size: number, v: number): Block => gen_ncmp(cs, offrel, offset, size, 0xffffffff, BPF_JEQ, false, v);
const gen_cmp_ge = (cs: CompilerState, offrel: Offrel, offset: number, size: number, v: number): Block => gen_ncmp(cs, offrel, offset, size, 0xffffffff, BPF_JGE, false, v);
const gen_cmp_le = (cs: CompilerState, offrel: Offrel, offset: number, size: number, v: number): Block => gen_ncmp(cs, offrel, offset, size, 0xffffffff, BPF_JGT, true, v);
const gen_mcmp = (cs: CompilerState, offrel: Offrel, offset: number, size: number, v: number, mask: number): Block => gen_ncmp(cs, offrel, offset, size, mask, BPF_JEQ, false, v);

/**
 * gen_linktype(): "the link layer carries ll_proto". A link type with no type field cannot say,
 * and libpcap refuses ("Linux netlink link-layer type filtering not implemented").
 */
export function gen_linktype(cs: CompilerState, ll_proto: number): Block {
  if (cs.off_linktype === null) {
    const description = pcap_datalink_val_to_description(cs.linktype);
    bpf_error(description !== null ? `${description} link-layer type filtering not implemented` : `DLT ${cs.linktype} link-layer type filtering not implemented`);
  }
  return gen_cmp(cs, "OR_LINKTYPE", 0, BPF_H, ll_proto);
}

/** gen_hostop(): the address at src_off and/or dst_off of a network header, under mask. */
function gen_hostop(cs: CompilerState, addr: number, mask: number, dir: number, ll_proto: number, src_off: number, dst_off: number): Block {
  let offset: number;
  switch (dir) {
    case Q_SRC:
      offset = src_off;
      break;
    case Q_DST:
      offset = dst_off;
      break;
    case Q_AND:
      return gen_and(gen_hostop(cs, addr, mask, Q_SRC, ll_proto, src_off, dst_off), gen_hostop(cs, addr, mask, Q_DST, ll_proto, src_off, dst_off));
    default:
      return gen_or(gen_hostop(cs, addr, mask, Q_SRC, ll_proto, src_off, dst_off), gen_hostop(cs, addr, mask, Q_DST, ll_proto, src_off, dst_off));
  }
  const b0 = gen_linktype(cs, ll_proto);
  return gen_and(b0, gen_mcmp(cs, "OR_LINKPL", offset, BPF_W, addr, mask));
}

/** gen_host(): "host"/"net" for one protocol qualifier; the default covers IP, ARP and RARP. */
export function gen_host(cs: CompilerState, addr: number, mask: number, proto: number, dir: number, type: number): Block {
  const typestr = type === Q_NET ? "net" : "host";
  switch (proto) {
    case Q_DEFAULT: {
      const b0 = gen_host(cs, addr, mask, Q_IP, dir, type);
      const b1 = gen_or(b0, gen_host(cs, addr, mask, Q_ARP, dir, type));
      return gen_or(b1, gen_host(cs, addr, mask, Q_RARP, dir, type));
    }
    case Q_IP:
      return gen_hostop(cs, addr, mask, dir, ETHERTYPE_IP, 12, 16);
    case Q_ARP:
      return gen_hostop(cs, addr, mask, dir, ETHERTYPE_ARP, 14, 24);
    case Q_RARP:
      return gen_hostop(cs, addr, mask, dir, ETHERTYPE_REVARP, 14, 24);
    case Q_SCTP:
      return bpf_error(`'sctp' modifier applied to ${typestr}`);
    case Q_TCP:
      return bpf_error(`'tcp' modifier applied to ${typestr}`);
    case Q_UDP:
      return bpf_error(`'udp' modifier applied to ${typestr}`);
    case Q_ICMP:
      return bpf_error(`'icmp' modifier applied to ${typestr}`);
    case Q_LINK:
      return bpf_error(`link-layer modifier applied to ${typestr}`);
    default:
      return syntax();
  }
}

/** gen_ipfrag(): not an IPv4 fragment other than the first. */
function gen_ipfrag(cs: CompilerState): Block {
  return gen_not({ kind: "cond", stmts: gen_load_a(cs, "OR_LINKPL", 6, BPF_H), code: BPF_JMP | BPF_JSET | BPF_K, k: 0x1fff });
}

const gen_portatom = (cs: CompilerState, off: number, v: number): Block => gen_cmp(cs, "OR_TRAN_IPV4", off, BPF_H, v);

function gen_portrangeatom(cs: CompilerState, off: number, v1: number, v2: number): Block {
  if (v1 > v2) [v1, v2] = [v2, v1];
  return gen_and(gen_cmp_ge(cs, "OR_TRAN_IPV4", off, BPF_H, v1), gen_cmp_le(cs, "OR_TRAN_IPV4", off, BPF_H, v2));
}

/** The source and/or destination port test of gen_portop/gen_portrangeop for a direction. */
function gen_portdir(dir: number, atom: (off: number) => Block): Block {
  switch (dir) {
    case Q_SRC:
      return atom(0);
    case Q_DST:
      return atom(2);
    case Q_AND:
      return gen_and(atom(0), atom(2));
    default:
      return gen_or(atom(0), atom(2));
  }
}

/** gen_portop(): IP protocol `proto`, first (or only) fragment, and the port test. */
function gen_portop(cs: CompilerState, port: number, proto: number, dir: number): Block {
  const b0 = gen_and(gen_cmp(cs, "OR_LINKPL", 9, BPF_B, proto), gen_ipfrag(cs));
  return gen_and(b0, gen_portdir(dir, (off) => gen_portatom(cs, off, port)));
}

function gen_portrangeop(cs: CompilerState, port1: number, port2: number, proto: number, dir: number): Block {
  const b0 = gen_and(gen_cmp(cs, "OR_LINKPL", 9, BPF_B, proto), gen_ipfrag(cs));
  return gen_and(b0, gen_portdir(dir, (off) => gen_portrangeatom(cs, off, port1, port2)));
}

/** The transports a port of ip_proto means: one, or tcp, udp and sctp for PROTO_UNDEF. */
function gen_transports(ip_proto: number, op: (proto: number) => Block): Block {
  if (ip_proto !== PROTO_UNDEF) return op(ip_proto);
  const b1 = gen_or(op(IPPROTO_TCP), op(IPPROTO_UDP));
  return gen_or(op(IPPROTO_SCTP), b1);
}

/** gen_port(): an IPv4 packet of ip_proto (or any port-carrying transport) with the port. */
export function gen_port(cs: CompilerState, port: number, ip_proto: number, dir: number): Block {
  const b0 = gen_linktype(cs, ETHERTYPE_IP);
  return gen_and(b0, gen_transports(ip_proto, (p) => gen_portop(cs, port, p, dir)));
}

export function gen_portrange(cs: CompilerState, port1: number, port2: number, ip_proto: number, dir: number): Block {
  const b0 = gen_linktype(cs, ETHERTYPE_IP);
  return gen_and(b0, gen_transports(ip_proto, (p) => gen_portrangeop(cs, port1, port2, p, dir)));
}

/** gen_proto(): the network header's protocol field is v ("ip proto 6"). */
export function gen_proto(cs: CompilerState, v: number, proto: number, dir: number): Block {
  if (dir !== Q_DEFAULT) bpf_error("direction applied to 'proto'");
  switch (proto) {
    case Q_DEFAULT:
    case Q_IP:
      return gen_and(gen_linktype(cs, ETHERTYPE_IP), gen_cmp(cs, "OR_LINKPL", 9, BPF_B, v));
    case Q_LINK:
      return gen_linktype(cs, v);
    case Q_ARP:
      return bpf_error("arp does not encapsulate another protocol");
    case Q_RARP:
      return bpf_error("rarp does not encapsulate another protocol");
    case Q_SCTP:
      return bpf_error("'sctp proto' is bogus");
    case Q_TCP:
      return bpf_error("'tcp proto' is bogus");
    case Q_UDP:
      return bpf_error("'udp proto' is bogus");
    case Q_ICMP:
      return bpf_error("'icmp proto' is bogus");
    default:
      return syntax();
  }
}

/** gen_proto_abbrev(): a protocol name on its own ("tcp", "ip", "arp"). */
export function gen_proto_abbrev(cs: CompilerState, proto: number): Block {
  switch (proto) {
    case Q_SCTP:
      return gen_proto(cs, IPPROTO_SCTP, Q_DEFAULT, Q_DEFAULT);
    case Q_TCP:
      return gen_proto(cs, IPPROTO_TCP, Q_DEFAULT, Q_DEFAULT);
    case Q_UDP:
      return gen_proto(cs, IPPROTO_UDP, Q_DEFAULT, Q_DEFAULT);
    case Q_ICMP:
      return gen_proto(cs, IPPROTO_ICMP, Q_IP, Q_DEFAULT);
    case Q_IP:
      return gen_linktype(cs, ETHERTYPE_IP);
    case Q_ARP:
      return gen_linktype(cs, ETHERTYPE_ARP);
    case Q_RARP:
      return gen_linktype(cs, ETHERTYPE_REVARP);
    case Q_LINK:
      return bpf_error("link layer applied in wrong context");
    default:
      return syntax();
  }
}

/** gen_len(): the packet's length on the wire <jmp> n. */
const gen_len = (jmp: number, n: number): Block => ({ kind: "cond", stmts: [stmt(BPF_LD | BPF_W | BPF_LEN, 0)], code: BPF_JMP | jmp | BPF_K, k: n >>> 0 });

/** gen_less(): "less n", the packet is at most n bytes long. */
export const gen_less = (n: number): Block => gen_not(gen_len(BPF_JGT, n));
/** gen_greater(): "greater n", the packet is at least n bytes long. */
export const gen_greater = (n: number): Block => gen_len(BPF_JGE, n);

/** __pcap_atoin(): a dotted IPv4 prefix, left-aligned in its bit count ("10.1" is 0x0a01, 16), or -1. */
function __pcap_atoin(s: string): { addr: number; len: number } | null {
  let addr = 0;
  let len = 0;
  for (const part of s.split(".")) {
    let n = 0;
    for (const c of part) {
      // The result will be > 255.
      if (n > 25) return null;
      n = n * 10 + c.charCodeAt(0) - 48;
    }
    if (n > 255) return null;
    addr = ((addr << 8) | (n & 0xff)) >>> 0;
    len += 8;
  }
  return { addr, len };
}

/** pcap_nametoport(): a service name's port, or -1. */
function pcap_nametoport(cs: CompilerState, name: string): number {
  return cs.resolve_port(name) ?? -1;
}

/** pcap_nametoportrange(): "20-25" or "ftp-data-ftp" as two ports, or null. */
function pcap_nametoportrange(cs: CompilerState, name: string): [number, number] | null {
  const m = /^(\d+)-(\d+)$/.exec(name);
  if (m) return [Number(m[1]), Number(m[2])];
  for (let i = name.indexOf("-"); i > 0; i = name.indexOf("-", i + 1)) {
    const p1 = pcap_nametoport(cs, name.slice(0, i));
    const p2 = pcap_nametoport(cs, name.slice(i + 1));
    if (p1 >= 0 && p2 >= 0) return [p1, p2];
  }
  return null;
}

/** The IP protocols pcap_nametoproto() finds in /etc/protocols. */
const protocols: Record<string, number> = { ip: 0, icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, sctp: 132 };

/** The transport a port qualifier names, for gen_port (PROTO_UNDEF for a bare "port"). */
function port_proto(proto: number, what: string): number {
  switch (proto) {
    case Q_UDP:
      return IPPROTO_UDP;
    case Q_TCP:
      return IPPROTO_TCP;
    case Q_SCTP:
      return IPPROTO_SCTP;
    case Q_DEFAULT:
      return PROTO_UNDEF;
    default:
      return bpf_error(`illegal qualifier of '${what}'`);
  }
}

/** gen_scode(): a name (ID token) under its qualifiers: a host, a service, a port range. */
export function gen_scode(cs: CompilerState, name: string, q: Qual): Block {
  const { proto, dir } = q;
  switch (q.addr) {
    case Q_NET:
      // pcap_nametonetaddr(): kplay has no networks database.
      return bpf_error(`unknown network '${name}'`);
    case Q_DEFAULT:
    case Q_HOST: {
      if (proto === Q_LINK) {
        // pcap_ether_hostton(): kplay has no ethers database.
        if (cs.linktype === DLT_EN10MB) return bpf_error(`unknown ether host '${name}'`);
        return bpf_error("only ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel supports link-level host name");
      }
      const addr = cs.resolve_host(name);
      if (addr === null) return bpf_error(`unknown host '${name}'`);
      const tproto = cs.off_linktype === null && proto === Q_DEFAULT ? Q_IP : proto;
      return gen_host(cs, addr >>> 0, 0xffffffff, tproto, dir, q.addr);
    }
    case Q_PORT: {
      const real_proto = port_proto(proto, "port");
      const port = pcap_nametoport(cs, name);
      if (port < 0) return bpf_error(`unknown port '${name}'`);
      if (port > 65535) return bpf_error(`illegal port number ${port} > 65535`);
      return gen_port(cs, port, real_proto, dir);
    }
    case Q_PORTRANGE: {
      const real_proto = port_proto(proto, "portrange");
      const range = pcap_nametoportrange(cs, name);
      if (!range) return bpf_error(`unknown port in range '${name}'`);
      for (const port of range) if (port > 65535) return bpf_error(`illegal port number ${port} > 65535`);
      return gen_portrange(cs, range[0], range[1], real_proto, dir);
    }
    case Q_PROTO: {
      if (proto !== Q_DEFAULT && proto !== Q_IP) return bpf_error(`unknown protocol: ${name}`);
      const v = protocols[name];
      if (v === undefined) return bpf_error(`unknown ip proto '${name}'`);
      return gen_proto(cs, v, proto, dir);
    }
    default:
      return syntax();
  }
}

/** gen_mcode(): "net A/len" and "net A mask M". */
export function gen_mcode(cs: CompilerState, s1: string, s2: string | null, masklen: number, q: Qual): Block {
  const a = __pcap_atoin(s1);
  if (!a) return bpf_error(`invalid IPv4 address '${s1}'`);
  const n = a.len === 32 ? a.addr : (a.addr << (32 - a.len)) >>> 0;
  let m: number;
  if (s2 !== null) {
    const b = __pcap_atoin(s2);
    if (!b) return bpf_error(`invalid IPv4 address '${s2}'`);
    m = b.len === 32 ? b.addr : (b.addr << (32 - b.len)) >>> 0;
    if ((n & ~m) !== 0) bpf_error(`non-network bits set in "${s1} mask ${s2}"`);
  } else {
    if (masklen > 32) bpf_error("mask length must be <= 32");
    m = masklen === 0 ? 0 : (0xffffffff << (32 - masklen)) >>> 0;
    if ((n & ~m) !== 0) bpf_error(`non-network bits set in "${s1}/${masklen}"`);
  }
  if (q.addr !== Q_NET) return bpf_error("Mask syntax for networks only");
  return gen_host(cs, n, m, q.proto, q.dir, q.addr);
}

/** gen_ncode(): a number or a dotted address (NUM or HID) under its qualifiers. */
export function gen_ncode(cs: CompilerState, s: string | null, v: number, q: Qual): Block {
  const { proto, dir } = q;
  let vlen = 32;
  if (s !== null) {
    const a = __pcap_atoin(s);
    if (!a) return bpf_error(`invalid IPv4 address '${s}'`);
    v = a.addr;
    vlen = a.len;
  }
  switch (q.addr) {
    case Q_DEFAULT:
    case Q_HOST:
    case Q_NET: {
      if (proto === Q_LINK) return bpf_error("illegal link layer address");
      let mask = 0xffffffff;
      if (s === null && q.addr === Q_NET) {
        // Promote short net number
        while (v && (v & 0xff000000) === 0) {
          v = (v << 8) >>> 0;
          mask = (mask << 8) >>> 0;
        }
      } else if (vlen < 32) {
        // Promote short ipaddr
        v = (v << (32 - vlen)) >>> 0;
        mask = (mask << (32 - vlen)) >>> 0;
      }
      return gen_host(cs, v, mask, proto, dir, q.addr);
    }
    case Q_PORT: {
      const p = port_proto(proto, "port");
      if (v > 65535) return bpf_error(`illegal port number ${v} > 65535`);
      return gen_port(cs, v, p, dir);
    }
    case Q_PORTRANGE: {
      const p = port_proto(proto, "portrange");
      if (v > 65535) return bpf_error(`illegal port number ${v} > 65535`);
      return gen_portrange(cs, v, v, p, dir);
    }
    case Q_PROTO:
      return gen_proto(cs, v, proto, dir);
    default:
      return syntax();
  }
}

/**
 * The program for a Block: each condition's jumps go to the code for "true" and "false" as the
 * tree says; the whole is true -> "ret #snaplen", false -> "ret #0". Code is laid out from the end
 * backwards, so every jump is forward; a target beyond a conditional jump's 255-instruction reach
 * goes through a "ja".
 */
function gen_emit(root: Block, snaplen: number): SockFilter[] {
  const rev: SockFilter[] = [];
  const push = (f: SockFilter): number => rev.push(f) - 1;
  const dist = (target: number): number => rev.length - target - 1;
  const reach = (target: number): number => (dist(target) > 255 ? push(stmt(BPF_JMP | BPF_JA, dist(target))) : target);
  const gen = (b: Block, t: number, f: number): number => {
    switch (b.kind) {
      case "cond": {
        t = reach(t);
        f = reach(f);
        push({ code: b.code, jt: dist(t), jf: dist(f), k: b.k });
        for (let i = b.stmts.length - 1; i >= 0; i--) push({ ...b.stmts[i] });
        return rev.length - 1;
      }
      case "and":
        return gen(b.b0, gen(b.b1, t, f), f);
      case "or":
        return gen(b.b0, t, gen(b.b1, t, f));
      case "not":
        return gen(b.b, f, t);
    }
  };
  const ret0 = push(stmt(BPF_RET | BPF_K, 0));
  const retsnap = push(stmt(BPF_RET | BPF_K, snaplen));
  gen(root, retsnap, ret0);
  return rev.reverse();
}

/** Options for pcap_compile: how names become addresses and ports. */
export interface PcapCompileOptions {
  /** A host name's IPv4 address (host byte order), or null when unknown. */
  resolve_host?: (name: string) => number | null;
  /** A service name's port, or null when unknown. Defaults to pcap_services. */
  resolve_port?: (name: string) => number | null;
}

/** The /etc/services entries kplay's netbase ships, for "port ftp" without a resolver. */
export const pcap_services: Record<string, number> = {
  echo: 7, discard: 9, daytime: 13, "ftp-data": 20, ftp: 21, ssh: 22, telnet: 23, smtp: 25, time: 37, domain: 53,
  bootps: 67, bootpc: 68, tftp: 69, http: 80, pop3: 110, ntp: 123, imap: 143, snmp: 161, https: 443,
};

/**
 * pcap_compile - compile a filter expression for a link-layer type (DLT_*) and snapshot length
 * into a classic BPF program, or return libpcap's error text (tcpdump prints it after
 * "tcpdump: "). An empty expression accepts every packet ("ret #snaplen").
 */
export function pcap_compile(
  expr: string,
  linktype: number,
  snaplen: number,
  resolve_host?: (name: string) => number | null,
  opts: PcapCompileOptions = {},
): { prog: SockFilter[] } | { error: string } {
  if (snaplen === 0) return { error: "snaplen of 0 rejects all packets" };
  const cs: CompilerState = {
    linktype,
    snaplen,
    off_linktype: null,
    off_linkpl: null,
    resolve_host: resolve_host ?? opts.resolve_host ?? (() => null),
    resolve_port: opts.resolve_port ?? ((name) => pcap_services[name] ?? null),
  };
  init_linktype(cs);
  try {
    const { tokens, error } = pcap_lex(expr);
    const root = pcap_parse(cs, tokens, error);
    return { prog: root === null ? [stmt(BPF_RET | BPF_K, snaplen)] : gen_emit(root, snaplen) };
  } catch (e) {
    if (e instanceof BpfError) return { error: e.message };
    throw e;
  }
}
