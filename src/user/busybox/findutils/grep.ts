// Mirrors BusyBox 1.35 findutils/grep.c (FEATURE_GREP_CONTEXT=y, EXTRA_COMPAT=n): patterns compiled
// with glibc's regcomp (POSIX BRE, ERE with -E, REG_ICASE with -i), or -F fixed strings; lines read
// with xmalloc_fgetline; exit 0 on a match, 1 on none, 2 if a file could not be opened or on
// errors (xfunc_error_retval = 2).
import { close, open, getdents, stat, lstat } from "../../libc/unistd.js";
import { FILE, stdin, stdout } from "../../libc/stdio.js";
import { exit } from "../../libc/stdlib.js";
import { libc } from "../../libc/state.js";
import { O_DIRECTORY, O_RDONLY, S_ISDIR, S_ISLNK } from "../../../include/uapi/fcntl.js";
import { bb_error_msg, bb_perror_msg, bb_simple_perror_msg, BB_BANNER, applet_name, bb_strtou, getopt32 } from "../libbb.js";

const grep_trivial_usage = "[-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...";
const grep_full_usage =
  "Search for PATTERN in FILEs (or stdin)\n" +
  "\n\t-H\tAdd 'filename:' prefix" +
  "\n\t-h\tDo not add 'filename:' prefix" +
  "\n\t-n\tAdd 'line_no:' prefix" +
  "\n\t-l\tShow only names of files that match" +
  "\n\t-L\tShow only names of files that don't match" +
  "\n\t-c\tShow only count of matching lines" +
  "\n\t-o\tShow only the matching part of line" +
  "\n\t-q\tQuiet. Return 0 if PATTERN is found, 1 otherwise" +
  "\n\t-v\tSelect non-matching lines" +
  "\n\t-s\tSuppress open and read errors" +
  "\n\t-r\tRecurse" +
  "\n\t-R\tRecurse and dereference symlinks" +
  "\n\t-i\tIgnore case" +
  "\n\t-w\tMatch whole words only" +
  "\n\t-x\tMatch whole lines only" +
  "\n\t-F\tPATTERN is a literal (not regexp)" +
  "\n\t-E\tPATTERN is an extended regexp" +
  "\n\t-m N\tMatch up to N times per file" +
  "\n\t-A N\tPrint N lines of trailing context" +
  "\n\t-B N\tPrint N lines of leading context" +
  "\n\t-C N\tSame as '-A N -B N'" +
  "\n\t-e PTRN\tPattern to match" +
  "\n\t-f FILE\tRead pattern from file";

/** OPTSTR_GREP without the getopt32 list/number markers: "lnqvscFiHhe:*f:*LorRm:+wxA:+B:+C:+EaI" */
const OPTSTR_GREP = "lnqvscFiHhe:f:LorRm:wxA:B:C:EaI";

/** xfunc_error_retval = 2 */
const XFUNC_ERROR_RETVAL = 2;

async function grep_die(msg: string): Promise<never> {
  bb_error_msg(msg);
  return exit(XFUNC_ERROR_RETVAL);
}

async function grep_perror_die(msg: string): Promise<never> {
  bb_perror_msg(msg);
  return exit(XFUNC_ERROR_RETVAL);
}

/** bb_show_usage() with grep's exit status 2. */
async function grep_usage(): Promise<never> {
  libc().stderr.put(`${BB_BANNER} multi-call binary.\n\nUsage: ${applet_name()} ${grep_trivial_usage}\n\n${grep_full_usage}\n`);
  return exit(XFUNC_ERROR_RETVAL);
}

/* ---- glibc regcomp/regexec (posix/regcomp.c), C locale, translated to a JavaScript RegExp ---- */

const REG_ERR = {
  ECOLLATE: "Invalid collation character",
  ECTYPE: "Invalid character class name",
  EESCAPE: "Trailing backslash",
  ESUBREG: "Invalid back reference",
  EBRACK: "Unmatched [, [^, [:, [., or [=",
  EPAREN: "Unmatched ( or \\(",
  EBRACE: "Unmatched \\{",
  BADBR: "Invalid content of \\{\\}",
  ERANGE: "Invalid range end",
  BADRPT: "Invalid preceding regular expression",
  ESIZE: "Regular expression too big",
  ERPAREN: "Unmatched ) or \\)",
};

