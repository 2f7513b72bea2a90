// Mirrors include/uapi/linux/filter.h and include/uapi/linux/bpf_common.h (Linux 5.15): classic BPF
// instructions (struct sock_filter), the opcode fields, and the ancillary-load offsets. libpcap's
// pcap/bpf.h defines the same values, so user and kernel code share this file.

/** struct sock_filter: one classic BPF instruction. */
export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** sizeof(struct sock_filter): u16 code, u8 jt, u8 jf, u32 k. */
export const SOCK_FILTER_SIZE = 8;
export const BPF_MAXINSNS = 4096;
/** BPF_MEMWORDS: the scratch memory slots M[0..15]. */
export const BPF_MEMWORDS = 16;

// Instruction classes
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;
export const BPF_CLASS = (code: number): number => code & 0x07;

// ld/ldx fields
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;
export const BPF_SIZE = (code: number): number => code & 0x18;
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;
export const BPF_MODE = (code: number): number => code & 0xe0;

// alu/jmp fields
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;
export const BPF_OP = (code: number): number => code & 0xf0;

export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_SRC = (code: number): number => code & 0x08;

// ret - BPF_K and BPF_X also apply
export const BPF_A = 0x10;
export const BPF_RVAL = (code: number): number => code & 0x18;

// misc
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;
export const BPF_MISCOP = (code: number): number => code & 0xf8;

/** BPF_STMT(code, k) */
export const BPF_STMT = (code: number, k: number): SockFilter => ({ code, jt: 0, jf: 0, k: k >>> 0 });
/** BPF_JUMP(code, k, jt, jf) */
export const BPF_JUMP = (code: number, k: number, jt: number, jf: number): SockFilter => ({ code, jt, jf, k: k >>> 0 });

// "Magic" offsets of ancillary data in a load: SKF_AD_OFF + SKF_AD_* (as u32)
export const SKF_AD_OFF = -0x1000;
export const SKF_AD_PROTOCOL = 0;
export const SKF_AD_PKTTYPE = 4;
export const SKF_AD_IFINDEX = 8;
export const SKF_AD_NLATTR = 12;
export const SKF_AD_NLATTR_NEST = 16;
export const SKF_AD_MARK = 20;
export const SKF_AD_QUEUE = 24;
export const SKF_AD_HATYPE = 28;
export const SKF_AD_RXHASH = 32;
export const SKF_AD_CPU = 36;
export const SKF_AD_ALU_XOR_X = 40;
export const SKF_AD_VLAN_TAG = 44;
export const SKF_AD_VLAN_TAG_PRESENT = 48;
export const SKF_AD_PAY_OFFSET = 52;
export const SKF_AD_RANDOM = 56;
export const SKF_AD_VLAN_TPID = 60;
export const SKF_AD_MAX = 64;
export const SKF_NET_OFF = -0x100000;
export const SKF_LL_OFF = -0x200000;

/**
 * Read `len` struct sock_filter entries of a struct sock_fprog's array from their little-endian
 * bytes (the ARM target's order). The caller has checked that `bytes` holds len * 8 bytes.
 */
export function sock_fprog_decode(bytes: Uint8Array, len: number): SockFilter[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prog: SockFilter[] = [];
  for (let i = 0; i < len; i++) {
    const at = i * SOCK_FILTER_SIZE;
    prog.push({ code: dv.getUint16(at, true), jt: dv.getUint8(at + 2), jf: dv.getUint8(at + 3), k: dv.getUint32(at + 4, true) });
  }
  return prog;
}

/** The inverse of sock_fprog_decode: the bytes a C program would pass in sock_fprog.filter. */
export function sock_fprog_encode(prog: SockFilter[]): Uint8Array {
  const bytes = new Uint8Array(prog.length * SOCK_FILTER_SIZE);
  const dv = new DataView(bytes.buffer);
  prog.forEach((f, i) => {
    const at = i * SOCK_FILTER_SIZE;
    dv.setUint16(at, f.code, true);
    dv.setUint8(at + 2, f.jt);
    dv.setUint8(at + 3, f.jf);
    dv.setUint32(at + 4, f.k >>> 0, true);
  });
  return bytes;
}
