// The machine's one clock: CLOCK_MONOTONIC since boot (printk timestamps, /proc/uptime, timers) and
// the wall clock (CLOCK_REALTIME). Scenarios and tests use VirtualClock, which only moves when told
// to, so every run prints the same timestamps; the long-lived machine uses RealClock.

export interface Timer {
  readonly expires: number;
  cancelled: boolean;
}

export interface Clock {
  /** Nanoseconds since boot. */
  now(): number;
  /** Milliseconds since the epoch at boot (CLOCK_REALTIME at time 0). */
  readonly bootEpochMs: number;
  /** Run `fn` once `now()` reaches `expires` (nanoseconds since boot). */
  addTimer(expires: number, fn: () => void): Timer;
  delTimer(t: Timer): void;
  /** Account for kernel work done by a system call: the virtual clock steps, the real one ignores it. */
  tick(ns: number): void;
  /** Move time forward to at least `ns` (the boot log's timeline); both clocks honour it. */
  skip_to(ns: number): void;
}

interface PendingTimer extends Timer {
  fn: () => void;
  seq: number;
  /** Still in the clock's list (not swept, not taken to fire). */
  listed: boolean;
}

/**
 * A deterministic clock: time advances by tick() and by advanceToNextTimer(), never by itself.
 * Deleting a timer only marks it; the marked ones are swept when they are half the list, so that
 * arming and deleting stay cheap with many timers pending (TCP re-arms its timers on every
 * segment, and every TIME_WAIT socket holds one for 60 s).
 */
export class VirtualClock implements Clock {
  private ns = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];
  private cancelled = 0;

  constructor(readonly bootEpochMs = Date.UTC(2023, 7, 6, 8, 0, 0)) {}

  now(): number {
    return this.ns;
  }

  tick(ns: number): void {
    this.ns += ns;
  }

  skip_to(ns: number): void {
    if (this.ns < ns) this.ns = ns;
  }

  addTimer(expires: number, fn: () => void): Timer {
    const t: PendingTimer = { expires, fn, cancelled: false, seq: this.seq++, listed: true };
    this.timers.push(t);
    return t;
  }

  delTimer(t: Timer): void {
    if (t.cancelled) return;
    t.cancelled = true;
    if ((t as PendingTimer).listed && ++this.cancelled * 2 > this.timers.length) this.sweep();
  }

  private sweep(): void {
    this.timers = this.timers.filter((x) => {
      if (x.cancelled) x.listed = false;
      return !x.cancelled;
    });
    this.cancelled = 0;
  }

  /** Whether any timer is pending. */
  hasTimers(): boolean {
    return this.timers.length > this.cancelled;
  }

  /**
   * Jump to the earliest pending timer and fire every timer due then. Returns false when no
   * timer is pending.
   */
  advanceToNextTimer(): boolean {
    this.sweep();
    if (this.timers.length === 0) return false;
    let first = this.timers[0];
    for (const t of this.timers) if (t.expires < first.expires || (t.expires === first.expires && t.seq < first.seq)) first = t;
    if (first.expires > this.ns) this.ns = first.expires;
    const due = this.timers.filter((t) => t.expires <= this.ns).sort((a, b) => a.expires - b.expires || a.seq - b.seq);
    this.timers = this.timers.filter((t) => t.expires > this.ns);
    for (const t of due) t.listed = false;
    /* A timer deleted by one that fired before it in this batch does not fire. */
    for (const t of due) {
      if (t.cancelled) continue;
      t.cancelled = true;
      t.fn();
    }
    return true;
  }
}

/** Wall time since the process started; timers are Node timers. */
export class RealClock implements Clock {
  private readonly base = process.hrtime.bigint();
  private offset = 0;
  readonly bootEpochMs = Date.now();

  now(): number {
    return Number(process.hrtime.bigint() - this.base) + this.offset;
  }

  tick(): void {}

  skip_to(ns: number): void {
    const now = this.now();
    if (now < ns) this.offset += ns - now;
  }

  addTimer(expires: number, fn: () => void): Timer {
    const t = { expires, cancelled: false, handle: undefined as NodeJS.Timeout | undefined };
    t.handle = setTimeout(() => {
      if (!t.cancelled) fn();
    }, Math.max(0, (expires - this.now()) / 1e6));
    return t;
  }

  delTimer(t: Timer): void {
    t.cancelled = true;
    clearTimeout((t as { handle?: NodeJS.Timeout }).handle);
  }
}

export const NSEC_PER_USEC = 1_000;
export const NSEC_PER_MSEC = 1_000_000;
export const NSEC_PER_SEC = 1_000_000_000;
