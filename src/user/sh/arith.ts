// Mirrors shell/math.c: $(( )) arithmetic on C long (32-bit on this machine) with C precedence,
// variables by name, assignments, and ash's error texts.
import type { Shell } from "./shell.js";

const BINARY: [string[], number][] = [
  [["||"], 1],
  [["&&"], 2],
  [["|"], 3],
  [["^"], 4],
  [["&"], 5],
  [["==", "!="], 6],
  [["<=", ">=", "<", ">"], 7],
  [["<<", ">>"], 8],
  [["+", "-"], 9],
  [["*", "/", "%"], 10],
];
const ASSIGN = ["=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="];
const TOKEN = /\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|<<=|>>=|\+=|-=|\*=|\/=|%=|&=|\^=|\|=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>=!~&^|()?:])/y;

export function arith(sh: Shell, src: string): number {
  const text = src.replace(/\$\{?([A-Za-z_]\w*|\d+|[?#$!])\}?/g, (_m, n: string) => (n === "?" ? String(sh.exitstatus) : /^\d+$/.test(n) ? (sh.args[Number(n) - 1] ?? "") : (sh.lookupvar(n) ?? "")));
  const toks: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) toks.push(m[1]);
  if (text.slice(TOKEN.lastIndex).trim() !== "") sh.error(`arithmetic syntax error`);
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const fail = (): never => sh.error(`arithmetic syntax error`);
  const val = (t: string): number => {
    if (/^\d|^0[xX]/.test(t)) return Number(t.startsWith("0") && t.length > 1 && !/^0[xX]/.test(t) ? Number.parseInt(t, 8) : t) | 0;
    const v = sh.lookupvar(t) ?? "";
    return v === "" ? 0 : arith(sh, v);
  };
  const primary = (): number | { name: string; value: number } => {
    const t = toks[i++];
    if (t === undefined) fail();
    if (t === "(") {
      const v = expr();
      if (toks[i++] !== ")") fail();
      return v;
    }
    if (t === "-") return -num(primary()) | 0;
    if (t === "+") return num(primary());
    if (t === "!") return num(primary()) ? 0 : 1;
    if (t === "~") return ~num(primary());
    if (/^[A-Za-z_]/.test(t)) return { name: t, value: val(t) };
    if (/^\d/.test(t)) return val(t);
    return fail();
  };
  const num = (v: number | { value: number }): number => (typeof v === "number" ? v : v.value);
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case "||": return a || b ? 1 : 0;
      case "&&": return a && b ? 1 : 0;
      case "|": return a | b;
      case "^": return a ^ b;
      case "&": return a & b;
      case "==": return a === b ? 1 : 0;
      case "!=": return a !== b ? 1 : 0;
      case "<=": return a <= b ? 1 : 0;
      case ">=": return a >= b ? 1 : 0;
      case "<": return a < b ? 1 : 0;
      case ">": return a > b ? 1 : 0;
      case "<<": return a << b;
      case ">>": return a >> b;
      case "+": return (a + b) | 0;
      case "-": return (a - b) | 0;
      case "*": return Math.imul(a, b);
      case "/":
      case "%":
        if (b === 0) sh.error("divide by zero");
        return op === "/" ? (a / b) | 0 : a % b;
    }
    return fail();
  };
  const binary = (level: number): number => {
    if (level >= BINARY.length) return num(primary());
    let a = binary(level + 1);
    while (peek() !== undefined && BINARY[level][0].includes(peek()!)) {
      const op = toks[i++];
      a = apply(op, a, binary(level + 1));
    }
    return a;
  };
  const expr = (): number => {
    const save = i;
    const lhs = primary();
    if (typeof lhs !== "number" && ASSIGN.includes(peek() ?? "")) {
      const op = toks[i++];
      const rhs = expr();
      const v = op === "=" ? rhs : apply(op.slice(0, -1), lhs.value, rhs);
      sh.setvar(lhs.name, String(v));
      return v;
    }
    i = save;
    const c = binary(0);
    if (peek() === "?") {
      i++;
      const a = expr();
      if (toks[i++] !== ":") fail();
      const b = expr();
      return c ? a : b;
    }
    return c;
  };
  if (toks.length === 0) return 0;
  const r = expr();
  if (i !== toks.length) fail();
  return r;
}
