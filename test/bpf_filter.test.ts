// Classic BPF: the kernel's checker and interpreter (net/core/filter.c of 5.15), the socket filter
// calls, and libpcap 1.10's filter compiler (gencode.c, grammar.y, scanner.l) run over real
// frames: Ethernet with zero MACs as on lo, IPv4 with its checksum, UDP, TCP and ICMP headers.
import { describe, expect, it } from "vitest";
import {
  BPF_ABS, BPF_ALU, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGT, BPF_JMP, BPF_JUMP, BPF_K, BPF_LD,
  BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_RET, BPF_ST, BPF_STMT, BPF_TAX, BPF_W, BPF_X, BPF_A,
  SKF_AD_OFF, SKF_AD_PROTOCOL, bpf_check_classic, bpf_prog_run_classic, sk_attach_filter, sk_detach_filter, sk_filter,
  sock_fprog_decode, sock_fprog_encode, type SockFilter,
} from "../src/net/core/filter.js";
import { EINVAL, ENOENT } from "../src/include/uapi/errno.js";
import { pcap_compile } from "../src/user/libpcap/gencode.js";
import { pcap_offline_filter } from "../src/user/libpcap/bpf_filter.js";
import { bpf_dump } from "../src/user/libpcap/bpf_image.js";
import { DLT_EN10MB, DLT_LINUX_SLL, DLT_NETLINK } from "../src/user/libpcap/pcap.js";
import { csum_partial, csum_tcpudp_magic, ip_fast_csum } from "../src/lib/checksum.js";

const ip = (s: string): number => s.split(".").reduce((a, b) => a * 256 + Number(b), 0);

/** An IPv4 packet in an Ethernet frame (zero MACs, ethertype 0x0800), checksums filled in. */
function frame(f: { proto: number; saddr: string; daddr: string; l4: Uint8Array; frag?: number }): Uint8Array {
  const total = 20 + f.l4.length;
  const p = new Uint8Array(14 + total);
  const dv = new DataView(p.buffer);
  dv.setUint16(12, 0x0800);
  const iph = p.subarray(14, 34);
  const iv = new DataView(p.buffer, 14);
  iph[0] = 0x45;
  iv.setUint16(2, total);
  iv.setUint16(4, 0x1234);
  iv.setUint16(6, f.frag ?? 0x4000);
  iph[8] = 64;
  iph[9] = f.proto;
  iv.setUint32(12, ip(f.saddr));
  iv.setUint32(16, ip(f.daddr));
  iv.setUint16(10, ip_fast_csum(iph));
  p.set(f.l4, 34);
  if (f.proto === 6 || f.proto === 17) {
    const l4 = p.subarray(34);
    const at = f.proto === 6 ? 16 : 6;
    new DataView(l4.buffer, l4.byteOffset).setUint16(at, csum_tcpudp_magic(ip(f.saddr), ip(f.daddr), l4.length, f.proto, csum_partial(l4)) || (f.proto === 17 ? 0xffff : 0));
  }
  return p;
}

