// Mirrors kernel/locking/mutex.c: a sleeping lock with one owner. Waiters sleep on the mutex's
// queue; mutex_unlock() wakes them and the first to run takes it.
import { EINTR } from "../../include/uapi/errno.js";
import type { MaybeAsync } from "../../fs/file.js";
import { current, type Task } from "../sched/task.js";
import { wait_event, wait_event_interruptible, WaitQueueHead } from "../sched/wait.js";

export class Mutex {
  owner: Task | null = null;
  readonly wait = new WaitQueueHead();
}

/** mutex_init() */
export function mutex_init(lock: Mutex): void {
  lock.owner = null;
}

/** mutex_destroy(): a debugging aid in Linux; nothing to free here. */
export function mutex_destroy(_lock: Mutex): void {}

/**
 * __mutex_trylock(): take the lock for `owner` if it is free. The waits below take it in the same
 * step that finds it free, so two waiters woken together cannot both see it free and both take it.
 */
function __mutex_trylock(lock: Mutex, owner: Task): boolean {
  if (lock.owner) return false;
  lock.owner = owner;
  return true;
}

/** mutex_trylock(): 1 when taken, 0 when someone holds it. */
export function mutex_trylock(lock: Mutex): number {
  return __mutex_trylock(lock, current()) ? 1 : 0;
}

/**
 * mutex_lock(): take the lock, sleeping uninterruptibly until it is free. A free lock is taken at
 * once, without a promise (__mutex_trylock_fast); only a caller that must sleep gets one.
 */
export function mutex_lock(lock: Mutex): void | Promise<void> {
  const me = current();
  if (__mutex_trylock(lock, me)) return;
  return wait_event(lock.wait, () => __mutex_trylock(lock, me));
}

/**
 * mutex_lock_interruptible(): as mutex_lock(), or -EINTR when a signal arrives first. 0 at once
 * for a free lock; a promise only when it sleeps.
 */
export function mutex_lock_interruptible(lock: Mutex): MaybeAsync<number> {
  const me = current();
  if (__mutex_trylock(lock, me)) return 0;
  return wait_event_interruptible(lock.wait, () => __mutex_trylock(lock, me)).then((r) => (r ? -EINTR : 0));
}

/** mutex_unlock(): release the lock and wake its waiters. */
export function mutex_unlock(lock: Mutex): void {
  lock.owner = null;
  lock.wait.wake_up();
}

/** mutex_is_locked() */
export const mutex_is_locked = (lock: Mutex): boolean => lock.owner !== null;
