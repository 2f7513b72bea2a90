// PF_PACKET sockets (net/packet/af_packet.c of 5.15), the device layer's taps (dev_queue_xmit_nit,
// __netif_receive_skb), nlmon and the netlink taps (drivers/net/nlmon.c, af_netlink.c), and
// `ip link add|del` through rtnetlink, driven by small programs installed into a booted machine.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import type { Kernel } from "../src/kernel/kernel.js";
import * as S from "../src/user/libc/socket.js";
import { INADDR_LOOPBACK, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../src/user/libc/inet.js";
import { close, ioctl } from "../src/user/libc/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { EINVAL, ENETDOWN, ENODEV, ENOENT, EPERM, ESOCKTNOSUPPORT } from "../src/include/uapi/errno.js";
import { ETH_P_ALL, ETH_P_IP } from "../src/include/uapi/if_ether.js";
import * as P from "../src/include/uapi/if_packet.js";
import { SIOCGSTAMP_OLD } from "../src/include/uapi/sockios.js";
import { sock_fprog_encode } from "../src/include/uapi/filter.js";
import { pcap_compile } from "../src/user/libpcap/gencode.js";
import { DLT_EN10MB } from "../src/user/libpcap/pcap.js";

const errno = (): number => libc().errno;
const htons = (v: number): number => ((v & 0xff) << 8) | (v >> 8);

function sll(ifindex: number, protocol = ETH_P_ALL): Uint8Array {
  return P.make_sockaddr_ll({ sll_family: S.AF_PACKET, sll_protocol: protocol, sll_ifindex: ifindex, sll_hatype: 0, sll_pkttype: 0, sll_halen: 0, sll_addr: new Uint8Array(8) });
}

interface Got {
  bytes: Uint8Array;
  from: P.SockaddrLl;
}

async function recv_all(fd: number): Promise<Got[]> {
  const out: Got[] = [];
  for (;;) {
    const buf = new Uint8Array(4096);
    const from = new Uint8Array(P.SOCKADDR_LL_SIZE);
    const n = await S.recvfrom(fd, buf, buf.length, S.MSG_DONTWAIT, from, { value: from.length });
    if (n < 0) return out;
    out.push({ bytes: buf.slice(0, n), from: P.parse_sockaddr_ll(from) });
  }
}

/** One UDP datagram from an ephemeral port to 127.0.0.1:port (nobody listening: an ICMP error comes back). */
async function send_udp(port: number, text: string): Promise<void> {
  const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
  await S.sendto(fd, new TextEncoder().encode(text), text.length, 0, make_sockaddr_in(S.AF_INET, port, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
  close(fd);
}

async function in_machine<T>(k: Kernel, fn: () => Promise<T>, cred = undefined as typeof USER | undefined): Promise<T> {
  let result: T | undefined;
  install(k, "/bin/t", async () => {
    result = await fn();
    return 0;
  });
  const r = await run(k, ["/bin/t"], { cred });
  if (r.code !== 0) throw new Error(`t: ${r.output}`);
  return result as T;
}

describe("socket(AF_PACKET, ...) (packet_create, packet_bind)", () => {
  it("needs CAP_NET_RAW and a SOCK_RAW or SOCK_DGRAM type", async () => {
    const k = boot();
    const make = async (type: number): Promise<number> => {
      const fd = await S.socket(S.AF_PACKET, type, htons(ETH_P_ALL));
      if (fd < 0) return -errno();
      close(fd);
      return 0;
    };
    expect(await in_machine(k, async () => [await make(S.SOCK_RAW), await make(S.SOCK_DGRAM), await make(S.SOCK_STREAM)])).toEqual([0, 0, -ESOCKTNOSUPPORT]);
    expect(await in_machine(k, () => make(S.SOCK_RAW), USER)).toBe(-EPERM);
  });

  it("refuses a short or foreign address and an unknown device", async () => {
    const k = boot();
    const got = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_RAW, htons(ETH_P_ALL));
      const b = async (a: Uint8Array, len: number): Promise<number> => ((await S.bind(fd, a, len)) < 0 ? -errno() : 0);
      const foreign = sll(1);
      foreign[0] = S.AF_INET;
      return [await b(sll(1), 12), await b(foreign, P.SOCKADDR_LL_SIZE), await b(sll(99), P.SOCKADDR_LL_SIZE), await b(sll(1), P.SOCKADDR_LL_SIZE)];
    });
    expect(got).toEqual([-EINVAL, -EINVAL, -ENODEV, 0]);
  });
});

