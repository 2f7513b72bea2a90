// The machine end to end: the built CLI (bin/kplay) spawned as a user runs it, each suite with its
// own fresh KPLAY_HOME. Every machine a suite starts is powered off after it; a machine that does
// not go is killed, found by the KPLAY_HOME in its environment (see cli_helpers.ts).
import { existsSync, readFileSync, statSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanup_machines, dead, kplay, kplay_merged, machine_processes, new_home, pid_file, raw_request, sleep, start, until, until_running } from "./cli_helpers.js";

const TS = String.raw`\[\s*\d+\.\d{6}\] `;

afterAll(cleanup_machines, 30_000);

describe("the IDA tutorial as separate commands", { timeout: 20_000 }, () => {
  const home = new_home();

  it("boots on demand, keeps state between commands, and boots fresh after poweroff", async () => {
    let r = await kplay(home, ["insmod", "ida_demo"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "ida_demo: loading out-of-tree module taints kernel.\nIDR Demo: Initializing module\n", stderr: "kplay: booting machine 'default'\n" });
    const pid = pid_file(home);
    expect(machine_processes(home)).toEqual([pid]);

    for (const id of [0, 1, 2]) {
      r = await kplay(home, ["cat", "/proc/ida"]);
      expect(r).toEqual({ code: 0, signal: null, stdout: `IDR Demo: Successfully allocated ID: ${id}\n`, stderr: "" });
    }
    r = await kplay(home, ["sh", "-c", "echo 1 > /proc/ida"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "remove ID 1\n", stderr: "" });
    r = await kplay(home, ["cat", "/proc/ida"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "IDR Demo: Successfully allocated ID: 1\n", stderr: "" });

    r = await kplay(home, ["dmesg"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${TS}Booting Linux on physical CPU 0x0$`));
    expect(lines[1]).toMatch(new RegExp(`^${TS}Linux version 5\\.15\\.0 `));
    for (const l of lines) expect(l).toMatch(new RegExp(`^${TS}`));
    const stamps = lines.map((l) => Number(/^\[\s*(\d+\.\d+)\]/.exec(l)![1]));
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    const tutorial = [
      "ida_demo: loading out-of-tree module taints kernel.",
      "IDR Demo: Initializing module",
      "IDR Demo: Successfully allocated ID: 0",
      "IDR Demo: Successfully allocated ID: 1",
      "IDR Demo: Successfully allocated ID: 2",
      "remove ID 1",
      "IDR Demo: Successfully allocated ID: 1",
    ];
    expect(lines.slice(-tutorial.length).map((l) => l.replace(new RegExp(`^${TS}`), ""))).toEqual(tutorial);

    r = await kplay(home, ["lsmod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ida_demo +\d+ +0 *$/m);

    r = await kplay(home, ["status"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^default: pid ${pid}, up \\d+\\.\\ds, modules: ida_demo, Tainted: G +O +, socket ${join(home, "default", "sock")}\\n$`));

    r = await kplay(home, ["poweroff"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
    expect(dead(pid)).toBe(true);
    expect(existsSync(join(home, "default", "pid"))).toBe(false);
    r = await kplay(home, ["status"]);
    expect(r.stdout).toBe("no machine is running\n");

    r = await kplay(home, ["cat", "/proc/ida"]);
    expect(r).toEqual({ code: 1, signal: null, stdout: "", stderr: "kplay: booting machine 'default'\ncat: can't open '/proc/ida': No such file or directory\n" });
    expect(pid_file(home)).not.toBe(pid);
    r = await kplay(home, ["insmod", "ida_demo"]);
    expect(r.stdout).toBe("ida_demo: loading out-of-tree module taints kernel.\nIDR Demo: Initializing module\n");
    r = await kplay(home, ["cat", "/proc/ida"]);
    expect(r.stdout).toBe("IDR Demo: Successfully allocated ID: 0\n");

    // The previous boot's log is kept beside the new one.
    const old = readFileSync(join(home, "default", "kernel.log.old"), "utf8");
    expect(old).toMatch(/^<6>\[\s*\d+\.\d{6}\] remove ID 1$/m);
    expect(old).toMatch(/reboot: Power down\n$/);
    expect(readFileSync(join(home, "default", "kernel.log"), "utf8")).not.toContain("remove ID 1");
    expect((await kplay(home, ["poweroff"])).code).toBe(0);
  });
});

describe("a running machine", { timeout: 20_000 }, () => {
  const home = new_home();
  let pid = 0;

  beforeAll(async () => {
    const r = await kplay(home, ["boot"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
    pid = pid_file(home);
  }, 20_000);

  afterAll(async () => {
    await kplay(home, ["poweroff"]);
  }, 20_000);

  // First in this suite: the machine is not yet tainted, so insmod prints the taint line.
  it("shows stdout, stderr and console lines in the order they happened", async () => {
    const cmd = "echo out; echo err >&2; insmod hello; echo after; rmmod hello; echo end";
    const merged = await kplay_merged(home, ["sh", "-c", cmd]);
    expect(merged).toEqual({
      code: 0,
      output: "out\nerr\nhello: loading out-of-tree module taints kernel.\nhello: Hello, world\nafter\nhello: Goodbye, world\nend\n",
    });
    const r = await kplay(home, ["sh", "-c", cmd]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "out\nhello: Hello, world\nafter\nhello: Goodbye, world\nend\n", stderr: "err\n" });
  });

  it("hides console lines with -q", async () => {
    const cmd = "echo out; echo err >&2; insmod hello; echo after; rmmod hello; echo end";
    expect(await kplay_merged(home, ["-q", "sh", "-c", cmd])).toEqual({ code: 0, output: "out\nerr\nafter\nend\n" });
    expect(await kplay(home, ["--quiet", "insmod", "hello"])).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
    expect(await kplay(home, ["rmmod", "hello"])).toEqual({ code: 0, signal: null, stdout: "hello: Goodbye, world\n", stderr: "" });
  });

  it("exits with the program's status, 128+N for signal N, 127 for an unknown program", async () => {
    expect(await kplay(home, ["sh", "-c", "exit 3"])).toEqual({ code: 3, signal: null, stdout: "", stderr: "" });
    expect((await kplay(home, ["sh", "-c", "kill -TERM $$"])).code).toBe(143);
    expect((await kplay(home, ["sh", "-c", "kill -KILL $$"])).code).toBe(137);
    expect(await kplay(home, ["run", "nosuch"])).toEqual({ code: 127, signal: null, stdout: "", stderr: "kplay: nosuch: not found\n" });
    expect(await kplay(home, ["run", "/bin/nosuch", "x"])).toEqual({ code: 127, signal: null, stdout: "", stderr: "kplay: /bin/nosuch: not found\n" });
  });

  it("runs as the --user of the machine's /etc/passwd, given before the command or to run, sh and shell", async () => {
    const id_user = "uid=1000(user) gid=1000(user) groups=1000(user)\n";
    const ok = (stdout: string) => ({ code: 0, signal: null, stdout, stderr: "" });
    expect(await kplay(home, ["run", "id"])).toEqual(ok("uid=0(root) gid=0(root)\n"));
    expect(await kplay(home, ["--user", "user", "run", "id"])).toEqual(ok(id_user));
    expect(await kplay(home, ["run", "--user", "user", "id"])).toEqual(ok(id_user));
    expect(await kplay(home, ["run", "-u", "1000", "id"])).toEqual(ok(id_user));
    /* options after the program are the program's */
    expect(await kplay(home, ["run", "id", "-u"])).toEqual(ok("0\n"));
    expect(await kplay(home, ["sh", "--user", "user", "-c", "whoami; echo $HOME $USER $LOGNAME"])).toEqual(ok("user\n/home/user user user\n"));
    expect(await kplay(home, ["shell", "--user", "user"], "id -un\ninsmod hello\n")).toEqual({
      code: 1, signal: null, stdout: "user\n", stderr: "insmod: can't insert 'hello': Operation not permitted\n",
    });
    expect(await kplay(home, ["-u", "4242", "run", "id"])).toEqual(ok("uid=4242 gid=4242\n"));
    expect(await kplay(home, ["--user", "bob", "run", "id"])).toEqual({ code: 2, signal: null, stdout: "", stderr: "kplay: unknown user 'bob'\n" });
    expect(await kplay(home, ["--user", "65536", "run", "id"])).toEqual({ code: 2, signal: null, stdout: "", stderr: "kplay: unknown user '65536'\n" });
  });

  it("ends quietly with status 141 when its reader goes away (kplay run ... | head)", async () => {
    const c = start(home, ["sh", "-c", "while true; do echo y; done"]);
    c.child.stdin!.end();
    while (!c.out().includes("y\n")) await sleep(10);
    c.child.stdout!.destroy();
    const r = await c.done;
    expect([r.code, r.stderr]).toEqual([141, ""]);
    /* the machine hung up that session and still answers */
    expect((await kplay(home, ["sh", "-c", "echo ok"])).stdout).toBe("ok\n");
  });

  it("keeps serving other clients while one runs a loop that never sleeps (preemption on the real clock)", async () => {
    const busy = start(home, ["sh", "-c", "while :; do :; done"]);
    busy.child.stdin!.end();
    await sleep(200);
    expect((await kplay(home, ["sh", "-c", "echo ok"])).stdout).toBe("ok\n");
    busy.child.kill("SIGINT");
    const r = await busy.done;
    expect([r.code, r.signal]).toEqual([130, null]);
  });

  it("forwards stdin", async () => {
    expect(await kplay(home, ["run", "cat"], "hi\n")).toEqual({ code: 0, signal: null, stdout: "hi\n", stderr: "" });
    expect(await kplay(home, ["sh", "-c", "cat; echo done"], "one\ntwo\n")).toEqual({ code: 0, signal: null, stdout: "one\ntwo\ndone\n", stderr: "" });
    expect((await kplay(home, ["run", "cat"])).stdout).toBe("");
  });

  it("forwards every byte both ways, and writes all output to a slow reader before it exits", async () => {
    // Many chunks each way, a multi-byte character split between two of them somewhere.
    const big = "é€x\n".repeat(20_000);
    const c = start(home, ["sh", "-c", "cat; echo done >&2"]);
    c.child.stdout!.pause();
    c.child.stdin!.end(big);
    // The client has all of cat's output once stderr says done; it ends before we read stdout.
    await until("cat to finish in the machine", () => c.err() === "done\n");
    await Promise.race([c.done, sleep(500)]);
    c.child.stdout!.resume();
    const r = await c.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("done\n");
    expect(r.stdout.length).toBe(big.length);
    expect(r.stdout === big).toBe(true);
  });

  it("delivers Ctrl-C to the program as SIGINT", async () => {
    for (const args of [["run", "sleep", "100"], ["sh", "-c", "sleep 100; echo after"]]) {
      const c = start(home, args);
      await until_running(home, "sleep 100");
      const sent = Date.now();
      c.child.kill("SIGINT");
      const r = await c.done;
      expect(Date.now() - sent).toBeLessThan(3000);
      expect(r).toEqual({ code: 130, signal: null, stdout: "", stderr: "" });
      expect((await kplay(home, ["ps"])).stdout).not.toContain("sleep");
    }
  });

  it("serves a second client while the first is blocked", async () => {
    const blocked = start(home, ["run", "cat"]);
    blocked.child.stdin!.write("first\n");
    await until("the blocked cat's first line", () => blocked.out() === "first\n");
    const r = await kplay(home, ["lsmod"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Module +Size +Used by/);
    expect(blocked.child.exitCode).toBe(null);
    blocked.child.stdin!.end("second\n");
    expect(await blocked.done).toEqual({ code: 0, signal: null, stdout: "first\nsecond\n", stderr: "" });
  });

  it("answers garbage on its socket with an error and keeps running", async () => {
    const term = { stdin: false, stdout: false, stderr: false, cols: 80, rows: 24, env: {} };
    const cases: [string, string][] = [
      ["garbage\n", "malformed request: not JSON"],
      ["x".repeat((96 << 20) + 1), "malformed request: line too long"],
      ["null\n", "malformed request: not an object"],
      ['"run"\n', "malformed request: not an object"],
      ['{"op":"format"}\n', 'unknown request: "format"'],
      [JSON.stringify({ op: "run", argv: ["cat", 1], user: "root", term, quiet: false }) + "\n", "malformed run request"],
      [JSON.stringify({ op: "run", argv: [], user: "root", term, quiet: false }) + "\n", "malformed run request"],
      [JSON.stringify({ op: "run", argv: ["cat"], user: 0, term, quiet: false }) + "\n", "malformed run request"],
      [JSON.stringify({ op: "run", argv: ["cat"], user: "root", term: null, quiet: false }) + "\n", "malformed run request"],
    ];
    for (const [payload, message] of cases) {
      const replies = await raw_request(home, payload);
      expect(replies).toEqual([{ type: "error", message }]);
    }
    // A bad message inside a session ends it with an error; the program is hung up.
    const replies = await raw_request(home, JSON.stringify({ op: "run", argv: ["cat"], user: "root", term, quiet: true }) + "\n" + '{"op":"stdin","data":7}\n');
    expect(replies.at(-1)).toEqual({ type: "error", message: "malformed session message" });
    await until("the hung-up cat to go", async () => !(await kplay(home, ["ps"])).stdout.includes(" cat\n"));
    // A client that sends half a request and goes away.
    await new Promise<void>((resolve) => {
      const s = connect(join(home, "default", "sock"), () => s.end('{"op":"ru', () => resolve()));
    });

    const r = await kplay(home, ["sh", "-c", "echo still here"]);
    expect(r).toEqual({ code: 0, signal: null, stdout: "still here\n", stderr: "" });
    expect(pid_file(home)).toBe(pid);
    expect(machine_processes(home)).toEqual([pid]);
  });

  it("keeps its socket in a 0700 directory, mode 0600", () => {
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, "default")).mode & 0o777).toBe(0o700);
    const sock = statSync(join(home, "default", "sock"));
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
  });
});

describe("a machine that dies", { timeout: 20_000 }, () => {
  const home = new_home();

  it("is reported as crashed with its log kept, and the next command boots a fresh one", async () => {
    expect((await kplay(home, ["insmod", "hello"])).code).toBe(0);
    const pid = pid_file(home);
    expect(machine_processes(home)).toEqual([pid]);
    process.kill(pid, "SIGKILL");
    await until("the machine to die", () => dead(pid));
    // Every record reached the log as it was written.
    expect(readFileSync(join(home, "default", "kernel.log"), "utf8")).toMatch(/^<6>\[\s*\d+\.\d{6}\] hello: Hello, world$/m);

    const r = await kplay(home, ["lsmod"]);
    const log = join(home, "default", "kernel.log.old");
    expect(r.stderr).toBe(`kplay: machine 'default' crashed (pid ${pid}); its kernel log is ${log}\nkplay: booting machine 'default'\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("hello");
    expect(readFileSync(log, "utf8")).toContain("hello: Hello, world\n");
    expect(readFileSync(join(home, "default", "kernel.log"), "utf8")).not.toContain("hello");
    const fresh = pid_file(home);
    expect(fresh).not.toBe(pid);
    expect(machine_processes(home)).toEqual([fresh]);

    // Once reported, it is not reported again.
    expect(await kplay(home, ["sh", "-c", "echo ok"])).toEqual({ code: 0, signal: null, stdout: "ok\n", stderr: "" });
  });

  it("ends a client mid-command with a message and a non-zero status (poweroff)", async () => {
    const c = start(home, ["run", "sleep", "100"]);
    await until_running(home, "sleep 100");
    expect((await kplay(home, ["poweroff"])).code).toBe(0);
    const r = await c.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("kplay: the machine is powering off\nkplay: lost the connection to machine 'default'\n");
    expect(machine_processes(home)).toEqual([]);
  });

  it("ends a client mid-command with a message and a non-zero status (SIGKILL)", async () => {
    expect((await kplay(home, ["boot"])).code).toBe(0);
    const c = start(home, ["run", "sleep", "100"]);
    await until_running(home, "sleep 100");
    const pid = pid_file(home);
    expect(machine_processes(home)).toEqual([pid]);
    process.kill(pid, "SIGKILL");
    const r = await c.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("kplay: lost the connection to machine 'default'\n");
    await until("the machine to die", () => dead(pid));
    const after = await kplay(home, ["poweroff"]);
    expect(after).toEqual({ code: 1, signal: null, stdout: "", stderr: "kplay: machine 'default' is not running\n" });
  });
});

describe("concurrent boots", { timeout: 20_000 }, () => {
  const home = new_home();

  it("start exactly one machine", async () => {
    const rs = await Promise.all([1, 2, 3].map(() => kplay(home, ["boot"])));
    for (const r of rs) expect(r.code).toBe(0);
    expect(rs.map((r) => r.stderr).sort()).toEqual(["", "kplay: machine 'default' is already running\n", "kplay: machine 'default' is already running\n"]);
    const pid = pid_file(home);
    expect(machine_processes(home)).toEqual([pid]);
    const st = await kplay(home, ["status"]);
    expect(st.stdout).toMatch(new RegExp(`^default: pid ${pid}, `));
    expect((await kplay(home, ["poweroff"])).code).toBe(0);
    expect(machine_processes(home)).toEqual([]);
  });

  it("of commands that need a machine start exactly one, announced once", async () => {
    const rs = await Promise.all([1, 2, 3].map((n) => kplay(home, ["sh", "-c", `echo ${n}`])));
    expect(rs.map((r) => [r.code, r.stdout])).toEqual([[0, "1\n"], [0, "2\n"], [0, "3\n"]]);
    expect(rs.map((r) => r.stderr).sort()).toEqual(["", "", "kplay: booting machine 'default'\n"]);
    expect(machine_processes(home)).toEqual([pid_file(home)]);
    expect((await kplay(home, ["poweroff"])).code).toBe(0);
  });
});

describe("two terminals talking through the kernel (ksocket)", { timeout: 20_000 }, () => {
  const home = new_home();

  afterAll(async () => {
    await kplay(home, ["poweroff"]);
  }, 20_000);

  it("delivers ksocket's testing... to a listener in another client", async () => {
    expect((await kplay(home, ["insmod", "ksocket"])).stdout).toContain("ksocket: listening on port 2325\n");
    const listener = start(home, ["-q", "run", "nc", "-u", "-l", "-p", "23"]);
    await until_running(home, "nc -u -l -p 23");
    const sender = await kplay(home, ["run", "nc", "-u", "-w1", "127.0.0.1", "2325"], "hello\n");
    expect(sender.code).toBe(0);
    expect(sender.stdout).toBe("ksocket: received 6 bytes\n\n data: hello\n\n");
    await until("the listener printed testing...", () => listener.out() === "testing...");
    listener.child.kill("SIGINT");
    const r = await listener.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toBe("punt!\n");
    expect((await kplay(home, ["-q", "rmmod", "ksocket"])).code).toBe(0);
    expect((await kplay(home, ["ps"])).stdout).not.toContain("[ksocket]");
  });
});
