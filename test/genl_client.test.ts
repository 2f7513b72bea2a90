// The gnl_foobar_xmpl clients and genl (seed-originals §A.3-A.5, kernel-net-facts §2.8): the bytes
// each one sends, checked against the layout of the original's strace, the replies it reads from
// the real kernel, and what it prints, with the family loaded and without it.
import { afterEach, describe, expect, it } from "vitest";
import { boot, run, sh, USER } from "./helpers.js";
import { netlink_ops, type NetlinkSock } from "../src/net/netlink/af_netlink.js";
import { IovIter, type Msghdr } from "../src/net/core/msghdr.js";
import { UserPtr } from "../src/kernel/uaccess.js";
import { current } from "../src/kernel/sched/task.js";
import type { Socket } from "../src/net/socket.js";
import type { Kernel } from "../src/kernel/kernel.js";
import { MSG_PEEK } from "../src/include/uapi/socket.js";

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const le16 = (v: number): string => hex(new Uint8Array(new Uint16Array([v]).buffer));
const le32 = (v: number): string => hex(new Uint8Array(new Uint32Array([v]).buffer));
const cstr = (s: string): string => hex(new TextEncoder().encode(s)) + "00";

/** One datagram a process sent to or read from a netlink socket (a read without MSG_PEEK). */
interface Io {
  dir: "send" | "recv";
  pid: number;
  /** The socket's port id after the call. */
  port: number;
  bytes: Uint8Array;
  /** time(NULL) when it happened */
  time: number;
}

/** A field of the nlmsghdr at the start of `b`. */
const hdr = (b: Uint8Array): { len: number; type: number; flags: number; seq: number; pid: number } => {
  const d = new DataView(b.buffer, b.byteOffset);
  return { len: d.getUint32(0, true), type: d.getUint16(4, true), flags: d.getUint16(6, true), seq: d.getUint32(8, true), pid: d.getUint32(12, true) };
};

const saved = { sendmsg: netlink_ops.sendmsg, recvmsg: netlink_ops.recvmsg };
afterEach(() => Object.assign(netlink_ops, saved));

/** strace for AF_NETLINK: log every datagram sent and read through netlink sockets, in order. */
function strace(): Io[] {
  const log: Io[] = [];
  const now = (): number => {
    const c = current().kernel.clock;
    return Math.floor(c.bootEpochMs / 1000 + Math.floor(c.now()) / 1e9);
  };
  const ops = netlink_ops as unknown as Record<string, unknown>;
  ops.sendmsg = (sock: Socket, msg: Msghdr, len: number) => {
    const bytes = new Uint8Array(len);
    msg.msg_iter.copy_from(bytes, len);
    msg.msg_iter = new IovIter([{ iov_base: new UserPtr(bytes), iov_len: len }]);
    const io: Io = { dir: "send", pid: current().pid, port: 0, bytes, time: now() };
    log.push(io);
    const r = saved.sendmsg(sock, msg, len);
    io.port = (sock.sk as NetlinkSock).portid;
    return r;
  };
  ops.recvmsg = async (sock: Socket, msg: Msghdr, len: number, flags: number) => {
    const it = msg.msg_iter;
    let got: Uint8Array | null = null;
    msg.msg_iter = Object.assign(Object.create(it) as IovIter, { copy_to: (from: Uint8Array, n: number) => ((got = from.slice()), it.copy_to(from, n)) });
    const r = await saved.recvmsg(sock, msg, len, flags);
    if (got && !(flags & MSG_PEEK)) log.push({ dir: "recv", pid: current().pid, port: (sock.sk as NetlinkSock).portid, bytes: got, time: now() });
    return r;
  };
  return log;
}

async function loaded(): Promise<Kernel> {
  const k = boot();
  await sh(k, "insmod gnl_foobar_xmpl");
  return k;
}

