// Mirrors libpcap 1.10 gencode.h: the qualifiers of a primitive (struct qual), the code block
// the generators build, the compiler state, and bpf_error(). Kept apart from gencode.ts so the
// grammar and the generators, which call each other, both start from finished definitions.
import type { SockFilter } from "../../include/uapi/filter.js";

// Address qualifiers
export const Q_HOST = 1;
export const Q_NET = 2;
export const Q_PORT = 3;
export const Q_PROTO = 5;
export const Q_PORTRANGE = 7;
// Protocol qualifiers
export const Q_LINK = 1;
export const Q_IP = 2;
export const Q_ARP = 3;
export const Q_RARP = 4;
export const Q_SCTP = 5;
export const Q_TCP = 6;
export const Q_UDP = 7;
export const Q_ICMP = 8;
// Direction qualifiers
export const Q_SRC = 1;
export const Q_DST = 2;
export const Q_OR = 3;
export const Q_AND = 4;

export const Q_DEFAULT = 0;
export const Q_UNDEF = 255;

/** struct qual: what a primitive's id means, carried forward to the ids after "and"/"or". */
export interface Qual {
  addr: number;
  proto: number;
  dir: number;
}

export const qerr: Qual = { addr: Q_UNDEF, proto: Q_UNDEF, dir: Q_UNDEF };

/** bpf_error()'s unwinding: the message pcap_compile() returns. */
export class BpfError extends Error {}

export function bpf_error(msg: string): never {
  throw new BpfError(msg);
}

/** A condition or a combination of conditions (libpcap's struct block with its edges). */
export type Block =
  | { kind: "cond"; stmts: SockFilter[]; code: number; k: number }
  | { kind: "and" | "or"; b0: Block; b1: Block }
  | { kind: "not"; b: Block };

/** compiler_state_t: the link layer's offsets and the name lookups. */
export interface CompilerState {
  linktype: number;
  snaplen: number;
  /** Offset of the ethertype-like field, or null when the link layer has none. */
  off_linktype: number | null;
  /** Offset of the link-layer payload (the IP header), or null. */
  off_linkpl: number | null;
  resolve_host: (name: string) => number | null;
  resolve_port: (name: string) => number | null;
}

