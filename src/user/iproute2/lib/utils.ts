// Mirrors iproute2 v5.15.0 lib/utils.c and include/utils.h: the argument helpers every iproute2
// tool uses (matches, get_u16 over strtoul, NEXT_ARG's incomplete_command) and the version string.
import { fprintf, stderr } from "../../libc/stdio.js";
import { exit } from "../../libc/stdlib.js";

/** include/version.h */
export const version = "5.15.0";

/** matches(prefix, string): 0 when prefix is a non-empty prefix of string. */
export function matches(prefix: string, string: string): number {
  if (!prefix) return 1;
  return string.startsWith(prefix) ? 0 : 1;
}

/**
 * strtoul(s, &end, base) for base 0 or 10/16: leading blanks, a sign, 0x/0 prefixes when base is 0.
 * Returns the value (a negative number wraps as in C) and where parsing stopped, and whether it
 * overflowed unsigned long (32 bits on this machine).
 */
function strtoul(s: string, base: number): { value: number; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i])) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") neg = s[i++] === "-";
  if ((base === 0 || base === 16) && s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X") && /[0-9a-fA-F]/.test(s[i + 2] ?? "")) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === "0" ? 8 : 10;
  const start = i;
  let v = 0n;
  for (; i < s.length; i++) {
    const d = Number.parseInt(s[i], 36);
    if (Number.isNaN(d) || d >= base) break;
    v = v * BigInt(base) + BigInt(d);
  }
  if (i === start) return { value: 0, end: 0, overflow: false };
  const overflow = v > 0xffffffffn;
  const value = overflow ? 0xffffffff : Number(neg ? BigInt.asUintN(32, -v) : v);
  return { value, end: i, overflow };
}

/** get_u16(&val, arg, base): the value, or null for an empty or malformed argument or one above 0xFFFF. */
export function get_u16(arg: string, base: number): number | null {
  if (!arg) return null;
  const r = strtoul(arg, base);
  if (r.end === 0 || r.end !== arg.length) return null;
  if (r.overflow) return null;
  if (r.value > 0xffff) return null;
  return r.value;
}

/** incomplete_command(): what NEXT_ARG() calls when the arguments ran out. */
export async function incomplete_command(): Promise<never> {
  fprintf(stderr(), 'Command line is not complete. Try option "help"\n');
  return exit(-1);
}
