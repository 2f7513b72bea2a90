// AF_NETLINK (kernel-net-facts §1): port ids, acks and errors byte for byte, dumps paced by the
// reader, truncation, and NETLINK_ROUTE's answers.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh } from "./helpers.js";
import * as S from "../src/user/libc/socket.js";
import * as NL from "../src/include/uapi/netlink.js";
import { getpid } from "../src/user/libc/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { printf } from "../src/user/libc/stdio.js";
import { strerror } from "../src/user/libc/strerror.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

function request(type: number, flags: number, seq: number, body: Uint8Array): Uint8Array {
  const b = new NL.NlBuf();
  const at = b.nlmsg_put(0, seq, type, NL.NLM_F_REQUEST | flags);
  b.put(body);
  b.nlmsg_end(at);
  return b.bytes();
}

async function recv_all(fd: number): Promise<Uint8Array[]> {
  const got: Uint8Array[] = [];
  for (;;) {
    const buf = new Uint8Array(16384);
    const n = await S.recv(fd, buf, buf.length, S.MSG_DONTWAIT);
    if (n < 0) return got;
    got.push(buf.slice(0, n));
  }
}

describe("AF_NETLINK", () => {
  it("autobinds to the pid, acks with NLM_F_CAPPED and returns errors with the whole request", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_ROUTE);
      const ifi = new Uint8Array(16);
      ifi[4] = 1;
      const req = request(NL.RTM_GETLINK, NL.NLM_F_ACK, 7, ifi);
      await S.send(fd, req, req.length, 0);
      const noname = request(NL.RTM_GETLINK, 0, 8, new Uint8Array(16));
      await S.send(fd, noname, noname.length, 0);
      const name = new Uint8Array(12);
      S.getsockname(fd, name, { value: 12 });
      const port = new DataView(name.buffer).getUint32(4, true);
      printf("port %s\n", port === getpid() ? "pid" : "other");
      for (const d of await recv_all(fd)) printf("%s\n", hex(d).replaceAll(hex(new Uint8Array(new Uint32Array([port]).buffer)), "PPPPPPPP"));
      return 0;
    });
    const out = (await run(k, ["/bin/t"])).stdout.split("\n");
    expect(out[0]).toBe("port pid");
    // RTM_NEWLINK for lo: len 528, flags 0, seq 7, our port; ifinfomsg (ARPHRD_LOOPBACK, index 1,
    // UP|LOOPBACK|RUNNING|LOWER_UP); IFLA_IFNAME "lo" with nla_len 7.
    expect(out[1].slice(0, 80)).toBe("10020000" + "1000" + "0000" + "07000000" + "PPPPPPPP" + "0000" + "0403" + "01000000" + "49000100" + "00000000" + "07000300" + "6c6f0000");
    // The ack: NLMSG_ERROR, NLM_F_CAPPED, error 0, then only the request's header (len 32).
    expect(out[2]).toBe("24000000" + "0200" + "0001" + "07000000" + "PPPPPPPP" + "00000000" + "20000000" + "1200" + "0500" + "07000000" + "00000000");
    // No index and no name: -EINVAL, with the whole request after it.
    expect(out[3]).toBe("34000000" + "0200" + "0000" + "08000000" + "PPPPPPPP" + "eaffffff" + "20000000" + "1200" + "0100" + "08000000" + "00000000" + "00".repeat(16));
  });

  it("paces a dump: data in one datagram, NLMSG_DONE in the next", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_ROUTE);
      const req = request(NL.RTM_GETADDR, NL.NLM_F_DUMP | NL.NLM_F_ACK, 3, new Uint8Array(8));
      await S.send(fd, req, req.length, 0);
      const small = new Uint8Array(8);
      printf("trunc %d\n", await S.recv(fd, small, 8, S.MSG_PEEK | S.MSG_TRUNC));
      for (const d of await recv_all(fd)) printf("%d %s\n", d.length, hex(d.subarray(4, 8)));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("trunc 76\n76 14000200\n20 03000200\n");
  });

  it("refuses a port in use and unknown protocols, and lists sockets in /proc/net/netlink", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await S.socket(S.AF_NETLINK, S.SOCK_RAW, 0);
      const b = await S.socket(S.AF_NETLINK, S.SOCK_RAW, 0);
      const addr = new Uint8Array(12);
      new DataView(addr.buffer).setUint16(0, S.AF_NETLINK, true);
      new DataView(addr.buffer).setUint32(4, 4242, true);
      printf("bind %d\n", await S.bind(a, addr, 12));
      printf("bind %d %s\n", await S.bind(b, addr, 12), strerror(libc().errno));
      printf("proto %d %s\n", await S.socket(S.AF_NETLINK, S.SOCK_RAW, 31), strerror(libc().errno));
      printf("type %d %s\n", await S.socket(S.AF_NETLINK, S.SOCK_STREAM, 0), strerror(libc().errno));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("bind 0\nbind -1 Address already in use\nproto -1 Protocol not supported\ntype -1 Socket type not supported\n");
    const r = await sh(k, "cat /proc/net/netlink");
    expect(r.stdout.split("\n")[0]).toBe("sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode");
    /* %pK hashed, 8 digits on 32-bit ARM, under a header laid out for 64-bit pointers */
    expect(r.stdout.split("\n")[1]).toMatch(/^[0-9a-f]{8} 0   0          00000000 0        0        0     2        0        \d+ *$/);
  });
});