describe("receiving on lo (packet_rcv)", () => {
  it("SOCK_RAW sees each frame twice, outgoing (4) then incoming (0), behind 14 zero-address Ethernet octets", async () => {
    const k = boot();
    const got = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_RAW, htons(ETH_P_ALL));
      await S.bind(fd, sll(1), P.SOCKADDR_LL_SIZE);
      await send_udp(9, "ping");
      return recv_all(fd);
    });
    /* the datagram and the ICMP port unreachable it draws, each out and in */
    expect(got.map((g) => [g.from.sll_pkttype, g.bytes[14 + 9]])).toEqual([[4, 17], [0, 17], [4, 1], [0, 1]]);
    for (const g of got) {
      expect([...g.bytes.subarray(0, 14)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08, 0x00]);
      expect(g.from).toMatchObject({ sll_family: S.AF_PACKET, sll_protocol: ETH_P_IP, sll_ifindex: 1, sll_hatype: 772, sll_halen: 6 });
    }
    expect(new TextDecoder().decode(got[0].bytes.subarray(14 + 28))).toBe("ping");
  });

  it("SOCK_DGRAM starts at the IP header; an unbound socket hears every device; protocol 0 hears nothing", async () => {
    const k = boot();
    const got = await in_machine(k, async () => {
      const dgram = await S.socket(S.AF_PACKET, S.SOCK_DGRAM, htons(ETH_P_ALL));
      const none = await S.socket(S.AF_PACKET, S.SOCK_RAW, 0);
      await send_udp(9, "x");
      return [await recv_all(dgram), await recv_all(none)];
    });
    expect(got[0].map((g) => g.bytes[0])).toEqual([0x45, 0x45, 0x45, 0x45]);
    expect(got[1]).toEqual([]);
  });

  it("a socket of one protocol (ETH_P_IP) hears only incoming packets, beside ip_rcv, which still delivers", async () => {
    const k = boot();
    const got = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_DGRAM, htons(ETH_P_IP));
      const udp = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      await S.bind(udp, make_sockaddr_in(S.AF_INET, 7000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
      await send_udp(7000, "to ip");
      const buf = new Uint8Array(64);
      const n = await S.recvfrom(udp, buf, buf.length, S.MSG_DONTWAIT, null, null);
      return { packets: (await recv_all(fd)).map((g) => g.from.sll_pkttype), delivered: new TextDecoder().decode(buf.subarray(0, Math.max(0, n))) };
    });
    expect(got).toEqual({ packets: [P.PACKET_HOST], delivered: "to ip" });
  });

  it("SO_ATTACH_FILTER keeps what the program passes, cut to its length; SO_DETACH_FILTER removes it once", async () => {
    const k = boot();
    const r = pcap_compile("icmp", DLT_EN10MB, 40);
    if (!("prog" in r)) throw new Error(r.error);
    const got = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_RAW, htons(ETH_P_ALL));
      const insns = sock_fprog_encode(r.prog);
      const fprog = new Uint8Array(8 + insns.length);
      new DataView(fprog.buffer).setUint16(0, r.prog.length, true);
      fprog.set(insns, 8);
      const attach = (await S.setsockopt(fd, S.SOL_SOCKET, S.SO_ATTACH_FILTER, fprog, 8)) < 0 ? -errno() : 0;
      const bad = new Uint8Array(16);
      new DataView(bad.buffer).setUint16(0, 1, true); /* one instruction, ld #0: not a return */
      const refused = (await S.setsockopt(fd, S.SOL_SOCKET, S.SO_ATTACH_FILTER, bad, 8)) < 0 ? -errno() : 0;
      await send_udp(9, "x");
      const kept = await recv_all(fd);
      const one = new Uint8Array(4);
      const detach = [(await S.setsockopt(fd, S.SOL_SOCKET, S.SO_DETACH_FILTER, one, 4)) < 0 ? -errno() : 0, (await S.setsockopt(fd, S.SOL_SOCKET, S.SO_DETACH_FILTER, one, 4)) < 0 ? -errno() : 0];
      return { attach, refused, kept, detach };
    });
    expect(got.attach).toBe(0);
    expect(got.refused).toBe(-EINVAL);
    expect(got.kept.map((g) => [g.bytes[14 + 9], g.bytes.length])).toEqual([[1, 40], [1, 40]]);
    expect(got.detach).toEqual([0, -ENOENT]);
  });

  it("PACKET_STATISTICS counts received (drops included) and dropped, then starts again; SIOCGSTAMP dates the last read", async () => {
    const k = boot();
    const got = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_RAW, htons(ETH_P_ALL));
      const tv = new Uint8Array(8);
      const before = (await ioctl(fd, SIOCGSTAMP_OLD, tv)) < 0 ? -errno() : 0;
      const small = new Uint8Array(new Int32Array([256]).buffer);
      await S.setsockopt(fd, S.SOL_SOCKET, S.SO_RCVBUF, small, 4);
      for (let i = 0; i < 8; i++) await send_udp(9, "x");
      const stats = async (): Promise<number[]> => {
        const b = new Uint8Array(8);
        await S.getsockopt(fd, P.SOL_PACKET, P.PACKET_STATISTICS, b, { value: 8 });
        return [new DataView(b.buffer).getUint32(0, true), new DataView(b.buffer).getUint32(4, true)];
      };
      const first = await stats();
      const read = (await recv_all(fd)).length;
      await ioctl(fd, SIOCGSTAMP_OLD, tv);
      return { before, first, read, again: await stats(), stamp: new DataView(tv.buffer).getInt32(0, true) };
    });
    expect(got.before).toBe(-ENOENT);
    expect(got.first[0]).toBe(32);
    expect(got.first[1]).toBe(32 - got.read);
    expect(got.read).toBeGreaterThan(0);
    expect(got.read).toBeLessThan(32);
    expect(got.again).toEqual([0, 0]);
    expect(got.stamp).toBe(Math.floor(k.clock.bootEpochMs / 1000) + Math.floor((k.clock.now() / 1e9)));
  });

  it("promiscuous membership logs entering and leaving, and /proc/net/packet lists the socket", async () => {
    const k = boot();
    const r = await sh(k, "tcpdump -i lo -c 1 udp >/dev/null 2>&1 & sleep 1; cat /proc/net/packet; ip link show lo; echo x | nc -u -w1 127.0.0.1 9; wait; ip link show lo; dmesg | grep promisc");
    expect(r.stdout).toMatch(/^sk       RefCnt Type Proto  Iface R Rmem   User   Inode\n[0-9a-f]{8} 1      3    0003   1     1 0      0      \d+\s*\n/);
    /* BusyBox's print_link_flags has no label for IFF_PROMISC and prints what is left in hex, unseparated */
    expect(r.stdout).toContain("1: lo: <LOOPBACK,UP,LOWER_UP100> mtu 65536");
    expect(r.stdout).toMatch(/\n1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536/);
    expect(r.stdout).toMatch(/\[ *\d+\.\d{6}\] device lo entered promiscuous mode\n\[ *\d+\.\d{6}\] device lo left promiscuous mode\n$/);
  });
});

