// ftpd: kplay's small FTP server, for the in-kernel FTP client of seed 003 to talk to. RFC 959 in
// active mode only: USER, PASS, TYPE, PORT, RETR, STOR, LIST, NLST, PWD, CWD, SYST, NOOP, QUIT.
// Its replies are vsftpd 3.0's texts, the server a learner most likely ran the tutorial against.
// Each client gets a child process of its own; data connections go out from port 20 (ftp-data),
// as RFC 959 says. The files are DIR's (default /srv/ftp), which is also "/" to the client.
//
//   ftpd [-v] [-p PORT] [-a USER:PASS]... [-r BYTES_PER_SEC] [DIR]
//
// anonymous (or ftp) logs in with any password; -a adds accounts. -v logs each command on stderr.
// -r slows RETR down to that rate (whole 4 KiB blocks with sleeps between), so that a transfer can
// be watched while it runs (/proc/net/tcp, netstat).
import { fprintf, perror, stderr } from "../libc/stdio.js";
import { close, fork_fn, getdents, nanosleep, open, read, stat, waitpid, WNOHANG, write } from "../libc/unistd.js";
import { accept, bind, connect, listen, recv, send, setsockopt, socket, AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR } from "../libc/socket.js";
import { INADDR_ANY, make_sockaddr_in, SOCKADDR_IN_SIZE } from "../libc/inet.js";
import { libc } from "../libc/state.js";
import { EINTR } from "../../include/uapi/errno.js";
import { O_CREAT, O_DIRECTORY, O_RDONLY, O_TRUNC, O_WRONLY, S_ISDIR, S_ISREG } from "../../include/uapi/fcntl.js";
import { normalize_path } from "../../fs/namei.js";
import { getopt32 } from "../busybox/libbb.js";

const USAGE = "usage: ftpd [-v] [-p PORT] [-a USER:PASS]... [-r BYTES_PER_SEC] [DIR]\n";
const enc = new TextEncoder();

interface Session {
  fd: number;
  root: string;
  cwd: string;
  user: string | null;
  logged_in: boolean;
  binary: boolean;
  /** The client's data address from PORT (a sockaddr_in), or null. */
  port: Uint8Array | null;
  pending: string;
  /** -r: bytes per second for RETR, 0 for as fast as possible. */
  rate: number;
}

async function reply(s: Session, text: string): Promise<void> {
  const b = enc.encode(text + "\r\n");
  await send(s.fd, b, b.length, 0);
}

/** One command line from the control connection (CRLF or LF), or null at EOF. */
async function getline(s: Session): Promise<string | null> {
  for (;;) {
    const nl = s.pending.indexOf("\n");
    if (nl >= 0) {
      const line = s.pending.slice(0, nl).replace(/\r$/, "");
      s.pending = s.pending.slice(nl + 1);
      return line;
    }
    const buf = new Uint8Array(512);
    const n = await recv(s.fd, buf, buf.length, 0);
    if (n <= 0) return null;
    s.pending += new TextDecoder().decode(buf.subarray(0, n));
  }
}

/** The server path of a client path; normalizing against "/" keeps it inside the root. */
function resolve(s: Session, arg: string): string {
  const p = normalize_path(arg || ".", s.cwd);
  return s.root === "/" ? p : s.root + (p === "/" ? "" : p);
}

