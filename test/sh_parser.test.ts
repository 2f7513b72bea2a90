import { describe, it, expect } from "vitest";
import {
  parse,
  wordToLiteral,
  type Command,
  type ParseError,
  type ParseOptions,
  type Program,
  type SimpleCommand,
  type Word,
} from "../src/user/sh/parser.js";

function ok(src: string, opts?: ParseOptions): Program {
  const r = parse(src, opts);
  if ("error" in r) throw new Error(`unexpected parse error for ${JSON.stringify(src)}: ${r.error}`);
  return r;
}

function bad(src: string, opts?: ParseOptions): ParseError {
  const r = parse(src, opts);
  if (!("error" in r)) throw new Error(`expected a parse error for ${JSON.stringify(src)}`);
  return r;
}

/** The first command of the first pipeline of the first line. */
function cmd(src: string): Command {
  return ok(src).lines[0]![0]!.command.first.commands[0]!;
}

function simple(src: string): SimpleCommand {
  const c = cmd(src);
  if (c.kind !== "simple") throw new Error(`not a simple command: ${c.kind}`);
  return c;
}

function texts(ws: Word[]): (string | null)[] {
  return ws.map(wordToLiteral);
}

function argv(src: string): (string | null)[] {
  return texts(simple(src).words);
}

const lit = (text: string, quoted = false) => ({ kind: "lit", text, quoted });

describe("simple commands", () => {
  it("splits words on blanks", () => {
    expect(argv("echo  hello\tworld")).toEqual(["echo", "hello", "world"]);
  });

  it("gives `echo 1 > /proc/ida` the words [echo, 1] and one redirect", () => {
    const c = simple("echo 1 > /proc/ida");
    expect(texts(c.words)).toEqual(["echo", "1"]);
    expect(c.redirects).toEqual([{ kind: "file", fd: 1, op: ">", target: [lit("/proc/ida")] }]);
  });

  it("keeps prefix assignments apart from the words", () => {
    const c = simple("FOO=bar B=$x cmd C=3");
    expect(c.assigns.map((a) => a.name)).toEqual(["FOO", "B"]);
    expect(c.assigns[0]!.value).toEqual([lit("bar")]);
    expect(c.assigns[1]!.value).toEqual([{ kind: "param", name: "x", quoted: false }]);
    expect(texts(c.words)).toEqual(["cmd", "C=3"]);
  });

  it("accepts assignments alone, with empty values", () => {
    const c = simple("FOO=bar EMPTY=");
    expect(c.words).toEqual([]);
    expect(c.assigns).toEqual([
      { name: "FOO", value: [lit("bar")] },
      { name: "EMPTY", value: [] },
    ]);
  });

  it("does not take a quoted name as an assignment", () => {
    expect(simple('"FOO"=bar').assigns).toEqual([]);
    expect(simple("FOO\\=bar").assigns).toEqual([]);
  });

  it("records the line of each command", () => {
    const p = ok("echo a\n\necho b\n");
    expect(p.lines.map((l) => (l[0]!.command.first.commands[0] as SimpleCommand).line)).toEqual([1, 3]);
  });

  it("treats keywords as plain words after the command name", () => {
    expect(argv("echo if then fi { }")).toEqual(["echo", "if", "then", "fi", "{", "}"]);
  });
});

describe("lists and pipelines", () => {
  it("separates with ; and newlines; each newline ends a top-level line", () => {
    const p = ok("a ; b\nc");
    expect(p.lines).toHaveLength(2);
    expect(p.lines[0]).toHaveLength(2);
    expect(p.lines[1]).toHaveLength(1);
  });

  it("parses && and || left to right", () => {
    const ao = ok("a && b || c").lines[0]![0]!.command;
    expect(ao.rest.map((r) => r.op)).toEqual(["&&", "||"]);
    expect(argv("a && b")).toEqual(["a"]);
  });

  it("marks background items", () => {
    const l = ok("a & b").lines[0]!;
    expect(l.map((i) => i.background)).toEqual([true, false]);
    expect(ok("a && b &").lines[0]![0]!.background).toBe(true);
  });

  it("builds pipelines and their negation", () => {
    const p = ok("! a | b | c").lines[0]![0]!.command.first;
    expect(p.negated).toBe(true);
    expect(p.commands).toHaveLength(3);
    expect(ok("a | b").lines[0]![0]!.command.first.negated).toBe(false);
  });

  it("splits operators written without spaces", () => {
    expect(ok("a&&b").lines[0]![0]!.command.rest[0]!.op).toBe("&&");
    expect(ok("a||b").lines[0]![0]!.command.rest[0]!.op).toBe("||");
    expect(ok("a|b").lines[0]![0]!.command.first.commands).toHaveLength(2);
    expect(ok("a;b").lines[0]).toHaveLength(2);
    expect(ok("a&b").lines[0]!.map((i) => i.background)).toEqual([true, false]);
  });

  it("continues a pipeline or and-or list on the next line", () => {
    expect(ok("a |\n\nb").lines[0]![0]!.command.first.commands).toHaveLength(2);
    expect(ok("a &&\nb").lines[0]![0]!.command.rest).toHaveLength(1);
  });

  it("skips comments, but only at the start of a word", () => {
    expect(argv("echo a # comment ; b")).toEqual(["echo", "a"]);
    expect(argv("echo a#b")).toEqual(["echo", "a#b"]);
    expect(ok("# only a comment\n").lines).toEqual([]);
  });

  it("omits blank lines", () => {
    expect(ok("\n\n  \n").lines).toEqual([]);
    expect(ok("").lines).toEqual([]);
  });
});

