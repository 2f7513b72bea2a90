// Mirrors fs/select.c and include/linux/poll.h (with the event bits of include/uapi/asm-generic/poll.h):
// poll(2). A file's ->poll reports the events ready now as a POLL* mask and, while the poll table
// still has a queueing procedure (the first pass), registers the caller on every wait queue that
// will be woken when the answer may change (poll_wait). do_poll asks each file, and when none is
// ready sleeps until one of those queues is woken, a signal arrives or the timeout passes, then
// asks them all again.
import { EINVAL, EINTR, ERESTARTSYS } from "../include/uapi/errno.js";
import { current } from "../kernel/sched/task.js";
import { signal_pending } from "../kernel/signal.js";
import type { WaitQueueHead } from "../kernel/sched/wait.js";
import { NR_OPEN_DEFAULT, type File } from "./file.js";

export const POLLIN = 0x0001;
export const POLLPRI = 0x0002;
export const POLLOUT = 0x0004;
export const POLLERR = 0x0008;
export const POLLHUP = 0x0010;
export const POLLNVAL = 0x0020;
export const POLLRDNORM = 0x0040;
export const POLLRDBAND = 0x0080;
export const POLLWRNORM = 0x0100;
export const POLLWRBAND = 0x0200;
export const POLLMSG = 0x0400;
export const POLLRDHUP = 0x2000;

/** What a file without ->poll reports: always readable and writable (regular files, /dev/null). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

/**
 * poll_table: `_qproc` queues the caller on a wait queue; it is null once the caller no longer
 * needs to be queued (after the first pass, or once an event was found). `_key` is the events asked
 * for, for drivers that care.
 */
export interface PollTable {
  _qproc: ((filp: File, wait_address: WaitQueueHead, p: PollTable) => void) | null;
  _key: number;
}

/** poll_wait(filp, wait_address, p): what every ->poll calls for each queue that may signal it. */
export function poll_wait(filp: File, wait_address: WaitQueueHead | null, p: PollTable | null): void {
  if (p && p._qproc && wait_address) p._qproc(filp, wait_address, p);
}

/** vfs_poll(file, pt): the file's ->poll, or DEFAULT_POLLMASK when it has none. */
export function vfs_poll(file: File, pt: PollTable | null): number {
  if (!file.f_op.poll) return DEFAULT_POLLMASK;
  return file.f_op.poll(file, pt);
}

/** struct pollfd: `events` asked for, `revents` reported (POLLERR, POLLHUP, POLLNVAL always). */
export interface PollFd {
  fd: number;
  events: number;
  revents: number;
}

/**
 * struct poll_wqueues: the entries __pollwait added (removed by poll_freewait), and `triggered`,
 * set by pollwake so a wake-up between the check and the sleep is not lost.
 */
class PollWqueues {
  readonly pt: PollTable;
  triggered = false;
  error = 0;
  private readonly entries: { wq: WaitQueueHead; fn: () => void }[] = [];
  /** Ends the current sleep early (set while poll_schedule_timeout sleeps). */
  wake: (() => void) | null = null;

  constructor() {
    this.pt = { _qproc: (_filp, wq) => this.__pollwait(wq), _key: ~0 };
  }

  /** __pollwait(): add a wait-queue entry whose wake function is pollwake. */
  private __pollwait(wq: WaitQueueHead): void {
    const fn = (): void => this.pollwake();
    wq.add(fn);
    this.entries.push({ wq, fn });
  }

  /** pollwake(): note the event and wake the polling task. */
  private pollwake(): void {
    this.triggered = true;
    this.wake?.();
  }

  /** poll_freewait(): leave every queue. */
  poll_freewait(): void {
    for (const e of this.entries) e.wq.remove(e.fn);
    this.entries.length = 0;
  }
}

