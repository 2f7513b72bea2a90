// Mirrors include/gnl_foobar_xmpl_prop.h and user-rust/src/lib.rs of
// phip1611/generic-netlink-user-kernel-rust (HEAD ee431fb): what the clients and the module agree
// on, the family name, its commands and its attributes.
import { NlEnum } from "../rust/neli/consts.js";

export const FAMILY_NAME = "gnl_foobar_xmpl";

/** enum GNL_FOOBAR_XMPL_ATTRIBUTE */
export const GNL_FOOBAR_XMPL_A_UNSPEC = 0;
/** a NUL-terminated C string */
export const GNL_FOOBAR_XMPL_A_MSG = 1;
export const __GNL_FOOBAR_XMPL_A_MAX = 2;
export const GNL_FOOBAR_XMPL_ATTRIBUTE_ENUM_LEN = __GNL_FOOBAR_XMPL_A_MAX;

/** enum GNL_FOOBAR_XMPL_COMMAND */
export const GNL_FOOBAR_XMPL_C_UNSPEC = 0;
export const GNL_FOOBAR_XMPL_C_ECHO_MSG = 1;
export const GNL_FOOBAR_XMPL_C_REPLY_WITH_NLMSG_ERR = 2;
export const __GNL_FOOBAR_XMPL_C_MAX = 3;

/** user_rust::NlFoobarXmplCommand (impl_var!, u8) */
export const NlFoobarXmplCommand = new NlEnum("NlFoobarXmplCommand", { Unspec: 0, EchoMsg: 1, ReplyWithNlmsgErr: 2 });

/** user_rust::NlFoobarXmplAttribute (impl_var!, u16) */
export const NlFoobarXmplAttribute = new NlEnum("NlFoobarXmplAttribute", { Unspec: 0, Msg: 1 });
