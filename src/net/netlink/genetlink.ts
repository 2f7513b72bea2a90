// Mirrors net/netlink/genetlink.c (5.15): Generic Netlink. Families register by name and get an
// id from a cyclic IDR (0x10 for the controller, 0x11 for VFS_DQUOT, then 0x13 up), and their
// multicast groups get ids from a bitmap. Requests on NETLINK_GENERIC are dispatched by family
// id and command under genl_mutex (unless the family has parallel_ops), with the attributes
// parsed against the op's policy; dumps go through genl_start, the op's dumpit and done. The
// controller family "nlctrl" answers CTRL_CMD_GETFAMILY (by id or name, or as a dump) and
// CTRL_CMD_GETPOLICY, and announces families and groups on its "notify" group.
import { EEXIST, EINVAL, EMSGSIZE, ENOBUFS, ENODATA, ENOENT, ENOMEM, EOPNOTSUPP, EPERM } from "../../include/uapi/errno.js";
import * as NL from "../../include/uapi/netlink.js";
import * as G from "../../include/uapi/genetlink.js";
import { NLA_NUL_STRING, NLA_U16, NLA_U32, NL_VALIDATE_LIBERAL, NL_VALIDATE_STRICT, nla_get_u16, nla_get_u32, nla_nest_end, nla_nest_start, nla_nest_start_noflag, nla_strscpy, type NlaPolicy } from "../../include/net/netlink.js";
import {
  genl_dumpit_info, genlmsg_new, genlmsg_end, genlmsg_reply, genlmsg_cancel, GENL_DONT_VALIDATE_DUMP, GENL_DONT_VALIDATE_DUMP_STRICT, GENL_DONT_VALIDATE_STRICT,
  type GenlDumpitInfo, type GenlFamily, type GenlInfo, type GenlMulticastGroup, type GenlOps,
} from "../../include/net/genetlink.js";
import { NL_SET_BAD_ATTR, type ExtAck } from "../../include/linux/netlink.js";
import { __nlmsg_parse, type NlattrTable } from "../../lib/nlattr.js";
import { DEFINE_IDR, GFP_KERNEL, idr_alloc_cyclic, idr_find, idr_for_each, idr_remove, type IDR } from "../../lib/idr.js";
import { capable, CAP_NET_ADMIN } from "../../kernel/capability.js";
import { Mutex, mutex_lock, mutex_unlock } from "../../kernel/locking/mutex.js";
import { then_or_now, type MaybeAsync } from "../../fs/file.js";
import { current } from "../../kernel/sched/task.js";
import { printk } from "../../kernel/printk/printk.js";
import type { Kernel } from "../../kernel/kernel.js";
import { request_module } from "../../kernel/kmod.js";
import { WARN_ON } from "../../kernel/panic.js";
import { PF_NETLINK } from "../../include/uapi/socket.js";
import { netlink_policy_dump_add_policy, netlink_policy_dump_get_policy_idx, netlink_policy_dump_loop, netlink_policy_dump_write, type PolicyDumpState } from "./policy.js";
import { netlink_broadcast, netlink_dump_start, netlink_has_listeners, netlink_kernel_create, NL_CFG_F_NONROOT_RECV, NLMSG_GOODSIZE, type NetlinkCallback, type NetlinkSock, type Nlmsghdr } from "./af_netlink.js";

/** The per-boot state of genetlink.c: genl_fam_idr, mc_groups, genl_mutex. */
interface GenlState {
  fam_idr: IDR<GenlFamily>;
  /** Multicast group ids in use (bits 0 and 1 and the three legacy ids are reserved). */
  mc_groups: Set<number>;
  mutex: Mutex;
}

const states = new WeakMap<Kernel, GenlState>();

function genl_state(k: Kernel = current().kernel): GenlState {
  let s = states.get(k);
  if (!s) states.set(k, (s = { fam_idr: DEFINE_IDR<GenlFamily>(), mc_groups: new Set([0, 1, G.GENL_ID_CTRL, G.GENL_ID_VFS_DQUOT, G.GENL_ID_PMCRAID]), mutex: new Mutex() }));
  return s;
}

/** genl_lock(): take genl_mutex; a promise only when someone holds it. */
export const genl_lock = (): void | Promise<void> => mutex_lock(genl_state().mutex);
export const genl_unlock = (): void => mutex_unlock(genl_state().mutex);

