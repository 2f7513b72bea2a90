// Packet capture end to end through the CLI: `kplay tcpdump -w FILE` writes a pcap file on the host
// while the machine runs, and Debian's tshark decodes it (issue 9's must-shows: the ksocket
// exchange, a genl echo/dump/error session, an FTP download), with no malformed packet and, with
// checksum validation on, no bad checksum. Also live `tcpdump -n -i lo udp` beside a sender, and
// `kplay cp` both ways. The tshark checks run when tshark is installed (.ci/run installs it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup_machines, kplay, new_home, start, until, type Client } from "./cli_helpers.js";

afterAll(cleanup_machines, 30_000);

const host_dir = mkdtempSync(join(tmpdir(), "kplay-capture-"));
afterAll(() => rmSync(host_dir, { recursive: true, force: true }));

function has_tshark(): boolean {
  try {
    execFileSync("tshark", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** tshark over a file with every checksum check on; its stdout. */
function tshark(file: string, ...args: string[]): string {
  const checks = ["ip.check_checksum:TRUE", "udp.check_checksum:TRUE", "tcp.check_checksum:TRUE"].flatMap((o) => ["-o", o]);
  return execFileSync("tshark", ["-n", "-r", file, ...checks, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** The frames tshark finds malformed or marks with an expert error (a bad checksum is one). */
function complaints(file: string): string {
  return tshark(file, "-Y", "_ws.malformed || _ws.expert.severity >= error");
}

/** Start `kplay tcpdump ARGS` and wait for its "listening on" line. */
async function capture(home: string, args: string[]): Promise<Client> {
  const c = start(home, ["-q", "tcpdump", ...args], 60_000);
  await until("tcpdump to listen", () => c.err().includes("listening on"), 20_000);
  return c;
}

/** Ctrl-C to a capture, as the terminal sends it; its result. */
async function stop(c: Client): Promise<{ code: number | null; stdout: string; stderr: string }> {
  c.child.kill("SIGINT");
  return c.done;
}

describe("kplay tcpdump -w and tshark", { timeout: 90_000 }, () => {
  const home = new_home();
  const tshark_ok = has_tshark();

  it("captures the ksocket exchange on lo: ports 2325 and 23 and both payloads", async () => {
    expect((await kplay(home, ["-q", "insmod", "ksocket"])).code).toBe(0);
    const file = join(host_dir, "ksocket.pcap");
    const c = await capture(home, ["-i", "lo", "-w", file, "-c", "2", "udp"]);
    expect((await kplay(home, ["-q", "sh", "-c", "echo hello | nc -u -w1 127.0.0.1 2325"])).code).toBe(0);
    const r = await c.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("tcpdump: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n2 packets captured\n");
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 8)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]);
    expect(bytes.readUInt32LE(20)).toBe(1);
    if (!tshark_ok) return;
    const rows = tshark(file, "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport", "-e", "data.text", "-o", "data.show_as_text:TRUE").trim().split("\n");
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/^\d+\t2325\thello\\n$/);
    expect(rows[1]).toMatch(/^\d+\t23\ttesting\.\.\.$/);
    expect(complaints(file)).toBe("");
    await kplay(home, ["rmmod", "ksocket"]);
  });

  it("captures a genl echo, dump and error session on nlmon0, families named from the lookups", async () => {
    for (const cmd of [["insmod", "gnl_foobar_xmpl"], ["ip", "link", "add", "nlmon0", "type", "nlmon"], ["ip", "link", "set", "nlmon0", "up"]]) {
      expect((await kplay(home, ["-q", ...cmd])).code).toBe(0);
    }
    const file = join(host_dir, "genl.pcap");
    const c = await capture(home, ["-i", "nlmon0", "-w", file]);
    for (const prog of ["gnl_echo", "gnl_echo_dump", "gnl_reply_with_error"]) await kplay(home, ["-q", "run", prog]);
    const r = await stop(c);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/link-type NETLINK \(Linux netlink\).*\n23 packets captured\n23 packets received by filter\n0 packets dropped by kernel\n$/s);
    const bytes = readFileSync(file);
    expect(bytes.readUInt32LE(20)).toBe(253);
    /* the first record's cooked header: PACKET_OUTGOING, ARPHRD_NETLINK, NETLINK_GENERIC */
    expect(bytes.subarray(24 + 16, 24 + 16 + 16).toString("hex")).toBe("0004033800000000000000000000" + "0010");
    if (!tshark_ok) return;
    const v = tshark(file, "-V");
    expect(v).toContain("Command: CTRL_CMD_GETFAMILY (3)");
    expect(v).toContain("Family Name: gnl_foobar_xmpl");
    expect(v).toContain("Family ID: 0x13 (gnl_foobar_xmpl)");
    expect(v).toContain("Error code: Invalid argument (-EINVAL) (-22)");
    const cmds = tshark(file, "-Y", "genl.family_id == 0x13", "-T", "fields", "-e", "genl.cmd").trim().split("\n");
    expect(cmds).toContain("1");
    expect(cmds).toContain("2");
    expect(complaints(file)).toBe("");
  });

  it("captures an FTP download: USER, PASS, PORT, RETR on 21 and the data connection from 20", async () => {
    const file = join(host_dir, "ftp.pcap");
    const c = await capture(home, ["-i", "lo", "-w", file, "tcp"]);
    const r = await kplay(home, ["-q", "sh", "-c", "echo 'Hello from the FTP server!' > /srv/ftp/hello.txt; ftpd & insmod ftp_client; kftp_get 127.0.0.1 anonymous guest hello.txt /tmp/hello.txt; kill %1"]);
    expect(r.stdout).toContain("27 bytes written to /tmp/hello.txt");
    expect((await stop(c)).code).toBe(0);
    if (!tshark_ok) return;
    const commands = tshark(file, "-Y", "ftp.request", "-T", "fields", "-e", "ftp.request.command").trim().split("\n");
    for (const cmd of ["USER", "PASS", "PORT", "RETR"]) expect(commands).toContain(cmd);
    const data = tshark(file, "-Y", "tcp.len > 0 && tcp.port == 2000", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.payload").trim();
    expect(data).toBe(`20\t2000\t${Buffer.from("Hello from the FTP server!\n").toString("hex")}`);
    expect(complaints(file)).toBe("");
  });
});

describe("live tcpdump and kplay cp", { timeout: 60_000 }, () => {
  const home = new_home();

  it("shows the ksocket datagrams in tcpdump -n -i lo udp while another client sends them", async () => {
    expect((await kplay(home, ["-q", "insmod", "ksocket"])).code).toBe(0);
    /* -l: line-buffered, as standard output on a terminal is; here it is a pipe */
    const c = await capture(home, ["-l", "-n", "-i", "lo", "udp"]);
    await kplay(home, ["-q", "sh", "-c", "echo hello | nc -u -w1 127.0.0.1 2325"]);
    await until("two lines of tcpdump", () => c.out().split("\n").length > 2);
    const r = await stop(c);
    const ts = String.raw`\d\d:\d\d:\d\d\.\d{6}`;
    expect(r.stdout).toMatch(new RegExp(`^${ts} IP 127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\.2325: UDP, length 6\n${ts} IP 127\\.0\\.0\\.1\\.\\d+ > 127\\.0\\.0\\.1\\.23: UDP, length 10\n\n$`));
    expect(r.stderr).toMatch(/^tcpdump: verbose output suppressed, use -v\[v\]\.\.\. for full protocol decode\nlistening on lo, link-type EN10MB \(Ethernet\), snapshot length 262144 bytes\n2 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n$/);
  });

  it("copies files both ways, into a directory too, with the user's permissions", async () => {
    const src = join(host_dir, "note.txt");
    writeFileSync(src, "binary \u0000\u00ff ok\n");
    expect(await kplay(home, ["cp", src, "machine:/tmp/"])).toEqual({ code: 0, signal: null, stdout: "", stderr: "" });
    expect((await kplay(home, ["cat", "/tmp/note.txt"])).code).toBe(0);
    expect(await kplay(home, ["cp", "machine:/tmp/note.txt", host_dir + "/back.txt"])).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(join(host_dir, "back.txt"))).toEqual(readFileSync(src));
    expect(await kplay(home, ["cp", "machine:/proc/version", host_dir])).toMatchObject({ code: 0 });
    expect(readFileSync(join(host_dir, "version"), "utf8")).toMatch(/^Linux version 5\.15\.0/);
    expect(statSync(join(host_dir, "version")).size).toBeGreaterThan(0);

    const errors: [string[], string][] = [
      [["cp", "machine:/nope", host_dir], "kplay: cp: machine:/nope: No such file or directory\n"],
      [["cp", src, host_dir], "kplay: cp: one of source and destination must be machine:PATH\n"],
      [["cp", "machine:tmp/x", host_dir], "kplay: cp: machine:tmp/x: the machine's path must be absolute\n"],
      [["cp", join(host_dir, "missing"), "machine:/tmp/"], `kplay: cp: ${join(host_dir, "missing")}: No such file or directory\n`],
      [["-u", "user", "cp", src, "machine:/root/x"], "kplay: cp: machine:/root/x: Permission denied\n"],
      [["-u", "user", "cp", "machine:/root", host_dir], "kplay: cp: machine:/root: Permission denied\n"],
    ];
    for (const [args, stderr] of errors) expect(await kplay(home, args)).toEqual({ code: 1, signal: null, stdout: "", stderr });
  });

  it("reports tcpdump's errors: a missing device, a host file it cannot create, a bad filter", async () => {
    const file = join(host_dir, "none.pcap");
    expect(await kplay(home, ["tcpdump", "-i", "eth9", "-w", file])).toMatchObject({ code: 1, stderr: "tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n" });
    expect(statSync(file, { throwIfNoEntry: false })).toBeUndefined();
    expect(await kplay(home, ["tcpdump", "-i", "lo", "-w", join(host_dir, "no/such/dir.pcap")])).toMatchObject({ code: 1, stderr: `tcpdump: ${join(host_dir, "no/such/dir.pcap")}: No such file or directory\n` });
    expect(await kplay(home, ["tcpdump", "-i", "lo", "udp", "and"])).toMatchObject({ code: 1, stderr: "tcpdump: can't parse filter expression: syntax error\n" });
    expect(await kplay(home, ["-u", "user", "tcpdump", "-i", "lo"])).toMatchObject({ code: 1, stderr: "tcpdump: lo: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n" });
  });
});
