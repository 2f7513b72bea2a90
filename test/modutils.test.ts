// BusyBox 1.35 modutils (MODPROBE_SMALL=n): insmod, rmmod, lsmod (pretty 2.6 output), modinfo and
// modprobe, run as programs on a fresh kernel, with the exact texts and exit codes of the sources.
import { demo_modules } from "../src/modules/index.js";
import { beforeEach, describe, expect, it } from "vitest";
import { boot, run, USER } from "./helpers.js";
import type { Kernel } from "../src/kernel/kernel.js";
import type { Inode } from "../src/fs/inode.js";
import { ramfs_link, ramfs_new_dir, ramfs_new_file } from "../src/fs/ramfs.js";
import { BB_BANNER } from "../src/user/busybox/libbb.js";
import { O_EXCL, O_NONBLOCK, O_TRUNC } from "../src/include/uapi/fcntl.js";
import { filename2modname, fnmatch, moderror, parse_cmdline_module_options, Parser, PARSE_NORMAL, PARSE_GREEDY } from "../src/user/busybox/modutils/modutils.js";

const DIR = "/lib/modules/5.15.0";
const taint = (name: string): string => `${name}: loading out-of-tree module taints kernel.\n`;
const TAINT = taint("ida_demo");
const HEADER_TAINTED = "Module                  Size  Used by    Tainted: G  \n";
const HEADER_CLEAN = "Module                  Size  Used by    Not tainted\n";

const usage = (applet: string, trivial: string, full: string): string => `${BB_BANNER} multi-call binary.\n\nUsage: ${applet} ${trivial}\n\n${full}\n`;
const INSMOD_USAGE = usage("insmod", "FILE [SYMBOL=VALUE]...", "Load kernel module");
const RMMOD_USAGE = usage(
  "rmmod",
  "[-wfa] [MODULE]...",
  "Unload kernel modules\n\n\t-w\tWait until the module is no longer used\n\t-f\tForce unload\n\t-a\tRemove all unused modules (recursively)",
);
const MODINFO_USAGE = usage(
  "modinfo",
  "[-adlpn0] [-F keyword] MODULE",
  "\t-a\t\tShortcut for '-F author'\n\t-d\t\tShortcut for '-F description'\n\t-l\t\tShortcut for '-F license'\n\t-p\t\tShortcut for '-F parm'\n\t-F keyword\tKeyword to look for\n\t-0\t\tSeparate output with NULs",
);
const MODPROBE_USAGE = usage(
  "modprobe",
  "[-alrqvsDb] MODULE [SYMBOL=VALUE]...",
  "\t-a\tLoad multiple MODULEs\n\t-l\tList (MODULE is a pattern)\n\t-r\tRemove MODULE (stacks) or do autoclean\n\t-q\tQuiet\n\t-v\tVerbose\n\t-s\tLog to syslog\n\t-D\tShow dependencies\n\t-b\tApply blacklist to module names too",
);

/** Put a file (or replace one) in the root filesystem, making directories on the way. */
function put(k: Kernel, path: string, text: string | Uint8Array): void {
  const parts = path.split("/").filter(Boolean);
  let dir = k.root;
  for (const name of parts.slice(0, -1)) {
    const entries = dir.i_private as Map<string, Inode>;
    dir = entries.get(name) ?? ramfs_link(dir, name, ramfs_new_dir(0o755));
  }
  ramfs_link(dir, parts[parts.length - 1], ramfs_new_file(typeof text === "string" ? new TextEncoder().encode(text) : text));
}

function unlink(k: Kernel, path: string): void {
  const parts = path.split("/").filter(Boolean);
  let dir = k.root;
  for (const name of parts.slice(0, -1)) dir = (dir.i_private as Map<string, Inode>).get(name)!;
  (dir.i_private as Map<string, Inode>).delete(parts[parts.length - 1]);
}

/** Record what reaches the kernel's loader: one entry per init_module/finit_module call. */
function spy(k: Kernel): { loads: string[]; deletes: [string, number][] } {
  const rec = { loads: [] as string[], deletes: [] as [string, number][] };
  const load = k.modules.load_module.bind(k.modules);
  const del = k.modules.delete_module.bind(k.modules);
  k.modules.load_module = (image, uargs) => (rec.loads.push(uargs), load(image, uargs));
  k.modules.delete_module = (name, flags) => (rec.deletes.push([name, flags]), del(name, flags));
  return rec;
}

