// Mirrors BusyBox 1.35 networking/nc_bloaty.c, the nc-1.10 clone that NC_110_COMPAT=y builds (with
// NC_SERVER=y, NC_EXTRA=y and FEATURE_IPV6=y), and the libbb pieces it calls: xhost2sockaddr and
// bb_lookup_port (libbb/xconnect.c), xsocket_type, xbind/xconnect/xlisten, recv_from_to
// (libbb/udp_io.c). One socket on fd 3 carries everything; readwrite() is "the i/o loop from hell",
// a poll() over stdin and the socket that copies each way until both are closed, with -w as the
// idle timeout. UDP "listen" peeks at the first datagram, connects to its sender and then relays
// as a client does; TCP listens with a backlog of 1 and accepts one connection (-lk -e: many).
//
// kplay's libc has no alarm() yet: arm()/unarm() set the SIGALRM timer themselves (ITIMER_REAL of
// kernel/time/itimer.c), and the handler's longjmp becomes a flag checked when the interrupted
// call returns. exec(PROG) for -e cannot replace a JavaScript continuation, so nc runs PROG as its
// child with the socket as fds 0 and 1, and ends as PROG ended. Names resolve through /etc/hosts
// and /etc/services (glibc's "files" sources; kplay has no DNS server to ask first).
import { syscall } from "../../../kernel/entry.js";
import { current, type Task } from "../../../kernel/sched/task.js";
import { send_sig } from "../../../kernel/signal.js";
import type { Timer } from "../../../kernel/time/clock.js";
import { ECONNREFUSED, EFAULT, EINTR, ENOENT, ETIMEDOUT } from "../../../include/uapi/errno.js";
import { O_CREAT, O_TRUNC, O_WRONLY } from "../../../include/uapi/fcntl.js";
import { SIGALRM, SIGCHLD, SIGHUP, SIGINT, SIGPIPE, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2 } from "../../../include/uapi/signal.js";
import { POLLIN } from "../../../fs/select.js";
import * as sk from "../../libc/socket.js";
import { inet_aton, inet_ntoa, IPPROTO_IP, make_sockaddr_in, parse_sockaddr_in } from "../../libc/inet.js";
import { hosts_byaddr, hosts_byname, services_byname } from "../../libc/netdb.js";
import { close, dup2, getpid, kill, nanosleep, open, poll, posix_spawn, read, signal, waitpid, write, WEXITSTATUS, WIFSIGNALED, WTERMSIG, fork_fn } from "../../libc/unistd.js";
import { stderr } from "../../libc/stdio.js";
import { _exit, getenv, environ } from "../../libc/stdlib.js";
import { libc } from "../../libc/state.js";
import {
  bb_error_msg,
  bb_error_msg_and_die,
  bb_perror_msg,
  bb_perror_msg_and_die,
  bb_show_usage,
  bb_strtou,
  full_write,
  getopt32,
  xatoi_positive,
  xfunc_die,
  xmalloc_open_read_close,
} from "../libbb.js";

const nc_trivial_usage = "[OPTIONS] HOST PORT  - connect\n" + "nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen";
const nc_full_usage =
  "\t-e PROG\tRun PROG after connect (must be last)" +
  "\n\t-l\tListen mode, for inbound connects" +
  "\n\t-lk\tWith -e, provides persistent server" +
  "\n\t-p PORT\tLocal port" +
  "\n\t-s ADDR\tLocal address" +
  "\n\t-w SEC\tTimeout for connects and final net reads" +
  "\n\t-i SEC\tDelay interval for lines sent" +
  "\n\t-n\tDon't do DNS resolution" +
  "\n\t-u\tUDP mode" +
  "\n\t-b\tAllow broadcasts" +
  "\n\t-v\tVerbose" +
  "\n\t-o FILE\tHex dump traffic" +
  "\n\t-z\tZero-I/O mode (scanning)";

const usage = (): Promise<never> => bb_show_usage(nc_trivial_usage, nc_full_usage);

const SLEAZE_PORT = 31337; /* for UDP-scan RTT trick, change if ya want */
const BIGSIZ = 8192; /* big buffers */
const netfd = 3;
const ofd = 4;
const STDIN_FILENO = 0;
const STDOUT_FILENO = 1;
const INT_MAX = 0x7fffffff;

const AF_UNSPEC = sk.AF_UNSPEC;
const AF_INET = sk.AF_INET;
const AF_INET6 = sk.AF_INET6;
const SIGURG = 23;
const IP_PKTINFO = 8;
const IPPROTO_IPV6 = 41;
const IPV6_RECVPKTINFO = 49;
const SOCKADDR_IN6_SIZE = 28;

/** len_and_sockaddr: the address bytes (room for a sockaddr_in6, LSA_SIZEOF_SA) and their length. */
interface Lsa {
  len: number;
  sa: Uint8Array;
}
const LSA_SIZEOF_SA = 28;

