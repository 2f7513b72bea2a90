// Generic Netlink (kernel-net-facts §2; seed-originals §A): the controller's replies byte for byte,
// dispatch errors, attribute validation with extended acks, gnl_foobar_xmpl's doit, dump and
// error command, multicast notifications, and thousands of malformed messages.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import * as S from "../src/user/libc/socket.js";
import * as NL from "../src/include/uapi/netlink.js";
import * as G from "../src/include/uapi/genetlink.js";
import { close, posix_spawn, waitpid } from "../src/user/libc/unistd.js";
import { printf } from "../src/user/libc/stdio.js";
import type { Kernel } from "../src/kernel/kernel.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const le32 = (v: number): string => hex(new Uint8Array(new Uint32Array([v]).buffer));

/** A genl request: nlmsghdr, genlmsghdr, then attributes [type, bytes]. */
function genl_msg(type: number, flags: number, seq: number, cmd: number, version: number, attrs: [number, Uint8Array][] = [], pid = 0): Uint8Array {
  const b = new NL.NlBuf();
  const at = b.nlmsg_put(pid, seq, type, flags, G.GENL_HDRLEN);
  b.set_u16(at + NL.NLMSG_HDRLEN, cmd | (version << 8));
  for (const [t, v] of attrs) b.nla_put(t, v);
  b.nlmsg_end(at);
  return b.bytes();
}

const str = (s: string): Uint8Array => new TextEncoder().encode(s + "\0");

/** The datagram in hex with each message header's nlmsg_pid, when it is `port`, shown as PPPPPPPP. */
function mask_pids(d: Uint8Array, port: string): string {
  let out = "";
  for (let off = 0; off < d.length; ) {
    const len = Math.max(16, NL.NLMSG_ALIGN(new DataView(d.buffer, d.byteOffset + off).getUint32(0, true)));
    const m = hex(d.subarray(off, off + len));
    out += m.slice(24, 32) === port ? m.slice(0, 24) + "PPPPPPPP" + m.slice(32) : m;
    off += len;
  }
  return out;
}

interface Exchange {
  /** Every datagram received after each request, hex, with our port id shown as PPPPPPPP. */
  replies: string[][];
}

/**
 * Open a NETLINK_GENERIC socket (with `opts`), send each request and collect what comes back
 * until the queue is empty. Runs as a program inside the kernel.
 */
async function exchange(k: Kernel, requests: Uint8Array[], opts: { ext_ack?: boolean; cap_ack?: boolean } = {}): Promise<Exchange> {
  const out: Exchange = { replies: [] };
  install(k, "/bin/genl_t", async () => {
    const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_GENERIC);
    const one = new Uint8Array(new Uint32Array([1]).buffer);
    if (opts.ext_ack) await S.setsockopt(fd, NL.SOL_NETLINK, NL.NETLINK_EXT_ACK, one, 4);
    if (opts.cap_ack) await S.setsockopt(fd, NL.SOL_NETLINK, NL.NETLINK_CAP_ACK, one, 4);
    const name = new Uint8Array(12);
    for (const req of requests) {
      await S.send(fd, req, req.length, 0);
      S.getsockname(fd, name, { value: 12 });
      const port = le32(new DataView(name.buffer).getUint32(4, true));
      const got: string[] = [];
      for (;;) {
        const buf = new Uint8Array(65536);
        const n = await S.recv(fd, buf, buf.length, S.MSG_DONTWAIT);
        if (n < 0) break;
        got.push(mask_pids(buf.subarray(0, n), port));
      }
      out.replies.push(got);
    }
    return 0;
  });
  await run(k, ["/bin/genl_t"]);
  return out;
}

const GETFAMILY = (name: string, flags = NL.NLM_F_REQUEST, seq = 7): Uint8Array => genl_msg(G.GENL_ID_CTRL, flags, seq, G.CTRL_CMD_GETFAMILY, 1, [[G.CTRL_ATTR_FAMILY_NAME, str(name)]]);

