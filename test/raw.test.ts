// Raw IPv4 sockets and the SOL_IP options (kernel-net-facts §4.4; net/ipv4/raw.c, af_inet.c,
// ip_sockglue.c, ip_input.c of 5.15), driven by small C-style programs installed into the machine.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import * as S from "../src/user/libc/socket.js";
import * as IN from "../src/user/libc/inet.js";
import { INADDR_LOOPBACK, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE, SOL_IP } from "../src/user/libc/inet.js";
import { close, pause } from "../src/user/libc/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { ip_fast_csum } from "../src/lib/checksum.js";
import { sock_create_kern, sock_release } from "../src/net/kernel_socket.js";
import { EADDRINUSE, EADDRNOTAVAIL, EAFNOSUPPORT, ECONNREFUSED, ENOBUFS, EDESTADDRREQ, EFAULT, EINVAL, ENOPROTOOPT, ENOTCONN, EOPNOTSUPP, EPERM, EPROTONOSUPPORT } from "../src/include/uapi/errno.js";

const enc = new TextEncoder();
const lo = (port = 0): Uint8Array => make_sockaddr_in(S.AF_INET, port, INADDR_LOOPBACK);
const errno = (): number => libc().errno;
const int = (v: number, n = 4): Uint8Array => new Uint8Array(new Int32Array([v]).buffer).subarray(0, n);
const u16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];

/** A received packet: its bytes, and the sender's address and port. */
interface Got {
  bytes: Uint8Array;
  addr: number;
  port: number;
}

async function recv_packet(fd: number, flags = S.MSG_DONTWAIT): Promise<Got | number> {
  const buf = new Uint8Array(2048);
  const from = new Uint8Array(16);
  const n = await S.recvfrom(fd, buf, buf.length, flags, from, { value: 16 });
  if (n < 0) return -errno();
  const a = parse_sockaddr_in(from);
  return { bytes: buf.slice(0, n), addr: a.addr, port: a.port };
}

async function getint(fd: number, level: number, optname: number, len = 4): Promise<number[]> {
  const v = new Uint8Array(4);
  const l = { value: len };
  const r = await S.getsockopt(fd, level, optname, v, l);
  if (r < 0) return [-errno()];
  return [l.value >= 4 ? new DataView(v.buffer).getInt32(0, true) : v.subarray(0, l.value).reduceRight((a, b) => a * 256 + b, 0), l.value];
}

async function setint(fd: number, level: number, optname: number, v: number, len = 4): Promise<number> {
  return (await S.setsockopt(fd, level, optname, int(v), len)) < 0 ? -errno() : 0;
}

/** An IPv4 header (20 bytes) and payload as an IP_HDRINCL socket sends it. */
function iphdr(fields: { tos?: number; id?: number; df?: boolean; ttl?: number; protocol: number; saddr?: number; daddr?: number }, payload: Uint8Array): Uint8Array {
  const p = new Uint8Array(20 + payload.length);
  const dv = new DataView(p.buffer);
  dv.setUint8(0, 0x45);
  dv.setUint8(1, fields.tos ?? 0);
  dv.setUint16(2, 0xdead);
  dv.setUint16(4, fields.id ?? 0);
  dv.setUint16(6, fields.df ? 0x4000 : 0);
  dv.setUint8(8, fields.ttl ?? 64);
  dv.setUint8(9, fields.protocol);
  dv.setUint16(10, 0xbeef);
  dv.setUint32(12, fields.saddr ?? 0);
  dv.setUint32(16, fields.daddr ?? INADDR_LOOPBACK);
  p.set(payload, 20);
  return p;
}