function udp(sport: number, dport: number, payload = "hi", saddr = "127.0.0.1", daddr = "127.0.0.1", frag?: number): Uint8Array {
  const data = new TextEncoder().encode(payload);
  const u = new Uint8Array(8 + data.length);
  const dv = new DataView(u.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint16(4, u.length);
  u.set(data, 8);
  return frame({ proto: 17, saddr, daddr, l4: u, frag });
}

function tcp(sport: number, dport: number, saddr = "127.0.0.1", daddr = "127.0.0.1"): Uint8Array {
  const t = new Uint8Array(20);
  const dv = new DataView(t.buffer);
  dv.setUint16(0, sport);
  dv.setUint16(2, dport);
  dv.setUint32(4, 1000);
  t[12] = 5 << 4;
  t[13] = 0x02;
  dv.setUint16(14, 65495);
  return frame({ proto: 6, saddr, daddr, l4: t });
}

function icmp(saddr = "127.0.0.1", daddr = "127.0.0.1"): Uint8Array {
  const m = new Uint8Array(16);
  m[0] = 8;
  new DataView(m.buffer).setUint16(2, ip_fast_csum(m));
  return frame({ proto: 1, saddr, daddr, l4: m });
}

const frames = {
  udp23: udp(2325, 23),
  udp53: udp(53, 4000, "x", "10.0.0.1", "10.0.0.2"),
  tcp21: tcp(40000, 21),
  tcp20: tcp(20, 40001),
  tcp80: tcp(2325, 80, "10.0.0.2", "10.0.0.1"),
  icmp: icmp(),
  icmp10: icmp("10.0.0.1", "127.0.0.1"),
};
type Name = keyof typeof frames;

function compile(expr: string, linktype = DLT_EN10MB): SockFilter[] {
  const r = pcap_compile(expr, linktype, 262144, (name) => (name === "gw" ? ip("10.0.0.1") : null));
  if ("error" in r) throw new Error(r.error);
  expect(bpf_check_classic(r.prog)).toBe(0);
  return r.prog;
}

const accepted = (expr: string): Name[] => {
  const prog = compile(expr);
  return (Object.keys(frames) as Name[]).filter((n) => bpf_prog_run_classic(prog, frames[n]) !== 0);
};

describe("bpf_prog_run_classic", () => {
  const p = frames.udp23;

  it("runs loads, ALU, jumps, scratch memory and returns", () => {
    const prog = [
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0800, 0, 8),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),
      BPF_STMT(BPF_ST, 3),
      BPF_STMT(BPF_LD | BPF_IMM, 1),
      BPF_STMT(BPF_LDX | BPF_MEM, 3),
      BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 4),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_LD | BPF_MEM, 3),
      BPF_STMT(BPF_RET | BPF_A, 0),
    ];
    expect(bpf_check_classic(prog)).toBe(0);
    expect(bpf_prog_run_classic(prog, p)).toBe(23);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0), BPF_STMT(BPF_RET | BPF_A, 0)], p, 1500)).toBe(1500);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_IMM, 7), BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 4), BPF_STMT(BPF_RET | BPF_A, 0)], p)).toBe(3);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_JMP | BPF_JA, 1), BPF_STMT(BPF_RET | BPF_K, 1), BPF_STMT(BPF_RET | BPF_K, 2)], p)).toBe(2);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 26), BPF_JUMP(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 1), BPF_STMT(BPF_RET | BPF_K, 9), BPF_STMT(BPF_RET | BPF_K, 0)], p)).toBe(9);
  });

  it("ends with 0 on a load past the end, at a negative or ancillary offset, or a division by X == 0", () => {
    const ret_a = BPF_STMT(BPF_RET | BPF_K, 99);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_B | BPF_ABS, p.length - 1), ret_a], p)).toBe(99);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_B | BPF_ABS, p.length), ret_a], p)).toBe(0);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_W | BPF_ABS, p.length - 3), ret_a], p)).toBe(0);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LDX | BPF_IMM, 10), BPF_STMT(BPF_LD | BPF_H | BPF_IND, p.length - 11), ret_a], p)).toBe(0);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, p.length), ret_a], p)).toBe(0);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_H | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), ret_a], p)).toBe(0);
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LDX | BPF_IMM, 0), BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0), ret_a], p)).toBe(0);
    // Loads see only the bytes present: a 20-byte snapshot of a longer packet.
    expect(bpf_prog_run_classic([BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 25), ret_a], p.subarray(0, 20), p.length)).toBe(0);
  });
});

