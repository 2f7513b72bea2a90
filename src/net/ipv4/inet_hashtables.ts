// Mirrors net/ipv4/inet_hashtables.c: TCP's three tables. The bind table (bhash) says who holds each
// local port; the listening table (lhash2) finds a listener for a SYN; the established table (ehash)
// finds the socket of a four-tuple: a full socket, a request sock in NEW_SYN_RECV, or a TIME_WAIT
// mini-socket. Linux orders each table's buckets by a hash salted per boot; kplay keeps listeners in
// port order and connections in the order they were hashed. __inet_hash_connect picks connect()'s
// ephemeral port as 5.15.0 does (even ports first, from a hashed offset plus a moving hint).
import { EADDRNOTAVAIL } from "../../include/uapi/errno.js";
import type { Kernel } from "../../kernel/kernel.js";
import { current } from "../../kernel/sched/task.js";
import type { InetBindBucket, BindOwner } from "../../include/net/inet_hashtables.js";
import type { RequestSock } from "../../include/net/request_sock.js";
import type { InetTimewaitSock } from "../../include/net/inet_timewait_sock.js";
import type { TcpSock } from "../../include/linux/tcp.js";
import { sock_prot_inuse_add } from "../core/sock.js";
import { secure_ipv4_port_ephemeral } from "../core/secure_seq.js";
import { TCP_LISTEN, TCP_TIME_WAIT } from "./tcp_states.js";
import { PORT_RANGE } from "./udp.js";

/** What the established table holds. */
export type EstabSock = TcpSock | RequestSock | InetTimewaitSock;

/** struct inet_hashinfo, per kernel (tcp_hashinfo). */
export interface InetHashinfo {
  ehash: Map<string, EstabSock>;
  listening: TcpSock[];
  bhash: Map<number, InetBindBucket>;
  /** __inet_hash_connect's `static u32 hint` */
  hint: number;
  /** Stand-in slab addresses for /proc/net/tcp's pointer column. */
  next_kaddr: { tcp: number; tw: number; req: number };
}

const tables = new WeakMap<Kernel, InetHashinfo>();

export function tcp_hashinfo(k: Kernel = current().kernel): InetHashinfo {
  let h = tables.get(k);
  if (!h) tables.set(k, (h = { ehash: new Map(), listening: [], bhash: new Map(), hint: 0, next_kaddr: { tcp: 0xc2a40000, tw: 0xc2f80000, req: 0xc2fc0000 } }));
  return h;
}

/** A stand-in kernel address from the slab of `kind` (tcp_sock 0x6c0, tw 0xa0, request 0x100 apart). */
export function slab_kaddr(kind: "tcp" | "tw" | "req"): number {
  const n = tcp_hashinfo().next_kaddr;
  const a = n[kind];
  n[kind] += kind === "tcp" ? 0x6c0 : kind === "tw" ? 0xa0 : 0x100;
  return a;
}

/** The key each hashed entry was filed under (sk_hash), so that it can be found to unhash later. */
const hashed_key = new WeakMap<object, string>();

/** The established-table key of a connection seen from its own end. */
export function ehash_key(laddr: number, lport: number, raddr: number, rport: number): string {
  return `${laddr >>> 0}:${lport}:${raddr >>> 0}:${rport}`;
}

/** The four-tuple an established-table entry answers for, from its own end. */
export function estab_key(e: EstabSock): string {
  if ("rsk_listener" in e) return ehash_key(e.ir_loc_addr, e.ir_num, e.ir_rmt_addr, e.ir_rmt_port);
  if ("tw_substate" in e) return ehash_key(e.inet_rcv_saddr, e.tw_num, e.tw_daddr, e.tw_dport);
  return ehash_key(e.inet_rcv_saddr, e.inet_sport ?? e.inet_num, e.inet_daddr, e.inet_dport);
}

/** inet_ehash_insert(sk, osk): hash `sk`; when `osk` is given, `sk` takes its place. */
export function inet_ehash_insert(sk: EstabSock, osk: EstabSock | null): boolean {
  const h = tcp_hashinfo();
  if (osk) inet_ehash_remove(osk);
  const key = estab_key(sk);
  hashed_key.set(sk, key);
  h.ehash.set(key, sk);
  return true;
}