class RegError {
  constructor(readonly msg: string) {}
}

const RE_DUP_MAX = 0x7fff;

type TokType =
  | "CHAR"
  | "PERIOD"
  | "BRACKET"
  | "OPEN"
  | "CLOSE"
  | "ALT"
  | "STAR"
  | "PLUS"
  | "QUESTION"
  | "OPEN_DUP"
  | "CLOSE_DUP"
  | "ANCHOR"
  | "BACKREF"
  | "CLASS"
  | "BACKSLASH"
  | "END";

interface Token {
  type: TokType;
  /** CHAR: the byte; BACKREF: the group number; ANCHOR/CLASS: the JavaScript it becomes */
  c: number;
  js: string;
  len: number;
}

const hex = (b: number): string => `\\x${b.toString(16).padStart(2, "0")}`;
const lit = (b: number): string => (/[0-9A-Za-z]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : hex(b));

const WORD = "[0-9A-Za-z_]";
const ANCHORS: Record<string, string> = {
  "<": `\\b(?=${WORD})`,
  ">": `\\b(?<=${WORD})`,
  b: "\\b",
  B: "\\B",
  "`": "(?<![\\s\\S])",
  "'": "(?![^])",
};
const CLASSES: Record<string, string> = {
  w: WORD,
  W: "[^0-9A-Za-z_]",
  s: "[\\t\\n\\v\\f\\r ]",
  S: "[^\\t\\n\\v\\f\\r ]",
};

const char_classes: Record<string, (b: number) => boolean> = {
  alpha: (b) => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a),
  upper: (b) => b >= 0x41 && b <= 0x5a,
  lower: (b) => b >= 0x61 && b <= 0x7a,
  digit: (b) => b >= 0x30 && b <= 0x39,
  xdigit: (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66),
  alnum: (b) => (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a),
  space: (b) => (b >= 0x09 && b <= 0x0d) || b === 0x20,
  blank: (b) => b === 0x09 || b === 0x20,
  punct: (b) => (b >= 0x21 && b <= 0x2f) || (b >= 0x3a && b <= 0x40) || (b >= 0x5b && b <= 0x60) || (b >= 0x7b && b <= 0x7e),
  print: (b) => b >= 0x20 && b <= 0x7e,
  graph: (b) => b >= 0x21 && b <= 0x7e,
  cntrl: (b) => b < 0x20 || b === 0x7f,
};

/** A byte set as a JavaScript character class. */
function set_to_class(set: boolean[]): string {
  let s = "";
  for (let b = 0; b < 256; b++) {
    if (!set[b]) continue;
    let e = b;
    while (e + 1 < 256 && set[e + 1]) e++;
    s += e === b ? hex(b) : e === b + 1 ? hex(b) + hex(e) : `${hex(b)}-${hex(e)}`;
    b = e;
  }
  return s ? `[${s}]` : "(?!)";
}

/** The compiler: a recursive-descent port of glibc's parse_reg_exp / parse_branch / parse_expression. */
class RegComp {
  private pos = 0;
  private tok!: Token;
  private ngroups = 0;
  private readonly completed = new Set<number>();

  constructor(
    private readonly p: string,
    private readonly ere: boolean,
    private readonly icase: boolean,
  ) {}

  private byte(i: number): number {
    return i < this.p.length ? this.p.charCodeAt(i) : -1;
  }