/**
 * poll_schedule_timeout(pwq, expires): sleep interruptibly unless already triggered, until a
 * queue wakes us, a signal comes or the clock reaches `expires` (null: no limit). 0 when the time
 * ran out (schedule_hrtimeout_range), -EINTR when woken.
 */
async function poll_schedule_timeout(pwq: PollWqueues, expires: number | null): Promise<number> {
  const task = current();
  const clock = task.kernel.clock;
  let rc = -EINTR;
  if (!pwq.triggered) {
    if (expires !== null && expires <= clock.now()) rc = 0;
    else
      rc = await new Promise<number>((resolve) => {
        const timer = expires === null ? null : clock.addTimer(expires, () => resolve(0));
        const wake = (): void => {
          if (timer) clock.delTimer(timer);
          resolve(-EINTR);
        };
        pwq.wake = wake;
        task.signal_wake = wake;
        task.state = "S";
      }).finally(() => {
        pwq.wake = null;
        task.signal_wake = null;
        task.state = "R";
      });
  }
  pwq.triggered = false;
  return rc;
}

/** do_pollfd(): one descriptor's revents; a negative fd is skipped, a closed one is POLLNVAL. */
function do_pollfd(pollfd: PollFd, pwait: PollTable | null): number {
  const fd = pollfd.fd;
  let mask = 0;
  if (fd >= 0) {
    mask = POLLNVAL;
    const f = current().files?.fget(fd) ?? null;
    if (f) {
      const filter = (pollfd.events & 0xffff) | POLLERR | POLLHUP;
      if (pwait) pwait._key = filter;
      mask = vfs_poll(f, pwait) & filter;
    }
  }
  pollfd.revents = mask;
  return mask;
}

/**
 * do_poll(): pass over the descriptors until one is ready, the time is up or a signal is pending.
 * `end_time` is an absolute clock time, 0 for "do not wait", null for no limit.
 */
async function do_poll(fds: PollFd[], wait: PollWqueues, end_time: number | null): Promise<number> {
  let pt: PollTable | null = wait.pt;
  let timed_out = false;
  let count = 0;
  // Optimise the no-wait case
  if (end_time === 0) {
    pt = null;
    timed_out = true;
  }
  for (;;) {
    for (const pfd of fds) {
      // Found an event: no need to queue on the remaining files.
      if (do_pollfd(pfd, pt)) {
        count++;
        pt = null;
      }
    }
    // Every waiter is registered now; later passes only look.
    pt = null;
    if (!count) {
      count = wait.error;
      // -ERESTARTNOHAND in Linux; kplay's return to user space turns it into EINTR after a handler.
      if (signal_pending(current())) count = -ERESTARTSYS;
    }
    if (count || timed_out) break;
    if (!(await poll_schedule_timeout(wait, end_time))) timed_out = true;
  }
  return count;
}

/** do_sys_poll(ufds, nfds, end_time): copy the pollfds in, poll, and write every revents back. */
export async function do_sys_poll(ufds: PollFd[], end_time: number | null): Promise<number> {
  if (ufds.length > (current().files?.max_fds ?? NR_OPEN_DEFAULT)) return -EINVAL; /* RLIMIT_NOFILE */
  const fds: PollFd[] = ufds.map((u) => ({ fd: u.fd, events: u.events, revents: 0 }));
  const table = new PollWqueues();
  let fdcount: number;
  try {
    fdcount = await do_poll(fds, table, end_time);
  } finally {
    table.poll_freewait();
  }
  fds.forEach((f, i) => (ufds[i].revents = f.revents));
  return fdcount;
}

/** poll(ufds, nfds, timeout_msecs): a negative timeout waits for ever, 0 does not wait. */
export function sys_poll(ufds: PollFd[], timeout_msecs: number): Promise<number> {
  let end_time: number | null = null;
  if (timeout_msecs >= 0) end_time = timeout_msecs === 0 ? 0 : current().kernel.clock.now() + timeout_msecs * 1e6;
  return do_sys_poll(ufds, end_time);
}
