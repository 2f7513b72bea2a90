// Mirrors kernel/sys.c: setuid, setgid and setgroups with their capability checks.
import { EINVAL, EPERM } from "../include/uapi/errno.js";
import { capable, CAP_SETGID, CAP_SETUID } from "./capability.js";
import { current } from "./sched/task.js";

/** __sys_setuid(): with CAP_SETUID all ids change; otherwise only the effective id, to the real one. */
export function sys_setuid(uid: number): number {
  if (!Number.isInteger(uid) || uid < 0) return -EINVAL;
  const cred = current().cred;
  if (capable(CAP_SETUID)) cred.uid = cred.euid = uid;
  else if (uid === cred.uid) cred.euid = uid;
  else return -EPERM;
  return 0;
}

/** __sys_setgid() */
export function sys_setgid(gid: number): number {
  if (!Number.isInteger(gid) || gid < 0) return -EINVAL;
  const cred = current().cred;
  if (capable(CAP_SETGID)) cred.gid = cred.egid = gid;
  else if (gid === cred.gid) cred.egid = gid;
  else return -EPERM;
  return 0;
}

/** setgroups() */
export function sys_setgroups(groups: number[]): number {
  if (!capable(CAP_SETGID)) return -EPERM;
  current().cred.groups = [...groups];
  return 0;
}
