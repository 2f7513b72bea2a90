// BusyBox 1.35 ip (networking/ip.c and networking/libiproute/) over kplay's rtnetlink: the listings
// of "ip addr", "ip link" and "ip route" (print_linkinfo, print_addrinfo, print_route), -4/-o, the
// argument errors, and "ip link set" through the SIOC[GS]IFFLAGS ioctls.
import { describe, expect, it } from "vitest";
import { boot, install, run, sh, USER } from "./helpers.js";
import type { Kernel } from "../src/kernel/kernel.js";
import * as sk from "../src/user/libc/socket.js";

const USAGE =
  "BusyBox v1.35.0 (2023-08-05 10:12:30 UTC) multi-call binary.\n\n" +
  "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [COMMAND]\n\n" +
  "OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n" +
  "COMMAND :=\n" +
  "ip addr add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]\n" +
  "ip route list|flush|add|del|change|append|replace|test ROUTE\n" +
  "ip link set IFACE [up|down] [arp on|off] [multicast on|off]\n" +
  "\t[promisc on|off] [mtu NUM] [name NAME] [qlen NUM] [address MAC]\n" +
  "\t[master IFACE | nomaster]\n" +
  "ip tunnel add|change|del|show [NAME]\n" +
  "\t[mode ipip|gre|sit]\n" +
  "\t[remote ADDR] [local ADDR] [ttl TTL]\n" +
  "ip neigh show|flush [to PREFIX] [dev DEV] [nud STATE]\n" +
  "ip rule [list] | add|del SELECTOR ACTION\n";

/**
 * print_queuelen() asks SIOCGIFTXQLEN on socket(AF_INET, SOCK_STREAM, 0) and prints nothing when
 * that socket cannot be made, so "qlen 1000" appears once the kernel has TCP.
 */
async function qlen(k: Kernel): Promise<string> {
  install(k, "/bin/tcpprobe", async () => ((await sk.socket(sk.AF_INET, sk.SOCK_STREAM, 0)) >= 0 ? 0 : 1));
  return (await run(k, ["/bin/tcpprobe"])).code === 0 ? "qlen 1000" : "";
}

