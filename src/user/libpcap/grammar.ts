// Mirrors libpcap 1.10 grammar.y: the filter language, parsed by recursive descent with the
// yacc grammar's meaning. "and" and "or" have equal precedence and group from the left; "not"
// binds tighter. A bare id after "and"/"or" takes the qualifiers of what came before it
// ($<blk>0 in grammar.y), so "host 1.2.3.4 or 5.6.7.8" is two hosts and "tcp port 21 or 20" two
// tcp ports. A parse error is "can't parse filter expression: syntax error" (yyerror with
// bison's message), unless the scanner already set a message.
import { gen_and, gen_greater, gen_less, gen_mcode, gen_ncode, gen_not, gen_or, gen_proto_abbrev, gen_scode } from "./gencode.js";
import {
  bpf_error, qerr, Q_AND, Q_ARP, Q_DEFAULT, Q_DST, Q_HOST, Q_ICMP, Q_IP, Q_LINK, Q_NET, Q_OR, Q_PORT, Q_PORTRANGE, Q_PROTO,
  Q_RARP, Q_SCTP, Q_SRC, Q_TCP, Q_UDP, type Block, type CompilerState, type Qual,
} from "./gencode.h.js";
import type { Token, TokenKind } from "./scanner.js";

/** A parsed piece: its code and the qualifiers an id after it inherits. */
interface Blk {
  b: Block;
  q: Qual;
}

const pnames: Partial<Record<TokenKind, number>> = { LINK: Q_LINK, IP: Q_IP, ARP: Q_ARP, RARP: Q_RARP, TCP: Q_TCP, UDP: Q_UDP, ICMP: Q_ICMP, SCTP: Q_SCTP };
const aquals: Partial<Record<TokenKind, number>> = { HOST: Q_HOST, NET: Q_NET, PORT: Q_PORT, PORTRANGE: Q_PORTRANGE };

class Parser {
  private pos = 0;

  constructor(
    private readonly cs: CompilerState,
    private readonly toks: Token[],
    private readonly lex_error: string | null,
  ) {}