  /** peek_token() */
  private peek(at: number, caret_here: boolean): Token {
    const t = (type: TokType, len: number, c = 0, js = ""): Token => ({ type, c, js, len });
    const c = this.byte(at);
    if (c < 0) return t("END", 0);
    if (c === 0x5c) {
      const c2 = this.byte(at + 1);
      if (c2 < 0) return t("BACKSLASH", 1);
      const ch = String.fromCharCode(c2);
      if (ch === "|" && !this.ere) return t("ALT", 2);
      if (c2 >= 0x31 && c2 <= 0x39) return t("BACKREF", 2, c2 - 0x30);
      if (ch in ANCHORS) return t("ANCHOR", 2, 0, ANCHORS[ch]);
      if (ch in CLASSES) return t("CLASS", 2, 0, CLASSES[ch]);
      if (!this.ere) {
        if (ch === "(") return t("OPEN", 2);
        if (ch === ")") return t("CLOSE", 2);
        if (ch === "+") return t("PLUS", 2);
        if (ch === "?") return t("QUESTION", 2);
        if (ch === "{") return t("OPEN_DUP", 2);
        if (ch === "}") return t("CLOSE_DUP", 2);
      }
      return t("CHAR", 2, c2);
    }
    const ch = String.fromCharCode(c);
    switch (ch) {
      case "|":
        return this.ere ? t("ALT", 1) : t("CHAR", 1, c);
      case "*":
        return t("STAR", 1);
      case "+":
        return this.ere ? t("PLUS", 1) : t("CHAR", 1, c);
      case "?":
        return this.ere ? t("QUESTION", 1) : t("CHAR", 1, c);
      case "{":
        return this.ere ? t("OPEN_DUP", 1) : t("CHAR", 1, c);
      case "}":
        return this.ere ? t("CLOSE_DUP", 1) : t("CHAR", 1, c);
      case "(":
        return this.ere ? t("OPEN", 1) : t("CHAR", 1, c);
      case ")":
        return this.ere ? t("CLOSE", 1) : t("CHAR", 1, c);
      case "[":
        return t("BRACKET", 1);
      case ".":
        return t("PERIOD", 1);
      case "^":
        if (!this.ere && !caret_here && at !== 0) return t("CHAR", 1, c);
        return t("ANCHOR", 1, 0, "^");
      case "$":
        if (!this.ere && at + 1 !== this.p.length) {
          const next = this.peek(at + 1, false);
          if (next.type !== "ALT" && next.type !== "CLOSE") return t("CHAR", 1, c);
        }
        return t("ANCHOR", 1, 0, "$");
      default:
        return t("CHAR", 1, c);
    }
  }

  private fetch(caret_here = false): void {
    this.tok = this.peek(this.pos, caret_here);
    this.pos += this.tok.len;
  }

  compile(): string {
    this.fetch();
    const src = this.parse_reg_exp(0);
    if (this.tok.type !== "END") throw new RegError(REG_ERR.ERPAREN);
    return src;
  }

  private parse_reg_exp(nest: number): string {
    let src = this.parse_branch(nest);
    while (this.tok.type === "ALT") {
      this.fetch(true);
      const branch = this.tok.type !== "ALT" && this.tok.type !== "END" && (nest === 0 || this.tok.type !== "CLOSE") ? this.parse_branch(nest) : "";
      src += "|" + branch;
    }
    return src;
  }

  private parse_branch(nest: number): string {
    let src = "";
    while (this.tok.type !== "ALT" && this.tok.type !== "END" && (nest === 0 || this.tok.type !== "CLOSE")) src += this.parse_expression(nest);
    return src;
  }

  private parse_expression(nest: number): string {
    const tok = this.tok;
    let atom: string;
    switch (tok.type) {
      case "CHAR":
        atom = lit(tok.c);
        break;
      case "PERIOD":
        atom = "[^\\x00]";
        break;
      case "BRACKET":
        atom = this.parse_bracket();
        break;
      case "OPEN": {
        const idx = ++this.ngroups;
        this.fetch(true);
        const inner = this.tok.type === "CLOSE" ? "" : this.parse_reg_exp(nest + 1);
        if (this.tok.type !== "CLOSE") throw new RegError(REG_ERR.EPAREN);
        this.completed.add(idx);
        atom = `(${inner})`;
        break;
      }
      case "BACKREF":
        if (!this.completed.has(tok.c)) throw new RegError(REG_ERR.ESUBREG);
        atom = `(?:\\${tok.c})`;
        break;
      case "CLASS":
        atom = tok.js;
        break;
      case "ANCHOR":
        this.fetch();
        return tok.js === "^" ? "(?<![^])" : tok.js === "$" ? "(?![^])" : tok.js;
      case "BACKSLASH":
        throw new RegError(REG_ERR.EESCAPE);
      case "OPEN_DUP":
      case "STAR":
      case "PLUS":
      case "QUESTION":
      case "CLOSE":
      case "CLOSE_DUP":
        if (tok.type === "OPEN_DUP" && !this.ere) throw new RegError(REG_ERR.BADRPT);
        if (tok.type !== "CLOSE" && tok.type !== "CLOSE_DUP" && this.ere) throw new RegError(REG_ERR.BADRPT);
        if (tok.type === "CLOSE" && !this.ere) throw new RegError(REG_ERR.ERPAREN);
        atom = lit(this.p.charCodeAt(this.pos - 1));
        break;
      default:
        atom = "";
    }
    this.fetch();
    let quantified = false;
    while (this.tok.type === "STAR" || this.tok.type === "PLUS" || this.tok.type === "QUESTION" || this.tok.type === "OPEN_DUP") {
      const q = this.parse_dup_op();
      atom = quantified ? `(?:${atom})${q}` : `${atom}${q}`;
      quantified = true;
      if (!this.ere && (this.tok.type === "STAR" || this.tok.type === "OPEN_DUP")) throw new RegError(REG_ERR.BADRPT);
    }
    return atom;
  }

