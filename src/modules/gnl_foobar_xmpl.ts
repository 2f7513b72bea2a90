// gnl_foobar_xmpl: kernel-mod/gnl_foobar_xmpl.c of phip1611/generic-netlink-user-kernel-rust
// (seed 004), ported to kplay. It registers the Generic Netlink family "gnl_foobar_xmpl" with an
// echo command (.doit, and a .dumpit bracketed by .start and .done that send three messages under
// a mutex) and a command whose handler fails so that the kernel answers with NLMSG_ERROR. It was
// written for 5.4-5.11 and needs no change for 5.15; the strings and control flow are the
// original's, including its quirks: a failed nla_put_string() or genlmsg_reply() returns -rc,
// a positive number, and the policy array has GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN (2) entries
// while .maxattr is 2, so attribute type 2 is checked against the slot past its end (zeroed
// memory: NLA_UNSPEC).
import type { ModuleSource } from "../include/linux/module.js";
import { MODULE_AUTHOR, MODULE_DESCRIPTION, MODULE_LICENSE, module_exit, module_init } from "../include/linux/module.js";
import { pr_helpers } from "../kernel/printk/printk.js";
import { EINVAL, ENOMEM } from "../include/uapi/errno.js";
import { NLA_NUL_STRING, NLA_UNSPEC, nla_data, type NlaPolicy } from "../include/net/netlink.js";
import { genlmsg_end, genlmsg_new, genlmsg_reply, type GenlFamily, type GenlInfo, type GenlOps } from "../include/net/genetlink.js";
import { genl_register_family, genl_unregister_family, genlmsg_put } from "../net/netlink/genetlink.js";
import { NLMSG_GOODSIZE, type NetlinkCallback } from "../net/netlink/af_netlink.js";
import type { NlBuf } from "../include/uapi/netlink.js";
import { Mutex, mutex_destroy, mutex_init, mutex_lock_interruptible, mutex_unlock } from "../kernel/locking/mutex.js";

/* include/gnl_foobar_xmpl_prop.h */
const FAMILY_NAME = "gnl_foobar_xmpl";

const GNL_FOOBAR_XMPL_A_UNSPEC = 0;
const GNL_FOOBAR_XMPL_A_MSG = 1;
const __GNL_FOOBAR_XMPL_A_MAX = 2;
const GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN = __GNL_FOOBAR_XMPL_A_MAX;

const GNL_FOOBAR_XMPL_C_ECHO_MSG = 1;
const GNL_FOOBAR_XMPL_C_REPLY_WITH_NLMSG_ERR = 2;
const __GNL_FOOBAR_XMPL_C_MAX = 3;
const GNL_FOOBAR_XMPL_COMMAND_ENUM_LEN = __GNL_FOOBAR_XMPL_C_MAX;
const GNL_FOOBAR_XMPL_COMMAND_COUNT = GNL_FOOBAR_XMPL_COMMAND_ENUM_LEN - 1;

