// Mirrors include/linux/wait.h and kernel/sched/wait.c: wait queues. A sleeping task awaits a
// promise that wake_up() resolves; a signal resolves it too (interruptible sleep).
import { ERESTARTSYS } from "../../include/uapi/errno.js";
import { current } from "./task.js";
import { signal_pending } from "../signal.js";

export class WaitQueueHead {
  private readonly waiters = new Set<() => void>();

  add(fn: () => void): void {
    this.waiters.add(fn);
  }

  remove(fn: () => void): void {
    this.waiters.delete(fn);
  }

  get active(): boolean {
    return this.waiters.size > 0;
  }

  /** wake_up(): wake every task sleeping on the queue; each rechecks its condition. */
  wake_up(): void {
    for (const w of [...this.waiters]) w();
  }
}

export function wake_up(wq: WaitQueueHead): void {
  wq.wake_up();
}

export function wake_up_interruptible(wq: WaitQueueHead): void {
  wq.wake_up();
}

/**
 * Sleep once on `wq` until woken, or `timeout_ns` passes (if given); an interruptible sleep ("S")
 * also ends when a signal arrives, an uninterruptible one ("D") does not.
 */
async function sleep_on(wq: WaitQueueHead | null, timeout_ns: number | null, state: "S" | "D" = "S"): Promise<void> {
  const task = current();
  const clock = task.kernel.clock;
  const removers: (() => void)[] = [];
  await new Promise<void>((resolve) => {
    const timer = timeout_ns === null ? null : clock.addTimer(clock.now() + timeout_ns, resolve);
    const wake = (): void => {
      if (timer) clock.delTimer(timer);
      resolve();
    };
    wq?.add(wake);
    if (state === "S") task.signal_wake = wake;
    task.state = state;
    removers.push(() => wq?.remove(wake));
  }).finally(() => {
    for (const r of removers) r();
    task.state = "R";
    task.signal_wake = null;
  });
}

/** wait_event(wq, condition): sleep uninterruptibly until `cond()` holds. */
export async function wait_event(wq: WaitQueueHead, cond: () => boolean): Promise<void> {
  while (!cond()) await sleep_on(wq, null, "D");
}

/**
 * wait_event_interruptible(wq, condition): sleep until `cond()` holds.
 * Returns 0, or -ERESTARTSYS when a signal is pending.
 */
export async function wait_event_interruptible(wq: WaitQueueHead, cond: () => boolean): Promise<number> {
  for (;;) {
    if (cond()) return 0;
    if (signal_pending(current())) return -ERESTARTSYS;
    await sleep_on(wq, null);
  }
}

/**
 * wait_event_interruptible_timeout(wq, condition, timeout): as above, giving up after
 * `timeout_ns`. Returns the time left (>= 1) when the condition held, 0 on timeout,
 * -ERESTARTSYS on a signal.
 */
export async function wait_event_interruptible_timeout(wq: WaitQueueHead, cond: () => boolean, timeout_ns: number): Promise<number> {
  const clock = current().kernel.clock;
  const deadline = clock.now() + timeout_ns;
  for (;;) {
    if (cond()) return Math.max(1, deadline - clock.now());
    if (signal_pending(current())) return -ERESTARTSYS;
    const left = deadline - clock.now();
    if (left <= 0) return 0;
    await sleep_on(wq, left);
  }
}

/**
 * schedule_timeout_interruptible(): sleep for `ns` unless a signal comes first.
 * Returns the nanoseconds left (0 when the full time passed).
 */
export async function schedule_timeout_interruptible(ns: number): Promise<number> {
  const clock = current().kernel.clock;
  const deadline = clock.now() + ns;
  while (clock.now() < deadline) {
    if (signal_pending(current())) return deadline - clock.now();
    await sleep_on(null, deadline - clock.now());
  }
  return 0;
}

/** msleep(ms): sleep uninterruptibly. */
export async function msleep(ms: number): Promise<void> {
  const task = current();
  const clock = task.kernel.clock;
  await new Promise<void>((resolve) => {
    task.state = "D";
    clock.addTimer(clock.now() + ms * 1e6, resolve);
  });
  task.state = "R";
}