/** Must match the getopt32 string "np:s:ubvw:+lki:o:z". */
const OPT_n = 1 << 0;
const OPT_p = 1 << 1;
const OPT_s = 1 << 2;
const OPT_u = 1 << 3;
const OPT_b = 1 << 4;
const OPT_v = 1 << 5;
const OPT_w = 1 << 6;
const OPT_l = 1 << 7;
const OPT_k = 1 << 8;
const OPT_i = 1 << 9;
const OPT_o = 1 << 10;
const OPT_z = 1 << 11;
const opt_letters = "npsubvwlkioz";

/** struct globals */
interface Globals {
  o_verbose: number;
  o_wait: number;
  o_interval: number;
  option_mask32: number;
  wrote_out: number; /* total stdout bytes */
  wrote_net: number; /* total net bytes */
  proggie0saved: string | null;
  ouraddr: Lsa;
  themaddr: Lsa | null;
  remend: Lsa;
  /** Set by tmtravel, the SIGALRM handler: where nc 1.10 longjmp()s back to its setjmp. */
  jumped: boolean;
  bigbuf_in: Uint8Array;
  bigbuf_net: Uint8Array;
}

const globals = new WeakMap<object, Globals>();
/** G: this process's globals (SET_PTR_TO_GLOBALS). */
const G = (): Globals => globals.get(libc())!;

const o_nflag = (): number => G().option_mask32 & OPT_n;
const o_udpmode = (): number => G().option_mask32 & OPT_u;
const o_bcmode = (): number => G().option_mask32 & OPT_b;
const o_ofile = (): number => G().option_mask32 & OPT_o;
const o_zero = (): number => G().option_mask32 & OPT_z;

function holler_error(msg: string): void {
  if (G().o_verbose) bb_error_msg(msg);
}
function holler_perror(msg: string): void {
  if (G().o_verbose) bb_perror_msg(msg);
}

const SENT_N_RECV_M = (): string => `sent ${G().wrote_net}, rcvd ${G().wrote_out}\n`;

// ---- libbb helpers ------------------------------------------------------------------------------

/** kill_myself_with_sig(sig) (libbb/signals.c): default action, then raise it. */
function kill_myself_with_sig(sig: number): never {
  signal(sig, "default");
  kill(getpid(), sig);
  return _exit(sig | 128); /* Should not reach it */
}

/** bb_signals(sigs, handler) */
function bb_signals(sigs: number[], handler: "ignore" | ((sig: number) => void)): void {
  for (const s of sigs) signal(s, handler);
}

const itimers = new WeakMap<Task, Timer>();

/**
 * alarm(secs): SIGALRM to this process in `secs` seconds, replacing an earlier alarm; 0 cancels.
 * What kernel/time/itimer.c does for alarm(2), here until kplay's libc offers it.
 */
function alarm(secs: number): void {
  syscall(() => {
    const t = current();
    const clock = t.kernel.clock;
    const old = itimers.get(t);
    if (old) clock.delTimer(old);
    itimers.delete(t);
    if (secs > 0)
      itimers.set(
        t,
        clock.addTimer(clock.now() + secs * 1e9, () => {
          itimers.delete(t);
          send_sig(SIGALRM, t);
        }),
      );
    return 0;
  });
}

/** sleep(secs) */
async function sleep(secs: number): Promise<void> {
  await nanosleep(secs * 1e9);
}

/** xatou_range(numstr, lower, upper) (libbb/xatonum_template.c, base 10, no suffixes) */
async function xatou_range(numstr: string, lower: number, upper: number): Promise<number> {
  if (!/^\d+$/.test(numstr) || Number(numstr) > 0xffffffff) return bb_error_msg_and_die(`invalid number '${numstr}'`);
  const r = Number(numstr);
  if (r >= lower && r <= upper) return r;
  return bb_error_msg_and_die(`number ${numstr} is not in ${lower}..${upper} range`);
}

/** xmove_fd(from, to) (libbb/xfuncs_printf.c): dup2 then close. */
async function xmove_fd(from: number, to: number): Promise<void> {
  if (from === to) return;
  if (dup2(from, to) !== to) await bb_perror_msg_and_die("can't duplicate file descriptor");
  close(from);
}

/** xsocket(domain, type, protocol); VERBOSE_RESOLUTION_ERRORS=n, so the message is just "socket". */
async function xsocket(domain: number, type: number, protocol: number): Promise<number> {
  const r = await sk.socket(domain, type, protocol);
  if (r < 0) await bb_perror_msg_and_die("socket");
  return r;
}

/** xsocket_type(&lsa, family, sock_type) (libbb/xconnect.c): AF_UNSPEC tries IPv6, then IPv4. */
async function xsocket_type(family: number, sock_type: number): Promise<{ fd: number; lsa: Lsa }> {
  let fd = -1;
  if (family === AF_UNSPEC) {
    fd = await sk.socket(AF_INET6, sock_type, 0);
    if (fd >= 0) family = AF_INET6;
    else family = AF_INET;
  }
  if (fd < 0) fd = await xsocket(family, sock_type, 0);
  const len = family === AF_INET6 ? SOCKADDR_IN6_SIZE : 16;
  const lsa: Lsa = { len, sa: new Uint8Array(LSA_SIZEOF_SA) };
  set_family(lsa.sa, family);
  return { fd, lsa };
}

