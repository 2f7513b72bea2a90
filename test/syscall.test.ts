// The system call table: ARM EABI numbers as in 5.15's arch/arm/tools/syscall.tbl, sys_ni_syscall for
// every number without a call (ENOSYS, "Function not implemented"), ARM's private range and SIGILL
// past it, glibc's syscall() with errno, and kplay_syscall_install/remove from a module: the module
// held while a call runs, and the loader's report of a slot a module leaves installed.
import { describe, expect, it } from "vitest";
import { install, run, sh, USER } from "./helpers.js";
import { start_kernel } from "../src/init/main.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { demo_modules } from "../src/modules/index.js";
import type { Kernel } from "../src/kernel/kernel.js";
import type { ModuleSource } from "../src/include/linux/module.js";
import { MODULE_LICENSE, module_exit, module_init, module_param } from "../src/include/linux/module.js";
import { pr_info } from "../src/kernel/printk/printk.js";
import { msleep } from "../src/kernel/sched/wait.js";
import { current } from "../src/kernel/sched/task.js";
import { copy_from_user, type UserPtr } from "../src/kernel/uaccess.js";
import { EFAULT, EPERM } from "../src/include/uapi/errno.js";
import { syscall_tbl, __NR_syscalls } from "../src/kernel/syscall_tbl.js";
import { kplay_syscall_install, kplay_syscall_remove, kplay_syscall_slots, syscall_implemented } from "../src/kernel/syscall_table.js";
import { syscall_entries } from "../src/kernel/syscalls.js";
import * as NR from "../src/include/uapi/unistd.js";
import { syscall } from "../src/user/libc/syscall.js";
import { libc } from "../src/user/libc/state.js";
import { perror, printf } from "../src/user/libc/stdio.js";
import { getpid } from "../src/user/libc/unistd.js";
import { run_as } from "../src/kernel/sched/task.js";

/**
 * The test module: `sysdemo` installs my_sys_call, which reads an int from the caller's memory and
 * returns it doubled, after sleeping `ms` milliseconds; a negative int is returned as it is (an
 * error). With leak=1 its exit forgets to remove the call.
 */
const sysdemo: ModuleSource = (THIS_MODULE) => {
  const leak = module_param("leak", "int", 0, 0);
  const at = module_param("at", "int", 0, -1);
  let nr = -1;

  async function my_sys_call(pm: UserPtr, ms: number): Promise<number> {
    const b = new Uint8Array(4);
    if (copy_from_user(b, pm, 4)) return -EFAULT;
    const v = new DataView(b.buffer).getInt32(0, true);
    if (ms) await msleep(ms);
    if (v === 666) throw new TypeError("Cannot read properties of null (reading 'ops')");
    return v < 0 ? v : 2 * v;
  }

  module_init(() => {
    nr = kplay_syscall_install(my_sys_call, THIS_MODULE, at.value);
    if (nr < 0) return nr;
    pr_info("sysdemo: my_sys_call is system call %d\n", nr);
    return 0;
  });
  module_exit(() => {
    if (!leak.value) kplay_syscall_remove(nr);
  });
  MODULE_LICENSE("GPL");
};

function boot(): Kernel {
  const k = start_kernel({ clock: new VirtualClock(), module_sources: new Map([...demo_modules, ["sysdemo", sysdemo]]) });
  /* sc NR [INT [MS]]: syscall(NR, &int, MS), then the result or perror("syscall") */
  install(k, "/bin/sc", async (_argc, argv) => {
    const buf = new Uint8Array(4);
    new DataView(buf.buffer).setInt32(0, Number(argv[2] ?? 21), true);
    const r = await syscall(Number(argv[1]), buf, Number(argv[3] ?? 0));
    if (r < 0) {
      perror("syscall");
      return 1;
    }
    printf("%d\n", r);
    return 0;
  });
  return k;
}

const TAINT = "sysdemo: loading out-of-tree module taints kernel.\n";

