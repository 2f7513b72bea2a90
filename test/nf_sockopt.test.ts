// nf_sockopt (kernel-net-facts §4.1-§4.3; net/netfilter/nf_sockopt.c and net/ipv4/ip_sockglue.c of
// 5.15): half-open ranges per pf, -EBUSY on overlap, what reaches a handler through
// setsockopt/getsockopt, the length written back, the owner's reference, and seed 002's program.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import { start_kernel } from "../src/init/main.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { run_as } from "../src/kernel/sched/task.js";
import { demo_modules } from "../src/modules/index.js";
import { MODULE_LICENSE, module_exit, module_init, type ModuleSource } from "../src/include/linux/module.js";
import { Module } from "../src/kernel/module/module.js";
import { copy_to_user } from "../src/kernel/uaccess.js";
import { copy_from_sockptr, KERNEL_SOCKPTR } from "../src/include/linux/sockptr.js";
import { nf_getsockopt, nf_register_sockopt, nf_setsockopt, nf_unregister_sockopt, type NfSockoptOps } from "../src/net/netfilter/nf_sockopt.js";
import type { Sock } from "../src/net/core/sock.js";
import { EBUSY, EINVAL, ENOPROTOOPT, EOPNOTSUPP, EPERM } from "../src/include/uapi/errno.js";
import { PF_INET } from "../src/include/uapi/socket.js";
import * as S from "../src/user/libc/socket.js";
import { IP_HDRINCL, SOL_IP } from "../src/user/libc/inet.js";
import { libc } from "../src/user/libc/state.js";
import type { Kernel } from "../src/kernel/kernel.js";

const PF_INET6 = 10;
const sk = {} as Sock;

function ops(pf: number, set: [number, number], get: [number, number]): NfSockoptOps {
  return { pf, set_optmin: set[0], set_optmax: set[1], set: () => 0, get_optmin: get[0], get_optmax: get[1], get: () => 0 };
}

function logged(k: Kernel, from: number): string[] {
  const out: string[] = [];
  for (let s = from; s < k.printk.prb.last_seq; s++) out.push(k.printk.prb.read(s)!.text);
  return out;
}

/** What the test module's handlers saw. */
interface Seen {
  set: { optval: number; len: number; data: string; refcnt: number }[];
  get: { optval: number; len: number; refcnt: number }[];
}

/**
 * A module claiming set [1000,1010) and get [1000,1010) of PF_INET with .owner = THIS_MODULE.
 * get copies an int 42 and reports length 3; option 1009 fails with -EPERM after changing len.
 * With `leak`, its exit forgets to unregister.
 */
function nftest(seen: Seen, leak = false): ModuleSource {
  return (THIS_MODULE) => {
    const o: NfSockoptOps = {
      pf: PF_INET,
      set_optmin: 1000,
      set_optmax: 1010,
      set: (_sk, optval, arg, len) => {
        const b = new Uint8Array(Math.min(len, 16));
        copy_from_sockptr(b, arg, b.length);
        seen.set.push({ optval, len, data: new TextDecoder().decode(b), refcnt: THIS_MODULE.refcnt });
        return 0;
      },
      get_optmin: 1000,
      get_optmax: 1010,
      get: (_sk, optval, user, len) => {
        seen.get.push({ optval, len: len.value, refcnt: THIS_MODULE.refcnt });
        len.value = 3;
        if (optval === 1009) return -EPERM;
        return copy_to_user(user, new Uint8Array([42, 0, 0, 0]), 4) ? -14 : 0;
      },
      owner: THIS_MODULE,
    };
    module_init(() => nf_register_sockopt(o));
    module_exit(() => {
      if (!leak) nf_unregister_sockopt(o);
    });
    MODULE_LICENSE("GPL");
  };
}

function boot_with(name: string, source: ModuleSource): Kernel {
  return start_kernel({ clock: new VirtualClock(), module_sources: new Map([...demo_modules, [name, source]]) });
}

