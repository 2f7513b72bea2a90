// Mirrors kernel/sys.c and kernel/groups.c: setuid, setgid, setgroups and getgroups with their
// capability checks, security/commoncap.c's capability fix-up when the uids change, and umask.
import { EFAULT, EINVAL, EPERM, ESRCH } from "../include/uapi/errno.js";
import { capable, CAP_SETGID, CAP_SETUID } from "./capability.js";
import { cap_emulate_setxuid, prepare_creds } from "./cred.js";
import { current } from "./sched/task.js";

/** setpgid(pid, pgid): pid 0 is the caller, pgid 0 makes a group led by the target. -ESRCH. */
export function sys_setpgid(pid: number, pgid: number): number {
  const t = pid === 0 ? current() : current().kernel.tasks.get(pid);
  if (!t) return -ESRCH;
  t.pgrp = pgid === 0 ? t.pid : pgid;
  return 0;
}

/** umask(mask): set the file-creation mask (its 0777 bits); the old mask. */
export function sys_umask(mask: number): number {
  const t = current();
  const old = t.umask;
  t.umask = mask & 0o777;
  return old;
}

/** NGROUPS_MAX (include/uapi/linux/limits.h) */
export const NGROUPS_MAX = 65536;

/**
 * __sys_setuid(): with CAP_SETUID the real, saved, effective and fs uids all change; without it
 * only the effective and fs uids, and only to the real or saved uid.
 */
export function sys_setuid(uid: number): number {
  if (!Number.isInteger(uid) || uid < 0 || uid > 0xfffffffe) return -EINVAL;
  const t = current();
  const old = t.cred;
  const c = prepare_creds(old);
  if (capable(CAP_SETUID)) c.uid = c.suid = uid;
  else if (uid !== old.uid && uid !== old.suid) return -EPERM;
  c.euid = c.fsuid = uid;
  cap_emulate_setxuid(c, old);
  t.cred = c;
  return 0;
}

/** __sys_setgid(): as setuid, for the gids, under CAP_SETGID. */
export function sys_setgid(gid: number): number {
  if (!Number.isInteger(gid) || gid < 0 || gid > 0xfffffffe) return -EINVAL;
  const t = current();
  const c = prepare_creds(t.cred);
  if (capable(CAP_SETGID)) c.gid = c.sgid = gid;
  else if (gid !== t.cred.gid && gid !== t.cred.sgid) return -EPERM;
  c.egid = c.fsgid = gid;
  t.cred = c;
  return 0;
}

/** setgroups(2): needs CAP_SETGID (may_setgroups); the list is kept sorted (groups_sort). */
export function sys_setgroups(groups: number[]): number {
  if (!capable(CAP_SETGID)) return -EPERM;
  if (groups.length > NGROUPS_MAX) return -EINVAL;
  const t = current();
  const c = prepare_creds(t.cred);
  c.groups = [...groups].sort((a, b) => a - b);
  t.cred = c;
  return 0;
}

/** getgroups(2): size 0 asks for the count; a smaller nonzero size is -EINVAL. */
export function sys_getgroups(size: number, list: number[] | null): number {
  const groups = current().cred.groups;
  if (size < 0) return -EINVAL;
  if (size === 0) return groups.length;
  if (size < groups.length) return -EINVAL;
  if (!list) return -EFAULT;
  list.splice(0, list.length, ...groups);
  return groups.length;
}