/** WARN_ON()'s location in genetlink.c and the frames under it. */
const warn_at = (line_fn: string): [string, string[]] => [`net/netlink/genetlink.c:${line_fn}`, [line_fn.split(" ")[1].split("+")[0]]];

const n_ops = (f: GenlFamily): number => f.n_ops ?? f.ops?.length ?? 0;
const n_small_ops = (f: GenlFamily): number => f.n_small_ops ?? f.small_ops?.length ?? 0;
const n_mcgrps = (f: GenlFamily): number => f.n_mcgrps ?? f.mcgrps?.length ?? 0;

/** genl_get_cmd_cnt() */
const genl_get_cmd_cnt = (f: GenlFamily): number => n_ops(f) + n_small_ops(f);

/** genl_op_from_full() / genl_op_from_small(): an op with the family's policy and maxattr filled in. */
function genl_get_cmd_by_index(i: number, f: GenlFamily): GenlOps {
  const op: GenlOps = i < n_ops(f) ? { ...f.ops![i] } : { ...f.small_ops![i - n_ops(f)] };
  if (!op.maxattr) op.maxattr = f.maxattr;
  if (!op.policy) op.policy = f.policy ?? null;
  return op;
}

/** genl_get_cmd(): the op for `cmd`, or null. */
function genl_get_cmd(cmd: number, f: GenlFamily): GenlOps | null {
  for (let i = 0; i < genl_get_cmd_cnt(f); i++) {
    const op = genl_get_cmd_by_index(i, f);
    if (op.cmd === cmd) return op;
  }
  return null;
}

function families(): GenlFamily[] {
  const out: GenlFamily[] = [];
  idr_for_each(genl_state().fam_idr, (_id, f) => (out.push(f), 0), null);
  return out;
}

export const genl_family_find_byid = (id: number): GenlFamily | null => idr_find(genl_state().fam_idr, id);
export const genl_family_find_byname = (name: string): GenlFamily | null => families().find((f) => f.name === name) ?? null;

/** genl_validate_ops(): every op has doit or dumpit, no command twice. */
function genl_validate_ops(f: GenlFamily): number {
  if (WARN_ON(n_ops(f) > 0 && !f.ops, ...warn_at("352 genl_register_family+0x2c/0x5e0")) || WARN_ON(n_small_ops(f) > 0 && !f.small_ops, ...warn_at("353 genl_register_family+0x44/0x5e0"))) return -EINVAL;
  const cmds = new Set<number>();
  for (let i = 0; i < genl_get_cmd_cnt(f); i++) {
    const op = genl_get_cmd_by_index(i, f);
    if (!op.dumpit && !op.doit) return -EINVAL;
    if (cmds.has(op.cmd)) return -EINVAL;
    cmds.add(op.cmd);
  }
  return 0;
}

/** genl_validate_assign_mc_groups(): a block of consecutive group ids for the family's groups. */
function genl_validate_assign_mc_groups(f: GenlFamily): number {
  const n = n_mcgrps(f);
  if (!n) return 0;
  for (const grp of f.mcgrps!.slice(0, n)) {
    if (WARN_ON(!grp.name, ...warn_at("266 genl_register_family+0x330/0x5e0")) || WARN_ON(new TextEncoder().encode(grp.name).length >= G.GENL_NAMSIZ, ...warn_at("268 genl_register_family+0x35c/0x5e0"))) return -EINVAL;
  }
  const used = genl_state().mc_groups;
  let first_id: number;
  if (f.id === G.GENL_ID_CTRL) first_id = G.GENL_ID_CTRL;
  else if (f.name === "NET_DM") first_id = 1;
  else if (f.name === "VFS_DQUOT") first_id = G.GENL_ID_VFS_DQUOT;
  else if (f.name === "pmcraid") first_id = G.GENL_ID_PMCRAID;
  else {
    first_id = 0;
    for (let id = 0; ; id++) {
      let free = true;
      for (let j = 0; j < n; j++) if (used.has(id + j)) free = false;
      if (free) {
        first_id = id;
        break;
      }
    }
    for (let j = 0; j < n; j++) used.add(first_id + j);
  }
  f.mcgrp_offset = first_id;
  return 0;
}

