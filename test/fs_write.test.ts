// The writable filesystem: files and directories created, truncated, appended to and removed from
// user space with the errors Linux gives, timestamps that follow the kernel clock, filp_open,
// kernel_write and kernel_read from kernel code (a kernel thread, or a system call's caller with
// its credentials), and BusyBox 1.35's rm, mkdir, rmdir and touch with their exact messages.
import { describe, expect, it } from "vitest";
import { boot, run, sh, USER } from "./helpers.js";
import type { Kernel } from "../src/kernel/kernel.js";
import { run_as } from "../src/kernel/sched/task.js";
import { run_until } from "../src/kernel/sched/idle.js";
import { kthread_run } from "../src/kernel/kthread.js";
import { filp_close, filp_open } from "../src/fs/open.js";
import { kernel_read, kernel_write } from "../src/fs/read_write.js";
import type { File, Loff } from "../src/fs/file.js";
import { EACCES, EBADF, EEXIST, EINVAL, EISDIR, ENOENT, ENOTDIR, ENOTEMPTY, EPERM, EBUSY } from "../src/include/uapi/errno.js";
import { O_APPEND, O_CREAT, O_EXCL, O_RDONLY, O_RDWR, O_TRUNC, O_WRONLY } from "../src/include/uapi/fcntl.js";
import { BB_BANNER } from "../src/user/busybox/libbb.js";
import { install } from "./helpers.js";
import { syscall } from "../src/user/libc/syscall.js";
import * as NR from "../src/include/uapi/unistd.js";
import { libc } from "../src/user/libc/state.js";
import { printf } from "../src/user/libc/stdio.js";

const enc = new TextEncoder();
const dec = new TextDecoder();
const usage = (applet: string, trivial: string, full: string): string => `${BB_BANNER} multi-call binary.\n\nUsage: ${applet} ${trivial}\n\n${full}\n`;

/** Run `fn` as a new task of `k` with the given credentials (a system call's caller). */
function as_task<T>(k: Kernel, fn: () => T, cred = k.init_task.cred): T {
  const t = k.new_task("kt", k.init_task, cred);
  return run_as(t, fn);
}

/** The errno a raw system call gives, through glibc's syscall(). */
async function errno_of(k: Kernel, script: Record<string, [number, ...(string | number)[]]>, cred = k.init_task.cred): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  install(k, "/bin/errnos", async () => {
    for (const [name, [nr, ...args]] of Object.entries(script)) {
      libc().errno = 0;
      const r = await syscall(nr, ...args);
      out[name] = r < 0 ? libc().errno : 0;
    }
    printf("done\n");
    return 0;
  });
  await run(k, ["/bin/errnos"], { cred });
  return out;
}