describe("nlctrl (kernel-net-facts §2.2, §2.7)", () => {
  it("answers GETFAMILY nlctrl with 5.15's 136 bytes: name, id, version 2, hdrsize 0, maxattr 0, two ops, notify", async () => {
    const k = boot();
    const { replies } = await exchange(k, [GETFAMILY("nlctrl")]);
    expect(replies[0]).toEqual([
      "88000000" + "1000" + "0000" + "07000000" + "PPPPPPPP" + "01020000" +
        "0b000200" + "6e6c6374726c0000" +
        "06000100" + "10000000" +
        "08000300" + "02000000" + "08000400" + "00000000" + "08000500" + "00000000" +
        "2c000600" + "14000100" + "08000100" + "03000000" + "08000200" + "0e000000" + "14000200" + "08000100" + "0a000000" + "08000200" + "0c000000" +
        "1c000700" + "18000100" + "08000200" + "10000000" + "0b000100" + "6e6f746966790000",
    ]);
  });

  it("finds a family by id; an unknown name or id is -ENOENT, neither is -EINVAL", async () => {
    const k = boot();
    const byid = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST, 1, G.CTRL_CMD_GETFAMILY, 1, [[G.CTRL_ATTR_FAMILY_ID, Uint8Array.of(0x11, 0)]]);
    const badid = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST, 2, G.CTRL_CMD_GETFAMILY, 1, [[G.CTRL_ATTR_FAMILY_ID, Uint8Array.of(0xff, 3)]]);
    const neither = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST, 3, G.CTRL_CMD_GETFAMILY, 1);
    const { replies } = await exchange(k, [byid, badid, GETFAMILY("doesnotexist"), neither]);
    expect(replies[0][0]).toContain(hex(str("VFS_DQUOT")));
    /* VFS_DQUOT: id 0x11, version 1, maxattr 7, no ops, the "events" group with id 0x11 */
    expect(replies[0][0]).toContain("06000100" + "11000000" + "08000300" + "01000000" + "08000400" + "00000000" + "08000500" + "07000000" + "1c000700" + "18000100" + "08000200" + "11000000" + "0b000100" + hex(str("events")) + "00");
    const err = (r: string): number => Buffer.from(r.slice(32, 40), "hex").readInt32LE(0);
    expect(replies.slice(1).map((r) => err(r[0]))).toEqual([-2, -2, -22]);
  });

  it("dumps every family with NLM_F_MULTI, then NLMSG_DONE", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    const dump = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 9, G.CTRL_CMD_GETFAMILY, 1);
    const { replies } = await exchange(k, [dump]);
    const all = replies[0].join("");
    for (const name of ["nlctrl", "VFS_DQUOT", "gnl_foobar_xmpl"]) expect(all).toContain(hex(str(name)));
    expect(replies[0].at(-1)).toBe("14000000" + "0300" + "0200" + "09000000" + "PPPPPPPP" + "00000000");
  });

  it("the reference's policy error: a 20-byte name with no NUL under NETLINK_EXT_ACK (§2.6)", async () => {
    const k = boot();
    const name = new TextEncoder().encode("x".repeat(20));
    const req = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST, 8, G.CTRL_CMD_GETFAMILY, 1, [[G.CTRL_ATTR_FAMILY_NAME, name]]);
    const { replies } = await exchange(k, [req], { ext_ack: true });
    expect(replies[0]).toEqual([
      "84000000" + "0200" + "0002" + "08000000" + "PPPPPPPP" + "eaffffff" +
        "2c000000" + "1000" + "0100" + "08000000" + "00000000" + "03010000" + "18000200" + "78".repeat(20) +
        "27000100" + hex(new TextEncoder().encode("Attribute failed policy validation")) + "0000" +
        "08000200" + "14000000" +
        "14000480" + "08000700" + "0f000000" + "08000100" + "0c000000",
    ]);
  });
});

