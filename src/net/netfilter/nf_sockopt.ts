// Mirrors include/linux/netfilter.h (struct nf_sockopt_ops) and net/netfilter/nf_sockopt.c (5.15):
// modules claim ranges of {set,get}sockopt option numbers for a protocol family, and the IP layer
// hands them the numbers it does not know (ip_setsockopt/ip_getsockopt, net/ipv4/ip_sockglue.c).
// Ranges are half-open [min, max); for one pf neither the set nor the get ranges of two
// registrations may overlap. The layer checks no capability: handlers check for themselves.
import { EBUSY, ENOPROTOOPT } from "../../include/uapi/errno.js";
import type { SockPtr } from "../../include/linux/sockptr.js";
import { module_put, try_module_get, type Module } from "../../kernel/module/module.js";
import { current } from "../../kernel/sched/task.js";
import { printk } from "../../kernel/printk/printk.js";
import type { UserPtr } from "../../kernel/uaccess.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Sock } from "../core/sock.js";

/** struct nf_sockopt_ops */
export interface NfSockoptOps {
  pf: number;
  /* Non-inclusive ranges: use 0/0/NULL to never get called. */
  set_optmin: number;
  set_optmax: number;
  set: ((sk: Sock, optval: number, arg: SockPtr, len: number) => number) | null;
  get_optmin: number;
  get_optmax: number;
  /** `len` is the kernel copy of the caller's optlen (int *len); the caller writes it back. */
  get: ((sk: Sock, optval: number, user: UserPtr, len: { value: number }) => number) | null;
  /* Use the module struct to lock set/get code in place */
  owner?: Module | null;
}

/** A registration: the ops, and the module whose init or exit registered them (for faults and leaks). */
interface NfSockopt {
  ops: NfSockoptOps;
  registrar: Module | null;
}

/** nf_sockopts of each kernel, newest first (list_add). */
const lists = new WeakMap<Kernel, NfSockopt[]>();

function nf_sockopts(k: Kernel = current().kernel): NfSockopt[] {
  let l = lists.get(k);
  if (!l) lists.set(k, (l = []));
  return l;
}

/* Do exclusive ranges overlap? */
function overlap(min1: number, max1: number, min2: number, max2: number): boolean {
  return max1 > min2 && min1 < max2;
}

/** nf_register_sockopt(reg): 0, or -EBUSY when a range overlaps one of the same pf. */
export function nf_register_sockopt(reg: NfSockoptOps): number {
  const list = nf_sockopts();
  for (const { ops } of list) {
    if (ops.pf === reg.pf && (overlap(ops.set_optmin, ops.set_optmax, reg.set_optmin, reg.set_optmax) || overlap(ops.get_optmin, ops.get_optmax, reg.get_optmin, reg.get_optmax))) {
      /* pr_debug("nf_sock overlap: ...") is compiled out */
      return -EBUSY;
    }
  }
  list.unshift({ ops: reg, registrar: current().kernel.modules.initializing() });
  return 0;
}

/** nf_unregister_sockopt(reg) */
export function nf_unregister_sockopt(reg: NfSockoptOps): void {
  const list = nf_sockopts();
  const i = list.findIndex((e) => e.ops === reg);
  if (i >= 0) list.splice(i, 1);
}

/**
 * nf_sockopt_find(sk, pf, val, get): the registration claiming `val`, holding a reference on its
 * owner; -ENOPROTOOPT when none does. As in 5.15, an owner that is going away ends the search at
 * the first registration of that pf, whatever the later ones claim.
 */
function nf_sockopt_find(_sk: Sock, pf: number, val: number, get: boolean): NfSockopt | number {
  for (const e of nf_sockopts()) {
    const ops = e.ops;
    if (ops.pf !== pf) continue;
    if (!try_module_get(ops.owner)) return -ENOPROTOOPT;
    if (get ? val >= ops.get_optmin && val < ops.get_optmax : val >= ops.set_optmin && val < ops.set_optmax) return e;
    module_put(ops.owner);
  }
  return -ENOPROTOOPT;
}

/** Run a handler as code of the module it belongs to, so a bug in it is that module's Oops. */
function call<T>(e: NfSockopt, fn: () => T): T {
  const mod = e.ops.owner ?? e.registrar;
  return mod ? mod.call_handler(fn) : fn();
}

/** nf_setsockopt(sk, pf, val, opt, len): the claiming ops' set(), or -ENOPROTOOPT. */
export function nf_setsockopt(sk: Sock, pf: number, val: number, opt: SockPtr, len: number): number {
  const e = nf_sockopt_find(sk, pf, val, false);
  if (typeof e === "number") return e;
  try {
    return call(e, () => e.ops.set!(sk, val, opt, len));
  } finally {
    module_put(e.ops.owner);
  }
}

/** nf_getsockopt(sk, pf, val, opt, len): the claiming ops' get(), or -ENOPROTOOPT. */
export function nf_getsockopt(sk: Sock, pf: number, val: number, opt: UserPtr, len: { value: number }): number {
  const e = nf_sockopt_find(sk, pf, val, true);
  if (typeof e === "number") return e;
  try {
    return call(e, () => e.ops.get!(sk, val, opt, len));
  } finally {
    module_put(e.ops.owner);
  }
}

/**
 * netfilter_init() as far as kplay has netfilter: the loader's check that a module's exit (or
 * failed init) unregistered its sockopt ranges. Linux would keep the dangling ops and oops on the
 * next lookup; kplay says so and removes them.
 */
export function netfilter_init(k: Kernel): void {
  k.module_leak_checks.push((mod) => {
    const list = nf_sockopts(k);
    for (const e of list.filter((x) => x.ops.owner === mod || x.registrar === mod)) {
      const o = e.ops;
      printk("\x014kplay: module %s left nf_sockopt_ops (pf %d, set %d-%d, get %d-%d) registered; removing it\n", mod.name, o.pf, o.set_optmin, o.set_optmax, o.get_optmin, o.get_optmax);
      list.splice(list.indexOf(e), 1);
    }
  });
}
