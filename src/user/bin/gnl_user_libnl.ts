// gnl_user_libnl: mirrors user-c/user-libnl.c of phip1611/generic-netlink-user-kernel-rust (HEAD
// ee431fb), the client of gnl_foobar_xmpl on libnl-3 and libnl-genl-3. It resolves the family with
// genl_ctrl_resolve(), installs an NL_CB_MSG_IN callback that prints the reply, sends one echo
// request (NLM_F_REQUEST, to which nl_send_auto adds NLM_F_ACK) and reads with
// nl_recvmsgs_default(). The kernel answers with seq + 1, so after the callback has printed the
// reply libnl's sequence check ends the reading; the ACK that follows is never read.
import { printf, fprintf, stderr } from "../libc/stdio.js";
import { exit } from "../libc/stdlib.js";
import { NLM_F_REQUEST, NLMSG_ERROR, type nlattr } from "../libc/netlink.js";
import { nla_get_string, nla_parse, NLA_PUT_STRING } from "../libc/libnl/attr.js";
import { NL_CB_CUSTOM, NL_CB_MSG_IN, NL_OK, NL_STOP } from "../libc/libnl/handlers.js";
import { nlmsg_alloc, nlmsg_data, nlmsg_free, nlmsg_hdr, NL_AUTO_PORT, NL_AUTO_SEQ, type nl_msg } from "../libc/libnl/msg.js";
import { nl_recvmsgs_default, nl_send_auto } from "../libc/libnl/nl.js";
import { nl_socket_alloc, nl_socket_free, nl_socket_modify_cb } from "../libc/libnl/socket.js";
import { genl_connect, genlmsg_attrdata, genlmsg_attrlen, genlmsg_put } from "../libc/libnl/genl/genl.js";
import { genl_ctrl_resolve } from "../libc/libnl/genl/ctrl.js";
import { genlmsghdr } from "../libc/netlink.js";
import { FAMILY_NAME, GNL_FOOBAR_XMPL_A_MSG, GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN, GNL_FOOBAR_XMPL_C_ECHO_MSG } from "./gnl_foobar_xmpl_prop.js";

const MESSAGE_TO_KERNEL = "Hello World from Userland with libnl & libnl-genl";

const LOG_PREFIX = "[User-C-libnl] ";

/** Callback for every received message (NL_CB_MSG_IN). */
function nl_callback(recv_msg: nl_msg, _arg: unknown): number {
  const ret_hdr = nlmsg_hdr(recv_msg);
  const tb_msg: (nlattr | null)[] = [];

  if (ret_hdr.nlmsg_type === NLMSG_ERROR) {
    fprintf(stderr(), LOG_PREFIX + "Received NLMSG_ERROR message!\n");
    return NL_STOP;
  }

  const gnlh = new genlmsghdr(ret_hdr.buf, nlmsg_data(ret_hdr));
  nla_parse(tb_msg, GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), null);

  if (tb_msg[GNL_FOOBAR_XMPL_A_MSG]) {
    const payload_msg = nla_get_string(tb_msg[GNL_FOOBAR_XMPL_A_MSG]);
    printf(LOG_PREFIX + "Kernel replied: '%s'\n", payload_msg);
  } else {
    fprintf(stderr(), LOG_PREFIX + "Attribute GNL_FOOBAR_XMPL_A_MSG is missing\n");
  }

  return NL_OK;
}

export async function gnl_user_libnl_main(): Promise<number> {
  const socket = nl_socket_alloc()!;
  await genl_connect(socket);

  const family_id = await genl_ctrl_resolve(socket, FAMILY_NAME);
  if (family_id < 0) {
    fprintf(stderr(), LOG_PREFIX + "generic netlink family '" + FAMILY_NAME + "' NOT REGISTERED\n");
    nl_socket_free(socket);
    return exit(-1);
  }
  printf(LOG_PREFIX + "Family-ID of generic netlink family '" + FAMILY_NAME + "' is: %d\n", family_id);

  nl_socket_modify_cb(socket, NL_CB_MSG_IN, NL_CB_CUSTOM, nl_callback, null);

  const msg = nlmsg_alloc();
  genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family_id, 0, NLM_F_REQUEST, GNL_FOOBAR_XMPL_C_ECHO_MSG, 1);

  if (NLA_PUT_STRING(msg, GNL_FOOBAR_XMPL_A_MSG, MESSAGE_TO_KERNEL) < 0) {
    // nla_put_failure:
    nlmsg_free(msg);
    return -1;
  }
  const res = await nl_send_auto(socket, msg);
  nlmsg_free(msg);
  if (res < 0) fprintf(stderr(), LOG_PREFIX + "sending message failed\n");
  else printf(LOG_PREFIX + "Sent to kernel: '%s'\n", MESSAGE_TO_KERNEL);

  await nl_recvmsgs_default(socket);

  nl_socket_free(socket);
  return 0;
}