const loaded = (k: Kernel): string[] => k.modules.list().map((m) => m.name);

let k: Kernel;
beforeEach(() => {
  k = boot();
});

describe("modutils.c helpers", () => {
  it("filename2modname: up to the first '.', '-' becomes '_', no basename", () => {
    expect(filename2modname("hello.ko")).toBe("hello");
    expect(filename2modname("ida-demo.ko.xz")).toBe("ida_demo");
    expect(filename2modname("extra/hello.ko")).toBe("extra/hello");
    expect(filename2modname("./hello.ko")).toBe("");
  });
  it("moderror: the 1.35 table, strerror for the rest and for -errno", () => {
    expect(moderror(-1)).toBe("no such module");
    expect(moderror(8)).toBe("invalid module format");
    expect(moderror(2)).toBe("unknown symbol in module, or unknown parameter");
    expect(moderror(3)).toBe("module has wrong symbol version");
    expect(moderror(38)).toBe("kernel does not support requested operation");
    expect(moderror(22)).toBe("Invalid argument");
    expect(moderror(-2)).toBe("No such file or directory");
    expect(moderror(17)).toBe("File exists");
  });
  it("parse_cmdline_module_options: 'a=1 b=2 ' with a trailing space; modprobe quotes values with spaces", () => {
    expect(parse_cmdline_module_options(["hello.ko", "whom=bob", "howmany=2"], false)).toBe("whom=bob howmany=2 ");
    expect(parse_cmdline_module_options(["hello.ko"], false)).toBe("");
    expect(parse_cmdline_module_options(["hello.ko", "whom=a b"], false)).toBe("whom=a b ");
    expect(parse_cmdline_module_options(["hello", "whom=a b", "fail"], true)).toBe('whom="a b" fail ');
  });
  it("fnmatch: * ? and classes", () => {
    expect(fnmatch("h*", "hello")).toBe(true);
    expect(fnmatch("h?llo", "hello")).toBe(true);
    expect(fnmatch("[a-h]ello", "hello")).toBe(true);
    expect(fnmatch("[!h]ello", "hello")).toBe(false);
    expect(fnmatch("hell", "hello")).toBe(false);
    expect(fnmatch("ida.demo", "ida_demo")).toBe(false);
  });
  it("config_read: greedy last token, comments, minimum tokens", () => {
    const p = new Parser(new TextEncoder().encode("# comment\n\nextra/a.ko:  x.ko   y.ko  # tail\nextra/b.ko:\n"));
    expect(p.read(2, 1, "# \t", PARSE_NORMAL)).toEqual(["extra/a.ko:", "x.ko   y.ko"]);
    expect(p.read(2, 1, "# \t", PARSE_NORMAL)).toEqual(["extra/b.ko:"]);
    expect(p.read(2, 1, "# \t", PARSE_NORMAL)).toBe(null);
    const q = new Parser(new TextEncoder().encode("hello 16384 0 - Live 0xbf000000 (O)\n"));
    expect(q.read(4, 4, "# \t", PARSE_NORMAL & ~PARSE_GREEDY)).toEqual(["hello", "16384", "0", "-"]);
  });
});