describe("files from user space", () => {
  it("are created, truncated, appended to and removed through the shell", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && echo one > f && echo two >> f && cat f && echo three > f && cat f && ls -l f && rm f && ls f", { tty: false });
    expect(r.stdout).toBe("one\ntwo\nthree\n-rw-r--r--    1 root     root             6 Aug  6 08:00 f\n");
    expect(r.stderr).toBe("ls: f: No such file or directory\n");
  });

  it("give Linux's errors: EEXIST, ENOENT, ENOTDIR, EISDIR, ENOTEMPTY", async () => {
    const k = boot();
    await sh(k, "mkdir /tmp/d && echo x > /tmp/d/in && echo x > /tmp/f");
    const e = await errno_of(k, {
      mkdir_exists: [NR.__NR_mkdir, "/tmp/d", 0o755],
      open_excl: [NR.__NR_open, "/tmp/f", O_CREAT | O_EXCL | O_WRONLY, 0o644],
      open_missing: [NR.__NR_open, "/tmp/nope", O_RDONLY, 0],
      create_in_missing: [NR.__NR_open, "/tmp/no/f", O_CREAT | O_WRONLY, 0o644],
      unlink_missing: [NR.__NR_unlink, "/tmp/nope"],
      through_file: [NR.__NR_open, "/tmp/f/x", O_RDONLY, 0],
      mkdir_under_file: [NR.__NR_mkdir, "/tmp/f/d", 0o755],
      rmdir_file: [NR.__NR_rmdir, "/tmp/f"],
      file_slash: [NR.__NR_open, "/tmp/f/", O_RDONLY, 0],
      unlink_file_slash: [NR.__NR_unlink, "/tmp/f/"],
      write_dir: [NR.__NR_open, "/tmp/d", O_WRONLY, 0],
      creat_dir: [NR.__NR_open, "/tmp/d", O_CREAT | O_RDONLY, 0o644],
      trunc_dir: [NR.__NR_open, "/tmp/d", O_RDONLY | O_TRUNC, 0],
      unlink_dir: [NR.__NR_unlink, "/tmp/d"],
      rmdir_full: [NR.__NR_rmdir, "/tmp/d"],
      rmdir_dot: [NR.__NR_rmdir, "/tmp/d/."],
      rmdir_dotdot: [NR.__NR_rmdir, "/tmp/d/.."],
      rmdir_root: [NR.__NR_rmdir, "/"],
      rmdir_proc: [NR.__NR_rmdir, "/proc"],
      mkdir_root: [NR.__NR_mkdir, "/", 0o755],
      long_name: [NR.__NR_open, "/tmp/" + "n".repeat(256), O_CREAT | O_WRONLY, 0o644],
    });
    expect(e).toEqual({
      mkdir_exists: EEXIST, open_excl: EEXIST, open_missing: ENOENT, create_in_missing: ENOENT, unlink_missing: ENOENT,
      through_file: ENOTDIR, mkdir_under_file: ENOTDIR, rmdir_file: ENOTDIR, file_slash: ENOTDIR, unlink_file_slash: ENOTDIR,
      write_dir: EISDIR, creat_dir: EISDIR, trunc_dir: EISDIR, unlink_dir: EISDIR,
      rmdir_full: ENOTEMPTY, rmdir_dot: EINVAL, rmdir_dotdot: ENOTEMPTY, rmdir_root: EBUSY, rmdir_proc: EBUSY, mkdir_root: EEXIST,
      long_name: 36,
    });
  });

  it("keep a user out of /root (EACCES) and out of others' files in sticky /tmp (EPERM)", async () => {
    const k = boot();
    await sh(k, "echo mine > /tmp/rootfile");
    const e = await errno_of(
      k,
      {
        create_in_root: [NR.__NR_open, "/root/f", O_CREAT | O_WRONLY, 0o644],
        mkdir_in_root: [NR.__NR_mkdir, "/root/d", 0o755],
        unlink_sticky: [NR.__NR_unlink, "/tmp/rootfile"],
        write_other: [NR.__NR_open, "/tmp/rootfile", O_WRONLY, 0],
        create_in_tmp: [NR.__NR_open, "/tmp/userfile", O_CREAT | O_WRONLY, 0o400],
        unlink_own: [NR.__NR_unlink, "/tmp/userfile"],
        mkdir_in_slash: [NR.__NR_mkdir, "/newdir", 0o755],
      },
      USER,
    );
    expect(e).toEqual({ create_in_root: EACCES, mkdir_in_root: EACCES, unlink_sticky: EPERM, write_other: EACCES, create_in_tmp: 0, unlink_own: 0, mkdir_in_slash: EACCES });
    const r = await sh(k, "echo x > /root/f; ls /root; cat /root/.profile", { cred: USER });
    expect(r.stderr).toBe("sh: can't create /root/f: Permission denied\nls: can't open '/root': Permission denied\ncat: can't open '/root/.profile': Permission denied\n");
  });

  it("are created with the mode less the umask, owned by the fsuid, in the initramfs's writable directories", async () => {
    const k = boot();
    const r = await sh(k, "cd /home/user && echo x > mine && mkdir dir && ls -ln", { cred: USER, tty: false });
    expect(r.stdout).toBe("total 0\ndrwxr-xr-x    2 1000     1000             0 Aug  6 08:00 dir\n-rw-r--r--    1 1000     1000             2 Aug  6 08:00 mine\n");
    const dirs = await run(k, ["ls", "-ld", "/tmp", "/root", "/srv/ftp", "/home/user"], { tty: false });
    expect(dirs.stdout).toBe(
      "drwxr-xr-x    3 user     user             0 Aug  6 08:00 /home/user\n" +
        "drwx------    2 root     root             0 Aug  6 08:00 /root\n" +
        "drwxr-xr-x    2 root     root             0 Aug  6 08:00 /srv/ftp\n" +
        "drwxrwxrwt    2 root     root             0 Aug  6 08:00 /tmp\n",
    );
  });

  it("take their times from the kernel clock: a write moves mtime, touch -d and -r set it", async () => {
    const k = boot();
    const r = await sh(
      k,
      "cd /tmp && touch t && ls -l --full-time t && sleep 125 && echo x >> t && ls -l --full-time t && touch -d '2022-01-09 12:30' t && ls -l t && touch -r /etc/passwd t && ls -l t && ls -ld --full-time /tmp",
      { tty: false },
    );
    expect(r.stdout).toBe(
      "-rw-r--r--    1 root     root             0 2023-08-06 08:00:01 +0000 t\n" +
        "-rw-r--r--    1 root     root             2 2023-08-06 08:02:06 +0000 t\n" +
        "-rw-r--r--    1 root     root             2 Jan  9  2022 t\n" +
        "-rw-r--r--    1 root     root             2 Aug  6 08:00 t\n" +
        "drwxrwxrwt    2 root     root             0 2023-08-06 08:00:01 +0000 /tmp\n",
    );
  });
});

