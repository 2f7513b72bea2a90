// Mirrors libpcap 1.10 bpf_image.c and bpf_dump() (bpf_dump.c): the text "tcpdump -d" prints for a
// compiled program, one line per instruction: "(000) ldh      [12]",
// "(001) jeq      #0x800           jt 2	jf 5".
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_CLASS, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL,
  BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, type SockFilter,
} from "../../include/uapi/filter.js";

const hex = (v: number): string => `#0x${(v >>> 0).toString(16)}`;
const dec = (v: number): string => `#${v | 0}`;

/** Mnemonic and operand text of each opcode (the switch in bpf_image()). */
function image_of(p: SockFilter, n: number): [string, string] {
  const k = p.k >>> 0;
  const alu: Record<number, [string, (v: number) => string]> = {
    [BPF_ADD]: ["add", dec], [BPF_SUB]: ["sub", dec], [BPF_MUL]: ["mul", dec], [BPF_DIV]: ["div", dec], [BPF_MOD]: ["mod", dec],
    [BPF_AND]: ["and", hex], [BPF_OR]: ["or", hex], [BPF_XOR]: ["xor", hex], [BPF_LSH]: ["lsh", dec], [BPF_RSH]: ["rsh", dec],
  };
  const jmp: Record<number, string> = { [BPF_JGT]: "jgt", [BPF_JGE]: "jge", [BPF_JEQ]: "jeq", [BPF_JSET]: "jset" };
  const size: Record<number, string> = { [BPF_W]: "ld", [BPF_H]: "ldh", [BPF_B]: "ldb" };
  switch (p.code) {
    case BPF_RET | BPF_K: return ["ret", dec(k)];
    case BPF_RET | BPF_A: return ["ret", ""];
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_H | BPF_ABS:
    case BPF_LD | BPF_B | BPF_ABS: return [size[p.code & 0x18], `[${k | 0}]`];
    case BPF_LD | BPF_W | BPF_LEN: return ["ld", "#pktlen"];
    case BPF_LDX | BPF_W | BPF_LEN: return ["ldx", "#pktlen"];
    case BPF_LD | BPF_W | BPF_IND:
    case BPF_LD | BPF_H | BPF_IND:
    case BPF_LD | BPF_B | BPF_IND: return [size[p.code & 0x18], `[x + ${k | 0}]`];
    case BPF_LD | BPF_IMM: return ["ld", hex(k)];
    case BPF_LDX | BPF_IMM: return ["ldx", hex(k)];
    case BPF_LDX | BPF_MSH | BPF_B: return ["ldxb", `4*([${k | 0}]&0xf)`];
    case BPF_LD | BPF_MEM: return ["ld", `M[${k}]`];
    case BPF_LDX | BPF_MEM: return ["ldx", `M[${k}]`];
    case BPF_ST: return ["st", `M[${k}]`];
    case BPF_STX: return ["stx", `M[${k}]`];
    case BPF_JMP | BPF_JA: return ["ja", `${n + 1 + k}`];
    case BPF_ALU | BPF_NEG: return ["neg", ""];
    case BPF_MISC | BPF_TAX: return ["tax", ""];
    case BPF_MISC | BPF_TXA: return ["txa", ""];
  }
  if (BPF_CLASS(p.code) === BPF_JMP && jmp[p.code & 0xf0] && (p.code & ~0xf8) === BPF_JMP) {
    return [jmp[p.code & 0xf0], (p.code & BPF_X) !== 0 ? "x" : hex(k)];
  }
  if (BPF_CLASS(p.code) === BPF_ALU && alu[p.code & 0xf0] && (p.code & ~0xf8) === BPF_ALU) {
    const [op, fmt] = alu[p.code & 0xf0];
    return [op, (p.code & BPF_X) !== 0 ? "x" : fmt(k)];
  }
  return ["unimp", `0x${p.code.toString(16)}`];
}

/** bpf_image(): the line for instruction `n`, without a newline. */
export function bpf_image(p: SockFilter, n: number): string {
  const [op, operand] = image_of(p, n);
  const num = String(n).padStart(3, "0");
  if (BPF_CLASS(p.code) === BPF_JMP && (p.code & 0xf0) !== BPF_JA) {
    return `(${num}) ${op.padEnd(8)} ${operand.padEnd(16)} jt ${n + 1 + p.jt}\tjf ${n + 1 + p.jf}`;
  }
  return `(${num}) ${op.padEnd(8)} ${operand}`;
}

/** bpf_dump(p, 1): tcpdump -d's listing, one line per instruction, each ending in "\n". */
export function bpf_dump(prog: SockFilter[]): string {
  return prog.map((p, i) => bpf_image(p, i) + "\n").join("");
}