  /** fetch_number(): -1 no digits, -2 invalid, else the number (capped at RE_DUP_MAX + 1). */
  private fetch_number(): number {
    let num = -1;
    for (;;) {
      this.fetch();
      if (this.tok.type === "END") return -2;
      if (this.tok.type === "CLOSE_DUP" || (this.tok.type === "CHAR" && this.tok.c === 0x2c)) break;
      const c = this.tok.c;
      num = this.tok.type !== "CHAR" || c < 0x30 || c > 0x39 || num === -2 ? -2 : num === -1 ? c - 0x30 : Math.min(RE_DUP_MAX + 1, num * 10 + c - 0x30);
    }
    return num;
  }

  /** parse_dup_op(): the quantifier; leaves the token after it fetched. */
  private parse_dup_op(): string {
    const type = this.tok.type;
    if (type !== "OPEN_DUP") {
      this.fetch();
      return type === "STAR" ? "*" : type === "PLUS" ? "+" : "?";
    }
    let start = this.fetch_number();
    let end: number;
    if (start === -1) {
      if (this.tok.type === "CHAR" && this.tok.c === 0x2c) start = 0;
      else throw new RegError(REG_ERR.BADBR);
    }
    if (start !== -2) {
      end = this.tok.type === "CLOSE_DUP" ? start : this.tok.type === "CHAR" && this.tok.c === 0x2c ? this.fetch_number() : -2;
    } else {
      end = -2;
    }
    if (start === -2 || end === -2) throw new RegError(this.tok.type === "END" ? REG_ERR.EBRACE : REG_ERR.BADBR);
    if ((end !== -1 && start > end) || this.tok.type !== "CLOSE_DUP") throw new RegError(REG_ERR.BADBR);
    if (RE_DUP_MAX < (end === -1 ? start : end)) throw new RegError(REG_ERR.ESIZE);
    this.fetch();
    return end === -1 ? `{${start},}` : start === end ? `{${start}}` : `{${start},${end}}`;
  }

