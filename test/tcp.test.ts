// TCP over loopback (kernel-net-facts §6; net/ipv4/tcp*.c of 5.15): the handshake's bytes, closing
// (simultaneous, half-close, TIME_WAIT), resets, the listen backlog, windows and a 1 MiB transfer,
// /proc/net/tcp and the Tcp: counters. Programs run on the virtual clock; packets are captured
// with a tap on lo (what tcpdump -i lo would see), and held or dropped with an egress hook.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import * as S from "../src/user/libc/socket.js";
import { INADDR_ANY, INADDR_LOOPBACK, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE } from "../src/user/libc/inet.js";
import { close, fork_fn, nanosleep, open, poll, read, signal, waitpid, write } from "../src/user/libc/unistd.js";
import { printf } from "../src/user/libc/stdio.js";
import { libc } from "../src/user/libc/state.js";
import { strerror } from "../src/user/libc/strerror.js";
import { dev_add_pack, net_state } from "../src/net/core/dev.js";
import { ETH_P_ALL } from "../src/include/uapi/if_ether.js";
import { PACKET_OUTGOING } from "../src/include/uapi/if_packet.js";
import type { SkBuff } from "../src/net/core/skbuff.js";
import type { Kernel } from "../src/kernel/kernel.js";
import { csum_partial, csum_tcpudp_magic, ip_fast_csum } from "../src/lib/checksum.js";
import { POLLIN, POLLOUT, POLLHUP, POLLRDHUP, POLLERR } from "../src/fs/select.js";
import { SIGPIPE } from "../src/include/uapi/signal.js";
import { SOL_TCP, TCP_INFO, TCP_MAXSEG, TCP_NODELAY } from "../src/include/uapi/tcp.js";
import { dev_queue_xmit } from "../src/net/core/dev.js";
import { kernel_accept, kernel_bind, kernel_connect, kernel_getpeername, kernel_getsockname, kernel_listen, kernel_msghdr, kernel_recvmsg, kernel_sendmsg, kernel_sock_shutdown, sock_create_kern, sock_release } from "../src/net/kernel_socket.js";
import type { Socket } from "../src/net/socket.js";
import { IPPROTO_TCP } from "../src/include/uapi/in.js";
import { O_NONBLOCK } from "../src/include/uapi/fcntl.js";

const lo = (port: number): Uint8Array => make_sockaddr_in(S.AF_INET, port, INADDR_LOOPBACK);
const any = (port: number): Uint8Array => make_sockaddr_in(S.AF_INET, port, INADDR_ANY);
const err = (): string => strerror(libc().errno);
const int = (v: number): Uint8Array => new Uint8Array(new Int32Array([v]).buffer);
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A captured IPv4/TCP packet, decoded. */
interface Seg {
  id: number;
  df: boolean;
  ttl: number;
  tos: number;
  totlen: number;
  sport: number;
  dport: number;
  seq: number;
  ack: number;
  doff: number;
  flags: number;
  win: number;
  opts: string;
  len: number;
  payload: string;
  /** Both checksums verify. */
  csum_ok: boolean;
  at_ms: number;
}

function decode(d: Uint8Array, at_ms: number): Seg {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const ihl = (d[0] & 0xf) * 4;
  const t = d.subarray(ihl);
  const tv = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const doff = t[12] >> 4;
  const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
  return {
    id: dv.getUint16(4),
    df: (dv.getUint16(6) & 0x4000) !== 0,
    ttl: d[8],
    tos: d[1],
    totlen: dv.getUint16(2),
    sport: tv.getUint16(0),
    dport: tv.getUint16(2),
    seq: tv.getUint32(4),
    ack: tv.getUint32(8),
    doff,
    flags: t[13],
    win: tv.getUint16(14),
    opts: hex(t.subarray(20, doff * 4)),
    len: t.length - doff * 4,
    payload: dec.decode(t.subarray(doff * 4)),
    csum_ok: ip_fast_csum(d.subarray(0, ihl)) === 0 && csum_tcpudp_magic(dv.getUint32(12), dv.getUint32(16), t.length, 6, csum_partial(t)) === 0,
    at_ms,
  };
}

/** Record every TCP packet lo sends (tcpdump -i lo). */
function capture(k: Kernel): Seg[] {
  const segs: Seg[] = [];
  dev_add_pack({ type: ETH_P_ALL, dev: null, func: (skb: SkBuff) => {
    if (skb.pkt_type === PACKET_OUTGOING && skb.data[9] === 6) segs.push(decode(skb.data.slice(), k.clock.now() / 1e6));
  } }, k);
  return segs;
}

/** tcpdump's flag letters. */
function flags(f: number): string {
  let s = "";
  if (f & 0x02) s += "S";
  if (f & 0x01) s += "F";
  if (f & 0x08) s += "P";
  if (f & 0x04) s += "R";
  if (f & 0x10) s += ".";
  return `[${s}]`;
}

async function tcp_socket(): Promise<number> {
  return S.socket(S.AF_INET, S.SOCK_STREAM, 0);
}