/** setsockopt_1(fd, level, optname): an int 1, errors ignored. */
async function setsockopt_1(fd: number, level: number, optname: number): Promise<void> {
  const one = new Uint8Array([1, 0, 0, 0]);
  await sk.setsockopt(fd, level, optname, one, 4);
}

/** xbind(fd, sa, len) */
async function xbind(fd: number, lsa: Lsa): Promise<void> {
  if (await sk.bind(fd, lsa.sa, lsa.len)) await bb_perror_msg_and_die("bind");
}

/** xlisten(fd, backlog) */
async function xlisten(fd: number, backlog: number): Promise<void> {
  if (await sk.listen(fd, backlog)) await bb_perror_msg_and_die("listen");
}

/** xconnect(fd, sa, len) (libbb/xconnect.c) */
async function xconnect(fd: number, sa: Uint8Array, len: number): Promise<void> {
  if ((await sk.connect(fd, sa, len)) < 0) {
    close(fd);
    if (get_family(sa) === AF_INET) await bb_perror_msg_and_die(`can't connect to remote host (${inet_ntoa(parse_sockaddr_in(sa).addr)})`);
    await bb_perror_msg_and_die("can't connect to remote host");
  }
}

function get_family(sa: Uint8Array): number {
  return sa[0] | (sa[1] << 8);
}
function set_family(sa: Uint8Array, family: number): void {
  sa[0] = family & 0xff;
  sa[1] = family >> 8;
}
/** get_nport(), in host order: sin_port and sin6_port sit at the same offset. */
function get_port(sa: Uint8Array): number {
  return (sa[2] << 8) | sa[3];
}
/** set_nport(), in host order. */
function set_port(sa: Uint8Array, port: number): void {
  sa[2] = (port >> 8) & 0xff;
  sa[3] = port & 0xff;
}

function lsa_copy(l: Lsa): Lsa {
  return { len: l.len, sa: l.sa.slice() };
}

const decoder = new TextDecoder();

/** The text of a configuration file; empty when it cannot be read. */
async function config_text(path: string): Promise<string> {
  const data = await xmalloc_open_read_close(path);
  return data ? decoder.decode(data) : "";
}

/**
 * bb_lookup_port(port, protocol, default_port) (libbb/xconnect.c): a decimal 0..65535, or a service
 * name from /etc/services; otherwise "bad port".
 */
async function bb_lookup_port(port: string | undefined, protocol: string, port_nr: number): Promise<number> {
  if (port !== undefined) {
    const n = bb_strtou(port);
    port_nr = n.value;
    if (n.errno || port_nr > 65535) {
      const s = services_byname(await config_text("/etc/services"), port, protocol);
      if (s < 0) await bb_error_msg_and_die(`bad port '${port}'`);
      port_nr = s;
    }
  }
  return port_nr & 0xffff;
}

/** inet_pton(AF_INET6): the 16 bytes, or null. */
function inet_pton6(src: string): Uint8Array | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(src)) return null;
  const halves = src.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes(".")) {
        const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(p);
        if (!m || m.slice(1).some((x) => Number(x) > 255)) return null;
        out.push((Number(m[1]) << 8) | Number(m[2]), (Number(m[3]) << 8) | Number(m[4]));
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  let all: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return null;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return null;
    all = head;
  }
  const b = new Uint8Array(16);
  all.forEach((g, i) => ((b[2 * i] = g >> 8), (b[2 * i + 1] = g & 0xff)));
  return b;
}

/** inet_ntop(AF_INET6): the longest run of zero groups as "::", IPv4-mapped as ::ffff:a.b.c.d. */
function inet_ntop6(b: Uint8Array): string {
  const g = Array.from({ length: 8 }, (_, i) => (b[2 * i] << 8) | b[2 * i + 1]);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `::ffff:${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let best = -1;
  let bestlen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestlen) {
      best = i;
      bestlen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(":");
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestlen))}`;
}

/**
 * str2sockaddr(host, port, af, DIE_ON_ERROR) (libbb/xconnect.c): "HOST", "HOST:PORT", "[V6]" or
 * "[V6]:PORT"; numeric IPv4 (inet_aton), numeric IPv6, or a name.
 */
async function xhost2sockaddr(host: string, port: number): Promise<Lsa> {
  const org_host = host;
  let portspec: string | null = null;
  if (host[0] === "[") {
    host = host.slice(1);
    const cp = host.indexOf("]");
    if (cp < 0 || (host[cp + 1] !== ":" && cp + 1 < host.length)) {
      /* Malformed: must be [xx]:nn or [xx] */
      bb_error_msg(`bad address '${org_host}'`);
      return xfunc_die();
    }
    if (cp + 1 < host.length) portspec = host.slice(cp + 2);
    host = host.slice(0, cp);
  } else {
    const cp = host.lastIndexOf(":");
    if (cp >= 0 && host.indexOf(":") === cp) {
      portspec = host.slice(cp + 1);
      host = host.slice(0, cp);
    }
  }
  if (portspec !== null) {
    const n = bb_strtou(portspec);
    if (n.errno || n.value > 0xffff) {
      bb_error_msg(`bad port spec '${org_host}'`);
      return xfunc_die();
    }
    port = n.value;
  }
  const r: Lsa = { len: 16, sa: new Uint8Array(LSA_SIZEOF_SA) };
  let in4 = inet_aton(host);
  if (in4 === null) {
    const in6 = inet_pton6(host);
    if (in6) {
      r.len = SOCKADDR_IN6_SIZE;
      set_family(r.sa, AF_INET6);
      r.sa.set(in6, 8);
      set_port(r.sa, port);
      return r;
    }
    in4 = hosts_byname(await config_text("/etc/hosts"), host);
    if (in4 === null) {
      bb_error_msg(`bad address '${org_host}'`);
      return xfunc_die();
    }
  }
  r.sa.set(make_sockaddr_in(AF_INET, port, in4));
  return r;
}

