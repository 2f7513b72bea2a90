// socktest: a probe for socket families, so a learner can try each socket call on a family and
// see its result. `socktest FAMILY TYPE [PROTOCOL] CALL...` creates one socket and makes the calls
// in order, printing "CALL: ok" (or what was read) or perror's line. TYPE is stream, dgram, raw,
// seqpacket or a number. CALLs:
//   bind:N[:LEN]  connect:N[:LEN]  (a 4-byte sockaddr holding the int N, or only LEN bytes of it;
//                 for family 2, N is a port and the address a sockaddr_in for 0.0.0.0 / 127.0.0.1)
//   sendto:PORT:TEXT (family 2, to 127.0.0.1)  listen  accept  getsockname  getpeername  shutdown
//   send:TEXT  recv  write:TEXT  read  getsockopt:NAME (type, domain, protocol, rcvbuf, sndbuf,
//   reuseaddr, error)  setsockopt:NAME:VALUE  pause (until a signal)
import { printf, perror, puts } from "../libc/stdio.js";
import { close, pause, read, write } from "../libc/unistd.js";
import * as sk from "../libc/socket.js";
import { cstr } from "../../lib/vsprintf.js";
import { INADDR_ANY, INADDR_LOOPBACK, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../libc/inet.js";
import { libc } from "../libc/state.js";

const TYPES: Record<string, number> = { stream: sk.SOCK_STREAM, dgram: sk.SOCK_DGRAM, raw: sk.SOCK_RAW, seqpacket: sk.SOCK_SEQPACKET };
const OPTS: Record<string, number> = { type: sk.SO_TYPE, domain: sk.SO_DOMAIN, protocol: sk.SO_PROTOCOL, rcvbuf: sk.SO_RCVBUF, sndbuf: sk.SO_SNDBUF, reuseaddr: sk.SO_REUSEADDR, error: sk.SO_ERROR };

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
  const fd = await sk.socket(family, type, protocol);
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  printf("socket: fd %d\n", fd);
  let status = 0;
  for (; i < argc; i++) {
    const [call, arg, len] = argv[i].split(":");
    let r: number;
    const buf = new Uint8Array(256);
    switch (call) {
      case "bind":
      case "connect": {
        const a = addr(family, arg ?? "0", call === "bind" ? INADDR_ANY : INADDR_LOOPBACK);
        r = await (call === "bind" ? sk.bind : sk.connect)(fd, a, len === undefined ? a.length : Number(len));
        break;
      }
      case "sendto": {
        const data = new TextEncoder().encode(len ?? "");
        r = await sk.sendto(fd, data, data.length, 0, addr(family, arg ?? "0", INADDR_LOOPBACK), SOCKADDR_IN_SIZE);
        break;
      }
      case "setsockopt": {
        const v = new Uint8Array(4);
        new DataView(v.buffer).setInt32(0, Number(len ?? "0"), true);
        r = await sk.setsockopt(fd, sk.SOL_SOCKET, OPTS[arg] ?? Number(arg), v, 4);
        break;
      }
      case "listen":
        r = await sk.listen(fd, 1);
        break;
      case "accept":
        r = await sk.accept(fd, null, null);
        break;
      case "getsockname":
      case "getpeername": {
        const l = { value: 128 };
        r = (call === "getsockname" ? sk.getsockname : sk.getpeername)(fd, new Uint8Array(128), l);
        break;
      }
      case "shutdown":
        r = await sk.shutdown(fd, sk.SHUT_RDWR);
        break;
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
        const l = { value: 4 };
        r = await sk.getsockopt(fd, sk.SOL_SOCKET, OPTS[arg] ?? Number(arg), v, l);
        if (r === 0) {
          printf("getsockopt %s: %d\n", arg, new DataView(v.buffer).getInt32(0, true));
          continue;
        }
        break;
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