describe("nf_register_sockopt", () => {
  it("refuses with -EBUSY a set range or a get range overlapping one of the same pf; ranges are half-open", () => {
    const k = boot();
    run_as(k.init_task, () => {
      const a = ops(PF_INET, [10, 20], [10, 20]);
      expect(nf_register_sockopt(a)).toBe(0);
      expect(nf_register_sockopt(ops(PF_INET, [20, 30], [20, 30]))).toBe(0);
      expect(nf_register_sockopt(ops(PF_INET, [0, 10], [0, 10]))).toBe(0);
      expect(nf_register_sockopt(ops(PF_INET, [19, 20], [40, 50]))).toBe(-EBUSY);
      expect(nf_register_sockopt(ops(PF_INET, [40, 50], [29, 31]))).toBe(-EBUSY);
      expect(nf_register_sockopt(ops(PF_INET, [0, 0], [0, 0]))).toBe(0);
      expect(nf_register_sockopt(ops(PF_INET6, [10, 20], [10, 20]))).toBe(0);
      nf_unregister_sockopt(a);
      expect(nf_register_sockopt(ops(PF_INET, [15, 20], [15, 20]))).toBe(0);
    });
  });

  it("finds the claiming ops by the [min, max) of the set or get side, else -ENOPROTOOPT", () => {
    const k = boot();
    run_as(k.init_task, () => {
      const calls: string[] = [];
      nf_register_sockopt({ pf: PF_INET, set_optmin: 10, set_optmax: 12, set: (_s, v) => (calls.push(`set ${v}`), 7), get_optmin: 20, get_optmax: 21, get: (_s, v) => (calls.push(`get ${v}`), 0) });
      const p = KERNEL_SOCKPTR(new Uint8Array(4));
      const len = { value: 4 };
      expect(nf_setsockopt(sk, PF_INET, 9, p, 4)).toBe(-ENOPROTOOPT);
      expect(nf_setsockopt(sk, PF_INET, 10, p, 4)).toBe(7);
      expect(nf_setsockopt(sk, PF_INET, 11, p, 4)).toBe(7);
      expect(nf_setsockopt(sk, PF_INET, 12, p, 4)).toBe(-ENOPROTOOPT);
      expect(nf_setsockopt(sk, PF_INET6, 10, p, 4)).toBe(-ENOPROTOOPT);
      expect(nf_getsockopt(sk, PF_INET, 10, null!, len)).toBe(-ENOPROTOOPT);
      expect(nf_getsockopt(sk, PF_INET, 20, null!, len)).toBe(0);
      expect(nf_getsockopt(sk, PF_INET, 21, null!, len)).toBe(-ENOPROTOOPT);
      expect(calls).toEqual(["set 10", "set 11", "get 20"]);
    });
  });

  it("gives up at the first ops of the pf whose owner is going away (nf_sockopt_find's goto out_nosup)", () => {
    const k = boot();
    run_as(k.init_task, () => {
      const going = new Module("going");
      going.state = "Going";
      nf_register_sockopt(ops(PF_INET, [10, 20], [10, 20]));
      nf_register_sockopt({ ...ops(PF_INET, [50, 60], [50, 60]), owner: going });
      expect(nf_getsockopt(sk, PF_INET, 15, null!, { value: 4 })).toBe(-ENOPROTOOPT);
      expect(nf_setsockopt(sk, PF_INET, 15, KERNEL_SOCKPTR(null), 0)).toBe(-ENOPROTOOPT);
      expect(going.refcnt).toBe(0);
    });
  });
});