function genl_unregister_mc_groups(f: GenlFamily): void {
  const n = n_mcgrps(f);
  if (f.mcgrp_offset! > G.GENL_ID_PMCRAID || f.mcgrp_offset! < G.GENL_ID_CTRL) {
    for (let j = 0; j < n; j++) genl_state().mc_groups.delete(f.mcgrp_offset! + j);
  }
  for (let i = 0; i < n; i++) genl_ctrl_event(G.CTRL_CMD_DELMCAST_GRP, f, f.mcgrps![i], f.mcgrp_offset! + i);
}

/**
 * genl_register_family(): -EINVAL for bad ops or group names, -EEXIST for a taken name, else 0
 * with family->id set; the controller announces the family and its groups.
 */
export function genl_register_family(family: GenlFamily): number {
  let err = genl_validate_ops(family);
  if (err) return err;
  /* The name is char[GENL_NAMSIZ] in C, so a longer one cannot be compiled; kplay refuses it here. */
  if (!family.name || new TextEncoder().encode(family.name).length >= G.GENL_NAMSIZ) return -EINVAL;
  if (genl_family_find_byname(family.name)) return -EEXIST;
  let start = G.GENL_START_ALLOC;
  let end = G.GENL_MAX_ID;
  if (family === genl_ctrl) start = end = G.GENL_ID_CTRL;
  else if (family.name === "pmcraid") start = end = G.GENL_ID_PMCRAID;
  else if (family.name === "VFS_DQUOT") start = end = G.GENL_ID_VFS_DQUOT;
  const st = genl_state();
  const id = idr_alloc_cyclic(st.fam_idr, family, start, end + 1, GFP_KERNEL);
  if (id < 0) return id;
  family.id = id;
  err = genl_validate_assign_mc_groups(family);
  if (err) {
    idr_remove(st.fam_idr, id);
    return err;
  }
  genl_ctrl_event(G.CTRL_CMD_NEWFAMILY, family, null, 0);
  for (let i = 0; i < n_mcgrps(family); i++) genl_ctrl_event(G.CTRL_CMD_NEWMCAST_GRP, family, family.mcgrps![i], family.mcgrp_offset! + i);
  return 0;
}

/** genl_unregister_family(): -ENOENT when it is not registered. */
export function genl_unregister_family(family: GenlFamily): number {
  if (!genl_family_find_byid(family.id) || genl_family_find_byid(family.id) !== family) return -ENOENT;
  genl_unregister_mc_groups(family);
  idr_remove(genl_state().fam_idr, family.id);
  genl_ctrl_event(G.CTRL_CMD_DELFAMILY, family, null, 0);
  return 0;
}

/**
 * genlmsg_put(skb, portid, seq, family, flags, cmd): an nlmsghdr of type family->id and a genl
 * header with the family's version; the offset of the user header, or null when it does not fit.
 */
export function genlmsg_put(skb: NL.NlBuf, portid: number, seq: number, family: GenlFamily, flags: number, cmd: number): number | null {
  const at = skb.nlmsg_put(portid, seq, family.id, flags, G.GENL_HDRLEN + family.hdrsize);
  if (at < 0) return null;
  skb.set_u16(at + NL.NLMSG_HDRLEN, cmd | (family.version << 8));
  return at + NL.NLMSG_HDRLEN + G.GENL_HDRLEN;
}

/** genlmsg_multicast(family, skb, portid, group, flags): to the family's `group`-th group. */
export function genlmsg_multicast(family: GenlFamily, skb: NL.NlBuf, portid: number, group: number, _flags = 0): number {
  if (WARN_ON(group >= n_mcgrps(family), ...warn_at("1499 genlmsg_multicast_allns+0x28/0x1a0"))) return -EINVAL;
  return netlink_broadcast(NL.NETLINK_GENERIC, skb.bytes(), portid, family.mcgrp_offset! + group);
}

/** genl_family_rcv_msg_attrs_parse(): the op's attributes, strict unless `no_strict_flag` is set. */
function genl_family_rcv_msg_attrs_parse(msg: Uint8Array, extack: ExtAck, ops: GenlOps, hdrlen: number, no_strict_flag: number): NlattrTable | number {
  const validate = (ops.validate ?? 0) & no_strict_flag ? NL_VALIDATE_LIBERAL : NL_VALIDATE_STRICT;
  if (!ops.maxattr) return [];
  const tb: NlattrTable = [];
  const err = __nlmsg_parse(msg, hdrlen, tb, ops.maxattr, ops.policy ?? null, validate, extack);
  return err ? err : tb;
}