describe("insmod", () => {
  it("loads a module by path: nothing on stdout or stderr, the module's printk on the console", async () => {
    const r = await run(k, ["insmod", `${DIR}/extra/ida_demo.ko`]);
    expect(r.output).toBe(TAINT + "IDR Demo: Initializing module\n");
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(loaded(k)).toEqual(["ida_demo"]);
  });

  it("uses finit_module once on success, and passes parameters as 'a=1 b=2 '", async () => {
    const rec = spy(k);
    const r = await run(k, ["insmod", `${DIR}/extra/hello.ko`, "whom=bob", "howmany=2"]);
    expect(r.output).toBe(taint("hello") + "hello: Hello, bob\nhello: Hello, bob\n");
    expect(r.code).toBe(0);
    expect(rec.loads).toEqual(["whom=bob howmany=2 "]);
  });

  it("a second insmod fails with EEXIST: exit status 17", async () => {
    await run(k, ["insmod", `${DIR}/extra/ida_demo.ko`]);
    const r = await run(k, ["insmod", `${DIR}/extra/ida_demo.ko`]);
    expect(r.output).toBe(`insmod: can't insert '${DIR}/extra/ida_demo.ko': File exists\n`);
    expect(r.stderr).toBe(r.output);
    expect(r.code).toBe(17);
  });

  it("a missing file: the -ENOENT of the read, exit status 254", async () => {
    const r = await run(k, ["insmod", "/root/nosuch.ko"]);
    expect(r.output).toBe("insmod: can't insert '/root/nosuch.ko': No such file or directory\n");
    expect(r.code).toBe(254);
    const r2 = await run(k, ["insmod", "./hello.ko"]);
    expect(r2.output).toBe("insmod: can't insert './hello.ko': No such file or directory\n");
    expect(r2.code).toBe(254);
  });

  it("a name with no modules.dep entry stays a missing file", async () => {
    const r = await run(k, ["insmod", "nosuch.ko"]);
    expect(r.output).toBe("insmod: can't insert 'nosuch.ko': No such file or directory\n");
    expect(r.code).toBe(254);
    const r2 = await run(k, ["insmod", "hello.txt"]);
    expect(r2.output).toBe("insmod: can't insert 'hello.txt': No such file or directory\n");
    expect(r2.code).toBe(254);
  });

  it("kplay extension: a bare NAME or NAME.ko that is not a file is looked up in modules.dep", async () => {
    const r = await run(k, ["insmod", "ida_demo"]);
    expect(r.output).toBe(TAINT + "IDR Demo: Initializing module\n");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["insmod", "hello.ko", "whom=you"]);
    expect(r2.output).toBe("hello: Hello, you\n");
    expect(r2.code).toBe(0);
    const r3 = await run(k, ["insmod", "ida_demo.ko"]);
    expect(r3.output).toBe("insmod: can't insert 'ida_demo.ko': File exists\n");
    expect(r3.code).toBe(17);
    expect(loaded(k)).toEqual(["hello", "ida_demo"]);
  });

  it("kplay extension: an existing file in the current directory wins over modules.dep", async () => {
    put(k, "/hello.ko", "not a module\n");
    const r = await run(k, ["insmod", "hello.ko"]);
    expect(r.output).toBe("insmod: can't insert 'hello.ko': invalid module format\n");
    expect(r.code).toBe(8);
    expect(loaded(k)).toEqual([]);
  });

  it("kplay extension: without modules.dep a bare name is just a missing file", async () => {
    unlink(k, `${DIR}/modules.dep`);
    const r = await run(k, ["insmod", "hello"]);
    expect(r.output).toBe("insmod: can't insert 'hello': No such file or directory\n");
    expect(r.code).toBe(254);
  });

  it("an init that fails runs twice (finit_module, then init_module) and insmod reports ENOMEM", async () => {
    const rec = spy(k);
    const r = await run(k, ["insmod", `${DIR}/extra/hello.ko`, "fail=1"]);
    const once = "hello: Hello, world\nhello: init failed (fail=1), unwinding\n";
    expect(r.output).toBe(taint("hello") + once + once + `insmod: can't insert '${DIR}/extra/hello.ko': Cannot allocate memory\n`);
    expect(r.code).toBe(12);
    expect(rec.loads).toEqual(["fail=1 ", "fail=1 "]);
    expect(loaded(k)).toEqual([]);
  });

  it("a parameter value that does not parse: EINVAL is plain 'Invalid argument'", async () => {
    const r = await run(k, ["insmod", "hello", "howmany=abc"]);
    const once = "hello: `abc' invalid for parameter `howmany'\n";
    expect(r.output).toBe(taint("hello") + once + once + "insmod: can't insert 'hello': Invalid argument\n");
    expect(r.code).toBe(22);
  });

  it("an unknown parameter is only a kernel warning", async () => {
    const r = await run(k, ["insmod", "hello", "colour=red"]);
    expect(r.output).toBe(taint("hello") + "hello: unknown parameter 'colour' ignored\nhello: Hello, world\n");
    expect(r.code).toBe(0);
  });

  it("not a module: invalid module format (ENOEXEC, 8)", async () => {
    put(k, "/tmp/bad.ko", "hello world\n");
    const r = await run(k, ["insmod", "/tmp/bad.ko"]);
    expect(r.output).toBe("insmod: can't insert '/tmp/bad.ko': invalid module format\n");
    expect(r.code).toBe(8);
  });

  it("a file shorter than 2 bytes or a directory: the signature xread() dies with 'short read'", async () => {
    put(k, "/tmp/empty.ko", "");
    const r = await run(k, ["insmod", "/tmp/empty.ko"]);
    expect(r.output).toBe("insmod: short read\n");
    expect(r.code).toBe(1);
    const r2 = await run(k, ["insmod", "/tmp"]);
    expect(r2.output).toBe("insmod: short read\n");
    expect(r2.code).toBe(1);
  });

  it("as a normal user: Operation not permitted; an unreadable path gives the open error", async () => {
    const r = await run(k, ["insmod", "ida_demo"], { cred: USER });
    expect(r.output).toBe("insmod: can't insert 'ida_demo': Operation not permitted\n");
    expect(r.code).toBe(1);
    const r2 = await run(k, ["insmod", "/root/x.ko"], { cred: USER });
    expect(r2.output).toBe("insmod: can't insert '/root/x.ko': Permission denied\n");
    expect(r2.code).toBe(243);
    expect(loaded(k)).toEqual([]);
  });

  it("no argument: the usage screen on stderr, exit 1", async () => {
    const r = await run(k, ["insmod"]);
    expect(r.stderr).toBe(INSMOD_USAGE);
    expect(r.stdout).toBe("");
    expect(r.code).toBe(1);
  });

  it("has no options: '-f' is taken as the file name", async () => {
    const r = await run(k, ["insmod", "-f", "hello.ko"]);
    expect(r.output).toBe("insmod: can't insert '-f': No such file or directory\n");
    expect(r.code).toBe(254);
  });
});