describe("redirections", () => {
  const redirs = (src: string) => simple(src).redirects;

  it("parses every operator with its default fd", () => {
    expect(redirs("c >a >>b <c <>d >|e &>f").map((r) => [r.fd, r.op])).toEqual([
      [1, ">"], [1, ">>"], [0, "<"], [0, "<>"], [1, ">|"], [1, "&>"],
    ]);
  });

  it("takes a digit prefix as the fd", () => {
    expect(redirs("c 2>err 3<in 10>>x").map((r) => [r.fd, r.op])).toEqual([[2, ">"], [3, "<"], [10, ">>"]]);
  });

  it("distinguishes 2>&1 from 2>&-", () => {
    expect(redirs("c 2>&1 2>&- >&2 0<&3")).toEqual([
      { kind: "dup", fd: 2, op: ">&", target: [lit("1")] },
      { kind: "dup", fd: 2, op: ">&", target: [lit("-")] },
      { kind: "dup", fd: 1, op: ">&", target: [lit("2")] },
      { kind: "dup", fd: 0, op: "<&", target: [lit("3")] },
    ]);
  });

  it("splits redirections written without spaces", () => {
    const c = simple("echo a>b");
    expect(texts(c.words)).toEqual(["echo", "a"]);
    expect(c.redirects).toEqual([{ kind: "file", fd: 1, op: ">", target: [lit("b")] }]);
    expect(argv("echo a2>b")).toEqual(["echo", "a2"]);
  });

  it("keeps a spaced or quoted number as a word", () => {
    expect(argv("echo 2 >f")).toEqual(["echo", "2"]);
    expect(simple('echo "2">f').redirects[0]!.fd).toBe(1);
  });

  it("accepts redirections before the command and alone", () => {
    const c = simple(">out echo hi");
    expect(texts(c.words)).toEqual(["echo", "hi"]);
    expect(c.redirects).toHaveLength(1);
    expect(simple(">out").words).toEqual([]);
  });

  it("attaches redirections to compound commands", () => {
    const c = cmd("{ echo; } >f 2>&1");
    expect(c.kind).toBe("group");
    if (c.kind === "group") expect(c.redirects.map((r) => r.op)).toEqual([">", ">&"]);
  });

  it("reads here-documents after the line", () => {
    const [h] = redirs("cat <<EOF\nhi $X\nEOF\n");
    expect(h).toEqual({
      kind: "heredoc", fd: 0, op: "<<", delimiter: "EOF", expand: true,
      body: [lit("hi ", true), { kind: "param", name: "X", quoted: true }, lit("\n", true)],
    });
  });

  it("keeps a quoted-delimiter here-document literal and strips tabs for <<-", () => {
    const [h] = redirs("cat <<'E' ; echo\n$x `y`\nE\n");
    expect(h).toMatchObject({ delimiter: "E", expand: false, body: [lit("$x `y`\n", true)] });
    const [t] = redirs("cat <<-E\n\tbody\n\tE\n");
    expect(t).toMatchObject({ op: "<<-", body: [lit("body\n", true)] });
  });
});