/** genl_start(): parse the attributes (unless GENL_DONT_VALIDATE_DUMP) and run the op's start. */
async function genl_start(cb: NetlinkCallback, family: GenlFamily, ops: GenlOps, hdrlen: number, extack: ExtAck): Promise<number> {
  let attrs: NlattrTable = [];
  if (!((ops.validate ?? 0) & GENL_DONT_VALIDATE_DUMP)) {
    if (cb.nlh.len < NL.NLMSG_HDRLEN + hdrlen) return -EINVAL;
    const r = genl_family_rcv_msg_attrs_parse(cb.skb, extack, ops, hdrlen, GENL_DONT_VALIDATE_DUMP_STRICT);
    if (typeof r === "number") return r;
    attrs = r;
  }
  cb.data = { family, op: ops, attrs } satisfies GenlDumpitInfo;
  cb.extack = extack;
  if (!ops.start) return 0;
  if (!family.parallel_ops) await genl_lock();
  const rc = await ops.start(cb);
  if (!family.parallel_ops) genl_unlock();
  if (rc) cb.data = null;
  return rc;
}

/** genl_family_rcv_msg_dumpit(): hand the dump to netlink with genl's start, dumpit and done. */
async function genl_family_rcv_msg_dumpit(family: GenlFamily, sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, extack: ExtAck, ops: GenlOps, hdrlen: number): Promise<number> {
  if (!ops.dumpit) return -EOPNOTSUPP;
  const locked = !family.parallel_ops;
  if (locked) genl_unlock();
  const err = await netlink_dump_start(sk, nlh, msg, {
    module: family.module,
    start: (cb) => genl_start(cb, family, ops, hdrlen, extack),
    dump: async (skb, cb) => {
      if (locked) await genl_lock();
      const rc = await genl_dumpit_info(cb).op.dumpit!(skb, cb);
      if (locked) genl_unlock();
      return rc;
    },
    done: async (cb) => {
      const info = cb.data as GenlDumpitInfo | null;
      if (!info?.op.done) return 0;
      if (locked) await genl_lock();
      const rc = await info.op.done(cb);
      if (locked) genl_unlock();
      return rc;
    },
  });
  if (locked) await genl_lock();
  return err;
}

/** genl_family_rcv_msg_doit(): pre_doit, the op's doit, post_doit; a promise only if one of them sleeps. */
function genl_family_rcv_msg_doit(family: GenlFamily, sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, extack: ExtAck, ops: GenlOps, hdrlen: number): MaybeAsync<number> {
  if (!ops.doit) return -EOPNOTSUPP;
  const attrs = genl_family_rcv_msg_attrs_parse(msg, extack, ops, hdrlen, GENL_DONT_VALIDATE_STRICT);
  if (typeof attrs === "number") return attrs;
  const h = msg.subarray(NL.NLMSG_HDRLEN);
  const info: GenlInfo = {
    snd_seq: nlh.seq,
    snd_portid: sk.portid,
    nlhdr: nlh,
    genlhdr: { cmd: h[0], version: h[1], reserved: h[2] | (h[3] << 8) },
    userhdr: msg.subarray(NL.NLMSG_HDRLEN + G.GENL_HDRLEN, NL.NLMSG_HDRLEN + hdrlen),
    attrs,
    extack,
    skb: msg,
  };
  const doit = (): MaybeAsync<number> =>
    then_or_now(ops.doit!(msg, info), (err) => {
      family.post_doit?.(ops, msg, info);
      return err;
    });
  if (!family.pre_doit) return doit();
  return then_or_now(family.pre_doit(ops, msg, info), (err) => (err ? err : doit()));
}

/** genl_family_rcv_msg(): the op for the command, as a dump or a doit. */
function genl_family_rcv_msg(family: GenlFamily, sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, extack: ExtAck): MaybeAsync<number> {
  const hdrlen = G.GENL_HDRLEN + family.hdrsize;
  if (nlh.len < NL.NLMSG_HDRLEN + hdrlen) return -EINVAL;
  const ops = genl_get_cmd(msg[NL.NLMSG_HDRLEN], family);
  if (!ops) return -EOPNOTSUPP;
  if ((ops.flags ?? 0) & (G.GENL_ADMIN_PERM | G.GENL_UNS_ADMIN_PERM) && !capable(CAP_NET_ADMIN)) return -EPERM;
  if ((nlh.flags & NL.NLM_F_DUMP) === NL.NLM_F_DUMP) return genl_family_rcv_msg_dumpit(family, sk, nlh, msg, extack, ops, hdrlen);
  return genl_family_rcv_msg_doit(family, sk, nlh, msg, extack, ops, hdrlen);
}

