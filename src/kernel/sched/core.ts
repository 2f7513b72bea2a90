// Mirrors the preemption side of kernel/sched/core.c for kplay's cooperative tasks. A task runs
// until it sleeps, so one that never sleeps (`while true; do echo y; done`, `cat /dev/zero`) would
// keep the machine's event loop from serving its other sessions, its timers and its clients'
// hangups. On the real clock a task that has run for a time slice yields at its next read or
// write, as a timer interrupt would preempt it. The virtual clock never preempts: its runs are
// deterministic and every task there runs to its next sleep.
import type { Kernel } from "../kernel.js";
import { RealClock } from "../time/clock.js";
import { current } from "./task.js";

/** sched_slice: how long a task runs before it yields (wall time). */
const TIMESLICE_MS = 10;

const last_switch = new WeakMap<Kernel, number>();

/** need_resched(): the current time slice on a real-clock kernel is used up. */
function need_resched(k: Kernel): boolean {
  if (!(k.clock instanceof RealClock)) return false;
  const now = performance.now();
  const last = last_switch.get(k);
  if (last === undefined) last_switch.set(k, now);
  return last !== undefined && now - last >= TIMESLICE_MS;
}

/**
 * cond_resched() on the way out of a system call: `r` itself, or, when the slice is used up, a
 * promise of it that settles after the event loop has had its turn.
 */
export function cond_resched<T>(r: T | Promise<T>): T | Promise<T> {
  const k = current().kernel;
  if (!need_resched(k)) return r;
  return new Promise<T>((resolve, reject) =>
    setImmediate(() => {
      last_switch.set(k, performance.now());
      Promise.resolve(r).then(resolve, reject);
    }),
  );
}