const FAMILY = 0x13;
/** CTRL_CMD_GETFAMILY's attribute: CTRL_ATTR_FAMILY_NAME "gnl_foobar_xmpl" (nla_len 20) */
const NAME_ATTR = "1400" + "0200" + cstr("gnl_foobar_xmpl");

describe("gnl_user_pure (user-c/user-pure.c)", () => {
  it("asks for the family in 40 bytes and echoes in 80, seq 0 and nlmsg_pid = getpid(); the reply has seq 1", async () => {
    const k = await loaded();
    const log = strace();
    const r = await run(k, ["gnl_user_pure"]);
    expect(r.stdout).toBe(
      "[User-C-Pure] extracted family id is: 19\n" +
        "[User-C-Pure] Sent to kernel: Hello World from C user program (using raw sockets)!\n" +
        "[User-C-Pure] Kernel replied: 'Hello World from C user program (using raw sockets)!'\n",
    );
    expect(r.code).toBe(0);
    expect(log.map((io) => io.dir)).toEqual(["send", "recv", "send", "recv"]);
    const [getfamily, reply, echo, echoed] = log;
    const pid = le32(getfamily.pid);
    expect(getfamily.port).toBe(getfamily.pid);
    // len=40, type=nlctrl, flags=NLM_F_REQUEST, seq=0, pid=<getpid>; cmd 3 version 1
    expect(hex(getfamily.bytes)).toBe("28000000" + "1000" + "0100" + "00000000" + pid + "03010000" + NAME_ATTR);
    // CTRL_ATTR_FAMILY_ID is the reply's second attribute
    expect(hex(reply.bytes.subarray(20, 48))).toBe(NAME_ATTR + "0600" + "0100" + le16(FAMILY) + "0000");
    const msg = cstr("Hello World from C user program (using raw sockets)!");
    // len=80, type=family, flags=NLM_F_REQUEST, seq=0; cmd 1 version 1; MSG with nla_len 57 (52 + NUL + 4)
    expect(hex(echo.bytes)).toBe("50000000" + le16(FAMILY) + "0100" + "00000000" + pid + "01010000" + "3900" + "0100" + msg + "000000");
    expect(hdr(echoed.bytes)).toEqual({ len: 80, type: FAMILY, flags: 0, seq: 1, pid: echo.pid });
    expect(hex(echoed.bytes.subarray(16, 80))).toBe("01010000" + "3900" + "0100" + msg + "000000");
  });

  it("without the family: receive error, id -1, the echo to type 0xffff comes back as NLMSG_ERROR; exit 0", async () => {
    const k = boot();
    const log = strace();
    const r = await run(k, ["gnl_user_pure"]);
    expect(r.output).toBe(
      "[User-C-Pure] family ID request : receive error\n" +
        "[User-C-Pure] error validating family id request result: receive error\n" +
        "[User-C-Pure] extracted family id is: -1\n" +
        "[User-C-Pure] Sent to kernel: Hello World from C user program (using raw sockets)!\n" +
        "[User-C-Pure] Error while receiving reply from kernel: NACK Received\n" +
        "[User-C-Pure] error receiving custom message result\n",
    );
    expect(r.stderr).toBe(
      "[User-C-Pure] family ID request : receive error\n[User-C-Pure] error validating family id request result: receive error\n[User-C-Pure] error receiving custom message result\n",
    );
    expect(r.code).toBe(0);
    expect(hdr(log[2].bytes).type).toBe(0xffff);
    // NLMSG_ERROR -ENOENT with the whole 80-byte request
    expect(hex(log[3].bytes.subarray(0, 20))).toBe("64000000" + "0200" + "0000" + "00000000" + le32(log[2].pid) + "feffffff");
  });
});