/** Open the data connection to the PORT address, from port 20. */
async function data_connect(s: Session): Promise<number> {
  const fd = await socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  const one = new Uint8Array(new Uint32Array([1]).buffer);
  await setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, one, 4);
  await bind(fd, make_sockaddr_in(AF_INET, 20, INADDR_ANY), SOCKADDR_IN_SIZE);
  if ((await connect(fd, s.port!, SOCKADDR_IN_SIZE)) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

async function send_all(fd: number, b: Uint8Array): Promise<boolean> {
  for (let off = 0; off < b.length; ) {
    const n = await send(fd, b.subarray(off), b.length - off, 0);
    if (n <= 0) return false;
    off += n;
  }
  return true;
}

/**
 * The preliminary reply, then the data connection to the PORT address; -1 (with the 425 sent)
 * when there was no PORT or the client does not answer. Each PORT serves one transfer.
 */
async function open_data(s: Session, preliminary: string): Promise<number> {
  if (!s.port) {
    await reply(s, "425 Use PORT or PASV first.");
    return -1;
  }
  await reply(s, preliminary);
  const dfd = await data_connect(s);
  s.port = null;
  if (dfd < 0) await reply(s, "425 Failed to establish connection.");
  return dfd;
}

async function cmd_retr(s: Session, arg: string): Promise<void> {
  const path = resolve(s, arg);
  const st = stat(path);
  const fd = st && S_ISREG(st.st_mode) ? await open(path, O_RDONLY) : -1;
  if (fd < 0) return reply(s, "550 Failed to open file.");
  const dfd = await open_data(s, `150 Opening ${s.binary ? "BINARY" : "ASCII"} mode data connection for ${arg} (${st!.st_size} bytes).`);
  if (dfd < 0) return void close(fd);
  const buf = new Uint8Array(4096);
  let ok = true;
  for (;;) {
    const n = await read(fd, buf, buf.length);
    if (n <= 0) break;
    if (!(await send_all(dfd, buf.subarray(0, n)))) {
      ok = false;
      break;
    }
    if (s.rate) await nanosleep(Math.round((n / s.rate) * 1e9));
  }
  close(fd);
  close(dfd);
  return reply(s, ok ? "226 Transfer complete." : "426 Failure writing network stream.");
}

async function cmd_stor(s: Session, arg: string): Promise<void> {
  const fd = await open(resolve(s, arg), O_WRONLY | O_CREAT | O_TRUNC, 0o644);
  if (fd < 0) return reply(s, "553 Could not create file.");
  const dfd = await open_data(s, "150 Ok to send data.");
  if (dfd < 0) return void close(fd);
  const buf = new Uint8Array(4096);
  for (;;) {
    const n = await recv(dfd, buf, buf.length, 0);
    if (n <= 0) break;
    await write(fd, buf, n);
  }
  close(fd);
  close(dfd);
  return reply(s, "226 Transfer complete.");
}

/** LIST (vsftpd's ls -l style) or NLST (names only) of a directory. */
async function cmd_list(s: Session, arg: string, names_only: boolean): Promise<void> {
  const dir = resolve(s, arg.startsWith("-") ? "" : arg);
  const st = stat(dir);
  const dfd = await open_data(s, "150 Here comes the directory listing.");
  if (dfd < 0) return;
  let text = "";
  const dirfd = st && S_ISDIR(st.st_mode) ? await open(dir, O_RDONLY | O_DIRECTORY) : -1;
  const entries = dirfd >= 0 ? (getdents(dirfd) ?? []).filter((n) => !n.startsWith(".")).sort() : [];
  if (dirfd >= 0) close(dirfd);
  for (const name of entries) {
    const e = stat(`${dir}/${name}`);
    if (!e) continue;
    if (names_only) text += `${name}\r\n`;
    else {
      const type = S_ISDIR(e.st_mode) ? "d" : "-";
      const perm = [6, 3, 0].map((sh) => ((e.st_mode >> sh) & 4 ? "r" : "-") + ((e.st_mode >> sh) & 2 ? "w" : "-") + ((e.st_mode >> sh) & 1 ? "x" : "-")).join("");
      text += `${type}${perm}    1 ${String(e.st_uid).padEnd(8)} ${String(e.st_gid).padEnd(8)} ${String(e.st_size).padStart(12)} Jan 01 00:00 ${name}\r\n`;
    }
  }
  await send_all(dfd, enc.encode(text));
  close(dfd);
  return reply(s, "226 Directory send OK.");
}

/** PORT h1,h2,h3,h4,p1,p2 */
function parse_port(arg: string): Uint8Array | null {
  const f = arg.split(",").map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : NaN));
  if (f.length !== 6 || f.some((x) => !(x >= 0 && x <= 255))) return null;
  const a = make_sockaddr_in(AF_INET, (f[4] << 8) | f[5], ((f[0] << 24) | (f[1] << 16) | (f[2] << 8) | f[3]) >>> 0);
  return a;
}