describe("rmmod", () => {
  it("unloads with O_NONBLOCK|O_EXCL; paths and .ko are cut to the module name", async () => {
    const rec = spy(k);
    await run(k, ["insmod", "hello"]);
    await run(k, ["insmod", "ida_demo"]);
    const r = await run(k, ["rmmod", `${DIR}/extra/hello.ko`]);
    expect(r.output).toBe("hello: Goodbye, world\n");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["rmmod", "ida-demo.ko"]);
    expect(r2.output).toBe("IDR Demo: Exiting module\nkplay: module ida_demo left /proc/ida registered; removing it\n");
    expect(r2.code).toBe(0);
    expect(rec.deletes).toEqual([
      ["hello", O_NONBLOCK | O_EXCL],
      ["ida_demo", O_NONBLOCK | O_EXCL],
    ]);
    expect(loaded(k)).toEqual([]);
  });

  it("a module that is not loaded: 'can't unload module', exit 1", async () => {
    const r = await run(k, ["rmmod", "hello"]);
    expect(r.output).toBe("rmmod: can't unload module 'hello': No such file or directory\n");
    expect(r.stderr).toBe(r.output);
    expect(r.code).toBe(1);
  });

  it("stops at the first failure", async () => {
    await run(k, ["insmod", "hello"]);
    const r = await run(k, ["rmmod", "nosuch", "hello"]);
    expect(r.output).toBe("rmmod: can't unload module 'nosuch': No such file or directory\n");
    expect(r.code).toBe(1);
    expect(loaded(k)).toEqual(["hello"]);
  });

  it("in use: EWOULDBLOCK unless -f (O_TRUNC); -w drops O_NONBLOCK", async () => {
    const rec = spy(k);
    await run(k, ["insmod", "hello"]);
    k.modules.find("hello")!.refcnt = 1;
    const r = await run(k, ["rmmod", "hello"]);
    expect(r.output).toBe("rmmod: can't unload module 'hello': Resource temporarily unavailable\n");
    expect(r.code).toBe(1);
    const r2 = await run(k, ["rmmod", "-w", "hello"]);
    expect(r2.code).toBe(1);
    const r3 = await run(k, ["rmmod", "-f", "hello"]);
    expect(r3.output).toBe("hello: Goodbye, world\n");
    expect(r3.code).toBe(0);
    expect(rec.deletes.map(([, f]) => f)).toEqual([O_NONBLOCK | O_EXCL, O_EXCL, O_NONBLOCK | O_EXCL | O_TRUNC]);
  });

  it("options may follow the module name (GNU getopt permutes)", async () => {
    await run(k, ["insmod", "hello"]);
    k.modules.find("hello")!.refcnt = 1;
    const r = await run(k, ["rmmod", "hello", "-f"]);
    expect(r.output).toBe("hello: Goodbye, world\n");
    expect(r.code).toBe(0);
  });

  it("as a normal user: Operation not permitted", async () => {
    await run(k, ["insmod", "hello"]);
    const r = await run(k, ["rmmod", "hello"], { cred: USER });
    expect(r.output).toBe("rmmod: can't unload module 'hello': Operation not permitted\n");
    expect(r.code).toBe(1);
  });

  it("-a is delete_module(NULL): EFAULT is ignored for root, EPERM is reported for a user", async () => {
    const r = await run(k, ["rmmod", "-a"]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["rmmod", "-a"], { cred: USER });
    expect(r2.output).toBe("rmmod: rmmod: Operation not permitted\n");
    expect(r2.code).toBe(1);
  });

  it("no module: usage; a bad option: glibc's getopt line, then usage", async () => {
    const r = await run(k, ["rmmod"]);
    expect(r.stderr).toBe(RMMOD_USAGE);
    expect(r.code).toBe(1);
    const r2 = await run(k, ["rmmod", "-x", "hello"]);
    expect(r2.stderr).toBe("rmmod: invalid option -- 'x'\n" + RMMOD_USAGE);
    expect(r2.code).toBe(1);
  });
});