describe("filp_open, kernel_write and kernel_read", () => {
  it("write and read a file from a kernel thread, with a loff_t the caller keeps", async () => {
    const k = boot();
    const log: unknown[] = [];
    let done = false;
    run_as(k.init_task, () =>
      kthread_run(
        async () => {
          const f = (await filp_open("/tmp/kfile", O_CREAT | O_WRONLY | O_TRUNC, 0o600)) as File;
          const pos: Loff = { value: 0 };
          log.push(await kernel_write(f, enc.encode("hello "), 6, pos), await kernel_write(f, enc.encode("world\n"), 6, pos), pos.value, f.f_pos);
          log.push(await kernel_read(f, new Uint8Array(4), 4, { value: 0 }));
          log.push(filp_close(f, null));
          const g = (await filp_open("/tmp/kfile", O_RDONLY, 0)) as File;
          const buf = new Uint8Array(8);
          const rpos: Loff = { value: 6 };
          const n = await kernel_read(g, buf, 8, rpos);
          log.push(n, dec.decode(buf.subarray(0, n)), rpos.value, await kernel_read(g, buf, 8, rpos));
          log.push(await kernel_write(g, buf, 1, null));
          filp_close(g, null);
          done = true;
          return 0;
        },
        null,
        "kwriter",
      ),
    );
    await run_until(k, () => done);
    expect(log).toEqual([6, 6, 12, 0, -EINVAL, 0, 6, "world\n", 12, 0, -EBADF]);
    const r = await run(k, ["ls", "-l", "/tmp/kfile"], { tty: false });
    expect(r.stdout).toBe("-rw-------    1 root     root            12 Aug  6 08:00 /tmp/kfile\n");
    expect((await run(k, ["cat", "/tmp/kfile"])).stdout).toBe("hello world\n");
  });

  it("open with the caller's credentials and umask, append, and report errors as -errno", async () => {
    const k = boot();
    const results = as_task(k, () => [filp_open("/root/secret", O_CREAT | O_WRONLY, 0o644), filp_open("/nonexistent/x", O_RDONLY, 0), filp_open("/tmp", O_WRONLY, 0)], USER);
    expect(results).toEqual([-EACCES, -ENOENT, -EISDIR]);
    const t = k.new_task("kt", k.init_task);
    t.umask = 0o077;
    const f = run_as(t, () => filp_open("/tmp/log", O_CREAT | O_WRONLY | O_APPEND, 0o666)) as File;
    await run_as(t, async () => {
      await kernel_write(f, enc.encode("a\n"), 2, { value: 0 });
      await kernel_write(f, enc.encode("b\n"), 2, { value: 0 });
      filp_close(f, null);
    });
    expect((await run(k, ["cat", "/tmp/log"])).stdout).toBe("a\nb\n");
    expect((await run(k, ["ls", "-l", "/tmp/log"], { tty: false })).stdout).toMatch(/^-rw------- {4}1 root {5}root {13}4 /);
    expect(as_task(k, () => filp_close(f, null))).toBe(0);
    expect((await run(k, ["dmesg"], { tty: false })).stdout).toMatch(/\] VFS: Close: file count is 0\n$/);
  });
});