async function lo_lines(k: Kernel) {
  const q = await qlen(k);
  const link = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN ${q}`;
  const ether = "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00";
  const inet = "    inet 127.0.0.1/8 scope host lo";
  const lft = "       valid_lft forever preferred_lft forever";
  return { q, link, ether, inet, lft };
}

describe("ip addr", () => {
  it("lists lo with its link line and its address", async () => {
    const k = boot();
    const { link, ether, inet, lft } = await lo_lines(k);
    const want = `${link}\n${ether}\n${inet}\n${lft}\n`;
    for (const cmd of ["ip addr", "ip a", "ip addr show", "ip address list", "ip addr show dev lo", "ip a s lo"]) {
      const r = await sh(k, cmd);
      expect(r.output, cmd).toBe(want);
      expect(r.code).toBe(0);
    }
    expect((await sh(k, "ip addr show label 'l*'")).output).toBe(want);
    /* with no family, print_linkinfo matches the label against the link's name too */
    expect((await sh(k, "ip addr show label 'x*'")).output).toBe("");
  });

  it("-4 leaves out the link/ line; -o prints one address a line with '\\' for the breaks", async () => {
    const k = boot();
    const { link, inet, lft } = await lo_lines(k);
    expect((await sh(k, "ip -4 addr")).output).toBe(`${link}\n${inet}\n${lft}\n`);
    expect((await sh(k, "ip -family inet a")).output).toBe(`${link}\n${inet}\n${lft}\n`);
    /* print_addrinfo with oneline: "%u: %s" then the address; no print_linkinfo at all */
    expect((await sh(k, "ip -o addr")).output).toBe(`1: lo${inet}\\${lft}\n`);
    /* a family with no address keeps no link */
    expect((await sh(k, "ip -6 addr")).output).toBe("");
  });

  it("filters by prefix and scope", async () => {
    const k = boot();
    const { link, ether, inet, lft } = await lo_lines(k);
    expect((await sh(k, "ip addr show to 127.0.0.0/8")).output).toBe(`${link}\n${inet}\n${lft}\n`);
    expect((await sh(k, "ip addr show to 10.0.0.0/8")).output).toBe("");
    /* the family stays unspecified: the link is printed, the address filtered out */
    expect((await sh(k, "ip addr show scope link")).output).toBe(`${link}\n${ether}\n`);
  });

  it("reports the errors BusyBox does", async () => {
    const k = boot();
    let r = await sh(k, "ip addr show dev eth0");
    expect([r.output, r.code]).toEqual(["ip: can't find device 'eth0'\n", 1]);
    r = await sh(k, "ip addr xyz");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'xyz' to 'ip'\n", 1]);
    r = await sh(k, "ip addr show dev");
    expect([r.output, r.code]).toEqual(['ip: command line is not complete, try "help"\n', 1]);
    r = await sh(k, "ip addr show lo eth0");
    expect([r.output, r.code]).toEqual(['ip: either "dev" is duplicate, or "eth0" is garbage\n', 1]);
    r = await sh(k, "ip addr flush");
    expect([r.output, r.code]).toEqual(["ip: flush requires an argument\n", 1]);
    r = await sh(k, "ip addr show scope bogus");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'bogus' to 'scope'\n", 1]);
    r = await sh(k, "ip addr show to 1.2.3");
    expect([r.output, r.code]).toEqual(['ip: an inet prefix is expected rather than "1.2.3"\n', 1]);
  });

  it("a user cannot add or flush: the kernel's EPERM comes back over netlink", async () => {
    const k = boot();
    let r = await sh(k, "ip addr add 10.0.0.1/8 dev lo", { cred: USER });
    expect([r.output, r.code]).toEqual(["ip: RTNETLINK answers: Operation not permitted\n", 2]);
    r = await sh(k, "ip addr flush dev lo", { cred: USER });
    expect([r.output, r.code]).toEqual(["ip: can't send flush request: Operation not permitted\n", 1]);
    r = await sh(k, "ip addr add 10.0.0.1/8", { cred: USER });
    expect([r.output, r.code]).toEqual(['ip: need "dev IFACE"\n', 1]);
  });
});

describe("ip link", () => {
  it("lists lo", async () => {
    const k = boot();
    const { link, ether } = await lo_lines(k);
    for (const cmd of ["ip link", "ip l", "ip link show", "ip link show dev lo", "ip link list lo", "ip -0 addr"]) {
      const r = await sh(k, cmd);
      expect(r.output, cmd).toBe(`${link}\n${ether}\n`);
    }
    expect((await sh(k, "ip -o link")).output).toBe(`${link}\\${ether}\n`);
  });

  it("exits 2 on its errors (xfunc_error_retval = 2)", async () => {
    const k = boot();
    let r = await sh(k, "ip link show dev eth0");
    expect([r.output, r.code]).toEqual(["ip: can't find device 'eth0'\n", 2]);
    r = await sh(k, "ip link xyz");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'xyz' to 'ip'\n", 2]);
    r = await sh(k, "ip link set");
    expect([r.output, r.code]).toEqual(['ip: "dev" requires an argument\n', 2]);
    r = await sh(k, "ip link set dev eth0 up");
    expect([r.output, r.code]).toEqual(["ip: SIOCGIFFLAGS: No such device\n", 2]);
    r = await sh(k, "ip link set lo arp maybe");
    expect([r.output, r.code]).toEqual(['ip: argument of "arp" must be "on" or "off"\n', 2]);
    r = await sh(k, "ip link set lo mtu");
    expect([r.output, r.code]).toEqual(['ip: command line is not complete, try "help"\n', 2]);
  });

  it("set goes through SIOCSIFFLAGS: EPERM for a user, up and down for root", async () => {
    const k = boot();
    const { q, ether } = await lo_lines(k);
    /* already up: do_chflags reads the flags and has nothing to write */
    let r = await sh(k, "ip link set dev lo up", { cred: USER });
    expect([r.output, r.code]).toEqual(["", 0]);
    r = await sh(k, "ip link set dev lo down", { cred: USER });
    expect([r.output, r.code]).toEqual(["ip: SIOCSIFFLAGS: Operation not permitted\n", 2]);
    r = await sh(k, "ip link set lo mtu 1500", { cred: USER });
    expect([r.output, r.code]).toEqual(["ip: SIOCSIFMTU: Operation not permitted\n", 2]);

    r = await sh(k, "ip link set dev lo down && ip link");
    expect(r.output).toBe(`1: lo: <LOOPBACK> mtu 65536 qdisc noqueue state DOWN ${q}\n${ether}\n`);
    r = await sh(k, "ip link set lo up && ip link");
    expect(r.output).toBe(`1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN ${q}\n${ether}\n`);
  });
});

describe("ip route", () => {
  it("prints table main, which is empty here: lo's routes live in table local", async () => {
    const k = boot();
    for (const cmd of ["ip route", "ip r", "ip route show", "ip route list"]) {
      const r = await sh(k, cmd);
      expect([r.output, r.code], cmd).toEqual(["", 0]);
    }
    /* BusyBox's print_route: "scope %s " then " src %s " (two spaces, a trailing one) */
    const r = await sh(k, "ip route show table local");
    expect(r.output).toContain("local 127.0.0.1 dev lo scope host  src 127.0.0.1 \n");
    expect((await sh(k, "ip route list table all")).output).toContain("local 127.0.0.1 dev lo table local scope host  src 127.0.0.1 \n");
  });

  it("errors", async () => {
    const k = boot();
    let r = await sh(k, "ip route show dev eth0");
    expect([r.output, r.code]).toEqual(["ip: can't find device 'eth0'\n", 1]);
    r = await sh(k, "ip route xyz");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'xyz' to 'ip'\n", 1]);
    r = await sh(k, "ip route show table nosuch");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'nosuch' to 'table'\n", 1]);
  });
});

describe("ip", () => {
  it("shows its usage without an object, for an unknown one, or a bad option", async () => {
    const k = boot();
    for (const cmd of ["ip", "ip foo", "ip -x addr", "ip -f"]) {
      const r = await sh(k, cmd);
      expect([r.stderr, r.stdout, r.code], cmd).toEqual([USAGE, "", 1]);
    }
    const r = await sh(k, "ip -f foo a");
    expect([r.output, r.code]).toEqual(["ip: invalid argument 'foo' to 'family'\n", 1]);
  });

  it("is /sbin/ip", async () => {
    const k = boot();
    const { link } = await lo_lines(k);
    expect((await run(k, ["/sbin/ip", "-4", "a"])).output.split("\n")[0]).toBe(link);
  });
});
