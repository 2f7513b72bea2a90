// Mirrors include/uapi/linux/capability.h and kernel/capability.c: capability numbers, the
// kernel_cap_t set (a 64-bit mask, two u32 words in Linux), and capable()/ns_capable(), which test
// the current task's effective set (security/commoncap.c cap_capable) and mark the task as having
// used a privilege (PF_SUPERPRIV).
import { current, PF_SUPERPRIV, type Task } from "./sched/task.js";

export type kernel_cap_t = bigint;

export const CAP_CHOWN = 0;
export const CAP_DAC_OVERRIDE = 1;
export const CAP_DAC_READ_SEARCH = 2;
export const CAP_FOWNER = 3;
export const CAP_FSETID = 4;
export const CAP_KILL = 5;
export const CAP_SETGID = 6;
export const CAP_SETUID = 7;
export const CAP_NET_BIND_SERVICE = 10;
export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;
export const CAP_SYS_MODULE = 16;
export const CAP_SYS_ADMIN = 21;
export const CAP_SYSLOG = 34;
export const CAP_LAST_CAP = 40; /* CAP_CHECKPOINT_RESTORE in 5.15 */

/** CAP_FULL_SET: every capability up to CAP_LAST_CAP (/proc/PID/status shows 000001ffffffffff). */
export const CAP_FULL_SET: kernel_cap_t = (1n << BigInt(CAP_LAST_CAP + 1)) - 1n;

export const cap_raised = (c: kernel_cap_t, flag: number): boolean => (c & (1n << BigInt(flag))) !== 0n;

/** has_ns_capability_noaudit(t, ns, cap): whether `t` holds cap, without marking it. */
export function has_capability_noaudit(t: Task, cap: number): boolean {
  return cap_raised(t.cred.cap_effective, cap);
}

/** ns_capable(ns, cap): kplay has only the initial user namespace. */
export function ns_capable(_ns: unknown, cap: number): boolean {
  const t = current();
  if (!has_capability_noaudit(t, cap)) return false;
  t.flags |= PF_SUPERPRIV;
  return true;
}

/** capable(cap): ns_capable(&init_user_ns, cap). */
export function capable(cap: number): boolean {
  return ns_capable(null, cap);
}
