// The BusyBox 1.35 ash parser (shell/ash.c, "Shell parser" section): shell text to an AST.
// Pure: no I/O, no expansion. Token handling, keyword recognition and the error messages follow
// ash.c's list()/andor()/pipeline()/parse_command()/simplecmd()/readtoken1() closely, so a
// program is accepted or rejected exactly where ash would accept or reject it.

// ---------------------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------------------

/** Literal text. `quoted` text came from '…', "…", $'…' or a backslash: no field splitting, no globbing. */
export interface LitPart {
  kind: "lit";
  text: string;
  quoted: boolean;
}

/**
 * Operator of a `${NAME<op>arg}` expansion (ash.c parsesub):
 * - ":-" "-" ":=" "=" ":+" "+" ":?" "?": the POSIX default/assign/alternative/error forms
 * - "#" "##" "%" "%%": prefix and suffix removal; `arg` is a pattern
 * - ":" (`${NAME:offset[:length]}`), "/" and "//" (`${NAME/pat/rep}`): bash extensions ash keeps;
 *   like ash, `arg` holds the whole unsplit remainder (`offset:length`, `pat/rep`)
 * - "len": `${#NAME}`, no `arg`
 * - "bad": a form ash only rejects at expansion time ("bad substitution"); `raw` holds the source
 */
export type ParamOp =
  | ":-" | "-" | ":=" | "=" | ":+" | "+" | ":?" | "?"
  | "#" | "##" | "%" | "%%" | ":" | "/" | "//" | "len" | "bad";

/**
 * A parameter expansion: `$NAME`, `${NAME}`, `$?`, `$$`, `$!`, `$#`, `$@`, `$*`, `$-`, `$0`..`$9`,
 * `${10}` and the `${NAME<op>arg}` forms. `name` is the variable name, digits or the special
 * character. `quoted` means the expansion sits inside double quotes (its value is not split or
 * globbed). Parts of `arg` carry their own `quoted` flags.
 */
export interface ParamPart {
  kind: "param";
  name: string;
  op?: ParamOp;
  arg?: Word;
  raw?: string;
  quoted: boolean;
}

/**
 * `$(…)` or a backquoted command. `source` is the command text (for backquotes, after ash has
 * removed the backslashes before \ ` $ and, inside double quotes, "), `body` its parsed form.
 */
export interface CmdSubPart {
  kind: "cmdsub";
  source: string;
  body: List;
  quoted: boolean;
}

/** `$((…))`: `source` is the raw expression; expansions inside it are left to the evaluator. */
export interface ArithPart {
  kind: "arith";
  source: string;
  quoted: boolean;
}

export type WordPart = LitPart | ParamPart | CmdSubPart | ArithPart;

/** One shell word as a sequence of parts; adjacent literals with the same quoting are merged. */
export type Word = WordPart[];

/** `name=value` in the prefix of a simple command. An empty value is an empty array. */
export interface Assignment {
  name: string;
  value: Word;
}

/** `>` `>>` `>|` (clobber) `<` `<>` and bash's `&>` (stdout and stderr to a file). */
export interface FileRedirect {
  kind: "file";
  fd: number;
  op: ">" | ">>" | ">|" | "<" | "<>" | "&>";
  target: Word;
}

/**
 * `N>&M` / `N<&M`. A target that expands to digits duplicates that fd, `-` closes `fd`; anything
 * else is resolved when the command runs (ash.c fixredir/expredir).
 */
export interface DupRedirect {
  kind: "dup";
  fd: number;
  op: ">&" | "<&";
  target: Word;
}

/**
 * `<<WORD` / `<<-WORD`. `delimiter` has its quotes removed; `expand` is false when any part of it
 * was quoted, and then `body` is one quoted literal. `<<-` has already stripped leading tabs.
 */
export interface HeredocRedirect {
  kind: "heredoc";
  fd: number;
  op: "<<" | "<<-";
  delimiter: string;
  expand: boolean;
  body: Word;
}

export type Redirect = FileRedirect | DupRedirect | HeredocRedirect;

/** Words, prefix assignments and redirections of one command. `line` is 1-based. */
export interface SimpleCommand {
  kind: "simple";
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
  line: number;
}

/** `{ list; }` (kind "group") or `( list )` (kind "subshell"). */
export interface GroupCommand {
  kind: "group" | "subshell";
  body: List;
  redirects: Redirect[];
  line: number;
}

/** `if c1; then b1; elif c2; then b2; else b3; fi`: one clause per if/elif. */
export interface IfCommand {
  kind: "if";
  clauses: { cond: List; body: List }[];
  elseBody?: List;
  redirects: Redirect[];
  line: number;
}

/** `while cond; do body; done` and `until cond; do body; done`. */
export interface LoopCommand {
  kind: "while" | "until";
  cond: List;
  body: List;
  redirects: Redirect[];
  line: number;
}

/** `for name [in words]; do body; done`. `items` is null without `in` (loop over "$@"). */
export interface ForCommand {
  kind: "for";
  name: string;
  items: Word[] | null;
  body: List;
  redirects: Redirect[];
  line: number;
}

/** `case subject in pat|pat) body ;; … esac`. */
export interface CaseCommand {
  kind: "case";
  subject: Word;
  items: { patterns: Word[]; body: List }[];
  redirects: Redirect[];
  line: number;
}

/** `name() command` or bash's `function name [()] command`. */
export interface FunctionDef {
  kind: "function";
  name: string;
  body: Command;
  line: number;
}