/**
 * genl_rcv_msg(): one request, under genl_mutex unless the family has parallel_ops; -ENOENT for an
 * unknown family id. A promise only when it sleeps: on the mutex, or in the op.
 */
function genl_rcv_msg(sk: NetlinkSock, nlh: Nlmsghdr, msg: Uint8Array, extack: ExtAck): MaybeAsync<number> {
  const family = genl_family_find_byid(nlh.type);
  if (!family) return -ENOENT;
  if (family.parallel_ops) return genl_family_rcv_msg(family, sk, nlh, msg, extack);
  return then_or_now(genl_lock(), () =>
    then_or_now(genl_family_rcv_msg(family, sk, nlh, msg, extack), (err) => {
      genl_unlock();
      return err;
    }),
  );
}

/* ---- the controller family, nlctrl ---- */

/** ctrl_fill_info(): a CTRL_CMD_NEWFAMILY-style description of `family`, attributes in 5.15's order. */
function ctrl_fill_info(family: GenlFamily, portid: number, seq: number, flags: number, skb: NL.NlBuf, cmd: number): number {
  const hdr = genlmsg_put(skb, portid, seq, genl_ctrl, flags, cmd);
  if (hdr === null) return -EMSGSIZE;
  const fail = (): number => (genlmsg_cancel(skb, hdr), -EMSGSIZE);
  if (skb.nla_put_string(G.CTRL_ATTR_FAMILY_NAME, family.name) || skb.nla_put_u16(G.CTRL_ATTR_FAMILY_ID, family.id) || skb.nla_put_u32(G.CTRL_ATTR_VERSION, family.version) || skb.nla_put_u32(G.CTRL_ATTR_HDRSIZE, family.hdrsize) || skb.nla_put_u32(G.CTRL_ATTR_MAXATTR, family.maxattr)) return fail();
  if (genl_get_cmd_cnt(family)) {
    const nla_ops = nla_nest_start_noflag(skb, G.CTRL_ATTR_OPS);
    for (let i = 0; i < genl_get_cmd_cnt(family); i++) {
      const op = genl_get_cmd_by_index(i, family);
      let op_flags = op.flags ?? 0;
      if (op.dumpit) op_flags |= G.GENL_CMD_CAP_DUMP;
      if (op.doit) op_flags |= G.GENL_CMD_CAP_DO;
      if (op.policy) op_flags |= G.GENL_CMD_CAP_HASPOL;
      const nest = nla_nest_start_noflag(skb, i + 1);
      if (skb.nla_put_u32(G.CTRL_ATTR_OP_ID, op.cmd) || skb.nla_put_u32(G.CTRL_ATTR_OP_FLAGS, op_flags)) return fail();
      nla_nest_end(skb, nest);
    }
    nla_nest_end(skb, nla_ops);
  }
  if (n_mcgrps(family)) {
    const nla_grps = nla_nest_start_noflag(skb, G.CTRL_ATTR_MCAST_GROUPS);
    for (let i = 0; i < n_mcgrps(family); i++) {
      const nest = nla_nest_start_noflag(skb, i + 1);
      if (skb.nla_put_u32(G.CTRL_ATTR_MCAST_GRP_ID, family.mcgrp_offset! + i) || skb.nla_put_string(G.CTRL_ATTR_MCAST_GRP_NAME, family.mcgrps![i].name)) return fail();
      nla_nest_end(skb, nest);
    }
    nla_nest_end(skb, nla_grps);
  }
  if (skb.tailroom() < 0) return fail();
  genlmsg_end(skb, hdr);
  return 0;
}

/** ctrl_fill_mcgrp_info(): a group event: the family's name and id, and the one group. */
function ctrl_fill_mcgrp_info(family: GenlFamily, grp: GenlMulticastGroup, grp_id: number, skb: NL.NlBuf, cmd: number): number {
  const hdr = genlmsg_put(skb, 0, 0, genl_ctrl, 0, cmd);
  if (hdr === null) return -EMSGSIZE;
  skb.nla_put_string(G.CTRL_ATTR_FAMILY_NAME, family.name);
  skb.nla_put_u16(G.CTRL_ATTR_FAMILY_ID, family.id);
  const nla_grps = nla_nest_start_noflag(skb, G.CTRL_ATTR_MCAST_GROUPS);
  const nest = nla_nest_start_noflag(skb, 1);
  skb.nla_put_u32(G.CTRL_ATTR_MCAST_GRP_ID, grp_id);
  skb.nla_put_string(G.CTRL_ATTR_MCAST_GRP_NAME, grp.name);
  nla_nest_end(skb, nest);
  nla_nest_end(skb, nla_grps);
  genlmsg_end(skb, hdr);
  return 0;
}

