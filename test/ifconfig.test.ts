import { describe, expect, it } from "vitest";
import { boot, run, sh, USER } from "./helpers.js";

const lo = (rx: string, tx: string, bytes: string): string =>
  "lo        Link encap:Local Loopback  \n" +
  "          inet addr:127.0.0.1  Mask:255.0.0.0\n" +
  "          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n" +
  `          RX packets:${rx} errors:0 dropped:0 overruns:0 frame:0\n` +
  `          TX packets:${tx} errors:0 dropped:0 overruns:0 carrier:0\n` +
  "          collisions:0 txqueuelen:1000 \n" +
  `          ${bytes}\n` +
  "\n";

describe("ifconfig", () => {
  it("shows lo on a fresh boot, with and without -a and by name", async () => {
    const k = boot();
    const fresh = lo("0", "0", "RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)");
    for (const argv of [["ifconfig"], ["ifconfig", "-a"], ["ifconfig", "lo"]]) {
      const r = await run(k, argv, { cred: USER });
      expect(r.stdout).toBe(fresh);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
    }
  });

  it("counts UDP traffic over lo", async () => {
    const k = boot();
    // the 3-byte datagram (45 bytes with IP, UDP and Ethernet headers) and the ICMP port unreachable (73)
    await sh(k, "echo hi | nc -u -w1 127.0.0.1 9");
    const r = await run(k, ["ifconfig", "lo"]);
    expect(r.stdout).toBe(lo("2", "2", "RX bytes:118 (118.0 B)  TX bytes:118 (118.0 B)"));
  });

  it("reports a missing interface", async () => {
    const k = boot();
    const r = await run(k, ["ifconfig", "eth0"]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("ifconfig: eth0: error fetching interface information: Device not found\n");
    expect(r.code).toBe(1);
    const up = await run(k, ["ifconfig", "eth0", "up"]);
    expect(up.stderr).toBe("ifconfig: SIOCGIFFLAGS: No such device\n");
    expect(up.code).toBe(1);
  });

  it("needs CAP_NET_ADMIN to change anything", async () => {
    const k = boot();
    for (const [args, msg] of [
      [["lo", "down"], "SIOCSIFFLAGS"],
      [["lo", "mtu", "1500"], "SIOCSIFMTU"],
      [["lo", "127.0.0.2"], "SIOCSIFADDR"],
    ] as const) {
      const r = await run(k, ["ifconfig", ...args], { cred: USER });
      expect(r.stderr).toBe(`ifconfig: ${msg}: Operation not permitted\n`);
      expect(r.code).toBe(1);
    }
  });

  it("root takes lo down and up and sets its mtu", async () => {
    const k = boot();
    expect((await run(k, ["ifconfig", "lo", "down"])).code).toBe(0);
    expect((await run(k, ["ifconfig"])).stdout).toBe("");
    const all = await run(k, ["ifconfig", "-a"]);
    expect(all.stdout.split("\n")[2]).toBe("          LOOPBACK  MTU:65536  Metric:1");
    expect((await run(k, ["ifconfig", "lo", "up", "mtu", "1500"])).code).toBe(0);
    expect((await run(k, ["ifconfig"])).stdout.split("\n")[2]).toBe("          UP LOOPBACK RUNNING  MTU:1500  Metric:1");
  });
});