describe("nlmon and the netlink taps", () => {
  it("ip link add makes nlmon0 (down, NOARP, mtu 3776, link/netlink); errors are rtnetlink's", async () => {
    const k = boot();
    const r = await sh(k, "ip link add nlmon0 type nlmon; ip link show nlmon0; ip link add nlmon0 type nlmon; ip link add x type bogus; ip link del lo; ip link add type nlmon; ip link show nlmon1; ip link del nlmon1; ip link del nlmon1; grep nlmon /proc/net/dev");
    expect(r.stdout).toBe(
      "2: nlmon0: <NOARP> mtu 3776 qdisc noqueue state DOWN qlen 1000\n    link/netlink \n" +
        "3: nlmon1: <NOARP> mtu 3776 qdisc noqueue state DOWN qlen 1000\n    link/netlink \n" +
        "nlmon0:       0       0    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n",
    );
    expect(r.stderr).toBe("ip: RTNETLINK answers: File exists\nip: RTNETLINK answers: Operation not supported\nip: RTNETLINK answers: Operation not supported\nip: can't find device 'nlmon1'\n");
    expect((await sh(k, "ip link add nlmon2 type nlmon", { cred: USER })).stderr).toBe("ip: RTNETLINK answers: Operation not permitted\n");
  });

  it("while up, taps each netlink datagram of the tapped protocols once per direction, counted as received", async () => {
    const k = boot();
    await sh(k, "ip link add nlmon0 type nlmon");
    const down = await in_machine(k, async () => {
      const fd = await S.socket(S.AF_PACKET, S.SOCK_DGRAM, htons(ETH_P_ALL));
      await S.bind(fd, sll(2), P.SOCKADDR_LL_SIZE);
      const err = new Uint8Array(4);
      await S.getsockopt(fd, S.SOL_SOCKET, S.SO_ERROR, err, { value: 4 });
      return new DataView(err.buffer).getInt32(0, true);
    });
    expect(down).toBe(ENETDOWN);
    const r = await sh(k, "ip link set nlmon0 up; (sleep 1; genl ctrl get name nlctrl >/dev/null) & tcpdump -i nlmon0 -c 3 -n; ip link set nlmon0 down; genl ctrl get name nlctrl >/dev/null; grep nlmon0 /proc/net/dev");
    expect(r.stdout).toMatch(
      /^\d\d:\d\d:\d\d\.\d{6} NETLINK GENERIC nlctrl CTRL_CMD_GETFAMILY request, flags \[REQUEST,ACK\], seq \d+, pid 0, length 32\n\d\d:\d\d:\d\d\.\d{6} NETLINK GENERIC nlctrl CTRL_CMD_NEWFAMILY, seq \d+, pid \d+, length 136\n\d\d:\d\d:\d\d\.\d{6} NETLINK GENERIC NLMSG_ERROR 0 \(ACK\), flags \[CAPPED\], seq \d+, pid \d+, length 36\n/,
    );
    /* the three messages and tcpdump's own ip link traffic, nothing after the device went down */
    expect(r.stdout).toMatch(/\nnlmon0: +\d+ +\d+ +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0\n$/);
    expect(r.stderr).toContain("listening on nlmon0, link-type NETLINK (Linux netlink), snapshot length 262144 bytes\n3 packets captured\n3 packets received by filter\n");
  });

  it("a capture ends with 'The interface went down' when its device goes", async () => {
    const k = boot();
    const r = await sh(k, "ip link add nlmon0 type nlmon; ip link set nlmon0 up; tcpdump -i nlmon0 -n >/dev/null & sleep 1; ip link del nlmon0; wait");
    expect(r.stderr).toMatch(/tcpdump: pcap_loop: The interface went down\n\d+ packets? captured\n/);
  });
});

