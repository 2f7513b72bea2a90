// Mirrors include/linux/cred.h and kernel/cred.c: the credentials of a task, and the capability
// rules of security/commoncap.c that go with changing them (exec, setuid). kplay has one user
// namespace, so kuid_t is a plain number, and no securebits or file capabilities.
import { CAP_FULL_SET, type kernel_cap_t } from "./capability.js";

export interface Cred {
  uid: number;
  gid: number;
  suid: number;
  sgid: number;
  euid: number;
  egid: number;
  fsuid: number;
  fsgid: number;
  /** cred->group_info: the supplementary groups, sorted as groups_sort() leaves them. */
  groups: number[];
  cap_inheritable: kernel_cap_t;
  cap_permitted: kernel_cap_t;
  cap_effective: kernel_cap_t;
  cap_bset: kernel_cap_t;
  cap_ambient: kernel_cap_t;
}

/** init_cred: what init and every kernel thread run with. */
export const init_cred: Readonly<Cred> = {
  uid: 0, gid: 0, suid: 0, sgid: 0, euid: 0, egid: 0, fsuid: 0, fsgid: 0,
  groups: [],
  cap_inheritable: 0n,
  cap_permitted: CAP_FULL_SET,
  cap_effective: CAP_FULL_SET,
  cap_bset: CAP_FULL_SET,
  cap_ambient: 0n,
};

/** prepare_creds(): a private copy to modify and commit. */
export function prepare_creds(old: Readonly<Cred>): Cred {
  return { ...old, groups: [...old.groups] };
}

/**
 * The credentials of a login as uid/gid with `groups` (login's setgid, initgroups, setuid and
 * exec of the shell): all ids the same, capabilities as cap_bprm_creds_from_file gives them.
 */
export function login_cred(uid: number, gid: number, groups: number[] = []): Cred {
  const c = prepare_creds(init_cred);
  c.uid = c.suid = c.euid = c.fsuid = uid;
  c.gid = c.sgid = c.egid = c.fsgid = gid;
  c.groups = [...new Set(groups)].sort((a, b) => a - b);
  bprm_creds_from_file(c);
  return c;
}

/**
 * cap_bprm_creds_from_file() for a file with no capabilities and no set-id bits, applied by exec:
 * root (real or effective) gets pP' = bset | pI and, as euid 0, pE' = pP'; anyone else keeps
 * only the ambient set. The saved and fs ids follow the effective ones.
 */
export function bprm_creds_from_file(c: Cred): void {
  c.cap_permitted = c.euid === 0 || c.uid === 0 ? c.cap_bset | c.cap_inheritable : 0n;
  c.cap_permitted |= c.cap_ambient;
  c.cap_effective = c.euid === 0 ? c.cap_permitted : c.cap_ambient;
  c.suid = c.fsuid = c.euid;
  c.sgid = c.fsgid = c.egid;
}

/**
 * cap_emulate_setxuid() (security/commoncap.c): leaving uid 0 in every one of uid, euid and suid
 * drops the permitted and effective sets; leaving euid 0 drops the effective set; returning to
 * euid 0 restores it from the permitted set.
 */
export function cap_emulate_setxuid(c: Cred, old: Readonly<Cred>): void {
  if ((old.uid === 0 || old.euid === 0 || old.suid === 0) && c.uid !== 0 && c.euid !== 0 && c.suid !== 0) {
    c.cap_permitted = 0n;
    c.cap_effective = 0n;
    c.cap_ambient = 0n;
  }
  if (old.euid === 0 && c.euid !== 0) c.cap_effective = 0n;
  if (old.euid !== 0 && c.euid === 0) c.cap_effective = c.cap_permitted;
}

/** in_group_p(): whether gid is the fs gid or one of the supplementary groups. */
export function in_group_p(c: Readonly<Cred>, gid: number): boolean {
  return c.fsgid === gid || c.groups.includes(gid);
}