  private peek(n = 0): Token {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)];
  }

  private next(): Token {
    return this.toks[Math.min(this.pos++, this.toks.length - 1)];
  }

  /** yyerror(): the scanner's message when it stopped the parse, else bison's. */
  private yyerror(): never {
    return bpf_error(`can't parse filter expression: ${this.lex_error ?? "syntax error"}`);
  }

  private expect(kind: TokenKind): Token {
    if (this.peek().kind !== kind) this.yyerror();
    return this.next();
  }

  /** prog: null expr | null */
  prog(): Block | null {
    if (this.peek().kind === "END") return null;
    const r = this.expr(qerr);
    this.expect("END");
    return r.b;
  }

  /** expr: term | expr and term | expr and id | expr or term | expr or id */
  private expr(inh: Qual): Blk {
    let left = this.term(inh);
    while (this.peek().kind === "AND" || this.peek().kind === "OR") {
      const and = this.next().kind === "AND";
      const right = this.term_or_id(left.q);
      left = { b: and ? gen_and(left.b, right.b) : gen_or(left.b, right.b), q: right.q };
    }
    return left;
  }

  /** What may follow "and"/"or": an id inheriting `inh`, or a term. */
  private term_or_id(inh: Qual): Blk {
    switch (this.peek().kind) {
      case "NUM":
      case "HID":
      case "ID":
        return this.id(inh);
      case "!": {
        this.next();
        const r = this.term_or_id(inh);
        return { b: gen_not(r.b), q: r.q };
      }
      case "(": {
        // "(" pid ")" when the group starts with an id, else "(" expr ")".
        let n = 1;
        while (this.peek(n).kind === "!" || this.peek(n).kind === "(") n++;
        if (!["NUM", "HID", "ID"].includes(this.peek(n).kind)) return this.term(inh);
        this.next();
        const r = this.pid(inh);
        this.expect(")");
        return r;
      }
      default:
        return this.term(inh);
    }
  }

  /** term: rterm | not term */
  private term(inh: Qual): Blk {
    const t = this.peek();
    if (t.kind === "!") {
      this.next();
      const r = this.term(inh);
      return { b: gen_not(r.b), q: r.q };
    }
    return this.rterm(inh);
  }

  /** rterm: head id | paren expr ')' | pname | other (less, greater) */
  private rterm(inh: Qual): Blk {
    const t = this.peek();
    if (t.kind === "(") {
      this.next();
      const r = this.expr(inh);
      this.expect(")");
      return { b: r.b, q: inh };
    }
    if (t.kind === "LESS" || t.kind === "GREATER") {
      this.next();
      const n = this.expect("NUM").num!;
      return { b: t.kind === "LESS" ? gen_less(n) : gen_greater(n), q: qerr };
    }
    // head: pqual dqual aqual | pqual dqual | pqual aqual | pqual PROTO
    let proto = Q_DEFAULT;
    const pname = pnames[t.kind];
    if (pname !== undefined) {
      this.next();
      proto = pname;
    }
    const dir = this.dqual();
    let addr = Q_DEFAULT;
    const aqual = aquals[this.peek().kind];
    if (aqual !== undefined) {
      this.next();
      addr = aqual;
    } else if (this.peek().kind === "PROTO" && dir === Q_DEFAULT) {
      this.next();
      addr = Q_PROTO;
    }
    if (dir === Q_DEFAULT && addr === Q_DEFAULT) {
      if (pname === undefined) this.yyerror();
      return { b: gen_proto_abbrev(this.cs, pname), q: qerr };
    }
    return this.id({ addr, proto, dir });
  }

  /** dqual: SRC | DST | SRC OR DST | DST OR SRC | SRC AND DST | DST AND SRC; Q_DEFAULT when absent. */
  private dqual(): number {
    const t = this.peek().kind;
    if (t !== "SRC" && t !== "DST") return Q_DEFAULT;
    this.next();
    const op = this.peek().kind;
    const other = t === "SRC" ? "DST" : "SRC";
    if ((op === "OR" || op === "AND") && this.peek(1).kind === other) {
      this.next();
      this.next();
      return op === "OR" ? Q_OR : Q_AND;
    }
    return t === "SRC" ? Q_SRC : Q_DST;
  }

  /** id: nid | pnum | paren pid ')'; nid: ID | HID '/' NUM | HID NETMASK HID | HID | not id */
  private id(q: Qual): Blk {
    const t = this.next();
    switch (t.kind) {
      case "!": {
        const r = this.id(q);
        return { b: gen_not(r.b), q: r.q };
      }
      case "(": {
        const r = this.pid(q);
        this.expect(")");
        return r;
      }
      case "NUM":
        return { b: gen_ncode(this.cs, null, t.num!, q), q };
      case "ID":
        return { b: gen_scode(this.cs, t.text, q), q };
      case "HID": {
        if (this.peek().kind === "/") {
          this.next();
          return { b: gen_mcode(this.cs, t.text, null, this.expect("NUM").num!, q), q };
        }
        if (this.peek().kind === "NETMASK") {
          this.next();
          return { b: gen_mcode(this.cs, t.text, this.expect("HID").text, 0, q), q };
        }
        if (q.addr === Q_PORT) bpf_error("'port' modifier applied to ip host");
        if (q.addr === Q_PORTRANGE) bpf_error("'portrange' modifier applied to ip host");
        if (q.addr === Q_PROTO) bpf_error("'proto' modifier applied to ip host");
        return { b: gen_ncode(this.cs, t.text, 0, q), q };
      }
      default:
        return this.yyerror();
    }
  }

  /** pid: nid | qid and id | qid or id (every id inheriting the qualifiers before it) */
  private pid(inh: Qual): Blk {
    let left = this.id(inh);
    while (this.peek().kind === "AND" || this.peek().kind === "OR") {
      const and = this.next().kind === "AND";
      const right = this.id(left.q);
      left = { b: and ? gen_and(left.b, right.b) : gen_or(left.b, right.b), q: right.q };
    }
    return left;
  }
}

/** pcap_parse(): the Block of a token list, or null for an empty expression (accept all). */
export function pcap_parse(cs: CompilerState, tokens: Token[], lex_error: string | null): Block | null {
  return new Parser(cs, tokens, lex_error).prog();
}

