// How TCP's segments cross lo (net/ipv4/tcp_output.c, tcp_ipv4.c, drivers/net/loopback.c of 5.15):
// the first transmission shares the queued bytes with the receiver (skb_clone), a retransmission is
// a copy that leaves the first one's bytes alone, and only segments that did not come from the
// stack itself (CHECKSUM_NONE) have their checksum verified on receipt.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh } from "./helpers.js";
import * as F from "./frames.js";
import * as S from "../src/user/libc/socket.js";
import { INADDR_LOOPBACK, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../src/user/libc/inet.js";
import { read, write } from "../src/user/libc/unistd.js";
import { printf } from "../src/user/libc/stdio.js";
import { dev_get_by_name, net_state, netif_rx } from "../src/net/core/dev.js";
import { CHECKSUM_NONE, CHECKSUM_PARTIAL, SkBuff } from "../src/net/core/skbuff.js";
import { csum_partial, csum_tcpudp_magic } from "../src/lib/checksum.js";

const lo = (port: number): Uint8Array => make_sockaddr_in(S.AF_INET, port, INADDR_LOOPBACK);
const dec = new TextDecoder();

/** The TCP checksum of an IPv4 packet verifies. */
function tcp_csum_ok(d: Uint8Array): boolean {
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const t = d.subarray((d[0] & 0xf) * 4);
  return csum_tcpudp_magic(dv.getUint32(12), dv.getUint32(16), t.length, 6, csum_partial(t)) === 0;
}

describe("TCP segments on lo", () => {
  it("retransmits a copy: the bytes of the first transmission stay as they were sent", async () => {
    const k = boot();
    let held: SkBuff | null = null;
    let snapshot = new Uint8Array(0);
    const sent: { bytes: Uint8Array; ip_summed: number }[] = [];
    net_state(k).egress.push((skb) => {
      const d = skb.data;
      if (d[9] !== 6 || d.length === 20 + (d[32] >> 4) * 4) return true;
      sent.push({ bytes: d.slice(), ip_summed: skb.ip_summed });
      if (held) return true;
      /* lose the first data segment; its retransmission goes through */
      held = skb;
      snapshot = d.slice();
      return false;
    });
    install(k, "/bin/t", async () => {
      const l = await S.socket(S.AF_INET, S.SOCK_STREAM, 0);
      await S.bind(l, lo(7100), SOCKADDR_IN_SIZE);
      await S.listen(l, 1);
      const c = await S.socket(S.AF_INET, S.SOCK_STREAM, 0);
      await S.connect(c, lo(7100), SOCKADDR_IN_SIZE);
      const a = await S.accept(l, null, null);
      await write(c, new TextEncoder().encode("hello, again"), 12);
      const buf = new Uint8Array(64);
      const n = await read(a, buf, buf.length);
      printf("%s\n", dec.decode(buf.subarray(0, n)));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("hello, again\n");
    expect(sent.length).toBe(2);
    expect(held!.data).toEqual(snapshot);
    expect(sent.every((s) => s.ip_summed === CHECKSUM_PARTIAL && tcp_csum_ok(s.bytes))).toBe(true);
    expect(sent.map((s) => dec.decode(s.bytes.subarray(52)))).toEqual(["hello, again", "hello, again"]);
    expect((await sh(k, "grep '^Tcp: [0-9]' /proc/net/snmp")).stdout).toMatch(/ 1 0 0 0\n$/);
  });

  it("verifies the checksum of a segment from elsewhere: a bad one counts InCsumErrors and is dropped", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      for (const sum of [0x1234, undefined]) {
        /* a SYN to a closed port: with a good checksum it draws a reset */
        const skb = new SkBuff(F.ipv4(6, F.tcp(40000, 7101, F.TH.SYN, new Uint8Array(0), { seq: 1, sum })));
        skb.dev = dev_get_by_name("lo");
        printf("ip_summed %d\n", skb.ip_summed);
        netif_rx(skb);
      }
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe(`ip_summed ${CHECKSUM_NONE}\n`.repeat(2));
    // InSegs 3 (two SYNs, the reset), OutSegs 1, InErrs 1, OutRsts 1, InCsumErrors 1
    expect((await sh(k, "grep '^Tcp: [0-9]' /proc/net/snmp")).stdout).toMatch(/ 0 3 1 0 1 1 1\n$/);
  });
});