export type Command =
  | SimpleCommand
  | GroupCommand
  | IfCommand
  | LoopCommand
  | ForCommand
  | CaseCommand
  | FunctionDef;

/** `[!] cmd | cmd | …`. */
export interface Pipeline {
  negated: boolean;
  commands: Command[];
}

/** `p1 && p2 || p3 …`, evaluated left to right. */
export interface AndOr {
  first: Pipeline;
  rest: { op: "&&" | "||"; pipeline: Pipeline }[];
}

/** One `;`-, `&`- or newline-terminated element of a list. */
export interface ListItem {
  command: AndOr;
  background: boolean;
}

export type List = ListItem[];

/**
 * A whole input. Each entry of `lines` is one top-level command line: what ash parses and then
 * runs before it reads further (parsecmd() in cmdloop()/evalstring()). Blank lines are omitted.
 */
export interface Program {
  lines: List[];
}

/**
 * A syntax error. `error` is ash's text without the "sh: " prefix. `incomplete` is true when the
 * error arose because the input ended, so an interactive reader should print PS2 and append the
 * next line. `error` is "" when ash would accept the input if it ended here (a trailing `\`
 * newline, an unterminated here-document): parse again with `atEof` to get that program.
 * `line` is ash's line counter at the error; `completed` holds the top-level lines before the
 * failing one, which ash has already run.
 */
export interface ParseError {
  error: string;
  incomplete: boolean;
  line: number;
  completed: List[];
}