describe("lsmod", () => {
  it("no modules, untainted kernel: just the header", async () => {
    const r = await run(k, ["lsmod"]);
    expect(r.output).toBe(HEADER_CLEAN);
    expect(r.code).toBe(0);
  });

  it("before and after insmod/rmmod; the O taint shows as 'Tainted: G  '", async () => {
    await run(k, ["insmod", "ida_demo"]);
    await run(k, ["insmod", "hello"]);
    const r = await run(k, ["lsmod"]);
    expect(r.stdout).toBe(HEADER_TAINTED + "hello                  16384  0 \nida_demo               16384  0 \n");
    expect(r.code).toBe(0);
    await run(k, ["rmmod", "hello"]);
    const r2 = await run(k, ["lsmod"]);
    expect(r2.stdout).toBe(HEADER_TAINTED + "ida_demo               16384  0 \n");
    await run(k, ["rmmod", "ida_demo"]);
    const r3 = await run(k, ["lsmod"]);
    expect(r3.stdout).toBe(HEADER_TAINTED);
  });

  it("the header shows only the P, F and S taint bits", async () => {
    k.tainted = 1;
    expect((await run(k, ["lsmod"])).stdout).toBe("Module                  Size  Used by    Tainted: P  \n");
    k.tainted = 7;
    expect((await run(k, ["lsmod"])).stdout).toBe("Module                  Size  Used by    Tainted: PFS\n");
    k.tainted = 1 << 7;
    expect((await run(k, ["lsmod"])).stdout).toBe(HEADER_TAINTED);
  });

  it("'Used by' drops the trailing comma; the use count is right-aligned", async () => {
    await run(k, ["insmod", "ida_demo"]);
    await run(k, ["insmod", "hello"]);
    const ida = k.modules.find("ida_demo")!;
    ida.holders.add(k.modules.find("hello")!);
    ida.refcnt = 12;
    const r = await run(k, ["lsmod"]);
    expect(r.stdout).toBe(HEADER_TAINTED + "hello                  16384  0 \nida_demo               16384 12 hello\n");
    const r2 = await run(k, ["rmmod", "ida_demo"]);
    expect(r2.output).toBe("rmmod: can't unload module 'ida_demo': Resource temporarily unavailable\n");
  });
});

