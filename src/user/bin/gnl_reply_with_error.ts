// gnl_reply_with_error: mirrors user-rust/src/bin/reply_with_error.rs of
// phip1611/generic-netlink-user-kernel-rust (HEAD ee431fb, neli 0.6.0). It sends
// GNL_FOOBAR_XMPL_C_REPLY_WITH_NLMSG_ERR with the MSG "We expect this message to fail" (56 bytes,
// NLM_F_REQUEST), expects the kernel's NLMSG_ERROR and prints its errno, the echoed attribute and
// the whole echoed request as neli's NlmsghdrErr with {:#?}. Without the family it prints neli's
// error with {:#?} and returns (exit 0).
import { debug, debug_pretty, dleaf, dtuple } from "../rust/fmt.js";
import { eprintln, expect, panic, println, process_id, rust_main, unwrap, type Result } from "../rust/std.js";
import { NlFamily_Generic, NlmF, NlmFFlags } from "../rust/neli/consts.js";
import { debug_nlmsghdr_err, nl_error_debug, ser_error_debug, type NlError } from "../rust/neli/err.js";
import { genl_codec, genlmsghdr_new, get_attr_payload_as_with_len_string, nlattr_new_str, type Genlmsghdr } from "../rust/neli/genl.js";
import { debug_nlmsghdr, nlmsghdr_new, type Nlmsghdr } from "../rust/neli/nl.js";
import { NlSocketHandle } from "../rust/neli/socket.js";
import { FAMILY_NAME, NlFoobarXmplAttribute, NlFoobarXmplCommand } from "./gnl_foobar_xmpl_prop.js";

const at = (lc: string): string => `src/bin/reply_with_error.rs:${lc}`;

export const gnl_reply_with_error_main = rust_main(async () => {
  println("Rust-Binary: reply_with_error");

  const sock = unwrap(await NlSocketHandle.connect(NlFamily_Generic, 0, []), (e) => e.debug(), at("51:6"));

  const res = await sock.resolve_genl_family(FAMILY_NAME);
  if (!res.ok) {
    eprintln(`The Netlink family '${FAMILY_NAME}' can't be found. Is the kernel module loaded yet? neli-error='${debug_pretty(nl_error_debug(res.e))}'`);
    return;
  }
  const family_id = res.v;

  const codec = genl_codec(NlFoobarXmplCommand, NlFoobarXmplAttribute);
  const attrs = [nlattr_new_str(false, false, NlFoobarXmplAttribute.variants.Msg, "We expect this message to fail")];
  const gnmsghdr = genlmsghdr_new(NlFoobarXmplCommand.variants.ReplyWithNlmsgErr, 1, attrs);
  const nlmsghdr = nlmsghdr_new(null, family_id, NlmFFlags([NlmF.Request]), null, process_id(), gnmsghdr, codec);

  expect(await sock.send(nlmsghdr, codec), "Send must work", ser_error_debug, at("89:25"));

  const r: Result<Nlmsghdr<Genlmsghdr> | null, NlError<Genlmsghdr>> = await sock.recv("u16", codec);
  if (r.ok) {
    // res.unwrap_err() on Ok(Some(Nlmsghdr {..})) or Ok(None)
    const ok = r.v === null ? dleaf("None") : dtuple("Some", debug_nlmsghdr(r.v, "u16", codec));
    panic(`called \`Result::unwrap_err()\` on an \`Ok\` value: ${debug(ok)}`, at("95:28"));
  }
  const received_err_any = r.e;
  if (received_err_any.kind !== "Nlmsgerr") panic("We expected an error here!", at("98:14"));
  const received_err = received_err_any.err;

  println(`Inside the kernel this error code occurred: ${received_err.error}`);
  const echo = expect(
    get_attr_payload_as_with_len_string(received_err.nlmsg.nl_payload, NlFoobarXmplAttribute.variants.Msg),
    "This attribute was sent and must be in the response",
    (e) => e.debug(),
    at("109:14"),
  );
  println(`ECHO-attribute was: ${echo}`);
  println(`NlMsg that caused the error: ${debug_pretty(debug_nlmsghdr_err(received_err.nlmsg, "u16", codec))}`);

  println("Everything okay; successfully received error");
});