/** inet_ehash_nolisten(sk, osk): hash a connection (counted in the protocol's sockets in use). */
export function inet_ehash_nolisten(sk: TcpSock, osk: EstabSock | null): boolean {
  inet_ehash_insert(sk, osk);
  sock_prot_inuse_add(sk.sk_prot, 1);
  return true;
}

/** Unhash an established-table entry if it is the one hashed under its key. */
export function inet_ehash_remove(e: EstabSock): void {
  const h = tcp_hashinfo();
  const key = hashed_key.get(e);
  if (key !== undefined && h.ehash.get(key) === e) h.ehash.delete(key);
  hashed_key.delete(e);
}

/** __inet_lookup_established(saddr, sport, daddr, dport): the entry for a packet's four-tuple. */
export function __inet_lookup_established(saddr: number, sport: number, daddr: number, dport: number): EstabSock | null {
  return tcp_hashinfo().ehash.get(ehash_key(daddr, dport, saddr, sport)) ?? null;
}

/** __inet_lookup_listener(): a listener bound to daddr:dport, else one bound to the wildcard address. */
export function __inet_lookup_listener(daddr: number, dport: number): TcpSock | null {
  const l = tcp_hashinfo().listening.filter((sk) => sk.inet_num === dport);
  return l.find((sk) => sk.inet_rcv_saddr === daddr) ?? l.find((sk) => sk.inet_rcv_saddr === 0) ?? null;
}

/** __inet_lookup(): established first, then listening. */
export function __inet_lookup(saddr: number, sport: number, daddr: number, dport: number): EstabSock | null {
  return __inet_lookup_established(saddr, sport, daddr, dport) ?? __inet_lookup_listener(daddr, dport);
}

/** inet_hash(sk): a socket entering LISTEN joins the listening table. */
export function inet_hash(sk: TcpSock): number {
  if (sk.sk_state !== TCP_LISTEN) {
    inet_ehash_nolisten(sk, null);
    return 0;
  }
  const l = tcp_hashinfo().listening;
  l.push(sk);
  l.sort((a, b) => a.inet_num - b.inet_num);
  sock_prot_inuse_add(sk.sk_prot, 1);
  return 0;
}

/** inet_unhash(sk): leave the listening or the established table. */
export function inet_unhash(sk: TcpSock): void {
  const h = tcp_hashinfo();
  const i = h.listening.indexOf(sk);
  if (i >= 0) {
    h.listening.splice(i, 1);
    sock_prot_inuse_add(sk.sk_prot, -1);
    return;
  }
  const key = hashed_key.get(sk);
  if (key !== undefined && h.ehash.get(key) === sk) {
    inet_ehash_remove(sk);
    sock_prot_inuse_add(sk.sk_prot, -1);
  }
}

/** sk_unhashed(sk) */
export function sk_unhashed(sk: TcpSock): boolean {
  const h = tcp_hashinfo();
  const key = hashed_key.get(sk);
  return !h.listening.includes(sk) && (key === undefined || h.ehash.get(key) !== sk);
}

/** inet_bind_bucket_create(port) */
export function inet_bind_bucket_create(port: number): InetBindBucket {
  const tb: InetBindBucket = { port, fastreuse: 0, owners: [] };
  tcp_hashinfo().bhash.set(port, tb);
  return tb;
}

export function inet_bind_bucket_find(port: number): InetBindBucket | null {
  return tcp_hashinfo().bhash.get(port) ?? null;
}

/** inet_bind_bucket_destroy(tb): forget a bucket nobody holds. */
export function inet_bind_bucket_destroy(tb: InetBindBucket): void {
  if (tb.owners.length === 0 && tcp_hashinfo().bhash.get(tb.port) === tb) tcp_hashinfo().bhash.delete(tb.port);
}

/** inet_bind_hash(sk, tb, port): `sk` holds the port. */
export function inet_bind_hash(sk: TcpSock, tb: InetBindBucket, port: number): void {
  sk.inet_num = port;
  sk.inet_sport = port;
  tb.owners.unshift(sk);
  sk.icsk_bind_hash = tb;
}

/** inet_put_port(sk): give the local port back. */
export function inet_put_port(sk: TcpSock): void {
  const tb = sk.icsk_bind_hash;
  if (!tb) return;
  const i = tb.owners.indexOf(sk);
  if (i >= 0) tb.owners.splice(i, 1);
  sk.icsk_bind_hash = null;
  sk.inet_num = 0;
  inet_bind_bucket_destroy(tb);
}

