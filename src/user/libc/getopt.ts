// Mirrors glibc posix/getopt.c: getopt_long() with GNU argument permutation (options may follow
// operands until "--"), clustered short options, "o:" taking the rest of the word or the next
// one, and long options by unique prefix. Its complaints go to stderr in glibc's words.
import { fprintf, stderr } from "./stdio.js";

export interface LongOption {
  name: string;
  has_arg: 0 | 1;
  /** What getopt_long returns for it (a short option's letter code, or a value of its own). */
  val: number;
}

export interface Getopt {
  /** Each option as [its return value, its argument], in order; '?' is 63 after an error. */
  opts: [number, string | null][];
  /** The operands, in order. */
  operands: string[];
  /** Whether any option was refused (an error was printed). */
  error: boolean;
}

/** Parse argv[1..] against `optstring` and `longopts`, printing glibc's errors as prog. */
export function getopt_long(argv: string[], optstring: string, longopts: LongOption[] = []): Getopt {
  const prog = argv[0] ?? "";
  const r: Getopt = { opts: [], operands: [], error: false };
  const takes = (c: string): boolean | null => {
    const i = optstring.indexOf(c);
    return c === ":" || i < 0 ? null : optstring[i + 1] === ":";
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      r.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = longopts.find((o) => o.name === name);
      const matches = exact ? [exact] : longopts.filter((o) => o.name.startsWith(name));
      if (matches.length !== 1) {
        fprintf(stderr(), matches.length ? "%s: option '%s' is ambiguous\n" : "%s: unrecognized option '%s'\n", prog, eq < 0 ? a : a.slice(0, eq));
        r.opts.push([63, null]);
        r.error = true;
        continue;
      }
      const o = matches[0];
      if (o.has_arg && eq < 0 && i + 1 >= argv.length) {
        fprintf(stderr(), "%s: option '--%s' requires an argument\n", prog, o.name);
        r.opts.push([63, null]);
        r.error = true;
        continue;
      }
      if (!o.has_arg && eq >= 0) {
        fprintf(stderr(), "%s: option '--%s' doesn't allow an argument\n", prog, o.name);
        r.opts.push([63, null]);
        r.error = true;
        continue;
      }
      r.opts.push([o.val, o.has_arg ? (eq >= 0 ? a.slice(eq + 1) : argv[++i]) : null]);
      continue;
    }
    if (!a.startsWith("-") || a === "-") {
      r.operands.push(a);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const t = takes(c);
      if (t === null) {
        fprintf(stderr(), "%s: invalid option -- '%s'\n", prog, c);
        r.opts.push([63, null]);
        r.error = true;
        continue;
      }
      if (!t) {
        r.opts.push([c.charCodeAt(0), null]);
        continue;
      }
      if (j + 1 < a.length) r.opts.push([c.charCodeAt(0), a.slice(j + 1)]);
      else if (i + 1 < argv.length) r.opts.push([c.charCodeAt(0), argv[++i]]);
      else {
        fprintf(stderr(), "%s: option requires an argument -- '%s'\n", prog, c);
        r.opts.push([63, null]);
        r.error = true;
      }
      break;
    }
  }
  return r;
}
