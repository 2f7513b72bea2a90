// gnl_echo: mirrors user-rust/src/bin/echo.rs of phip1611/generic-netlink-user-kernel-rust (HEAD
// ee431fb, neli 0.6.0). It resolves gnl_foobar_xmpl, sends one ECHO_MSG request (NLM_F_REQUEST,
// seq 0, nlmsg_pid = the process id; 80 bytes) and prints the echoed attribute. Without the family
// it prints neli's error with {:#?} and returns (exit 0). Panic locations are the original's
// lines and columns (the method name, as rustc 1.57 reports them).
import { debug_pretty } from "../rust/fmt.js";
import { eprintln, expect, println, process_id, rust_main, unwrap, unwrap_option } from "../rust/std.js";
import { NlFamily_Generic, NlmF, NlmFFlags } from "../rust/neli/consts.js";
import { nl_error_debug, ser_error_debug } from "../rust/neli/err.js";
import { genl_codec, genlmsghdr_new, get_attr_payload_as_with_len_string, nlattr_new_str } from "../rust/neli/genl.js";
import { get_payload, nlmsghdr_new } from "../rust/neli/nl.js";
import { NlSocketHandle } from "../rust/neli/socket.js";
import { FAMILY_NAME, NlFoobarXmplAttribute, NlFoobarXmplCommand } from "./gnl_foobar_xmpl_prop.js";

/** Data we want to send to kernel. */
const ECHO_MSG = "Some data that has `Nl` trait implemented, like &str";

const at = (lc: string): string => `src/bin/echo.rs:${lc}`;

export const gnl_echo_main = rust_main(async () => {
  println("Rust-Binary: echo");

  const sock = unwrap(await NlSocketHandle.connect(NlFamily_Generic, 0, []), (e) => e.debug(), at("50:6"));

  const res = await sock.resolve_genl_family(FAMILY_NAME);
  if (!res.ok) {
    eprintln(`The Netlink family '${FAMILY_NAME}' can't be found. Is the kernel module loaded yet? neli-error='${debug_pretty(nl_error_debug(res.e))}'`);
    return;
  }
  const family_id = res.v;

  println(`[User-Rust]: Generic family number is ${family_id}`);

  const codec = genl_codec(NlFoobarXmplCommand, NlFoobarXmplAttribute);
  const attrs = [nlattr_new_str(false, false, NlFoobarXmplAttribute.variants.Msg, ECHO_MSG)];
  const gnmsghdr = genlmsghdr_new(NlFoobarXmplCommand.variants.EchoMsg, 1, attrs);
  const nlmsghdr = nlmsghdr_new(null, family_id, NlmFFlags([NlmF.Request]), null, process_id(), gnmsghdr, codec);

  println(`[User-Rust]: Sending '${ECHO_MSG}' via netlink`);

  expect(await sock.send(nlmsghdr, codec), "Send must work", ser_error_debug, at("120:25"));

  const r = unwrap_option(expect(await sock.recv("u16", codec), "Should receive a message", nl_error_debug, at("124:21")), at("124:56"));

  const payload = unwrap(get_payload(r), nl_error_debug, at("131:41"));
  const received = unwrap(get_attr_payload_as_with_len_string(payload, NlFoobarXmplAttribute.variants.Msg), (e) => e.debug(), at("134:10"));
  println(`[User-Rust]: Received from kernel: '${received}'`);
});