/** genl_ctrl_event(): NEWFAMILY/DELFAMILY or NEW/DELMCAST_GRP on nlctrl's "notify" group. */
function genl_ctrl_event(event: number, family: GenlFamily, grp: GenlMulticastGroup | null, grp_id: number): void {
  if (!netlink_has_listeners(NL.NETLINK_GENERIC, G.GENL_ID_CTRL)) return;
  const skb = genlmsg_new(NLMSG_GOODSIZE);
  const err = grp ? ctrl_fill_mcgrp_info(family, grp, grp_id, skb, event) : ctrl_fill_info(family, 0, 0, 0, skb, event);
  if (err === 0) genlmsg_multicast(genl_ctrl, skb, 0, 0);
}

/** ctrl_dumpfamily(): as many families as fit per call, resuming after cb->args[0]. */
function ctrl_dumpfamily(skb: NL.NlBuf, cb: NetlinkCallback): number {
  const fams_to_skip = cb.args[0] ?? 0;
  let n = 0;
  for (const rt of families()) {
    if (n++ < fams_to_skip) continue;
    if (ctrl_fill_info(rt, cb.portid, cb.nlh.seq, NL.NLM_F_MULTI, skb, G.CTRL_CMD_NEWFAMILY) < 0) {
      n--;
      break;
    }
  }
  cb.args[0] = n;
  return skb.len;
}

/**
 * ctrl_getfamily(): by CTRL_ATTR_FAMILY_ID, or by name (trying net-pf-16-proto-16-family-NAME).
 * A promise only when it loads a module.
 */
function ctrl_getfamily(_skb: Uint8Array, info: GenlInfo): MaybeAsync<number> {
  let res: GenlFamily | null = null;
  let err = -EINVAL;
  const id_attr = info.attrs[G.CTRL_ATTR_FAMILY_ID];
  if (id_attr) {
    res = genl_family_find_byid(nla_get_u16(id_attr));
    err = -ENOENT;
  }
  const name_attr = info.attrs[G.CTRL_ATTR_FAMILY_NAME];
  if (name_attr) {
    const name = nla_strscpy(name_attr, name_attr.data.length + 1);
    res = genl_family_find_byname(name);
    if (!res) return ctrl_request_family(name).then((res) => ctrl_getfamily_reply(res, -ENOENT, info));
    err = -ENOENT;
  }
  return ctrl_getfamily_reply(res, err, info);
}

/** ctrl_getfamily() with no family of that name: load its module without genl_mutex, then look again. */
async function ctrl_request_family(name: string): Promise<GenlFamily | null> {
  genl_unlock();
  await request_module(`net-pf-${PF_NETLINK}-proto-${NL.NETLINK_GENERIC}-family-${name}`);
  await genl_lock();
  return genl_family_find_byname(name);
}

/** The end of ctrl_getfamily(): the family's description to the requester, or `err` without one. */
function ctrl_getfamily_reply(res: GenlFamily | null, err: number, info: GenlInfo): number {
  if (!res) return err;
  const msg = genlmsg_new(NLMSG_GOODSIZE);
  if (ctrl_fill_info(res, info.snd_portid, info.snd_seq, 0, msg, G.CTRL_CMD_NEWFAMILY) < 0) return -ENOMEM;
  return genlmsg_reply(msg, info);
}

/** struct ctrl_dump_policy_ctx (in cb->ctx) */
interface CtrlDumpPolicyCtx {
  state: PolicyDumpState | null;
  rt: GenlFamily;
  opidx: number;
  op: number;
  fam_id: number;
  single_op: boolean;
  dump_map: boolean;
}

const policy_ctx = (cb: NetlinkCallback): CtrlDumpPolicyCtx => cb.ctx as CtrlDumpPolicyCtx;

