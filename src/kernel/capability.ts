// Mirrors include/uapi/linux/capability.h and kernel/capability.c. Until credentials carry
// capability sets, a task with euid 0 holds every capability and any other holds none.
import { current } from "./sched/task.js";

export const CAP_CHOWN = 0;
export const CAP_DAC_OVERRIDE = 1;
export const CAP_SETGID = 6;
export const CAP_SETUID = 7;
export const CAP_NET_BIND_SERVICE = 10;
export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;
export const CAP_SYS_MODULE = 16;
export const CAP_SYS_ADMIN = 21;
export const CAP_SYSLOG = 34;

/** capable(cap): whether the current task may use `cap`. */
export function capable(_cap: number): boolean {
  return current().cred.euid === 0;
}
