// gnl_user_pure: mirrors user-c/user-pure.c of phip1611/generic-netlink-user-kernel-rust (HEAD
// ee431fb), the client of gnl_foobar_xmpl on raw sockets. It resolves the family id with
// CTRL_CMD_GETFAMILY (version 1, NLM_F_REQUEST, seq 0, nlmsg_pid = getpid()), taking
// CTRL_ATTR_FAMILY_ID as the reply's second attribute, then sends one echo request and prints the
// reply's first attribute. As in the original, main() ignores what each step returns: with the
// family missing it still prints "extracted family id is: -1" and sends the echo to type 0xffff.
import { printf, fprintf, perror, stderr } from "../libc/stdio.js";
import { close, getpid } from "../libc/unistd.js";
import { AF_NETLINK, bind, recv, sendto, SOCK_RAW, socket } from "../libc/socket.js";
import {
  CTRL_ATTR_FAMILY_ID,
  CTRL_ATTR_FAMILY_NAME,
  CTRL_CMD_GETFAMILY,
  cstring,
  cstring_at,
  GENL_HDRLEN,
  GENL_ID_CTRL,
  genlmsghdr,
  NETLINK_GENERIC,
  NLA_ALIGN,
  NLA_DATA,
  NLA_HDRLEN,
  nlattr,
  NLM_F_REQUEST,
  NLMSG_ALIGN,
  NLMSG_DATA,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NLMSG_LENGTH,
  NLMSG_OK,
  NLMSG_PAYLOAD,
  nlmsghdr,
  sockaddr_nl,
} from "../libc/netlink.js";
import { FAMILY_NAME, GNL_FOOBAR_XMPL_A_MSG, GNL_FOOBAR_XMPL_C_ECHO_MSG } from "./gnl_foobar_xmpl_prop.js";

const LOG_PREFIX = "[User-C-Pure] ";

const GENLMSG_DATA = (glh: nlmsghdr): number => NLMSG_DATA(glh) + GENL_HDRLEN;
const GENLMSG_PAYLOAD = (glh: nlmsghdr): number => NLMSG_PAYLOAD(glh, 0) - GENL_HDRLEN;

const MESSAGE_TO_KERNEL = "Hello World from C user program (using raw sockets)!";

/** struct generic_netlink_msg { struct nlmsghdr n; struct genlmsghdr g; char buf[256]; } */
class generic_netlink_msg {
  readonly bytes = new Uint8Array(NLMSG_HDRLEN + GENL_HDRLEN + 256);
  readonly n = new nlmsghdr(this.bytes);
  readonly g = new genlmsghdr(this.bytes, NLMSG_HDRLEN);
}

/** The original's globals: each process has its own. */
interface Globals {
  nl_fd: number;
  nl_address: sockaddr_nl;
  nl_family_id: number;
  nl_rxtx_length: number;
  nl_na: nlattr;
  nl_request_msg: generic_netlink_msg;
  nl_response_msg: generic_netlink_msg;
}

/** Opens and binds the socket to Netlink; < 0 on failure or 0 on success. */
async function open_and_bind_socket(G: Globals): Promise<number> {
  G.nl_fd = await socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  if (G.nl_fd < 0) {
    perror(LOG_PREFIX + "socket()");
    fprintf(stderr(), LOG_PREFIX + "error creating socket\n");
    return -1;
  }

  G.nl_address = sockaddr_nl.netlink();
  if ((await bind(G.nl_fd, G.nl_address.buf, G.nl_address.buf.length)) < 0) {
    perror(LOG_PREFIX + "bind()");
    close(G.nl_fd);
    fprintf(stderr(), LOG_PREFIX + "error binding socket\n");
    return -1;
  }
  return 0;
}

