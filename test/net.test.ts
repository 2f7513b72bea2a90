// The socket layer: family and proto registries, module references held by sockets, and the
// /proc/net/protocols format (kernel-core-facts §1-§4).
import { describe, expect, it } from "vitest";
import { boot, sh } from "./helpers.js";
import { run_as } from "../src/kernel/sched/task.js";
import { net_families, sock_register, sock_unregister, __sock_create, sock_release } from "../src/net/socket.js";
import { proto_list, proto_register, proto_seq_line, proto_unregister, type Proto } from "../src/net/core/sock.js";
import { EAFNOSUPPORT, EEXIST, EINVAL, ENOBUFS } from "../src/include/uapi/errno.js";
import { Module } from "../src/kernel/module/module.js";
import type { Kernel } from "../src/kernel/kernel.js";

function logged(k: Kernel, from: number): string[] {
  const out: string[] = [];
  for (let s = from; s < k.printk.prb.last_seq; s++) out.push(k.printk.prb.read(s)!.text);
  return out;
}

describe("sock_register", () => {
  it("prints the 5.15 line on success and on -EEXIST, and refuses families >= NPROTO", () => {
    const k = boot();
    const from = k.printk.prb.last_seq;
    run_as(k.init_task, () => {
      const fam = { family: 45, create: () => 0 };
      expect(sock_register(fam)).toBe(0);
      expect(sock_register({ ...fam })).toBe(-EEXIST);
      expect(net_families()[45]).toBe(fam);
      expect(sock_register({ family: 46, create: () => 0 })).toBe(-ENOBUFS);
      sock_unregister(45);
      expect(net_families()[45]).toBeNull();
    });
    expect(logged(k, from)).toEqual([
      "NET: Registered PF_MCTP protocol family",
      "NET: Registered PF_MCTP protocol family",
      "protocol 46 >= NPROTO(46)",
      "NET: Unregistered PF_MCTP protocol family",
    ]);
  });

  it("checks family and type before looking for a family (__sock_create)", async () => {
    const k = boot();
    await run_as(k.init_task, async () => {
      expect(await __sock_create(-1, 1, 0, 0)).toBe(-EAFNOSUPPORT);
      expect(await __sock_create(46, 1, 0, 0)).toBe(-EAFNOSUPPORT);
      expect(await __sock_create(45, 11, 0, 0)).toBe(-EINVAL);
      expect(await __sock_create(45, 1, 0, 0)).toBe(-EAFNOSUPPORT);
    });
  });
});

describe("proto_register and /proc/net/protocols", () => {
  it("lists protocols newest first in 5.15's columns", () => {
    const k = boot();
    run_as(k.init_task, () => {
      const a: Proto = { name: "AAA", obj_size: 100 };
      const b: Proto = { name: "UNIX-STREAM", obj_size: 1024, close: () => 0, unhash: () => 0 };
      proto_register(a, 0);
      proto_register(b, 1);
      expect(proto_list().map((p) => p.name)).toEqual(["UNIX-STREAM", "AAA", "PACKET", "RAW", "UDP", "TCP", "NETLINK"]);
      expect(proto_seq_line(b)).toBe("UNIX-STREAM 1024      0      -1   NI       0   yes  kernel      y  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  y  n  n\n");
      proto_unregister(a);
      expect(proto_list().map((p) => p.name)).toEqual(["UNIX-STREAM", "PACKET", "RAW", "UDP", "TCP", "NETLINK"]);
    });
  });

  it("shows the tutorial's MYSOCK row under the header", async () => {
    const k = boot();
    const r = await sh(k, "insmod socket_demo >/dev/null; cat /proc/net/protocols");
    expect(r.stdout).toBe(
      "protocol  size sockets  memory press maxhdr  slab module     cl co di ac io in de sh ss gs se re sp bi br ha uh gp em\n" +
        "MYSOCK     504      0      -1   NI       0   no   socket_demo  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n\n" +
        "PACKET    1016      0      -1   NI       0   no   kernel      n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n\n" +
        "RAW        696      0      -1   NI       0   yes  kernel      y  y  y  n  y  y  y  n  y  y  y  y  n  y  y  y  y  n  n\n" +
        "UDP        704      0       0   NI       0   yes  kernel      y  y  y  n  y  y  y  n  y  y  y  y  y  n  n  y  y  y  n\n" +
        "TCP       1720      0       0   no     256   yes  kernel      y  y  y  y  y  y  y  y  y  y  y  y  y  n  y  y  y  y  y\n" +
        "NETLINK    736      0      -1   NI       0   no   kernel      n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n\n",
    );
  });
});

describe("module references held by sockets", () => {
  it("holds one reference for the sock and one for the ops while a socket is open", async () => {
    const k = boot();
    await sh(k, "insmod socket_demo");
    const mod = k.modules.find("socket_demo")!;
    await run_as(k.init_task, async () => {
      const sock = await __sock_create(45, 1, 0, 0);
      if (typeof sock === "number") throw new Error(`socket: ${sock}`);
      expect(mod.refcnt).toBe(2);
      await sock_release(sock);
      expect(mod.refcnt).toBe(1);
    });
  });

  it("drops both when a family frees its sock on release", async () => {
    const k = boot();
    await sh(k, "insmod sockno_demo");
    const mod: Module = k.modules.find("sockno_demo")!;
    const r = await sh(k, "socktest 44 stream; lsmod");
    expect(r.stdout).toContain("sockno_demo            16384  0 \n");
    expect(mod.refcnt).toBe(0);
  });
});
