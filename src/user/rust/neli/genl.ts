// Mirrors neli 0.6.0 src/genl.rs and src/types.rs (jbaublitz/neli): Genlmsghdr<C, T> with its
// GenlBuffer of Nlattr<T, Buffer>, AttrType (the nested and byte-order bits of nla_type), the
// attribute handle's getters, and their derive(Debug) shapes (neli 0.6.0's Buffer prints every
// byte; 0.6.1 changed that).
import { dleaf, dlist, dstruct, dtuple, type Debug } from "../fmt.js";
import { alignto, type NlEnum } from "./consts.js";
import { DeError } from "./err.js";
import type { Codec } from "./nl.js";
import { Err, Ok, type Result } from "../std.js";

/** AttrType<T> */
export interface AttrType {
  nla_nested: boolean;
  nla_network_order: boolean;
  nla_type: number;
}

/** Nlattr<T, Buffer> */
export interface Nlattr {
  nla_len: number;
  nla_type: AttrType;
  nla_payload: Uint8Array;
}

/** Genlmsghdr<C, T> */
export interface Genlmsghdr {
  cmd: number;
  version: number;
  reserved: number;
  attrs: Nlattr[];
}

const encoder = new TextEncoder();

/** Nlattr::new(nla_nested, nla_network_order, nla_type, payload) for a &str payload: its bytes and a NUL. */
export function nlattr_new_str(nla_nested: boolean, nla_network_order: boolean, nla_type: number, payload: string): Nlattr {
  const s = encoder.encode(payload);
  const b = new Uint8Array(s.length + 1);
  b.set(s);
  return { nla_len: 4 + b.length, nla_type: { nla_nested, nla_network_order, nla_type }, nla_payload: b };
}

/** Genlmsghdr::new(cmd, version, attrs) */
export const genlmsghdr_new = (cmd: number, version: number, attrs: Nlattr[]): Genlmsghdr => ({ cmd, version, reserved: 0, attrs });

function nlattr_to_bytes(a: Nlattr): Uint8Array {
  const b = new Uint8Array(alignto(a.nla_len));
  const d = new DataView(b.buffer);
  d.setUint16(0, a.nla_len, true);
  d.setUint16(2, a.nla_type.nla_type | (a.nla_type.nla_nested ? 0x8000 : 0) | (a.nla_type.nla_network_order ? 0x4000 : 0), true);
  b.set(a.nla_payload, 4);
  return b;
}

function nlattrs_from_bytes(b: Uint8Array): Nlattr[] {
  const attrs: Nlattr[] = [];
  let pos = 0;
  while (pos < b.length) {
    if (b.length - pos < 4) throw new DeError("UnexpectedEOB");
    const d = new DataView(b.buffer, b.byteOffset + pos);
    const nla_len = d.getUint16(0, true);
    const t = d.getUint16(2, true);
    if (nla_len < 4 || pos + nla_len > b.length) throw new DeError("UnexpectedEOB");
    attrs.push({
      nla_len,
      nla_type: { nla_nested: (t & 0x8000) !== 0, nla_network_order: (t & 0x4000) !== 0, nla_type: t & ~0xc000 },
      nla_payload: b.slice(pos + 4, pos + nla_len),
    });
    pos = Math.min(b.length, pos + alignto(nla_len));
  }
  return attrs;
}

/** The Genlmsghdr<C, T> payload type for the command enum C and attribute enum T. */
export function genl_codec(cmd: NlEnum, attr: NlEnum): Codec<Genlmsghdr> {
  return {
    to_bytes(g) {
      const parts = g.attrs.map(nlattr_to_bytes);
      const b = new Uint8Array(4 + parts.reduce((a, p) => a + p.length, 0));
      b[0] = g.cmd;
      b[1] = g.version;
      new DataView(b.buffer).setUint16(2, g.reserved, true);
      let off = 4;
      for (const p of parts) {
        b.set(p, off);
        off += p.length;
      }
      return b;
    },
    from_bytes(b) {
      if (b.length < 4) throw new DeError("UnexpectedEOB");
      return { cmd: b[0], version: b[1], reserved: new DataView(b.buffer, b.byteOffset).getUint16(2, true), attrs: nlattrs_from_bytes(b.subarray(4)) };
    },
    debug(g) {
      const nlattr = (a: Nlattr): Debug =>
        dstruct("Nlattr", [
          ["nla_len", dleaf(a.nla_len)],
          [
            "nla_type",
            dstruct("AttrType", [
              ["nla_nested", dleaf(a.nla_type.nla_nested)],
              ["nla_network_order", dleaf(a.nla_type.nla_network_order)],
              ["nla_type", attr.debug(a.nla_type.nla_type)],
            ]),
          ],
          ["nla_payload", dtuple("Buffer", dlist([...a.nla_payload].map((x) => dleaf(x))))],
        ]);
      return dstruct("Genlmsghdr", [
        ["cmd", cmd.debug(g.cmd)],
        ["version", dleaf(g.version)],
        ["reserved", dleaf(g.reserved)],
        ["attrs", dtuple("GenlBuffer", dlist(g.attrs.map(nlattr)))],
      ]);
    },
  };
}

/** AttrHandle::get_attribute(t): the first attribute of type t. */
const get_attribute = (g: Genlmsghdr, t: number): Nlattr | undefined => g.attrs.find((a) => a.nla_type.nla_type === t);

/** get_attr_payload_as::<u16>(t): the attribute's first two bytes. */
export function get_attr_payload_as_u16(g: Genlmsghdr, t: number): Result<number, DeError> {
  const a = get_attribute(g, t);
  if (!a) return Err(new DeError("Msg", "Failed to find attribute"));
  if (a.nla_payload.length < 2) return Err(new DeError("UnexpectedEOB"));
  return Ok(new DataView(a.nla_payload.buffer, a.nla_payload.byteOffset).getUint16(0, true));
}

/** get_attr_payload_as_with_len::<String>(t): all but the last (NUL) byte, as UTF-8. */
export function get_attr_payload_as_with_len_string(g: Genlmsghdr, t: number): Result<string, DeError> {
  const a = get_attribute(g, t);
  if (!a) return Err(new DeError("Msg", "Failed to find attribute"));
  return Ok(new TextDecoder().decode(a.nla_payload.subarray(0, Math.max(0, a.nla_payload.length - 1))));
}