describe("gnl_user_libnl (user-c/user-libnl.c on libnl-3)", () => {
  it("resolves with seq = time(NULL), REQUEST|ACK and its generated port; echoes in 76 bytes with seq + 1; leaves the last ACK unread", async () => {
    const k = await loaded();
    const log = strace();
    const r = await run(k, ["gnl_user_libnl"]);
    expect(r.stdout).toBe(
      "[User-C-libnl] Family-ID of generic netlink family 'gnl_foobar_xmpl' is: 19\n" +
        "[User-C-libnl] Sent to kernel: 'Hello World from Userland with libnl & libnl-genl'\n" +
        "[User-C-libnl] Kernel replied: 'Hello World from Userland with libnl & libnl-genl'\n",
    );
    expect(r.code).toBe(0);
    expect(log.map((io) => io.dir)).toEqual(["send", "recv", "recv", "send", "recv"]);
    const [getfamily, reply, ack, echo, echoed] = log;
    const port = getfamily.port;
    // generate_local_port(): the pid in the low 22 bits, a block number above
    expect(port & 0x3fffff).toBe(getfamily.pid);
    expect(port >>> 22).toBeGreaterThan(0);
    const seq = getfamily.time;
    expect(hex(getfamily.bytes)).toBe("28000000" + "1000" + "0500" + le32(seq) + le32(port) + "03010000" + NAME_ATTR);
    expect(hdr(reply.bytes)).toMatchObject({ type: 0x10, flags: 0, seq, pid: port });
    expect(hdr(ack.bytes)).toMatchObject({ len: 36, type: 2, flags: 0x100, seq, pid: port });
    // len=76, flags=NLM_F_REQUEST|NLM_F_ACK, seq+1; MSG nla_len 54 (49 + NUL + 4), padded to 56
    const msg = cstr("Hello World from Userland with libnl & libnl-genl");
    expect(hex(echo.bytes)).toBe("4c000000" + le16(FAMILY) + "0500" + le32(seq + 1) + le32(port) + "01010000" + "3600" + "0100" + msg + "0000");
    expect(hdr(echoed.bytes)).toMatchObject({ len: 76, flags: 0, seq: seq + 2, pid: port });
  });

  it("without the family: NOT REGISTERED on stderr and exit(-1), status 255", async () => {
    const k = boot();
    const r = await run(k, ["gnl_user_libnl"]);
    expect(r.output).toBe("[User-C-libnl] generic netlink family 'gnl_foobar_xmpl' NOT REGISTERED\n");
    expect(r.stderr).toBe(r.output);
    expect(r.code).toBe(255);
  });
});

