// Mirrors lib/kstrtox.c: strict string-to-integer conversion for kernel code.
import { EINVAL, ERANGE } from "../include/uapi/errno.js";
import { cstr } from "./vsprintf.js";

/**
 * Parse an integer as the kernel's kstrtoll does: optional sign, then digits in `base` (0 means
 * auto-detect 0x/0 prefixes), with one optional trailing newline and nothing else.
 * Returns the value, or -EINVAL for malformed input, -ERANGE when it does not fit in `bits`.
 */
function kstrto(s: string | Uint8Array, base: number, bits: number, signed: boolean): { err: number; val: number } {
  let str = cstr(s);
  let neg = false;
  if (str[0] === "+") str = str.slice(1);
  else if (str[0] === "-" && signed) {
    neg = true;
    str = str.slice(1);
  }
  if (base === 0) {
    if (/^0x/i.test(str) && /[0-9a-f]/i.test(str[2] ?? "")) {
      base = 16;
      str = str.slice(2);
    } else if (str[0] === "0") base = 8;
    else base = 10;
  } else if (base === 16 && /^0x/i.test(str)) {
    str = str.slice(2);
  }
  if (str.endsWith("\n")) str = str.slice(0, -1);
  const digits = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base);
  if (str.length === 0) return { err: -EINVAL, val: 0 };
  let v = 0n;
  for (const ch of str.toLowerCase()) {
    const d = digits.indexOf(ch);
    if (d < 0) return { err: -EINVAL, val: 0 };
    v = v * BigInt(base) + BigInt(d);
    if (v > 1n << 64n) return { err: -ERANGE, val: 0 };
  }
  if (neg) v = -v;
  const min = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const max = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  if (v < min || v > max) return { err: -ERANGE, val: 0 };
  return { err: 0, val: Number(v) };
}

/** kstrtoint(s, base, &res): 0 and *res set, or -EINVAL / -ERANGE with *res untouched. */
export function kstrtoint(s: string | Uint8Array, base: number, res: { value: number }): number {
  const r = kstrto(s, base, 32, true);
  if (r.err === 0) res.value = r.val;
  return r.err;
}

/** kstrtouint(s, base, &res). */
export function kstrtouint(s: string | Uint8Array, base: number, res: { value: number }): number {
  const r = kstrto(s, base, 32, false);
  if (r.err === 0) res.value = r.val;
  return r.err;
}

/** kstrtol(s, base, &res) for a 32-bit long. */
export const kstrtol = kstrtoint;