/** ctrl_dumppolicy_start(): the family (by id or name), one op or all, and their policies. */
function ctrl_dumppolicy_start(cb: NetlinkCallback): number {
  const tb = genl_dumpit_info(cb).attrs;
  if (!tb[G.CTRL_ATTR_FAMILY_ID] && !tb[G.CTRL_ATTR_FAMILY_NAME]) return -EINVAL;
  let fam_id: number;
  if (tb[G.CTRL_ATTR_FAMILY_ID]) {
    fam_id = nla_get_u16(tb[G.CTRL_ATTR_FAMILY_ID]!);
  } else {
    const byname = genl_family_find_byname(nla_strscpy(tb[G.CTRL_ATTR_FAMILY_NAME]!, G.GENL_NAMSIZ));
    if (!byname) return -ENOENT;
    fam_id = byname.id;
  }
  const rt = genl_family_find_byid(fam_id);
  if (!rt) return -ENOENT;
  const ctx: CtrlDumpPolicyCtx = { state: null, rt, opidx: 0, op: 0, fam_id, single_op: false, dump_map: true };
  cb.ctx = ctx;
  if (tb[G.CTRL_ATTR_OP]) {
    ctx.single_op = true;
    ctx.op = nla_get_u32(tb[G.CTRL_ATTR_OP]!);
    const op = genl_get_cmd(ctx.op, rt);
    if (!op) {
      NL_SET_BAD_ATTR(cb.extack, tb[G.CTRL_ATTR_OP]!);
      return -EOPNOTSUPP;
    }
    if (!op.policy) return -ENODATA;
    ctx.state = netlink_policy_dump_add_policy(null, op.policy, op.maxattr ?? 0);
    return 0;
  }
  for (let i = 0; i < genl_get_cmd_cnt(rt); i++) {
    const op = genl_get_cmd_by_index(i, rt);
    if (op.policy) ctx.state = netlink_policy_dump_add_policy(ctx.state, op.policy, op.maxattr ?? 0);
  }
  return ctx.state ? 0 : -ENODATA;
}

/** ctrl_dumppolicy_prep(): a GETPOLICY message carrying the family id; null when it does not fit. */
function ctrl_dumppolicy_prep(skb: NL.NlBuf, cb: NetlinkCallback): number | null {
  const hdr = genlmsg_put(skb, cb.portid, cb.nlh.seq, genl_ctrl, NL.NLM_F_MULTI, G.CTRL_CMD_GETPOLICY);
  if (hdr === null) return null;
  if (skb.nla_put_u16(G.CTRL_ATTR_FAMILY_ID, policy_ctx(cb).fam_id)) return null;
  return hdr;
}

/** ctrl_dumppolicy_put_op(): which policy index an op uses for do and for dump. */
function ctrl_dumppolicy_put_op(skb: NL.NlBuf, cb: NetlinkCallback, op: GenlOps): number {
  const ctx = policy_ctx(cb);
  if (!op.policy) return 0;
  if (!op.doit && (!op.dumpit || (op.validate ?? 0) & GENL_DONT_VALIDATE_DUMP)) return 0;
  const hdr = ctrl_dumppolicy_prep(skb, cb);
  if (hdr === null) return -ENOBUFS;
  const nest_pol = nla_nest_start(skb, G.CTRL_ATTR_OP_POLICY);
  const nest_op = nla_nest_start(skb, op.cmd);
  const idx = netlink_policy_dump_get_policy_idx(ctx.state!, op.policy, op.maxattr ?? 0);
  if (op.doit) skb.nla_put_u32(G.CTRL_ATTR_POLICY_DO, idx);
  if (op.dumpit && !((op.validate ?? 0) & GENL_DONT_VALIDATE_DUMP)) skb.nla_put_u32(G.CTRL_ATTR_POLICY_DUMP, idx);
  nla_nest_end(skb, nest_op);
  nla_nest_end(skb, nest_pol);
  if (skb.tailroom() < 0) {
    genlmsg_cancel(skb, hdr);
    return -ENOBUFS;
  }
  genlmsg_end(skb, hdr);
  return 0;
}

