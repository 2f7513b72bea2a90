// BusyBox 1.35 nc (networking/nc_bloaty.c, busybox-facts.md §8) over kplay's UDP and TCP, and the
// poll() it waits with (fs/select.c and the ->poll of pipes, the terminal and sockets). Everything
// runs on the virtual clock, so the -w timings are exact.
import { describe, expect, it } from "vitest";
import { boot, install, sh, USER } from "./helpers.js";
import { run_scenario } from "../src/machine/scenario.js";
import type { Kernel } from "../src/kernel/kernel.js";
import * as sk from "../src/user/libc/socket.js";
import { INADDR_LOOPBACK, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../src/user/libc/inet.js";
import { clock_gettime, CLOCK_MONOTONIC, close, fork_fn, getpid, kill, nanosleep, pause, pipe, poll, signal, write } from "../src/user/libc/unistd.js";
import { printf } from "../src/user/libc/stdio.js";
import { libc } from "../src/user/libc/state.js";
import { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLRDNORM, POLLWRBAND, POLLWRNORM } from "../src/fs/select.js";
import { SIGUSR1 } from "../src/include/uapi/signal.js";
import { EINTR } from "../src/include/uapi/errno.js";

const USAGE =
  "BusyBox v1.35.0 (2023-08-05 10:12:30 UTC) multi-call binary.\n\n" +
  "Usage: nc [OPTIONS] HOST PORT  - connect\n" +
  "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n\n" +
  "\t-e PROG\tRun PROG after connect (must be last)\n" +
  "\t-l\tListen mode, for inbound connects\n" +
  "\t-lk\tWith -e, provides persistent server\n" +
  "\t-p PORT\tLocal port\n" +
  "\t-s ADDR\tLocal address\n" +
  "\t-w SEC\tTimeout for connects and final net reads\n" +
  "\t-i SEC\tDelay interval for lines sent\n" +
  "\t-n\tDon't do DNS resolution\n" +
  "\t-u\tUDP mode\n" +
  "\t-b\tAllow broadcasts\n" +
  "\t-v\tVerbose\n" +
  "\t-o FILE\tHex dump traffic\n" +
  "\t-z\tZero-I/O mode (scanning)\n";

/** `sh -c CMD` and the virtual seconds it took. */
async function timed(k: Kernel, cmd: string): Promise<{ output: string; code: number; secs: number }> {
  const t0 = k.clock.now();
  const r = await sh(k, cmd);
  return { output: r.output, code: r.code, secs: (k.clock.now() - t0) / 1e9 };
}

describe("nc -u: a UDP exchange", () => {
  it("the listener prints what the sender sent; the sender ends 2 x -w after its input ends; SIGTERM is punt!", async () => {
    const k = boot();
    const r = await timed(k, "nc -u -l -p 2000 > /tmp/got & sleep 1; echo hello | nc -u -w1 127.0.0.1 2000; echo rc=$?; sleep 1; kill $!; wait $!; echo status=$?; cat /tmp/got");
    expect(r.output).toBe("rc=0\npunt!\nstatus=143\nhello\n");
    // sleep 1, the sender's two idle -w1 polls after stdin's end, sleep 1 (plus system-call time)
    expect(r.secs).toBeGreaterThanOrEqual(4);
    expect(r.secs).toBeLessThan(4.01);
  });

  it("-w sets the idle time: two -w3 timeouts after end of input", async () => {
    const r = await timed(boot(), "nc -u -l -p 2000 >/dev/null & sleep 1; echo hi | nc -u -w3 127.0.0.1 2000; kill $!");
    expect(r.output).toBe("punt!\n");
    expect(r.secs).toBeGreaterThanOrEqual(7);
    expect(r.secs).toBeLessThan(7.01);
  });

  it("a listener connects to its first sender and relays its own input back to it", async () => {
    const k = boot();
    const r = await sh(k, "(sleep 2; echo pong) | nc -u -l -p 2000 > /tmp/got & sleep 1; (echo ping; sleep 3) | nc -u -w5 127.0.0.1 2000; kill $!; cat /tmp/got");
    expect(r.output).toBe("pong\npunt!\nping\n");
  });

  it("-v reports listening, the connect and the peer; -vv adds the byte counts", async () => {
    const r = await sh(boot(), "nc -vu -l -p 2000 & sleep 1; echo hello | nc -vvu -w1 127.0.0.1 2000; kill $!; wait $!");
    expect(r.output).toMatch(
      /^listening on 0\.0\.0\.0:2000 \.\.\.\n127\.0\.0\.1 \(127\.0\.0\.1:2000\) open\nconnect to 0\.0\.0\.0:2000 from localhost:(\d+) \(127\.0\.0\.1:\1\)\nhello\nnet timeout\nsent 6, rcvd 0\npunt!\n$/,
    );
  });

  it("sending to a closed port ends at once: the ICMP error closes the network side", async () => {
    const r = await timed(boot(), "echo hello | nc -u -w1 127.0.0.1 2325; echo rc=$?");
    expect(r.output).toBe("rc=0\n");
    expect(r.secs).toBeLessThan(0.01);
  });

  it("-l -w N gives up with 'timeout' when nothing arrives", async () => {
    const r = await timed(boot(), "nc -u -l -w2 -p 2000; echo rc=$?");
    expect(r.output).toBe("nc: timeout\nrc=1\n");
    expect(r.secs).toBeGreaterThanOrEqual(2);
    expect(r.secs).toBeLessThan(2.01);
  });

  it("SIGINT while waiting for the first datagram: punt!, then death by the signal", async () => {
    const r = await sh(boot(), "nc -u -l -p 2000 & sleep 1; kill -INT $!; wait $!; echo status=$?");
    expect(r.output).toBe("punt!\nstatus=130\n");
  });

  it("-e PROG runs PROG on the socket: cat echoes the datagram back", async () => {
    const r = await sh(boot(), "nc -u -l -p 2000 -e cat & sleep 1; echo hi | nc -u -w1 127.0.0.1 2000; echo rc=$?; kill $!; wait $!; echo status=$?");
    // exec replaced nc's handlers: the signal reaches cat, and no punt! is printed
    expect(r.output).toBe("hi\nrc=0\nstatus=143\n");
  });

  it("-e with a missing program: can't execute, status 127", async () => {
    const r = await sh(boot(), "nc -u -l -p 2000 -e /nosuch & sleep 1; echo hi | nc -u -w1 127.0.0.1 2000; wait $!; echo status=$?");
    expect(r.output).toBe("nc: can't execute '/nosuch': No such file or directory\nstatus=127\n");
  });

  it("-z probes a UDP port: open is silent without -v, refused shows with -vv", async () => {
    const k = boot();
    const open = await sh(k, "nc -u -l -p 2000 >/dev/null & sleep 1; nc -uvz -w1 127.0.0.1 2000; echo rc=$?; kill $!");
    expect(open.output).toBe("127.0.0.1 (127.0.0.1:2000) open\nrc=0\npunt!\n");
    const closed = await sh(k, "nc -uvz -w1 127.0.0.1 2001; echo rc=$?; nc -uvvz -w1 127.0.0.1 2001; echo rc=$?");
    expect(closed.output).toBe("rc=1\nnc: 127.0.0.1 (127.0.0.1:2001): Connection refused\nsent 0, rcvd 0\nrc=1\n");
  });

  it("-o FILE hex-dumps what was sent", async () => {
    const r = await sh(boot(), "nc -u -l -p 2000 >/dev/null & sleep 1; echo hi | nc -u -o /tmp/dump -w1 127.0.0.1 2000; kill $!; cat /tmp/dump");
    expect(r.output).toBe("punt!\n> 00000000 68 69 0a" + " ".repeat(40) + "# hi.\n");
  });

  it("names come from /etc/hosts and /etc/services", async () => {
    const k = boot();
    const r = await sh(k, "echo '127.0.0.1 localhost' > /etc/hosts; echo 'echo 7/udp' > /etc/services; nc -vu -l -p 2000 & sleep 1; echo hi | nc -vu -w1 localhost 2000; kill $!; nc -uvvz -w1 localhost echo");
    expect(r.output).toMatch(
      /^listening on 0\.0\.0\.0:2000 \.\.\.\nlocalhost \(127\.0\.0\.1:2000\) open\nconnect to 0\.0\.0\.0:2000 from localhost:(\d+) \(127\.0\.0\.1:\1\)\nhi\npunt!\nnc: localhost \(127\.0\.0\.1:7\): Connection refused\nsent 0, rcvd 0\n$/,
    );
  });

  it("an interactive session: the listener prints what arrives", async () => {
    const t = "/ # nc -u -l -p 2000 </dev/null >/tmp/got &\n/ # echo hello | nc -u -w1 127.0.0.1 2000\n/ # cat /tmp/got\nhello\n";
    const r = await run_scenario(t);
    expect(r.problem).toBeNull();
    expect(r.actual).toBe(t);
  });
});

describe("nc errors", () => {
  it("shows the usage without a host (after making the socket), with too many operands, and after a bad option", async () => {
    const k = boot();
    for (const cmd of ["nc -u", "nc -u -w1", "nc 1 2 3", "nc -u -l -p 2000 1 2 3"]) {
      const r = await sh(k, cmd);
      expect(r.stderr, cmd).toBe(USAGE);
      expect(r.code, cmd).toBe(1);
    }
    const r = await sh(k, "nc -q 127.0.0.1 2000");
    expect(r.stderr).toBe("nc: invalid option -- 'q'\n" + USAGE);
    expect(r.code).toBe(1);
  });

  it("rejects bad ports and numbers", async () => {
    const k = boot();
    const cases: [string, string][] = [
      ["nc -u 127.0.0.1 abc", "nc: bad port 'abc'\n"],
      ["nc -u 127.0.0.1 65536", "nc: bad port '65536'\n"],
      ["nc -u nosuchhost abc", "nc: bad port 'abc'\n"],
      ["nc -u -l -p 0", "nc: bad local port '0'\n"],
      ["nc -u -l -p x", "nc: bad port 'x'\n"],
      ["nc -u 127.0.0.1:2x", "nc: bad port spec '127.0.0.1:2x'\n"],
      ["nc -u -w x 127.0.0.1 2000", "nc: invalid number 'x'\n"],
      ["nc -u -i 0 127.0.0.1 2000", "nc: number 0 is not in 1..65535 range\n"],
    ];
    for (const [cmd, msg] of cases) {
      const r = await sh(k, cmd);
      expect(r.output, cmd).toBe(msg);
      expect(r.code, cmd).toBe(1);
    }
  });

  it("an unknown host is a bad address", async () => {
    const r = await sh(boot(), "nc -u nosuchhost 2000");
    expect(r.output).toBe("nc: bad address 'nosuchhost'\n");
    expect(r.code).toBe(1);
  });

  it("a port below 1024 needs root: bind: Permission denied", async () => {
    const k = boot();
    const user = await sh(k, "nc -u -l -p 23", { cred: USER });
    expect(user.output).toBe("nc: bind: Permission denied\n");
    expect(user.code).toBe(1);
    const root = await sh(k, "nc -u -l -w1 -p 23");
    expect(root.output).toBe("nc: timeout\n");
  });

  it("a port held by a socket without SO_REUSEADDR: bind: Address already in use", async () => {
    const k = boot();
    install(k, "/bin/holdport", async () => {
      const fd = await sk.socket(sk.AF_INET, sk.SOCK_DGRAM, 0);
      if ((await sk.bind(fd, make_sockaddr_in(sk.AF_INET, 2000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE)) < 0) return 1;
      await pause();
      return 0;
    });
    const r = await sh(k, "holdport & sleep 1; nc -u -l -p 2000; echo rc=$?; kill $!");
    expect(r.output).toBe("nc: bind: Address already in use\nrc=1\n");
  });

  it("two nc listeners share a port, since both set SO_REUSEADDR (as UDP on Linux allows)", async () => {
    const r = await sh(boot(), "nc -u -l -w1 -p 2000 & nc -u -l -w2 -p 2000; echo rc=$?");
    expect(r.output).toBe("nc: timeout\nnc: timeout\nrc=1\n");
  });

  it("TCP: a refused connect is silent below -vv (busybox-facts §8); no host prints the usage; IPv6 fails at socket()", async () => {
    const k = boot();
    for (const [cmd, out] of [
      ["nc 127.0.0.1 80", ""],
      ["nc -v -w1 127.0.0.1 80", ""],
      ["nc -vv 127.0.0.1 80", "nc: 127.0.0.1 (127.0.0.1:80): Connection refused\nsent 0, rcvd 0\n"],
    ]) {
      const r = await sh(k, cmd);
      expect(r.output, cmd).toBe(out);
      expect(r.code, cmd).toBe(1);
    }
    expect((await sh(k, "nc")).output).toContain("\nUsage: nc [OPTIONS] HOST PORT  - connect\n");
    const r = await sh(k, "nc -u ::1 2000");
    expect(r.output).toBe("nc: socket: Address family not supported by protocol\n");
  });

  it("TCP: a listener's -w gives up with 'nc: timeout'; a port in use fails at bind", async () => {
    const k = boot();
    expect((await sh(k, "nc -l -w2 -p 1235; echo rc=$?")).output).toBe("nc: timeout\nrc=1\n");
    expect(k.clock.now()).toBeGreaterThanOrEqual(2e9);
    install(k, "/bin/holdport", async () => {
      const fd = await sk.socket(sk.AF_INET, sk.SOCK_STREAM, 0);
      if ((await sk.bind(fd, make_sockaddr_in(sk.AF_INET, 2000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE)) < 0) return 1;
      await sk.listen(fd, 1);
      await pause();
      return 0;
    });
    expect((await sh(k, "holdport & sleep 1; nc -l -p 2000; echo rc=$?; kill $!")).output).toBe("nc: bind: Address already in use\nrc=1\n");
  });
});

describe("nc over TCP", () => {
  it("-w bounds a connect that gets no answer (the listener's queue is full): 'Connection timed out' with -v", async () => {
    const k = boot();
    const r = await sh(k, "socktest 2 stream bind:3000 listen:0 pause >/dev/null & socktest 2 stream connect:3000 pause >/dev/null & sleep 1; nc -v -w2 127.0.0.1 3000; echo rc=$?; kill %1 %2");
    expect(r.output).toBe("nc: 127.0.0.1 (127.0.0.1:3000): Connection timed out\nrc=1\n");
    expect(k.clock.now()).toBeGreaterThanOrEqual(3e9);
  });

  it("carries stdin to the listener, which prints it; EOF on stdin half-closes and both end", async () => {
    const k = boot();
    const r = await sh(k, "nc -l -p 1234 </dev/null > /tmp/got & sleep 1; echo hello | nc 127.0.0.1 1234; echo rc=$?; wait; cat /tmp/got");
    expect(r.output).toBe("rc=0\nhello\n");
  });

  it("carries both ways: the listener's stdin reaches the client's stdout", async () => {
    const k = boot();
    const r = await sh(k, "echo from-server | nc -l -p 1234 & sleep 1; echo from-client | nc 127.0.0.1 1234; wait");
    expect(r.output.split("\n").sort()).toEqual(["", "from-client", "from-server"]);
  });

  it("reports with -v as BusyBox does (numeric addresses with -n)", async () => {
    const k = boot();
    const r = await sh(k, "nc -v -n -l -p 1236 </dev/null & sleep 1; echo hi | nc -v -n 127.0.0.1 1236; wait");
    expect(r.stderr).toMatch(/^listening on 0\.0\.0\.0:1236 \.\.\.\n127\.0\.0\.1 \(127\.0\.0\.1:1236\) open\nconnect to 127\.0\.0\.1:1236 from 127\.0\.0\.1:(\d+) \(127\.0\.0\.1:\1\)\n$/);
    expect(r.stdout).toBe("hi\n");
  });
});

describe("poll()", () => {
  const hex = (n: number): string => "0x" + n.toString(16);

  it("reports pipe data, a writer's hang-up, POLLNVAL and skipped descriptors", async () => {
    const k = boot();
    install(k, "/bin/polltest", async () => {
      const [r, w] = pipe()!;
      const fds = [
        { fd: r, events: POLLIN, revents: 0 },
        { fd: w, events: POLLOUT, revents: 0 },
        { fd: 9, events: POLLIN, revents: 0 },
        { fd: -1, events: POLLIN, revents: 0 },
      ];
      const show = (n: number): void => void printf("%d %s %s %s %s\n", n, hex(fds[0].revents), hex(fds[1].revents), hex(fds[2].revents), hex(fds[3].revents));
      // what was not asked for is not reported, except POLLERR, POLLHUP and POLLNVAL
      show(await poll(fds, 0));
      await write(w, new Uint8Array([120]), 1);
      show(await poll(fds, 0));
      close(w);
      fds[1].fd = -1;
      show(await poll(fds, 0));
      return 0;
    });
    const r = await sh(k, "polltest");
    const v = (x: number): string => hex(x);
    expect(r.output).toBe(
      `2 0x0 ${v(POLLOUT)} ${v(POLLNVAL)} 0x0\n` + `3 ${v(POLLIN)} ${v(POLLOUT)} ${v(POLLNVAL)} 0x0\n` + `2 ${v(POLLIN | POLLHUP)} 0x0 ${v(POLLNVAL)} 0x0\n`,
    );
  });

  it("sleeps until a writer wakes it, until the timeout, or until a signal (EINTR)", async () => {
    const k = boot();
    install(k, "/bin/polltest", async () => {
      const clock = (): number => {
        const ts = clock_gettime(CLOCK_MONOTONIC)!;
        return Math.round(ts.tv_sec * 1e3 + ts.tv_nsec / 1e6);
      };
      const [r, w] = pipe()!;
      const fds = [{ fd: r, events: POLLIN, revents: 0 }];
      let t = clock();
      let n = await poll(fds, 1500);
      printf("timeout: %d after %d ms\n", n, clock() - t);
      fork_fn(async () => {
        await nanosleep(700e6);
        await write(w, new Uint8Array([1]), 1);
        return 0;
      });
      t = clock();
      n = await poll(fds, -1);
      printf("woken: %d %s after %d ms\n", n, hex(fds[0].revents), clock() - t);
      signal(SIGUSR1, () => undefined);
      const me = getpid();
      fork_fn(async () => {
        await nanosleep(300e6);
        kill(me, SIGUSR1);
        return 0;
      });
      const empty = [{ fd: w, events: POLLIN, revents: 0 }];
      t = clock();
      n = await poll(empty, 5000);
      printf("signal: %d errno %d after %d ms\n", n, n < 0 ? libc().errno : 0, clock() - t);
      return 0;
    });
    const r = await sh(k, "polltest");
    expect(r.output).toBe(`timeout: 0 after 1500 ms\nwoken: 1 0x1 after 700 ms\nsignal: -1 errno ${EINTR} after 300 ms\n`);
  });

  it("a UDP socket is writable, readable with a datagram queued, and in error after port unreachable", async () => {
    const k = boot();
    install(k, "/bin/polltest", async () => {
      const fd = await sk.socket(sk.AF_INET, sk.SOCK_DGRAM, 0);
      await sk.bind(fd, make_sockaddr_in(sk.AF_INET, 2000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
      const fds = [{ fd, events: POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLWRBAND, revents: 0 }];
      await poll(fds, 0);
      printf("%s\n", hex(fds[0].revents));
      await sk.sendto(fd, new Uint8Array([1]), 1, 0, make_sockaddr_in(sk.AF_INET, 2000, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
      await poll(fds, 0);
      printf("%s\n", hex(fds[0].revents));
      await sk.connect(fd, make_sockaddr_in(sk.AF_INET, 2001, INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
      await sk.send(fd, new Uint8Array([1]), 1, 0);
      fds[0].events = 0;
      await poll(fds, 0);
      printf("%s\n", hex(fds[0].revents));
      return 0;
    });
    const r = await sh(k, "polltest");
    const out = POLLOUT | POLLWRNORM | POLLWRBAND;
    expect(r.output).toBe(`${hex(out)}\n${hex(out | POLLIN | POLLRDNORM)}\n${hex(POLLERR)}\n`);
  });
});
