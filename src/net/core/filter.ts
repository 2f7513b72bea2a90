// Mirrors net/core/filter.c (Linux 5.15), classic BPF only: bpf_check_classic() with
// chk_code_allowed() and check_load_and_stores(), the socket filter attach/detach calls, and
// sk_filter(). The kernel converts a classic program to eBPF and runs that; kplay interprets the
// classic program directly with the semantics the conversion gives it (an out-of-bounds load or a
// division by X == 0 ends the program with 0). libpcap's userland filter runs this same
// interpreter (src/user/libpcap/bpf_filter.ts).
import { EINVAL, ENOENT } from "../../include/uapi/errno.js";
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_CLASS, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS, BPF_MISC,
  BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X,
  BPF_XOR, SKF_AD_MAX, SKF_AD_OFF, type SockFilter,
} from "../../include/uapi/filter.js";

export * from "../../include/uapi/filter.js";

/** The opcodes a classic program may use (chk_code_allowed's codes[] table). */
const codes = new Set<number>([
  // 32 bit ALU operations
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_MOD, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((op) => [BPF_ALU | op | BPF_K, BPF_ALU | op | BPF_X]),
  BPF_ALU | BPF_NEG,
  // Load instructions
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_H | BPF_ABS, BPF_LD | BPF_B | BPF_ABS,
  BPF_LD | BPF_W | BPF_LEN,
  BPF_LD | BPF_W | BPF_IND, BPF_LD | BPF_H | BPF_IND, BPF_LD | BPF_B | BPF_IND,
  BPF_LD | BPF_IMM, BPF_LD | BPF_MEM,
  BPF_LDX | BPF_W | BPF_LEN, BPF_LDX | BPF_B | BPF_MSH, BPF_LDX | BPF_IMM, BPF_LDX | BPF_MEM,
  // Store instructions
  BPF_ST, BPF_STX,
  // Misc instructions
  BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  // Return instructions
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  // Jump instructions
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [BPF_JMP | op | BPF_K, BPF_JMP | op | BPF_X]),
]);

const chk_code_allowed = (code: number): boolean => codes.has(code);

const is_cond_jump = (code: number): boolean => BPF_CLASS(code) === BPF_JMP && (code & 0xf0) !== BPF_JA;

/** bpf_anc_helper(): is this an absolute load of a known ancillary field (SKF_AD_OFF + SKF_AD_*)? */
function bpf_anc_known(f: SockFilter): boolean {
  const off = (f.k | 0) - SKF_AD_OFF;
  return (f.k | 0) >= SKF_AD_OFF && off < SKF_AD_MAX && off % 4 === 0;
}

/** bpf_check_basics_ok(): a program of 1..BPF_MAXINSNS instructions. */
export const bpf_check_basics_ok = (prog: SockFilter[] | null): boolean => prog !== null && prog.length > 0 && prog.length <= BPF_MAXINSNS;

/**
 * check_load_and_stores - reject a load of a scratch slot (M[k]) that some path reaches before any
 * store to it. Returns 0 or -EINVAL.
 */
function check_load_and_stores(prog: SockFilter[]): number {
  const flen = prog.length;
  const masks = new Array<number>(flen).fill(0xffff);
  let memvalid = 0;
  for (let pc = 0; pc < flen; pc++) {
    memvalid &= masks[pc];
    const f = prog[pc];
    switch (f.code) {
      case BPF_ST:
      case BPF_STX:
        memvalid |= 1 << f.k;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if (!(memvalid & (1 << f.k))) return -EINVAL;
        break;
      case BPF_JMP | BPF_JA:
        masks[pc + 1 + f.k] &= memvalid;
        memvalid = 0xffff;
        break;
      default:
        if (is_cond_jump(f.code)) {
          masks[pc + 1 + f.jt] &= memvalid;
          masks[pc + 1 + f.jf] &= memvalid;
          memvalid = 0xffff;
        }
    }
  }
  return 0;
}

