// Credentials and capabilities (kernel/cred.c, kernel/sys.c, security/commoncap.c, fs/namei.c
// generic_permission, fs/proc/array.c task_cap): what a process holds, how exec and setuid change
// it, and the capability each privileged operation checks, with Linux's errno.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import { login_cred } from "../src/kernel/cred.js";
import { capable, CAP_NET_ADMIN, CAP_SYS_MODULE } from "../src/kernel/capability.js";
import { current, PF_SUPERPRIV } from "../src/kernel/sched/task.js";
import { getgroups, geteuid, getuid, kill, nanosleep, setgid, setgroups, setuid } from "../src/user/libc/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { printf } from "../src/user/libc/stdio.js";
import { ramfs_link, ramfs_new_file } from "../src/fs/ramfs.js";

const ROOT_CAPS = "CapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\nCapEff:\t000001ffffffffff\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";
const NO_CAPS = "CapInh:\t0000000000000000\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n";
const status_of = (out: string, keys: RegExp): string => out.split("\n").filter((l) => keys.test(l)).map((l) => l + "\n").join("");

describe("/proc/PID/status (fs/proc/array.c task_state, task_cap)", () => {
  it("root holds the full set up to CAP_CHECKPOINT_RESTORE (40); a user's exec leaves only the bounding set", async () => {
    const k = boot();
    const root = await sh(k, "cat /proc/self/status");
    expect(status_of(root.stdout, /^Cap/)).toBe(ROOT_CAPS);
    expect(status_of(root.stdout, /^(Uid|Gid|Groups):/)).toBe("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t \n");
    const user = await sh(k, "cat /proc/self/status", { cred: USER });
    expect(status_of(user.stdout, /^Cap/)).toBe(NO_CAPS);
    expect(status_of(user.stdout, /^(Uid|Gid|Groups):/)).toBe("Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t1000 \n");
    expect(status_of(user.stdout, /^(NoNewPrivs|Seccomp):/)).toBe("NoNewPrivs:\t0\nSeccomp:\t0\n");
  });

  it("su drops to the user's ids, groups from /etc/group, and no capabilities", async () => {
    const k = boot();
    await sh(k, "echo 'root:x:0:\nuser:x:1000:\nnetdev:x:108:user\nwheel:x:10:root,user' > /etc/group");
    const r = await sh(k, "su user -c 'id; grep -E \"^(Uid|Gid|Groups|CapEff)\" /proc/self/status'");
    expect(r.stdout).toBe("uid=1000(user) gid=1000(user) groups=10(wheel),108(netdev),1000(user)\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t10 108 1000 \nCapEff:\t0000000000000000\n");
  });
});

describe("setuid, setgid, setgroups (kernel/sys.c, commoncap.c cap_emulate_setxuid)", () => {
  it("root's setuid changes every uid and drops the capability sets; there is no way back", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      printf("setuid(1000)=%d ", setuid(1000));
      printf("uid=%d euid=%d capable(CAP_SYS_MODULE)=%d ", getuid(), geteuid(), +capable(CAP_SYS_MODULE));
      printf("setuid(0)=%d errno=%d\n", setuid(0), libc().errno);
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("setuid(1000)=0 uid=1000 euid=1000 capable(CAP_SYS_MODULE)=0 setuid(0)=-1 errno=1\n");
    expect(status_of((await sh(k, "grep Cap /proc/self/status")).stdout, /^Cap/)).toBe(ROOT_CAPS);
  });

  it("without CAP_SETUID/CAP_SETGID only the real or saved id is allowed", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      printf("%d %d %d %d", setuid(1000), setuid(0), setgid(1000), setgid(0));
      printf(" %d errno=%d\n", setgroups([1]), libc().errno);
      return 0;
    });
    expect((await run(k, ["/bin/t"], { cred: USER })).stdout).toBe("0 -1 0 -1 -1 errno=1\n");
  });

  it("getgroups: size 0 counts, a short list is EINVAL; setgroups sorts", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      setgroups([30, 4, 20]);
      const list: number[] = [];
      printf("%d %d errno=%d ", getgroups(0, null), getgroups(2, list), libc().errno);
      printf("%d %s\n", getgroups(3, list), list.join(","));
      return 0;
    });
    expect((await run(k, ["/bin/t"])).stdout).toBe("3 -1 errno=22 3 4,20,30\n");
  });
});

describe("capable() (kernel/capability.c)", () => {
  it("tests the effective set and marks the task PF_SUPERPRIV when it used a privilege", async () => {
    const k = boot();
    let flags = "";
    install(k, "/bin/t", async () => {
      const before = current().flags & PF_SUPERPRIV;
      const ok = capable(CAP_NET_ADMIN);
      flags = `${ok} ${before} ${current().flags & PF_SUPERPRIV}`;
      return 0;
    });
    await run(k, ["/bin/t"]);
    expect(flags).toBe(`true 0 ${PF_SUPERPRIV}`);
    await run(k, ["/bin/t"], { cred: USER });
    expect(flags).toBe("false 0 0");
  });

  it("login_cred: uid 0 gets the full set, anyone else none, whatever the gid", () => {
    expect(login_cred(0, 1000).cap_effective).toBe((1n << 41n) - 1n);
    expect(login_cred(1000, 0).cap_effective).toBe(0n);
    expect(login_cred(1000, 1000, [5, 1000, 5]).groups).toEqual([5, 1000]);
  });
});

