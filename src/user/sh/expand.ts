// Mirrors shell/ash.c's expansion (expandarg, argstr, varvalue, ifsbreakup, expandmeta): parameter
// expansion, command substitution, arithmetic, field splitting on IFS, and pathname expansion.
import { O_DIRECTORY, O_RDONLY, S_ISDIR } from "../../include/uapi/fcntl.js";
import { close, getdents, getpid, open, stat } from "../libc/unistd.js";
import type { Word } from "./parser.js";
import type { Shell } from "./shell.js";
import { run_cmdsubst } from "./eval.js";
import { arith } from "./arith.js";

/** A piece of an expanded word: `quoted` text is neither split nor globbed. */
interface Piece {
  text: string;
  quoted: boolean;
  /** Came from an unquoted expansion: subject to field splitting. */
  split: boolean;
}

/** A field under construction: its text and the same text as a glob pattern (quoted chars escaped). */
interface Field {
  text: string;
  pattern: string;
  globbable: boolean;
}

const GLOB_CHARS = /[*?[]/;

function escape_glob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

async function param_value(sh: Shell, name: string): Promise<string | string[] | undefined> {
  switch (name) {
    case "?":
      return String(sh.exitstatus);
    case "$":
      return String(sh.rootpid || getpid());
    case "!":
      return sh.backgndpid ? String(sh.backgndpid) : "";
    case "#":
      return String(sh.args.length);
    case "0":
      return sh.arg0;
    case "-":
      return (sh.eflag ? "e" : "") + (sh.iflag ? "i" : "") + (sh.mflag ? "m" : "") + (sh.minusc !== null ? "c" : "");
    case "@":
    case "*":
      return sh.args;
  }
  if (/^\d+$/.test(name)) return sh.args[Number(name) - 1];
  return sh.lookupvar(name);
}

/** Expand `word` to pieces (no splitting yet). `"$@"` yields field breaks as null entries. */
async function argstr(sh: Shell, word: Word): Promise<(Piece | null)[]> {
  const out: (Piece | null)[] = [];
  for (const part of word) {
    switch (part.kind) {
      case "lit":
        out.push({ text: part.text, quoted: part.quoted, split: false });
        break;
      case "cmdsub": {
        const text = (await run_cmdsubst(sh, part.body)).replace(/\n+$/, "");
        out.push({ text, quoted: part.quoted, split: !part.quoted });
        break;
      }
      case "arith": {
        const src = await expand_str(sh, [{ kind: "lit", text: part.source, quoted: true }]);
        const v = arith(sh, src);
        out.push({ text: String(v), quoted: part.quoted, split: !part.quoted });
        break;
      }
      case "param": {
        const v = await varvalue(sh, part.name, part.op, part.arg, part.raw);
        if (Array.isArray(v)) {
          if (part.name === "@" && part.quoted) {
            v.forEach((a, i) => {
              if (i > 0) out.push(null);
              out.push({ text: a, quoted: true, split: false });
            });
          } else {
            const ifs = sh.lookupvar("IFS") ?? " \t\n";
            out.push({ text: v.join(part.quoted ? ifs.slice(0, 1) : " "), quoted: part.quoted, split: !part.quoted });
          }
        } else out.push({ text: v, quoted: part.quoted, split: !part.quoted });
        break;
      }
    }
  }
  return out;
}

/** The value of ${name op arg}, with ash's errors for unset and bad substitutions. */
async function varvalue(sh: Shell, name: string, op: string | undefined, arg: Word | undefined, raw: string | undefined): Promise<string | string[]> {
  if (op === "bad") sh.error(`${raw ?? name}: bad substitution`);
  const v = await param_value(sh, name);
  const joined = Array.isArray(v) ? v.join(" ") : v;
  const set = v !== undefined && !(Array.isArray(v) && v.length === 0 && name !== "@" && name !== "*");
  const nonnull = set && joined !== "";
  const argval = (): Promise<string> => expand_str(sh, arg ?? []);
  switch (op) {
    case undefined:
      return v ?? "";
    case "len":
      return String((joined ?? "").length);
    case ":-":
    case "-":
      return (op === ":-" ? nonnull : set) ? (v ?? "") : await argval();
    case ":=":
    case "=":
      if (op === ":=" ? nonnull : set) return v ?? "";
      if (!/^[A-Za-z_]\w*$/.test(name)) sh.error(`$${name}: cannot assign in this way`);
      sh.setvar(name, await argval());
      return sh.lookupvar(name) ?? "";
    case ":+":
    case "+":
      return (op === ":+" ? nonnull : set) ? await argval() : "";
    case ":?":
    case "?": {
      if (op === ":?" ? nonnull : set) return v ?? "";
      const m = await argval();
      sh.error(`${name}: ${m || "parameter not set"}`);
      break;
    }
    case "#":
    case "##":
    case "%":
    case "%%": {
      const s = joined ?? "";
      const re = glob_to_regex(await expand_pattern(sh, arg ?? []), false);
      const longest = op.length === 2;
      const cands = [...Array(s.length + 1).keys()];
      if (op[0] === "#") {
        for (const n of longest ? cands.reverse() : cands) if (re.test(s.slice(0, n))) return s.slice(n);
      } else {
        for (const n of longest ? cands : cands.reverse()) if (re.test(s.slice(n))) return s.slice(0, n);
      }
      return s;
    }
    case ":": {
      const s = joined ?? "";
      const [off, len] = (await argval()).split(":");
      let o = arith(sh, off || "0");
      if (o < 0) o = Math.max(0, s.length + o);
      return len === undefined ? s.slice(o) : s.substr(o, arith(sh, len));
    }
    case "/":
    case "//": {
      const s = joined ?? "";
      const body = await argval();
      const slash = body.indexOf("/");
      const pat = slash < 0 ? body : body.slice(0, slash);
      const rep = slash < 0 ? "" : body.slice(slash + 1);
      const re = new RegExp(glob_to_regex(pat, false).source.replace(/^\^|\$$/g, ""), op === "//" ? "g" : "");
      return s.replace(re, () => rep);
    }
  }
  return v ?? "";
}

/** Expand a word to one string: no field splitting, no globbing (assignments, redirections, case). */
export async function expand_str(sh: Shell, word: Word): Promise<string> {
  const pieces = await argstr(sh, word);
  return pieces.map((p) => (p ? p.text : " ")).join("");
}

/** Expand a word as a pattern (case, ${x#pat}): quoted parts match literally. */
export async function expand_pattern(sh: Shell, word: Word): Promise<string> {
  const pieces = await argstr(sh, word);
  return pieces.map((p) => (p ? (p.quoted ? escape_glob(p.text) : p.text) : " ")).join("");
}

/** Expand words to fields: splitting on IFS and pathname expansion, as for a command's arguments. */
export async function expand_args(sh: Shell, words: Word[]): Promise<string[]> {
  const out: string[] = [];
  for (const w of words) {
    const fields = ifsbreakup(sh, await argstr(sh, w));
    for (const f of fields) {
      if (f.globbable && GLOB_CHARS.test(f.pattern)) {
        const matches = await expandmeta(f.pattern);
        if (matches.length) {
          out.push(...matches);
          continue;
        }
      }
      out.push(f.text);
    }
  }
  return out;
}

function ifsbreakup(sh: Shell, pieces: (Piece | null)[]): Field[] {
  const ifs = sh.lookupvar("IFS") ?? " \t\n";
  const fields: Field[] = [];
  let cur: Field | null = null;
  const start = (): Field => (cur ??= { text: "", pattern: "", globbable: false });
  const end = (): void => {
    if (cur) fields.push(cur);
    cur = null;
  };
  for (const p of pieces) {
    if (p === null) {
      end();
      start();
      continue;
    }
    if (!p.split || ifs === "") {
      const f = start();
      f.text += p.text;
      f.pattern += p.quoted ? escape_glob(p.text) : p.text;
      if (!p.quoted) f.globbable = true;
      continue;
    }
    for (const ch of p.text) {
      if (ifs.includes(ch)) {
        if (" \t\n".includes(ch)) {
          end();
        } else {
          start();
          end();
        }
      } else {
        const f = start();
        f.text += ch;
        f.pattern += ch;
        f.globbable = true;
      }
    }
  }
  end();
  return fields;
}

/** A glob pattern as an anchored RegExp; `\x` matches x literally. */
export function glob_to_regex(pat: string, pathname: boolean): RegExp {
  let re = "";
  for (let i = 0; i < pat.length; i++) {
    const c = pat[i];
    if (c === "\\" && i + 1 < pat.length) re += pat[++i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    else if (c === "*") re += pathname ? "[^/]*" : "[\\s\\S]*";
    else if (c === "?") re += pathname ? "[^/]" : "[\\s\\S]";
    else if (c === "[") {
      const close = pat.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = pat.slice(i + 1, close);
      const neg = body[0] === "!" || body[0] === "^";
      if (neg) body = body.slice(1);
      body = body.replace(/\[:(\w+):\]/g, (_m, cls: string) => ({ alpha: "a-zA-Z", digit: "0-9", alnum: "a-zA-Z0-9", upper: "A-Z", lower: "a-z", space: " \\t\\n\\r\\f\\v", xdigit: "0-9a-fA-F", punct: "!-\\/:-@\\[-`{-~" })[cls] ?? "");
      re += `[${neg ? "^" : ""}${body.replace(/\\/g, "\\\\").replace(/\]/g, "\\]")}]`;
      i = close;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** expandmeta(): the paths matching a pattern, sorted; hidden names only when the pattern asks. */
async function expandmeta(pattern: string): Promise<string[]> {
  const abs = pattern.startsWith("/");
  const comps = pattern.split("/").filter((c, i) => c !== "" || i === 0);
  let bases = [abs ? "/" : ""];
  for (const comp of comps.slice(abs ? 1 : 0)) {
    const next: string[] = [];
    for (const base of bases) {
      const join = (n: string): string => (base === "" ? n : base.endsWith("/") ? base + n : `${base}/${n}`);
      if (!GLOB_CHARS.test(comp)) {
        const lit = comp.replace(/\\(.)/g, "$1");
        if (stat(join(lit)) || comp === comps[comps.length - 1]) next.push(join(lit));
        continue;
      }
      const fd = await open(base || ".", O_RDONLY | O_DIRECTORY);
      if (fd < 0) continue;
      const names = getdents(fd) ?? [];
      close(fd);
      const re = glob_to_regex(comp, true);
      for (const n of names.sort()) {
        if (n.startsWith(".") && !comp.startsWith(".")) continue;
        if (re.test(n)) next.push(join(n));
      }
    }
    bases = next;
    if (bases.length === 0) return [];
  }
  return bases.filter((p) => stat(p) !== null);
}

/** Whether `path` names a directory. */
export function is_dir(path: string): boolean {
  const st = stat(path);
  return st !== null && S_ISDIR(st.st_mode);
}