describe("tcpdump's command line (tcpdump.c, glibc getopt)", () => {
  it("answers bad options, counts, files and filters with tcpdump's own lines", async () => {
    const k = boot();
    const r = await sh(k, "tcpdump -k; echo rc=$?; tcpdump -c x; echo rc=$?; tcpdump --version; tcpdump -r /nope; echo rc=$?; echo junk > /tmp/j; tcpdump -r /tmp/j; echo rc=$?; tcpdump -i lo -d udp port 23; tcpdump -i lo 'port 70000'; echo rc=$?");
    expect(r.stdout).toMatch(
      /^rc=1\nrc=1\ntcpdump version 4\.99\.3\nlibpcap version 1\.10\.3 \(with TPACKET_V3\)\nrc=1\nrc=1\n\(000\) ldh      \[12\]\n\(001\) jeq      #0x800 .*\n(\(\d{3}\) .*\n)+\(\d{3}\) ret      #262144\n\(\d{3}\) ret      #0\nrc=1\n$/,
    );
    expect(r.stderr).toBe(
      "tcpdump: invalid option -- 'k'\ntcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\n" +
        "Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n" +
        "\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n" +
        "\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n" +
        "\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n" +
        "\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n" +
        "\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n" +
        "\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n" +
        "\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n" +
        "tcpdump: invalid packet count x\n" +
        "tcpdump: /nope: No such file or directory\n" +
        "tcpdump: unknown file format\n" +
        "tcpdump: illegal port number 70000 > 65535\n",
    );
  });
});