/** ctrl_dumppolicy(): first each op's policy indexes, then every policy attribute, one message each. */
function ctrl_dumppolicy(skb: NL.NlBuf, cb: NetlinkCallback): number {
  const ctx = policy_ctx(cb);
  if (ctx.dump_map) {
    while (ctx.opidx < genl_get_cmd_cnt(ctx.rt)) {
      let op: GenlOps;
      if (ctx.single_op) {
        op = genl_get_cmd(ctx.op, ctx.rt)!;
        ctx.opidx = genl_get_cmd_cnt(ctx.rt);
      } else {
        op = genl_get_cmd_by_index(ctx.opidx, ctx.rt);
      }
      if (ctrl_dumppolicy_put_op(skb, cb, op)) return skb.len;
      ctx.opidx++;
    }
    ctx.dump_map = false;
  }
  while (netlink_policy_dump_loop(ctx.state!)) {
    const hdr = ctrl_dumppolicy_prep(skb, cb);
    if (hdr === null) return skb.len;
    const nest = nla_nest_start(skb, G.CTRL_ATTR_POLICY);
    if (netlink_policy_dump_write(skb, ctx.state!) || skb.tailroom() < 0) {
      genlmsg_cancel(skb, hdr);
      return skb.len;
    }
    nla_nest_end(skb, nest);
    genlmsg_end(skb, hdr);
  }
  return skb.len;
}

/** ctrl_dumppolicy_done(): netlink_policy_dump_free() */
function ctrl_dumppolicy_done(cb: NetlinkCallback): number {
  policy_ctx(cb).state = null;
  return 0;
}

const ctrl_policy_family: NlaPolicy[] = [];
ctrl_policy_family[G.CTRL_ATTR_FAMILY_ID] = { type: NLA_U16 };
ctrl_policy_family[G.CTRL_ATTR_FAMILY_NAME] = { type: NLA_NUL_STRING, len: G.GENL_NAMSIZ - 1 };

const ctrl_policy_policy: NlaPolicy[] = [];
ctrl_policy_policy[G.CTRL_ATTR_FAMILY_ID] = { type: NLA_U16 };
ctrl_policy_policy[G.CTRL_ATTR_FAMILY_NAME] = { type: NLA_NUL_STRING, len: G.GENL_NAMSIZ - 1 };
ctrl_policy_policy[G.CTRL_ATTR_OP] = { type: NLA_U32 };

const genl_ctrl_ops: GenlOps[] = [
  { cmd: G.CTRL_CMD_GETFAMILY, validate: GENL_DONT_VALIDATE_STRICT | GENL_DONT_VALIDATE_DUMP, policy: ctrl_policy_family, maxattr: ctrl_policy_family.length - 1, doit: ctrl_getfamily, dumpit: ctrl_dumpfamily },
  { cmd: G.CTRL_CMD_GETPOLICY, policy: ctrl_policy_policy, maxattr: ctrl_policy_policy.length - 1, start: ctrl_dumppolicy_start, dumpit: ctrl_dumppolicy, done: ctrl_dumppolicy_done },
];

const genl_ctrl_groups: GenlMulticastGroup[] = [{ name: "notify" }];

/** genl_ctrl: the controller family (no family-level maxattr, so it reports 0). */
const genl_ctrl: GenlFamily = { id: 0, hdrsize: 0, name: "nlctrl", version: 0x2, maxattr: 0, netnsok: true, ops: genl_ctrl_ops, mcgrps: genl_ctrl_groups, module: null };

/** genl_bind(): joining a group marked GENL_UNS_ADMIN_PERM needs CAP_NET_ADMIN. */
function genl_bind(group: number): number {
  for (const f of families()) {
    const i = group - (f.mcgrp_offset ?? 0);
    if (!n_mcgrps(f) || i < 0 || i >= n_mcgrps(f)) continue;
    if ((f.mcgrps![i].flags ?? 0) & G.GENL_UNS_ADMIN_PERM && !capable(CAP_NET_ADMIN)) return -EPERM;
    break;
  }
  return 0;
}

/**
 * genl_init(): the NETLINK_GENERIC kernel socket and the controller, and the loader's check that
 * a module's exit unregistered its families (Linux would keep a dangling family; kplay says so
 * and unregisters it).
 */
export function genl_init(k: Kernel): void {
  netlink_kernel_create(NL.NETLINK_GENERIC, genl_rcv_msg, k, { flags: NL_CFG_F_NONROOT_RECV, bind: genl_bind });
  k.module_leak_checks.push((mod) => {
    for (const f of families().filter((x) => x.module === mod)) {
      printk("\x014kplay: module %s left genl family %s registered; removing it\n", mod.name, f.name);
      genl_unregister_family(f);
    }
  });
  const err = genl_register_family(genl_ctrl);
  if (err) throw new Error(`genl_init: ${err}`);
}