describe("the neli 0.6.0 binaries (user-rust/src/bin/)", () => {
  it("gnl_echo: GETFAMILY version 2 with REQUEST|ACK, seq 0, pid 0; an 80-byte echo with pid = process id; reply seq 1", async () => {
    const k = await loaded();
    const log = strace();
    const r = await run(k, ["gnl_echo"]);
    const msg = "Some data that has `Nl` trait implemented, like &str";
    expect(r.stdout).toBe(
      `Rust-Binary: echo\n[User-Rust]: Generic family number is 19\n[User-Rust]: Sending '${msg}' via netlink\n[User-Rust]: Received from kernel: '${msg}'\n`,
    );
    expect(log.map((io) => io.dir)).toEqual(["send", "recv", "recv", "send", "recv"]);
    const [getfamily, , ack, echo, echoed] = log;
    expect(hex(getfamily.bytes)).toBe("28000000" + "1000" + "0500" + "00000000" + "00000000" + "03020000" + NAME_ATTR);
    expect(hdr(ack.bytes)).toMatchObject({ type: 2, flags: 0x100, seq: 0, pid: getfamily.pid });
    expect(hex(echo.bytes)).toBe("50000000" + le16(FAMILY) + "0100" + "00000000" + le32(echo.pid) + "01010000" + "3900" + "0100" + cstr(msg) + "000000");
    expect(hdr(echoed.bytes)).toMatchObject({ len: 80, seq: 1, flags: 0 });
  });

  it("gnl_echo_dump: two NLM_F_REQUEST|NLM_F_DUMP requests, three messages with seq 0, 1, 2 and NLMSG_DONE each", async () => {
    const k = await loaded();
    const log = strace();
    const r = await run(k, ["gnl_echo_dump"]);
    const line = (seq: number): string =>
      `[User-Rust]: Received from kernel from .dumpit callback: [seq=${seq}] 'You set the flag NLM_F_DUMP; this message is brought to you by .dumpit callback :)'\n`;
    const round = "[User-Rust]: Requested DUMP via netlink\n" + line(0) + line(1) + line(2) + "Received NLMSG_DONE\n";
    expect(r.stdout).toBe("Rust-Binary: echo_with_dump_flag\n" + round + round);
    const sends = log.filter((io) => io.dir === "send");
    expect(sends.map((io) => hex(io.bytes.subarray(0, 8)))).toEqual(["28000000" + "1000" + "0500", "50000000" + le16(FAMILY) + "0103", "50000000" + le16(FAMILY) + "0103"]);
    const reads = log.filter((io) => io.dir === "recv").slice(2);
    expect(reads.map((io) => [hdr(io.bytes).type, hdr(io.bytes).seq, hdr(io.bytes).flags])).toEqual([
      ...[0, 1, 2].map((s) => [FAMILY, s, 0]),
      [3, 0, 2],
      ...[0, 1, 2].map((s) => [FAMILY, s, 0]),
      [3, 0, 2],
    ]);
  });

  it("gnl_reply_with_error: a 56-byte request, -22 and the echoed request as neli's NlmsghdrErr, one line per byte", async () => {
    const k = await loaded();
    const log = strace();
    const r = await run(k, ["gnl_reply_with_error"]);
    const req = log[3];
    expect(hex(req.bytes)).toBe("38000000" + le16(FAMILY) + "0100" + "00000000" + le32(req.pid) + "02010000" + "2300" + "0100" + cstr("We expect this message to fail") + "00");
    expect(hex(log[4].bytes.subarray(0, 20))).toBe("4c000000" + "0200" + "0000" + "00000000" + le32(req.pid) + "eaffffff");
    const bytes = [...new TextEncoder().encode("We expect this message to fail"), 0].map((b) => `                            ${b},\n`).join("");
    expect(r.stdout).toBe(
      "Rust-Binary: reply_with_error\n" +
        "Inside the kernel this error code occurred: -22\n" +
        "ECHO-attribute was: We expect this message to fail\n" +
        "NlMsg that caused the error: NlmsghdrErr {\n" +
        "    nl_len: 56,\n" +
        "    nl_type: 19,\n" +
        "    nl_flags: NlmFFlags(\n        FlagBuffer(\n            1,\n            PhantomData,\n        ),\n    ),\n" +
        "    nl_seq: 0,\n" +
        `    nl_pid: ${req.pid},\n` +
        "    nl_payload: Genlmsghdr {\n" +
        "        cmd: ReplyWithNlmsgErr,\n        version: 1,\n        reserved: 0,\n" +
        "        attrs: GenlBuffer(\n            [\n                Nlattr {\n" +
        "                    nla_len: 35,\n" +
        "                    nla_type: AttrType {\n                        nla_nested: false,\n                        nla_network_order: false,\n                        nla_type: Msg,\n                    },\n" +
        "                    nla_payload: Buffer(\n                        [\n" +
        bytes +
        "                        ],\n                    ),\n                },\n            ],\n        ),\n    },\n}\n" +
        "Everything okay; successfully received error\n",
    );
  });

  it("without the family: neli's NlError::Nlmsgerr for -ENOENT ({:#?}, or {} for the dump binary), exit 0", async () => {
    const k = boot();
    const name = [...new TextEncoder().encode("gnl_foobar_xmpl"), 0].map((b) => `                                    ${b},\n`).join("");
    const pretty =
      "Nlmsgerr(\n    Nlmsgerr {\n        error: -2,\n        nlmsg: NlmsghdrErr {\n            nl_len: 40,\n            nl_type: Ctrl,\n" +
      "            nl_flags: NlmFFlags(\n                FlagBuffer(\n                    5,\n                    PhantomData,\n                ),\n            ),\n" +
      "            nl_seq: 0,\n            nl_pid: 0,\n            nl_payload: Genlmsghdr {\n                cmd: Getfamily,\n                version: 2,\n                reserved: 0,\n" +
      "                attrs: GenlBuffer(\n                    [\n                        Nlattr {\n                            nla_len: 20,\n" +
      "                            nla_type: AttrType {\n                                nla_nested: false,\n                                nla_network_order: false,\n                                nla_type: FamilyName,\n                            },\n" +
      "                            nla_payload: Buffer(\n                                [\n" +
      name +
      "                                ],\n                            ),\n                        },\n                    ],\n                ),\n            },\n        },\n    },\n)";
    const cant = "The Netlink family 'gnl_foobar_xmpl' can't be found. Is the kernel module loaded yet? neli-error=";
    for (const [prog, banner] of [["gnl_echo", "echo"], ["gnl_reply_with_error", "reply_with_error"]]) {
      const r = await run(k, [prog]);
      expect(r.stdout).toBe(`Rust-Binary: ${banner}\n`);
      expect(r.stderr).toBe(`${cant}'${pretty}'\n`);
      expect(r.code).toBe(0);
    }
    const r = await run(k, ["gnl_echo_dump"]);
    expect(r.output).toBe(`Rust-Binary: echo_with_dump_flag\n${cant}'Error response received from netlink: No such file or directory (os error 2)'\n`);
    expect(r.code).toBe(0);
  });

  it("runs for an unprivileged user as for root", async () => {
    const k = await loaded();
    const r = await run(k, ["gnl_echo"], { cred: USER });
    expect(r.stdout).toContain("[User-Rust]: Received from kernel: 'Some data");
  });
});

