// The kplay command as a user runs it: the built bundle behind bin/kplay.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), "kplay-home-"));
const kplay = (args: string[], input?: string) =>
  spawnSync(process.execPath, [join(root, "bin/kplay"), ...args], { input, encoding: "utf8", env: { ...process.env, KPLAY_HOME: home, NO_COLOR: "1", FORCE_COLOR: "0" } });

afterAll(() => {
  kplay(["poweroff"]);
});

describe("kplay", () => {
  it("prints its version and lists every command in --help", () => {
    expect(kplay(["--version"]).stdout).toBe(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version + "\n");
    const help = kplay(["--help"]).stdout;
    for (const c of ["demo", "shell", "sh [options]", "scenario"]) expect(help).toContain(`  ${c}`);
  });

  it("rejects an unknown command with one line and status 1", () => {
    const r = kplay(["bogus"]);
    expect(r.stderr).toBe("error: unknown command 'bogus'\n");
    expect(r.status).toBe(1);
  });

  it("runs sh -c and exits with its status", () => {
    const r = kplay(["-q", "sh", "-c", "uname -a; exit 7"]);
    expect(r.stdout).toBe("Linux (none) 5.15.0 #1 SMP Sat Aug 5 10:12:30 CST 2023 armv7l GNU/Linux\n");
    expect(r.status).toBe(7);
  });

  it("runs the lines of a non-terminal stdin in `kplay shell`, without prompts", () => {
    const r = kplay(["shell"], "insmod hello\ncat /proc/hello\nrmmod hello\nnosuch\n");
    expect(r.stdout).toBe("hello: loading out-of-tree module taints kernel.\nhello: Hello, world\nHello, world\nhello: Goodbye, world\n");
    expect(r.stderr).toMatch(/^(kplay: booting machine 'default'\n)?sh: nosuch: not found\n$/);
    expect(r.status).toBe(127);
  });

  it("passes the shipped scenarios and diffs a wrong one", () => {
    const ok = kplay(["scenario", "run", join(root, "scenarios/ida_demo.txt")]);
    expect(ok.stdout).toBe(`PASS ${join(root, "scenarios/ida_demo.txt")}\n`);
    expect(ok.status).toBe(0);
    const bad = join(mkdtempSync(join(tmpdir(), "kplay-")), "bad.txt");
    writeFileSync(bad, "/ # uname -r\n5.4.0\n");
    const r = kplay(["scenario", "run", bad]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL ${bad}\n--- ${bad} (expected)\n+++ ${bad} (kplay)\n@@ -1,3 +1,3 @@\n / # uname -r\n-5.4.0\n+5.15.0\n`);
  });

  it("says so for a scenario file that does not exist", () => {
    const r = kplay(["scenario", "run", "/nonexistent.txt"]);
    expect(r.stderr).toBe("kplay: /nonexistent.txt: No such file or directory\n");
    expect(r.status).toBe(1);
  });

  it("runs the socket tutorial as one-shot commands on the machine", () => {
    expect(kplay(["insmod", "socket_demo"]).stdout).toMatch(/^(socket_demo: loading out-of-tree module taints kernel\.\n)?NET: Registered PF_MCTP protocol family\nmyproto_init\(#178\)myprotocol module loaded\n$/);
    const run = kplay(["run", "my_sock", "abc"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("my_release(#75)sock->channel 123\n");
    expect(run.stdout).toContain("main(#23): socket\nmain(#33): bind\nmain(#39): listen\nwrite: 3\nread: 8/My test\n");
    expect(run.stderr).toBe("Listen failed: Operation not supported\n");
    expect(kplay(["cat", "/proc/net/protocols"]).stdout.split("\n")[1]).toBe("MYSOCK     504      0      -1   NI       0   no   socket_demo  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n  n");
    expect(kplay(["dmesg"]).stdout).toMatch(/\] my_bind\(#49\)sock->channel 999\n\[ *[\d.]+\] my_listen\(#61\)sock->channel 123\n/);
    expect(kplay(["rmmod", "socket_demo"]).stderr).toBe("rmmod: can't unload module 'socket_demo': Resource temporarily unavailable\n");
  });

  it("runs the demo", () => {
    const r = kplay(["demo"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("/ # cat /proc/ida\nIDR Demo: Successfully allocated ID: 3\n");
  });
});