describe("syscall numbers", () => {
  it("follow 5.15's ARM EABI table", () => {
    expect([NR.__NR_exit, NR.__NR_read, NR.__NR_write, NR.__NR_open, NR.__NR_close, NR.__NR_unlink, NR.__NR_getpid, NR.__NR_kill, NR.__NR_ioctl]).toEqual([1, 3, 4, 5, 6, 10, 20, 37, 54]);
    expect([NR.__NR_socket, NR.__NR_bind, NR.__NR_connect, NR.__NR_listen, NR.__NR_accept, NR.__NR_sendto, NR.__NR_recvfrom, NR.__NR_setsockopt, NR.__NR_getsockopt]).toEqual([281, 282, 283, 284, 285, 290, 292, 294, 295]);
    expect([NR.__NR_getuid32, NR.__NR_exit_group, NR.__NR_openat, NR.__NR_pipe2, NR.__NR_accept4, NR.__NR_finit_module, NR.__NR_utimensat_time64]).toEqual([199, 248, 322, 359, 366, 379, 412]);
    expect(__NR_syscalls).toBe(452);
  });

  it("name rows of the table, and every entry kplay has is a common row", () => {
    const by_name = new Map(syscall_tbl.map((r) => [r.name, r]));
    for (const [key, nr] of Object.entries(NR)) {
      const row = by_name.get(key.replace(/^__NR_/, ""));
      expect(row?.nr, key).toBe(nr);
      expect(row?.abi, key).toBe("common");
    }
    for (const name of Object.keys(syscall_entries)) expect(by_name.get(name)?.abi, name).toBe("common");
    expect(syscall_tbl.find((r) => r.nr === 13)).toEqual({ nr: 13, abi: "oabi", name: "time" });
    expect(syscall_tbl.some((r) => r.nr === 223)).toBe(false);
  });

  it("leave these slots to modules: the unassigned numbers from 223 up", () => {
    expect(kplay_syscall_slots).toEqual([223, 254, 255, 402, 415, 447, 449, 450, 451]);
  });
});