/** Resolves the id of FAMILY_NAME through the generic netlink controller; < 0 on failure or 0 on success. */
async function resolve_family_id_by_name(G: Globals): Promise<number> {
  const req = G.nl_request_msg;
  const res = G.nl_response_msg;
  req.n.nlmsg_type = GENL_ID_CTRL;
  req.n.nlmsg_flags = NLM_F_REQUEST;
  req.n.nlmsg_seq = 0;
  req.n.nlmsg_pid = getpid();
  req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
  req.g.cmd = CTRL_CMD_GETFAMILY;
  req.g.version = 1;
  G.nl_na = new nlattr(req.bytes, GENLMSG_DATA(req.n));
  G.nl_na.nla_type = CTRL_ATTR_FAMILY_NAME;
  G.nl_na.nla_len = FAMILY_NAME.length + 1 + NLA_HDRLEN;
  req.bytes.set(cstring(FAMILY_NAME), NLA_DATA(G.nl_na));

  req.n.nlmsg_len += NLMSG_ALIGN(G.nl_na.nla_len);

  G.nl_address.nl_family = AF_NETLINK;
  G.nl_address.nl_pid = 0;
  G.nl_address.nl_groups = 0;
  G.nl_address.nl_pad = 0;

  G.nl_rxtx_length = await sendto(G.nl_fd, req.bytes, req.n.nlmsg_len, 0, G.nl_address.buf, G.nl_address.buf.length);
  if (G.nl_rxtx_length !== req.n.nlmsg_len) {
    close(G.nl_fd);
    fprintf(stderr(), LOG_PREFIX + "error sending family id request\n");
    return -1;
  }

  G.nl_rxtx_length = await recv(G.nl_fd, res.bytes, res.bytes.length, 0);
  if (G.nl_rxtx_length < 0) {
    fprintf(stderr(), LOG_PREFIX + "error receiving family id request result\n");
    return -1;
  }

  if (!NLMSG_OK(res.n, G.nl_rxtx_length)) {
    fprintf(stderr(), LOG_PREFIX + "family ID request : invalid message\n");
    fprintf(stderr(), LOG_PREFIX + "error validating family id request result: invalid length\n");
    return -1;
  }
  if (res.n.nlmsg_type === NLMSG_ERROR) {
    fprintf(stderr(), LOG_PREFIX + "family ID request : receive error\n");
    fprintf(stderr(), LOG_PREFIX + "error validating family id request result: receive error\n");
    return -1;
  }

  // the second attribute: the reply's attributes are NAME, then ID
  G.nl_na = new nlattr(res.bytes, GENLMSG_DATA(res.n));
  G.nl_na = new nlattr(res.bytes, G.nl_na.off + NLA_ALIGN(G.nl_na.nla_len));
  if (G.nl_na.nla_type === CTRL_ATTR_FAMILY_ID) {
    G.nl_family_id = new DataView(res.bytes.buffer).getUint16(NLA_DATA(G.nl_na), true);
  }
  return 0;
}

/** Sends an echo request and receives the echoed message; < 0 on failure or 0 on success. */
async function send_echo_msg_and_get_reply(G: Globals): Promise<number> {
  G.nl_request_msg = new generic_netlink_msg();
  G.nl_response_msg = new generic_netlink_msg();
  const req = G.nl_request_msg;
  const res = G.nl_response_msg;

  req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
  req.n.nlmsg_type = G.nl_family_id;
  req.n.nlmsg_flags = NLM_F_REQUEST;
  req.n.nlmsg_seq = 0;
  req.n.nlmsg_pid = getpid();
  req.g.cmd = GNL_FOOBAR_XMPL_C_ECHO_MSG;
  req.g.version = 1;

  const msg = cstring(MESSAGE_TO_KERNEL);
  G.nl_na = new nlattr(req.bytes, GENLMSG_DATA(req.n));
  G.nl_na.nla_type = GNL_FOOBAR_XMPL_A_MSG;
  G.nl_na.nla_len = msg.length + NLA_HDRLEN;
  req.bytes.set(msg, NLA_DATA(G.nl_na));
  req.n.nlmsg_len += NLMSG_ALIGN(G.nl_na.nla_len);

  G.nl_rxtx_length = await sendto(G.nl_fd, req.bytes, req.n.nlmsg_len, 0, G.nl_address.buf, G.nl_address.buf.length);
  if (G.nl_rxtx_length !== req.n.nlmsg_len) {
    close(G.nl_fd);
    fprintf(stderr(), LOG_PREFIX + "error sending custom message\n");
    return -1;
  }
  printf(LOG_PREFIX + "Sent to kernel: %s\n", MESSAGE_TO_KERNEL);

  G.nl_rxtx_length = await recv(G.nl_fd, res.bytes, res.bytes.length, 0);
  if (G.nl_rxtx_length < 0) {
    fprintf(stderr(), LOG_PREFIX + "error receiving custom message result: no length\n");
    close(G.nl_fd);
    return -1;
  }

  if (res.n.nlmsg_type === NLMSG_ERROR) {
    printf(LOG_PREFIX + "Error while receiving reply from kernel: NACK Received\n");
    close(G.nl_fd);
    fprintf(stderr(), LOG_PREFIX + "error receiving custom message result\n");
    return -1;
  }

  if (!NLMSG_OK(res.n, G.nl_rxtx_length)) {
    printf(LOG_PREFIX + "Error while receiving reply from kernel: Invalid Message\n");
    close(G.nl_fd);
    return -1;
  }

  G.nl_rxtx_length = GENLMSG_PAYLOAD(res.n);
  G.nl_na = new nlattr(res.bytes, GENLMSG_DATA(res.n));
  printf(LOG_PREFIX + "Kernel replied: '%s'\n", cstring_at(res.bytes, NLA_DATA(G.nl_na)));
  return 0;
}

export async function gnl_user_pure_main(): Promise<number> {
  const G: Globals = {
    nl_fd: 0,
    nl_address: new sockaddr_nl(),
    nl_family_id: -1,
    nl_rxtx_length: 0,
    nl_na: new nlattr(new Uint8Array(NLA_HDRLEN)),
    nl_request_msg: new generic_netlink_msg(),
    nl_response_msg: new generic_netlink_msg(),
  };

  await open_and_bind_socket(G);
  await resolve_family_id_by_name(G);

  printf(LOG_PREFIX + "extracted family id is: %d\n", G.nl_family_id);

  await send_echo_msg_and_get_reply(G);

  close(G.nl_fd);
  return 0;
}