/**
 * bpf_check_classic - verify a classic BPF program as 5.15 does before attaching it: 1 to
 * BPF_MAXINSNS instructions of known opcodes, no division or modulo by a constant 0, no shift by a
 * constant >= 32, scratch slots below BPF_MEMWORDS and stored before they are loaded, every jump
 * inside the program, no unknown ancillary load, and a RET last.
 * Returns 0 or -EINVAL.
 */
export function bpf_check_classic(prog: SockFilter[]): number {
  if (!bpf_check_basics_ok(prog)) return -EINVAL;
  const flen = prog.length;
  for (let pc = 0; pc < flen; pc++) {
    const f = prog[pc];
    if (!chk_code_allowed(f.code)) return -EINVAL;
    switch (f.code) {
      case BPF_ALU | BPF_DIV | BPF_K:
      case BPF_ALU | BPF_MOD | BPF_K:
        if (f.k === 0) return -EINVAL;
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (f.k >>> 0 >= 32) return -EINVAL;
        break;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
      case BPF_ST:
      case BPF_STX:
        if (f.k >>> 0 >= BPF_MEMWORDS) return -EINVAL;
        break;
      case BPF_JMP | BPF_JA:
        // A large k might loop; conditional jumps are limited by their u8 offsets.
        if (f.k >>> 0 >= flen - pc - 1) return -EINVAL;
        break;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS:
        if (f.k >>> 0 >= SKF_AD_OFF >>> 0 && !bpf_anc_known(f)) return -EINVAL;
        break;
      default:
        if (is_cond_jump(f.code) && (pc + f.jt + 1 >= flen || pc + f.jf + 1 >= flen)) return -EINVAL;
    }
  }
  const last = prog[flen - 1].code;
  if (last === (BPF_RET | BPF_K) || last === (BPF_RET | BPF_A)) return check_load_and_stores(prog);
  return -EINVAL;
}

/**
 * bpf_prog_run_classic - run a classic program over a packet whose first pkt.length bytes are
 * present (the linear data; libpcap's caplen) and whose length on the wire is `wirelen` (what
 * BPF_LEN loads). Returns the RET value: 0 drops the packet, anything else is the number of bytes
 * to keep. A load outside the packet, a load at a negative offset (SKF_NET_OFF/SKF_LL_OFF) or of an
 * ancillary field (SKF_AD_OFF + SKF_AD_*: kplay has no skb metadata to give), and a division or
 * modulo by X == 0 end the program with 0, as the kernel's converted program does. The program
 * must have passed bpf_check_classic().
 */