  /** parse_bracket_exp(): "[...]" with [:class:], [=c=], [.c.] and ranges, as a byte set. */
  private parse_bracket(): string {
    const set: boolean[] = new Array(256).fill(false);
    let i = this.pos;
    let non_match = false;
    if (this.byte(i) === 0x5e) {
      non_match = true;
      i++;
    }
    let first = true;
    const element = (accept_hyphen: boolean): { kind: "char"; c: number } | { kind: "class"; name: string } | { kind: "close" } => {
      const c = this.byte(i);
      if (c < 0) throw new RegError(REG_ERR.EBRACK);
      if (c === 0x5d && !first) {
        i++;
        return { kind: "close" };
      }
      if (c === 0x5b && [0x3a, 0x3d, 0x2e].includes(this.byte(i + 1))) {
        const delim = String.fromCharCode(this.byte(i + 1));
        const endAt = this.p.indexOf(delim + "]", i + 2);
        if (endAt < 0) throw new RegError(REG_ERR.EBRACK);
        const name = this.p.slice(i + 2, endAt);
        i = endAt + 2;
        if (delim === ":") return { kind: "class", name };
        if (name.length !== 1) throw new RegError(REG_ERR.ECOLLATE);
        return { kind: "char", c: name.charCodeAt(0) };
      }
      if (c === 0x2d && !accept_hyphen && this.byte(i + 1) !== 0x5d) throw new RegError(REG_ERR.ERANGE);
      i++;
      return { kind: "char", c };
    };
    for (;;) {
      const start = element(first);
      first = false;
      if (start.kind === "close") break;
      if (start.kind === "class") {
        const pred = char_classes[start.name];
        if (!pred) throw new RegError(REG_ERR.ECTYPE);
        const name = this.icase && (start.name === "upper" || start.name === "lower") ? "alpha" : start.name;
        for (let b = 0; b < 256; b++) if (char_classes[name](b)) set[b] = true;
        continue;
      }
      if (this.byte(i) < 0) throw new RegError(REG_ERR.EBRACK);
      if (this.byte(i) === 0x2d && this.byte(i + 1) !== 0x5d) {
        if (this.byte(i + 1) < 0) throw new RegError(REG_ERR.EBRACK);
        i++;
        const end = element(true);
        if (end.kind !== "char") throw new RegError(REG_ERR.ERANGE);
        if (start.c > end.c) throw new RegError(REG_ERR.ERANGE);
        for (let b = start.c; b <= end.c; b++) set[b] = true;
        continue;
      }
      set[start.c] = true;
    }
    this.pos = i;
    if (this.icase) for (let b = 0x41; b <= 0x5a; b++) if (set[b] || set[b + 0x20]) set[b] = set[b + 0x20] = true;
    if (non_match) for (let b = 0; b < 256; b++) set[b] = !set[b];
    return set_to_class(set);
  }
}

/** A compiled pattern: regexec() with POSIX leftmost-longest extents. */
class Regex {
  private readonly search: RegExp;
  private readonly search_notbol: RegExp;
  private readonly ends = new Map<string, RegExp>();

  constructor(
    private readonly src: string,
    private readonly flags: string,
  ) {
    this.search = new RegExp(src, flags + "g");
    this.search_notbol = new RegExp(src.replaceAll("(?<![^])", "(?!)"), flags + "g");
  }

  test(s: string): boolean {
    this.search.lastIndex = 0;
    return this.search.test(s);
  }

  /** regexec(s, 1, &match, notbol ? REG_NOTBOL : 0): the leftmost match, longest at that start. */
  exec(s: string, notbol: boolean): { so: number; eo: number } | null {
    const re = notbol ? this.search_notbol : this.search;
    re.lastIndex = 0;
    const m = re.exec(s);
    if (!m) return null;
    const so = m.index;
    for (let k = 0; so + m[0].length < s.length - k; k++) {
      const key = `${notbol ? 1 : 0}:${k}`;
      let r = this.ends.get(key);
      if (!r) this.ends.set(key, (r = new RegExp(`(?:${notbol ? this.search_notbol.source : this.src})(?=[^]{${k}}$)`, this.flags + "y")));
      r.lastIndex = so;
      if (r.test(s)) return { so, eo: s.length - k };
    }
    return { so, eo: so + m[0].length };
  }
}

/** regcomp(): the compiled pattern or glibc's regerror() text. */
function regcomp(pattern: string, ere: boolean, icase: boolean): Regex | RegError {
  try {
    const src = new RegComp(pattern, ere, icase).compile();
    return new Regex(src, icase ? "i" : "");
  } catch (e) {
    if (e instanceof RegError) return e;
    throw e;
  }
}

/* ---- grep proper ---- */

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");
const bytes_of = (s: string): Uint8Array => Buffer.from(s, "latin1");
const utf8_of = (latin: string): string => Buffer.from(latin, "latin1").toString("utf8");
const is_word = (c: string | undefined): boolean => c !== undefined && /[0-9A-Za-z_]/.test(c);
const ascii_lower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

interface GrepListData {
  /** The pattern as bytes (one char per byte). */
  pattern: string;
  compiled: Regex | null;
  so: number;
  eo: number;
}