describe("quoting", () => {
  const word = (src: string) => simple(src).words[1]!;

  it("keeps 'a b' one quoted word", () => {
    expect(argv("echo 'a b' c")).toEqual(["echo", "a b", "c"]);
    expect(word("echo 'a b'")).toEqual([lit("a b", true)]);
  });

  it("handles the escapes inside double quotes", () => {
    expect(word('echo "a\\"b\\\\c\\$d\\`e\\nf"')).toEqual([lit('a"b\\c$d`e\\nf', true)]);
  });

  it("escapes one character outside quotes", () => {
    expect(argv("echo a\\ b \\$x")).toEqual(["echo", "a b", "$x"]);
    expect(word("echo a\\ b")).toEqual([lit("a"), lit(" ", true), lit("b")]);
  });

  it("joins lines on backslash-newline", () => {
    expect(argv("ec\\\nho a \\\n b")).toEqual(["echo", "a", "b"]);
    expect(word('echo "a\\\nb"')).toEqual([lit("ab", true)]);
    expect(word("echo 'a\\\nb'")).toEqual([lit("a\\\nb", true)]);
  });

  it("keeps empty quotes as an empty word", () => {
    expect(simple("echo '' \"\"").words.slice(1)).toEqual([[lit("", true)], [lit("", true)]]);
  });

  it("keeps the empty quotes that make a word quoted", () => {
    expect(word("echo ''$x")).toEqual([lit("", true), { kind: "param", name: "x", quoted: false }]);
    expect(word('echo "$@"')).toEqual([{ kind: "param", name: "@", quoted: true }]);
  });

  it("mixes quoted and unquoted parts", () => {
    expect(word("echo a'b'\"c\"d")).toEqual([lit("a"), lit("bc", true), lit("d")]);
  });

  it("decodes $'…'", () => {
    expect(word("echo $'a\\tb\\x41\\101\\''")).toEqual([lit("a\tbAA'", true)]);
  });

  it("keeps a lone trailing backslash literal", () => {
    expect(argv("echo a\\")).toEqual(["echo", "a\\"]);
  });
});

describe("expansions", () => {
  const word = (src: string) => simple(src).words[1]!;
  const param = (name: string, quoted = false) => ({ kind: "param", name, quoted });

  it("recognises the special parameters", () => {
    const ws = simple("echo $? $$ $! $# $0 $9 $@ $* $-").words.slice(1);
    expect(ws.map((w) => w[0])).toEqual(["?", "$", "!", "#", "0", "9", "@", "*", "-"].map((n) => param(n)));
  });

  it("reads one digit after $ but all of them in braces", () => {
    expect(word("echo $10")).toEqual([param("1"), lit("0")]);
    expect(word("echo ${10}")).toEqual([param("10")]);
  });

  it("reads names, braced names and surrounding text", () => {
    expect(word("echo a$NAME_1.b")).toEqual([lit("a"), param("NAME_1"), lit(".b")]);
    expect(word("echo ${NAME}x")).toEqual([param("NAME"), lit("x")]);
  });

  it("marks expansions inside double quotes as quoted", () => {
    expect(word('echo "x $A"')).toEqual([lit("x ", true), param("A", true)]);
    expect(word('echo "$A"')).toEqual([param("A", true)]);
  });

  it("leaves a $ that starts nothing as text", () => {
    expect(argv("echo $ a$ $%")).toEqual(["echo", "$", "a$", "$%"]);
  });

  it("parses ${NAME<op>word} forms", () => {
    expect(word("echo ${A:-x y}")).toEqual([
      { kind: "param", name: "A", op: ":-", arg: [lit("x y")], quoted: false },
    ]);
    const ops = simple("echo ${A-a} ${A:=b} ${A=c} ${A:+d} ${A+e} ${A:?f} ${A#g} ${A##h} ${A%i} ${A%%j}").words;
    expect(ops.slice(1).map((w) => (w[0] as { op?: string }).op)).toEqual([
      "-", ":=", "=", ":+", "+", ":?", "#", "##", "%", "%%",
    ]);
    expect(word("echo ${#A}")).toEqual([{ kind: "param", name: "A", op: "len", quoted: false }]);
    expect(word("echo ${#}")).toEqual([param("#")]);
  });

  it("keeps a quoted default quoted, and nested expansions", () => {
    expect(word('echo "${A:-$B c}"')).toEqual([
      { kind: "param", name: "A", op: ":-", arg: [param("B", true), lit(" c", true)], quoted: true },
    ]);
    expect(word("echo ${A:-'}'}")).toEqual([
      { kind: "param", name: "A", op: ":-", arg: [lit("}", true)], quoted: false },
    ]);
  });

  it("reads single quotes literally in a double-quoted default, but not in a pattern", () => {
    expect(word(`echo "\${A:-'x'}"`)).toMatchObject([{ op: ":-", arg: [lit("'x'", true)] }]);
    expect(word(`echo "\${A#'*'*}"`)).toMatchObject([{ op: "#", arg: [lit("*", true), lit("*")], quoted: true }]);
  });

  it("leaves a bad substitution to the expander", () => {
    expect(word("echo ${a b}")).toEqual([{ kind: "param", name: "a", op: "bad", raw: "${a b}", quoted: false }]);
  });

  it("parses $(…) and backquotes", () => {
    const [sub] = word("echo $(echo hi | tr a b)");
    expect(sub).toMatchObject({ kind: "cmdsub", source: "echo hi | tr a b", quoted: false });
    if (sub?.kind === "cmdsub") expect(sub.body[0]!.command.first.commands).toHaveLength(2);
    expect(word('echo "`echo \\"hi\\"`"')).toMatchObject([{ kind: "cmdsub", source: 'echo "hi"', quoted: true }]);
    expect(word("echo $(case x in a) echo;; esac)")).toMatchObject([
      { kind: "cmdsub", source: "case x in a) echo;; esac" },
    ]);
  });

  it("parses $((…))", () => {
    expect(word("echo $((1 + (2*3)))")).toEqual([{ kind: "arith", source: "1 + (2*3)", quoted: false }]);
  });
});