describe("socket(AF_INET, SOCK_RAW, protocol) (inet_create)", () => {
  it("checks the protocol number, then the protosw lookup, then CAP_NET_RAW (-EPERM for a user)", async () => {
    const k = boot();
    const got: Record<string, number> = {};
    install(k, "/bin/t", async () => {
      for (const p of [1, 2, 17, 200, 255, 0, 256, -1]) {
        const fd = await S.socket(S.AF_INET, S.SOCK_RAW, p);
        got[p] = fd < 0 ? -errno() : 0;
        if (fd >= 0) close(fd);
      }
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual({ 1: 0, 2: 0, 17: 0, 200: 0, 255: 0, 0: -EPROTONOSUPPORT, 256: -EINVAL, [-1]: -EINVAL });
    await run(k, ["/bin/t"], { cred: USER });
    expect(got).toEqual({ 1: -EPERM, 2: -EPERM, 17: -EPERM, 200: -EPERM, 255: -EPERM, 0: -EPROTONOSUPPORT, 256: -EINVAL, [-1]: -EINVAL });
  });

  it("lets the kernel open raw sockets for any caller (sock_create_kern)", async () => {
    const k = boot();
    let r: unknown = null;
    install(k, "/bin/t", async () => {
      const sock = await sock_create_kern(null, S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      r = typeof sock === "number" ? sock : "socket";
      if (typeof sock !== "number") await sock_release(sock);
      return 0;
    });
    await run(k, ["/bin/t"], { cred: USER });
    expect(r).toBe("socket");
  });

  it("takes the protocol as SO_PROTOCOL and the port of getsockname, SO_REUSEADDR set (INET_PROTOSW_REUSE); IPPROTO_RAW includes the header", async () => {
    const k = boot();
    const got: number[] = [];
    install(k, "/bin/t", async () => {
      const igmp = await S.socket(S.AF_INET, S.SOCK_RAW, S.PF_INET);
      const raw = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_RAW);
      got.push(...(await getint(igmp, S.SOL_SOCKET, S.SO_PROTOCOL)), ...(await getint(igmp, S.SOL_SOCKET, S.SO_TYPE)), (await getint(igmp, S.SOL_SOCKET, S.SO_REUSEADDR))[0]);
      got.push((await getint(igmp, SOL_IP, IN.IP_HDRINCL))[0], (await getint(raw, SOL_IP, IN.IP_HDRINCL))[0]);
      const name = new Uint8Array(16);
      S.getsockname(raw, name, { value: 16 });
      got.push(parse_sockaddr_in(name).port);
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([2, 4, 3, 4, 1, 0, 1, 255]);
  });
});

describe("receiving (raw_local_deliver before the protocol handler)", () => {
  it("gives a raw ICMP socket the port unreachable of a UDP datagram, whole, from 127.0.0.1 port 0", async () => {
    const k = boot();
    let got: Got | number = 0;
    install(k, "/bin/t", async () => {
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.sendto(u, enc.encode("hello"), 5, 0, lo(9), SOCKADDR_IN_SIZE);
      got = await recv_packet(icmp);
      return 0;
    });
    await run(k, ["/bin/t"]);
    const g = got as unknown as Got;
    expect(g.addr).toBe(INADDR_LOOPBACK);
    expect(g.port).toBe(0);
    expect(g.bytes.length).toBe(20 + 8 + 20 + 8 + 5);
    expect([...g.bytes.subarray(0, 2)]).toEqual([0x45, 0xc0]);
    expect(u16(g.bytes, 2)).toBe(g.bytes.length);
    expect(g.bytes[9]).toBe(IN.IPPROTO_ICMP);
    expect(ip_fast_csum(g.bytes.subarray(0, 20))).toBe(0);
    expect([g.bytes[20], g.bytes[21]]).toEqual([3, 3]);
    expect(new TextDecoder().decode(g.bytes.subarray(56))).toBe("hello");
  });

  it("gives a raw UDP socket a copy of datagrams the UDP socket still receives; bound and connected raw sockets filter by address", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.bind(u, lo(5000), SOCKADDR_IN_SIZE);
      const any = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const other = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      await S.bind(other, make_sockaddr_in(S.AF_INET, 0, 0x7f000002), SOCKADDR_IN_SIZE);
      const peer = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      await S.connect(peer, make_sockaddr_in(S.AF_INET, 0, 0x7f000003), SOCKADDR_IN_SIZE);
      const s = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.sendto(s, enc.encode("data"), 4, 0, lo(5000), SOCKADDR_IN_SIZE);
      got.push(await recv_packet(u), await recv_packet(any), await recv_packet(other), await recv_packet(peer));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect((got[0] as Got).bytes).toEqual(enc.encode("data"));
    const raw = (got[1] as Got).bytes;
    expect(raw.length).toBe(32);
    expect(raw[9]).toBe(IN.IPPROTO_UDP);
    expect(u16(raw, 22)).toBe(5000);
    expect(new TextDecoder().decode(raw.subarray(28))).toBe("data");
    expect(got.slice(2)).toEqual([-11, -11]);
  });

  it("answers a protocol nobody takes with protocol unreachable, unless a raw socket of it exists", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      const raw = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_RAW);
      const p = iphdr({ protocol: 200 }, enc.encode("x"));
      await S.sendto(raw, p, p.length, 0, lo(), SOCKADDR_IN_SIZE);
      got.push(await recv_packet(icmp));
      const r200 = await S.socket(S.AF_INET, S.SOCK_RAW, 200);
      await S.sendto(raw, p, p.length, 0, lo(), SOCKADDR_IN_SIZE);
      got.push(await recv_packet(icmp), await recv_packet(r200));
      return 0;
    });
    await run(k, ["/bin/t"]);
    const unreach = (got[0] as Got).bytes;
    expect([unreach[20], unreach[21]]).toEqual([3, 2]);
    expect(got[1]).toBe(-11);
    expect((got[2] as Got).bytes.length).toBe(21);
    expect((await sh(k, "grep '^Ip: [0-9]' /proc/net/snmp")).stdout).toBe("Ip: 2 64 3 0 0 0 1 0 2 3 0 0 0 0 0 0 0 0 0\n");
  });

  it("drops ICMP types set in ICMP_FILTER (ICMP sockets only)", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      got.push(await setint(icmp, IN.SOL_RAW, IN.ICMP_FILTER, 1 << 3));
      got.push(...(await getint(icmp, IN.SOL_RAW, IN.ICMP_FILTER)));
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.sendto(u, enc.encode("x"), 1, 0, lo(9), SOCKADDR_IN_SIZE);
      got.push(await recv_packet(icmp));
      const udp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      got.push(await setint(udp, IN.SOL_RAW, IN.ICMP_FILTER, 0), await setint(icmp, IN.SOL_RAW, 2, 0));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([0, 8, 4, -11, -EOPNOTSUPP, -ENOPROTOOPT]);
  });

  it("cuts a packet to the buffer with MSG_TRUNC in msg_flags; the MSG_TRUNC flag returns the full length", async () => {
    const k = boot();
    const got: number[] = [];
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      for (let i = 0; i < 2; i++) await S.sendto(u, enc.encode("0123456789"), 10, 0, lo(7), SOCKADDR_IN_SIZE);
      const buf = new Uint8Array(10);
      const msg: S.MsgHdr = { msg_name: null, msg_namelen: 0, msg_iov: [{ iov_base: buf, iov_len: 10 }], msg_flags: 0 };
      got.push(await S.recvmsg(r, msg, 0), msg.msg_flags, buf[0]);
      got.push(await S.recv(r, buf, 10, S.MSG_TRUNC));
      got.push(await S.recv(r, buf, 10, S.MSG_OOB), errno());
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([10, S.MSG_TRUNC, 0x45, 38, -1, EOPNOTSUPP]);
  });

  it("reports an ICMP error to a connected raw socket, or one with IP_RECVERR, before its queued packets", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      /* a UDP header to port 9 (no checksum) and one byte */
      const udp = new Uint8Array([0x12, 0x34, 0, 9, 0, 9, 0, 0, 0x78]);
      const quiet = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const conn = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const recverr = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      await setint(recverr, SOL_IP, IN.IP_RECVERR, 1);
      await S.connect(conn, lo(), SOCKADDR_IN_SIZE);
      got.push((await S.send(conn, udp, udp.length, 0)) < 0 ? -errno() : 0);
      got.push(await recv_packet(conn), await recv_packet(recverr));
      const own = await recv_packet(conn);
      got.push(typeof own === "number" ? own : own.bytes.length);
      const q = await recv_packet(quiet);
      got.push(typeof q === "number" ? q : q.bytes.length);
      got.push((await S.send(quiet, udp, udp.length, 0)) < 0 ? -errno() : 0);
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([0, -ECONNREFUSED, -ECONNREFUSED, 29, 29, -EDESTADDRREQ]);
  });
});

