// UDP over loopback (kernel-net-facts §5): ports, datagrams, errors and the /proc files, driven by
// small C-style programs installed into the machine.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import * as S from "../src/user/libc/socket.js";
import { INADDR_LOOPBACK, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE, SOL_IP, IP_TTL } from "../src/user/libc/inet.js";
import { close, signal } from "../src/user/libc/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { printf } from "../src/user/libc/stdio.js";
import { strerror } from "../src/user/libc/strerror.js";
import { SIGINT } from "../src/include/uapi/signal.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const lo = (port: number): Uint8Array => make_sockaddr_in(S.AF_INET, port, INADDR_LOOPBACK);
const err = (): string => strerror(libc().errno);

async function udp(bindport?: number): Promise<number> {
  const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
  if (bindport !== undefined && (await S.bind(fd, make_sockaddr_in(S.AF_INET, bindport, 0), SOCKADDR_IN_SIZE)) < 0) printf("bind %d: %s\n", bindport, err());
  return fd;
}

describe("UDP", () => {
  it("delivers a datagram with its sender's address, and counts it", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await udp(5000);
      const b = await udp();
      await S.sendto(b, enc.encode("hello"), 5, 0, lo(5000), SOCKADDR_IN_SIZE);
      const buf = new Uint8Array(64);
      const from = new Uint8Array(16);
      const n = await S.recvfrom(a, buf, 64, 0, from, { value: 16 });
      const f = parse_sockaddr_in(from);
      printf("%d %s from %08x port %s\n", n, dec.decode(buf.subarray(0, n)), f.addr, f.port >= 32768 && f.port <= 60999 ? "ephemeral" : String(f.port));
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    expect(r.stdout).toBe("5 hello from 7f000001 port ephemeral\n");
    const snmp = (await sh(k, "grep Udp: /proc/net/snmp")).stdout;
    expect(snmp).toBe("Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\nUdp: 1 0 0 1 0 0 0 0 0\n");
  });

  it("refuses a port in use unless both set SO_REUSEADDR, and privileged ports to non-root", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      await udp(6000);
      await udp(6000);
      const one = new Uint8Array([1, 0, 0, 0]);
      const c = await udp();
      const d = await udp();
      await S.setsockopt(c, S.SOL_SOCKET, S.SO_REUSEADDR, one, 4);
      await S.setsockopt(d, S.SOL_SOCKET, S.SO_REUSEADDR, one, 4);
      printf("reuse: %d %d\n", await S.bind(c, lo(6001), 16), await S.bind(d, lo(6001), 16));
      await udp(80);
      printf("again: %d %s\n", await S.bind(c, lo(6002), 16), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("bind 6000: Address already in use\nreuse: 0 0\nagain: -1 Invalid argument\n");
    expect((await run(k, ["/bin/t"], { cred: USER })).stdout).toContain("bind 80: Permission denied\n");
  });

  it("turns ICMP port unreachable into ECONNREFUSED once, on a connected socket only", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await udp();
      await S.sendto(a, enc.encode("x"), 1, 0, lo(9999), 16);
      printf("unconnected: %d\n", await S.recv(a, new Uint8Array(4), 4, S.MSG_DONTWAIT));
      printf("%s\n", err());
      const b = await udp();
      await S.connect(b, lo(9999), 16);
      printf("send: %d\n", await S.send(b, enc.encode("x"), 1, 0));
      printf("send: %d %s\n", await S.send(b, enc.encode("x"), 1, 0), err());
      printf("recv: %d %s\n", await S.recv(b, new Uint8Array(4), 4, S.MSG_DONTWAIT), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("unconnected: -1\nResource temporarily unavailable\nsend: 1\nsend: -1 Connection refused\nrecv: -1 Resource temporarily unavailable\n");
  });

  it("truncates with MSG_TRUNC, peeks with MSG_PEEK, and drops past SO_RCVBUF", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await udp(7000);
      const b = await udp();
      const small = new Uint8Array([0, 0, 0, 0]);
      await S.setsockopt(a, S.SOL_SOCKET, S.SO_RCVBUF, small, 4);
      for (let i = 0; i < 5; i++) await S.sendto(b, enc.encode(`datagram ${i}`), 10, 0, lo(7000), 16);
      const buf = new Uint8Array(4);
      printf("peek %d %s\n", await S.recv(a, buf, 4, S.MSG_PEEK), dec.decode(buf));
      const msg: S.MsgHdr = { msg_name: null, msg_namelen: 0, msg_iov: [{ iov_base: buf, iov_len: 4 }], msg_flags: 0 };
      printf("recvmsg %d flags %x %s\n", await S.recvmsg(a, msg, 0), msg.msg_flags, dec.decode(buf));
      printf("trunc %d\n", await S.recv(a, buf, 4, S.MSG_TRUNC));
      printf("left %d\n", await S.recv(a, buf, 4, S.MSG_DONTWAIT));
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    expect(r.stdout).toBe("peek 4 data\nrecvmsg 4 flags 20 data\ntrunc 10\nleft -1\n");
    const udp_line = (await sh(k, "cat /proc/net/udp")).stdout.split("\n")[0];
    expect(udp_line).toBe("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops".padEnd(127));
    expect((await sh(k, "grep '^Udp: [0-9]' /proc/net/snmp")).stdout).toBe("Udp: 2 0 3 5 3 0 0 0 0\n");
  });

  it("waits for SO_RCVTIMEO, and a signal interrupts a blocking receive", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await udp(7100);
      const tv = new Uint8Array(8);
      new DataView(tv.buffer).setInt32(0, 2, true);
      await S.setsockopt(a, S.SOL_SOCKET, S.SO_RCVTIMEO, tv, 8);
      printf("timeout %d %s\n", await S.recv(a, new Uint8Array(4), 4, 0), err());
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("timeout -1 Resource temporarily unavailable\n");
    install(k, "/bin/u", async () => {
      const a = await udp(7200);
      signal(SIGINT, () => {});
      printf("intr %d %s\n", await S.recv(a, new Uint8Array(4), 4, 0), err());
      close(a);
      return 0;
    });
    expect((await sh(k, "/bin/u & sleep 1; kill -INT $!; wait")).stdout).toBe("intr -1 Interrupted system call\n");
  });

  it("keeps the IP TTL option", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const a = await udp();
      const v = new Uint8Array(4);
      const l = { value: 4 };
      await S.getsockopt(a, SOL_IP, IP_TTL, v, l);
      printf("ttl %d\n", v[0]);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("ttl 64\n");
  });
});

describe("/proc/net/protocols for UDP (sock_prot_inuse_add in udp_lib_get_port and udp_lib_unhash)", () => {
  it("counts the hashed UDP sockets: bound or autobound, until they close", async () => {
    const k = boot();
    const r = await sh(k, "socktest 2 dgram bind:5000 pause & socktest 2 dgram sendto:9:x pause & sleep 1; grep ^UDP /proc/net/protocols; kill %1 %2; wait; grep ^UDP /proc/net/protocols");
    const rows = r.stdout.split("\n").filter((l) => l.startsWith("UDP "));
    expect(rows.map((l) => l.split(/ +/)[2])).toEqual(["2", "0"]);
  });
});