async function serve(s: Session, accounts: Map<string, string>, verbose: boolean): Promise<void> {
  await reply(s, "220 (kplay ftpd)");
  for (;;) {
    const line = await getline(s);
    if (line === null) return;
    const sp = line.indexOf(" ");
    const cmd = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? "" : line.slice(sp + 1);
    if (verbose) fprintf(stderr(), "ftpd: %s\n", cmd === "PASS" ? "PASS <hidden>" : line);
    if (cmd === "QUIT") return reply(s, "221 Goodbye.");
    if (cmd === "USER") {
      if (s.logged_in) {
        await reply(s, "530 Can't change to another user.");
        continue;
      }
      s.user = arg;
      await reply(s, "331 Please specify the password.");
      continue;
    }
    if (cmd === "PASS") {
      if (s.logged_in) await reply(s, "230 Already logged in.");
      else if (s.user === null) await reply(s, "503 Login with USER first.");
      else if (s.user === "anonymous" || s.user === "ftp" || accounts.get(s.user) === arg) {
        s.logged_in = true;
        await reply(s, "230 Login successful.");
      } else {
        s.user = null;
        await reply(s, "530 Login incorrect.");
      }
      continue;
    }
    if (!s.logged_in) {
      await reply(s, "530 Please login with USER and PASS.");
      continue;
    }
    switch (cmd) {
      case "SYST":
        await reply(s, "215 UNIX Type: L8");
        break;
      case "NOOP":
        await reply(s, "200 NOOP ok.");
        break;
      case "TYPE":
        if (/^(I|L 8)$/i.test(arg) || /^A( N)?$/i.test(arg)) {
          s.binary = !/^A/i.test(arg);
          await reply(s, s.binary ? "200 Switching to Binary mode." : "200 Switching to ASCII mode.");
        } else await reply(s, "500 Unrecognised TYPE command.");
        break;
      case "PORT":
        s.port = parse_port(arg);
        await reply(s, s.port ? "200 PORT command successful. Consider using PASV." : "500 Illegal PORT command.");
        break;
      case "PWD":
      case "XPWD":
        await reply(s, `257 "${s.cwd}" is the current directory`);
        break;
      case "CWD": {
        const st = stat(resolve(s, arg));
        if (st && S_ISDIR(st.st_mode)) {
          s.cwd = normalize_path(arg || "/", s.cwd);
          await reply(s, "250 Directory successfully changed.");
        } else await reply(s, "550 Failed to change directory.");
        break;
      }
      case "RETR":
        await cmd_retr(s, arg);
        break;
      case "STOR":
        await cmd_stor(s, arg);
        break;
      case "LIST":
      case "NLST":
        await cmd_list(s, arg, cmd === "NLST");
        break;
      default:
        await reply(s, "500 Unknown command.");
    }
  }
}

export async function ftpd_main(_argc: number, argv: string[]): Promise<number> {
  const parsed = getopt32(argv, "vp:a:r:");
  if (!parsed || parsed.args.length > 1) {
    fprintf(stderr(), "%s", USAGE);
    return 1;
  }
  let port = 21;
  let verbose = false;
  let rate = 0;
  const accounts = new Map<string, string>();
  for (const [c, v] of parsed.opts) {
    if (c === "v") verbose = true;
    else if (c === "p") port = /^\d+$/.test(v!) && Number(v) > 0 && Number(v) < 65536 ? Number(v) : -1;
    else if (c === "r") rate = /^\d+$/.test(v!) && Number(v) > 0 ? Number(v) : -1;
    else if (c === "a") {
      const colon = v!.indexOf(":");
      if (colon <= 0) {
        fprintf(stderr(), "ftpd: bad account '%s' (want USER:PASS)\n", v!);
        return 1;
      }
      accounts.set(v!.slice(0, colon), v!.slice(colon + 1));
    }
  }
  if (port < 0 || rate < 0) {
    fprintf(stderr(), "%s", USAGE);
    return 1;
  }
  const root = normalize_path(parsed.args[0] ?? "/srv/ftp");
  const st = stat(root);
  if (!st || !S_ISDIR(st.st_mode)) {
    fprintf(stderr(), "ftpd: %s: not a directory\n", root);
    return 1;
  }
  const lfd = await socket(AF_INET, SOCK_STREAM, 0);
  const fail = (what: string): number => (perror(`ftpd: ${what}`), 1);
  if (lfd < 0) return fail("socket");
  const one = new Uint8Array(new Uint32Array([1]).buffer);
  await setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, one, 4);
  if ((await bind(lfd, make_sockaddr_in(AF_INET, port, INADDR_ANY), SOCKADDR_IN_SIZE)) < 0) return fail("bind");
  if ((await listen(lfd, 5)) < 0) return fail("listen");
  for (;;) {
    const fd = await accept(lfd, null, null);
    if (fd < 0) {
      if (libc().errno === EINTR) continue;
      return fail("accept");
    }
    fork_fn(async () => {
      close(lfd);
      await serve({ fd, root, cwd: "/", user: null, logged_in: false, binary: true, port: null, pending: "", rate }, accounts, verbose);
      close(fd);
      return 0;
    });
    close(fd);
    /* reap the sessions that have ended */
    while (Array.isArray(await waitpid(-1, WNOHANG)));
  }
}
