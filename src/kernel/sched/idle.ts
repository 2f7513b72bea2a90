// Mirrors kernel/sched/idle.c: when no task can run, the CPU idles until the next timer interrupt.
// On the virtual clock "idling" is jumping time to the earliest timer, which is what makes runs
// deterministic: every task that can make progress has run before time moves.
import { VirtualClock } from "../time/clock.js";
import type { Kernel } from "../kernel.js";

/** Let every runnable task run until all of them wait (the event loop drained to the idle point). */
export async function schedule_until_idle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * do_idle(): run tasks until `stop()` holds. When everything waits, `on_idle()` may supply input
 * (return true); otherwise the virtual clock jumps to the next timer. Resolves false when nothing
 * can ever happen again (every task waits on something no timer will wake), true when `stop()` held.
 */
export async function run_until(k: Kernel, stop: () => boolean, on_idle: () => boolean = () => false): Promise<boolean> {
  for (;;) {
    await schedule_until_idle();
    if (stop()) return true;
    if (on_idle()) continue;
    if (!(k.clock instanceof VirtualClock)) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      continue;
    }
    if (!k.clock.advanceToNextTimer()) return false;
  }
}
