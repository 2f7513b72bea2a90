// Mirrors kernel/locking/mutex.c: a sleeping lock with one owner. Waiters sleep on the mutex's
// queue; mutex_unlock() wakes them and the first to run takes it.
import { EINTR } from "../../include/uapi/errno.js";
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

/** mutex_trylock(): 1 when taken, 0 when someone holds it. */
export function mutex_trylock(lock: Mutex): number {
  if (lock.owner) return 0;
  lock.owner = current();
  return 1;
}

/** mutex_lock(): sleep uninterruptibly until the lock is free, then take it. */
export async function mutex_lock(lock: Mutex): Promise<void> {
  await wait_event(lock.wait, () => lock.owner === null);
  lock.owner = current();
}

/** mutex_lock_interruptible(): as mutex_lock(), or -EINTR when a signal arrives first. */
export async function mutex_lock_interruptible(lock: Mutex): Promise<number> {
  if (await wait_event_interruptible(lock.wait, () => lock.owner === null)) return -EINTR;
  lock.owner = current();
  return 0;
}

/** mutex_unlock(): release the lock and wake its waiters. */
export function mutex_unlock(lock: Mutex): void {
  lock.owner = null;
  lock.wait.wake_up();
}

/** mutex_is_locked() */
export const mutex_is_locked = (lock: Mutex): boolean => lock.owner !== null;
