// Mirrors net/core/secure_seq.c: initial sequence numbers, timestamp offsets and ephemeral port
// offsets, each a keyed hash of the connection's addresses under a secret drawn once per boot. Linux
// uses SipHash with get_random_bytes() keys; kplay draws the keys from the kernel's seeded
// generator and mixes with a smaller keyed hash, so a boot on the virtual clock always gives the
// same numbers (and they still differ from one address pair to another).
import type { Kernel } from "../../kernel/kernel.js";
import { current } from "../../kernel/sched/task.js";

interface Secrets {
  net_secret: number[];
  ts_secret: number[];
}

const secrets = new WeakMap<Kernel, Secrets>();

/** net_secret_init() / ts_secret_init(): the keys, drawn at first use. */
function get_secrets(k: Kernel): Secrets {
  let s = secrets.get(k);
  if (!s) secrets.set(k, (s = { net_secret: [k.random_u32(), k.random_u32()], ts_secret: [k.random_u32(), k.random_u32()] }));
  return s;
}

/** A keyed 32-bit hash of the words (murmur3's mixing, seeded with both key halves). */
function keyed_hash(key: number[], words: number[]): number {
  let h = key[0] >>> 0;
  for (const w of [...words, key[1]]) {
    let x = Math.imul(w >>> 0, 0xcc9e2d51);
    x = (x << 15) | (x >>> 17);
    x = Math.imul(x, 0x1b873593);
    h ^= x;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * seq_scale(seq): add the realtime clock in 64 ns units, so that the sequence space of an address
 * pair moves forward even across reboots (RFC 6528).
 */
function seq_scale(k: Kernel, seq: number): number {
  const real_ns = BigInt(k.clock.bootEpochMs) * 1_000_000n + BigInt(Math.floor(k.clock.now()));
  return Number((BigInt(seq) + (real_ns >> 6n)) & 0xffffffffn);
}

/** secure_tcp_seq(saddr, daddr, sport, dport): the ISN of a connection (host-order arguments). */
export function secure_tcp_seq(saddr: number, daddr: number, sport: number, dport: number): number {
  const k = current().kernel;
  const hash = keyed_hash(get_secrets(k).net_secret, [saddr, daddr, ((sport << 16) | dport) >>> 0]);
  return seq_scale(k, hash);
}

/** secure_tcp_ts_off(net, saddr, daddr): the TCP timestamp offset of an address pair. */
export function secure_tcp_ts_off(saddr: number, daddr: number): number {
  const k = current().kernel;
  return keyed_hash(get_secrets(k).ts_secret, [saddr, daddr]);
}

/** secure_ipv4_port_ephemeral(saddr, daddr, dport): where connect()'s port search starts. */
export function secure_ipv4_port_ephemeral(saddr: number, daddr: number, dport: number): number {
  const k = current().kernel;
  return keyed_hash(get_secrets(k).net_secret, [saddr, daddr, dport]);
}