interface Grep {
  opt: Set<string>;
  max_matches: number;
  invert_search: boolean;
  print_filename: boolean;
  open_errors: boolean;
  did_print_line: boolean;
  lines_before: number;
  lines_after: number;
  before_buf: ({ line: string; } | null)[];
  last_line_printed: number;
  pattern_head: GrepListData[];
  cur_file: string;
  ere: boolean;
  icase: boolean;
}

function print_line(g: Grep, line: string, linenum: number, decoration: string): void {
  const out = stdout();
  if (linenum < 1) return;
  if ((g.lines_before || g.lines_after) && g.did_print_line && g.last_line_printed !== linenum - 1) out.put("--\n");
  g.did_print_line = true;
  g.last_line_printed = linenum;
  if (g.print_filename) out.put(`${g.cur_file}${decoration}`);
  if (g.opt.has("n")) out.put(`${linenum}${decoration}`);
  if (!(g.opt.has("v") && g.opt.has("o"))) {
    out.put(bytes_of(line));
    out.put("\n");
  }
}

async function compile(g: Grep, gl: GrepListData): Promise<Regex> {
  if (!gl.compiled) {
    const r = regcomp(gl.pattern, g.ere, g.icase);
    if (r instanceof RegError) return grep_die(`bad regex '${utf8_of(gl.pattern)}': ${r.msg}`);
    gl.compiled = r;
  }
  return gl.compiled;
}

/** grep_file(file): the number of matching lines. */
async function grep_file(g: Grep, file: FILE): Promise<number> {
  let linenum = 0;
  let nmatches = 0;
  let print_n_lines_after = 0;
  let curpos = 0;
  const o = g.opt;
  for (;;) {
    const raw = await file.getline();
    if (raw === null) break;
    let bytes = raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw.length - 1) : raw;
    const nul = bytes.indexOf(0);
    if (nul >= 0) bytes = bytes.subarray(0, nul);
    const line = latin1(bytes);
    let gl = g.pattern_head[0];
    linenum++;
    let found = false;
    let matched_now = false;
    for (gl of g.pattern_head) {
      if (o.has("F")) {
        let str = 0;
        const hay = o.has("i") ? ascii_lower(line) : line;
        const needle = o.has("i") ? ascii_lower(gl.pattern) : gl.pattern;
        for (;;) {
          if (str > line.length) break;
          const match = hay.indexOf(needle, str);
          if (match < 0) break;
          if (o.has("x")) {
            if (match === str && str + gl.pattern.length === line.length) found = true;
          } else if (o.has("w")) {
            const before = match !== 0 ? line[match - 1] : " ";
            if (!is_word(before)) {
              const after = line[match + gl.pattern.length];
              if (after === undefined || !is_word(after)) {
                found = true;
                break;
              }
            }
            str = match + 1;
            continue;
          } else {
            found = true;
          }
          break;
        }
      } else {
        const re = await compile(g, gl);
        if (!o.has("o") && !o.has("w") && !o.has("x")) {
          if (re.test(line)) found = true;
        } else {
          gl.so = 0;
          gl.eo = 0;
          let match_at = 0;
          let notbol = false;
          for (;;) {
            const m = re.exec(line.slice(match_at), notbol);
            if (!m) break;
            gl.so = m.so;
            gl.eo = m.eo;
            if (o.has("x")) {
              found = m.so === 0 && match_at + m.eo === line.length;
            } else if (!o.has("w")) {
              found = true;
            } else {
              let c: string | undefined = " ";
              if (match_at > 0 || m.so !== 0) c = line[match_at + m.so - 1];
              if (!is_word(c)) c = line[match_at + m.eo];
              if (!is_word(c)) {
                found = true;
              } else if (m.eo !== 0) {
                match_at += m.eo;
                notbol = true;
                continue;
              }
            }
            break;
          }
        }
      }
      if (found && !g.invert_search) {
        matched_now = true;
        break;
      }
    }

    if (matched_now || found !== g.invert_search) {
      nmatches++;
      if (o.has("q") || o.has("l") || o.has("L")) {
        if (o.has("q")) return exit(0);
        if (o.has("l")) stdout().put(`${g.cur_file}\n`);
        return 1;
      }
      if (o.has("m") && nmatches > g.max_matches) break;
      if (!o.has("c")) {
        const prevpos = curpos === 0 ? g.lines_before - 1 : curpos - 1;
        if (g.lines_before && g.before_buf[prevpos] !== null) {
          let first_buf_entry_line_num = linenum - g.lines_before;
          let idx = curpos;
          while (g.before_buf[idx] === null) {
            idx = (idx + 1) % g.lines_before;
            first_buf_entry_line_num++;
          }
          while (g.before_buf[idx] !== null) {
            print_line(g, g.before_buf[idx]!.line, first_buf_entry_line_num, "-");
            g.before_buf[idx] = null;
            idx = (idx + 1) % g.lines_before;
            first_buf_entry_line_num++;
          }
        }
        print_n_lines_after = g.lines_after;
        if (o.has("o")) {
          if (o.has("F")) {
            if (found) print_line(g, gl.pattern, linenum, ":");
          } else {
            const re = await compile(g, gl);
            for (;;) {
              const start = gl.so;
              const end = gl.eo;
              const len = end - start;
              if (len !== 0) print_line(g, line.slice(start, end), linenum, ":");
              if (end >= line.length) break;
              const from = len === 0 ? end + 1 : end;
              const m = re.exec(line.slice(from), true);
              if (!m) break;
              gl.so = m.so + from;
              gl.eo = m.eo + from;
            }
          }
        } else {
          print_line(g, line, linenum, ":");
        }
      }
    } else {
      if (print_n_lines_after) {
        print_line(g, line, linenum, "-");
        print_n_lines_after--;
      } else if (g.lines_before) {
        g.before_buf[curpos] = { line };
        curpos = (curpos + 1) % g.lines_before;
      }
    }
    if (o.has("m") && !print_n_lines_after && nmatches === g.max_matches) break;
  }

  if (o.has("c")) {
    if (g.print_filename) stdout().put(`${g.cur_file}:`);
    stdout().put(`${nmatches}\n`);
  }
  if (o.has("L")) stdout().put(`${g.cur_file}\n`);
  return nmatches;
}