/** __inet_inherit_port(sk, child): an accepted connection shares its listener's port. */
export function __inet_inherit_port(sk: TcpSock, child: TcpSock): void {
  const tb = sk.icsk_bind_hash!;
  tb.owners.unshift(child);
  child.icsk_bind_hash = tb;
}

/** The owners of a bucket, full sockets and TIME_WAIT socks, as the bind-conflict check sees them. */
export function bind_owners(tb: InetBindBucket): BindOwner[] {
  return tb.owners;
}

/**
 * __inet_check_established(): claim `lport` for `sk`'s four-tuple unless a connection has it. A
 * TIME_WAIT holder may be taken over when tcp_twsk_unique() allows (it is returned through
 * `twp`, or killed at once without it). 0, or -EADDRNOTAVAIL.
 */
export function __inet_check_established(sk: TcpSock, lport: number, twp: { tw: InetTimewaitSock | null } | null, twsk_unique: (sk: TcpSock, tw: InetTimewaitSock, twp: boolean) => boolean, deschedule: (tw: InetTimewaitSock) => void): number {
  const h = tcp_hashinfo();
  const key = ehash_key(sk.inet_rcv_saddr, lport, sk.inet_daddr, sk.inet_dport);
  const sk2 = h.ehash.get(key);
  let tw: InetTimewaitSock | null = null;
  if (sk2) {
    if (sk2.sk_state === TCP_TIME_WAIT && "tw_substate" in sk2 && twsk_unique(sk, sk2, twp !== null)) tw = sk2;
    else return -EADDRNOTAVAIL;
  }
  sk.inet_num = lport;
  sk.inet_sport = lport;
  inet_ehash_nolisten(sk, tw);
  if (twp) twp.tw = tw;
  else if (tw) deschedule(tw);
  return 0;
}

/**
 * __inet_hash_connect(): hash a connecting socket under a free four-tuple. A bound socket keeps its
 * port (alone on it, or if the four-tuple is free); an unbound one gets an ephemeral port, trying
 * the even ones first from (hint + port offset), then the odd ones. 0 or -EADDRNOTAVAIL.
 */
export function __inet_hash_connect(sk: TcpSock, check_established: (sk: TcpSock, port: number, twp: { tw: InetTimewaitSock | null } | null) => number, tw_release: (tw: InetTimewaitSock) => void): number {
  const h = tcp_hashinfo();
  let port = sk.inet_num;
  if (port) {
    const tb = sk.icsk_bind_hash!;
    if (tb.owners[0] === sk && tb.owners.length === 1) {
      inet_ehash_nolisten(sk, null);
      return 0;
    }
    return check_established(sk, port, null);
  }
  const [low, hi] = PORT_RANGE;
  const high = hi + 1; /* [32768, 60999] -> [32768, 61000[ */
  let remaining = high - low;
  if (remaining > 1) remaining &= ~1;
  const port_offset = secure_ipv4_port_ephemeral(sk.inet_rcv_saddr, sk.inet_daddr, sk.inet_dport);
  let offset = ((h.hint + port_offset) >>> 0) % remaining;
  /* In first pass we try ports of @low parity. inet_csk_get_port() does the opposite choice. */
  offset &= ~1;
  for (;;) {
    port = low + offset;
    for (let i = 0; i < remaining; i += 2, port += 2) {
      if (port >= high) port -= remaining;
      let tb = h.bhash.get(port) ?? null;
      const twp = { tw: null as InetTimewaitSock | null };
      if (tb) {
        /* Does not bother with rcv_saddr checks, because the established check is already unique enough. */
        if (tb.fastreuse >= 0) continue;
        if (check_established(sk, port, twp)) continue;
      } else {
        tb = inet_bind_bucket_create(port);
        tb.fastreuse = -1;
      }
      h.hint = (h.hint + i + 2) >>> 0;
      inet_bind_hash(sk, tb, port);
      if (sk_unhashed(sk)) inet_ehash_nolisten(sk, twp.tw);
      if (twp.tw) tw_release(twp.tw);
      return 0;
    }
    offset++;
    if (offset & 1 && remaining > 1) continue;
    return -EADDRNOTAVAIL;
  }
}