async function listener(port: number, backlog = 5): Promise<number> {
  const fd = await tcp_socket();
  if ((await S.bind(fd, any(port), SOCKADDR_IN_SIZE)) < 0) printf("bind %d: %s\n", port, err());
  if ((await S.listen(fd, backlog)) < 0) printf("listen: %s\n", err());
  return fd;
}

async function connected(port: number): Promise<number> {
  const fd = await tcp_socket();
  if ((await S.connect(fd, lo(port), SOCKADDR_IN_SIZE)) < 0) printf("connect %d: %s\n", port, err());
  return fd;
}

function local_port(fd: number): number {
  const a = new Uint8Array(16);
  S.getsockname(fd, a, { value: 16 });
  return parse_sockaddr_in(a).port;
}

async function getint(fd: number, level: number, name: number): Promise<number> {
  const v = new Uint8Array(4);
  if ((await S.getsockopt(fd, level, name, v, { value: 4 })) < 0) return -libc().errno;
  return new DataView(v.buffer).getInt32(0, true);
}

describe("the three-way handshake on lo (kernel-net-facts §6.2)", () => {
  it("sends 5.15's SYN, SYN-ACK and ACK byte for byte, with valid checksums", async () => {
    const k = boot();
    const segs = capture(k);
    let cport = 0;
    install(k, "/bin/t", async () => {
      const l = await listener(1234);
      const c = await connected(1234);
      cport = local_port(c);
      const a = await S.accept(l, null, null);
      await write(c, enc.encode("hello\n"), 6);
      const buf = new Uint8Array(16);
      printf("%d\n", await read(a, buf, 16));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("6\n");
    const [syn, synack, ack, data, dack] = segs;
    // SYN: even ephemeral port, IP ID from the socket, DF, TTL 64, 60 bytes, options mss 65495,
    // SACK_PERM+TS (ecr 0), NOP+WS 7, window 65495.
    expect(cport % 2).toBe(0);
    expect(cport).toBeGreaterThanOrEqual(32768);
    expect([syn.sport, syn.dport, flags(syn.flags), syn.totlen, syn.doff, syn.win, syn.df, syn.ttl, syn.tos, syn.ack]).toEqual([cport, 1234, "[S]", 60, 10, 65495, true, 64, 0, 0]);
    const tsval = syn.opts.slice(16, 24);
    expect(syn.opts).toBe(`0204ffd70402080a${tsval}0000000001030307`);
    // SYN-ACK: IP ID 0, ack ISN+1, window 65483 (the MSS less the timestamp option), echoes TS.
    expect([synack.id, synack.df, flags(synack.flags), synack.ack, synack.win, synack.totlen]).toEqual([0, true, "[S.]", (syn.seq + 1) >>> 0, 65483, 60]);
    expect(synack.opts).toBe(`0204ffd70402080a${synack.opts.slice(16, 24)}${tsval}01030307`);
    // ACK: the next IP ID, window 512 (65536 >> 7), NOP NOP TS: a 32-byte header.
    expect([ack.id, flags(ack.flags), ack.seq, ack.ack, ack.win, ack.doff, ack.totlen]).toEqual([(syn.id + 1) & 0xffff, "[.]", (syn.seq + 1) >>> 0, (synack.seq + 1) >>> 0, 512, 8, 52]);
    expect(ack.opts).toMatch(/^0101080a[0-9a-f]{8}[0-9a-f]{8}$/);
    // Data with PSH, acknowledged at once (quick-ack mode at the start of a connection).
    expect([flags(data.flags), data.len, data.payload, data.doff, data.id]).toEqual(["[P.]", 6, "hello\n", 8, (syn.id + 2) & 0xffff]);
    expect([flags(dack.flags), dack.ack, dack.win]).toEqual(["[.]", (data.seq + 6) >>> 0, 512]);
    expect(segs.every((s) => s.csum_ok)).toBe(true);
  });

  it("starts from the kernel's seeded random: the same ISN, ports and IDs on every boot", async () => {
    const isns: string[] = [];
    for (let i = 0; i < 2; i++) {
      const k = boot();
      const segs = capture(k);
      install(k, "/bin/t", async () => {
        await listener(80);
        await connected(80);
        return 0;
      });
      await run(k, ["/bin/t"]);
      isns.push(segs.slice(0, 3).map((s) => `${s.sport} ${s.seq} ${s.id} ${s.opts}`).join("|"));
    }
    expect(isns[0]).toBe(isns[1]);
  });
});

describe("resets", () => {
  it("answers a SYN to a closed port with [R.] seq 0 ack ISN+1 window 0; connect() fails with ECONNREFUSED", async () => {
    const k = boot();
    const segs = capture(k);
    install(k, "/bin/t", async () => {
      const c = await tcp_socket();
      printf("connect %d %s\n", await S.connect(c, lo(9), SOCKADDR_IN_SIZE), err());
      printf("again %d %s\n", await S.connect(c, lo(9), SOCKADDR_IN_SIZE), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("connect -1 Connection refused\nagain -1 Connection refused\n");
    const [syn, rst] = segs;
    expect([flags(rst.flags), rst.seq, rst.ack, rst.win, rst.doff, rst.id, rst.df, rst.totlen, rst.sport, rst.dport]).toEqual(["[R.]", 0, (syn.seq + 1) >>> 0, 0, 5, 0, true, 40, 9, syn.sport]);
    expect(rst.csum_ok).toBe(true);
    // lo counts each segment twice: sent (OutSegs) and received (InSegs)
    expect((await sh(k, "grep '^Tcp: [0-9]' /proc/net/snmp")).stdout).toBe("Tcp: 1 200 120000 -1 2 0 2 0 0 4 4 0 0 2 0\n");
  });

  it("resets data sent to a socket that closed: ECONNRESET, then EPIPE; a write after the peer's FIN and RST gets EPIPE and SIGPIPE", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(7000);
      const c = await connected(7000);
      const a = await S.accept(l, null, null);
      // the server closes with unread data: RST, not FIN
      await write(c, enc.encode("unread"), 6);
      close(a);
      printf("recv %d %s\n", await S.recv(c, new Uint8Array(8), 8, 0), err());
      printf("send %d %s\n", await S.send(c, enc.encode("x"), 1, S.MSG_NOSIGNAL), err());
      // a clean close by the server, then the client writes twice
      const c2 = await connected(7000);
      const a2 = await S.accept(l, null, null);
      close(a2);
      printf("eof %d\n", await read(c2, new Uint8Array(8), 8));
      printf("write %d\n", await write(c2, enc.encode("late"), 4));
      signal(SIGPIPE, () => printf("SIGPIPE\n"));
      printf("write %d %s\n", await write(c2, enc.encode("late"), 4), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("recv -1 Connection reset by peer\nsend -1 Broken pipe\neof 0\nwrite 4\nSIGPIPE\nwrite -1 Broken pipe\n");
  });

  it("aborts with RST on close when SO_LINGER has a zero time", async () => {
    const k = boot();
    const segs = capture(k);
    install(k, "/bin/t", async () => {
      const l = await listener(7001);
      const c = await connected(7001);
      const a = await S.accept(l, null, null);
      const linger = new Uint8Array(8);
      new DataView(linger.buffer).setInt32(0, 1, true);
      await S.setsockopt(c, S.SOL_SOCKET, S.SO_LINGER, linger, 8);
      close(c);
      printf("read %d %s\n", await read(a, new Uint8Array(8), 8), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("read -1 Connection reset by peer\n");
    const rst = segs[segs.length - 1];
    expect([flags(rst.flags), rst.doff]).toEqual(["[R.]", 8]);
    expect((await sh(k, "cat /proc/net/tcp")).stdout.split("\n").length).toBe(2);
  });
});

describe("closing", () => {
  it("half-closes: after shutdown(SHUT_WR) the peer reads EOF and can still send", async () => {
    const k = boot();
    const segs = capture(k);
    install(k, "/bin/t", async () => {
      const l = await listener(7002);
      const c = await connected(7002);
      const a = await S.accept(l, null, null);
      await write(c, enc.encode("question"), 8);
      printf("shutdown %d\n", await S.shutdown(c, S.SHUT_WR));
      const buf = new Uint8Array(32);
      printf("server read %d, then %d\n", await read(a, buf, 32), await read(a, buf, 32));
      printf("client write after shutdown %d %s\n", await S.send(c, enc.encode("x"), 1, S.MSG_NOSIGNAL), err());
      await write(a, enc.encode("answer"), 6);
      close(a);
      const n = await read(c, buf, 32);
      printf("client read %d %s, then %d\n", n, dec.decode(buf.subarray(0, n)), await read(c, buf, 32));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("shutdown 0\nserver read 8, then 0\nclient write after shutdown -1 Broken pipe\nclient read 6 answer, then 0\n");
    expect(segs.map((s) => `${s.sport === 7002 ? "S" : "C"}${flags(s.flags)}`).join(" ")).toBe("C[S] S[S.] C[.] C[P.] S[.] C[F.] S[P.] C[.] S[F.] C[.]");
  });

  it("closes simultaneously: both FINs cross, both sides go FIN_WAIT1, CLOSING, TIME_WAIT", async () => {
    const k = boot();
    const segs = capture(k);
    const held: SkBuff[] = [];
    const pass = new Set<SkBuff>();
    let holding = false;
    net_state(k).egress.push((skb) => {
      if (!holding || pass.has(skb)) return true;
      held.push(skb);
      return false;
    });
    const release = (skb: SkBuff): void => {
      pass.add(skb);
      dev_queue_xmit(skb);
    };
    const states: string[] = [];
    const st = async (): Promise<string> =>
      (await import("../src/net/ipv4/tcp_ipv4.js")).proc_net_tcp(k).split("\n").slice(1).filter(Boolean).map((l) => l.split(/\s+/)[4]).join(",");
    install(k, "/bin/t", async () => {
      const l = await listener(7003);
      const c = await connected(7003);
      const a = await S.accept(l, null, null);
      close(l);
      holding = true;
      await S.shutdown(c, S.SHUT_WR);
      await S.shutdown(a, S.SHUT_WR);
      states.push(await st());
      /* both FINs arrive; the ACKs they draw are held in turn */
      for (const fin of held.splice(0)) release(fin);
      states.push(await st());
      holding = false;
      for (const ack of held.splice(0)) release(ack);
      states.push(await st());
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(states).toEqual(["04,04", "0B,0B", "06,06"]);
    expect(segs.slice(3).map((s) => `${s.sport === 7003 ? "S" : "C"}${flags(s.flags)}`).join(" ")).toBe("C[F.] S[F.] S[.] C[.]");
  });

  it("keeps TIME_WAIT for 60 s; a port in TIME_WAIT binds only when both set SO_REUSEADDR", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await tcp_socket();
      await S.setsockopt(l, S.SOL_SOCKET, S.SO_REUSEADDR, int(1), 4);
      await S.bind(l, any(7004), SOCKADDR_IN_SIZE);
      await S.listen(l, 1);
      const c = await connected(7004);
      const a = await S.accept(l, null, null);
      close(a);
      close(c);
      close(l);
      const again = await tcp_socket();
      printf("bind %d %s\n", await S.bind(again, any(7004), SOCKADDR_IN_SIZE), err());
      await S.setsockopt(again, S.SOL_SOCKET, S.SO_REUSEADDR, int(1), 4);
      printf("bind with SO_REUSEADDR %d\n", await S.bind(again, any(7004), SOCKADDR_IN_SIZE));
      printf("listen %d\n", await S.listen(again, 1));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("bind -1 Address already in use\nbind with SO_REUSEADDR 0\nlisten 0\n");
    const t0 = k.clock.now();
    const lines = (await sh(k, "cat /proc/net/tcp")).stdout.split("\n");
    expect(lines[1]).toMatch(/^ {3}0: 0100007F:1B5C 0100007F:[0-9A-F]{4} 06 00000000:00000000 03:00001770 00000000     0        0 0 3 [0-9a-f]{8} +$/);
    await sh(k, "sleep 61");
    expect(k.clock.now() - t0).toBeGreaterThan(60e9);
    expect((await sh(k, "cat /proc/net/tcp")).stdout.split("\n").length).toBe(2);
  });
});

describe("the listen backlog (kernel-net-facts §6.4)", () => {
  it("queues backlog + 1 connections; the next SYN is dropped and retransmitted after 1 s, and connects once accept() makes room", async () => {
    const k = boot();
    const segs = capture(k);
    install(k, "/bin/t", async () => {
      const l = await listener(7005, 1);
      await connected(7005);
      await connected(7005);
      const c3 = await S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_NONBLOCK, 0);
      printf("third %d %s\n", await S.connect(c3, lo(7005), SOCKADDR_IN_SIZE), err());
      const fds = [{ fd: c3, events: POLLOUT, revents: 0 }];
      printf("poll %d\n", await poll(fds, 500));
      printf("accept %d\n", (await S.accept(l, null, null)) > 0 ? 1 : 0);
      printf("poll %d revents %x\n", await poll(fds, 5000), fds[0].revents);
      printf("SO_ERROR %d\n", await getint(c3, S.SOL_SOCKET, S.SO_ERROR));
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    expect(r.stdout).toBe("third -1 Operation now in progress\npoll 0\naccept 1\npoll 1 revents 4\nSO_ERROR 0\n");
    const syns = segs.filter((s) => s.flags === 0x02);
    expect(syns.length).toBe(4);
    expect(syns[3].seq).toBe(syns[2].seq);
    expect(syns[3].at_ms - syns[2].at_ms).toBeCloseTo(1000, -1);
    // ActiveOpens 3, PassiveOpens 3, RetransSegs 1; the exit closes the listener, which resets the
    // connection it still held, and that connection's client: EstabResets 4, OutRsts 2.
    expect((await sh(k, "grep '^Tcp: [0-9]' /proc/net/snmp")).stdout).toMatch(/^Tcp: 1 200 120000 -1 3 3 0 4 0 \d+ \d+ 1 0 2 0\n$/);
  });

  it("accept() blocks until a connection comes, returns EAGAIN when non-blocking, and honours SO_RCVTIMEO", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(7006);
      printf("nonblock %d %s\n", await S.accept4(l, null, null, S.SOCK_NONBLOCK), err());
      const l2 = await S.socket(S.AF_INET, S.SOCK_STREAM | S.SOCK_NONBLOCK, 0);
      await S.bind(l2, any(7007), 16);
      await S.listen(l2, 1);
      printf("O_NONBLOCK %d %s\n", await S.accept(l2, null, null), err());
      const tv = new Uint8Array(8);
      new DataView(tv.buffer).setInt32(0, 2, true);
      await S.setsockopt(l, S.SOL_SOCKET, S.SO_RCVTIMEO, tv, 8);
      printf("timeout %d %s\n", await S.accept(l, null, null), err());
      const pid = fork_fn(async () => {
        await nanosleep(1e9);
        await connected(7006);
        await nanosleep(1e9);
        return 0;
      });
      const peer = new Uint8Array(16);
      const len = { value: 16 };
      const a = await S.accept(l, peer, len);
      printf("blocking %d from %s len %d\n", a > 0 ? 1 : 0, parse_sockaddr_in(peer).addr === INADDR_LOOPBACK ? "127.0.0.1" : "?", len.value);
      await waitpid(pid);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("nonblock -1 Resource temporarily unavailable\nO_NONBLOCK -1 Resource temporarily unavailable\ntimeout -1 Resource temporarily unavailable\nblocking 1 from 127.0.0.1 len 16\n");
  });
});

describe("data", () => {
  it("moves 1 MiB byte for byte through a 4 KiB receive buffer; a reader that waits gets a zero window, probed with backoff", async () => {
    const k = boot();
    const segs = capture(k);
    const size = 1 << 20;
    const pattern = (i: number): number => (i * 7 + (i >> 8)) & 0xff;
    install(k, "/bin/t", async () => {
      const l = await tcp_socket();
      await S.setsockopt(l, S.SOL_SOCKET, S.SO_RCVBUF, int(4096), 4);
      await S.bind(l, any(7010), 16);
      await S.listen(l, 1);
      const pid = fork_fn(async () => {
        const c = await connected(7010);
        const data = new Uint8Array(size);
        for (let i = 0; i < size; i++) data[i] = pattern(i);
        const n = await write(c, data, size);
        printf("wrote %d\n", n);
        close(c);
        return 0;
      });
      const a = await S.accept(l, null, null);
      printf("rcvbuf %d\n", await getint(a, S.SOL_SOCKET, S.SO_RCVBUF));
      await nanosleep(1e9);
      const buf = new Uint8Array(3000);
      let total = 0;
      let bad = -1;
      for (;;) {
        const n = await read(a, buf, buf.length);
        if (n <= 0) break;
        for (let i = 0; i < n; i++) if (buf[i] !== pattern(total + i) && bad < 0) bad = total + i;
        total += n;
      }
      await waitpid(pid);
      printf("read %d, first difference %d\n", total, bad);
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    /* the client's send buffer (2.5 MiB once connected) takes it all at once */
    expect(r.stdout).toBe("wrote 1048576\nrcvbuf 8192\nread 1048576, first difference -1\n");
    // SO_RCVBUF 4096 doubles to 8192: a 4096-byte window, no window scaling (the clamp is too
    // small for one), segments of half the largest window the peer offered
    const synack = segs.find((s) => s.flags === 0x12)!;
    expect([synack.win, synack.opts.slice(-8)]).toEqual([4096, "01030300"]);
    const toServer = segs.filter((s) => s.dport === 7010 && s.len > 0);
    expect(Math.max(...toServer.map((s) => s.len))).toBe(2048);
    // while the reader sleeps: a zero window, and probes 200 ms, then 400 ms apart
    const zero = segs.find((s) => s.sport === 7010 && s.win === 0)!;
    const probes = segs.filter((s) => s.dport === 7010 && s.len === 0 && s.at_ms > zero.at_ms && s.at_ms < 2000);
    expect(probes.map((p) => Math.round(p.at_ms - zero.at_ms))).toEqual([210, 630]);
    expect(segs.every((s) => s.csum_ok)).toBe(true);
  });

  it("reads partially, peeks, waits for SO_RCVTIMEO, and returns EAGAIN with MSG_DONTWAIT", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(7011);
      const c = await connected(7011);
      const a = await S.accept(l, null, null);
      await write(c, enc.encode("abcdefgh"), 8);
      const b = new Uint8Array(3);
      printf("peek %d %s\n", await S.recv(a, b, 3, S.MSG_PEEK), dec.decode(b));
      printf("read %d %s\n", await read(a, b, 3), dec.decode(b));
      printf("read %d %s\n", await read(a, b, 3), dec.decode(b));
      const rest = new Uint8Array(8);
      printf("read %d %s\n", await read(a, rest, 8), dec.decode(rest.subarray(0, 2)));
      printf("dontwait %d %s\n", await S.recv(a, rest, 8, S.MSG_DONTWAIT), err());
      const tv = new Uint8Array(8);
      new DataView(tv.buffer).setInt32(0, 1, true);
      await S.setsockopt(a, S.SOL_SOCKET, S.SO_RCVTIMEO, tv, 8);
      printf("timeout %d %s\n", await read(a, rest, 8), err());
      await write(c, enc.encode("12345678"), 8);
      printf("waitall %d\n", await S.recv(a, rest, 8, S.MSG_WAITALL));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("peek 3 abc\nread 3 abc\nread 3 def\nread 2 gh\ndontwait -1 Resource temporarily unavailable\ntimeout -1 Resource temporarily unavailable\nwaitall 8\n");
  });

  it("fills the send buffer: a non-blocking write stops short, then EAGAIN; poll says when it is writable again", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await tcp_socket();
      await S.setsockopt(l, S.SOL_SOCKET, S.SO_RCVBUF, int(4096), 4);
      await S.bind(l, any(7012), 16);
      await S.listen(l, 1);
      const c = await connected(7012);
      const a = await S.accept(l, null, null);
      await S.setsockopt(c, S.SOL_SOCKET, S.SO_SNDBUF, int(8192), 4);
      const big = new Uint8Array(100000);
      let n = await S.send(c, big, big.length, S.MSG_DONTWAIT);
      printf("short %s\n", n > 0 && n < big.length ? "yes" : String(n));
      for (let m = n; m > 0; n += m) m = await S.send(c, big, big.length, S.MSG_DONTWAIT);
      printf("again %s\n", err());
      const fds = [{ fd: c, events: POLLOUT, revents: 0 }];
      printf("poll %d\n", await poll(fds, 0));
      const buf = new Uint8Array(65536);
      let got = 0;
      while (got < n) got += await read(a, buf, buf.length);
      printf("poll %d %x\n", await poll(fds, 0), fds[0].revents);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("short yes\nagain Resource temporarily unavailable\npoll 0\npoll 1 4\n");
  });

  it("interrupts a blocking read with a signal (EINTR)", async () => {
    const k = boot();
    install(k, "/bin/u", async () => {
      const l = await listener(7013);
      const c = await connected(7013);
      await S.accept(l, null, null);
      signal(14, () => {});
      printf("read %d %s\n", await read(c, new Uint8Array(4), 4), err());
      return 0;
    });
    expect((await sh(k, "/bin/u & sleep 1; kill -ALRM $!; wait")).stdout).toBe("read -1 Interrupted system call\n");
  });
});

describe("addresses, options and poll", () => {
  it("binds with the kernel's rules: EADDRINUSE, EINVAL twice, EACCES below 1024 for a user; getsockname/getpeername", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(7020);
      const x = await tcp_socket();
      printf("in use %d %s\n", await S.bind(x, any(7020), 16), err());
      printf("bound %d\n", await S.bind(x, any(7021), 16));
      printf("twice %d %s\n", await S.bind(x, any(7022), 16), err());
      const y = await tcp_socket();
      printf("low %d\n", await S.bind(y, any(80), 16));
      const c = await connected(7020);
      const a = await S.accept(l, null, null);
      const name = new Uint8Array(16);
      printf("peername %d\n", S.getpeername(a, name, { value: 16 }));
      printf("peer port matches %d\n", parse_sockaddr_in(name).port === local_port(c) ? 1 : 0);
      const z = await tcp_socket();
      printf("unconnected peer %d %s\n", S.getpeername(z, name, { value: 16 }), err());
      printf("listen on a connected socket %d %s\n", await S.listen(c, 1), err());
      printf("connect again %d %s\n", await S.connect(c, lo(7020), 16), err());
      return 0;
    });
    const root = (await run(k, ["/bin/t"])).stdout;
    expect(root).toBe(
      "in use -1 Address already in use\nbound 0\ntwice -1 Invalid argument\nlow 0\npeername 0\npeer port matches 1\nunconnected peer -1 Transport endpoint is not connected\nlisten on a connected socket -1 Invalid argument\nconnect again -1 Transport endpoint is already connected\n",
    );
    const k2 = boot();
    install(k2, "/bin/t", async () => {
      const y = await tcp_socket();
      printf("low %d %s\n", await S.bind(y, any(80), 16), err());
      return 0;
    });
    expect((await run(k2, ["/bin/t"], { cred: USER })).stdout).toBe("low -1 Permission denied\n");
  });

  it("has the socket-level and SOL_TCP options: buffers, TCP_NODELAY, TCP_MAXSEG, TCP_INFO", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const s = await tcp_socket();
      printf("fresh rcvbuf %d sndbuf %d maxseg %d nodelay %d\n", await getint(s, S.SOL_SOCKET, S.SO_RCVBUF), await getint(s, S.SOL_SOCKET, S.SO_SNDBUF), await getint(s, SOL_TCP, TCP_MAXSEG), await getint(s, SOL_TCP, TCP_NODELAY));
      await S.setsockopt(s, SOL_TCP, TCP_NODELAY, int(1), 4);
      printf("nodelay %d, maxseg 50 %d %s\n", await getint(s, SOL_TCP, TCP_NODELAY), await S.setsockopt(s, SOL_TCP, TCP_MAXSEG, int(50), 4), err());
      const l = await listener(7030);
      const c = await connected(7030);
      await S.accept(l, null, null);
      printf("connected sndbuf %d maxseg %d\n", await getint(c, S.SOL_SOCKET, S.SO_SNDBUF), await getint(c, SOL_TCP, TCP_MAXSEG));
      const info = new Uint8Array(232);
      const len = { value: 232 };
      await S.getsockopt(c, SOL_TCP, TCP_INFO, info, len);
      const dv = new DataView(info.buffer);
      printf("tcp_info len %d state %d options %d wscale %x rto %d snd_mss %d cwnd %d\n", len.value, info[0], info[5], info[6], dv.getUint32(8, true), dv.getUint32(16, true), dv.getUint32(80, true));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe(
      "fresh rcvbuf 131072 sndbuf 16384 maxseg 536 nodelay 0\nnodelay 1, maxseg 50 -1 Invalid argument\nconnected sndbuf 2625280 maxseg 32741\ntcp_info len 232 state 1 options 7 wscale 77 rto 200000 snd_mss 32741 cwnd 10\n",
    );
  });

  it("polls: a listener is readable with a connection queued; EOF is POLLIN|POLLRDHUP; a reset socket POLLERR|POLLHUP", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(7040);
      const lp = [{ fd: l, events: POLLIN, revents: 0 }];
      printf("listener %d\n", await poll(lp, 0));
      const c = await connected(7040);
      printf("listener %d %x\n", await poll(lp, 0), lp[0].revents);
      const a = await S.accept(l, null, null);
      const cp = [{ fd: c, events: POLLIN | POLLOUT | POLLRDHUP, revents: 0 }];
      await poll(cp, 0);
      printf("connected %x\n", cp[0].revents);
      await S.shutdown(a, S.SHUT_WR);
      await poll(cp, 0);
      printf("after FIN %x\n", cp[0].revents === (POLLIN | POLLOUT | POLLRDHUP) ? 1 : cp[0].revents);
      close(a);
      await write(c, enc.encode("x"), 1);
      await poll(cp, 0);
      printf("after RST %x\n", (cp[0].revents & (POLLERR | POLLHUP)) === (POLLERR | POLLHUP) ? 1 : cp[0].revents);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("listener 0\nlistener 1 1\nconnected 4\nafter FIN 1\nafter RST 1\n");
  });
});

describe("/proc/net/tcp and the Tcp: counters", () => {
  it("lists the listener first, then connections: ESTABLISHED, CLOSE_WAIT, TIME_WAIT, a child not yet accepted, an orphaned FIN_WAIT2", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(5000);
      const c1 = await connected(5000);
      const a1 = await S.accept(l, null, null);
      await write(c1, enc.encode("unread"), 6);
      const c2 = await connected(5000);
      const a2 = await S.accept(l, null, null);
      close(a2); /* c2: CLOSE_WAIT; a2: FIN_WAIT2 orphan (a TIME_WAIT sock of substate 05) */
      const c3 = await connected(5000);
      const a3 = await S.accept(l, null, null);
      close(c3);
      close(a3); /* c3: TIME_WAIT */
      await connected(5000); /* queued, not accepted */
      void a1;
      void c2;
      await nanosleep(1e9);
      const fd = await open("/proc/net/tcp", 0);
      const buf = new Uint8Array(4096);
      const n = await read(fd, buf, buf.length);
      libc().stdout.put(dec.decode(buf.subarray(0, n)));
      return 0;
    });
    const out = (await run(k, ["/bin/t"])).stdout;
    const row = (s: string): string => s.padEnd(149) + "\n";
    expect(out).toBe(
      row("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode") +
        // the listener: one connection waiting for accept(); rto 1 s, cwnd 10
        row("   0: 00000000:1388 00000000:0000 0A 00000000:00000001 00:00000000 00000000     0        0 1201 1 59cedd37 100 0 0 10 0") +
        // an open connection, the client side: RTO 200 ms after the handshake's RTT sample
        row("   1: 0100007F:BC08 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 1202 1 886d9bfc 20 0 0 10 -1") +
        // its accepted side with 6 bytes unread, ato 40 ms, 15 quick ACKs left
        row("   2: 0100007F:1388 0100007F:BC08 01 00000000:00000006 00:00000000 00000000     0        0 1203 1 7b8476f3 20 4 30 10 -1") +
        // the peer closed: CLOSE_WAIT with the unread FIN counted in rx_queue
        row("   3: 0100007F:BC0A 0100007F:1388 08 00000000:00000001 00:00000000 00000000     0        0 1204 1 bb78e7bf 20 4 0 10 -1") +
        // closed first: TIME_WAIT, timer 3, 59 s left, no inode, three references
        row("   4: 0100007F:BC0C 0100007F:1388 06 00000000:00000000 03:0000170C 00000000     0        0 0 3 933a49aa") +
        // a client whose connection waits in the accept queue, and that connection (no inode yet)
        row("   5: 0100007F:BC0E 0100007F:1388 01 00000000:00000000 00:00000000 00000000     0        0 1208 1 c5c0f658 20 0 0 10 -1") +
        row("   6: 0100007F:1388 0100007F:BC0E 01 00000000:00000000 00:00000000 00000000     0        0 0 1 62d6ee21 20 0 0 10 -1") +
        // the orphan that closed row 3's connection: FIN_WAIT2 kept as a TIME_WAIT sock
        row("   7: 0100007F:1388 0100007F:BC0A 05 00000000:00000000 03:0000170C 00000000     0        0 0 3 28980bf3"),
    );
  });

  it("counts opens, segments and resets", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const l = await listener(5001);
      const c = await connected(5001);
      const a = await S.accept(l, null, null);
      const fd = await open("/proc/net/snmp", 0);
      const buf = new Uint8Array(4096);
      const text = dec.decode(buf.subarray(0, await read(fd, buf, buf.length)));
      close(fd);
      printf("CurrEstab while open: %s\n", text.split("\n").find((l) => /^Tcp: \d/.test(l))!.split(" ")[9]);
      await write(c, enc.encode("x"), 1);
      close(a);
      close(c);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("CurrEstab while open: 2\n");
    /* one data segment and its ACK; the close with unread data is an RST that both sides count as EstabResets */
    expect((await sh(k, "grep Tcp: /proc/net/snmp")).stdout).toBe(
      "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\nTcp: 1 200 120000 -1 1 1 0 2 0 6 6 0 0 1 0\n",
    );
  });
});

describe("in-kernel TCP sockets (kernel-net-facts §7)", () => {
  it("listen, connect, accept, kernel_sendmsg and kernel_recvmsg with kvecs, and shutdown, as an in-kernel FTP client uses them", async () => {
    const k = boot();
    const got: string[] = [];
    install(k, "/bin/t", async () => {
      const ctrl_srv = (await sock_create_kern(null, S.AF_INET, S.SOCK_STREAM, IPPROTO_TCP)) as Socket;
      const data_srv = (await sock_create_kern(null, S.AF_INET, S.SOCK_STREAM, IPPROTO_TCP)) as Socket;
      got.push(`bind ${await kernel_bind(data_srv, lo(2000), SOCKADDR_IN_SIZE)} listen ${await kernel_listen(data_srv, 1)}`);
      await kernel_bind(ctrl_srv, lo(21), SOCKADDR_IN_SIZE);
      await kernel_listen(ctrl_srv, 5);
      got.push(`nonblocking accept ${await kernel_accept(data_srv, O_NONBLOCK)}`);
      const ctrl = (await sock_create_kern(null, S.AF_INET, S.SOCK_STREAM, IPPROTO_TCP)) as Socket;
      got.push(`connect ${await kernel_connect(ctrl, lo(21), SOCKADDR_IN_SIZE, 0)}`);
      const ctrl_acc = (await kernel_accept(ctrl_srv, 0)) as Socket;
      const line = enc.encode("PORT 127,0,0,1,7,208\r\n");
      got.push(`sendmsg ${await kernel_sendmsg(ctrl, kernel_msghdr(), [{ iov_base: line.subarray(0, 5), iov_len: 5 }, { iov_base: line.subarray(5), iov_len: line.length - 5 }], 2, line.length)}`);
      const buf = new Uint8Array(64);
      const n = (await kernel_recvmsg(ctrl_acc, kernel_msghdr(), [{ iov_base: buf, iov_len: 64 }], 1, 64, 0)) as number;
      got.push(`recvmsg ${n} ${JSON.stringify(dec.decode(buf.subarray(0, n)))}`);
      // the server side opens the data connection to 127.0.0.1:2000
      const data = (await sock_create_kern(null, S.AF_INET, S.SOCK_STREAM, IPPROTO_TCP)) as Socket;
      await kernel_connect(data, lo(2000), SOCKADDR_IN_SIZE, 0);
      const data_acc = (await kernel_accept(data_srv, 0)) as Socket;
      const name = new Uint8Array(128);
      const len = kernel_getpeername(data_acc, name);
      const peer = parse_sockaddr_in(name);
      got.push(`accepted ${len} from 127.0.0.1 ${peer.addr === INADDR_LOOPBACK} port ${peer.port === local_port_k(data)}`);
      await kernel_sendmsg(data, kernel_msghdr(), [{ iov_base: enc.encode("file body"), iov_len: 9 }], 1, 9);
      got.push(`shutdown ${await kernel_sock_shutdown(data, S.SHUT_WR)}`);
      let total = "";
      for (;;) {
        const r = (await kernel_recvmsg(data_acc, kernel_msghdr(), [{ iov_base: buf, iov_len: 4 }], 1, 4, 0)) as number;
        if (r <= 0) break;
        total += dec.decode(buf.subarray(0, r));
      }
      got.push(`data ${total}`);
      for (const s of [data_acc, data, data_srv, ctrl_acc, ctrl, ctrl_srv]) await sock_release(s);
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(got).toEqual(["bind 0 listen 0", "nonblocking accept -11", "connect 0", "sendmsg 22", 'recvmsg 22 "PORT 127,0,0,1,7,208\\r\\n"', "accepted 16 from 127.0.0.1 true port true", "shutdown 0", "data file body"]);
    // the connections closed in order: the data connection's server side and the control client went first, so they wait in TIME_WAIT
    const states = (await sh(k, "cat /proc/net/tcp")).stdout.split("\n").slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/).slice(1, 4).join(" "));
    expect(states).toEqual([expect.stringMatching(/^0100007F:[0-9A-F]{4} 0100007F:07D0 06$/), expect.stringMatching(/^0100007F:0015 0100007F:[0-9A-F]{4} 06$/)]);
  });
});

function local_port_k(sock: Socket): number {
  const a = new Uint8Array(128);
  kernel_getsockname(sock, a);
  return parse_sockaddr_in(a).port;
}
