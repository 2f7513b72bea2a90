// Mirrors neli 0.6.0 src/nl.rs (jbaublitz/neli): Nlmsghdr<T, P> and NlPayload<T, P>, their bytes
// and their parsing. Nlmsghdr::new sets nl_len to the padded size of header and payload, and None
// for seq and pid means 0. A received NLMSG_ERROR becomes NlPayload::Ack (error 0) or
// NlPayload::Err, whose NlmsghdrErr is the request parsed with the same T and P; NLMSG_DONE has an
// empty payload.
import { alignto, debug_nl_type, Nlmsg, type NlTypeDesc } from "./consts.js";
import { debug_nlmf_flags, debug_nlmsghdr_err, DeError, nl_error_msg, type NlError, type Nlmsgerr, type NlmsghdrErr } from "./err.js";
import { Err, Ok, type Result } from "../std.js";
import { dleaf, dstruct, dtuple, type Debug } from "../fmt.js";

/** What a payload type implements: Size + ToBytes + FromBytesWithInput + Debug. */
export interface Codec<P> {
  /** The payload's bytes, padding included (padded_size of them). */
  to_bytes(p: P): Uint8Array;
  /** Parse the payload from exactly its bytes; throws DeError. */
  from_bytes(b: Uint8Array): P;
  debug(p: P): Debug;
}

/** NlPayload<T, P> */
export type NlPayload<P> = { kind: "Ack"; err: Nlmsgerr<null> } | { kind: "Err"; err: Nlmsgerr<P> } | { kind: "Payload"; p: P } | { kind: "Empty" };

/** Nlmsghdr<T, P> */
export interface Nlmsghdr<P> {
  nl_len: number;
  nl_type: number;
  nl_flags: number;
  nl_seq: number;
  nl_pid: number;
  nl_payload: NlPayload<P>;
}

const HEADER = 16;

/** Nlmsghdr::new(nl_len, nl_type, nl_flags, nl_seq, nl_pid, NlPayload::Payload(p)) */
export function nlmsghdr_new<P>(nl_len: number | null, nl_type: number, nl_flags: number, nl_seq: number | null, nl_pid: number | null, p: P, codec: Codec<P>): Nlmsghdr<P> {
  return { nl_len: nl_len ?? HEADER + codec.to_bytes(p).length, nl_type, nl_flags, nl_seq: nl_seq ?? 0, nl_pid: nl_pid ?? 0, nl_payload: { kind: "Payload", p } };
}

/** ToBytes for Nlmsghdr: the header, then the payload, padded to 4. */
export function nlmsghdr_to_bytes<P>(m: Nlmsghdr<P>, codec: Codec<P>): Uint8Array {
  if (m.nl_payload.kind !== "Payload") throw new Error("neli: only payloads are sent");
  const body = codec.to_bytes(m.nl_payload.p);
  const b = new Uint8Array(alignto(HEADER + body.length));
  const d = new DataView(b.buffer);
  d.setUint32(0, m.nl_len >>> 0, true);
  d.setUint16(4, m.nl_type, true);
  d.setUint16(6, m.nl_flags, true);
  d.setUint32(8, m.nl_seq >>> 0, true);
  d.setUint32(12, m.nl_pid >>> 0, true);
  b.set(body, HEADER);
  return b;
}

function header(b: Uint8Array): { nl_len: number; nl_type: number; nl_flags: number; nl_seq: number; nl_pid: number } {
  if (b.length < HEADER) throw new DeError("UnexpectedEOB");
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return { nl_len: d.getUint32(0, true), nl_type: d.getUint16(4, true), nl_flags: d.getUint16(6, true), nl_seq: d.getUint32(8, true), nl_pid: d.getUint32(12, true) };
}

/** NlmsghdrErr<T, P>::from_bytes_with_input(buffer, input): the copied request header and what follows it. */
function nlmsghdr_err_from_bytes<P>(b: Uint8Array, payload: (b: Uint8Array) => P): NlmsghdrErr<P> {
  return { ...header(b), nl_payload: payload(b.subarray(HEADER)) };
}

/** Nlmsghdr<T, P>::from_bytes over exactly one message's bytes; throws DeError. */
export function nlmsghdr_from_bytes<P>(b: Uint8Array, _t: NlTypeDesc, codec: Codec<P>): Nlmsghdr<P> {
  const h = header(b);
  const size = h.nl_len - HEADER;
  if (size < 0 || HEADER + size > b.length) throw new DeError("UnexpectedEOB");
  const body = b.subarray(HEADER, HEADER + size);
  let nl_payload: NlPayload<P>;
  if (h.nl_type === Nlmsg.variants.Done) nl_payload = { kind: "Empty" };
  else if (h.nl_type === Nlmsg.variants.Error) {
    if (body.length < 4) throw new DeError("UnexpectedEOB");
    const error = new DataView(body.buffer, body.byteOffset).getInt32(0, true);
    const rest = body.subarray(4);
    if (error === 0) nl_payload = { kind: "Ack", err: { error, nlmsg: nlmsghdr_err_from_bytes(rest, () => null) } };
    else nl_payload = { kind: "Err", err: { error, nlmsg: nlmsghdr_err_from_bytes(rest, (p) => codec.from_bytes(p)) } };
  } else nl_payload = { kind: "Payload", p: codec.from_bytes(body) };
  return { ...h, nl_payload };
}

/** Nlmsghdr::get_payload() */
export function get_payload<P>(m: Nlmsghdr<P>): Result<P, NlError<P>> {
  return m.nl_payload.kind === "Payload" ? Ok(m.nl_payload.p) : Err(nl_error_msg("This packet does not have a payload"));
}

/** derive(Debug) for Nlmsghdr<T, P> */
export function debug_nlmsghdr<P>(m: Nlmsghdr<P>, t: NlTypeDesc, codec: Codec<P>): Debug {
  const unit: Codec<null> = { to_bytes: () => new Uint8Array(0), from_bytes: () => null, debug: () => dleaf("()") };
  const errd = <Q>(e: Nlmsgerr<Q>, c: Codec<Q>): Debug => dstruct("Nlmsgerr", [["error", dleaf(e.error)], ["nlmsg", debug_nlmsghdr_err(e.nlmsg, t, c)]]);
  const p = m.nl_payload;
  const payload = p.kind === "Payload" ? dtuple("Payload", codec.debug(p.p)) : p.kind === "Err" ? dtuple("Err", errd(p.err, codec)) : p.kind === "Ack" ? dtuple("Ack", errd(p.err, unit)) : dleaf("Empty");
  return dstruct("Nlmsghdr", [
    ["nl_len", dleaf(m.nl_len)],
    ["nl_type", debug_nl_type(t, m.nl_type)],
    ["nl_flags", debug_nlmf_flags(m.nl_flags)],
    ["nl_seq", dleaf(m.nl_seq)],
    ["nl_pid", dleaf(m.nl_pid)],
    ["nl_payload", payload],
  ]);
}
