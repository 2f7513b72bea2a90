// tcpdump's printers (src/user/tcpdump/) on frames built as the machine sends them: the exact text
// tcpdump 4.99 prints for them, and kplay's own netlink format.
import { describe, expect, it } from "vitest";
import { netdissect_init, pretty_print_packet, type NetdissectFlags } from "../src/user/tcpdump/netdissect.js";
import * as F from "./frames.js";

const HOSTS = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";
const SERVICES = "ftp\t\t21/tcp\ntelnet\t\t23/tcp\ntelnet\t\t23/udp\n# comment\nhttp\t\t80/tcp\t\twww\n";
/** 2023-11-14 22:13:20 UTC */
const T0 = 1700000000;

/** The text of `frames` printed one after the other in one capture, 1 s and 100 us apart. */
function dump(flags: Partial<NetdissectFlags>, frames: Uint8Array[], linktype = 1, caplen?: number): string {
  const ndo = netdissect_init(flags, HOSTS, SERVICES);
  return frames
    .map((f, i) => pretty_print_packet(ndo, { ts_sec: T0 + i, ts_usec: 100 * i, caplen: Math.min(caplen ?? f.length, f.length), len: f.length }, f, linktype))
    .join("");
}

const EMPTY = new Uint8Array(0);
const dgram = F.ipv4(17, F.udp(2325, 23, F.text("hello")), { id: 0x1c46 });
const udp_frame = F.ether(dgram);

