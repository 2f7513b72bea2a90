// socktest: a probe for socket families, so a learner can try each socket call on a family and
// see its result. `socktest FAMILY TYPE [PROTOCOL] CALL...` creates one socket and makes the calls
// in order, printing "CALL: ok" (or what was read) or perror's line. TYPE is stream, dgram, raw,
// seqpacket or a number. CALLs:
//   bind:N[:LEN]  connect:N[:LEN]  (a 4-byte sockaddr holding the int N, or only LEN bytes of it;
//                 for family 2, N is a port and the address a sockaddr_in for 0.0.0.0 / 127.0.0.1)
//   sendto:PORT:TEXT, sendhex:PORT:HEX (family 2, to 127.0.0.1; a raw socket ignores the port)
//   listen[:BACKLOG] (1 by default)  accept (waits; for family 2 prints the new descriptor and
//   the peer, and the calls after it use the new socket)  getsockname  getpeername (family 2:
//   prints the address)  shutdown[:rd|wr|rdwr] (rdwr by default)  send:TEXT  recv  write:TEXT
//   read  recvfrom (waits; prints the length, the sender and the bytes in hex, for a raw socket
//   the whole IP packet)  getsockopt:NAME[:LEN]  setsockopt:NAME:VALUE[:LEN]  sleep:SECONDS
//   pause (until a signal)  more:N (N more sockets like the first, held open; for the bench)
// A NAME is a SOL_SOCKET option (type, domain, protocol, rcvbuf, sndbuf, reuseaddr, error) or
// LEVEL.OPTION with LEVEL ip, raw, udp, tcp or a number and OPTION a name below (ip.ttl, ip.tos,
// ip.hdrincl, ip.recverr, raw.icmp_filter, tcp.nodelay, tcp.maxseg, ...) or a number (ip.1001).
// setsockopt passes VALUE as an int of LEN bytes (4 by default); getsockopt asks for LEN bytes
// (4) and prints the value and, when it differs from 4, the length the kernel gave back.
import { printf, perror, puts } from "../libc/stdio.js";
import { close, nanosleep, pause, read, write } from "../libc/unistd.js";
import * as sk from "../libc/socket.js";
import { cstr } from "../../lib/vsprintf.js";
import { INADDR_ANY, INADDR_LOOPBACK, inet_ntoa, make_sockaddr_in, parse_sockaddr_in, SOCKADDR_IN_SIZE } from "../libc/inet.js";
import * as IN from "../libc/inet.js";
import * as TCP from "../../include/uapi/tcp.js";
import { libc } from "../libc/state.js";

const TYPES: Record<string, number> = { stream: sk.SOCK_STREAM, dgram: sk.SOCK_DGRAM, raw: sk.SOCK_RAW, seqpacket: sk.SOCK_SEQPACKET };
const OPTS: Record<string, number> = { type: sk.SO_TYPE, domain: sk.SO_DOMAIN, protocol: sk.SO_PROTOCOL, rcvbuf: sk.SO_RCVBUF, sndbuf: sk.SO_SNDBUF, reuseaddr: sk.SO_REUSEADDR, error: sk.SO_ERROR, priority: sk.SO_PRIORITY };
const LEVELS: Record<string, number> = { socket: sk.SOL_SOCKET, ip: IN.SOL_IP, raw: IN.SOL_RAW, udp: IN.SOL_UDP, tcp: TCP.SOL_TCP };
const LEVEL_OPTS: Record<string, number> = {
  tos: IN.IP_TOS, ttl: IN.IP_TTL, hdrincl: IN.IP_HDRINCL, options: IN.IP_OPTIONS, pktinfo: IN.IP_PKTINFO, mtu_discover: IN.IP_MTU_DISCOVER,
  recverr: IN.IP_RECVERR, recvttl: IN.IP_RECVTTL, recvtos: IN.IP_RECVTOS, mtu: IN.IP_MTU, minttl: IN.IP_MINTTL, nodefrag: IN.IP_NODEFRAG,
  multicast_ttl: IN.IP_MULTICAST_TTL, multicast_loop: IN.IP_MULTICAST_LOOP, icmp_filter: IN.ICMP_FILTER,
  nodelay: TCP.TCP_NODELAY, maxseg: TCP.TCP_MAXSEG, cork: TCP.TCP_CORK, keepidle: TCP.TCP_KEEPIDLE, syncnt: TCP.TCP_SYNCNT, linger2: TCP.TCP_LINGER2, quickack: TCP.TCP_QUICKACK,
};
const SHUT: Record<string, number> = { rd: sk.SHUT_RD, wr: sk.SHUT_WR, rdwr: sk.SHUT_RDWR };

/** NAME or LEVEL.OPTION as (level, optname). */
function sockopt_name(name: string): [number, number] {
  const dot = name.indexOf(".");
  if (dot < 0) return [sk.SOL_SOCKET, OPTS[name] ?? Number(name)];
  const level = name.slice(0, dot);
  const opt = name.slice(dot + 1);
  return [LEVELS[level] ?? Number(level), LEVEL_OPTS[opt] ?? Number(opt)];
}

/** Bytes as hex pairs, 16 to a line, each line indented. */
function hexdump(b: Uint8Array): void {
  for (let i = 0; i < b.length; i += 16) printf("  %s\n", [...b.subarray(i, i + 16)].map((x) => x.toString(16).padStart(2, "0")).join(" "));
}