describe("bpf_check_classic", () => {
  const ret = BPF_STMT(BPF_RET | BPF_K, 0);
  const bad: [string, SockFilter[]][] = [
    ["an empty program", []],
    ["more than BPF_MAXINSNS instructions", new Array(4097).fill(ret)],
    ["a last instruction that is not a RET", [BPF_STMT(BPF_LD | BPF_IMM, 1)]],
    ["an unknown opcode", [{ code: 0xff, jt: 0, jf: 0, k: 0 }, ret]],
    ["RET X", [BPF_STMT(BPF_RET | BPF_X, 0)]],
    ["division by a constant 0", [BPF_STMT(BPF_ALU | BPF_DIV | BPF_K, 0), ret]],
    ["modulo by a constant 0", [BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, 0), ret]],
    ["a shift by 32", [BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 32), ret]],
    ["scratch slot 16", [BPF_STMT(BPF_ST, 16), ret]],
    ["a load of a slot never stored", [BPF_STMT(BPF_LD | BPF_MEM, 2), ret]],
    ["a load of a slot one path skips storing", [BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_ST, 1), BPF_STMT(BPF_LD | BPF_MEM, 1), ret]],
    ["a conditional jump past the end", [BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ret]],
    ["a ja past the end", [BPF_STMT(BPF_JMP | BPF_JA, 1), ret]],
    ["an unknown ancillary load", [BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + 64), ret]],
  ];
  it.each(bad)("rejects %s with -EINVAL", (_what, prog) => expect(bpf_check_classic(prog)).toBe(-EINVAL));

  it("accepts a known ancillary load and a slot stored on every path", () => {
    expect(bpf_check_classic([BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PROTOCOL), ret])).toBe(0);
    expect(bpf_check_classic([BPF_STMT(BPF_ST, 1), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), BPF_STMT(BPF_ST, 1), BPF_STMT(BPF_LD | BPF_MEM, 1), ret])).toBe(0);
  });
});

describe("socket filters", () => {
  it("attaches a checked copy, trims to the filter's result, and detaches", () => {
    const sk: { sk_filter: SockFilter[] | null } = { sk_filter: null };
    const p = frames.udp23;
    expect(sk_filter(sk, p)).toBe(p.length);
    expect(sk_detach_filter(sk)).toBe(-ENOENT);
    expect(sk_attach_filter(sk, [BPF_STMT(BPF_LD | BPF_MEM, 0), BPF_STMT(BPF_RET | BPF_K, 1)])).toBe(-EINVAL);
    expect(sk.sk_filter).toBeNull();
    const prog = [BPF_STMT(BPF_RET | BPF_K, 20)];
    expect(sk_attach_filter(sk, prog)).toBe(0);
    prog[0].k = 0;
    expect(sk_filter(sk, p)).toBe(20);
    expect(sk_attach_filter(sk, compile("tcp"))).toBe(0);
    expect(sk_filter(sk, p)).toBe(0);
    expect(sk_filter(sk, frames.tcp21)).toBe(frames.tcp21.length);
    expect(sk_detach_filter(sk)).toBe(0);
    expect(sk_filter(sk, p)).toBe(p.length);
  });

  it("decodes struct sock_filter arrays as little-endian 8-byte entries", () => {
    const bytes = new Uint8Array([0x28, 0, 0, 0, 12, 0, 0, 0, 0x15, 0, 0, 1, 0, 8, 0, 0, 6, 0, 0, 0, 0xff, 0xff, 0, 0]);
    const prog = sock_fprog_decode(bytes, 3);
    expect(prog).toEqual([
      { code: BPF_LD | BPF_H | BPF_ABS, jt: 0, jf: 0, k: 12 },
      { code: BPF_JMP | BPF_JEQ | BPF_K, jt: 0, jf: 1, k: 0x800 },
      { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 0xffff },
    ]);
    expect(Array.from(sock_fprog_encode(prog))).toEqual(Array.from(bytes));
  });
});