describe("genl (iproute2 v5.15.0)", () => {
  const NLCTRL =
    "\nName: nlctrl\n\tID: 0x10  Version: 0x2  header size: 0  max attribs: 0 \n\tcommands supported: \n" +
    "\t\t#1:  ID-0x3 \n\t\tCapabilities (0xe):\n \t\t  can doit; can dumpit; has policy\n\n" +
    "\t\t#2:  ID-0xa \n\t\tCapabilities (0xc):\n \t\t  can dumpit; has policy\n\n\n" +
    "\tmulticast groups:\n\t\t#1:  ID-0x10  name: notify \n\n";
  const DQUOT = "\nName: VFS_DQUOT\n\tID: 0x11  Version: 0x1  header size: 0  max attribs: 7 \n\tmulticast groups:\n\t\t#1:  ID-0x11  name: events \n\n";

  it("ctrl list prints every family as kernel-net-facts §2.8 shows; get name/id print one", async () => {
    const k = boot();
    expect((await run(k, ["genl", "ctrl", "list"])).stdout).toBe(NLCTRL + DQUOT);
    expect((await run(k, ["genl", "ctrl", "show"])).stdout).toBe(NLCTRL + DQUOT);
    expect((await run(k, ["genl", "ctrl", "get", "name", "nlctrl"])).stdout).toBe(NLCTRL);
    expect((await run(k, ["genl", "ctrl", "get", "id", "0x10"])).stdout).toBe(NLCTRL);
    expect((await run(k, ["genl", "ctrl", "get", "id", "17"])).stdout).toBe(DQUOT);
  });

  it("sends get as NLM_F_REQUEST|NLM_F_ACK with seq time(NULL) + 1 and the name with its NUL; list as a dump", async () => {
    const k = boot();
    const log = strace();
    await run(k, ["genl", "ctrl", "get", "name", "nlctrl"]);
    const get = log[0];
    expect(hex(get.bytes)).toBe("20000000" + "1000" + "0500" + le32(get.time + 1) + "00000000" + "03000000" + "0b00" + "0200" + cstr("nlctrl") + "00");
    log.length = 0;
    await run(k, ["genl", "ctrl", "get", "id", "0x11"]);
    expect(hex(log[0].bytes.subarray(16))).toBe("03000000" + "0600" + "0100" + "1100" + "0000");
    log.length = 0;
    await run(k, ["genl", "ctrl", "list"]);
    expect(hex(log[0].bytes)).toBe("14000000" + "1000" + "0103" + le32(log[0].time + 1) + "00000000" + "03000000");
  });

  it("a gnl_foobar_xmpl of version 1 has no capability lines", async () => {
    const k = await loaded();
    expect((await run(k, ["genl", "ctrl", "get", "name", "gnl_foobar_xmpl"])).stdout).toBe(
      "\nName: gnl_foobar_xmpl\n\tID: 0x13  Version: 0x1  header size: 0  max attribs: 2 \n\tcommands supported: \n\t\t#1:  ID-0x1 \n\t\t#2:  ID-0x2 \n\n",
    );
  });

  it("errors: RTNETLINK answers then Error talking to the kernel; bad ids, params and objects; usage; exit 255", async () => {
    const k = boot();
    const cases: [string[], string][] = [
      [["ctrl", "get", "name", "doesnotexist"], "RTNETLINK answers: No such file or directory\nError talking to the kernel\n"],
      [["ctrl", "get", "id", "0x99"], "RTNETLINK answers: No such file or directory\nError talking to the kernel\n"],
      [["ctrl", "get", "id", "65536"], 'Illegal "id"\n'],
      [["ctrl", "get", "id", "1x"], 'Illegal "id"\n'],
      [["ctrl", "get", "name"], "Wrong number of params\n"],
      [["ctrl", "get", "nam", "nlctrl", "x"], "Wrong number of params\n"],
      [["ctrl", "get", "label", "x"], "Wrong params\n"],
      [["ctrl"], "wrong controller params\n"],
      [["ctrl", "frob"], 'ctrl command "frob" is unknown, try "ctrl help".\n'],
      [["help"], 'Unknown genl "help", hence option "help" is unparsable\n'],
      [["-x"], 'Option "-x" is unknown, try "genl -help".\n'],
      [[], "Usage: genl [ OPTIONS ] OBJECT [help] }\nwhere  OBJECT := { ctrl etc }\n       OPTIONS := { -s[tatistics] | -d[etails] | -r[aw] | -V[ersion] | -h[elp] }\n"],
    ];
    for (const [args, err] of cases) {
      const r = await run(k, ["genl", ...args]);
      expect([args, r.stdout, r.stderr, r.code]).toEqual([args, "", err, 255]);
    }
    const help = await run(k, ["genl", "ctrl", "help"]);
    expect(help.stderr).toContain("Usage: ctrl <CMD>\nCMD   := get <PARMS> | list | monitor | policy <PARMS>\n");
    expect(help.code).toBe(255);
    expect((await run(k, ["genl", "-V"])).stdout).toBe("genl utility, iproute2-5.15.0\n");
  });

  it("ctrl monitor prints the controller's NEWFAMILY and DELFAMILY notifications", async () => {
    const k = boot();
    const r = await sh(k, "genl ctrl monitor & sleep 1; insmod gnl_foobar_xmpl; rmmod gnl_foobar_xmpl; sleep 1; kill $!");
    const fam = "\nName: gnl_foobar_xmpl\n\tID: 0x13  Version: 0x1  header size: 0  max attribs: 2 \n\tcommands supported: \n\t\t#1:  ID-0x1 \n\t\t#2:  ID-0x2 \n\n";
    expect(r.stdout).toBe(fam + fam);
  });
});
