// Mirrors include/linux/jiffies.h and kernel/time/timer.c: jiffies (HZ 100, the ARM vexpress
// default), the conversions /proc files use, and struct timer_list. A timer's function runs in
// softirq context, which here is the idle task of the timer's kernel: it must not sleep, and
// `current()` there is not a process.
import type { Kernel } from "../kernel.js";
import { current, run_as } from "../sched/task.js";
import type { Timer } from "./clock.js";

export const HZ = 100;
/** USER_HZ: the unit of clock_t in /proc files. */
export const USER_HZ = 100;
const NSEC_PER_JIFFY = 1_000_000_000 / HZ;

/** jiffies: ticks since boot (kplay starts them at 0, not at INITIAL_JIFFIES). */
export function jiffies(k: Kernel = current().kernel): number {
  return Math.floor(k.clock.now() / NSEC_PER_JIFFY);
}

/** msecs_to_jiffies(m): rounded up. */
export function msecs_to_jiffies(m: number): number {
  return Math.ceil((m * HZ) / 1000);
}

/** usecs_to_jiffies(u): rounded up. */
export function usecs_to_jiffies(u: number): number {
  return Math.ceil((u * HZ) / 1_000_000);
}

export function jiffies_to_msecs(j: number): number {
  return (j * 1000) / HZ;
}

/** jiffies_to_clock_t(x): jiffies in USER_HZ ticks. */
export function jiffies_to_clock_t(x: number): number {
  return Math.floor((x * USER_HZ) / HZ);
}

/** jiffies_delta_to_clock_t(delta): as above, 0 for a time already past. */
export function jiffies_delta_to_clock_t(delta: number): number {
  return jiffies_to_clock_t(Math.max(0, delta));
}

/** time_after(a, b): a is later than b (jiffies do not wrap in kplay's lifetime). */
export const time_after = (a: number, b: number): boolean => a > b;
export const time_before = (a: number, b: number): boolean => a < b;
export const time_before_eq = (a: number, b: number): boolean => a <= b;

/**
 * struct timer_list: `function` runs once `expires` (jiffies) is reached, unless deleted first.
 * The kernel is the one it was set up on (a timer outlives the task that armed it).
 */
export class TimerList {
  expires = 0;
  private handle: Timer | null = null;

  constructor(
    readonly kernel: Kernel,
    public function_: (t: TimerList) => void,
  ) {}

  /** timer_pending() */
  get pending(): boolean {
    return this.handle !== null;
  }

  /** mod_timer(timer, expires): (re)arm; 1 when it was pending, 0 when it was not. */
  mod(expires: number): number {
    const was = this.del();
    this.expires = expires;
    const clock = this.kernel.clock;
    this.handle = clock.addTimer(Math.max(expires * NSEC_PER_JIFFY, clock.now()), () => {
      this.handle = null;
      run_as(this.kernel.init_task, () => this.function_(this));
    });
    return was;
  }

  /** del_timer(timer): 1 when it was pending. */
  del(): number {
    if (!this.handle) return 0;
    this.kernel.clock.delTimer(this.handle);
    this.handle = null;
    return 1;
  }
}

/** timer_setup(timer, callback, flags) */
export function timer_setup(fn: (t: TimerList) => void, k: Kernel = current().kernel): TimerList {
  return new TimerList(k, fn);
}

export function mod_timer(timer: TimerList, expires: number): number {
  return timer.mod(expires);
}

export function del_timer(timer: TimerList): number {
  return timer.del();
}

export function timer_pending(timer: TimerList): boolean {
  return timer.pending;
}