export function bpf_prog_run_classic(prog: SockFilter[], pkt: Uint8Array, wirelen = pkt.length): number {
  const mem = new Uint32Array(BPF_MEMWORDS);
  let A = 0;
  let X = 0;
  const buflen = pkt.length;
  const load = (k: number, size: number): number | null => {
    if (k < 0) return null;
    const n = size === BPF_W ? 4 : size === BPF_H ? 2 : 1;
    if (k > buflen - n) return null;
    if (n === 1) return pkt[k];
    if (n === 2) return (pkt[k] << 8) | pkt[k + 1];
    return ((pkt[k] << 24) | (pkt[k + 1] << 16) | (pkt[k + 2] << 8) | pkt[k + 3]) >>> 0;
  };
  for (let pc = 0; pc < prog.length; pc++) {
    const f = prog[pc];
    const k = f.k >>> 0;
    switch (f.code) {
      case BPF_RET | BPF_K:
        return k;
      case BPF_RET | BPF_A:
        return A >>> 0;
      case BPF_LD | BPF_W | BPF_ABS:
      case BPF_LD | BPF_H | BPF_ABS:
      case BPF_LD | BPF_B | BPF_ABS: {
        const v = load(k | 0, f.code & 0x18);
        if (v === null) return 0;
        A = v;
        break;
      }
      case BPF_LD | BPF_W | BPF_IND:
      case BPF_LD | BPF_H | BPF_IND:
      case BPF_LD | BPF_B | BPF_IND: {
        const v = load((X + k) | 0, f.code & 0x18);
        if (v === null) return 0;
        A = v;
        break;
      }
      case BPF_LD | BPF_W | BPF_LEN:
        A = wirelen >>> 0;
        break;
      case BPF_LDX | BPF_W | BPF_LEN:
        X = wirelen >>> 0;
        break;
      case BPF_LDX | BPF_B | BPF_MSH: {
        const v = load(k | 0, BPF_B);
        if (v === null) return 0;
        X = (v & 0xf) << 2;
        break;
      }
      case BPF_LD | BPF_IMM:
        A = k;
        break;
      case BPF_LDX | BPF_IMM:
        X = k;
        break;
      case BPF_LD | BPF_MEM:
        A = mem[k];
        break;
      case BPF_LDX | BPF_MEM:
        X = mem[k];
        break;
      case BPF_ST:
        mem[k] = A;
        break;
      case BPF_STX:
        mem[k] = X;
        break;
      case BPF_JMP | BPF_JA:
        pc += k;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += A >>> 0 > k ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += A >>> 0 >= k ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += A >>> 0 === k ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (A & k) !== 0 ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_X:
        pc += A >>> 0 > X >>> 0 ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_X:
        pc += A >>> 0 >= X >>> 0 ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JEQ | BPF_X:
        pc += A >>> 0 === X >>> 0 ? f.jt : f.jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_X:
        pc += (A & X) !== 0 ? f.jt : f.jf;
        break;
      case BPF_MISC | BPF_TAX:
        X = A;
        break;
      case BPF_MISC | BPF_TXA:
        A = X;
        break;
      case BPF_ALU | BPF_NEG:
        A = -A;
        break;
      default: {
        if ((f.code & 0x07) !== BPF_ALU) return 0;
        const src = (f.code & BPF_X) !== 0 ? X >>> 0 : k;
        switch (f.code & 0xf0) {
          case BPF_ADD: A = A + src; break;
          case BPF_SUB: A = A - src; break;
          case BPF_MUL: A = Math.imul(A, src); break;
          case BPF_DIV:
            if (src === 0) return 0;
            A = Math.floor((A >>> 0) / src);
            break;
          case BPF_MOD:
            if (src === 0) return 0;
            A = (A >>> 0) % src;
            break;
          case BPF_AND: A = A & src; break;
          case BPF_OR: A = A | src; break;
          case BPF_XOR: A = A ^ src; break;
          // The eBPF interpreter masks a 32-bit shift count to 5 bits.
          case BPF_LSH: A = A << (src & 31); break;
          case BPF_RSH: A = (A >>> 0) >>> (src & 31); break;
          default: return 0;
        }
      }
    }
    A >>>= 0;
  }
  return 0;
}

/** The socket side of a filter: the owner of `struct sock` gives its sk_filter field this shape. */
export interface FilteredSock {
  sk_filter: SockFilter[] | null;
}

/**
 * sk_attach_filter - check a classic program (SO_ATTACH_FILTER) and make a copy of it the socket's
 * filter, replacing any earlier one. Returns 0 or -EINVAL.
 */
export function sk_attach_filter(sk: FilteredSock, prog: SockFilter[]): number {
  const err = bpf_check_classic(prog);
  if (err) return err;
  sk.sk_filter = prog.map((f) => ({ code: f.code, jt: f.jt, jf: f.jf, k: f.k >>> 0 }));
  return 0;
}

/** sk_detach_filter - drop the socket's filter (SO_DETACH_FILTER). Returns 0 or -ENOENT when none. */
export function sk_detach_filter(sk: FilteredSock): number {
  if (!sk.sk_filter) return -ENOENT;
  sk.sk_filter = null;
  return 0;
}

/**
 * sk_filter - run the socket's filter over a packet about to be queued to it. Returns how many
 * bytes of the packet to keep: 0 means drop it; with no filter, all of it.
 */
export function sk_filter(sk: FilteredSock, pkt: Uint8Array, wirelen = pkt.length): number {
  if (!sk.sk_filter) return pkt.length;
  return Math.min(bpf_prog_run_classic(sk.sk_filter, pkt, wirelen), pkt.length);
}