describe("rm", () => {
  it("removes files, and directories with -r; says what it cannot", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && mkdir -p a/b && touch a/b/f a/g && rm a; rm nope; rm -f nope; rm .; rm a/..; rm -r a/; ls; rm");
    expect(r.stderr).toBe(
      "rm: 'a' is a directory\n" +
        "rm: can't remove 'nope': No such file or directory\n" +
        "rm: can't remove '.' or '..'\n" +
        "rm: can't remove '.' or '..'\n" +
        usage("rm", "[-irf] FILE...", "Remove (unlink) FILEs\n\n\t-i\tAlways prompt before removing\n\t-f\tNever prompt\n\t-R,-r\tRecurse"),
    );
    expect(r.stdout).toBe("");
    expect((await sh(k, "rm -f; echo $?")).stdout).toBe("0\n");
    expect((await sh(k, "rm /tmp/nope; echo $?")).stdout).toBe("1\n");
  });

  it("asks with -i and for a file it may not write when stdin is a terminal; -v says what went", async () => {
    const k = boot();
    await sh(k, "cd /tmp && mkdir d && touch d/x d/y");
    /* readdir order: ramfs lists the newest name first */
    const i = await sh(k, "rm -ri /tmp/d", { input: "y\nn\ny\ny\n" });
    expect(i.stderr).toBe("rm: descend into directory '/tmp/d'? rm: remove '/tmp/d/y'? rm: remove '/tmp/d/x'? rm: remove directory '/tmp/d'? rm: can't remove '/tmp/d': Directory not empty\n");
    expect((await run(k, ["ls", "/tmp/d"], { tty: false })).stdout).toBe("y\n");
    const v = await sh(k, "rm -rv /tmp/d");
    expect(v.stdout).toBe("removed '/tmp/d/y'\nremoved directory: '/tmp/d'\n");
  });

  it("cannot remove another user's file from sticky /tmp", async () => {
    const k = boot();
    await sh(k, "echo x > /tmp/rootfile");
    const r = await sh(k, "rm /tmp/rootfile", { cred: USER, input: "y\n" });
    expect(r.stderr).toBe("rm: remove '/tmp/rootfile'? rm: can't remove '/tmp/rootfile': Operation not permitted\n");
    const f = await sh(k, "rm -f /tmp/rootfile; rm -f /root/x", { cred: USER });
    expect(f.stderr).toBe("rm: can't remove '/tmp/rootfile': Operation not permitted\nrm: can't stat '/root/x': Permission denied\n");
  });
});