describe("setsockopt/getsockopt to an nf_sockopt module (ip_setsockopt, ip_getsockopt)", () => {
  it("reaches the handler from any AF_INET socket at SOL_IP, holding the owner's reference during the call", async () => {
    const seen: Seen = { set: [], get: [] };
    const k = boot_with("nftest", nftest(seen));
    await sh(k, "insmod nftest");
    const mod = k.modules.find("nftest")!;
    const r: number[] = [];
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      r.push(await S.setsockopt(fd, SOL_IP, 1000, new TextEncoder().encode("hello"), 5));
      const v = new Uint8Array(4);
      const len = { value: 4 };
      r.push(await S.getsockopt(fd, SOL_IP, 1005, v, len), len.value, v[0]);
      return 0;
    });
    await run(k, ["/bin/t"], { cred: USER });
    expect(r).toEqual([0, 0, 3, 42]);
    expect(seen.set).toEqual([{ optval: 1000, len: 5, data: "hello", refcnt: 1 }]);
    expect(seen.get).toEqual([{ optval: 1005, len: 4, refcnt: 1 }]);
    expect(mod.refcnt).toBe(0);
  });

  it("writes the length back only when the handler succeeds; a negative length never reaches it", async () => {
    const seen: Seen = { set: [], get: [] };
    const k = boot_with("nftest", nftest(seen));
    await sh(k, "insmod nftest");
    const r: number[] = [];
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      const len = { value: 8 };
      r.push(await S.getsockopt(fd, SOL_IP, 1009, new Uint8Array(8), len), libc().errno, len.value);
      len.value = -1;
      r.push(await S.getsockopt(fd, SOL_IP, 1001, new Uint8Array(8), len), libc().errno, len.value);
      len.value = 0;
      r.push(await S.getsockopt(fd, SOL_IP, 1001, new Uint8Array(8), len), len.value);
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(r).toEqual([-1, EPERM, 8, -1, EINVAL, -1, 0, 3]);
    expect(seen.get.map((g) => g.len)).toEqual([8, 0]);
  });

  it("keeps IP's own answers: other levels, IP_HDRINCL on a UDP socket, options IP knows", async () => {
    const seen: Seen = { set: [], get: [] };
    const k = boot_with("nftest", nftest(seen));
    await run_as(k.init_task, () => nf_register_sockopt(ops(PF_INET, [0, 1000], [0, 1000])));
    const r: number[] = [];
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      const one = new Uint8Array([1, 0, 0, 0]);
      r.push(await S.setsockopt(fd, 6, 1, one, 4), libc().errno);
      r.push(await S.getsockopt(fd, 6, 1, new Uint8Array(4), { value: 4 }), libc().errno);
      r.push(await S.setsockopt(fd, SOL_IP, IP_HDRINCL, one, 4), libc().errno);
      const v = new Uint8Array(4);
      r.push(await S.getsockopt(fd, SOL_IP, IP_HDRINCL, v, { value: 4 }), v[0]);
      r.push(await S.setsockopt(fd, SOL_IP, 500, one, 4));
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(r).toEqual([-1, ENOPROTOOPT, -1, EOPNOTSUPP, -1, ENOPROTOOPT, 0, 0, 0]);
  });

  it("answers -ENOPROTOOPT again once the module is gone", async () => {
    const seen: Seen = { set: [], get: [] };
    const k = boot_with("nftest", nftest(seen));
    await sh(k, "insmod nftest; rmmod nftest");
    const r: number[] = [];
    install(k, "/bin/t", async () => {
      const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
      r.push(await S.setsockopt(fd, SOL_IP, 1000, new Uint8Array(4), 4), libc().errno);
      r.push(await S.getsockopt(fd, SOL_IP, 1000, new Uint8Array(4), { value: 4 }), libc().errno);
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(r).toEqual([-1, ENOPROTOOPT, -1, ENOPROTOOPT]);
    expect(seen.set.length + seen.get.length).toBe(0);
  });

  it("reports and removes ranges a module's exit left registered", async () => {
    const seen: Seen = { set: [], get: [] };
    const k = boot_with("nfleak", nftest(seen, true));
    await sh(k, "insmod nfleak");
    const from = k.printk.prb.last_seq;
    await sh(k, "rmmod nfleak");
    expect(logged(k, from)).toEqual(["kplay: module nfleak left nf_sockopt_ops (pf 2, set 1000-1010, get 1000-1010) registered; removing it"]);
    expect((await sh(k, "socktest 2 dgram getsockopt:ip.1000")).output).toBe("socket: fd 3\ngetsockopt: Protocol not available\n");
  });
});

describe("seed 002: my_sockopt and /sockopt_test", () => {
  it("as root with my_sockopt: the module prints both messages and the program the value", async () => {
    const k = boot();
    await sh(k, "insmod my_sockopt");
    const r = await sh(k, "/sockopt_test");
    expect(r.output).toBe("Get from user space [Hello, sockopt!!!]\nSend to user space [1001]\nGet from kernel [1001]\n");
    expect(r.stdout).toBe("Get from kernel [1001]\n");
  });

  it("without the module prints nothing; as a user, get_sockfd's perror twice", async () => {
    const k = boot();
    expect((await sh(k, "/sockopt_test")).output).toBe("");
    await sh(k, "insmod my_sockopt");
    const r = await sh(k, "/sockopt_test", { cred: USER });
    expect(r.stderr).toBe("get_sockfd: Operation not permitted\nget_sockfd: Operation not permitted\n");
    expect(r.code).toBe(0);
  });

  it("my_sockopt2's ranges overlap my_sockopt's: its init fails with -EBUSY", async () => {
    const k = boot();
    await sh(k, "insmod my_sockopt");
    const r = await sh(k, "insmod my_sockopt2; echo $?");
    expect(r.output).toBe("nf_register_sockopt failed [-16]\nnf_register_sockopt failed [-16]\ninsmod: can't insert 'my_sockopt2': Device or resource busy\n16\n");
    expect((await sh(k, "rmmod my_sockopt; insmod my_sockopt2 && lsmod")).stdout).toContain("my_sockopt2            16384  0 \n");
  });
});
