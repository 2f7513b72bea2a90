// Mirrors libnl-genl-3 (3.4) lib/genl/ctrl.c: asking the generic netlink controller for a family by
// name. genl_ctrl_probe_by_name() sends CTRL_CMD_GETFAMILY (version 1, flags 0, which
// nl_send_auto_complete turns into NLM_F_REQUEST|NLM_F_ACK) with CTRL_ATTR_FAMILY_NAME, takes the
// id from the first valid reply, then waits for the ACK. The multicast groups of the reply
// (parse_mcast_grps) are not kept: only the id is asked for here.
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_ATTR_HDRSIZE,
  CTRL_ATTR_MAX,
  CTRL_ATTR_MAXATTR,
  CTRL_ATTR_MCAST_GROUPS,
  CTRL_ATTR_OPS,
  CTRL_ATTR_VERSION,
  CTRL_CMD_GETFAMILY,
  GENL_ID_CTRL,
  GENL_NAMSIZ,
  type nlattr,
} from "../../netlink.js";
import { NLE_MSGSIZE, NLE_OBJ_NOTFOUND } from "../errno.js";
import { NLA_NESTED, nla_get_u16, nla_put_string, NLA_STRING, NLA_U16, NLA_U32, type nla_policy } from "../attr.js";
import { nl_cb_clone, nl_cb_set, NL_CB_CUSTOM, NL_CB_VALID, NL_SKIP, NL_STOP } from "../handlers.js";
import { nlmsg_alloc, nlmsg_free, nlmsg_hdr, NL_AUTO_PORT, NL_AUTO_SEQ, type nl_msg } from "../msg.js";
import { nl_recvmsgs, nl_send_auto_complete, nl_wait_for_ack } from "../nl.js";
import { NL_NO_AUTO_ACK, type nl_sock } from "../socket.js";
import { genlmsg_parse, genlmsg_put } from "./genl.js";

const ctrl_policy: nla_policy[] = [];
ctrl_policy[CTRL_ATTR_FAMILY_ID] = { type: NLA_U16 };
ctrl_policy[CTRL_ATTR_FAMILY_NAME] = { type: NLA_STRING, maxlen: GENL_NAMSIZ };
ctrl_policy[CTRL_ATTR_VERSION] = { type: NLA_U32 };
ctrl_policy[CTRL_ATTR_HDRSIZE] = { type: NLA_U32 };
ctrl_policy[CTRL_ATTR_MAXATTR] = { type: NLA_U32 };
ctrl_policy[CTRL_ATTR_OPS] = { type: NLA_NESTED };
ctrl_policy[CTRL_ATTR_MCAST_GROUPS] = { type: NLA_NESTED };

/** The part of struct genl_family the probe fills in. */
interface genl_family {
  gf_name: string;
  gf_id: number;
}

/** probe_response(): take CTRL_ATTR_FAMILY_ID from a valid reply, then stop reading. */
function probe_response(msg: nl_msg, arg: unknown): number {
  const ret = arg as genl_family;
  const tb: (nlattr | null)[] = [];
  if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CTRL_ATTR_MAX, ctrl_policy)) return NL_SKIP;
  if (tb[CTRL_ATTR_FAMILY_ID]) ret.gf_id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
  return NL_STOP;
}

/** wait_for_ack(sk): nl_wait_for_ack unless auto-ack is off. */
const wait_for_ack = (sk: nl_sock): Promise<number> => (sk.s_flags & NL_NO_AUTO_ACK ? Promise.resolve(0) : nl_wait_for_ack(sk));

async function genl_ctrl_probe_by_name(sk: nl_sock, name: string): Promise<genl_family | number> {
  const ret: genl_family = { gf_name: name, gf_id: 0 };
  const msg = nlmsg_alloc();
  const cb = nl_cb_clone(sk.s_cb);
  if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0, CTRL_CMD_GETFAMILY, 1) < 0) return -NLE_MSGSIZE;
  if (nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name) < 0) return -NLE_MSGSIZE;
  let rc = nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, probe_response, ret);
  if (rc < 0) return rc;
  rc = await nl_send_auto_complete(sk, msg);
  nlmsg_free(msg);
  if (rc < 0) return rc;
  rc = await nl_recvmsgs(sk, cb);
  if (rc < 0) return rc;
  // a successful search may be ACKed after the data
  rc = await wait_for_ack(sk);
  if (rc < 0) return rc;
  return ret.gf_id !== 0 ? ret : -NLE_OBJ_NOTFOUND;
}

/** genl_ctrl_resolve(sk, name): the family's numeric id, or a negative NLE_* (-NLE_OBJ_NOTFOUND when it is not registered). */
export async function genl_ctrl_resolve(sk: nl_sock, name: string): Promise<number> {
  const family = await genl_ctrl_probe_by_name(sk, name);
  if (typeof family === "number") return family;
  return family.gf_id;
}