/** sockaddr2str(sa, flags): "1.2.3.4:port" or "[v6]:port"; a name from /etc/hosts unless numeric. */
async function sockaddr2str(sa: Uint8Array, numeric: boolean): Promise<string> {
  if (get_family(sa) === AF_INET6) return `[${inet_ntop6(sa.subarray(8, 24))}]:${get_port(sa)}`;
  const a = parse_sockaddr_in(sa.subarray(0, 16));
  const host = (numeric ? null : hosts_byaddr(await config_text("/etc/hosts"), a.addr)) ?? inet_ntoa(a.addr);
  return `${host}:${a.port}`;
}
const xmalloc_sockaddr2dotted = (sa: Uint8Array): Promise<string> => sockaddr2str(sa, true);
const xmalloc_sockaddr2host = (sa: Uint8Array): Promise<string> => sockaddr2str(sa, false);

/**
 * recv_from_to(fd, buf, len, flags, from, to, sa_size) (libbb/udp_io.c): recvmsg that would also
 * learn the datagram's destination address from an IP_PKTINFO control message. kplay's kernel
 * sends none, so `to` keeps what the caller put there, as on a kernel without IP_PKTINFO.
 */
async function recv_from_to(fd: number, buf: Uint8Array, len: number, flags: number, from: Lsa): Promise<number> {
  const fromlen = { value: LSA_SIZEOF_SA };
  return sk.recvfrom(fd, buf, len, flags, from.sa, fromlen);
}

// ---- nc_bloaty.c --------------------------------------------------------------------------------

/* catch: no-brainer interrupt handler */
function catch_sig(sig: number): void {
  if (G().o_verbose > 1) /* normally we don't care */ stderr().put(SENT_N_RECV_M());
  stderr().put("punt!\n");
  kill_myself_with_sig(sig);
}

/* unarm  */
function unarm(): void {
  signal(SIGALRM, "ignore");
  alarm(0);
}

/* timeout and other signal handling cruft */
function tmtravel(_sig: number): void {
  unarm();
  G().jumped = true;
}

/* arm: set the timer.  */
function arm(secs: number): void {
  G().jumped = false;
  signal(SIGALRM, tmtravel);
  alarm(secs);
}

/* findline: find the next newline in a buffer; return inclusive size of that "line",
 or the entire buffer size, so the caller knows how much to then write(). */
function findline(buf: Uint8Array, siz: number): number {
  if (siz > BIGSIZ) return 0;
  const nl = buf.subarray(0, siz).indexOf(10);
  return nl < 0 ? siz : nl + 1;
}

/** execvp(file, argv): glibc's $PATH search (default "/bin:/usr/bin") over posix_spawn. */
function spawnvp(file: string, argv: string[]): { err: number; pid: number } {
  if (file.includes("/")) return posix_spawn(file, argv, environ());
  let r = { err: ENOENT, pid: -1 };
  for (const dir of (getenv("PATH") ?? "/bin:/usr/bin").split(":")) {
    r = posix_spawn(`${dir || "."}/${file}`, argv, environ());
    if (r.err !== ENOENT) return r;
  }
  return r;
}

/**
 * doexec: fiddle all the file descriptors around, and hand off to another prog. The socket
 * becomes fds 0 and 1 (not 2). BB_EXECVP_or_die: "can't execute", exit 127 (ENOENT) or 126.
 * kplay: PROG runs as a child and nc ends as it ends. As exec would reset nc's handlers, the
 * signals nc catches are passed on to PROG instead (so no "punt!"), and a PROG killed by a signal
 * kills nc by the same signal.
 */
async function doexec(proggie: string[]): Promise<never> {
  if (G().proggie0saved) proggie[0] = G().proggie0saved!;
  await xmove_fd(netfd, 0);
  dup2(0, 1);
  /* dup2(0, 2); - do we *really* want this? NO! exec'ed prog can do it yourself, if needed */
  const child = proggie[0] === undefined ? { err: EFAULT, pid: -1 } : spawnvp(proggie[0], proggie);
  if (child.err) {
    /* xfunc_error_retval = (errno == ENOENT) ? 127 : 126; bb_perror_msg_and_die(...) */
    libc().errno = child.err;
    bb_perror_msg(`can't execute '${proggie[0] ?? "(null)"}'`);
    await stderr().drain();
    return _exit(child.err === ENOENT ? 127 : 126);
  }
  close(0);
  close(1);
  bb_signals([SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM], (sig) => void kill(child.pid, sig));
  let w: Awaited<ReturnType<typeof waitpid>>;
  do w = await waitpid(child.pid);
  while (w === -1 && libc().errno === EINTR);
  if (w === 0 || w === -1) return _exit(1);
  if (WIFSIGNALED(w[1])) kill_myself_with_sig(WTERMSIG(w[1]));
  return _exit(WEXITSTATUS(w[1]));
}