async function file_action_grep(g: Grep, filename: string, is_link: boolean): Promise<number> {
  if (is_link) {
    const sb = stat(filename);
    if (!sb) {
      if (!g.opt.has("s")) bb_simple_perror_msg(filename);
      return 0;
    }
    if (S_ISDIR(sb.st_mode)) return 0;
  }
  const fd = await open(filename, O_RDONLY);
  if (fd < 0) {
    if (!g.opt.has("s")) bb_simple_perror_msg(filename);
    g.open_errors = true;
    return 0;
  }
  g.cur_file = filename;
  const n = await grep_file(g, new FILE(fd, "full"));
  close(fd);
  return n;
}

/** grep_dir(dir): recursive_action() (libbb/recursive_action.c), depth first in readdir order. */
async function grep_dir(g: Grep, path: string, depth = 0): Promise<number> {
  const follow = g.opt.has("R") || depth === 0;
  const st = follow ? stat(path) : lstat(path);
  if (!st) {
    bb_simple_perror_msg(path);
    return 0;
  }
  if (!S_ISDIR(st.st_mode)) return file_action_grep(g, path, S_ISLNK(st.st_mode));
  const fd = await open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) {
    bb_simple_perror_msg(path);
    return 0;
  }
  const names = getdents(fd) ?? [];
  close(fd);
  let matched = 0;
  for (const name of names) {
    if (name === "." || name === "..") continue;
    matched += await grep_dir(g, path.endsWith("/") ? path + name : `${path}/${name}`, depth + 1);
  }
  return matched;
}

/** A number for -m/-A/-B/-C ("m:+"): xatoi_positive, dying with status 2. */
async function xatoi_positive(s: string): Promise<number> {
  const n = bb_strtou(s);
  if (n.errno) return grep_die(`invalid number '${s}'`);
  if (n.value > 0x7fffffff) return grep_die(`number ${s} is not in 0..2147483647 range`);
  return n.value;
}