function addr(family: number, n: string, host: number): Uint8Array {
  if (family === sk.AF_INET) return make_sockaddr_in(sk.AF_INET, Number(n) & 0xffff, host);
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, Number(n) | 0, true);
  return b;
}

export async function socktest_main(argc: number, argv: string[]): Promise<number> {
  if (argc < 3) {
    libc().stderr.put("Usage: socktest FAMILY TYPE [PROTOCOL] CALL...\n");
    return 2;
  }
  const family = Number(argv[1]);
  const type = TYPES[argv[2]] ?? Number(argv[2]);
  let i = 3;
  const protocol = /^\d+$/.test(argv[3] ?? "") ? Number(argv[i++]) : 0;
  let fd = await sk.socket(family, type, protocol);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  printf("socket: fd %d\n", fd);
  let status = 0;
  for (; i < argc; i++) {
    const [call, arg, len, optlen] = argv[i].split(":");
    let r: number;
    const buf = new Uint8Array(256);
    switch (call) {
      case "bind":
      case "connect": {
        const a = addr(family, arg ?? "0", call === "bind" ? INADDR_ANY : INADDR_LOOPBACK);
        r = await (call === "bind" ? sk.bind : sk.connect)(fd, a, len === undefined ? a.length : Number(len));
        break;
      }
      case "sendto":
      case "sendhex": {
        const data = call === "sendto" ? new TextEncoder().encode(len ?? "") : new Uint8Array((len ?? "").match(/../g)?.map((h) => parseInt(h, 16)) ?? []);
        r = await sk.sendto(fd, data, data.length, 0, addr(family, arg ?? "0", INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
        break;
      }
      case "setsockopt": {
        const v = new Uint8Array(4);
        new DataView(v.buffer).setInt32(0, Number(len ?? "0"), true);
        const [level, optname] = sockopt_name(arg);
        r = await sk.setsockopt(fd, level, optname, v, optlen === undefined ? 4 : Number(optlen));
        break;
      }
      case "listen":
        r = await sk.listen(fd, arg === undefined ? 1 : Number(arg));
        break;
      case "accept": {
        const peer = new Uint8Array(SOCKADDR_IN_SIZE);
        r = await sk.accept(fd, peer, { value: SOCKADDR_IN_SIZE });
        if (r >= 0 && family === sk.AF_INET) {
          const a = parse_sockaddr_in(peer);
          printf("accept: fd %d from %s:%d\n", r, inet_ntoa(a.addr), a.port);
          fd = r;
          continue;
        }
        break;
      }
      case "getsockname":
      case "getpeername": {
        const l = { value: 128 };
        const name = new Uint8Array(128);
        r = (call === "getsockname" ? sk.getsockname : sk.getpeername)(fd, name, l);
        if (r >= 0 && family === sk.AF_INET) {
          const a = parse_sockaddr_in(name);
          printf("%s: %s:%d\n", call, inet_ntoa(a.addr), a.port);
          continue;
        }
        break;
      }
      case "shutdown":
        r = await sk.shutdown(fd, SHUT[arg ?? "rdwr"] ?? Number(arg));
        break;
      case "sleep":
        await nanosleep(Number(arg ?? "1") * 1e9);
        continue;
      case "send":
      case "write": {
        const data = new TextEncoder().encode(arg ?? "");
        r = call === "send" ? await sk.send(fd, data, data.length, 0) : await write(fd, data, data.length);
        break;
      }
      case "recv":
      case "read":
        r = call === "recv" ? await sk.recv(fd, buf, buf.length, sk.MSG_DONTWAIT) : await read(fd, buf, buf.length);
        if (r >= 0) {
          printf("%s: %d/%s\n", call, r, cstr(buf.subarray(0, r)));
          continue;
        }
        break;
      case "getsockopt": {
        const v = new Uint8Array(4);
        const l = { value: len === undefined ? 4 : Number(len) };
        const [level, optname] = sockopt_name(arg);
        r = await sk.getsockopt(fd, level, optname, v, l);
        if (r === 0) {
          const val = l.value >= 4 ? new DataView(v.buffer).getInt32(0, true) : v.subarray(0, Math.max(0, l.value)).reduceRight((a, b) => a * 256 + b, 0);
          printf(l.value === 4 ? "getsockopt %s: %d\n" : "getsockopt %s: %d (len %d)\n", arg, val, l.value);
          continue;
        }
        break;
      }
      case "recvfrom": {
        const pkt = new Uint8Array(2048);
        const from = new Uint8Array(SOCKADDR_IN_SIZE);
        r = await sk.recvfrom(fd, pkt, pkt.length, 0, from, { value: SOCKADDR_IN_SIZE });
        if (r >= 0) {
          printf("recvfrom: %d bytes from %s\n", r, inet_ntoa(parse_sockaddr_in(from).addr));
          hexdump(pkt.subarray(0, Math.min(r, pkt.length)));
          continue;
        }
        break;
      }
      case "more": {
        let n = 0;
        for (; n < Number(arg); n++) if ((await sk.socket(family, type, protocol)) < 0) break;
        if (n < Number(arg)) perror("more");
        printf("more: %d\n", n);
        continue;
      }
      case "pause":
        puts("pause: waiting for a signal");
        libc().stdout.flush();
        await pause();
        continue;
      default:
        libc().stderr.put(`socktest: unknown call '${call}'\n`);
        return 2;
    }
    if (r < 0) {
      perror(call);
      status = 1;
    } else printf("%s: ok\n", call);
  }
  close(fd);
  return status;
}