describe("syscall(2)", () => {
  it("reaches the calls kplay has by number", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const name = new Uint8Array(390);
      const cwd = new Uint8Array(16);
      const fds = new Uint8Array(8);
      printf("%d %d\n", await syscall(NR.__NR_getpid), getpid());
      await syscall(NR.__NR_write, 1, "hi\n", 3);
      printf("uname %d %s\n", await syscall(NR.__NR_uname, name), new TextDecoder().decode(name.subarray(0, 5)));
      printf("getcwd %d %s\n", await syscall(NR.__NR_getcwd, cwd, 16), new TextDecoder().decode(cwd.subarray(0, 1)));
      printf("mkdir %d\n", await syscall(NR.__NR_mkdir, "/tmp/d", 0o755));
      const fd = await syscall(NR.__NR_open, "/etc/hostname", 0, 0);
      const buf = new Uint8Array(16);
      const n = await syscall(NR.__NR_read, fd, buf, 16);
      printf("read %d %s", n, new TextDecoder().decode(buf.subarray(0, n)));
      printf("close %d %d\n", await syscall(NR.__NR_close, fd), await syscall(NR.__NR_close, fd));
      printf("errno %d\n", libc().errno);
      printf("pipe2 %d %d %d\n", await syscall(NR.__NR_pipe2, fds, 0), fds[0], fds[4]);
      printf("getuid32 %d\n", await syscall(NR.__NR_getuid32));
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    const [pids, ...rest] = r.stdout.split("\n");
    expect(pids).toMatch(/^(\d+) \1$/);
    expect(rest.join("\n")).toBe("hi\nuname 0 Linux\ngetcwd 2 /\nmkdir 0\nread 7 (none)\nclose 0 -1\nerrno 9\npipe2 0 3 4\ngetuid32 0\n");
  });

  it("resolves *at() paths against a directory descriptor, and exit ends the process with its code", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      const dfd = await syscall(NR.__NR_open, "/tmp", 0o40000, 0);
      printf("mkdirat %d ", await syscall(NR.__NR_mkdirat, dfd, "sub", 0o700));
      const fd = await syscall(NR.__NR_openat, dfd, "sub/f", 0o101, 0o644);
      printf("write %d ", await syscall(NR.__NR_write, fd, "abc", 3));
      const link = new Uint8Array(16);
      const n = await syscall(NR.__NR_readlink, "/bin/sh", link, 16);
      printf("readlink %d %s ", n, new TextDecoder().decode(link.subarray(0, n)));
      printf("access %d %d ", await syscall(NR.__NR_access, "/tmp/sub/f", 2), await syscall(NR.__NR_faccessat, dfd, "nope", 0));
      printf("unlinkat %d %d %d\n", await syscall(NR.__NR_unlinkat, dfd, "sub", 0x200), await syscall(NR.__NR_unlinkat, dfd, "sub/f", 0), await syscall(NR.__NR_unlinkat, dfd, "sub", 0x200));
      await syscall(NR.__NR_exit, 3);
      printf("not reached\n");
      return 0;
    });
    const r = await run(k, ["/bin/t"]);
    expect([r.stdout, r.code]).toEqual(["mkdirat 0 write 3 readlink 7 busybox access 0 -1 unlinkat -1 0 0\n", 3]);
  });

  it("gives -1 and ENOSYS for a number with no call: perror says Function not implemented", async () => {
    const k = boot();
    for (const nr of [223, 7, 13, 17, 224, 449, 451, 452, 1000, 0xeffff, 0x0f0007, 0x0f07ff]) {
      const r = await run(k, ["/bin/sc", String(nr)]);
      expect([r.stderr, r.code], String(nr)).toEqual(["syscall: Function not implemented\n", 1]);
    }
    expect(run_as(k.init_task, () => [syscall_implemented(223), syscall_implemented(3), syscall_implemented(13)])).toEqual([false, true, false]);
  });

  it("kills the caller with SIGILL for a number that is no call at all, as arm_syscall does", async () => {
    const k = boot();
    for (const nr of [0x0f0800, 0x100000, -1]) {
      const r = await sh(k, `/bin/sc ${nr}`);
      expect([r.stderr, r.code], String(nr)).toEqual(["Illegal instruction\n", 132]);
    }
  });

  it("returns what an ARM private call returns: cacheflush, set_tls/get_tls", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      printf("%d %d ", await syscall(0x0f0002, 0, 100, 0), await syscall(0x0f0002, 100, 0, 0));
      printf("%d %d\n", await syscall(0x0f0005, 0x1234), await syscall(0x0f0006));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("0 -1 0 4660\n");
  });

  it("sets errno from a negative return and passes other results through", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      libc().errno = 0;
      const a = await syscall(NR.__NR_close, 99);
      printf("%d %d ", a, libc().errno);
      const b = await syscall(NR.__NR_open, "", 0, 0);
      printf("%d %d ", b, libc().errno);
      const c = await syscall(NR.__NR_open, null, 0, 0);
      printf("%d %d\n", c, libc().errno);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("-1 9 -1 2 -1 14\n");
  });
});