describe("mkdir and rmdir", () => {
  it("mkdir makes parents with -p, sets modes with -m, and names the part that failed", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && mkdir a && mkdir a; mkdir b/c; mkdir -p b/c/ a && mkdir -m 700 p && mkdir -m u=rwx,go=x q && mkdir -pv x/y && ls -l; mkdir -m bad z; mkdir", { tty: false });
    expect(r.stdout).toBe(
      "created directory: 'x/'\ncreated directory: 'x/y'\n" +
        "total 0\n" +
        "drwxr-xr-x    2 root     root             0 Aug  6 08:00 a\n" +
        "drwxr-xr-x    3 root     root             0 Aug  6 08:00 b\n" +
        "drwx------    2 root     root             0 Aug  6 08:00 p\n" +
        "drwx--x--x    2 root     root             0 Aug  6 08:00 q\n" +
        "drwxr-xr-x    3 root     root             0 Aug  6 08:00 x\n",
    );
    expect(r.stderr).toBe(
      "mkdir: can't create directory 'a': File exists\n" +
        "mkdir: can't create directory 'b/c': No such file or directory\n" +
        "mkdir: invalid mode 'bad'\n" +
        usage("mkdir", "[OPTIONS] DIRECTORY...", "Create DIRECTORY\n\n\t-m MODE\tMode\n\t-p\tNo error if exists; make parent directories as needed"),
    );
    const u = await sh(k, "mkdir -p /root/x/y; mkdir /tmp/a/b/c/d", { cred: USER });
    expect(u.stderr).toBe("mkdir: can't create directory '/root/x/': Permission denied\nmkdir: can't create directory '/tmp/a/b/c/d': No such file or directory\n");
  });

  it("rmdir removes empty directories, with -p their parents, and reports the rest", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && mkdir -p a/b/c && touch f && rmdir f; rmdir nope; rmdir -p a/b/c && ls; mkdir -p d/e; rmdir d; rmdir --ignore-fail-on-non-empty d; echo $?", { tty: false });
    expect(r.stderr).toBe("rmdir: 'f': Not a directory\nrmdir: 'nope': No such file or directory\nrmdir: 'd': Directory not empty\n");
    expect(r.stdout).toBe("f\n0\n");
  });
});

describe("touch", () => {
  it("creates files, not with -c, and names what it cannot touch", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && touch a b && touch -c c && ls; touch /root/x; touch /nodir/x; touch", { cred: USER, tty: false });
    expect(r.stdout).toBe("a\nb\n");
    expect(r.stderr).toBe(
      "touch: /root/x: Permission denied\n" +
        "touch: /nodir/x: No such file or directory\n" +
        usage("touch", "[-cham] [-d DATE] [-t DATE] [-r FILE] FILE...", "Update mtime of FILEs\n\n\t-c\tDon't create files\n\t-h\tDon't follow links\n\t-a\tChange only atime\n\t-m\tChange only mtime\n\t-d DT\tDate/time to use\n\t-t DT\tDate/time to use\n\t-r FILE\tUse FILE's date/time"),
    );
    expect((await sh(k, "touch -d yesterday /tmp/a; echo $?")).stderr).toBe("touch: invalid date 'yesterday'\n");
  });

  it("sets only atime with -a and only mtime with -m; -t takes [[CC]YY]MMDDhhmm[.ss]", async () => {
    const k = boot();
    const r = await sh(k, "cd /tmp && touch -t 202001021530.45 f && ls -l --full-time f && touch -a -d @0 f && ls -l --full-time f && ls -lu --full-time f && touch -m -t 01021530 f && ls -l f", { tty: false });
    expect(r.stdout).toBe(
      "-rw-r--r--    1 root     root             0 2020-01-02 15:30:45 +0000 f\n" +
        "-rw-r--r--    1 root     root             0 2020-01-02 15:30:45 +0000 f\n" +
        "-rw-r--r--    1 root     root             0 1970-01-01 00:00:00 +0000 f\n" +
        "-rw-r--r--    1 root     root             0 Jan  2  2023 f\n",
    );
  });
});
