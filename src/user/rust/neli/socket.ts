// Mirrors neli 0.6.0 src/socket.rs and src/iter.rs (jbaublitz/neli): NlSocketHandle. connect() is
// socket(AF_NETLINK, SOCK_RAW, proto) and bind(pid or 0, no groups); send() writes one message with
// send(2); recv() reads a datagram into its 32 KiB buffer when the previous one is used up and
// returns the next message of it, an NLMSG_ERROR as NlError::Nlmsgerr, and an ACK only when the
// last request asked for one. resolve_genl_family() sends CTRL_CMD_GETFAMILY with genl version 2
// and NLM_F_REQUEST|NLM_F_ACK (seq 0, pid 0) and iterates until the ACK.
import { AF_NETLINK, bind, recv, send, SOCK_RAW, socket } from "../../libc/socket.js";
import { libc } from "../../libc/state.js";
import { EAGAIN } from "../../../include/uapi/errno.js";
import { sockaddr_nl, SOCKADDR_NL_SIZE } from "../../libc/netlink.js";
import { Err, IoError, Ok, type Result } from "../std.js";
import { CtrlAttr, CtrlCmd, GenlId, MAX_NL_LENGTH, NlmF, NlmFFlags, Nlmsg, type NlTypeDesc } from "./consts.js";
import { DeError, nl_error_msg, type NlError } from "./err.js";
import { genl_codec, genlmsghdr_new, get_attr_payload_as_u16, nlattr_new_str, type Genlmsghdr } from "./genl.js";
import { nlmsghdr_from_bytes, nlmsghdr_new, nlmsghdr_to_bytes, type Codec, type Nlmsghdr } from "./nl.js";

/** Genlmsghdr<CtrlCmd, CtrlAttr>, the controller's payload type. */
export const ctrl_codec = genl_codec(CtrlCmd, CtrlAttr);

/** NlSocketHandle */
export class NlSocketHandle {
  private readonly buffer = new Uint8Array(MAX_NL_LENGTH);
  private position = 0;
  private end = 0;
  needs_ack = false;

  private constructor(readonly fd: number) {}

  /** NlSocketHandle::connect(proto, pid, groups) */
  static async connect(proto: number, pid: number | null, groups: number[]): Promise<Result<NlSocketHandle, IoError>> {
    const fd = await socket(AF_NETLINK, SOCK_RAW, proto);
    if (fd < 0) return Err(new IoError(libc().errno));
    const nladdr = sockaddr_nl.netlink(pid ?? 0, 0);
    if ((await bind(fd, nladdr.buf, SOCKADDR_NL_SIZE)) < 0) return Err(new IoError(libc().errno));
    if (groups.length) throw new Error("neli: multicast groups are not built");
    return Ok(new NlSocketHandle(fd));
  }

  /** send(msg): Err is SerError::Wrapped(IOError). */
  async send<P>(msg: Nlmsghdr<P>, codec: Codec<P>): Promise<Result<null, IoError>> {
    if (msg.nl_flags & NlmF.Ack && (msg.nl_flags & NlmF.Dump) !== NlmF.Dump) this.needs_ack = true;
    const b = nlmsghdr_to_bytes(msg, codec);
    if ((await send(this.fd, b, b.length, 0)) < 0) return Err(new IoError(libc().errno));
    return Ok(null);
  }

  /** recv::<T, P>(): the next message, None when nothing could be read. */
  async recv<P>(t: NlTypeDesc, codec: Codec<P>): Promise<Result<Nlmsghdr<P> | null, NlError<P>>> {
    if (this.end === this.position) {
      const n = await recv(this.fd, this.buffer, this.buffer.length, 0);
      if (n < 0) return libc().errno === EAGAIN ? Ok(null) : Err({ kind: "Wrapped", io: new IoError(libc().errno) });
      if (n === 0) return Ok(null);
      this.position = 0;
      this.end = n;
    }
    const end = this.buffer.length;
    if (this.position === end) return Ok(null);
    // packet_length_u32(): nl_len as it is, unaligned
    const next_packet_len = new DataView(this.buffer.buffer).getUint32(this.position, true);
    if (this.position + next_packet_len > end) return Err(nl_error_msg("Incomplete packet received from socket"));
    let packet: Nlmsghdr<P>;
    try {
      packet = nlmsghdr_from_bytes(this.buffer.slice(this.position, this.position + next_packet_len), t, codec);
    } catch (e) {
      if (e instanceof DeError) return Err({ kind: "De", de: e });
      throw e;
    }
    this.position += next_packet_len;
    if (packet.nl_payload.kind === "Err") return Err({ kind: "Nlmsgerr", err: packet.nl_payload.err, t, codec });
    if (packet.nl_payload.kind === "Ack") {
      if (this.needs_ack) this.needs_ack = false;
      else return Err(nl_error_msg("Socket did not expect an ACK but one was received"));
    }
    return Ok(packet);
  }

  /** iter(false): NlMessageIter with EndMultiOnDone: one message, or a multipart run to NLMSG_DONE, and the ACK when one is due. */
  async *iter<P>(t: NlTypeDesc, codec: Codec<P>): AsyncGenerator<Result<Nlmsghdr<P>, NlError<P>>> {
    for (;;) {
      const r = await this.recv(t, codec);
      if (!r.ok) {
        yield Err(r.e);
        continue;
      }
      const next = r.v;
      if (next === null) return;
      let last = false;
      if (next.nl_payload.kind === "Ack") last = true;
      else if ((!(next.nl_flags & NlmF.Multi) || next.nl_type === Nlmsg.variants.Done) && !this.needs_ack) last = true;
      yield Ok(next);
      if (last) return;
    }
  }

  /** get_genl_family(name): every message up to the ACK, or the first error. */
  private async get_genl_family(family_name: string): Promise<Result<Nlmsghdr<Genlmsghdr>[], NlError<Genlmsghdr>>> {
    const attrs = [nlattr_new_str(false, false, CtrlAttr.variants.FamilyName, family_name)];
    const genlhdr = genlmsghdr_new(CtrlCmd.variants.Getfamily, 2, attrs);
    const nlhdr = nlmsghdr_new(null, GenlId.variants.Ctrl, NlmFFlags([NlmF.Request, NlmF.Ack]), null, null, genlhdr, ctrl_codec);
    const s = await this.send(nlhdr, ctrl_codec);
    if (!s.ok) return Err({ kind: "Wrapped", io: s.e });
    const buffer: Nlmsghdr<Genlmsghdr>[] = [];
    for await (const msg of this.iter(GenlId, ctrl_codec)) {
      if (!msg.ok) return Err(msg.e);
      buffer.push(msg.v);
    }
    return Ok(buffer);
  }

  /** resolve_genl_family(name): the family's id from CTRL_ATTR_FAMILY_ID. */
  async resolve_genl_family(family_name: string): Promise<Result<number, NlError<Genlmsghdr>>> {
    let res: Result<number, NlError<Genlmsghdr>> = Err(nl_error_msg(`Generic netlink family ${family_name} was not found`));
    const nlhdrs = await this.get_genl_family(family_name);
    if (!nlhdrs.ok) return nlhdrs;
    for (const nlhdr of nlhdrs.v) {
      if (nlhdr.nl_payload.kind === "Payload") {
        const u = get_attr_payload_as_u16(nlhdr.nl_payload.p, CtrlAttr.variants.FamilyId);
        if (u.ok) res = Ok(u.v);
      }
    }
    return res;
  }
}
