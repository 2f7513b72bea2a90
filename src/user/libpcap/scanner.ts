// Mirrors libpcap 1.10 scanner.l: the tokens of a filter expression. Flex takes the longest match
// and, between matches of one length, the earliest rule; so "tcp" is the keyword, "tcpx" an ID,
// "1.2.3.4" a HID (host id), "1.2.3.4.5" and "20-25" IDs, and "0x10" a NUM. A character no rule
// takes is LEX_ERROR, which the grammar reports as a syntax error.

export type TokenKind =
  | "NUM" | "HID" | "ID" | "AND" | "OR" | "!" | "(" | ")" | "/" | "END" | "LEX_ERROR"
  | "DST" | "SRC" | "HOST" | "NET" | "NETMASK" | "PORT" | "PORTRANGE" | "PROTO" | "LESS" | "GREATER"
  | "LINK" | "IP" | "ARP" | "RARP" | "TCP" | "UDP" | "ICMP" | "SCTP"
  /** A keyword or operator of libpcap's language that kplay's grammar does not take. */
  | "OTHER";

export interface Token {
  kind: TokenKind;
  text: string;
  /** NUM's value */
  num?: number;
}

const keywords: Record<string, TokenKind> = {
  dst: "DST", src: "SRC", host: "HOST", net: "NET", mask: "NETMASK", port: "PORT", portrange: "PORTRANGE",
  proto: "PROTO", less: "LESS", greater: "GREATER", and: "AND", or: "OR", not: "!",
  link: "LINK", ether: "LINK", ppp: "LINK", slip: "LINK", fddi: "LINK", tr: "LINK", wlan: "LINK",
  ip: "IP", arp: "ARP", rarp: "RARP", tcp: "TCP", udp: "UDP", icmp: "ICMP", sctp: "SCTP",
};

/** The rest of scanner.l's keywords: recognized, so they never become host or port names. */
const other_keywords = new Set(
  ("igmp igrp pim vrrp carp radio ip6 icmp6 ah esp atalk aarp decnet lat sca moprc mopdl iso esis es-is isis is-is l1 l2 " +
    "iih lsp snp csnp psnp clnp stp ipx netbeui protochain gateway type subtype direction dir address1 addr1 address2 addr2 " +
    "address3 addr3 address4 addr4 ra ta byte broadcast multicast len length inbound outbound ifindex vlan mpls pppoed pppoes " +
    "geneve lane llc metac bcc oam oamf4 oamf4ec oamf4sc sc ilmic vpi vci connectmsg metaconnect on ifname rset ruleset rnr " +
    "rulenum srnr subrulenum reason action fisu lssu lsu msu hfisu hlssu hmsu sio opc dpc sls hsio hopc hdpc hsls").split(" "),
);

const N = "(?:0[Xx][0-9A-Fa-f]+|[0-9]+)";
const re_num = new RegExp(`^${N}`);
const re_hid = new RegExp(`^(?:${N}\\.${N}\\.${N}\\.${N}|${N}\\.${N}\\.${N}|${N}\\.${N})`);
const re_id = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[.A-Za-z0-9])?/;

/**
 * stou(): a NUM's value (hex after 0x, octal after a leading 0, else decimal), or libpcap's error
 * for a malformed or too large number.
 */
function stou(text: string): number | string {
  let base = 10;
  let digits = text;
  if (/^0[Xx]/.test(text)) (base = 16), (digits = text.slice(2));
  else if (text.length > 1 && text[0] === "0") (base = 8), (digits = text.slice(1));
  if (base === 8 && /[89]/.test(digits)) return `number ${text} contains non-octal digit`;
  let n = 0;
  for (const c of digits) {
    n = n * base + parseInt(c, base);
    if (n > 0xffffffff) return `number ${text} overflows 32 bits`;
  }
  return n;
}

/** The tokens of `buf`, ending with END; a scanner error ends the list with a LEX_ERROR carrying it. */
export function pcap_lex(buf: string): { tokens: Token[]; error: string | null } {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, text: string, num?: number): void => void tokens.push({ kind, text, num });
  while (i < buf.length) {
    const rest = buf.slice(i);
    const c = rest[0];
    if (" \r\n\t".includes(c)) {
      i++;
      continue;
    }
    const two = rest.slice(0, 2);
    if (two === "&&" || two === "||") {
      push(two === "&&" ? "AND" : "OR", two);
      i += 2;
      continue;
    }
    if ([">=", "<=", "!=", "==", "<<", ">>"].includes(two)) {
      push("OTHER", two);
      i += 2;
      continue;
    }
    if ("!()/".includes(c)) {
      push(c as TokenKind, c);
      i++;
      continue;
    }
    if ("+-*%:[]<>&|^=".includes(c)) {
      push("OTHER", c);
      i++;
      continue;
    }
    if (c === "\\" && rest.length > 1 && !" !()\n\t".includes(rest[1])) {
      const m = /^\\[^ !()\n\t]+/.exec(rest)![0];
      push("ID", m.slice(1));
      i += m.length;
      continue;
    }
    const id = re_id.exec(rest)?.[0] ?? "";
    if (!id) {
      push("LEX_ERROR", c);
      return { tokens, error: null };
    }
    const hid = re_hid.exec(rest)?.[0] ?? "";
    const num = re_num.exec(rest)?.[0] ?? "";
    if (num.length >= id.length && num.length >= hid.length) {
      const v = stou(num);
      if (typeof v === "string") {
        push("LEX_ERROR", num);
        return { tokens, error: v };
      }
      push("NUM", num, v);
      i += num.length;
    } else if (hid.length >= id.length) {
      push("HID", hid);
      i += hid.length;
    } else {
      push(keywords[id] ?? (other_keywords.has(id) ? "OTHER" : "ID"), id);
      i += id.length;
    }
  }
  push("END", "");
  return { tokens, error: null };
}