describe("UDP over Ethernet", () => {
  it("default: names from /etc/hosts and /etc/services", () => {
    expect(dump({}, [udp_frame])).toBe("22:13:20.000000 IP localhost.2325 > localhost.telnet: UDP, length 5\n");
  });

  it("-n: numbers", () => {
    expect(dump({ nflag: 1 }, [udp_frame])).toBe("22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n");
  });

  it("without /etc/hosts and /etc/services entries: numbers", () => {
    const ndo = netdissect_init({}, "", "");
    const f = udp_frame;
    expect(pretty_print_packet(ndo, { ts_sec: T0, ts_usec: 5, caplen: f.length, len: f.length }, f, 1)).toBe(
      "22:13:20.000005 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n",
    );
  });

  it("-e: the Ethernet header, the OUI without -n, and no 'IP '", () => {
    expect(dump({ eflag: 1, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 47: 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n",
    );
    expect(dump({ eflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 00:00:00:00:00:00 (oui Ethernet) > 00:00:00:00:00:00 (oui Ethernet), ethertype IPv4 (0x0800), length 47: localhost.2325 > localhost.telnet: UDP, length 5\n",
    );
  });

  it("-v: the IP header on the first line, the rest indented by four spaces", () => {
    expect(dump({ vflag: 1, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP (tos 0x0, ttl 64, id 7238, offset 0, flags [DF], proto UDP (17), length 33)\n" +
        "    127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n",
    );
  });

  it("-vv: the UDP checksum, good and bad; a bad IP header checksum with -v", () => {
    expect(dump({ vflag: 2, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP (tos 0x0, ttl 64, id 7238, offset 0, flags [DF], proto UDP (17), length 33)\n" +
        "    127.0.0.1.2325 > 127.0.0.1.23: [udp sum ok] UDP, length 5\n",
    );
    const bad = F.ether(F.ipv4(17, F.udp(2325, 23, F.text("hello"), { sum: 0x1234 }), { sum: 0xbeef }));
    expect(dump({ vflag: 2, nflag: 1 }, [bad])).toBe(
      "22:13:20.000000 IP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto UDP (17), length 33, bad cksum beef (->3cca)!)\n" +
        "    127.0.0.1.2325 > 127.0.0.1.23: [bad udp cksum 0x1234 -> 0xb4d3!] UDP, length 5\n",
    );
    const none = F.ether(F.ipv4(17, F.udp(2325, 23, F.text("hello"), { sum: 0 })));
    expect(dump({ vflag: 2, nflag: 1 }, [none])).toContain("127.0.0.1.23: [no cksum] UDP, length 5\n");
  });

  it("-X: hex and ASCII from the IP header; -XX from the Ethernet header", () => {
    expect(dump({ Xflag: 1, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n" +
        "\t0x0000:  4500 0021 1c46 4000 4011 2084 7f00 0001  E..!.F@.@.......\n" +
        "\t0x0010:  7f00 0001 0915 0017 000d b4d3 6865 6c6c  ............hell\n" +
        "\t0x0020:  6f                                       o\n",
    );
    expect(dump({ Xflag: 2, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n" +
        "\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500  ..............E.\n" +
        "\t0x0010:  0021 1c46 4000 4011 2084 7f00 0001 7f00  .!.F@.@.........\n" +
        "\t0x0020:  0001 0915 0017 000d b4d3 6865 6c6c 6f    ..........hello\n",
    );
  });

  it("-x: hex only; -xx with the link-layer header", () => {
    expect(dump({ xflag: 1, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n" +
        "\t0x0000:  4500 0021 1c46 4000 4011 2084 7f00 0001\n" +
        "\t0x0010:  7f00 0001 0915 0017 000d b4d3 6865 6c6c\n" +
        "\t0x0020:  6f\n",
    );
    expect(dump({ xflag: 2, nflag: 1 }, [udp_frame])).toBe(
      "22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n" +
        "\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500\n" +
        "\t0x0010:  0021 1c46 4000 4011 2084 7f00 0001 7f00\n" +
        "\t0x0020:  0001 0915 0017 000d b4d3 6865 6c6c 6f\n",
    );
  });

  it("-t, -tt, -ttt, -tttt", () => {
    expect(dump({ tflag: 1, nflag: 1 }, [udp_frame])).toBe("IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n");
    expect(dump({ tflag: 2, nflag: 1 }, [udp_frame])).toBe("1700000000.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n");
    expect(dump({ tflag: 3, nflag: 1, qflag: 1 }, [udp_frame, udp_frame])).toBe(
      " 00:00:00.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n" + " 00:00:01.000100 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n",
    );
    expect(dump({ tflag: 4, nflag: 1 }, [udp_frame])).toBe("2023-11-14 22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5\n");
  });
});

describe("truncated packets", () => {
  it("print tcpdump's ' [|proto]' where the captured bytes end", () => {
    expect(dump({ nflag: 1 }, [udp_frame], 1, 38)).toBe("22:13:20.000000 IP 127.0.0.1.2325 > 127.0.0.1.23:  [|udp]\n");
    expect(dump({ nflag: 1 }, [udp_frame], 1, 36)).toBe("22:13:20.000000 IP 127.0.0.1 > 127.0.0.1:  [|udp]\n");
    expect(dump({ nflag: 1 }, [udp_frame], 1, 20)).toBe("22:13:20.000000 IP  [|ip]\n");
    expect(dump({ nflag: 1 }, [udp_frame], 1, 14)).toBe("22:13:20.000000  [|ip]\n");
    expect(dump({ nflag: 1 }, [udp_frame], 1, 10)).toBe("22:13:20.000000  [|ether]\n");
  });

  it("a cut in the TCP options, and the hex dump of all that was captured", () => {
    const syn = F.ether(F.ipv4(6, F.tcp(40000, 21, F.TH.SYN, EMPTY, { seq: 123456, options: F.syn_options(1, 0) })));
    expect(dump({ nflag: 1 }, [syn], 1, 60)).toBe(
      "22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [S], seq 123456, win 65495, options [mss 65495,sackOK, [|tcp]\n",
    );
    expect(dump({ nflag: 1 }, [syn], 1, 40)).toBe("22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.21:  [|tcp]\n");
    /* ip_print() reports a short header itself: the link layer was printed, -x leaves it out */
    expect(dump({ nflag: 1, xflag: 1 }, [syn], 1, 20)).toBe("22:13:20.000000 IP  [|ip]\n\t0x0000:  4500 003c 0000\n");
    /* a read past the end (the IP version) unwinds to pretty_print_packet(): -x shows all */
    expect(dump({ nflag: 1, xflag: 1 }, [syn], 1, 14)).toBe("22:13:20.000000  [|ip]\n\t0x0000:  0000 0000 0000 0000 0000 0000 0800\n");
  });

  it("an impossible record header", () => {
    const ndo = netdissect_init();
    expect(pretty_print_packet(ndo, { ts_sec: T0, ts_usec: 0, caplen: 0, len: 0 }, EMPTY, 1)).toBe("[Invalid header: caplen==0, len==0]\n");
    expect(pretty_print_packet(ndo, { ts_sec: T0, ts_usec: 0, caplen: 47, len: 40 }, udp_frame, 1)).toBe("[Invalid header: len(40) < caplen(47)]\n");
  });
});

describe("TCP", () => {
  const C = 40000;
  const ISN = 123456;
  const ISN2 = 987654;
  const handshake = [
    F.ether(F.ipv4(6, F.tcp(C, 21, F.TH.SYN, EMPTY, { seq: ISN, options: F.syn_options(1, 0) }), { id: 0x1234 })),
    F.ether(F.ipv4(6, F.tcp(21, C, F.TH.SYN | F.TH.ACK, EMPTY, { seq: ISN2, ack: ISN + 1, win: 65483, options: F.syn_options(2, 1) }))),
    F.ether(F.ipv4(6, F.tcp(C, 21, F.TH.ACK, EMPTY, { seq: ISN + 1, ack: ISN2 + 1, win: 512, options: F.ts_options(3, 2) }), { id: 0x1235 })),
    F.ether(F.ipv4(6, F.tcp(C, 21, F.TH.PSH | F.TH.ACK, F.text("USER anonymous\r\n"), { seq: ISN + 1, ack: ISN2 + 1, win: 512, options: F.ts_options(4, 2) }), { id: 0x1236 })),
    F.ether(F.ipv4(6, F.tcp(21, C, F.TH.PSH | F.TH.ACK, F.text("331 Please specify the password.\r\n"), { seq: ISN2 + 1, ack: ISN + 17, win: 512, options: F.ts_options(5, 4) }))),
    F.ether(F.ipv4(6, F.tcp(C, 21, F.TH.FIN | F.TH.ACK, EMPTY, { seq: ISN + 17, ack: ISN2 + 35, win: 512, options: F.ts_options(6, 5) }), { id: 0x1237 })),
  ];

  it("the handshake: absolute numbers until the SYN-ACK, relative after it, FTP's lines", () => {
    expect(dump({ nflag: 1 }, handshake)).toBe(
      "22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [S], seq 123456, win 65495, options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0\n" +
        "22:13:21.000100 IP 127.0.0.1.21 > 127.0.0.1.40000: Flags [S.], seq 987654, ack 123457, win 65483, options [mss 65495,sackOK,TS val 2 ecr 1,nop,wscale 7], length 0\n" +
        "22:13:22.000200 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [.], ack 1, win 512, options [nop,nop,TS val 3 ecr 2], length 0\n" +
        "22:13:23.000300 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [P.], seq 1:17, ack 1, win 512, options [nop,nop,TS val 4 ecr 2], length 16: FTP: USER anonymous\n" +
        "22:13:24.000400 IP 127.0.0.1.21 > 127.0.0.1.40000: Flags [P.], seq 1:35, ack 17, win 512, options [nop,nop,TS val 5 ecr 4], length 34: FTP: 331 Please specify the password.\n" +
        "22:13:25.000500 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [F.], seq 17, ack 35, win 512, options [nop,nop,TS val 6 ecr 5], length 0\n",
    );
  });

  it("-S: absolute numbers throughout; default names", () => {
    expect(dump({ Sflag: 1 }, handshake.slice(2, 4))).toBe(
      "22:13:20.000000 IP localhost.40000 > localhost.ftp: Flags [.], ack 987655, win 512, options [nop,nop,TS val 3 ecr 2], length 0\n" +
        "22:13:21.000100 IP localhost.40000 > localhost.ftp: Flags [P.], seq 123457:123473, ack 987655, win 512, options [nop,nop,TS val 4 ecr 2], length 16: FTP: USER anonymous\n",
    );
  });

  it("-v: the checksum, correct and not, and every FTP line on its own", () => {
    const out = dump({ vflag: 1, nflag: 1 }, handshake.slice(0, 4)).split("\n");
    expect(out[0]).toBe("22:13:20.000000 IP (tos 0x0, ttl 64, id 4660, offset 0, flags [DF], proto TCP (6), length 60)");
    expect(out[1]).toBe(
      "    127.0.0.1.40000 > 127.0.0.1.21: Flags [S], cksum 0xd169 (correct), seq 123456, win 65495, options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0",
    );
    expect(out[7]).toBe(
      "    127.0.0.1.40000 > 127.0.0.1.21: Flags [P.], cksum 0x5e12 (correct), seq 1:17, ack 1, win 512, options [nop,nop,TS val 4 ecr 2], length 16: FTP, length: 16",
    );
    expect(out[8]).toBe("\tUSER anonymous");
    /* lo leaves the partial pseudo-header sum in the field */
    const partial = F.ether(F.ipv4(6, F.tcp(C, 21, F.TH.SYN, EMPTY, { seq: ISN, options: F.syn_options(1, 0), sum: 0xfe30 })));
    expect(dump({ vflag: 1, nflag: 1 }, [partial])).toContain("Flags [S], cksum 0xfe30 (incorrect -> 0xd169), seq 123456,");
  });

  it("a RST answering a SYN to a closed port", () => {
    const rst = F.ether(F.ipv4(6, F.tcp(23, C, F.TH.RST | F.TH.ACK, EMPTY, { seq: 0, ack: ISN + 1, win: 0 })));
    expect(dump({ nflag: 1 }, [handshake[0], rst])).toBe(
      "22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.21: Flags [S], seq 123456, win 65495, options [mss 65495,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0\n" +
        "22:13:21.000100 IP 127.0.0.1.23 > 127.0.0.1.40000: Flags [R.], seq 0, ack 123457, win 0, length 0\n",
    );
  });

  it("-q", () => {
    expect(dump({ qflag: 1, nflag: 1 }, [handshake[3]])).toBe("22:13:20.000000 IP 127.0.0.1.40000 > 127.0.0.1.21: tcp 16\n");
  });
});

describe("ICMP", () => {
  const ping = F.ether(F.ipv4(1, F.icmp(8, 0, 0x00010001, new Uint8Array(56))));
  const pong = F.ether(F.ipv4(1, F.icmp(0, 0, 0x00010001, new Uint8Array(56))));
  const unreach = F.ether(F.ipv4(1, F.icmp(3, 3, 0, F.ipv4(17, F.udp(2325, 23, F.text("hello")))), { tos: 0xc0 }));

  it("echo request and reply", () => {
    expect(dump({ nflag: 1 }, [ping, pong])).toBe(
      "22:13:20.000000 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 1, seq 1, length 64\n" +
        "22:13:21.000100 IP 127.0.0.1 > 127.0.0.1: ICMP echo reply, id 1, seq 1, length 64\n",
    );
  });

  it("port unreachable, and with -v the datagram it quotes", () => {
    expect(dump({ nflag: 1 }, [unreach])).toBe("22:13:20.000000 IP 127.0.0.1 > 127.0.0.1: ICMP 127.0.0.1 udp port 23 unreachable, length 41\n");
    expect(dump({ vflag: 1 }, [unreach])).toBe(
      "22:13:20.000000 IP (tos 0xc0, ttl 64, id 0, offset 0, flags [DF], proto ICMP (1), length 61)\n" +
        "    localhost > localhost: ICMP localhost udp port telnet unreachable, length 41\n" +
        "\tIP (tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto UDP (17), length 33)\n" +
        "    localhost.2325 > localhost.telnet: UDP, length 5\n",
    );
  });

  it("a wrong checksum with -v", () => {
    const m = F.icmp(8, 0, 0x00010001, new Uint8Array(56));
    m[2] ^= 0xff;
    expect(dump({ vflag: 1, nflag: 1 }, [F.ether(F.ipv4(1, m))])).toContain("ICMP echo request, id 1, seq 1, length 64 (wrong icmp cksum 8fd (->f7fd)!)\n");
  });
});

describe("netlink (LINKTYPE_NETLINK, kplay's format)", () => {
  const GENL = 16;
  const getfamily = F.genlmsg(0x10, 0x5, 1, 1234, 3, 1, (b) => b.nla_put_string(2, "gnl_foobar_xmpl"));
  const newfamily = F.genlmsg(0x10, 0, 1, 1234, 1, 2, (b) => {
    b.nla_put_string(2, "gnl_foobar_xmpl");
    b.nla_put_u16(1, 0x13);
    b.nla_put_u32(3, 1);
    b.nla_put_u32(4, 0);
    b.nla_put_u32(5, 4);
  });
  const ack = F.nlmsgerr(getfamily, 0, 1234, true);
  const echo = F.genlmsg(0x13, 0x1, 2, 1234, 1, 1, (b) => b.nla_put_string(1, "hello"));
  const bad = F.genlmsg(0x10, 0x5, 3, 1234, 3, 1);
  const einval = F.nlmsgerr(bad, -22, 1234, false);
  const records = [F.sll_netlink(GENL, echo), F.sll_netlink(GENL, getfamily), F.sll_netlink(GENL, F.cat(newfamily, ack)), F.sll_netlink(GENL, echo), F.sll_netlink(GENL, bad), F.sll_netlink(GENL, einval)];

  it("names a family only after the controller named it in the same capture", () => {
    expect(dump({}, records, 253)).toBe(
      "22:13:20.000000 NETLINK GENERIC family 0x13 cmd 1 request, flags [REQUEST], seq 2, pid 1234, length 32\n" +
        "22:13:21.000100 NETLINK GENERIC nlctrl CTRL_CMD_GETFAMILY request, flags [REQUEST,ACK], seq 1, pid 1234, length 40\n" +
        "22:13:22.000200 NETLINK GENERIC nlctrl CTRL_CMD_NEWFAMILY, seq 1, pid 1234, length 72\n" +
        "\tNLMSG_ERROR 0 (ACK), flags [CAPPED], seq 1, pid 1234, length 36\n" +
        "22:13:23.000300 NETLINK GENERIC gnl_foobar_xmpl cmd 1 request, flags [REQUEST], seq 2, pid 1234, length 32\n" +
        "22:13:24.000400 NETLINK GENERIC nlctrl CTRL_CMD_GETFAMILY request, flags [REQUEST,ACK], seq 3, pid 1234, length 20\n" +
        "22:13:25.000500 NETLINK GENERIC NLMSG_ERROR -22 (Invalid argument), seq 3, pid 1234, length 40\n",
    );
  });

  it("-v: top-level attributes, and the request an error answers", () => {
    expect(dump({ vflag: 1 }, records.slice(2, 4), 253)).toBe(
      "22:13:20.000000 NETLINK GENERIC nlctrl CTRL_CMD_NEWFAMILY, seq 1, pid 1234, length 72\n" +
        '\t  CTRL_ATTR_FAMILY_NAME (2), length 20: "gnl_foobar_xmpl"\n' +
        "\t  CTRL_ATTR_FAMILY_ID (1), length 6: 0x13\n" +
        "\t  CTRL_ATTR_VERSION (3), length 8: 1\n" +
        "\t  CTRL_ATTR_HDRSIZE (4), length 8: 0\n" +
        "\t  CTRL_ATTR_MAXATTR (5), length 8: 4\n" +
        "\tNLMSG_ERROR 0 (ACK), flags [CAPPED], seq 1, pid 1234, length 36\n" +
        "\t  request: nlctrl request, flags [REQUEST,ACK], seq 1, pid 1234, length 40\n" +
        "22:13:21.000100 NETLINK GENERIC gnl_foobar_xmpl cmd 1 request, flags [REQUEST], seq 2, pid 1234, length 32\n" +
        '\t  attr (1), length 10: "hello"\n',
    );
    expect(dump({ vflag: 1 }, records.slice(5), 253)).toBe(
      "22:13:20.000000 NETLINK GENERIC NLMSG_ERROR -22 (Invalid argument), seq 3, pid 1234, length 40\n" +
        "\t  request: nlctrl CTRL_CMD_GETFAMILY request, flags [REQUEST,ACK], seq 3, pid 1234, length 20\n",
    );
  });

  it("-e shows the SLL header; -x leaves it out, -xx not", () => {
    expect(dump({ eflag: 1, xflag: 1 }, [F.sll_netlink(GENL, bad)], 253)).toBe(
      "22:13:20.000000 Out protocol 16, length 36: NETLINK GENERIC nlctrl CTRL_CMD_GETFAMILY request, flags [REQUEST,ACK], seq 3, pid 1234, length 20\n" +
        "\t0x0000:  1400 0000 1000 0500 0300 0000 d204 0000\n" +
        "\t0x0010:  0301 0000\n",
    );
    expect(dump({ xflag: 2 }, [F.sll_netlink(GENL, bad)], 253)).toContain("\n\t0x0000:  0004 0338 0000 0000 0000 0000 0000 0010\n\t0x0010:  1400 0000");
  });

  it("NETLINK_ROUTE names RTM_* and their flags; NLMSG_DONE; a truncated record", () => {
    const dumpreq = F.genlmsg(18, 0x301, 7, 0, 0, 0);
    const done = new Uint8Array(20);
    new DataView(done.buffer).setUint32(0, 20, true);
    new DataView(done.buffer).setUint16(4, 3, true);
    new DataView(done.buffer).setUint16(6, 2, true);
    new DataView(done.buffer).setUint32(8, 7, true);
    new DataView(done.buffer).setUint32(12, 99, true);
    expect(dump({}, [F.sll_netlink(0, dumpreq), F.sll_netlink(0, done)], 253)).toBe(
      "22:13:20.000000 NETLINK ROUTE RTM_GETLINK request, flags [REQUEST,DUMP], seq 7, pid 0, length 20\n" +
        "22:13:21.000100 NETLINK ROUTE NLMSG_DONE, flags [MULTI], seq 7, pid 99, length 20\n",
    );
    expect(dump({}, [F.sll_netlink(GENL, getfamily)], 253, 24)).toBe("22:13:20.000000 NETLINK GENERIC  [|netlink]\n");
  });
});