/**
 * connect_w_timeout: connect with the -w timer armed; a timeout fails with the errno faked as
 * ETIMEDOUT.
 */
async function connect_w_timeout(fd: number): Promise<number> {
  const g = G();
  let rr: number;
  /* wrap connect inside a timer, and hit it */
  arm(g.o_wait);
  rr = await sk.connect(fd, g.themaddr!.sa, g.themaddr!.len);
  if (!g.jumped) {
    unarm();
  } else {
    /* setjmp: connect failed... */
    rr = -1;
    libc().errno = ETIMEDOUT; /* fake it */
  }
  return rr;
}

/**
 * dolisten: listens for incoming and returns an open connection *from* someplace. If we were
 * given host/port args, any connections from elsewhere are rejected.
 */
async function dolisten(is_persistent: boolean, proggie: string[] | null): Promise<void> {
  const g = G();
  let rr: number;

  if (!o_udpmode()) await xlisten(netfd, 1); /* TCP: gotta listen() before we can get */

  if (g.o_verbose) {
    const len = { value: g.ouraddr.len };
    sk.getsockname(netfd, g.ouraddr.sa, len);
    const addr = await xmalloc_sockaddr2dotted(g.ouraddr.sa);
    stderr().put(`listening on ${addr} ...\n`);
  }

  if (o_udpmode()) {
    /* UDP is a speeeeecial case -- we have to do I/O *and* get the calling party's particulars
     all at once, listen() and accept() don't apply. recvfrom/PEEK tells us something came in,
     and a connect() on the socket makes straight read/write work after all. */

    /* If peer address is specified, connect to it */
    g.remend = { len: LSA_SIZEOF_SA, sa: new Uint8Array(LSA_SIZEOF_SA) };
    if (g.themaddr) {
      g.remend = lsa_copy(g.themaddr);
      await xconnect(netfd, g.themaddr.sa, g.themaddr.len);
    }
    /* peek first packet and remember peer addr */
    arm(g.o_wait); /* might as well timeout this, too */
    /* and here we block... */
    rr = await recv_from_to(netfd, new Uint8Array(0), 0, sk.MSG_PEEK, g.remend);
    if (g.jumped) return bb_error_msg_and_die("timeout");
    if (rr < 0) await bb_perror_msg_and_die("recvfrom");
    unarm();
    /* bind() on an already bound socket fails, so the local IP stays what it was. */
    if (!g.themaddr) await xconnect(netfd, g.remend.sa, g.ouraddr.len);
  } else {
    /* TCP */
    for (;;) {
      /* another: */
      arm(g.o_wait); /* wrap this in a timer, too; 0 = forever */
      for (;;) {
        /* again: */
        g.remend = { len: LSA_SIZEOF_SA, sa: new Uint8Array(LSA_SIZEOF_SA) };
        const remlen = { value: g.remend.len };
        rr = await sk.accept(netfd, g.remend.sa, remlen);
        if (g.jumped) return bb_error_msg_and_die("timeout");
        g.remend.len = Math.min(remlen.value, LSA_SIZEOF_SA);
        if (rr < 0) await bb_perror_msg_and_die("accept");
        if (g.themaddr) {
          const sv_port = get_port(g.remend.sa); /* save */
          const port = get_port(g.themaddr.sa);
          /* "nc -nl -p LPORT RHOST" (w/o RPORT!): we should accept any remote port */
          if (port === 0) set_port(g.remend.sa, 0); /* blot out remote port# */
          const a = g.remend.sa.subarray(0, g.remend.len);
          const differs = a.some((b, i) => b !== g.themaddr!.sa[i]);
          set_port(g.remend.sa, sv_port); /* restore */
          if (differs) {
            /* nc 1.10 bails out instead, and its error message is not suppressed by o_verbose */
            if (g.o_verbose) bb_error_msg(`connect from wrong ip/port ${await xmalloc_sockaddr2dotted(g.remend.sa)} ignored`);
            close(rr);
            continue;
          }
        }
        unarm();
        break;
      }

      if (is_persistent && proggie) {
        /* -l -k -e PROG: a child handles this connection, the parent accepts more */
        signal(SIGCHLD, "ignore"); /* no zombies please */
        const conn = rr;
        const pid = fork_fn(async () => {
          signal(SIGCHLD, "default");
          globals.set(libc(), { ...g, ouraddr: lsa_copy(g.ouraddr), remend: lsa_copy(g.remend) });
          await accepted(conn, proggie);
          return 0;
        });
        if (pid < 0) await bb_perror_msg_and_die("vfork");
        close(conn);
        continue;
      }
      await accepted(rr, null);
      break;
    }
  }

  if (!o_udpmode()) return;
  await report_connect();
  if (proggie) await doexec(proggie);
}