describe("bind (raw_bind)", () => {
  it("takes a local address only: -EADDRNOTAVAIL for another host's, -EINVAL when short or connected", async () => {
    const k = boot();
    const got: number[] = [];
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      const b = async (a: Uint8Array, len = SOCKADDR_IN_SIZE): Promise<number> => ((await S.bind(r, a, len)) < 0 ? -errno() : 0);
      got.push(await b(make_sockaddr_in(S.AF_INET, 0, 0x0a000001)), await b(lo(), 8), await b(make_sockaddr_in(S.AF_INET, 99, 0x7f000002)));
      await S.connect(r, lo(), SOCKADDR_IN_SIZE);
      got.push(await b(lo()));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([-EADDRNOTAVAIL, -EINVAL, 0, -EINVAL]);
  });
});

describe("sending", () => {
  it("builds the IP header with the socket's protocol; an ICMP socket needs the type and code (-EFAULT); another family is -EAFNOSUPPORT, said once", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, 200);
      await S.sendto(r, enc.encode("payload"), 7, 0, lo(), SOCKADDR_IN_SIZE);
      got.push(await recv_packet(r));
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      got.push((await S.sendto(icmp, new Uint8Array(1), 1, 0, lo(), SOCKADDR_IN_SIZE)) < 0 ? -errno() : 0);
      for (let i = 0; i < 2; i++) got.push((await S.sendto(r, new Uint8Array(1), 1, 0, make_sockaddr_in(7, 0, INADDR_LOOPBACK), SOCKADDR_IN_SIZE)) < 0 ? -errno() : 0);
      return 0;
    });
    const run1 = await run(k, ["/bin/t"]);
    const p = (got[0] as Got).bytes;
    expect(p.length).toBe(27);
    expect([p[0], p[1], u16(p, 6), p[8], p[9]]).toEqual([0x45, 0, 0x4000, 64, 200]);
    expect(got.slice(1)).toEqual([-EFAULT, -EAFNOSUPPORT, -EAFNOSUPPORT]);
    expect(run1.console).toBe("raw_sendmsg: t forgot to set AF_INET. Fix it!\n");
  });

  it("IP_HDRINCL: fills in the length, checksum, a zero source and a zero ID (which stays 0 with DF)", async () => {
    const k = boot();
    const got: (Got | number)[] = [];
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, 200);
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      got.push(await setint(icmp, SOL_IP, IN.IP_HDRINCL, 1));
      const send = async (p: Uint8Array): Promise<number> => ((await S.sendto(icmp, p, p.length, 0, lo(), SOCKADDR_IN_SIZE)) < 0 ? -errno() : 0);
      got.push(await send(iphdr({ tos: 0x12, ttl: 7, df: true, protocol: 200 }, enc.encode("abc"))), await recv_packet(r));
      got.push(await send(iphdr({ protocol: 200, id: 0x1234, saddr: 0x7f000009 }, new Uint8Array(0))), await recv_packet(r));
      got.push(await send(iphdr({ protocol: 200 }, new Uint8Array(0))), await recv_packet(r));
      got.push(await send(new Uint8Array(19)));
      const bad = iphdr({ protocol: 200 }, new Uint8Array(20));
      bad[0] = 0x4f;
      got.push(await send(bad));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got[0]).toBe(0);
    const a = (got[2] as Got).bytes;
    expect([a[1], u16(a, 2), u16(a, 4), u16(a, 6), a[8], a[9], u16(a, 12), u16(a, 14)]).toEqual([0x12, 23, 0, 0x4000, 7, 200, 0x7f00, 0x0001]);
    expect(ip_fast_csum(a.subarray(0, 20))).toBe(0);
    const b = (got[4] as Got).bytes;
    expect([u16(b, 4), (got[4] as Got).addr]).toEqual([0x1234, 0x7f000009]);
    expect(u16((got[6] as Got).bytes, 4)).not.toBe(0);
    expect(got.slice(7)).toEqual([-EINVAL, -EINVAL]);
    expect((await sh(k, "grep '^Ip: [0-9]' /proc/net/snmp")).stdout).toBe("Ip: 2 64 3 0 0 0 0 0 3 3 1 0 0 0 0 0 0 0 0\n");
  });
});