describe("CTRL_CMD_GETPOLICY (genetlink.c ctrl_dumppolicy, net/netlink/policy.c)", () => {
  it("dumps gnl_foobar_xmpl's op policy indexes, then its one describable attribute, then NLMSG_DONE", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    const req = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 5, G.CTRL_CMD_GETPOLICY, 1, [[G.CTRL_ATTR_FAMILY_NAME, str("gnl_foobar_xmpl")]]);
    const { replies } = await exchange(k, [req]);
    const head = (len: string): string => len + "1000" + "0200" + "05000000" + "PPPPPPPP" + "0a020000" + "06000100" + "13000000";
    expect(replies[0].join("")).toBe(
      /* ECHO_MSG (1): do and dump both use policy 0 */
      head("34000000") + "18000980" + "14000180" + "08000100" + "00000000" + "08000200" + "00000000" +
        /* REPLY_WITH_NLMSG_ERR (2): do only */
        head("2c000000") + "10000980" + "0c000280" + "08000100" + "00000000" +
        /* policy 0, attribute 1: NLA_NUL_STRING (12) with no length; 0 and 2 are NLA_UNSPEC and not shown */
        head("30000000") + "14000880" + "10000080" + "0c000180" + "08000100" + "0c000000" +
        "14000000" + "0300" + "0200" + "05000000" + "PPPPPPPP" + "00000000",
    );
  });

  it("refuses a request with neither id nor name (-EINVAL), an unknown op (-EOPNOTSUPP) and a family without policies (-ENODATA)", async () => {
    const k = boot();
    const none = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 1, G.CTRL_CMD_GETPOLICY, 1);
    const op = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 2, G.CTRL_CMD_GETPOLICY, 1, [[G.CTRL_ATTR_FAMILY_ID, Uint8Array.of(0x10, 0)], [G.CTRL_ATTR_OP, Uint8Array.of(99, 0, 0, 0)]]);
    const dquot = genl_msg(G.GENL_ID_CTRL, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 3, G.CTRL_CMD_GETPOLICY, 1, [[G.CTRL_ATTR_FAMILY_ID, Uint8Array.of(0x11, 0)]]);
    const { replies } = await exchange(k, [none, op, dquot], { cap_ack: true });
    expect(replies.map((r) => r.map((d) => d.slice(32, 40)))).toEqual([["eaffffff"], ["a1ffffff"], ["c3ffffff"]]);
  });
});

describe("genl dispatch (kernel-net-facts §2.4)", () => {
  it("unknown family -ENOENT, short message -EINVAL, unknown cmd -EOPNOTSUPP, dump without dumpit -EOPNOTSUPP", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    const short = new NL.NlBuf();
    const at = short.nlmsg_put(0, 4, 0x13, NL.NLM_F_REQUEST);
    short.nlmsg_end(at);
    const { replies } = await exchange(k, [
      genl_msg(0x3ff, NL.NLM_F_REQUEST, 1, 1, 1),
      short.bytes(),
      genl_msg(0x13, NL.NLM_F_REQUEST, 3, 99, 1),
      genl_msg(0x13, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 5, 2, 1),
    ], { cap_ack: true });
    expect(replies.map((r) => r.map((d) => d.slice(32, 40)))).toEqual([["feffffff"], ["eaffffff"], ["a1ffffff"], ["a1ffffff"]]);
  });

  it("strict validation for gnl_foobar_xmpl: attribute type 0, 2 (the slot past the policy) and 3 are refused", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    const reqs = [0, 2, 3].map((t) => genl_msg(0x13, NL.NLM_F_REQUEST, t, 1, 1, [[t, str("hi")]]));
    const unterminated = genl_msg(0x13, NL.NLM_F_REQUEST, 4, 1, 1, [[1, new TextEncoder().encode("hi")]]);
    const { replies } = await exchange(k, [...reqs, unterminated], { ext_ack: true, cap_ack: true });
    const msg = (r: string): string => Buffer.from(r.replaceAll("P", "0"), "hex").subarray(36).toString("latin1");
    expect(replies.map((r) => r[0].slice(32, 40))).toEqual(["eaffffff", "eaffffff", "eaffffff", "eaffffff"]);
    expect(msg(replies[0][0])).toContain("Unknown attribute type");
    expect(msg(replies[1][0])).toContain("Unsupported attribute");
    expect(msg(replies[2][0])).toContain("Unknown attribute type");
    expect(msg(replies[3][0])).toContain("Attribute failed policy validation");
  });
});