describe("modinfo", () => {
  it("a module by name: the fixed field order, 16-column labels, the path from modules.dep", async () => {
    const r = await run(k, ["modinfo", "ida_demo"]);
    expect(r.stdout).toMatch(
      new RegExp(
        "^filename:       /lib/modules/5\\.15\\.0/extra/ida_demo\\.ko\n" +
          "author:         Brook\n" +
          "description:    Kernel module to demo IDA\n" +
          "license:        GPL\n" +
          "version:        0\\.1\n" +
          "srcversion:     [0-9A-F]{23}\n" +
          "depends:        \n" +
          "vermagic:       5\\.15\\.0 SMP mod_unload ARMv7 p2v8 \n$",
      ),
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("every parm line in file order, without the type", async () => {
    const r = await run(k, ["modinfo", "-p", "hello"]);
    expect(r.stdout).toBe("whom:Whom to greet\nhowmany:How many greetings\nfail:Make init fail after creating /proc/hello\n");
  });

  it("one field: the value alone; two: labels, in the fixed order", async () => {
    expect((await run(k, ["modinfo", "-F", "vermagic", "hello"])).stdout).toBe("5.15.0 SMP mod_unload ARMv7 p2v8 \n");
    expect((await run(k, ["modinfo", "-a", "hello"])).stdout).toBe("kplay\n");
    expect((await run(k, ["modinfo", "-l", "-a", "hello"])).stdout).toBe("author:         kplay\nlicense:        GPL\n");
    expect((await run(k, ["modinfo", "-n", "hello"])).stdout).toBe(`${DIR}/extra/hello.ko\n`);
    expect((await run(k, ["modinfo", "-F", "name", "hello"])).stdout).toBe("hello\n");
    expect((await run(k, ["modinfo", "-0", "-d", "-l", "ida_demo"])).stdout).toBe("description:    Kernel module to demo IDA\0license:        GPL\0");
  });

  it("a path is used as given; names are fnmatch patterns", async () => {
    const r = await run(k, ["modinfo", "-F", "filename", `${DIR}/extra/oops_demo.ko`]);
    expect(r.stdout).toBe(`${DIR}/extra/oops_demo.ko\n`);
    // Each argument is used up by its first match in modules.dep.
    const r2 = await run(k, ["modinfo", "-n", "*demo"]);
    expect(r2.stdout).toBe(`${DIR}/extra/ida_demo.ko\n`);
    const r3 = await run(k, ["modinfo", "-n", "oops_demo", "h*"]);
    expect(r3.stdout).toBe(`${DIR}/extra/hello.ko\n${DIR}/extra/oops_demo.ko\n`);
  });

  it("not found: a relative name is reported under the module directory (exit 0), an absolute one is silent", async () => {
    const r = await run(k, ["modinfo", "nosuch.ko"]);
    expect(r.output).toBe("modinfo: module '/lib/modules/5.15.0/nosuch.ko' not found\n");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["modinfo", "/tmp/nosuch.ko"]);
    expect(r2.output).toBe("");
    expect(r2.code).toBe(0);
  });

  it("needs modules.dep even for a path", async () => {
    unlink(k, `${DIR}/modules.dep`);
    const r = await run(k, ["modinfo", `${DIR}/extra/hello.ko`]);
    expect(r.output).toBe("modinfo: can't open '/lib/modules/5.15.0/modules.dep': No such file or directory\n");
    expect(r.code).toBe(1);
  });

  it("no module: usage; -F without a keyword: glibc's message, then usage", async () => {
    const r = await run(k, ["modinfo"]);
    expect(r.stderr).toBe(MODINFO_USAGE);
    expect(r.code).toBe(1);
    const r2 = await run(k, ["modinfo", "-F"]);
    expect(r2.stderr).toBe("modinfo: option requires an argument -- 'F'\n" + MODINFO_USAGE);
    expect(r2.code).toBe(1);
  });
});

describe("modprobe", () => {
  it("loads by name from modules.dep, with parameters (values with spaces quoted)", async () => {
    const rec = spy(k);
    const r = await run(k, ["modprobe", "hello", "whom=a b", "howmany=2"]);
    expect(r.output).toBe(taint("hello") + "hello: Hello, a b\nhello: Hello, a b\n");
    expect(r.code).toBe(0);
    expect(rec.loads).toEqual(['whom="a b" howmany=2 ']);
    expect(loaded(k)).toEqual(["hello"]);
  });

  it("an already loaded module is skipped silently", async () => {
    await run(k, ["modprobe", "ida_demo"]);
    const rec = spy(k);
    const r = await run(k, ["modprobe", "ida_demo"]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
    expect(rec.loads).toEqual([]);
  });

  it("an unknown name: not found in modules.dep, exit 1; -q hides the message", async () => {
    const r = await run(k, ["modprobe", "nosuch"]);
    expect(r.output).toBe("modprobe: module nosuch not found in modules.dep\n");
    expect(r.code).toBe(1);
    const r2 = await run(k, ["modprobe", "extra/hello"]);
    expect(r2.output).toBe("modprobe: module extra/hello not found in modules.dep\n");
    expect(r2.code).toBe(1);
    const r3 = await run(k, ["modprobe", "-q", "nosuch"]);
    expect(r3.output).toBe("");
    expect(r3.code).toBe(1);
    const r4 = await run(k, ["modprobe", "-s", "nosuch"]);
    expect(r4.output).toBe("");
    expect(r4.code).toBe(1);
  });

  it("NAME.ko and NAME-with-dashes name the module (filename2modname)", async () => {
    const r = await run(k, ["modprobe", "hello.ko"]);
    expect(r.output).toBe(taint("hello") + "hello: Hello, world\n");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["modprobe", "ida-demo"]);
    expect(r2.output).toBe("IDR Demo: Initializing module\n");
    expect(loaded(k)).toEqual(["ida_demo", "hello"]);
  });

  it("a failing init: can't load module NAME (PATH): moderror", async () => {
    const r = await run(k, ["modprobe", "hello", "fail=1"]);
    const once = "hello: Hello, world\nhello: init failed (fail=1), unwinding\n";
    expect(r.output).toBe(taint("hello") + once + once + "modprobe: can't load module hello (extra/hello.ko): Cannot allocate memory\n");
    expect(r.code).toBe(1);
  });

  it("-a loads several, -r removes; a module that is not loaded is skipped by -r", async () => {
    const rec = spy(k);
    const r = await run(k, ["modprobe", "-a", "oops-demo", "hello"]);
    expect(r.output).toBe(taint("oops_demo") + "oops_demo: cat /proc/oops_demo to crash\nhello: Hello, world\n");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["modprobe", "-r", "hello", "ida_demo", "oops_demo"]);
    expect(r2.output).toBe("hello: Goodbye, world\n");
    expect(r2.code).toBe(0);
    expect(rec.deletes).toEqual([
      ["hello", O_EXCL],
      ["oops_demo", O_EXCL],
    ]);
    expect(loaded(k)).toEqual([]);
  });

  it("-r failure: can't unload module, exit 1", async () => {
    await run(k, ["modprobe", "hello"]);
    const r = await run(k, ["modprobe", "-r", "hello"], { cred: USER });
    expect(r.output).toBe("modprobe: can't unload module 'hello': Operation not permitted\n");
    expect(r.code).toBe(1);
  });

  it("dependencies load first and unload last; -D shows them", async () => {
    put(k, `${DIR}/modules.dep`, "extra/hello.ko: extra/ida_demo.ko\nextra/ida_demo.ko:\nextra/oops_demo.ko:\n");
    const d = await run(k, ["modprobe", "-D", "hello"]);
    expect(d.stdout).toBe(`insmod ${DIR}/extra/ida_demo.ko\ninsmod ${DIR}/extra/hello.ko \n`);
    const d2 = await run(k, ["modprobe", "--show-depends", "hello", "whom=x"]);
    expect(d2.stdout).toBe(`insmod ${DIR}/extra/ida_demo.ko\ninsmod ${DIR}/extra/hello.ko whom=x \n`);
    expect(loaded(k)).toEqual([]);
    const r = await run(k, ["modprobe", "hello"]);
    expect(r.output).toBe(TAINT + "IDR Demo: Initializing module\nhello: Hello, world\n");
    expect(loaded(k)).toEqual(["hello", "ida_demo"]);
    const r2 = await run(k, ["modprobe", "-r", "hello"]);
    expect(r2.output).toBe("hello: Goodbye, world\nIDR Demo: Exiting module\nkplay: module ida_demo left /proc/ida registered; removing it\n");
    expect(loaded(k)).toEqual([]);
  });

  it("/etc/modprobe.conf and /etc/modprobe.d: options, alias, blacklist", async () => {
    put(k, "/etc/modprobe.conf", "# defaults\noptions hello whom=conf howmany=2\n");
    put(k, "/etc/modprobe.d/greeter.conf", "alias greeter hello\nblacklist oops_demo\n");
    put(k, "/etc/modprobe.d/ignored.txt", "options hello whom=ignored\n");
    const rec = spy(k);
    const r = await run(k, ["modprobe", "greeter"]);
    expect(r.output).toBe(taint("hello") + "hello: Hello, conf\nhello: Hello, conf\n");
    expect(r.code).toBe(0);
    await run(k, ["rmmod", "hello"]);
    const r2 = await run(k, ["modprobe", "hello", "howmany=1"]);
    expect(r2.output).toBe("hello: Hello, conf\n");
    expect(rec.loads).toEqual(["whom=conf howmany=2 ", "whom=conf howmany=2 howmany=1 "]);
    const r3 = await run(k, ["modprobe", "-b", "oops_demo"]);
    expect(r3.output).toBe("");
    expect(r3.code).toBe(0);
    expect(loaded(k)).toEqual(["hello"]);
    const r4 = await run(k, ["modprobe", "oops_demo"]);
    expect(r4.output).toBe("oops_demo: cat /proc/oops_demo to crash\n");
  });

  it("-l lists modules.dep paths, optionally matching patterns", async () => {
    const r = await run(k, ["modprobe", "-l"]);
    const names = [...demo_modules.keys()];
    expect(r.stdout).toBe(names.map((n) => `extra/${n}.ko\n`).join(""));
    expect(names).toContain("ida_demo");
    const r2 = await run(k, ["modprobe", "-l", "*-demo"]);
    expect(r2.stdout).toBe(names.filter((n) => n.endsWith("_demo")).map((n) => `extra/${n}.ko\n`).join(""));
  });

  it("no module: nothing, exit 0; -r alone is delete_module(NULL): 'Bad address'", async () => {
    const r = await run(k, ["modprobe"]);
    expect(r.output).toBe("");
    expect(r.code).toBe(0);
    const r2 = await run(k, ["modprobe", "-r"]);
    expect(r2.output).toBe("modprobe: Bad address\n");
    expect(r2.code).toBe(1);
  });

  it("conflicting or unknown options: usage", async () => {
    const r = await run(k, ["modprobe", "-l", "-r", "hello"]);
    expect(r.stderr).toBe(MODPROBE_USAGE);
    expect(r.code).toBe(1);
    const r2 = await run(k, ["modprobe", "-x", "hello"]);
    expect(r2.stderr).toBe("modprobe: invalid option -- 'x'\n" + MODPROBE_USAGE);
    const r3 = await run(k, ["modprobe", "--bogus", "hello"]);
    expect(r3.stderr).toBe("modprobe: unrecognized option '--bogus'\n" + MODPROBE_USAGE);
    expect(loaded(k)).toEqual([]);
  });

  it("needs /lib/modules/$(uname -r) and modules.dep there", async () => {
    unlink(k, `${DIR}/modules.dep`);
    const r = await run(k, ["modprobe", "hello"]);
    expect(r.output).toBe("modprobe: can't open 'modules.dep': No such file or directory\n");
    expect(r.code).toBe(1);
    unlink(k, DIR);
    const r2 = await run(k, ["modprobe", "hello"]);
    expect(r2.output).toBe("modprobe: can't change directory to '5.15.0': No such file or directory\n");
    unlink(k, "/lib/modules");
    const r3 = await run(k, ["modprobe", "hello"]);
    expect(r3.output).toBe("modprobe: can't change directory to '/lib/modules': No such file or directory\n");
    expect(r3.code).toBe(1);
  });
});