/** The end of dolisten() for an accepted TCP connection: it becomes netfd. */
async function accepted(rr: number, proggie: string[] | null): Promise<void> {
  const g = G();
  await xmove_fd(rr, netfd); /* dump the old socket, here's our new one */
  /* find out what address the connection was *to* on our end, in case we're doing a
   listen-on-any on a multihomed machine. */
  const len = { value: g.ouraddr.len };
  sk.getsockname(netfd, g.ouraddr.sa, len);
  await report_connect();
  if (proggie) await doexec(proggie);
}

/** -v: "connect to LOCAL from REMOTE-NAME (REMOTE)". */
async function report_connect(): Promise<void> {
  const g = G();
  if (!g.o_verbose) return;
  const lcladdr = await xmalloc_sockaddr2dotted(g.ouraddr.sa);
  const remaddr = await xmalloc_sockaddr2dotted(g.remend.sa);
  const remhostname = o_nflag() ? remaddr : await xmalloc_sockaddr2host(g.remend.sa);
  stderr().put(`connect to ${lcladdr} from ${remhostname} (${remaddr})\n`);
}

/**
 * udptest: fire a couple of packets at a UDP target port, just to see if it's really there. ICMP
 * port-unreachable errors get delivered to our socket as ECONNREFUSED write errors. Use the -w
 * delay between writes if given, otherwise the "tcp ping" trick for the RTT. 0 when open.
 */
async function udptest(): Promise<number> {
  const g = G();
  let rr = await write(netfd, g.bigbuf_in, 1);
  if (rr !== 1) bb_perror_msg("udptest first write");

  if (g.o_wait) await sleep(g.o_wait);
  else {
    /* use the tcp-ping trick: try connecting to a normally refused port, which causes us to block
     for the time that SYN gets there and RST gets back. */
    g.o_wait = 5; /* enough that we'll notice?? */
    rr = await xsocket(get_family(g.ouraddr.sa), sk.SOCK_STREAM, 0);
    set_port(g.themaddr!.sa, SLEAZE_PORT);
    await connect_w_timeout(rr);
    /* don't need to restore themaddr's port, it's not used anymore */
    close(rr);
    g.o_wait = 0; /* restore */
  }

  rr = await write(netfd, g.bigbuf_in, 1);
  return rr !== 1 ? 1 : 0; /* if rr == 1, return 0 (success) */
}

/**
 * oprint: hexdump bytes shoveled either way to the -o logfile: direction ('>' sent to the network,
 * '<' received and printed), offset, 16 bytes in hex, "# ", the printable ones.
 */
async function oprint(direction: string, p: Uint8Array, bc: number): Promise<void> {
  const g = G();
  if (bc === 0) return;
  let obc = direction === "<" ? g.wrote_out : g.wrote_net; /* use the globals! */
  let at = 0;
  let out = "";
  do {
    const x = Math.min(16, bc);
    const chunk = p.subarray(at, at + x);
    /* 0x20 | an upper-case hex digit: BusyBox's dump comes out in lower case */
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, "0") + " ").join("");
    const asc = Array.from(chunk, (b) => (b > 31 && b < 127 ? String.fromCharCode(b) : ".")).join("");
    out += `${direction} ${(obc >>> 0).toString(16).padStart(8, "0")} ${hex.padEnd(48)}# ${asc}\n`;
    bc -= x;
    obc += x;
    at += x;
  } while (bc);
  const b = new TextEncoder().encode(out);
  const r = await full_write(ofd, b, b.length);
  if (r !== b.length) {
    if (r < 0) await bb_perror_msg_and_die("write error");
    await bb_error_msg_and_die("short write");
  }
}

/**
 * readwrite: handle stdin/stdout/network I/O. Bwahaha!! -- the i/o loop from hell. Returns what
 * might become our exit status. nc ends when both stdin and the network are closed (since bbox
 * 1.22), or after a -w timeout with nothing arriving twice in a row.
 */
