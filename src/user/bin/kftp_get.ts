// kftp_get: the caller of ftp_client's system call (seed 003). The article's own test program
// was never found, so this is the small C program the module asks for: it fills struct params
// and calls syscall(223, &params), as root.
//
//   kftp_get SERVER_IP USER PASS REMOTE_FILE LOCAL_FILE [SRC_IP]
//
// SRC_IP defaults to the address the kernel would send from towards the server (found the usual
// way: connect a UDP socket and ask getsockname). Prints the bytes written, or perror's line.
import { fprintf, perror, printf, stderr } from "../libc/stdio.js";
import { syscall } from "../libc/syscall.js";
import { close } from "../libc/unistd.js";
import { connect, getsockname, socket, AF_INET, SOCK_DGRAM } from "../libc/socket.js";
import { inet_aton, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../libc/inet.js";

const SYSCALL_NUM = 223;

/** struct params of ftp.h: destip[4], srcip[4], src[64], dst[64], user[16], pass[64]. */
function make_params(destip: number, srcip: number, src: string, dst: string, user: string, pass: string): Uint8Array {
  const b = new Uint8Array(216);
  const put_ip = (at: number, ip: number): void => b.set([ip >>> 24, (ip >>> 16) & 0xff, (ip >>> 8) & 0xff, ip & 0xff], at);
  /* strncpy(dst, src, size - 1): longer strings are cut, the last byte stays NUL */
  const put_str = (at: number, size: number, s: string): void => b.set(new TextEncoder().encode(s).subarray(0, size - 1), at);
  put_ip(0, destip);
  put_ip(4, srcip);
  put_str(8, 64, src);
  put_str(72, 64, dst);
  put_str(136, 16, user);
  put_str(152, 64, pass);
  return b;
}

/** The local address a datagram to `dest` would leave from, or null. */
async function source_address(dest: number): Promise<number | null> {
  const fd = await socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return null;
  const name = new Uint8Array(SOCKADDR_IN_SIZE);
  const ok = (await connect(fd, make_sockaddr_in(AF_INET, 21, dest), SOCKADDR_IN_SIZE)) === 0 && getsockname(fd, name, { value: SOCKADDR_IN_SIZE }) === 0;
  close(fd);
  return ok ? new DataView(name.buffer).getUint32(4, false) : null;
}

export async function kftp_get_main(argc: number, argv: string[]): Promise<number> {
  if (argc < 6 || argc > 7) {
    fprintf(stderr(), "usage: %s SERVER_IP USER PASS REMOTE_FILE LOCAL_FILE [SRC_IP]\n", argv[0]);
    return 2;
  }
  const [, server, user, pass, src, dst, src_ip] = argv;
  const destip = inet_aton(server);
  if (destip === null) {
    fprintf(stderr(), "%s: bad address '%s'\n", argv[0], server);
    return 2;
  }
  const srcip = src_ip !== undefined ? inet_aton(src_ip) : await source_address(destip);
  if (srcip === null) {
    fprintf(stderr(), "%s: bad address '%s'\n", argv[0], src_ip ?? server);
    return 2;
  }
  const ret = await syscall(SYSCALL_NUM, make_params(destip, srcip, src, dst, user, pass));
  if (ret < 0) {
    perror(argv[0]);
    return 1;
  }
  printf("%d bytes written to %s\n", ret, dst);
  return 0;
}
