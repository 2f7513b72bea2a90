// Mirrors neli 0.6.0 src/consts/ (jbaublitz/neli): the impl_var! enums of netlink constants. Such
// an enum holds a named variant or UnrecognizedConst(n) for any other value, and derive(Debug)
// prints the variant's name.
import { dleaf, dtuple, type Debug } from "../fmt.js";

/** An impl_var! enum over a u8 or u16: its variants by name. */
export class NlEnum {
  constructor(
    readonly name: string,
    readonly variants: Readonly<Record<string, number>>,
  ) {}

  debug(v: number): Debug {
    const found = Object.entries(this.variants).find(([, x]) => x === v);
    return found ? dleaf(found[0]) : dtuple("UnrecognizedConst", dleaf(v));
  }
}

/** The type of Nlmsghdr::nl_type: a plain u16, or one of the enums. */
export type NlTypeDesc = "u16" | NlEnum;

export const debug_nl_type = (t: NlTypeDesc, v: number): Debug => (t === "u16" ? dleaf(v) : t.debug(v));

/** consts::nl::NlmF, the flags NlmFFlags is made of */
export const NlmF = {
  Request: 0x1,
  Multi: 0x2,
  Ack: 0x4,
  Echo: 0x8,
  DumpIntr: 0x10,
  DumpFiltered: 0x20,
  Root: 0x100,
  Match: 0x200,
  Atomic: 0x400,
  Dump: 0x300,
  Replace: 0x100,
  Excl: 0x200,
  Create: 0x400,
  Append: 0x800,
} as const;

/** NlmFFlags::new(&[...]): the flags or'ed into the u16 its FlagBuffer holds. */
export const NlmFFlags = (flags: number[]): number => flags.reduce((a, f) => a | f, 0);

/** consts::nl::Nlmsg */
export const Nlmsg = new NlEnum("Nlmsg", { Noop: 1, Error: 2, Done: 3, Overrun: 4 });

/** consts::genl::GenlId (the gnu target's variants) */
export const GenlId = new NlEnum("GenlId", { Ctrl: 0x10, VfsDquot: 0x11, Pmcraid: 0x12 });

/** consts::genl::CtrlCmd */
export const CtrlCmd = new NlEnum("CtrlCmd", {
  Unspec: 0,
  Newfamily: 1,
  Delfamily: 2,
  Getfamily: 3,
  Newops: 4,
  Delops: 5,
  Getops: 6,
  NewmcastGrp: 7,
  DelmcastGrp: 8,
  GetmcastGrp: 9,
});

/** consts::genl::CtrlAttr */
export const CtrlAttr = new NlEnum("CtrlAttr", { Unspec: 0, FamilyId: 1, FamilyName: 2, Version: 3, Hdrsize: 4, Maxattr: 5, Ops: 6, McastGroups: 7 });

/** consts::socket::NlFamily::Generic */
export const NlFamily_Generic = 16;

/** consts::MAX_NL_LENGTH: the receive buffer of NlSocketHandle. */
export const MAX_NL_LENGTH = 32768;

/** alignto(len) */
export const alignto = (len: number): number => (len + 3) & ~3;
