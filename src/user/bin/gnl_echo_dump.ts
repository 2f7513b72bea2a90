// gnl_echo_dump: mirrors user-rust/src/bin/echo_with_dump_flag.rs of
// phip1611/generic-netlink-user-kernel-rust (HEAD ee431fb, neli 0.6.0). Twice it sends ECHO_MSG with
// NLM_F_REQUEST|NLM_F_DUMP, prints the three messages the module's .dumpit produces with their
// sequence numbers, and asserts that NLMSG_DONE follows. Without the family it prints neli's error
// with {} (Display) and returns (exit 0).
import { eprintln, expect, panic, println, process_id, rust_main, unwrap, unwrap_option } from "../rust/std.js";
import { NlFamily_Generic, NlmF, NlmFFlags, Nlmsg } from "../rust/neli/consts.js";
import { nl_error_debug, nl_error_display, ser_error_debug } from "../rust/neli/err.js";
import { genl_codec, genlmsghdr_new, get_attr_payload_as_with_len_string, nlattr_new_str, type Genlmsghdr } from "../rust/neli/genl.js";
import { get_payload, nlmsghdr_new, type Codec, type Nlmsghdr } from "../rust/neli/nl.js";
import { NlSocketHandle } from "../rust/neli/socket.js";
import { FAMILY_NAME, NlFoobarXmplAttribute, NlFoobarXmplCommand } from "./gnl_foobar_xmpl_prop.js";

/** Data we want to send to kernel. */
const ECHO_MSG = "Some data that has `Nl` trait implemented, like &str";

const at = (lc: string): string => `src/bin/echo_with_dump_flag.rs:${lc}`;

function build_msg(family_id: number, codec: Codec<Genlmsghdr>): Nlmsghdr<Genlmsghdr> {
  const attrs = [nlattr_new_str(false, false, NlFoobarXmplAttribute.variants.Msg, ECHO_MSG)];
  const gnmsghdr = genlmsghdr_new(NlFoobarXmplCommand.variants.EchoMsg, 1, attrs);
  return nlmsghdr_new(null, family_id, NlmFFlags([NlmF.Request, NlmF.Dump]), null, process_id(), gnmsghdr, codec);
}

export const gnl_echo_dump_main = rust_main(async () => {
  println("Rust-Binary: echo_with_dump_flag");

  const sock = unwrap(await NlSocketHandle.connect(NlFamily_Generic, 0, []), (e) => e.debug(), at("60:7"));

  const res = await sock.resolve_genl_family(FAMILY_NAME);
  if (!res.ok) {
    eprintln(`The Netlink family '${FAMILY_NAME}' can't be found. Is the kernel module loaded yet? neli-error='${nl_error_display(res.e)}'`);
    return;
  }
  const family_id = res.v;
  const codec = genl_codec(NlFoobarXmplCommand, NlFoobarXmplAttribute);

  for (let i = 0; i < 2; i++) {
    const nlmsghdr = build_msg(family_id, codec);
    println("[User-Rust]: Requested DUMP via netlink");

    expect(await sock.send(nlmsghdr, codec), "Send must work", ser_error_debug, at("82:29"));

    for (let j = 0; j < 3; j++) {
      const r = unwrap_option(expect(await sock.recv("u16", codec), "Should receive a message", nl_error_debug, at("89:29")), at("89:64"));
      const payload = unwrap(get_payload(r), nl_error_debug, at("91:49"));
      const received = unwrap(get_attr_payload_as_with_len_string(payload, NlFoobarXmplAttribute.variants.Msg), (e) => e.debug(), at("94:18"));
      println(`[User-Rust]: Received from kernel from .dumpit callback: [seq=${r.nl_seq}] '${received}'`);
    }

    const done_msg = unwrap_option(expect(await sock.recv("u16", codec), "Should receive message", nl_error_debug, at("98:107")), at("98:140"));
    const done = Nlmsg.variants.Done;
    if (done !== done_msg.nl_type) panic(`assertion failed: \`(left == right)\`\n  left: \`${done}\`,\n right: \`${done_msg.nl_type}\`: Must receive NLMSG_DONE response`, at("99:9"));
    println("Received NLMSG_DONE");
  }
});