describe("compound commands", () => {
  it("parses brace groups and subshells", () => {
    expect(cmd("{ a; b; }")).toMatchObject({ kind: "group", body: [{}, {}] });
    expect(cmd("(a; b)")).toMatchObject({ kind: "subshell", body: [{}, {}] });
    expect(cmd("(a)|b").kind).toBe("subshell");
  });

  it("parses if/elif/else", () => {
    const c = cmd("if a; then b; elif c; then d; else e; fi");
    expect(c.kind).toBe("if");
    if (c.kind !== "if") return;
    expect(c.clauses).toHaveLength(2);
    expect(c.elseBody).toHaveLength(1);
    expect(cmd("if a\nthen\n b\nfi")).toMatchObject({ kind: "if", clauses: [{}] });
  });

  it("parses while and until loops", () => {
    expect(cmd("while a; do b; done")).toMatchObject({ kind: "while", cond: [{}], body: [{}] });
    expect(cmd("until a\ndo b\ndone")).toMatchObject({ kind: "until" });
  });

  it("parses for loops with and without `in`", () => {
    const c = cmd("for i in a 'b c'; do echo $i; done");
    expect(c).toMatchObject({ kind: "for", name: "i" });
    if (c.kind === "for") expect(texts(c.items!)).toEqual(["a", "b c"]);
    expect(cmd("for i; do echo; done")).toMatchObject({ kind: "for", items: null });
    expect(cmd("for i\ndo echo; done")).toMatchObject({ kind: "for", items: null });
  });

  it("parses case with alternatives and optional (", () => {
    const c = cmd("case $x in (a|b) echo ab;; *) echo other;; esac");
    expect(c.kind).toBe("case");
    if (c.kind !== "case") return;
    expect(c.items.map((i) => texts(i.patterns))).toEqual([["a", "b"], ["*"]]);
    expect(cmd("case x in\nesac")).toMatchObject({ kind: "case", items: [] });
    expect(cmd("case x in a) ;; esac")).toMatchObject({ items: [{ body: [] }] });
    expect(cmd("case x in if) echo;; esac")).toMatchObject({ items: [{ patterns: [[lit("if")]] }] });
  });

  it("parses function definitions", () => {
    expect(cmd("f() { echo; }")).toMatchObject({ kind: "function", name: "f", body: { kind: "group" } });
    expect(cmd("f () ( echo )")).toMatchObject({ kind: "function", body: { kind: "subshell" } });
    expect(cmd("function g { echo; }")).toMatchObject({ kind: "function", name: "g" });
    expect(cmd("function g() { echo; }")).toMatchObject({ kind: "function", name: "g" });
  });

  it("passes && and || inside [[ ]] as words", () => {
    expect(argv("[[ a && b ]]")).toEqual(["[[", "a", "&&", "b", "]]"]);
  });
});