describe("pcap_compile over real frames", () => {
  it("builds valid frames", () => {
    for (const f of Object.values(frames)) expect(ip_fast_csum(f.subarray(14, 34))).toBe(0);
  });

  const cases: [string, Name[]][] = [
    ["", ["udp23", "udp53", "tcp21", "tcp20", "tcp80", "icmp", "icmp10"]],
    ["udp", ["udp23", "udp53"]],
    ["tcp", ["tcp21", "tcp20", "tcp80"]],
    ["icmp", ["icmp", "icmp10"]],
    ["ip", ["udp23", "udp53", "tcp21", "tcp20", "tcp80", "icmp", "icmp10"]],
    ["port 23", ["udp23"]],
    ["src port 2325", ["udp23", "tcp80"]],
    ["dst port 2325", []],
    ["dst host 127.0.0.1", ["udp23", "tcp21", "tcp20", "icmp", "icmp10"]],
    ["host 10.0.0.1", ["udp53", "tcp80", "icmp10"]],
    ["src 10.0.0.1", ["udp53", "icmp10"]],
    ["host 10.0.0.1 or 127.0.0.1", ["udp23", "udp53", "tcp21", "tcp20", "tcp80", "icmp", "icmp10"]],
    ["host gw", ["udp53", "tcp80", "icmp10"]],
    ["net 10.0.0.0/8", ["udp53", "tcp80", "icmp10"]],
    ["dst net 10.0.0.0 mask 255.255.255.0", ["udp53", "tcp80"]],
    ["net 127", ["udp23", "tcp21", "tcp20", "icmp", "icmp10"]],
    ["udp and port 23", ["udp23"]],
    ["not tcp", ["udp23", "udp53", "icmp", "icmp10"]],
    ["tcp or icmp", ["tcp21", "tcp20", "tcp80", "icmp", "icmp10"]],
    ["(udp or tcp) and not port 21", ["udp23", "udp53", "tcp20", "tcp80"]],
    ["tcp port 21 or 20", ["tcp21", "tcp20"]],
    ["tcp port 21 or udp", ["tcp21", "udp23", "udp53"]],
    ["port ftp or ftp-data", ["tcp21", "tcp20"]],
    ["udp port domain", ["udp53"]],
    ["portrange 20-23", ["udp23", "tcp21", "tcp20"]],
    ["tcp dst portrange 21-80", ["tcp21", "tcp80"]],
    ["less 60", ["udp23", "udp53", "tcp21", "tcp20", "tcp80", "icmp", "icmp10"]],
    ["less 50", ["udp23", "udp53", "icmp", "icmp10"]],
    ["greater 60", []],
    ["greater 54", ["tcp21", "tcp20", "tcp80"]],
    ["ip proto 17", ["udp23", "udp53"]],
    ["! udp && ! icmp", ["tcp21", "tcp20", "tcp80"]],
    ["tcp or udp and port 23", ["udp23"]],
    ["not host 10.0.0.1 and not port 21", ["udp23", "tcp20", "icmp"]],
    ["src host 127.0.0.1 and (port 21 or 20)", ["tcp21", "tcp20"]],
    ["src host 127.0.0.1 and (dst port 21 or 20)", ["tcp21"]],
  ];
  it.each(cases)("%j accepts %j", (expr, want) => expect(accepted(expr).sort()).toEqual([...want].sort()));

  it("returns the snapshot length for an accepted packet", () => {
    expect(bpf_prog_run_classic(compile("udp"), frames.udp23)).toBe(262144);
  });

  it("reads the ports of the first fragment only", () => {
    const later = udp(2325, 23, "hi", "127.0.0.1", "127.0.0.1", 0x0001);
    expect(bpf_prog_run_classic(compile("port 23"), later)).toBe(0);
    expect(bpf_prog_run_classic(compile("udp"), later)).not.toBe(0);
  });

  it("finds the transport header behind IP options", () => {
    const p = udp(2325, 23);
    const opt = new Uint8Array(p.length + 4);
    opt.set(p.subarray(0, 34));
    opt[14] = 0x46;
    opt.set([1, 1, 1, 0], 34);
    opt.set(p.subarray(34), 38);
    expect(bpf_prog_run_classic(compile("src port 2325"), opt)).not.toBe(0);
    expect(bpf_prog_run_classic(compile("src port 2325"), p)).not.toBe(0);
    expect(bpf_prog_run_classic(compile("dst port 2325"), opt)).toBe(0);
  });

  it("filters Linux cooked (SLL) frames by their protocol field", () => {
    const sll = new Uint8Array(frames.udp23.length + 2);
    sll.set([0, 0, 0, 1, 0, 6], 0);
    sll.set([0x08, 0x00], 14);
    sll.set(frames.udp23.subarray(14), 16);
    const prog = compile("udp port 23", DLT_LINUX_SLL);
    expect(bpf_prog_run_classic(prog, sll)).toBe(262144);
    expect(bpf_prog_run_classic(compile("tcp", DLT_LINUX_SLL), sll)).toBe(0);
  });

  it("lets pcap_offline_filter use the record's lengths", () => {
    const prog = compile("greater 100");
    const p = frames.udp23;
    expect(pcap_offline_filter(prog, { ts_sec: 0, ts_usec: 0, caplen: p.length, len: p.length }, p)).toBe(0);
    expect(pcap_offline_filter(prog, { ts_sec: 0, ts_usec: 0, caplen: p.length, len: 1500 }, p)).not.toBe(0);
    expect(pcap_offline_filter([], { ts_sec: 0, ts_usec: 0, caplen: p.length, len: p.length }, p)).not.toBe(0);
  });

  it("prints programs as tcpdump -d does", () => {
    expect(bpf_dump(compile("udp"))).toBe(
      "(000) ldh      [12]\n" +
        "(001) jeq      #0x800           jt 2\tjf 5\n" +
        "(002) ldb      [23]\n" +
        "(003) jeq      #0x11            jt 4\tjf 5\n" +
        "(004) ret      #262144\n" +
        "(005) ret      #0\n",
    );
    expect(bpf_dump(compile(""))).toBe("(000) ret      #262144\n");
    expect(bpf_dump([BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16), BPF_STMT(BPF_JMP | BPF_JA, 0), BPF_STMT(BPF_RET | BPF_A, 0)])).toBe(
      "(000) ldxb     4*([14]&0xf)\n(001) ldh      [x + 16]\n(002) ja       3\n(003) ret      \n",
    );
  });

  it("reaches targets further than 255 instructions through ja", () => {
    const expr = Array.from({ length: 12 }, (_, i) => `port ${100 + i}`).join(" or ") + " or port 23";
    const prog = compile(expr);
    expect(prog.length).toBeGreaterThan(256);
    expect(prog.some((f) => f.code === (BPF_JMP | BPF_JA))).toBe(true);
    expect(bpf_prog_run_classic(prog, frames.udp23)).toBe(262144);
    expect(bpf_prog_run_classic(prog, frames.tcp80)).toBe(0);
  });
});

