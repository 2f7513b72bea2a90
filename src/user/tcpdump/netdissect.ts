// Mirrors tcpdump 4.99 netdissect.h (struct netdissect_options) and print.c (pretty_print_packet):
// the printers' options and state, and the text of one captured packet. Pure functions of the
// bytes, the options and what earlier packets of the same capture taught (relative TCP sequence
// numbers, generic netlink family names); no system calls. The flag fields keep tcpdump's names
// and count repeated flags as it does (-vv is vflag 2, -XX is Xflag 2).
//   pretty_print_packet() returns "<timestamp><link and protocol text>[<hex dump>]\n":
//   - the timestamp as ts_print() makes it (see util-print.ts ts_format());
//   - the link-layer printer's text: linktype 1 (Ethernet, print-ether.ts) or 253 (netlink with
//     the LINUX_SLL header, print-netlink.ts, kplay's own format); a printer that runs past the
//     captured bytes ends the text with " [|proto]";
//   - with -X (or -x) the bytes in hex and ASCII (or hex) on "\n\t0x0000: " lines: from the end of
//     the link-layer header, or the whole record with -XX/-xx or after a truncated link layer.
//   A record whose header is impossible (caplen 0, len 0, len < caplen, more than 262144 bytes)
//   prints "[Invalid header: ...]\n" instead.
import { init_addrtoname, type AddrToName } from "./addrtoname.js";
import { NdTruncated } from "./extract.js";
import { ether_if_print } from "./print-ether.js";
import { netlink_if_print } from "./print-netlink.js";
import type { TcpSeqHash } from "./print-tcp.js";
import { hex_and_ascii_print, hex_print, ND_DEFAULTPRINT, ND_PRINT, nd_print_trunc, ts_print } from "./util-print.js";

import { DLT_EN10MB, DLT_NETLINK, MAXIMUM_SNAPLEN, type PcapPkthdr } from "../libpcap/pcap.js";

export { DLT_EN10MB, DLT_NETLINK, MAXIMUM_SNAPLEN };
/** struct pcap_pkthdr (pcap/pcap.h, which netdissect.h includes). */
export type PcapPktHdr = PcapPkthdr;

/** The command-line flags the printers look at, each a count of how often it was given. */
export interface NetdissectFlags {
  /** -n: numbers instead of host, port and MAC vendor names */
  nflag: number;
  /** -e: print the link-layer header */
  eflag: number;
  /** -v, -vv, -vvv */
  vflag: number;
  /** -x: hex dump; -xx: including the link-layer header */
  xflag: number;
  /** -X: hex and ASCII dump; -XX: including the link-layer header */
  Xflag: number;
  /** -S: absolute TCP sequence numbers */
  Sflag: number;
  /** -t (1, no time stamp), -tt (2, seconds since the epoch), -ttt (3), -tttt (4), -ttttt (5) */
  tflag: number;
  /** -q: less protocol information */
  qflag: number;
  /** -K: do not verify checksums */
  Kflag: number;
}

export interface NetdissectOptions extends NetdissectFlags {
  /** The name tables of addrtoname.c, from the machine's /etc/hosts and /etc/services. */
  addrtoname: AddrToName;
  /** print-tcp.c's tcp_seq_hash4: a connection's ISNs, for relative sequence numbers. */
  tcp_seq_hash: Map<string, TcpSeqHash>;
  /** Generic netlink family ids named by controller messages seen so far (Wireshark's genl_family_map). */
  genl_family_map: Map<number, string>;
  /** ts_print()'s tv_ref for -ttt and -ttttt, in microseconds; null before the first packet. */
  ts_ref: number | null;

  /* The packet being printed; printers address its bytes by index. */
  ndo_packetp: Uint8Array;
  /** One past the last byte a printer may read. */
  ndo_snapend: number;
  /** The ends nd_push_snapend() replaced. */
  ndo_snapend_stack: number[];
  /** The name " [|proto]" reports when a read runs past ndo_snapend. */
  ndo_protocol: string;
  /** The length of the link-layer header, which -x and -X leave out. */
  ndo_ll_hdr_len: number;
  /** The packet's text so far. */
  ndo_out: string;
}