describe("gnl_foobar_xmpl (seed-originals §A)", () => {
  it("registers as 0x13 and echoes with seq + 1 and version 1; logs each call", async () => {
    const k = boot();
    expect((await sh(k, "insmod gnl_foobar_xmpl")).output).toBe(
      "gnl_foobar_xmpl: loading out-of-tree module taints kernel.\n" +
        "gnl_foobar_xmpl: Generic Netlink Example Module inserted.\n" +
        "gnl_foobar_xmpl: successfully registered custom Netlink family 'gnl_foobar_xmpl' using Generic Netlink.\n",
    );
    const msg = "Hello World from C user program (using raw sockets)!";
    const echo = genl_msg(0x13, NL.NLM_F_REQUEST, 0, 1, 1, [[1, str(msg)]]);
    expect(echo.length).toBe(80);
    const { replies } = await exchange(k, [GETFAMILY("gnl_foobar_xmpl", NL.NLM_F_REQUEST, 0), echo]);
    /* 116 bytes: the 2021 strace's 96 predates the second op (REPLY_WITH_NLMSG_ERR) */
    expect(replies[0][0].slice(0, 8)).toBe("74000000");
    expect(replies[0][0]).toContain("06000100" + "13000000");
    expect(replies[1]).toEqual(["50000000" + "1300" + "0000" + "01000000" + "PPPPPPPP" + "01010000" + "39000100" + hex(str(msg)) + "000000"]);
    expect((await sh(k, "dmesg | grep -c 'gnl_cb_echo_doit() invoked'")).stdout).toBe("1\n");
    expect((await sh(k, "dmesg -t | grep received")).stdout).toBe("gnl_foobar_xmpl: received: 'Hello World from C user program (using raw sockets)!'\n");
  });

  it("dumps three messages with seq 0, 1, 2, then NLMSG_DONE, paced by the reader, logging every call", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl; dmesg -C");
    const dump = genl_msg(0x13, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 0, 1, 1, [[1, str("x")]]);
    const { replies } = await exchange(k, [dump]);
    const seqs = replies[0].map((d) => [d.slice(8, 12), d.slice(16, 24)]);
    expect(seqs).toEqual([["1300", "00000000"], ["1300", "01000000"], ["1300", "02000000"], ["0300", "00000000"]]);
    expect(replies[0][3]).toBe("14000000" + "0300" + "0200" + "00000000" + "PPPPPPPP" + "00000000");
    const log = (await sh(k, "dmesg -t | grep gnl")).stdout;
    expect(log).toBe(
      "gnl_foobar_xmpl: gnl_cb_echo_dumpit_before: dump started. acquire lock. initialize dump runs_to_go (number of receives userland can make) to 3 runs\n" +
        "gnl_foobar_xmpl: Called gnl_cb_echo_dumpit()\ngnl_foobar_xmpl: gnl_cb_echo_dumpit: 2 more runs to do\n" +
        "gnl_foobar_xmpl: Called gnl_cb_echo_dumpit()\ngnl_foobar_xmpl: gnl_cb_echo_dumpit: 1 more runs to do\n" +
        "gnl_foobar_xmpl: Called gnl_cb_echo_dumpit()\ngnl_foobar_xmpl: gnl_cb_echo_dumpit: 0 more runs to do\n" +
        "gnl_foobar_xmpl: Called gnl_cb_echo_dumpit()\ngnl_foobar_xmpl: no more data to send in dumpit cb\n" +
        "gnl_foobar_xmpl: gnl_cb_echo_dumpit_before_after: dump done. release lock\n",
    );
  });

  it("answers REPLY_WITH_NLMSG_ERR with -22 and the whole 56-byte request", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    const req = genl_msg(0x13, NL.NLM_F_REQUEST, 0, 2, 1, [[1, str("We expect this message to fail")]]);
    expect(req.length).toBe(56);
    const { replies } = await exchange(k, [req]);
    expect(replies[0]).toEqual(["4c000000" + "0200" + "0000" + "00000000" + "PPPPPPPP" + "eaffffff" + hex(req)]);
  });

  it("holds the module during a dump (rmmod refused), and a re-registered family gets the next id", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    install(k, "/bin/half", async () => {
      const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_GENERIC);
      const dump = genl_msg(0x13, NL.NLM_F_REQUEST | NL.NLM_F_DUMP, 0, 1, 1);
      await S.send(fd, dump, dump.length, 0);
      await spawn_wait("rmmod gnl_foobar_xmpl");
      return 0;
    });
    expect((await run(k, ["/bin/half"])).output).toContain("rmmod: can't unload module 'gnl_foobar_xmpl': Resource temporarily unavailable\n");
    expect((await sh(k, "rmmod gnl_foobar_xmpl && insmod gnl_foobar_xmpl && lsmod")).code).toBe(0);
    const { replies } = await exchange(k, [GETFAMILY("gnl_foobar_xmpl")]);
    expect(replies[0][0]).toContain("06000100" + "14000000");
  });
});

