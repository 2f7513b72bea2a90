// Mirrors lib/vsprintf.c: the printf engine behind printk, snprintf and the libc's printf.
// Integers follow the ILP32 ARM ABI of the simulated machine: int, long, size_t are 32 bits, long long
// is 64. A C string may be given as a JS string or as bytes (read up to the first NUL).

export type FormatArg = number | bigint | string | Uint8Array | boolean | null | undefined;

const decoder = new TextDecoder();

/** The C string in `s`: a JS string as is, bytes up to the first NUL. */
export function cstr(s: string | Uint8Array): string {
  if (typeof s === "string") return s;
  const nul = s.indexOf(0);
  return decoder.decode(nul < 0 ? s : s.subarray(0, nul));
}

function toBig(arg: FormatArg): bigint {
  if (typeof arg === "bigint") return arg;
  if (typeof arg === "number") return BigInt(Math.trunc(arg));
  if (typeof arg === "boolean") return arg ? 1n : 0n;
  return 0n;
}

/** Reduce to `bits` width, signed or unsigned, as a C conversion would. */
function narrow(v: bigint, bits: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function pad(body: string, width: number, left: boolean, zero: boolean, signLen: number): string {
  if (body.length >= width) return body;
  if (left) return body + " ".repeat(width - body.length);
  if (zero) return body.slice(0, signLen) + "0".repeat(width - body.length) + body.slice(signLen);
  return " ".repeat(width - body.length) + body;
}

/**
 * Format like C's vsnprintf. Supports flags `-+ #0`, width and precision (also `*`), length
 * modifiers hh h l ll z t j, and conversions d i u o x X c s p %. `%p` prints the value as
 * 8 hex digits (a kernel's %px on a 32-bit machine).
 */
export function vsprintf(fmt: string, args: readonly FormatArg[]): string {
  let out = "";
  let ai = 0;
  const next = (): FormatArg => args[ai++];
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf("%", i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    i = pct + 1;
    let left = false, plus = false, space = false, alt = false, zero = false;
    for (;; i++) {
      const c = fmt[i];
      if (c === "-") left = true;
      else if (c === "+") plus = true;
      else if (c === " ") space = true;
      else if (c === "#") alt = true;
      else if (c === "0") zero = true;
      else break;
    }
    let width = 0;
    if (fmt[i] === "*") {
      width = Number(next() ?? 0);
      if (width < 0) {
        left = true;
        width = -width;
      }
      i++;
    } else {
      while (fmt[i] >= "0" && fmt[i] <= "9") width = width * 10 + Number(fmt[i++]);
    }
    let precision = -1;
    if (fmt[i] === ".") {
      i++;
      precision = 0;
      if (fmt[i] === "*") {
        precision = Number(next() ?? 0);
        i++;
      } else {
        while (fmt[i] >= "0" && fmt[i] <= "9") precision = precision * 10 + Number(fmt[i++]);
      }
    }
    let bits = 32;
    if (fmt[i] === "h") {
      i++;
      bits = 16;
      if (fmt[i] === "h") {
        i++;
        bits = 8;
      }
    } else if (fmt[i] === "l") {
      i++;
      if (fmt[i] === "l") {
        i++;
        bits = 64;
      }
    } else if (fmt[i] === "L" || fmt[i] === "j" || fmt[i] === "q") {
      i++;
      bits = 64;
    } else if (fmt[i] === "z" || fmt[i] === "t") {
      i++;
    }
    const conv = fmt[i++];
    switch (conv) {
      case "%":
        out += "%";
        break;
      case "d":
      case "i":
      case "u": {
        const signed = conv !== "u";
        const v = narrow(toBig(next()), bits, signed);
        let digits = (v < 0n ? -v : v).toString();
        if (precision >= 0) {
          zero = false;
          if (precision === 0 && v === 0n) digits = "";
          digits = digits.padStart(precision, "0");
        }
        const sign = v < 0n ? "-" : plus && signed ? "+" : space && signed ? " " : "";
        out += pad(sign + digits, width, left, zero, sign.length);
        break;
      }
      case "x":
      case "X":
      case "o":
      case "p": {
        const isPtr = conv === "p";
        if (isPtr && fmt[i] === "x") i++; // %px: the raw address
        const v = narrow(toBig(next()), isPtr ? 32 : bits, false);
        let digits = v.toString(conv === "o" ? 8 : 16);
        if (conv === "X") digits = digits.toUpperCase();
        if (isPtr) digits = digits.padStart(8, "0");
        if (precision >= 0) {
          zero = false;
          if (precision === 0 && v === 0n) digits = "";
          digits = digits.padStart(precision, "0");
        }
        let prefix = "";
        if (alt && v !== 0n) prefix = conv === "o" ? "0" : conv === "X" ? "0X" : "0x";
        out += pad(prefix + digits, width, left, zero, prefix.length);
        break;
      }
      case "c": {
        const a = next();
        const ch = typeof a === "string" ? a.charAt(0) : String.fromCharCode(Number(toBig(a) & 0xffn));
        out += pad(ch, width, left, false, 0);
        break;
      }
      case "s": {
        const a = next();
        let s = a === null || a === undefined ? "(null)" : typeof a === "string" || a instanceof Uint8Array ? cstr(a) : String(a);
        if (precision >= 0) s = s.slice(0, precision);
        out += pad(s, width, left, false, 0);
        break;
      }
      default:
        // An unknown conversion is printed as written, as the kernel's vsnprintf does.
        out += "%" + (conv ?? "");
        break;
    }
  }
  return out;
}

/** snprintf(buf, size, fmt, ...): the full length of the result, and at most size-1 bytes stored. */
export function snprintf(buf: Uint8Array, size: number, fmt: string, ...args: FormatArg[]): number {
  const bytes = new TextEncoder().encode(vsprintf(fmt, args));
  if (size > 0) {
    const n = Math.min(bytes.length, size - 1, buf.length - 1);
    buf.set(bytes.subarray(0, n));
    buf[n] = 0;
  }
  return bytes.length;
}

/** MurmurHash3's finalizer: a cheap, well-mixed 32-bit hash. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * ptr_to_id(): what %p, and %pK with kptr_restrict 0 (5.15's default), print for a kernel address:
 * a keyed hash, never the address, as 8 lowercase hex digits on 32-bit ARM. Linux keys it with a
 * random per-boot siphash key; kplay's key comes from the boot's seed, so runs repeat.
 */
export function ptr_to_id(key: number, addr: number): string {
  return fmix32((addr ^ key) >>> 0).toString(16).padStart(8, "0");
}