describe("each privileged operation checks its capability, with Linux's errno", () => {
  it("CAP_SYS_MODULE: insmod and rmmod get EPERM and BusyBox's messages", async () => {
    const k = boot();
    expect((await sh(k, "insmod hello", { cred: USER })).stderr).toBe("insmod: can't insert 'hello': Operation not permitted\n");
    await sh(k, "insmod hello");
    const r = await sh(k, "rmmod hello", { cred: USER });
    expect([r.stderr, r.code]).toEqual(["rmmod: can't unload module 'hello': Operation not permitted\n", 1]);
  });

  it("CAP_NET_BIND_SERVICE: ports below 1024 are EACCES for a user, 1024 is not", async () => {
    const k = boot();
    expect((await sh(k, "socktest 2 dgram bind:80 bind:1024", { cred: USER })).output).toBe("socket: fd 3\nbind: Permission denied\nbind: ok\n");
    expect((await sh(k, "socktest 2 dgram bind:80")).stdout).toBe("socket: fd 3\nbind: ok\n");
  });

  it("CAP_SYSLOG: dmesg -c and -C are refused; reading is allowed (dmesg_restrict=0)", async () => {
    const k = boot();
    expect((await sh(k, "dmesg -C", { cred: USER })).stderr).toBe("dmesg: klogctl failed: Operation not permitted\n");
    const r = await sh(k, "dmesg -c >/dev/null", { cred: USER });
    expect([r.stderr, r.code]).toEqual(["dmesg: read kernel buffer failed: Operation not permitted\n", 1]);
    expect((await sh(k, "dmesg | grep -c 'Linux version'", { cred: USER })).stdout).toBe("1\n");
    /* the log is still there: the user's -c cleared nothing */
    expect((await sh(k, "dmesg -c | grep -c 'Linux version'; dmesg | grep -c 'Linux version'")).stdout).toBe("1\n0\n");
  });

  it("CAP_NET_ADMIN: interface changes are EPERM", async () => {
    const k = boot();
    expect((await sh(k, "ifconfig lo down", { cred: USER })).stderr).toBe("ifconfig: SIOCSIFFLAGS: Operation not permitted\n");
  });

  it("CAP_KILL: a user signals its own processes, not root's; root signals anyone", async () => {
    const k = boot();
    install(k, "/bin/t", async () => {
      printf("%d ", kill(1, 0));
      printf("errno=%d %d\n", libc().errno, kill(current().pid, 0));
      return 0;
    });
    expect((await run(k, ["/bin/t"], { cred: USER })).stdout).toBe("-1 errno=1 0\n");
    expect((await run(k, ["/bin/t"])).stdout).toBe("0 errno=0 0\n");
    install(k, "/bin/sleeper", async () => (await nanosleep(100e9), 0));
    const r = await sh(k, "su user -c '/bin/sleeper & kill $!; wait $!; echo $?'");
    expect(r.stdout).toBe("143\n");
  });

  it("proc permissions: a user cannot write a root-only proc file or read a 0700 directory", async () => {
    const k = boot();
    expect((await sh(k, "echo 4 > /proc/sys/kernel/printk", { cred: USER })).stderr).toBe("sh: can't create /proc/sys/kernel/printk: Permission denied\n");
    expect((await sh(k, "ls /root", { cred: USER })).stderr).toBe("ls: can't open '/root': Permission denied\n");
  });
});

describe("generic_permission (fs/namei.c) with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH", () => {
  it("root reads and writes a mode 0000 file but cannot execute it; a user can do none of it", async () => {
    const k = boot();
    const f = ramfs_new_file(new TextEncoder().encode("secret\n"), 0);
    f.uid = f.gid = 1000;
    const home = k.root.i_op.lookup!(k.root, "home")!;
    ramfs_link(home.i_op.lookup!(home, "user")!, "f", f);
    expect((await sh(k, "cat /home/user/f && echo more >> /home/user/f && cat /home/user/f")).stdout).toBe("secret\nsecret\nmore\n");
    expect((await sh(k, "/home/user/f")).stderr).toBe("sh: /home/user/f: Permission denied\n");
    expect((await sh(k, "cat /home/user/f", { cred: USER })).stderr).toBe("cat: can't open '/home/user/f': Permission denied\n");
  });

  it("a user's fsuid owns what it creates", async () => {
    const k = boot();
    const r = await sh(k, "cd /home/user && echo x > mine && ls -ln mine", { cred: USER });
    expect(r.stdout).toMatch(/^-rw-r--r-- +1 1000 +1000 /);
  });
});