describe("kplay_syscall_install from a module", () => {
  it("adds a call in the first free slot, 223, until rmmod removes it", async () => {
    const k = boot();
    const r = await sh(k, "/bin/sc 223; insmod /lib/modules/5.15.0/extra/sysdemo.ko; /bin/sc 223 21; /bin/sc 223 -22; /bin/sc 223 -1; rmmod sysdemo; /bin/sc 223");
    expect(r.output).toBe(
      "syscall: Function not implemented\n" +
        TAINT +
        "sysdemo: my_sys_call is system call 223\n" +
        "42\n" +
        "syscall: Invalid argument\n" +
        "syscall: Operation not permitted\n" +
        "syscall: Function not implemented\n",
    );
  });

  it("holds the module while a call runs: rmmod waits with EWOULDBLOCK, lsmod counts the user", async () => {
    const k = boot();
    const r = await sh(k, "insmod /lib/modules/5.15.0/extra/sysdemo.ko; /bin/sc 223 5 2000 & sleep 1; grep sysdemo /proc/modules; rmmod sysdemo; echo rmmod $?; wait; grep -c sysdemo /proc/modules; rmmod sysdemo; grep -c sysdemo /proc/modules");
    expect(r.output).toBe(
      TAINT +
        "sysdemo: my_sys_call is system call 223\n" +
        "sysdemo 16384 1 - Live 0xbf000000 (O)\n" +
        "rmmod: can't unload module 'sysdemo': Resource temporarily unavailable\n" +
        "rmmod 1\n" +
        "10\n" +
        "1\n" +
        "0\n",
    );
    expect(k.modules.find("sysdemo")).toBeUndefined();
  });

  it("is reported and emptied by the loader when a module's exit forgets it", async () => {
    const k = boot();
    const r = await sh(k, "insmod /lib/modules/5.15.0/extra/sysdemo.ko leak=1; rmmod sysdemo; /bin/sc 223");
    expect(r.output).toBe(TAINT + "sysdemo: my_sys_call is system call 223\nkplay: module sysdemo left system call 223 installed; removing it\nsyscall: Function not implemented\n");
  });

  it("refuses a Linux call's number, a slot in use and a number outside the table", async () => {
    const k = boot();
    const a = await sh(k, "insmod /lib/modules/5.15.0/extra/sysdemo.ko at=224; insmod /lib/modules/5.15.0/extra/sysdemo.ko at=452; insmod /lib/modules/5.15.0/extra/sysdemo.ko at=254");
    expect(a.stderr).toBe("insmod: can't insert '/lib/modules/5.15.0/extra/sysdemo.ko': Device or resource busy\ninsmod: can't insert '/lib/modules/5.15.0/extra/sysdemo.ko': Invalid argument\n");
    expect(a.console).toContain("sysdemo: my_sys_call is system call 254\n");
    const slots = run_as(k.init_task, () => {
      const got: number[] = [];
      for (;;) {
        const nr = kplay_syscall_install(async () => 0, null);
        if (nr < 0) return [...got, nr];
        got.push(nr);
      }
    });
    expect(slots).toEqual([223, 255, 402, 415, 447, 449, 450, 451, -28]);
    expect(run_as(k.init_task, () => [kplay_syscall_install(async () => 0, null, 223), kplay_syscall_remove(223), kplay_syscall_remove(223), kplay_syscall_remove(3)])).toEqual([-16, 0, -22, -22]);
  });

  it("turns a bug in the handler into an Oops of the module, kills the caller and drops the reference", async () => {
    const k = boot();
    const r = await sh(k, "insmod /lib/modules/5.15.0/extra/sysdemo.ko; /bin/sc 223 666; echo $?; grep sysdemo /proc/modules");
    expect(r.console).toContain("Unable to handle kernel NULL pointer dereference at virtual address 00000000\n");
    expect(r.console).toContain("[sysdemo]");
    expect(r.stdout).toContain("139\nsysdemo 16384 0 - Live 0xbf000000 (O)\n");
    expect(r.stderr).toBe("Segmentation fault\n");
  });

  it("runs the handler with the caller's credentials: a user's call sees uid 1000", async () => {
    const k = boot();
    await sh(k, "insmod /lib/modules/5.15.0/extra/sysdemo.ko");
    const seen: number[] = [];
    run_as(k.init_task, () => kplay_syscall_remove(223));
    run_as(k.init_task, () => kplay_syscall_install(async () => (seen.push(current().cred.uid), current().cred.uid === 0 ? 0 : -EPERM), null, 223));
    const r = await run(k, ["/bin/sc", "223"], { cred: USER });
    expect([r.stderr, seen]).toEqual(["syscall: Operation not permitted\n", [1000]]);
  });
});
