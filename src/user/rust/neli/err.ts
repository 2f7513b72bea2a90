// Mirrors neli 0.6.0 src/err.rs (jbaublitz/neli, the "As of v0.6.0" version): Nlmsgerr, the
// application error netlink sends back (the errno and the request's header and payload in an
// NlmsghdrErr), NlError, the error every call returns, and DeError/SerError, with their
// derive(Debug) shapes and Display texts.
import { dleaf, dstr, dstruct, dtuple, type Debug } from "../fmt.js";
import { IoError } from "../std.js";
import { debug_nl_type, type NlTypeDesc } from "./consts.js";
import type { Codec } from "./nl.js";

/** NlmsghdrErr<T, P>: the header and payload of the request that failed. */
export interface NlmsghdrErr<P> {
  nl_len: number;
  nl_type: number;
  nl_flags: number;
  nl_seq: number;
  nl_pid: number;
  nl_payload: P;
}

/** Nlmsgerr<T, P> */
export interface Nlmsgerr<P> {
  error: number;
  nlmsg: NlmsghdrErr<P>;
}

/** NlmFFlags(FlagBuffer(bits, PhantomData)): rustc 1.57 prints PhantomData without its type. */
export const debug_nlmf_flags = (bits: number): Debug => dtuple("NlmFFlags", dtuple("FlagBuffer", dleaf(bits), dleaf("PhantomData")));

export function debug_nlmsghdr_err<P>(e: NlmsghdrErr<P>, t: NlTypeDesc, codec: Codec<P>): Debug {
  return dstruct("NlmsghdrErr", [
    ["nl_len", dleaf(e.nl_len)],
    ["nl_type", debug_nl_type(t, e.nl_type)],
    ["nl_flags", debug_nlmf_flags(e.nl_flags)],
    ["nl_seq", dleaf(e.nl_seq)],
    ["nl_pid", dleaf(e.nl_pid)],
    ["nl_payload", codec.debug(e.nl_payload)],
  ]);
}

/** DeError */
export class DeError {
  constructor(
    readonly variant: "Msg" | "UnexpectedEOB" | "BufferNotParsed" | "NullError" | "NoNullError",
    readonly msg = "",
  ) {}

  toString(): string {
    switch (this.variant) {
      case "Msg":
        return this.msg;
      case "UnexpectedEOB":
        return "The buffer was not large enough to complete the deserialize operation";
      case "BufferNotParsed":
        return "Unparsed data left in buffer";
      case "NullError":
        return "A null was found before the end of the buffer";
      case "NoNullError":
        return "No terminating null byte was found in the buffer";
    }
  }

  debug(): Debug {
    return this.variant === "Msg" ? dtuple("Msg", dstr(this.msg)) : dleaf(this.variant);
  }
}

/** NlError<T, P>: the variants these programs can meet. */
export type NlError<P> =
  | { kind: "Msg"; msg: string }
  | { kind: "Nlmsgerr"; err: Nlmsgerr<P>; t: NlTypeDesc; codec: Codec<P> }
  | { kind: "De"; de: DeError }
  | { kind: "Wrapped"; io: IoError }
  | { kind: "NoAck" | "BadSeq" | "BadPid" };

/** NlError::new(msg) */
export const nl_error_msg = <P>(msg: string): NlError<P> => ({ kind: "Msg", msg });

/** impl Display for NlError */
export function nl_error_display<P>(e: NlError<P>): string {
  switch (e.kind) {
    case "Msg":
      return e.msg;
    case "Nlmsgerr":
      // impl Display for Nlmsgerr: io::Error::from_raw_os_error(-error)
      return `Error response received from netlink: ${new IoError(-e.err.error).toString()}`;
    case "De":
      return `Deserialization error: ${e.de.toString()}`;
    case "Wrapped":
      return `Netlink failure due to error: Wrapped IO error: ${e.io.toString()}`;
    case "NoAck":
      return "No ack received";
    case "BadSeq":
      return "Sequence number does not match the request";
    case "BadPid":
      return "PID does not match the socket";
  }
}

/** derive(Debug) for NlError */
export function nl_error_debug<P>(e: NlError<P>): Debug {
  switch (e.kind) {
    case "Msg":
      return dtuple("Msg", dstr(e.msg));
    case "Nlmsgerr":
      return dtuple(
        "Nlmsgerr",
        dstruct("Nlmsgerr", [
          ["error", dleaf(e.err.error)],
          ["nlmsg", debug_nlmsghdr_err(e.err.nlmsg, e.t, e.codec)],
        ]),
      );
    case "De":
      return dtuple("De", e.de.debug());
    case "Wrapped":
      return dtuple("Wrapped", dtuple("IOError", e.io.debug()));
    default:
      return dleaf(e.kind);
  }
}

/** derive(Debug) for the SerError send() returns: SerError::Wrapped(WrappedError::IOError(e)) */
export const ser_error_debug = (io: IoError): Debug => dtuple("Wrapped", dtuple("IOError", io.debug()));