describe("pcap_compile errors", () => {
  const errors: [string, string, number?][] = [
    ["foo", "can't parse filter expression: syntax error"],
    ["udp and", "can't parse filter expression: syntax error"],
    ["(udp", "can't parse filter expression: syntax error"],
    ["udp #", "can't parse filter expression: syntax error"],
    ["port 08", "can't parse filter expression: number 08 contains non-octal digit"],
    ["host nosuchhost", "unknown host 'nosuchhost'"],
    ["port nosuchport", "unknown port 'nosuchport'"],
    ["port 70000", "illegal port number 70000 > 65535"],
    ["portrange 1-70000", "illegal port number 70000 > 65535"],
    ["portrange a-b", "unknown port in range 'a-b'"],
    ["tcp or 20", "syntax error in filter expression"],
    ["tcp host 10.0.0.1", "'tcp' modifier applied to host"],
    ["udp net 10.0.0.0/8", "'udp' modifier applied to net"],
    ["icmp port 7", "illegal qualifier of 'port'"],
    ["port 10.0.0.1", "'port' modifier applied to ip host"],
    ["net 10.0.0.1/8", "non-network bits set in \"10.0.0.1/8\""],
    ["net 10.0.0.0/33", "mask length must be <= 32"],
    ["host 10.0.0.0/8", "Mask syntax for networks only"],
    ["host 300.1.1.1", "invalid IPv4 address '300.1.1.1'"],
    ["tcp proto 6", "'tcp proto' is bogus"],
    ["tcp", "Linux netlink link-layer type filtering not implemented", DLT_NETLINK],
    ["port 23", "Linux netlink link-layer type filtering not implemented", DLT_NETLINK],
    ["host 127.0.0.1", "Linux netlink link-layer type filtering not implemented", DLT_NETLINK],
  ];
  it.each(errors)("%j: %s", (expr, msg, linktype = DLT_EN10MB) => expect(pcap_compile(expr, linktype, 262144)).toEqual({ error: msg }));

  it("accepts length tests on netlink captures, as libpcap does", () => {
    const r = pcap_compile("less 100 or greater 1000", DLT_NETLINK, 262144);
    expect("prog" in r && bpf_check_classic(r.prog)).toBe(0);
    expect(pcap_compile("", DLT_NETLINK, 0)).toEqual({ error: "snaplen of 0 rejects all packets" });
  });
});