/** Run `sh -c CMD` from inside a program, on its terminal, and wait for it. */
async function spawn_wait(cmd: string): Promise<void> {
  const child = posix_spawn("/bin/sh", ["sh", "-c", cmd], ["PATH=/sbin:/bin"]);
  if (!child.err) await waitpid(child.pid);
}

describe("multicast (genl_ctrl_event)", () => {
  it("a member of nlctrl's notify group (0x10) hears NEWFAMILY and DELFAMILY", async () => {
    const k = boot();
    let got = "";
    install(k, "/bin/listen", async () => {
      const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_GENERIC);
      /* bound first: do_one_broadcast() skips a socket whose port id (0 when unbound) is the sender's */
      const addr = new Uint8Array(12);
      new DataView(addr.buffer).setUint16(0, S.AF_NETLINK, true);
      await S.bind(fd, addr, 12);
      const grp = new Uint8Array(new Uint32Array([G.GENL_ID_CTRL]).buffer);
      await S.setsockopt(fd, NL.SOL_NETLINK, NL.NETLINK_ADD_MEMBERSHIP, grp, 4);
      await spawn_wait("insmod gnl_foobar_xmpl; rmmod gnl_foobar_xmpl");
      for (;;) {
        const buf = new Uint8Array(4096);
        const n = await S.recv(fd, buf, buf.length, S.MSG_DONTWAIT);
        if (n < 0) break;
        got += hex(buf.subarray(4, 6)) + hex(buf.subarray(16, 17)) + " ";
      }
      return 0;
    });
    await run(k, ["/bin/listen"]);
    /* NEWFAMILY (1), then DELFAMILY (2), both from nlctrl (0x10) */
    expect(got).toBe("1000" + "01 " + "1000" + "02 ");
  });
});

describe("NETLINK_ADD_MEMBERSHIP on NETLINK_GENERIC (NL_CFG_F_NONROOT_RECV)", () => {
  it("lets a user join a group, refuses 0 and numbers past 32, and lists memberships", async () => {
    const k = boot();
    install(k, "/bin/join", async () => {
      const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_GENERIC);
      const opt = (v: number): Uint8Array => new Uint8Array(new Uint32Array([v]).buffer);
      const res: number[] = [];
      for (const g of [16, 0, 33, 17]) res.push(await S.setsockopt(fd, NL.SOL_NETLINK, NL.NETLINK_ADD_MEMBERSHIP, opt(g), 4));
      const list = new Uint8Array(4);
      const len = { value: 4 };
      await S.getsockopt(fd, NL.SOL_NETLINK, NL.NETLINK_LIST_MEMBERSHIPS, list, len);
      printf("%s %d %08x\n", res.join(" "), len.value, new DataView(list.buffer).getUint32(0, true));
      return 0;
    });
    expect((await run(k, ["/bin/join"], { cred: USER })).stdout).toBe("0 -1 -1 0 4 00018000\n");
  });
});

