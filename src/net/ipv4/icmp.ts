// Mirrors net/ipv4/icmp.c: ICMP errors for packets nobody takes (port and protocol unreachable),
// echo replies, and delivery of received errors to the raw sockets and the protocol of the original
// packet (icmp_socket_deliver).
import { csum_partial, csum_fold } from "../../lib/checksum.js";
import { IPPROTO_ICMP, IPPROTO_UDP } from "../../include/uapi/in.js";
import type { SkBuff } from "../core/skbuff.js";
import { ip_send } from "./ip_output.js";
import { mib } from "./snmp.js";
import { udp_err } from "./udp.js";
import { raw_icmp_error } from "./raw.js";
import { EHOSTDOWN, EHOSTUNREACH, ECONNREFUSED, EMSGSIZE, ENETUNREACH, ENONET, ENOPROTOOPT, EOPNOTSUPP } from "../../include/uapi/errno.js";

export const ICMP_ECHOREPLY = 0;
export const ICMP_DEST_UNREACH = 3;
export const ICMP_SOURCE_QUENCH = 4;
export const ICMP_ECHO = 8;
export const ICMP_TIME_EXCEEDED = 11;
export const ICMP_PARAMETERPROB = 12;
/** Codes for ICMP_DEST_UNREACH */
export const ICMP_PROT_UNREACH = 2;
export const ICMP_PORT_UNREACH = 3;
export const ICMP_FRAG_NEEDED = 4;
export const NR_ICMP_UNREACH = 15;

/** icmp_err_convert[]: the errno of each ICMP_DEST_UNREACH code, and whether it is fatal. */
export const icmp_err_convert: readonly { errno: number; fatal: boolean }[] = [
  { errno: ENETUNREACH, fatal: false } /* ICMP_NET_UNREACH */,
  { errno: EHOSTUNREACH, fatal: false } /* ICMP_HOST_UNREACH */,
  { errno: ENOPROTOOPT, fatal: true } /* ICMP_PROT_UNREACH */,
  { errno: ECONNREFUSED, fatal: true } /* ICMP_PORT_UNREACH */,
  { errno: EMSGSIZE, fatal: false } /* ICMP_FRAG_NEEDED */,
  { errno: EOPNOTSUPP, fatal: false } /* ICMP_SR_FAILED */,
  { errno: ENETUNREACH, fatal: true } /* ICMP_NET_UNKNOWN */,
  { errno: EHOSTDOWN, fatal: true } /* ICMP_HOST_UNKNOWN */,
  { errno: ENONET, fatal: true } /* ICMP_HOST_ISOLATED */,
  { errno: ENETUNREACH, fatal: true } /* ICMP_NET_ANO */,
  { errno: EHOSTUNREACH, fatal: true } /* ICMP_HOST_ANO */,
  { errno: ENETUNREACH, fatal: false } /* ICMP_NET_UNR_TOS */,
  { errno: EHOSTUNREACH, fatal: false } /* ICMP_HOST_UNR_TOS */,
  { errno: EHOSTUNREACH, fatal: true } /* ICMP_PKT_FILTERED */,
  { errno: EHOSTUNREACH, fatal: true } /* ICMP_PREC_VIOLATION */,
  { errno: EHOSTUNREACH, fatal: true } /* ICMP_PREC_CUTOFF */,
];
/** IPTOS_PREC_INTERNETCONTROL: the TOS of ICMP errors. */
const IPTOS_PREC_INTERNETCONTROL = 0xc0;
/** An ICMP error quotes at most this much of the packet, with its own headers (576 bytes in all). */
const ICMP_QUOTE_MAX = 576 - 20 - 8;

/** icmp_out_count(net, type): an ICMP message of `type` sent (also through raw sockets). */
export function icmp_out_count(type: number): void {
  count(type, "Out");
}

function count(type: number, dir: "In" | "Out"): void {
  const m = mib();
  m.icmp[`${dir}Msgs`]++;
  if (type === ICMP_DEST_UNREACH) m.icmp[`${dir}DestUnreachs`]++;
  if (type === ICMP_ECHO) m.icmp[`${dir}Echos`]++;
  if (type === ICMP_ECHOREPLY) m.icmp[`${dir}EchoReps`]++;
  const key = `${dir}Type${type}`;
  m.icmpmsg.set(key, (m.icmpmsg.get(key) ?? 0) + 1);
}

function icmp_build(type: number, code: number, rest: number, body: Uint8Array): Uint8Array {
  const msg = new Uint8Array(8 + body.length);
  const dv = new DataView(msg.buffer);
  dv.setUint8(0, type);
  dv.setUint8(1, code);
  dv.setUint32(4, rest);
  msg.set(body, 8);
  dv.setUint16(2, csum_fold(csum_partial(msg)));
  return msg;
}

/** icmp_send(skb_in, type, code, info): an error about `skb_in` back to its sender. */
export function icmp_send(skb_in: SkBuff, type: number, code: number): void {
  const iph = new DataView(skb_in.data.buffer, skb_in.data.byteOffset);
  const saddr = iph.getUint32(16);
  const daddr = iph.getUint32(12);
  const msg = icmp_build(type, code, 0, skb_in.data.subarray(0, ICMP_QUOTE_MAX));
  count(type, "Out");
  ip_send({ saddr, daddr, protocol: IPPROTO_ICMP, tos: IPTOS_PREC_INTERNETCONTROL, df: false }, msg);
}

/** icmp_rcv(skb): a received ICMP message (the IP header at offset 0). */
export function icmp_rcv(skb: SkBuff): void {
  const ihl = (skb.data[0] & 0xf) * 4;
  const msg = skb.data.subarray(ihl);
  const m = mib();
  if (msg.length < 8 || csum_fold(csum_partial(msg)) !== 0) {
    m.icmp.InMsgs++;
    m.icmp.InErrors++;
    if (msg.length >= 8) m.icmp.InCsumErrors++;
    return;
  }
  const type = msg[0];
  count(type, "In");
  if (type === ICMP_ECHO) {
    const iph = new DataView(skb.data.buffer, skb.data.byteOffset);
    const reply = icmp_build(ICMP_ECHOREPLY, 0, new DataView(msg.buffer, msg.byteOffset).getUint32(4), msg.subarray(8));
    count(ICMP_ECHOREPLY, "Out");
    ip_send({ saddr: iph.getUint32(16), daddr: iph.getUint32(12), protocol: IPPROTO_ICMP, df: false }, reply);
    return;
  }
  if (type === ICMP_DEST_UNREACH || type === ICMP_SOURCE_QUENCH || type === ICMP_TIME_EXCEEDED || type === ICMP_PARAMETERPROB) icmp_socket_deliver(msg);
}

/**
 * icmp_socket_deliver(): an error about a packet we sent (quoted after the ICMP header) goes to the
 * raw sockets of its protocol, then to the protocol's error handler. Without the quoted IP header
 * and 8 bytes of the protocol's header it is an input error.
 */
function icmp_socket_deliver(msg: Uint8Array): void {
  const inner = msg.subarray(8);
  if (inner.length < 20 || (inner[0] & 0xf) < 5 || inner.length < (inner[0] & 0xf) * 4 + 8) {
    mib().icmp.InErrors++;
    return;
  }
  const protocol = inner[9];
  raw_icmp_error(inner, protocol, msg[0], msg[1]);
  if (protocol === IPPROTO_UDP && msg[0] === ICMP_DEST_UNREACH) udp_err(inner, msg[1]);
}