async function readwrite(): Promise<number> {
  const g = G();
  let zp = 0; /* stdin buf ptr */
  let np = 0; /* net-in buf ptr */
  let rzleft = 0;
  let rnleft = 0;
  let netretry = 2; /* net-read retry counter */
  let fds_open = 2;

  const pfds = [
    { fd: STDIN_FILENO, events: POLLIN, revents: 0 },
    { fd: netfd, events: POLLIN, revents: 0 },
  ];

  if (g.o_interval) await sleep(g.o_interval); /* pause *before* sending stuff, too */

  /* and now the big ol' shoveling loop ... */
  while (fds_open) {
    let rr: number;
    let wretry = 8200; /* net-write sanity counter */

    let poll_tmout_ms = -1;
    if (g.o_wait) {
      poll_tmout_ms = INT_MAX;
      if (g.o_wait < INT_MAX / 1000) poll_tmout_ms = g.o_wait * 1000;
    }
    rr = await poll(pfds, poll_tmout_ms);
    if (rr < 0 && libc().errno !== EINTR) {
      /* might have gotten ^Zed, etc */
      holler_perror("poll");
      close(netfd);
      return 1;
    }
    /* if we have a timeout AND stdin is closed AND we haven't heard anything
     from the net during that time, assume it's dead and close it too. */
    if (rr === 0) {
      if (!pfds[0].revents) {
        netretry--; /* we actually try a coupla times. */
        if (!netretry) {
          if (g.o_verbose > 1) /* normally we don't care */ stderr().put("net timeout\n");
          /*close(netfd); - redundant, exit will do it */
          return 0; /* not an error! */
        }
      }
    } /* timeout */

    /* Ding!!  Something arrived, go check all the incoming hoppers, net first */
    if (pfds[1].revents) {
      /* net: ding! */
      rr = await read(netfd, g.bigbuf_net, BIGSIZ);
      if (rr <= 0) {
        /* nc 1.10 doesn't do this */
        if (rr < 0 && g.o_verbose > 1) bb_perror_msg("net read");
        pfds[1].fd = -1; /* don't poll for netfd anymore */
        fds_open--;
        rzleft = 0; /* can't write anymore: broken pipe */
      } else {
        rnleft = rr;
        np = 0;
      }
    } /* net:ding */

    /* if we're in "slowly" mode there's probably still stuff in the stdin
     buffer, so don't read unless we really need MORE INPUT!  MORE INPUT! */
    if (!rzleft && pfds[0].revents) {
      /* stdin: ding! */
      rr = await read(STDIN_FILENO, g.bigbuf_in, BIGSIZ);
      if (rr <= 0) {
        /* at end, or fukt, or ... */
        pfds[0].fd = -1; /* disable stdin */
        /* Let peer know we have no more data; nc 1.10 doesn't do this: */
        await sk.shutdown(netfd, sk.SHUT_WR);
        fds_open--;
      } else {
        rzleft = rr;
        zp = 0;
      }
    } /* stdin:ding */

    /* shovel: now that we've dingdonged all our thingdings, send off the results, net -> stdout first. */
    for (;;) {
      if (rnleft) {
        rr = await write(STDOUT_FILENO, g.bigbuf_net.subarray(np), rnleft);
        if (rr > 0) {
          if (o_ofile()) /* log the stdout */ await oprint("<", g.bigbuf_net.subarray(np), rr);
          np += rr;
          rnleft -= rr;
          g.wrote_out += rr; /* global count */
        }
      } /* rnleft */
      if (rzleft) {
        if (g.o_interval) /* in "slowly" mode ?? */ rr = findline(g.bigbuf_in.subarray(zp), rzleft);
        else rr = rzleft;
        rr = await write(netfd, g.bigbuf_in.subarray(zp), rr); /* one line, or the whole buffer */
        if (rr > 0) {
          if (o_ofile()) /* log what got sent */ await oprint(">", g.bigbuf_in.subarray(zp), rr);
          zp += rr;
          rzleft -= rr;
          g.wrote_net += rr; /* global count */
        }
      } /* rzleft */
      if (g.o_interval) {
        /* cycle between slow lines, or ... */
        await sleep(g.o_interval);
        break; /* ...with hairy loop... */
      }
      if (rzleft || rnleft) {
        /* shovel that shit till they ain't */
        wretry--; /* none left, and get another load */
        /* net write retries sometimes happen on UDP connections */
        if (!wretry) {
          /* is something hung? */
          holler_error("too many output retries");
          return 1;
        }
        continue; /* goto shovel */
      }
      break;
    }
  } /* while (fds_open) */

  close(netfd);
  return 0;
} /* readwrite */