/** `atEof`: no input follows `src` (script, `sh -c`, or EOF at PS2). Default false: interactive. */
export interface ParseOptions {
  atEof?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Tokens and parser state
// ---------------------------------------------------------------------------------------------

const KEYWORDS = [
  "!", "case", "do", "done", "elif", "else", "esac", "fi", "for",
  "function", "if", "in", "then", "until", "while", "{", "}",
] as const;
type Keyword = (typeof KEYWORDS)[number];
type TokType =
  | "eof" | "nl" | "redir" | "word"
  | ";" | "&" | "&&" | "||" | "|" | "(" | ")" | ";;"
  | Keyword;

/** ash.c tokendlist: tokens that end a list. */
const END_TOKENS: ReadonlySet<TokType> = new Set<TokType>([
  "eof", ")", ";;", "do", "done", "elif", "else", "esac", "fi", "then", "}",
]);

/** ash.c tokname_array: tokens before TSEMI are printed bare, the others in double quotes. */
const BARE_TOKNAMES: Partial<Record<TokType, string>> = {
  eof: "end of file",
  nl: "newline",
  redir: "redirection",
  word: "word",
};

type RedirOp = FileRedirect["op"] | DupRedirect["op"] | HeredocRedirect["op"];

interface Tok {
  type: TokType;
  start: number;
  word?: Word;
  quoted?: boolean;
  redir?: { op: RedirOp; fd: number };
}

/** ash.c checkkwd bits (CHKALIAS is not modelled: no aliases). */
const CHKNL = 1;
const CHKKWD = 2;
const CHKEOFMARK = 4;

const EOF = "";

interface State {
  src: string;
  pos: number;
  atEof: boolean;
  /** false for the sub-parsers of backquotes and here-documents: their EOF is not the input's */
  main: boolean;
  /** sub-parsers report their host's line */
  fixedLine: number;
  checkkwd: number;
  pushback: boolean;
  last: Tok;
  /** ash.c wordtext: the last word lexed, which case patterns read even after other tokens */
  lastWord: Word;
  heredocs: HeredocRedirect[];
  /** input ended right after an eaten `\` newline, or inside a here-document */
  wantsMore: boolean;
}

class ParseFail {
  constructor(
    readonly message: string,
    readonly incomplete: boolean,
    readonly line: number,
  ) {}
}

function newState(src: string, atEof: boolean, main: boolean, fixedLine: number): State {
  return {
    src, pos: 0, atEof, main, fixedLine,
    checkkwd: 0, pushback: false, last: { type: "eof", start: 0 }, lastWord: [],
    heredocs: [], wantsMore: false,
  };
}

function subState(host: State, src: string): State {
  return newState(src, true, false, lineAt(host, host.pos));
}

function lineAt(s: State, pos: number): number {
  if (s.fixedLine) return s.fixedLine;
  let line = 1;
  for (let i = s.src.indexOf("\n"); i >= 0 && i < pos; i = s.src.indexOf("\n", i + 1)) line++;
  return line;
}

/** ash.c raise_error_syntax: "syntax error: MSG". */
function fail(s: State, msg: string, atInputEnd: boolean): never {
  throw new ParseFail(`syntax error: ${msg}`, s.main && atInputEnd, lineAt(s, s.pos));
}

function tokname(t: TokType): string {
  return BARE_TOKNAMES[t] ?? `"${t}"`;
}

/** ash.c raise_error_unexpected_syntax: `unexpected TOK[ (expecting TOK)]` about the last token. */
function raiseUnexpected(s: State, expecting?: TokType): never {
  let msg = `unexpected ${tokname(s.last.type)}`;
  if (expecting) msg += ` (expecting ${tokname(expecting)})`;
  fail(s, msg, s.last.type === "eof");
}

// ---------------------------------------------------------------------------------------------
// Characters
// ---------------------------------------------------------------------------------------------

/** ash.c pgetc_eatbnl: next character, skipping `\` newline pairs; EOF ("") at the end. */
function getc(s: State): string {
  while (s.src.startsWith("\\\n", s.pos)) {
    s.pos += 2;
    if (s.pos >= s.src.length) s.wantsMore = true;
  }
  return s.pos < s.src.length ? s.src[s.pos++]! : EOF;
}

/** ash.c pgetc: next character without line-continuation handling. */
function getcRaw(s: State): string {
  return s.pos < s.src.length ? s.src[s.pos++]! : EOF;
}

function ungetc(s: State, c: string): void {
  if (c !== EOF) s.pos--;
}

/** Consume `want` if it is the next character. */
function eat(s: State, want: string): boolean {
  const c = getc(s);
  if (c === want) return true;
  ungetc(s, c);
  return false;
}

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isNameStart = (c: string): boolean => c === "_" || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isNameChar = (c: string): boolean => isNameStart(c) || isDigit(c);
/** ash.c is_special: the one-character parameters. */
const isSpecial = (c: string): boolean => c !== EOF && "!#$*-0123456789?@".includes(c);
const isGoodName = (t: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(t);

function readWhile(s: State, pred: (c: string) => boolean): string {
  let out = "";
  for (let c = getc(s); ; c = getc(s)) {
    if (c === EOF || !pred(c)) {
      ungetc(s, c);
      return out;
    }
    out += c;
  }
}

// ---------------------------------------------------------------------------------------------
// Words (ash.c readtoken1 and its parsesub/parsebackq/parsearith subroutines)
// ---------------------------------------------------------------------------------------------

function addLit(w: Word, text: string, quoted: boolean): void {
  const last = w[w.length - 1];
  if (last?.kind === "lit" && last.quoted === quoted) last.text += text;
  else w.push({ kind: "lit", text, quoted });
}

/**
 * Drops the empty literals that quotes leave behind when another part still marks the word as
 * quoted; otherwise they stay, since `''` or `''$x` must still yield a field.
 */
function tidy(w: Word): Word {
  const empty = (p: WordPart): boolean => p.kind === "lit" && p.text === "";
  return w.some((p) => p.quoted && !empty(p)) ? w.filter((p) => !empty(p)) : w;
}

/** The text of a word made only of unquoted literals, else null. */
function plainText(w: Word | undefined): string | null {
  if (!w || w.length !== 1) return null;
  const p = w[0]!;
  return p.kind === "lit" && !p.quoted ? p.text : null;
}

/** Text of a word that has no expansions (quoted or not), else null. */
export function wordToLiteral(w: Word): string | null {
  let out = "";
  for (const p of w) {
    if (p.kind !== "lit") return null;
    out += p.text;
  }
  return out;
}

/** Characters that end an unquoted word outside `${…}`. */
const WORD_END = " \t\n;&|()<>";

/** Lexes a word starting at s.pos; ends it as a redirection when ash would (fd digits before < or >). */
function readWordToken(s: State, start: number): Tok {
  const w: Word = [];
  let quoted = false;
  for (;;) {
    const c = getc(s);
    if (c === EOF) break;
    if (WORD_END.includes(c)) {
      const redir = endWord(s, w, quoted, c, start);
      if (redir) return redir;
      break;
    }
    quoted = readBaseChar(s, c, w) || quoted;
  }
  s.lastWord = tidy(w);
  return { type: "word", start, word: s.lastWord, quoted };
}

/** At a word's end character `c`: a redirection token if the word is empty or an fd number. */
function endWord(s: State, w: Word, quoted: boolean, c: string, start: number): Tok | null {
  const isRedir = c === "<" || c === ">" || (c === "&" && peekIs(s, ">"));
  const fdText = w.length === 0 ? "" : plainText(w);
  if (isRedir && !quoted && fdText !== null && /^[0-9]{0,9}$/.test(fdText)) {
    const op = readRedirOp(s, c);
    const fd = fdText === "" ? (op.startsWith("<") ? 0 : 1) : Number(fdText);
    return { type: "redir", start, redir: { op, fd } };
  }
  ungetc(s, c);
  return null;
}

function peekIs(s: State, want: string): boolean {
  const save = s.pos;
  const c = getc(s);
  s.pos = save;
  return c === want;
}

/** ash.c parseredir, after the first character `c` (`<`, `>`, or `&` of `&>`). */
function readRedirOp(s: State, c: string): RedirOp {
  if (c === "&") {
    getc(s);
    return "&>";
  }
  if (c === ">") {
    if (eat(s, ">")) return ">>";
    if (eat(s, "|")) return ">|";
    return eat(s, "&") ? ">&" : ">";
  }
  if (eat(s, "<")) return eat(s, "-") ? "<<-" : "<<";
  if (eat(s, "&")) return "<&";
  return eat(s, ">") ? "<>" : "<";
}

/** One unquoted character of a word; returns true when it quotes (ash.c quotef). */
function readBaseChar(s: State, c: string, w: Word): boolean {
  switch (c) {
    case "\\":
      return readEscape(s, w);
    case "'":
      readSingle(s, w);
      return true;
    case '"':
      readDouble(s, w, false);
      return true;
    case "$":
      return readDollar(s, w, false);
    case "`":
      return readBackquote(s, w, false);
    default:
      addLit(w, c, false);
      return false;
  }
}

/** `\c` outside quotes; a backslash at the end of input stays literal (ash.c CBACK + PEOF). */
function readEscape(s: State, w: Word): boolean {
  const c = getcRaw(s);
  if (c === EOF) {
    addLit(w, "\\", true);
    return false;
  }
  addLit(w, c, true);
  return true;
}

function readSingle(s: State, w: Word): void {
  addLit(w, "", true);
  for (;;) {
    const c = getcRaw(s);
    if (c === "'") return;
    if (c === EOF) fail(s, "unterminated quoted string", true);
    addLit(w, c, true);
  }
}

/** `"…"` after the opening quote. `inVar`: inside `${…}`, where `\}` also loses its backslash. */
function readDouble(s: State, w: Word, inVar: boolean): void {
  addLit(w, "", true);
  for (;;) {
    const c = getc(s);
    if (c === '"') return;
    if (c === EOF) fail(s, "unterminated quoted string", true);
    if (c === "\\") readDqEscape(s, w, inVar);
    else if (c === "$") readDollar(s, w, true);
    else if (c === "`") readBackquote(s, w, true);
    else addLit(w, c, true);
  }
}

/** Inside double quotes a backslash only escapes $ ` " \ (and } inside `${…}`). */
function readDqEscape(s: State, w: Word, inVar: boolean): void {
  const c = getcRaw(s);
  if (c === EOF) addLit(w, "\\", true);
  else if ('$`"\\'.includes(c) || (inVar && c === "}")) addLit(w, c, true);
  else addLit(w, "\\" + c, true);
}

/** After `$` (ash.c parsesub). Returns true for `$'…'`, which quotes. */
function readDollar(s: State, w: Word, dq: boolean): boolean {
  const from = s.pos - 1;
  const save = s.pos;
  const c = getc(s);
  if (!dq && c === "'") {
    readDollarSingle(s, w);
    return true;
  }
  const expands = c === "(" || c === "{" || isNameStart(c) || isSpecial(c);
  if (s.checkkwd & CHKEOFMARK || !expands) {
    addLit(w, "$", dq);
    s.pos = save;
  } else if (c === "(") {
    w.push(eat(s, "(") ? readArith(s, dq) : readCmdSub(s, dq));
  } else if (c === "{") {
    w.push(readBraced(s, dq, from));
  } else {
    const name = isNameStart(c) ? c + readWhile(s, isNameChar) : c;
    w.push({ kind: "param", name, quoted: dq });
  }
  return false;
}

/** `$((expr))` after `$((` (ash.c parsearith): a `)` at depth 0 not followed by `)` is text. */
function readArith(s: State, dq: boolean): ArithPart {
  let depth = 0;
  let source = "";
  for (;;) {
    const c = getc(s);
    if (c === EOF) fail(s, "missing '))'", true);
    if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (c === ")" && eat(s, ")")) return { kind: "arith", source, quoted: dq };
    source += c;
  }
}

/** `$(…)` after `$(`: the inner list is parsed in place (ash.c parsebackq, new style). */
function readCmdSub(s: State, dq: boolean): CmdSubPart {
  const start = s.pos;
  const saved = { checkkwd: s.checkkwd, heredocs: s.heredocs, lastWord: s.lastWord };
  s.heredocs = [];
  const body = list(s, 2);
  if (readtoken(s).type !== ")") raiseUnexpected(s, ")");
  const source = s.src.slice(start, s.last.start);
  Object.assign(s, saved);
  return { kind: "cmdsub", source, body, quoted: dq };
}

/**
 * `` `…` `` after the opening backquote (ash.c parsebackq, old style): the text up to the closing
 * backquote, minus the backslashes before \ ` $ (and " inside double quotes), parsed separately.
 * Like ash, tokens left over after the list are ignored.
 */
function readBackquote(s: State, w: Word, dq: boolean): boolean {
  if (s.checkkwd & CHKEOFMARK) {
    addLit(w, "`", dq);
    return true;
  }
  let source = "";
  for (;;) {
    let c = getc(s);
    if (c === "`") break;
    if (c === "\\") {
      c = getcRaw(s);
      if (!"\\`$".includes(c) && !(dq && c === '"')) source += "\\";
    }
    if (c === EOF) fail(s, "EOF in backquote substitution", true);
    source += c;
  }
  const sub = subState(s, source);
  const body = list(sub, 2);
  parseHeredocs(sub);
  w.push({ kind: "cmdsub", source, body, quoted: dq });
  return false;
}

/** `$'…'` (ash.c decode_dollar_squote): C escapes inside single quotes. */
function readDollarSingle(s: State, w: Word): void {
  addLit(w, "", true);
  for (;;) {
    const c = getcRaw(s);
    if (c === "'") return;
    if (c === EOF) fail(s, "unterminated quoted string", true);
    addLit(w, c === "\\" ? decodeCEscape(s) : c, true);
  }
}

const C_ESCAPES: Record<string, string> = {
  n: "\n", r: "\r", b: "\b", t: "\t", f: "\f", a: "\x07", v: "\v", "\\": "\\", "'": "'", '"': '"',
};

/** One escape of `$'…'` after its backslash. NUL bytes are dropped, as ash does. */
function decodeCEscape(s: State): string {
  const c = getcRaw(s);
  if (c in C_ESCAPES) return C_ESCAPES[c]!;
  let digits = "";
  const isOct = (d: string): boolean => d >= "0" && d <= "7";
  const isHex = (d: string): boolean => /^[0-9a-fA-F]$/.test(d);
  const take = (ok: (d: string) => boolean, max: number): void => {
    for (let d = getcRaw(s); ; d = getcRaw(s)) {
      if (d === EOF || !ok(d) || digits.length >= max) return ungetc(s, d);
      digits += d;
    }
  };
  if (isOct(c)) {
    digits = c;
    take(isOct, 3);
    return charOrNothing(parseInt(digits, 8) & 0xff);
  }
  if (c === "x") {
    take(isHex, 2);
    if (digits) return charOrNothing(parseInt(digits, 16));
  }
  if (c === EOF) return "\\";
  return "\\" + c;
}

function charOrNothing(code: number): string {
  return code === 0 ? "" : String.fromCharCode(code);
}

interface BracedHead {
  name: string;
  length: boolean;
  /** the character after the name, already consumed */
  next: string;
}

/** `${…}` after `${` (ash.c parsesub, braced branch). */
function readBraced(s: State, dq: boolean, from: number): ParamPart {
  const head = readBracedHead(s);
  if (!head) return badParam(s, dq, from, "");
  if (head.length) {
    if (head.next === "}") return { kind: "param", name: head.name, op: "len", quoted: dq };
    ungetc(s, head.next);
    return badParam(s, dq, from, head.name);
  }
  const op = readParamOp(s, head.next);
  if (op === "}") return { kind: "param", name: head.name, quoted: dq };
  if (op === "bad" || op === "bad}") {
    if (op === "bad") readVarArg(s, dq, false);
    return { kind: "param", name: head.name, op: "bad", raw: s.src.slice(from, s.pos), quoted: dq };
  }
  const patternOp = op === "#" || op === "##" || op === "%" || op === "%%" || op === "/" || op === "//";
  return { kind: "param", name: head.name, op, arg: readVarArg(s, dq, patternOp), quoted: dq };
}

function badParam(s: State, dq: boolean, from: number, name: string): ParamPart {
  readVarArg(s, dq, false);
  return { kind: "param", name, op: "bad", raw: s.src.slice(from, s.pos), quoted: dq };
}

/** The name inside `${`, including ash's `${#NAME}` / `${#}` / `${#-x}` disambiguation; null if bad. */
function readBracedHead(s: State): BracedHead | null {
  const c = getc(s);
  if (isNameStart(c)) return { name: c + readWhile(s, isNameChar), length: false, next: getc(s) };
  if (isDigit(c)) return { name: c + readWhile(s, isDigit), length: false, next: getc(s) };
  if (c === "}" || c === EOF) {
    ungetc(s, c);
    return null;
  }
  const after = getc(s);
  if (c === "#") return readHashHead(s, after);
  if (isSpecial(c)) return { name: c, length: false, next: after };
  ungetc(s, after);
  ungetc(s, c);
  return null;
}

/** After `${#`: `${#NAME}` / `${#?}` are lengths; `${#}` and `${#op…}` are `$#`. */
function readHashHead(s: State, c: string): BracedHead | null {
  if (isNameStart(c)) return { name: c + readWhile(s, isNameChar), length: true, next: getc(s) };
  if (isDigit(c)) return { name: c + readWhile(s, isDigit), length: true, next: getc(s) };
  const after = getc(s);
  if (c !== "}" && after === "}") {
    if (isSpecial(c)) return { name: c, length: true, next: after };
    ungetc(s, after);
    ungetc(s, c);
    return null;
  }
  ungetc(s, after);
  return { name: "#", length: false, next: c };
}

/** The operator after the name; "}" for a plain `${NAME}`, "bad}" when `}` was consumed. */
function readParamOp(s: State, c: string): Exclude<ParamOp, "len"> | "}" | "bad}" {
  if (c === "}") return "}";
  if (c !== EOF && "-+?=".includes(c)) return c as "-" | "+" | "?" | "=";
  if (c === ":") {
    const n = getc(s);
    if (n !== EOF && "-+?=".includes(n)) return `:${n}` as ":-" | ":+" | ":?" | ":=";
    if (n === "}") return "bad}";
    ungetc(s, n);
    return ":";
  }
  if (c === "#" || c === "%") return eat(s, c) ? (`${c}${c}` as "##" | "%%") : c;
  if (c === "/") return eat(s, "/") ? "//" : "/";
  ungetc(s, c);
  return "bad";
}

/**
 * The argument of `${NAME<op>…}` up to its `}`. In a double-quoted expansion the argument stays
 * quoted (single quotes are plain characters there) unless `pattern`: the removal and replacement
 * operators read their pattern with unquoted syntax (ash.c: newsyn = BASESYNTAX).
 */
function readVarArg(s: State, dq: boolean, pattern: boolean): Word {
  const q = dq && !pattern;
  const w: Word = [];
  for (;;) {
    const c = getc(s);
    if (c === "}") return tidy(w);
    if (c === EOF) fail(s, q ? "unterminated quoted string" : "missing '}'", true);
    if (c === "\\") q ? readDqEscape(s, w, true) : readEscape(s, w);
    else if (c === "'") q ? addLit(w, c, true) : readSingle(s, w);
    else if (c === '"') readDouble(s, w, true);
    else if (c === "$") readDollar(s, w, q);
    else if (c === "`") readBackquote(s, w, q);
    else addLit(w, c, q);
  }
}

// ---------------------------------------------------------------------------------------------
// Here-documents (ash.c parseheredoc, readtoken1 with an eofmark)
// ---------------------------------------------------------------------------------------------

/** Reads the bodies of the here-documents queued on the line that just ended. */
function parseHeredocs(s: State): void {
  const pending = s.heredocs;
  s.heredocs = [];
  for (const h of pending) {
    const text = readHeredocText(s, h);
    h.body = h.expand ? lexHeredoc(s, text) : [{ kind: "lit", text, quoted: true }];
  }
}

/** Lines up to the delimiter line. Ash ends a body silently at EOF; interactively it reads on. */
function readHeredocText(s: State, h: HeredocRedirect): string {
  let text = "";
  for (;;) {
    if (h.op === "<<-") while (s.src[s.pos] === "\t") s.pos++;
    if (atDelimiter(s, h.delimiter)) return text;
    if (s.pos >= s.src.length) {
      s.wantsMore = true;
      return text;
    }
    text += readHeredocLine(s, h.expand);
  }
}

/** ash.c checkend: the physical line equals the delimiter; consumes it and its newline. */
function atDelimiter(s: State, delimiter: string): boolean {
  const nl = s.src.indexOf("\n", s.pos);
  const end = nl < 0 ? s.src.length : nl;
  if (s.src.slice(s.pos, end) !== delimiter) return false;
  s.pos = nl < 0 ? end : nl + 1;
  return true;
}

/** One line with its newline; an expanding body joins `\` newline continuations. */
function readHeredocLine(s: State, expand: boolean): string {
  let line = "";
  for (;;) {
    const c = getcRaw(s);
    if (c === EOF) return line;
    if (expand && c === "\\") {
      const n = getcRaw(s);
      if (n !== "\n") line += c + n;
      continue;
    }
    line += c;
    if (c === "\n") return line;
  }
}

/** An unquoted-delimiter body: $ and ` expand, a backslash escapes only $ ` \; all quoted. */
function lexHeredoc(host: State, text: string): Word {
  const s = subState(host, text);
  const w: Word = [];
  addLit(w, "", true);
  for (let c = getcRaw(s); c !== EOF; c = getcRaw(s)) {
    if (c === "\\") {
      const n = getcRaw(s);
      addLit(w, "$`\\".includes(n) && n !== EOF ? n : "\\" + n, true);
    } else if (c === "$") readDollar(s, w, true);
    else if (c === "`") readBackquote(s, w, true);
    else addLit(w, c, true);
  }
  return tidy(w);
}

// ---------------------------------------------------------------------------------------------
// Tokens (ash.c xxreadtoken, readtoken)
// ---------------------------------------------------------------------------------------------

const SINGLE_TOKENS: Record<string, TokType> = { "\n": "nl", "(": "(", ")": ")" };

function lexToken(s: State): Tok {
  for (;;) {
    const c = getc(s);
    if (c === " " || c === "\t") continue;
    if (c === "#") {
      skipComment(s);
      continue;
    }
    const at = s.pos - 1;
    if (c === EOF) return { type: "eof", start: s.pos };
    const single = SINGLE_TOKENS[c];
    if (single) return { type: single, start: at };
    const op = "&|;".includes(c) ? readOperator(s, c) : null;
    if (op) return { type: op, start: at };
    s.pos = at;
    return readWordToken(s, at);
  }
}

function skipComment(s: State): void {
  let c: string;
  do c = getcRaw(s);
  while (c !== "\n" && c !== EOF);
  ungetc(s, c);
}

/** `&` `&&` `|` `||` `;` `;;`; null for `&>`, which readtoken1 lexes as a redirection. */
function readOperator(s: State, c: string): TokType | null {
  const n = getc(s);
  if (n === c) return (c + c) as TokType;
  ungetc(s, n);
  return c === "&" && n === ">" ? null : (c as TokType);
}

/**
 * ash.c readtoken: the next token (or the pushed-back one). With CHKNL newlines are skipped (and
 * pending here-documents read); with CHKKWD an unquoted word that spells a keyword becomes it.
 */
function readtoken(s: State): Tok {
  const kwd = s.checkkwd;
  let t = nextToken(s);
  if (kwd & CHKNL) {
    while (t.type === "nl") {
      parseHeredocs(s);
      s.checkkwd = 0;
      t = nextToken(s);
    }
  }
  s.checkkwd = 0;
  if (kwd & CHKKWD && t.type === "word" && !t.quoted) t = asKeyword(t);
  s.last = t;
  return t;
}

function nextToken(s: State): Tok {
  if (!s.pushback) return lexToken(s);
  s.pushback = false;
  return s.last;
}

function asKeyword(t: Tok): Tok {
  const text = plainText(t.word);
  return text !== null && (KEYWORDS as readonly string[]).includes(text) ? { ...t, type: text as Keyword } : t;
}

function expect(s: State, type: TokType): void {
  if (readtoken(s).type !== type) raiseUnexpected(s, type);
}

// ---------------------------------------------------------------------------------------------
// Grammar (ash.c list, andor, pipeline, parse_command, simplecmd)
// ---------------------------------------------------------------------------------------------

/**
 * ash.c list(nlflag). 1: a top-level line, ended by a newline. 0: a compound command's body,
 * which skips newlines and stops at a token that ends lists. 2: like 0 but may be empty.
 */
function list(s: State, nlflag: number): List {
  const chknl = nlflag & 1 ? 0 : CHKNL;
  const items: List = [];
  for (;;) {
    s.checkkwd = chknl | CHKKWD;
    let t = readtoken(s);
    if (t.type === "nl") {
      parseHeredocs(s);
      return items;
    }
    if (t.type === "eof") return endAtEof(s, items);
    s.pushback = true;
    if (nlflag === 2 && END_TOKENS.has(t.type)) return items;
    nlflag |= 2;
    const command = andor(s);
    t = readtoken(s);
    items.push({ command, background: t.type === "&" });
    if (t.type === "eof") return endAtEof(s, items);
    if (t.type === "nl") s.pushback = true;
    else if (t.type !== "&" && t.type !== ";") {
      if (!chknl) raiseUnexpected(s);
      s.pushback = true;
      return items;
    }
  }
}

function endAtEof(s: State, items: List): List {
  parseHeredocs(s);
  s.pushback = true;
  s.last = { type: "eof", start: s.pos };
  return items;
}

function andor(s: State): AndOr {
  const first = pipeline(s);
  const rest: AndOr["rest"] = [];
  for (;;) {
    const t = readtoken(s);
    if (t.type !== "&&" && t.type !== "||") {
      s.pushback = true;
      return { first, rest };
    }
    s.checkkwd = CHKNL | CHKKWD;
    rest.push({ op: t.type, pipeline: pipeline(s) });
  }
}

function pipeline(s: State): Pipeline {
  const negated = readtoken(s).type === "!";
  if (negated) s.checkkwd = CHKKWD;
  else s.pushback = true;
  const commands = [parseCommand(s)];
  while (readtoken(s).type === "|") {
    s.checkkwd = CHKNL | CHKKWD;
    commands.push(parseCommand(s));
  }
  s.pushback = true;
  return { negated, commands };
}

function parseCommand(s: State): Command {
  const t = readtoken(s);
  const line = lineAt(s, t.start);
  switch (t.type) {
    case "if":
      return withRedirects(s, parseIf(s, line));
    case "while":
    case "until":
      return withRedirects(s, parseLoop(s, t.type, line));
    case "for":
      return withRedirects(s, parseFor(s, line));
    case "case":
      return withRedirects(s, parseCase(s, line));
    case "(":
      return withRedirects(s, parseGroup(s, "subshell", ")", line));
    case "{":
      return withRedirects(s, parseGroup(s, "group", "}", line));
    case "function":
    case "word":
    case "redir":
      s.pushback = true;
      return simpleCommand(s, line);
    default:
      raiseUnexpected(s);
  }
}

/** Redirections after a compound command. */
function withRedirects<C extends Exclude<Command, SimpleCommand | FunctionDef>>(s: State, cmd: C): C {
  s.checkkwd = CHKKWD;
  while (readtoken(s).type === "redir") cmd.redirects.push(parseRedirTarget(s));
  s.pushback = true;
  return cmd;
}

function parseGroup(s: State, kind: GroupCommand["kind"], close: TokType, line: number): GroupCommand {
  const body = list(s, 0);
  expect(s, close);
  return { kind, body, redirects: [], line };
}

function parseIf(s: State, line: number): IfCommand {
  const clauses: IfCommand["clauses"] = [];
  do {
    const cond = list(s, 0);
    expect(s, "then");
    clauses.push({ cond, body: list(s, 0) });
  } while (readtoken(s).type === "elif");
  const cmd: IfCommand = { kind: "if", clauses, redirects: [], line };
  if (s.last.type === "else") cmd.elseBody = list(s, 0);
  else s.pushback = true;
  expect(s, "fi");
  return cmd;
}

function parseLoop(s: State, kind: LoopCommand["kind"], line: number): LoopCommand {
  const cond = list(s, 0);
  expect(s, "do");
  const body = list(s, 0);
  expect(s, "done");
  return { kind, cond, body, redirects: [], line };
}

function parseFor(s: State, line: number): ForCommand {
  const t = readtoken(s);
  const name = t.type === "word" && !t.quoted ? plainText(t.word) : null;
  if (name === null || !isGoodName(name)) fail(s, "bad for loop variable", t.type === "eof");
  s.checkkwd = CHKNL | CHKKWD;
  let items: Word[] | null = null;
  if (readtoken(s).type === "in") {
    items = [];
    while (readtoken(s).type === "word") items.push(s.last.word!);
    if (s.last.type !== "nl" && s.last.type !== ";") raiseUnexpected(s);
  } else if (s.last.type !== ";") {
    s.pushback = true;
  }
  s.checkkwd = CHKNL | CHKKWD;
  expect(s, "do");
  const body = list(s, 0);
  expect(s, "done");
  return { kind: "for", name, items, body, redirects: [], line };
}

function parseCase(s: State, line: number): CaseCommand {
  if (readtoken(s).type !== "word") raiseUnexpected(s, "word");
  const subject = s.last.word!;
  s.checkkwd = CHKNL | CHKKWD;
  expect(s, "in");
  const cmd: CaseCommand = { kind: "case", subject, items: [], redirects: [], line };
  for (;;) {
    s.checkkwd = CHKNL | CHKKWD;
    if (readtoken(s).type === "esac") return cmd;
    cmd.items.push(parseCaseItem(s));
    s.checkkwd = CHKNL | CHKKWD;
    const t = readtoken(s);
    if (t.type === "esac") return cmd;
    if (t.type !== ";;") raiseUnexpected(s, ";;");
  }
}

/** `[(]pat|pat) body`; like ash, a pattern is whatever word was lexed last. */
function parseCaseItem(s: State): CaseCommand["items"][number] {
  if (s.last.type === "(") readtoken(s);
  const patterns = [s.lastWord];
  while (readtoken(s).type === "|") {
    readtoken(s);
    patterns.push(s.lastWord);
  }
  if (s.last.type !== ")") raiseUnexpected(s, ")");
  return { patterns, body: list(s, 2) };
}

/** ash.c parsefname: the word after a redirection operator. */
function parseRedirTarget(s: State): Redirect {
  const { op, fd } = s.last.redir!;
  const heredoc = op === "<<" || op === "<<-";
  if (heredoc) s.checkkwd = CHKEOFMARK;
  const t = readtoken(s);
  if (t.type !== "word") raiseUnexpected(s);
  const target = t.word!;
  if (heredoc) {
    const h: HeredocRedirect = {
      kind: "heredoc", fd, op, delimiter: wordToLiteral(target) ?? "", expand: !t.quoted, body: [],
    };
    s.heredocs.push(h);
    return h;
  }
  if (op === ">&" || op === "<&") return { kind: "dup", fd, op, target };
  return { kind: "file", fd, op: op as FileRedirect["op"], target };
}

/** ash special builtins (BUILTIN_SPEC_REG*): not valid function names. */
const SPECIAL_BUILTINS = new Set([
  ".", ":", "break", "continue", "eval", "exec", "exit", "export", "local",
  "readonly", "return", "set", "shift", "source", "times", "trap", "unset",
]);

interface SimpleState {
  cmd: SimpleCommand;
  /** ash.c savecheckkwd: still in the assignment prefix */
  prefix: boolean;
  /** after bash's `function` keyword */
  fnKeyword: boolean;
  /** inside `[[ … ]]`, where && and || are words (BASH_TEST2) */
  brackets: boolean;
}

/** ash.c simplecmd: words, prefix assignments and redirections, or a function definition. */
function simpleCommand(s: State, line: number): Command {
  const st: SimpleState = {
    cmd: { kind: "simple", assigns: [], words: [], redirects: [], line },
    prefix: true, fnKeyword: false, brackets: false,
  };
  for (;;) {
    s.checkkwd = 0;
    const t = readtoken(s);
    if (t.type === "function") {
      if (readtoken(s).type !== "word") raiseUnexpected(s, "word");
      s.pushback = true;
      st.fnKeyword = true;
    } else if (t.type === "word" || ((t.type === "&&" || t.type === "||") && st.brackets)) {
      addSimpleWord(st, t.type === "word" ? t.word! : [{ kind: "lit", text: t.type, quoted: false }]);
      if (st.fnKeyword) st.fnKeyword = bodyFollowsFunctionName(s);
      if (st.fnKeyword) return isFunctionHead(st) ? functionDef(s, st, line) : st.cmd;
    } else if (t.type === "redir") {
      st.cmd.redirects.push(parseRedirTarget(s));
    } else if (t.type === "(" && isFunctionHead(st)) {
      return functionDef(s, st, line);
    } else {
      s.pushback = true;
      return st.cmd;
    }
  }
}

function addSimpleWord(st: SimpleState, word: Word): void {
  const text = plainText(word);
  if (text === "[[") st.brackets = true;
  else if (text === "]]") st.brackets = false;
  const assign = st.prefix ? splitAssignment(word) : null;
  if (assign) st.cmd.assigns.push(assign);
  else {
    st.cmd.words.push(word);
    st.prefix = false;
  }
}

/** ash.c isassignment: an unquoted NAME followed by `=` at the start of the word. */
function splitAssignment(word: Word): Assignment | null {
  const first = word[0];
  if (first?.kind !== "lit" || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return null;
  const rest = first.text.slice(m[0].length);
  const value: Word = rest ? [{ kind: "lit", text: rest, quoted: false }, ...word.slice(1)] : word.slice(1);
  return { name: m[1]!, value };
}

/**
 * After `function NAME` (ash.c function_flag), peeking at the next token: true when a compound
 * body follows directly, false for `(`, which is then read as the usual `()`; else an error.
 */
function bodyFollowsFunctionName(s: State): boolean {
  s.checkkwd = CHKNL | CHKKWD;
  const t = readtoken(s);
  s.pushback = true;
  if (["{", "if", "case", "until", "while", "for"].includes(t.type)) return true;
  if (t.type === "word" && plainText(t.word) === "[[") return true;
  if (t.type !== "(") raiseUnexpected(s);
  return false;
}

/** ash.c do_func condition: exactly one word, no assignments, no redirections. */
function isFunctionHead(st: SimpleState): boolean {
  return st.cmd.words.length === 1 && st.cmd.assigns.length === 0 && st.cmd.redirects.length === 0;
}

function functionDef(s: State, st: SimpleState, line: number): FunctionDef {
  if (!st.fnKeyword) expect(s, ")");
  const name = plainText(st.cmd.words[0]);
  if (name === null || !isGoodName(name) || SPECIAL_BUILTINS.has(name)) fail(s, "bad function name", false);
  s.checkkwd = CHKNL | CHKKWD;
  return { kind: "function", name, body: parseCommand(s), line };
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/** ash.c parsecmd: fresh token state for the next line; false at the end of input. */
function startLine(s: State): boolean {
  s.pushback = false;
  s.heredocs = [];
  s.checkkwd = CHKKWD;
  if (readtoken(s).type === "eof") return false;
  s.pushback = true;
  return true;
}

/**
 * Parses shell input (lines joined with "\n"; an interactive reader passes each line with its
 * newline) into top-level command lines, or the syntax error ash would report.
 */
export function parse(src: string, opts: ParseOptions = {}): Program | ParseError {
  const s = newState(src, opts.atEof ?? false, true, 0);
  const lines: List[] = [];
  let pendingFrom = -1;
  try {
    while (startLine(s)) {
      const line = list(s, 1);
      if (s.wantsMore && pendingFrom < 0) pendingFrom = lines.length;
      if (line.length) lines.push(line);
    }
  } catch (e) {
    if (!(e instanceof ParseFail)) throw e;
    return { error: e.message, incomplete: e.incomplete, line: e.line, completed: lines };
  }
  if (s.wantsMore && pendingFrom < 0) pendingFrom = lines.length;
  if (pendingFrom < 0 || s.atEof) return { lines };
  return { error: "", incomplete: true, line: lineAt(s, s.pos), completed: lines.slice(0, pendingFrom) };
}
