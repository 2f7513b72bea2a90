// Mirrors libnl-3 (3.4) lib/socket.c: struct nl_sock and its local port. A socket starts with its
// sequence counter at time(NULL) (s_seq_next = s_seq_expect) and no port; the first use picks one
// with generate_local_port(): the process id in the low 22 bits and a block number from a table of
// used ports walked from a time-seeded index in the high 10 (so a real run binds, for example,
// 1891638482 = 7378 + (451 << 22)). time() is the machine's CLOCK_REALTIME, so on the virtual clock
// of scenarios and tests the sequence numbers and ports are the same on every run.
import { close } from "../unistd.js";
import { time, getpid } from "../unistd.js";
import { setsockopt, SOL_SOCKET, SO_RCVBUF, SO_SNDBUF } from "../socket.js";
import { sockaddr_nl } from "../netlink.js";
import { current, type Task } from "../../../kernel/sched/task.js";
import { libc } from "../state.js";
import { NLE_BAD_SOCK, nl_syserr2nlerr } from "./errno.js";
import { nl_cb, nl_cb_alloc, nl_cb_set, NL_CB_DEFAULT, type nl_recvmsg_msg_cb_t } from "./handlers.js";

/** s_flags bits (netlink-private/types.h) */
export const NL_SOCK_BUFSIZE_SET = 1 << 0;
export const NL_SOCK_PASSCRED = 1 << 1;
export const NL_OWN_PORT = 1 << 2;
export const NL_MSG_PEEK = 1 << 3;
export const NL_NO_AUTO_ACK = 1 << 4;
export const NL_MSG_PEEK_EXPLICIT = 1 << 5;

/** struct nl_sock */
export class nl_sock {
  s_local = sockaddr_nl.netlink();
  s_peer = sockaddr_nl.netlink();
  s_fd = -1;
  s_proto = 0;
  s_seq_next: number;
  s_seq_expect: number;
  s_flags = NL_OWN_PORT;
  s_bufsize = 0;
  constructor(public s_cb: nl_cb) {
    this.s_seq_expect = this.s_seq_next = time() >>> 0;
  }
}

/** The library's static data (used_ports_map, idx_state), one copy per process as in C. */
interface PortMap {
  used_ports_map: Uint32Array;
  idx_state: number;
}
const port_maps = new WeakMap<Task, PortMap>();

function port_map(): PortMap {
  let m = port_maps.get(current());
  if (!m) port_maps.set(current(), (m = { used_ports_map: new Uint32Array(32), idx_state: 0 }));
  return m;
}

/** generate_local_port(): the next free port of this process, or 0xffffffff when all 1024 are used. */
function generate_local_port(): number {
  const pm = port_map();
  const pid = getpid() & 0x3fffff;
  if (pm.idx_state === 0) {
    const t = time() >>> 0;
    pm.idx_state = (t ^ (t >>> 16) ^ 0x3047) & 0xffff;
  } else pm.idx_state = (pm.idx_state + 20011) & 0xffff;

  let i = pm.idx_state >> 5;
  let n = pm.idx_state;
  for (let j = 0; j < 32; j++) {
    // walk the blocks somewhat randomized, leaving block #0 (libnl-1's) for last
    i = j === 31 ? 0 : ((i - 1 + 7) % 31) + 1;
    if (pm.used_ports_map[i] === 0xffffffff) continue;
    for (let m = 0; m < 32; m++) {
      n = (n + 13) % 32;
      if ((pm.used_ports_map[i] >>> n) & 1) continue;
      pm.used_ports_map[i] |= 1 << n;
      n += i * 32;
      return (pid + n * (1 << 22)) >>> 0;
    }
  }
  return 0xffffffff;
}

function release_local_port(port: number): void {
  if (port === 0xffffffff) return;
  const nr = port >>> 22;
  port_map().used_ports_map[nr >> 5] &= ~(1 << (nr % 32));
}

/** nl_socket_alloc(): a socket with the default callbacks, not yet connected. */
export function nl_socket_alloc(): nl_sock | null {
  const cb = nl_cb_alloc(NL_CB_DEFAULT);
  return cb ? new nl_sock(cb) : null;
}

/** nl_socket_free(sk): close it and give its port back. */
export function nl_socket_free(sk: nl_sock | null): void {
  if (!sk) return;
  if (sk.s_fd >= 0) close(sk.s_fd);
  if (!(sk.s_flags & NL_OWN_PORT)) release_local_port(sk.s_local.nl_pid);
}

/** _nl_socket_generate_local_port_no_release(sk) */
export function _nl_socket_generate_local_port_no_release(sk: nl_sock): number {
  const port = generate_local_port();
  sk.s_flags &= ~NL_OWN_PORT;
  sk.s_local.nl_pid = port;
  return port;
}

/** nl_socket_get_local_port(sk): the port, generated on first use. */
export function nl_socket_get_local_port(sk: nl_sock): number {
  if (sk.s_local.nl_pid === 0) return _nl_socket_generate_local_port_no_release(sk);
  return sk.s_local.nl_pid;
}

/** nl_socket_set_local_port(sk, port) */
export function nl_socket_set_local_port(sk: nl_sock, port: number): void {
  if (!(sk.s_flags & NL_OWN_PORT)) release_local_port(sk.s_local.nl_pid);
  sk.s_flags |= NL_OWN_PORT;
  sk.s_local.nl_pid = port;
}

/** nl_socket_get_fd(sk) */
export const nl_socket_get_fd = (sk: nl_sock): number => sk.s_fd;

/** nl_socket_disable_auto_ack / nl_socket_enable_auto_ack */
export function nl_socket_disable_auto_ack(sk: nl_sock): void {
  sk.s_flags |= NL_NO_AUTO_ACK;
}

export function nl_socket_enable_auto_ack(sk: nl_sock): void {
  sk.s_flags &= ~NL_NO_AUTO_ACK;
}

/** nl_socket_modify_cb(sk, type, kind, func, arg) */
export function nl_socket_modify_cb(sk: nl_sock, type: number, kind: number, func: nl_recvmsg_msg_cb_t | null, arg: unknown): number {
  return nl_cb_set(sk.s_cb, type, kind, func, arg);
}

/** nl_socket_set_buffer_size(sk, rxbuf, txbuf): 0 or less means 32768. */
export async function nl_socket_set_buffer_size(sk: nl_sock, rxbuf: number, txbuf: number): Promise<number> {
  if (rxbuf <= 0) rxbuf = 32768;
  if (txbuf <= 0) txbuf = 32768;
  if (sk.s_fd === -1) return -NLE_BAD_SOCK;
  const v = new Uint8Array(4);
  new DataView(v.buffer).setInt32(0, txbuf, true);
  if ((await setsockopt(sk.s_fd, SOL_SOCKET, SO_SNDBUF, v, 4)) < 0) return -nl_syserr2nlerr(libc().errno);
  new DataView(v.buffer).setInt32(0, rxbuf, true);
  if ((await setsockopt(sk.s_fd, SOL_SOCKET, SO_RCVBUF, v, 4)) < 0) return -nl_syserr2nlerr(libc().errno);
  sk.s_flags |= NL_SOCK_BUFSIZE_SET;
  return 0;
}