/* main: now we pull it all together... */
export async function nc_main(_argc: number, argv: string[]): Promise<number> {
  let str_p: string | undefined;
  let str_s: string | undefined;
  let str_i: string | undefined;
  let str_o: string | undefined;
  let themdotted = "";
  let proggie: string[] | null = null;
  let x: number;
  let cnt_l = 0;
  let o_lport = 0;

  const g: Globals = {
    o_verbose: 0,
    o_wait: 0,
    o_interval: 0,
    option_mask32: 0,
    wrote_out: 0,
    wrote_net: 0,
    proggie0saved: null,
    ouraddr: { len: 0, sa: new Uint8Array(LSA_SIZEOF_SA) },
    themaddr: null,
    remend: { len: LSA_SIZEOF_SA, sa: new Uint8Array(LSA_SIZEOF_SA) },
    jumped: false,
    bigbuf_in: new Uint8Array(BIGSIZ),
    bigbuf_net: new Uint8Array(BIGSIZ),
  };
  globals.set(libc(), g);

  /* catch a signal or two for cleanup */
  bb_signals([SIGINT, SIGQUIT, SIGTERM], catch_sig);
  /* and suppress others... */
  bb_signals([SIGURG, SIGPIPE /* important! */], "ignore");

  /* -e PROG [ARGS] ends the options: everything after it is PROG's */
  argv = [...argv];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "-e") {
      proggie = argv.slice(i + 1);
      argv = argv.slice(0, i);
      break;
    }
    /* -<other_opts>e PROG [ARGS] ? (aboriginal linux uses this form) */
    if (argv[i][0] === "-") {
      const rest = argv[i].slice(1);
      const skip = /^[nuvlkz]*/.exec(rest)![0].length; /* Skip all valid opts w/o params */
      if (rest[skip] === "e" && skip + 1 === rest.length) {
        argv[i] = argv[i].slice(0, skip + 1);
        g.proggie0saved = argv[i + 1] ?? null;
        proggie = argv.slice(i + 1);
        argv = argv.slice(0, i + 1);
        break;
      }
    }
  }

  // -g -G -t -r deleted, unimplemented -a deleted too
  const parsed = getopt32(argv, "np:s:ubvw:lki:o:z");
  if (!parsed) return usage();
  for (const [c, arg] of parsed.opts) {
    g.option_mask32 |= 1 << opt_letters.indexOf(c);
    if (c === "p") str_p = arg;
    else if (c === "s") str_s = arg;
    else if (c === "w") g.o_wait = await xatoi_positive(arg!); /* -w N */
    else if (c === "i") str_i = arg;
    else if (c === "o") str_o = arg;
    else if (c === "v") g.o_verbose++; /* -v is a counter */
    else if (c === "l") cnt_l++; /* -l is a counter */
  }
  if (parsed.args.length > 2) return usage(); /* max 2 params */
  argv = parsed.args;

  if (g.option_mask32 & OPT_i) /* line-interval time */ g.o_interval = await xatou_range(str_i!, 1, 0xffff);
  if (g.option_mask32 & OPT_k) /* persistent server mode */ cnt_l = 2;
  if (g.option_mask32 & OPT_p) {
    /* local source port */
    o_lport = await bb_lookup_port(str_p, o_udpmode() ? "udp" : "tcp", 0);
    if (!o_lport) await bb_error_msg_and_die(`bad local port '${str_p}'`);
  }

  if (argv[0] !== undefined) {
    const rport = argv[1] !== undefined ? await bb_lookup_port(argv[1], o_udpmode() ? "udp" : "tcp", 0) : 0;
    g.themaddr = await xhost2sockaddr(argv[0], rport);
  }

  /* create & bind network socket */
  x = o_udpmode() ? sk.SOCK_DGRAM : sk.SOCK_STREAM;
  if (g.option_mask32 & OPT_s) {
    /* local address; if o_lport is still 0, then we will use random port */
    g.ouraddr = await xhost2sockaddr(str_s!, o_lport);
    x = await xsocket(get_family(g.ouraddr.sa), x, 0);
  } else {
    /* We try IPv6, then IPv4, unless addr family is implicitly set by way of remote addr/port spec */
    const r = await xsocket_type(g.themaddr ? get_family(g.themaddr.sa) : AF_UNSPEC, x);
    x = r.fd;
    g.ouraddr = r.lsa;
    if (o_lport) set_port(g.ouraddr.sa, o_lport);
  }
  await xmove_fd(x, netfd);
  await setsockopt_1(netfd, sk.SOL_SOCKET, sk.SO_REUSEADDR); /* setsockopt_reuseaddr */
  if (o_udpmode()) {
    if (o_bcmode()) await setsockopt_1(netfd, sk.SOL_SOCKET, sk.SO_BROADCAST); /* setsockopt_broadcast */
    /* socket_want_pktinfo */
    await setsockopt_1(netfd, IPPROTO_IP, IP_PKTINFO);
    await setsockopt_1(netfd, IPPROTO_IPV6, IPV6_RECVPKTINFO);
  }
  await xbind(netfd, g.ouraddr);

  if (proggie) {
    close(STDIN_FILENO); /* won't need stdin */
    g.option_mask32 &= ~OPT_o; /* -o with -e is meaningless! */
  }
  if (o_ofile()) {
    const fd = await open(str_o!, O_WRONLY | O_CREAT | O_TRUNC, 0o666);
    if (fd < 0) await bb_perror_msg_and_die(`can't open '${str_o}'`);
    await xmove_fd(fd, ofd);
  }

  if (cnt_l !== 0) {
    await dolisten(cnt_l - 1 !== 0, proggie);
    /* dolisten does its own connect reporting */
    x = await readwrite(); /* it even works with UDP! */
  } else {
    /* Outbound connects.  Now we're more picky about args... */
    if (!g.themaddr) return usage();

    g.remend = lsa_copy(g.themaddr);
    if (g.o_verbose) themdotted = await xmalloc_sockaddr2dotted(g.themaddr.sa);

    x = await connect_w_timeout(netfd);
    if (o_zero() && x === 0 && o_udpmode()) /* if UDP scanning... */ x = await udptest();
    if (x === 0) {
      /* Yow, are we OPEN YET?! */
      if (g.o_verbose) stderr().put(`${argv[0]} (${themdotted}) open\n`);
      if (proggie) /* exec is valid for outbound, too */ await doexec(proggie);
      if (!o_zero()) x = await readwrite();
    } else {
      /* connect or udptest wasn't successful */
      x = 1; /* exit status */
      /* if we're scanning at a "one -v" verbosity level, don't print refusals.
       Give it another -v if you want to see everything. */
      if (g.o_verbose > 1 || (g.o_verbose && libc().errno !== ECONNREFUSED)) bb_perror_msg(`${argv[0]} (${themdotted})`);
    }
  }
  if (g.o_verbose > 1) /* normally we don't care */ stderr().put(SENT_N_RECV_M());
  return x;
}