describe("robustness", () => {
  it("answers thousands of malformed messages with the kernel's errors and keeps working", async () => {
    const k = boot();
    await sh(k, "insmod gnl_foobar_xmpl");
    /* mulberry32, seeded: the same messages every run */
    let seed = 12345;
    const rnd = (n: number): number => {
      let t = (seed = (seed + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const reqs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = rnd(8);
      const type = [0x10, 0x11, 0x13, 0x3ff, 0x12][rnd(5)];
      const attrs: [number, Uint8Array][] = [];
      for (let j = rnd(4); j > 0; j--) {
        const len = [0, 1, 3, 15, 16, 17, 300, 70000 % 4000][rnd(8)];
        attrs.push([rnd(12) | (rnd(4) === 0 ? 0x8000 : 0), new Uint8Array(len).map(() => rnd(3) ? 0x41 : 0)]);
      }
      let m = genl_msg(type, NL.NLM_F_REQUEST | (rnd(2) ? NL.NLM_F_ACK : 0) | (rnd(6) ? 0 : NL.NLM_F_DUMP), i, rnd(12), rnd(3), attrs);
      if (kind === 0) m = m.subarray(0, rnd(m.length));
      if (kind === 1) new DataView(m.buffer, m.byteOffset).setUint32(0, rnd(200), true);
      if (kind === 2 && m.length > 24) new DataView(m.buffer, m.byteOffset).setUint16(20, rnd(0x10000), true);
      /* every tenth is a good echo with NLM_F_ACK: a reply and an ack in between the garbage */
      if (i % 10 === 9) m = genl_msg(0x13, NL.NLM_F_REQUEST | NL.NLM_F_ACK, i, 1, 1, [[1, str("still there?")]]);
      reqs.push(m);
    }
    const codes = new Map<number, number>();
    let other = 0;
    let wrong_seq = 0;
    install(k, "/bin/fuzz", async () => {
      for (let i = 0; i < reqs.length; i += 100) {
        const fd = await S.socket(S.AF_NETLINK, S.SOCK_RAW, NL.NETLINK_GENERIC);
        for (const [j, r] of reqs.slice(i, i + 100).entries()) {
          await S.send(fd, r, r.length, 0);
          for (;;) {
            const buf = new Uint8Array(8192);
            const n = await S.recv(fd, buf, buf.length, S.MSG_DONTWAIT);
            if (n < 0) break;
            const v = new DataView(buf.buffer);
            if (v.getUint16(4, true) !== NL.NLMSG_ERROR) {
              other++;
              continue;
            }
            /* a datagram longer than its first message's nlmsg_len goes on with whatever follows */
            const whole = r.length >= 4 && new DataView(r.buffer, r.byteOffset).getUint32(0, true) === r.length;
            if (whole && v.getUint32(8, true) !== i + j) wrong_seq++;
            codes.set(v.getInt32(16, true), (codes.get(v.getInt32(16, true)) ?? 0) + 1);
          }
        }
        close(fd);
      }
      return 0;
    });
    await run(k, ["/bin/fuzz"]);
    /* every answer is an ack or one of the errors genetlink.c and nlattr.c return, for the request it answers */
    expect([...codes.keys()].sort((a, b) => a - b)).toEqual([-95, -22, -2, 0]);
    expect(codes.get(0)).toBe(300);
    expect([...codes.values()].reduce((a, b) => a + b)).toBeGreaterThan(2000);
    expect(wrong_seq).toBe(0);
    expect(other).toBeGreaterThanOrEqual(300);
    const log = (await sh(k, "dmesg -t | cat")).stdout;
    expect(log).not.toMatch(/Oops|Internal error|cut here|kplay:/);
    /* printk_ratelimited: at most 10 per 5 seconds from one call site */
    const leftover = log.match(/^netlink: \d+ bytes leftover after parsing attributes in process `fuzz'\.$/gm) ?? [];
    expect(leftover.length).toBe(10);
    const { replies } = await exchange(k, [GETFAMILY("gnl_foobar_xmpl")]);
    expect(replies[0][0]).toContain("06000100" + "13000000");
    expect((await sh(k, "rmmod gnl_foobar_xmpl && lsmod")).code).toBe(0);
  });
});