describe("syntax errors", () => {
  const cases: [string, string, boolean][] = [
    ["if then", 'syntax error: unexpected "then"', false],
    [";;", 'syntax error: unexpected ";;"', false],
    ["echo a ;;", 'syntax error: unexpected ";;"', false],
    [";", 'syntax error: unexpected ";"', false],
    ["&", 'syntax error: unexpected "&"', false],
    ["echo a )", 'syntax error: unexpected ")"', false],
    ["( )", 'syntax error: unexpected ")"', false],
    ["echo a; fi", 'syntax error: unexpected "fi"', false],
    ["if true; then fi", 'syntax error: unexpected "fi"', false],
    ["{ echo; } foo", "syntax error: unexpected word", false],
    ["echo >\n", "syntax error: unexpected newline", false],
    ["echo a | &&", 'syntax error: unexpected "&&"', false],
    ["! ! a", 'syntax error: unexpected "!"', false],
    ["for 1 in a; do :; done", "syntax error: bad for loop variable", false],
    ['for "i" in a; do :; done', "syntax error: bad for loop variable", false],
    ["case x in a) echo;; b echo;; esac", 'syntax error: unexpected word (expecting ")")', false],
    ["exit() { :; }", "syntax error: bad function name", false],
    ["echo 'abc", "syntax error: unterminated quoted string", true],
    ['echo "abc\n', "syntax error: unterminated quoted string", true],
    ["if true; then echo", 'syntax error: unexpected end of file (expecting "fi")', true],
    ["if true\n", 'syntax error: unexpected end of file (expecting "then")', true],
    ["while true", 'syntax error: unexpected end of file (expecting "do")', true],
    ["for i in a\n", 'syntax error: unexpected end of file (expecting "do")', true],
    ["case x", 'syntax error: unexpected end of file (expecting "in")', true],
    ["case x in a) ;;\n", 'syntax error: unexpected end of file (expecting ")")', true],
    ["case", "syntax error: unexpected end of file (expecting word)", true],
    ["{ echo a }", 'syntax error: unexpected end of file (expecting "}")', true],
    ["(echo", 'syntax error: unexpected end of file (expecting ")")', true],
    ["echo a |\n", "syntax error: unexpected end of file", true],
    ["a &&", "syntax error: unexpected end of file", true],
    ["a ||\n", "syntax error: unexpected end of file", true],
    ["echo >", "syntax error: unexpected end of file", true],
    ["echo $(", 'syntax error: unexpected end of file (expecting ")")', true],
    ["echo ${A", "syntax error: missing '}'", true],
    ['echo "${A:-x', "syntax error: unterminated quoted string", true],
    ["echo $((1+2)", "syntax error: missing '))'", true],
    ["echo `ls", "syntax error: EOF in backquote substitution", true],
  ];

  it.each(cases)("%j", (src, error, incomplete) => {
    expect(bad(src)).toMatchObject({ error, incomplete });
  });

  it("reports errors inside a backquote as complete", () => {
    expect(bad("echo `echo 'x`")).toMatchObject({
      error: "syntax error: unterminated quoted string",
      incomplete: false,
    });
  });

  it("gives the line of the error and the lines parsed before it", () => {
    const e = bad("echo a\necho b\nif then\necho c\n");
    expect(e.line).toBe(3);
    expect(e.completed).toHaveLength(2);
  });
});

describe("incomplete input", () => {
  it("asks for more after a trailing line continuation", () => {
    expect(bad("echo a \\\n")).toEqual({ error: "", incomplete: true, line: 2, completed: [] });
    expect(argv("echo a \\\nb\n")).toEqual(["echo", "a", "b"]);
  });

  it("asks for more inside an unterminated here-document", () => {
    expect(bad("cat <<EOF\nhi\n")).toMatchObject({ error: "", incomplete: true });
  });

  it("accepts both at EOF, as ash does", () => {
    expect(ok("echo a \\\n", { atEof: true }).lines).toHaveLength(1);
    const c = ok("cat <<EOF\nhi\n", { atEof: true }).lines[0]![0]!.command.first.commands[0] as SimpleCommand;
    expect(c.redirects[0]).toMatchObject({ body: [lit("hi\n", true)] });
  });

  it("keeps the error text of unfinished constructs in atEof mode", () => {
    expect(bad("if true\n", { atEof: true })).toMatchObject({
      error: 'syntax error: unexpected end of file (expecting "then")',
    });
  });

  it("completes once the missing input arrives", () => {
    expect(cmd("if true\nthen echo\nfi\n").kind).toBe("if");
    expect(argv("echo 'a\nb'\n")).toEqual(["echo", "a\nb"]);
  });
});

describe("wordToLiteral", () => {
  it("joins literal parts and refuses expansions", () => {
    expect(wordToLiteral([lit("a"), lit("b c", true)] as Word)).toBe("a" + "b c");
    expect(wordToLiteral([{ kind: "param", name: "A", quoted: false }])).toBeNull();
    expect(wordToLiteral([])).toBe("");
  });
});