export const gnl_foobar_xmpl: ModuleSource = (THIS_MODULE) => {
  MODULE_LICENSE("GPL");
  MODULE_AUTHOR("Philipp Schuster <phip1611@gmail.com>");
  MODULE_DESCRIPTION(
    "Linux driver that registers the custom Netlink family " +
      '"' + FAMILY_NAME + '" via Generic Netlink and responds to echo messages ' +
      'according to the properties specified in "gnl_foobar_xmpl_prop.h".',
  );

  const { pr_info, pr_err } = pr_helpers((fmt) => "gnl_foobar_xmpl: " + fmt);

  /** The progress of an ongoing dump, and the lock that lets one dump run at a time. */
  const dumpit_cb_progress_data = { mtx: new Mutex(), runs_to_go: 0, total_runs: 0 };

  const GNL_FOOBAR_OPS_LEN = GNL_FOOBAR_XMPL_COMMAND_COUNT;

  const gnl_foobar_xmpl_ops: GenlOps[] = [
    {
      cmd: GNL_FOOBAR_XMPL_C_ECHO_MSG,
      flags: 0,
      internal_flags: 0,
      doit: gnl_cb_echo_doit,
      dumpit: gnl_cb_echo_dumpit,
      start: gnl_cb_echo_dumpit_before,
      done: gnl_cb_echo_dumpit_before_after,
      validate: 0,
    },
    {
      cmd: GNL_FOOBAR_XMPL_C_REPLY_WITH_NLMSG_ERR,
      flags: 0,
      internal_flags: 0,
      doit: gnl_cb_doit_reply_with_nlmsg_err,
      dumpit: null,
      start: null,
      done: null,
      validate: 0,
    },
  ];

  const gnl_foobar_xmpl_policy: NlaPolicy[] = new Array<NlaPolicy>(GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN);
  gnl_foobar_xmpl_policy[GNL_FOOBAR_XMPL_A_UNSPEC] = { type: NLA_UNSPEC };
  gnl_foobar_xmpl_policy[GNL_FOOBAR_XMPL_A_MSG] = { type: NLA_NUL_STRING };

  const gnl_foobar_xmpl_family: GenlFamily = {
    id: 0,
    hdrsize: 0,
    name: FAMILY_NAME,
    version: 1,
    ops: gnl_foobar_xmpl_ops,
    n_ops: GNL_FOOBAR_OPS_LEN,
    policy: gnl_foobar_xmpl_policy,
    maxattr: GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN,
    module: THIS_MODULE,
    parallel_ops: 0,
    netnsok: 0,
    pre_doit: null,
    post_doit: null,
  };

  function gnl_cb_echo_doit(_sender_skb: Uint8Array, info: GenlInfo | null): number {
    pr_info("%s() invoked\n", "gnl_cb_echo_doit");
    if (info === null) {
      pr_err("An error occurred in %s():\n", "gnl_cb_echo_doit");
      return -EINVAL;
    }

    const na = info.attrs[GNL_FOOBAR_XMPL_A_MSG];
    if (!na) {
      pr_err("no info->attrs[%i]\n", GNL_FOOBAR_XMPL_A_MSG);
      return -EINVAL;
    }

    const recv_msg: Uint8Array | null = nla_data(na);
    if (recv_msg === null) pr_err("error while receiving data\n");
    else pr_info("received: '%s'\n", recv_msg);

    const reply_skb: NlBuf | null = genlmsg_new(NLMSG_GOODSIZE);
    if (reply_skb === null) {
      pr_err("An error occurred in %s():\n", "gnl_cb_echo_doit");
      return -ENOMEM;
    }

    const msg_head = genlmsg_put(reply_skb, info.snd_portid, info.snd_seq + 1, gnl_foobar_xmpl_family, 0, GNL_FOOBAR_XMPL_C_ECHO_MSG);
    if (msg_head === null) {
      const rc = ENOMEM;
      pr_err("An error occurred in %s():\n", "gnl_cb_echo_doit");
      return -rc;
    }

    let rc = reply_skb.nla_put_string(GNL_FOOBAR_XMPL_A_MSG, recv_msg!);
    if (rc !== 0) {
      pr_err("An error occurred in %s():\n", "gnl_cb_echo_doit");
      return -rc;
    }

    genlmsg_end(reply_skb, msg_head);

    rc = genlmsg_reply(reply_skb, info);
    if (rc !== 0) {
      pr_err("An error occurred in %s():\n", "gnl_cb_echo_doit");
      return -rc;
    }
    return 0;
  }

  function gnl_cb_echo_dumpit(pre_allocated_skb: NlBuf, cb: NetlinkCallback): number {
    const HELLO_FROM_DUMPIT_MSG = "You set the flag NLM_F_DUMP; this message is " + "brought to you by .dumpit callback :)";

    pr_info("Called %s()\n", "gnl_cb_echo_dumpit");

    if (dumpit_cb_progress_data.runs_to_go === 0) {
      pr_info("no more data to send in dumpit cb\n");
      return 0;
    } else {
      dumpit_cb_progress_data.runs_to_go--;
      pr_info("%s: %d more runs to do\n", "gnl_cb_echo_dumpit", dumpit_cb_progress_data.runs_to_go);
    }

    const msg_head = genlmsg_put(
      pre_allocated_skb,
      cb.nlh.pid,
      dumpit_cb_progress_data.total_runs - dumpit_cb_progress_data.runs_to_go - 1,
      gnl_foobar_xmpl_family,
      0,
      GNL_FOOBAR_XMPL_C_ECHO_MSG,
    );
    if (msg_head === null) {
      pr_info("An error occurred in %s(): genlmsg_put() failed\n", "gnl_cb_echo_dumpit");
      return -ENOMEM;
    }

    const ret = pre_allocated_skb.nla_put_string(GNL_FOOBAR_XMPL_A_MSG, HELLO_FROM_DUMPIT_MSG);
    if (ret < 0) {
      pr_info("An error occurred in %s():\n", "gnl_cb_echo_dumpit");
      return ret;
    }

    genlmsg_end(pre_allocated_skb, msg_head);

    return pre_allocated_skb.len;
  }

  function gnl_cb_doit_reply_with_nlmsg_err(_sender_skb: Uint8Array, _info: GenlInfo): number {
    pr_info("%s() invoked, a NLMSG_ERR response will be sent back\n", "gnl_cb_doit_reply_with_nlmsg_err");
    return -EINVAL;
  }

  async function gnl_cb_echo_dumpit_before(_cb: NetlinkCallback): Promise<number> {
    const dump_runs = 3;
    pr_info("%s: dump started. acquire lock. initialize dump runs_to_go (number of receives userland can make) to %d runs\n", "gnl_cb_echo_dumpit_before", dump_runs);

    const ret = await mutex_lock_interruptible(dumpit_cb_progress_data.mtx);
    if (ret !== 0) {
      pr_err("Failed to get lock!\n");
      return ret;
    }

    dumpit_cb_progress_data.total_runs = dump_runs;
    dumpit_cb_progress_data.runs_to_go = dump_runs;
    return 0;
  }

  function gnl_cb_echo_dumpit_before_after(_cb: NetlinkCallback): number {
    pr_info("%s: dump done. release lock\n", "gnl_cb_echo_dumpit_before_after");
    mutex_unlock(dumpit_cb_progress_data.mtx);
    return 0;
  }

  function gnl_foobar_xmpl_module_init(): number {
    pr_info("Generic Netlink Example Module inserted.\n");

    const rc = genl_register_family(gnl_foobar_xmpl_family);
    if (rc !== 0) {
      pr_err("FAILED: genl_register_family(): %i\n", rc);
      pr_err("An error occurred while inserting the generic netlink example module\n");
      return -1;
    } else {
      pr_info("successfully registered custom Netlink family '" + FAMILY_NAME + "' using Generic Netlink.\n");
    }

    mutex_init(dumpit_cb_progress_data.mtx);
    return 0;
  }

  function gnl_foobar_xmpl_module_exit(): void {
    pr_info("Generic Netlink Example Module unloaded.\n");

    const ret = genl_unregister_family(gnl_foobar_xmpl_family);
    if (ret !== 0) {
      pr_err("genl_unregister_family() failed: %i\n", ret);
      return;
    } else {
      pr_info("successfully unregistered custom Netlink family '" + FAMILY_NAME + "' using Generic Netlink.\n");
    }

    mutex_destroy(dumpit_cb_progress_data.mtx);
  }

  module_init(gnl_foobar_xmpl_module_init);
  module_exit(gnl_foobar_xmpl_module_exit);
};
