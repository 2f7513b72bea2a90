// Mirrors lib/ratelimit.c and printk_ratelimited(): at most `burst` messages per `interval` from
// one call site; when a new interval opens after some were dropped, "%s: %d callbacks suppressed"
// is logged first. State is per kernel, as each boot has its own.
import { current } from "../kernel/sched/task.js";
import type { Kernel } from "../kernel/kernel.js";
import { printk } from "../kernel/printk/printk.js";

/** DEFAULT_RATELIMIT_INTERVAL (5 * HZ) and DEFAULT_RATELIMIT_BURST */
const INTERVAL_NS = 5_000_000_000;
const BURST = 10;

interface RatelimitState {
  begin: number;
  printed: number;
  missed: number;
}

const states = new WeakMap<Kernel, Map<string, RatelimitState>>();

/** ___ratelimit(rs, func): whether the call site `func` may print now. */
export function __ratelimit(func: string): boolean {
  const k = current().kernel;
  let m = states.get(k);
  if (!m) states.set(k, (m = new Map()));
  let rs = m.get(func);
  const now = k.clock.now();
  if (!rs) m.set(func, (rs = { begin: now, printed: 0, missed: 0 }));
  if (now - rs.begin >= INTERVAL_NS) {
    if (rs.missed) printk("\x014%s: %d callbacks suppressed\n", func, rs.missed);
    rs.begin = now;
    rs.printed = 0;
    rs.missed = 0;
  }
  if (rs.printed < BURST) {
    rs.printed++;
    return true;
  }
  rs.missed++;
  return false;
}