describe("SOL_IP options (ip_sockglue.c)", () => {
  it("IP_TTL, IP_TOS and IP_RECVERR round trip, show in the packets, and refuse bad values", async () => {
    const k = boot();
    const got: (number | number[])[] = [];
    let pkt: Got | number = 0;
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      got.push(await getint(u, SOL_IP, IN.IP_TTL), await setint(u, SOL_IP, IN.IP_TTL, 0), await setint(u, SOL_IP, IN.IP_TTL, 256), await setint(u, SOL_IP, IN.IP_TTL, 5, 0));
      got.push(await setint(u, SOL_IP, IN.IP_TTL, 5, 1), await setint(u, SOL_IP, IN.IP_TOS, 0x10), await getint(u, SOL_IP, IN.IP_TOS), await getint(u, S.SOL_SOCKET, S.SO_PRIORITY));
      await S.sendto(u, enc.encode("t"), 1, 0, lo(9), SOCKADDR_IN_SIZE);
      pkt = await recv_packet(r);
      got.push(await getint(u, SOL_IP, IN.IP_TTL), await setint(u, SOL_IP, IN.IP_TTL, -1), await getint(u, SOL_IP, IN.IP_TTL));
      got.push(await getint(r, SOL_IP, IN.IP_RECVERR), await setint(r, SOL_IP, IN.IP_RECVERR, 7), await getint(r, SOL_IP, IN.IP_RECVERR));
      got.push(await setint(u, SOL_IP, IN.IP_HDRINCL, 1), await setint(r, SOL_IP, IN.IP_HDRINCL, 1), await getint(r, SOL_IP, IN.IP_HDRINCL));
      return 0;
    });
    await run(k, ["/bin/t"]);
    const p = (pkt as unknown as Got).bytes;
    expect([p[1], p[8]]).toEqual([0x10, 5]);
    expect(got).toEqual([[64, 4], -EINVAL, -EINVAL, -EINVAL, 0, 0, [16, 4], [6, 4], [5, 4], 0, [64, 4], [0, 4], 0, [1, 4], -ENOPROTOOPT, 0, [1, 4]]);
  });

  it("getsockopt: one byte for a small value asked in fewer than 4; -EINVAL for a negative length", async () => {
    const k = boot();
    const got: number[][] = [];
    install(k, "/bin/t", async () => {
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.connect(u, lo(9), SOCKADDR_IN_SIZE);
      for (const len of [8, 4, 3, 1, 0, -1]) got.push(await getint(u, SOL_IP, IN.IP_TTL, len));
      got.push(await getint(u, SOL_IP, IN.IP_MTU, 2), await getint(u, SOL_IP, IN.IP_MTU));
      const v = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      got.push(await getint(v, SOL_IP, IN.IP_MTU), await getint(v, SOL_IP, IN.IP_OPTIONS), await getint(v, 6, 1));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([[64, 4], [64, 4], [64, 1], [64, 1], [0, 0], [-EINVAL], [0, 2], [65536, 4], [-ENOTCONN], [0, 0], [-EOPNOTSUPP]]);
  });

  it("the byte-sized defaults and flags: IP_MULTICAST_TTL 1, IP_MULTICAST_LOOP 1, IP_PKTINFO and IP_RECVTTL off until set", async () => {
    const k = boot();
    const got: (number | number[])[] = [];
    install(k, "/bin/t", async () => {
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      got.push(await getint(u, SOL_IP, IN.IP_MULTICAST_TTL), await getint(u, SOL_IP, IN.IP_MULTICAST_LOOP), await getint(u, SOL_IP, IN.IP_PKTINFO), await getint(u, SOL_IP, IN.IP_RECVTTL));
      got.push(await setint(u, SOL_IP, IN.IP_PKTINFO, 1), await setint(u, SOL_IP, IN.IP_RECVTTL, 9), await getint(u, SOL_IP, IN.IP_PKTINFO), await getint(u, SOL_IP, IN.IP_RECVTTL), await getint(u, SOL_IP, IN.IP_RECVTOS));
      got.push(await setint(u, SOL_IP, IN.IP_MULTICAST_TTL, -1), await getint(u, SOL_IP, IN.IP_MULTICAST_TTL), await setint(u, SOL_IP, IN.IP_MULTICAST_TTL, 256), await setint(u, SOL_IP, IN.IP_MULTICAST_LOOP, 0, 0));
      got.push(await setint(u, SOL_IP, IN.IP_MTU_DISCOVER, 6), await setint(u, SOL_IP, IN.IP_OPTIONS, 0, 0), await setint(u, SOL_IP, IN.IP_OPTIONS, 0, 41));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual([[1, 4], [1, 4], [0, 4], [0, 4], 0, 0, [1, 4], [1, 4], [0, 4], 0, [1, 4], -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL]);
  });

  it("IP_ROUTER_ALERT joins and leaves the chain of raw sockets (not IPPROTO_RAW); IP_UNICAST_IF takes an ifindex in network order", async () => {
    const k = boot();
    const got: (number | number[])[] = [];
    install(k, "/bin/t", async () => {
      const icmp = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      const raw = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_RAW);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      for (const v of [1, 1, 0, 0]) got.push(await setint(icmp, SOL_IP, IN.IP_ROUTER_ALERT, v));
      got.push(await setint(raw, SOL_IP, IN.IP_ROUTER_ALERT, 1), await setint(u, SOL_IP, IN.IP_ROUTER_ALERT, 1), await setint(icmp, SOL_IP, IN.IP_ROUTER_ALERT, 1));
      got.push(await setint(u, SOL_IP, IN.IP_UNICAST_IF, IN.htonl(1)), await getint(u, SOL_IP, IN.IP_UNICAST_IF), await setint(u, SOL_IP, IN.IP_UNICAST_IF, IN.htonl(7)), await setint(u, SOL_IP, IN.IP_UNICAST_IF, 0, 1));
      await pause();
      return 0;
    });
    const r = await sh(k, "/bin/t & sleep 1; grep -c ' 1: .* 3 ' /proc/net/raw; kill $!; wait; cat /proc/net/raw");
    expect(got).toEqual([0, -EADDRINUSE, 0, -ENOBUFS, -EINVAL, -EINVAL, 0, 0, [16777216, 4], -EADDRNOTAVAIL, -EINVAL]);
    expect(r.stdout).toBe("1\n  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
  });

  it("IP_MTU_DISCOVER decides DF and the ID: _DONT sends without DF, _DO unconnected with DF and ID 0", async () => {
    const k = boot();
    const got: Got[] = [];
    install(k, "/bin/t", async () => {
      const r = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      for (const mode of [IN.IP_PMTUDISC_DONT, IN.IP_PMTUDISC_DO]) {
        await setint(u, SOL_IP, IN.IP_MTU_DISCOVER, mode);
        await S.sendto(u, enc.encode("m"), 1, 0, lo(9), SOCKADDR_IN_SIZE);
        got.push((await recv_packet(r)) as Got);
      }
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(u16(got[0].bytes, 6)).toBe(0);
    expect(u16(got[0].bytes, 4)).not.toBe(0);
    expect([u16(got[1].bytes, 6), u16(got[1].bytes, 4)]).toEqual([0x4000, 0]);
  });
});

describe("/proc/net/raw and /proc/net/protocols (raw_seq_show, proto_seq_show)", () => {
  it("lists hashed sockets by bucket (the protocol) in 5.15's unpadded columns; RAW counts them", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      await S.bind(a, lo(), SOCKADDR_IN_SIZE);
      const b = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_UDP);
      await S.connect(b, lo(), SOCKADDR_IN_SIZE);
      const u = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.sendto(u, enc.encode("q"), 1, 0, lo(9), SOCKADDR_IN_SIZE);
      await pause();
      return 0;
    });
    const r = await sh(k, "/bin/t & sleep 1; cat /proc/net/raw; grep RAW /proc/net/protocols; kill $!; wait; cat /proc/net/raw; grep RAW /proc/net/protocols");
    const ino = /\n {3}1: .* (\d+) 2 /.exec(r.stdout)![1];
    const ino2 = Number(ino) + 1;
    /* the pointer column is a hashed %pK: 8 lowercase hex digits, different for each sock */
    const ptrs = [...r.stdout.matchAll(/ 2 ([0-9a-f]{8}) 0\n/g)].map((m) => m[1]);
    expect(ptrs).toHaveLength(2);
    expect(ptrs[0]).not.toBe(ptrs[1]);
    const kptr = (i: number): string => ptrs[i - Number(ino)];
    expect(r.stdout).toBe(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
        `   1: 0100007F:0001 00000000:0000 07 00000000:00000300 00:00000000 00000000     0        0 ${ino} 2 ${kptr(Number(ino))} 0\n` +
        `  17: 0100007F:0011 0100007F:0000 01 00000000:00000300 00:00000000 00000000     0        0 ${ino2} 2 ${kptr(ino2)} 0\n` +
        "RAW        696      2      -1   NI       0   yes  kernel      y  y  y  n  y  y  y  n  y  y  y  y  n  y  y  y  y  n  n\n" +
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
        "RAW        696      0      -1   NI       0   yes  kernel      y  y  y  n  y  y  y  n  y  y  y  y  n  y  y  y  y  n  n\n",
    );
  });

  it("connect to AF_UNSPEC forgets the address and unhashes the socket (__udp_disconnect without bind locks)", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await S.socket(S.AF_INET, S.SOCK_RAW, IN.IPPROTO_ICMP);
      await S.bind(a, lo(), SOCKADDR_IN_SIZE);
      await S.connect(a, new Uint8Array(16), SOCKADDR_IN_SIZE);
      await pause();
      return 0;
    });
    const r = await sh(k, "/bin/t & sleep 1; cat /proc/net/raw; grep RAW /proc/net/protocols; kill $!");
    expect(r.stdout).toBe(
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
        "RAW        696      0      -1   NI       0   yes  kernel      y  y  y  n  y  y  y  n  y  y  y  y  n  y  y  y  y  n  n\n",
    );
  });
});