/**
 * A printer state for one capture: `flags` as given on the command line, `hosts` and `services` the
 * text of the machine's /etc/hosts and /etc/services.
 */
export function netdissect_init(flags: Partial<NetdissectFlags> = {}, hosts = "", services = ""): NetdissectOptions {
  const f: NetdissectFlags = { nflag: 0, eflag: 0, vflag: 0, xflag: 0, Xflag: 0, Sflag: 0, tflag: 0, qflag: 0, Kflag: 0, ...flags };
  return {
    ...f,
    addrtoname: init_addrtoname(hosts, services, f.nflag),
    tcp_seq_hash: new Map(),
    genl_family_map: new Map(),
    ts_ref: null,
    ndo_packetp: new Uint8Array(0),
    ndo_snapend: 0,
    ndo_snapend_stack: [],
    ndo_protocol: "",
    ndo_ll_hdr_len: 0,
    ndo_out: "",
  };
}

type IfPrinter = (ndo: NetdissectOptions, h: PcapPktHdr, p: number) => void;

/** print.c's printers[]: the link-layer types kplay's tcpdump prints. */
const printers: ReadonlyMap<number, IfPrinter> = new Map([
  [DLT_EN10MB, ether_if_print],
  [DLT_NETLINK, netlink_if_print],
]);

/** has_printer(): whether packets of `linktype` can be printed. */
export function has_printer(linktype: number): boolean {
  return printers.has(linktype);
}

/** unsupported_if_print(): the whole record in hex and ASCII, all of it link-layer header. */
function unsupported_if_print(ndo: NetdissectOptions, h: PcapPktHdr, p: number): void {
  ndo.ndo_ll_hdr_len += h.caplen;
  ND_DEFAULTPRINT(ndo, p, h.caplen);
}

/**
 * pretty_print_packet(): the full, newline-terminated text tcpdump prints for the record `sp`
 * (its first h.caplen bytes are the captured data) of a capture of `linktype`.
 */
export function pretty_print_packet(ndo: NetdissectOptions, h: PcapPktHdr, sp: Uint8Array, linktype: number): string {
  ndo.ndo_out = "";
  const invalid: string[] = [];
  if (h.caplen === 0) invalid.push(" caplen==0");
  if (h.len === 0) invalid.push(" len==0");
  else if (h.len < h.caplen) invalid.push(` len(${h.len}) < caplen(${h.caplen})`);
  if (h.caplen > MAXIMUM_SNAPLEN) invalid.push(` caplen(${h.caplen}) > ${MAXIMUM_SNAPLEN}`);
  if (h.len > MAXIMUM_SNAPLEN) invalid.push(` len(${h.len}) > ${MAXIMUM_SNAPLEN}`);
  if (invalid.length) return `[Invalid header:${invalid.join(",")}]\n`;

  ts_print(ndo, h.ts_sec, h.ts_usec);
  const caplen = Math.min(h.caplen, sp.length);
  ndo.ndo_packetp = sp;
  ndo.ndo_snapend = caplen;
  ndo.ndo_snapend_stack = [];
  ndo.ndo_protocol = "";
  ndo.ndo_ll_hdr_len = 0;
  try {
    (printers.get(linktype) ?? unsupported_if_print)(ndo, h, 0);
  } catch (e) {
    if (!(e instanceof NdTruncated)) throw e;
    nd_print_trunc(ndo);
    ndo.ndo_ll_hdr_len = 0;
  }
  const hdrlen = ndo.ndo_ll_hdr_len;
  ndo.ndo_snapend_stack = [];
  ndo.ndo_snapend = caplen;
  if (ndo.Xflag) {
    if (ndo.Xflag > 1) hex_and_ascii_print(ndo, "\n\t", 0, caplen);
    else if (caplen > hdrlen) hex_and_ascii_print(ndo, "\n\t", hdrlen, caplen - hdrlen);
  } else if (ndo.xflag) {
    if (ndo.xflag > 1) hex_print(ndo, "\n\t", 0, caplen);
    else if (caplen > hdrlen) hex_print(ndo, "\n\t", hdrlen, caplen - hdrlen);
  }
  ND_PRINT(ndo, "\n");
  const out = ndo.ndo_out;
  ndo.ndo_out = "";
  return out;
}