export async function grep_main(_argc: number, argv: string[]): Promise<number> {
  const parsed = getopt32(argv, OPTSTR_GREP);
  if (!parsed) return grep_usage();

  const opt = new Set<string>();
  const e_patterns: string[] = [];
  const f_files: string[] = [];
  const g: Grep = {
    opt,
    max_matches: 0,
    invert_search: false,
    print_filename: false,
    open_errors: false,
    did_print_line: false,
    lines_before: 0,
    lines_after: 0,
    before_buf: [],
    last_line_printed: 0,
    pattern_head: [],
    cur_file: "",
    ere: false,
    icase: false,
  };
  let Copt = 0;
  for (const [c, arg] of parsed.opts) {
    if (c === "H") opt.delete("h");
    if (c === "C") {
      opt.delete("A");
      opt.delete("B");
    }
    opt.add(c);
    if (c === "e") e_patterns.push(arg!);
    else if (c === "f") f_files.push(arg!);
    else if (c === "m") g.max_matches = await xatoi_positive(arg!);
    else if (c === "A") g.lines_after = await xatoi_positive(arg!);
    else if (c === "B") g.lines_before = await xatoi_positive(arg!);
    else if (c === "C") Copt = await xatoi_positive(arg!);
  }
  if (opt.has("C")) {
    if (!opt.has("A")) g.lines_after = Copt;
    if (!opt.has("B")) g.lines_before = Copt;
  }
  if (opt.has("c") || opt.has("q") || opt.has("l") || opt.has("L")) {
    opt.delete("n");
    g.lines_before = 0;
    g.lines_after = 0;
  } else if (g.lines_before > 0) {
    g.before_buf = new Array(g.lines_before).fill(null);
  }
  g.invert_search = opt.has("v");

  const encode = (s: string): string => latin1(new TextEncoder().encode(s));
  g.pattern_head = e_patterns.map((p) => ({ pattern: encode(p), compiled: null, so: 0, eo: 0 }));
  if (opt.has("f")) {
    for (const ffile of f_files) {
      const fd = ffile === "-" ? 0 : await open(ffile, O_RDONLY);
      if (fd < 0) return grep_perror_die(`can't open '${ffile}'`);
      const fp = fd === 0 ? stdin() : new FILE(fd, "full");
      for (;;) {
        const raw = await fp.getline();
        if (raw === null) break;
        let b = raw[raw.length - 1] === 0x0a ? raw.subarray(0, raw.length - 1) : raw;
        const nul = b.indexOf(0);
        if (nul >= 0) b = b.subarray(0, nul);
        g.pattern_head.unshift({ pattern: latin1(b), compiled: null, so: 0, eo: 0 });
      }
      if (fd !== 0) close(fd);
    }
    if (g.pattern_head.length === 0) {
      g.pattern_head.push({ pattern: "", compiled: null, so: 0, eo: 0 });
      g.invert_search = !g.invert_search;
    }
  }

  if (applet_name()[0] === "f") opt.add("F");
  g.ere = applet_name()[0] === "e" || opt.has("E");
  g.icase = opt.has("i");

  const files = parsed.args;
  if (g.pattern_head.length === 0) {
    if (files.length === 0) return grep_usage();
    g.pattern_head.push({ pattern: encode(files.shift()!), compiled: null, so: 0, eo: 0 });
  }

  if (files.length > 1) g.print_filename = true;
  if (opt.has("H")) g.print_filename = true;
  if (opt.has("h")) g.print_filename = false;

  let matched = 0;
  let k = 0;
  do {
    let cur_file: string | undefined = files[k];
    let file = stdin();
    let fd = -1;
    if (cur_file === undefined || cur_file === "-") {
      cur_file = "(standard input)";
    } else {
      if (opt.has("r") || opt.has("R")) {
        const st = stat(cur_file);
        if (st && S_ISDIR(st.st_mode)) {
          if (!opt.has("h")) g.print_filename = true;
          matched += await grep_dir(g, cur_file);
          continue;
        }
      }
      fd = await open(cur_file, O_RDONLY);
      if (fd < 0) {
        if (!opt.has("s")) bb_simple_perror_msg(cur_file);
        g.open_errors = true;
        continue;
      }
      file = new FILE(fd, "full");
    }
    g.cur_file = cur_file;
    matched += await grep_file(g, file);
    if (fd >= 0) close(fd);
  } while (files[k] !== undefined && files[++k] !== undefined);

  if (g.open_errors) return 2;
  return matched ? 0 : 1;
}
