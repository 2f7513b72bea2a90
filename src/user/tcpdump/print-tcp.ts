// Mirrors tcpdump 4.99 print-tcp.c (tcp_print, print_tcp_rst_data) and print-ftp.c (ftp_print):
//   "127.0.0.1.40000 > 127.0.0.1.21: Flags [S], seq 123456, win 65495, options [mss 65495,sackOK,
//    TS val 1 ecr 0,nop,wscale 7], length 0"
// Flags are bittok2str_nosep() of F S R P . U E W ("[S.]" for SYN-ACK, "[P.]" for PSH-ACK).
// "seq A:B" is printed when there is data (or SYN/FIN/RST, or -vv), ", ack N" when ACK is set. Unless
// -S, sequence numbers are relative to the ISNs that the first ACK-carrying segment of a connection
// (the SYN-ACK) records in tcp_seq_hash, keyed on both addresses and ports in one collating order,
// so the SYN and SYN-ACK show absolute numbers and the rest relative ones. With -v the checksum
// follows the flags: ", cksum 0xfe30 (correct)" or ", cksum 0xfe30 (incorrect -> 0x1c2d)" (a
// capture on lo shows the partial checksum the stack leaves for the device to finish). The payload:
// FTP (port 21) as txtproto_print() shows it (": FTP: USER anonymous", with -v ": FTP, length: 16"
// and each line on "\n\t"), RST data with -v; telnet (23) prints only IAC option sequences, which
// are not decoded here; other port-specific printers (HTTP, SMTP, SSH, BGP, DNS, NFS...) are not
// carried.
import { GET_IPADDR_STRING, tcpport_string } from "./addrtoname.js";
import { GET_BE_U_2, GET_BE_U_4, GET_U_1, ND_BYTES_AVAILABLE_AFTER, ND_TTEST_LEN, nd_trunc_longjmp } from "./extract.js";
import { in_cksum_shouldbe, nextproto4_cksum } from "./in_cksum.js";
import type { NetdissectOptions } from "./netdissect.js";
import { bittok2str_nosep, fn_print_char, ND_PRINT, nd_print_invalid, nd_print_trunc, tok2str, txtproto_print, type Tok } from "./util-print.js";

const TCP_HDRLEN = 20;
const IPPROTO_TCP = 6;

const TH_FIN = 0x01;
const TH_SYN = 0x02;
const TH_RST = 0x04;
const TH_PUSH = 0x08;
const TH_ACK = 0x10;
const TH_URG = 0x20;
const TH_ECNECHO = 0x40;
const TH_CWR = 0x80;

const TCPOPT_EOL = 0;
const TCPOPT_NOP = 1;
const TCPOPT_MAXSEG = 2;
const TCPOPT_WSCALE = 3;
const TCPOPT_SACKOK = 4;
const TCPOPT_SACK = 5;
const TCPOPT_ECHO = 6;
const TCPOPT_ECHOREPLY = 7;
const TCPOPT_TIMESTAMP = 8;
const TCPOPT_CC = 11;
const TCPOPT_CCNEW = 12;
const TCPOPT_CCECHO = 13;
const TCPOPT_SIGNATURE = 19;
const TCP_SIGLEN = 16;
const TCPOPT_SCPS = 20;
const TCPOPT_UTO = 28;
const TCPOPT_TCPAO = 29;
const TCPOPT_MPTCP = 30;
const TCPOPT_FASTOPEN = 34;
const TCPOPT_EXPERIMENT2 = 254;

const FTP_PORT = 21;
const TELNET_PORT = 23;
const MAX_RST_DATA_LEN = 30;

const tcp_flag_values: Tok = [
  [TH_FIN, "F"],
  [TH_SYN, "S"],
  [TH_RST, "R"],
  [TH_PUSH, "P"],
  [TH_ACK, "."],
  [TH_URG, "U"],
  [TH_ECNECHO, "E"],
  [TH_CWR, "W"],
];

const tcp_option_values: Tok = [
  [TCPOPT_EOL, "eol"],
  [TCPOPT_NOP, "nop"],
  [TCPOPT_MAXSEG, "mss"],
  [TCPOPT_WSCALE, "wscale"],
  [TCPOPT_SACKOK, "sackOK"],
  [TCPOPT_SACK, "sack"],
  [TCPOPT_ECHO, "echo"],
  [TCPOPT_ECHOREPLY, "echoreply"],
  [TCPOPT_TIMESTAMP, "TS"],
  [TCPOPT_CC, "cc"],
  [TCPOPT_CCNEW, "ccnew"],
  [TCPOPT_CCECHO, ""],
  [TCPOPT_SIGNATURE, "md5"],
  [TCPOPT_SCPS, "scps"],
  [TCPOPT_UTO, "uto"],
  [TCPOPT_TCPAO, "tcp-ao"],
  [TCPOPT_MPTCP, "mptcp"],
  [TCPOPT_FASTOPEN, "tfo"],
  [TCPOPT_EXPERIMENT2, "exp"],
];

/** struct tcp_seq_hash's payload: the ISNs of one connection, in its collating order. */
export interface TcpSeqHash {
  seq: number;
  ack: number;
}

/** ftp_print() (print-ftp.c) */
function ftp_print(ndo: NetdissectOptions, pptr: number, len: number): void {
  ndo.ndo_protocol = "ftp";
  txtproto_print(ndo, pptr, len, null, 0);
}

/** print_tcp_rst_data(): " [RST text]" (" [!RST" when not all captured, "+" past 30 bytes). */
function print_tcp_rst_data(ndo: NetdissectOptions, sp: number, length: number): void {
  ND_PRINT(ndo, ND_TTEST_LEN(ndo, sp, length) ? " [RST" : " [!RST");
  if (length > MAX_RST_DATA_LEN) {
    length = MAX_RST_DATA_LEN;
    ND_PRINT(ndo, "+");
  }
  ND_PRINT(ndo, " ");
  while (length && sp < ndo.ndo_snapend) {
    fn_print_char(ndo, GET_U_1(ndo, sp++));
    length--;
  }
  ND_PRINT(ndo, "]");
}

function print_tcp_fastopen_option(ndo: NetdissectOptions, cp: number, datalen: number, exp: boolean): void {
  if (exp) ND_PRINT(ndo, "tfo");
  if (datalen === 0) ND_PRINT(ndo, " cookiereq");
  else if (datalen % 2 !== 0 || datalen < 4 || datalen > 16) nd_print_invalid(ndo);
  else {
    ND_PRINT(ndo, " cookie ");
    for (let i = 0; i < datalen; ++i) ND_PRINT(ndo, "%02x", GET_U_1(ndo, cp + i));
  }
}

/** goto bad: an option whose length does not fit */
class BadOpt extends Error {}
/** goto trunc: ND_TCHECK_LEN() in LENCHECK() found the option's data not captured */
class TruncOpt extends Error {}

/** tcp_print(): the segment at `bp`, `length` bytes of IP payload, inside the IPv4 header at `bp2`. */
export function tcp_print(ndo: NetdissectOptions, bp: number, length: number, bp2: number, fragmented: boolean): void {
  ndo.ndo_protocol = "tcp";
  const tp = bp;
  const ip = bp2;
  let ch = "";
  if (!ND_TTEST_LEN(ndo, tp + 2, 2)) {
    ND_PRINT(ndo, "%s > %s:", GET_IPADDR_STRING(ndo, ip + 12), GET_IPADDR_STRING(ndo, ip + 16));
    nd_print_trunc(ndo);
    return;
  }
  const sport = GET_BE_U_2(ndo, tp);
  const dport = GET_BE_U_2(ndo, tp + 2);
  if (GET_U_1(ndo, ip + 9) === IPPROTO_TCP)
    ND_PRINT(ndo, "%s.%s > %s.%s: ", GET_IPADDR_STRING(ndo, ip + 12), tcpport_string(ndo, sport), GET_IPADDR_STRING(ndo, ip + 16), tcpport_string(ndo, dport));
  else ND_PRINT(ndo, "%s > %s: ", tcpport_string(ndo, sport), tcpport_string(ndo, dport));

  if (!ND_TTEST_LEN(ndo, tp, TCP_HDRLEN)) {
    nd_print_trunc(ndo);
    return;
  }
  let hlen = (GET_U_1(ndo, tp + 12) >> 4) * 4;
  if (hlen < TCP_HDRLEN) {
    ND_PRINT(ndo, " tcp %u [bad hdr length %u - too short, < %u]", length - hlen, hlen, TCP_HDRLEN);
    return;
  }
  let seq = GET_BE_U_4(ndo, tp + 4);
  let ack = GET_BE_U_4(ndo, tp + 8);
  const win = GET_BE_U_2(ndo, tp + 14);
  const urp = GET_BE_U_2(ndo, tp + 18);

  if (ndo.qflag) {
    ND_PRINT(ndo, "tcp %u", length - hlen);
    if (hlen > length) ND_PRINT(ndo, " [bad hdr length %u - too long, > %u]", hlen, length);
    return;
  }

  const flags = GET_U_1(ndo, tp + 13);
  ND_PRINT(ndo, "Flags [%s]", bittok2str_nosep(tcp_flag_values, "none", flags));

  let rev = false;
  let thseq = 0;
  let thack = 0;
  if (!ndo.Sflag && flags & TH_ACK) {
    /* one entry for both directions: the lower port (or lower address) first */
    const src = GET_BE_U_4(ndo, ip + 12);
    const dst = GET_BE_U_4(ndo, ip + 16);
    if (sport > dport) rev = true;
    else if (sport === dport && src > dst) rev = true;
    const key = rev ? `${dst}:${src}:${(dport << 16) | sport}` : `${src}:${dst}:${(sport << 16) | dport}`;
    let th = ndo.tcp_seq_hash.get(key);
    if (th === undefined || flags & TH_SYN) {
      th = rev ? { ack: seq, seq: (ack - 1) >>> 0 } : { seq, ack: (ack - 1) >>> 0 };
      ndo.tcp_seq_hash.set(key, th);
    } else if (rev) {
      seq = (seq - th.ack) >>> 0;
      ack = (ack - th.seq) >>> 0;
    } else {
      seq = (seq - th.seq) >>> 0;
      ack = (ack - th.ack) >>> 0;
    }
    thseq = th.seq;
    thack = th.ack;
  }
  if (hlen > length) {
    ND_PRINT(ndo, " [bad hdr length %u - too long, > %u]", hlen, length);
    return;
  }

  if (ndo.vflag && !ndo.Kflag && !fragmented) {
    if (ND_TTEST_LEN(ndo, tp, length)) {
      const sum = nextproto4_cksum(ndo, ip, tp, length, length, IPPROTO_TCP);
      const tcp_sum = GET_BE_U_2(ndo, tp + 16);
      ND_PRINT(ndo, ", cksum 0x%04x", tcp_sum);
      if (sum !== 0) ND_PRINT(ndo, " (incorrect -> 0x%04x)", in_cksum_shouldbe(tcp_sum, sum));
      else ND_PRINT(ndo, " (correct)");
    }
  }

  length -= hlen;
  if (ndo.vflag > 1 || length > 0 || flags & (TH_SYN | TH_FIN | TH_RST)) {
    ND_PRINT(ndo, ", seq %u", seq);
    if (length > 0) ND_PRINT(ndo, ":%u", (seq + length) >>> 0);
  }
  if (flags & TH_ACK) ND_PRINT(ndo, ", ack %u", ack);
  ND_PRINT(ndo, ", win %u", win);
  if (flags & TH_URG) ND_PRINT(ndo, ", urg %u", urp);

  if (hlen > TCP_HDRLEN) {
    hlen -= TCP_HDRLEN;
    let cp = tp + TCP_HDRLEN;
    ND_PRINT(ndo, ", options [");
    try {
      while (hlen > 0) {
        if (ch !== "") ND_PRINT(ndo, "%s", ch);
        const opt = GET_U_1(ndo, cp++);
        let len: number;
        if (opt === TCPOPT_EOL || opt === TCPOPT_NOP) len = 1;
        else {
          len = GET_U_1(ndo, cp++);
          if (len < 2 || len > hlen) throw new BadOpt();
          --hlen;
        }
        --hlen;
        let datalen = 0;
        /* LENCHECK(l): bail if `l` bytes are not left or were not captured */
        const LENCHECK = (l: number): void => {
          if (l > hlen) throw new BadOpt();
          if (!ND_TTEST_LEN(ndo, cp, l)) throw new TruncOpt();
        };
        ND_PRINT(ndo, "%s", tok2str(tcp_option_values, "unknown-%u", opt));
        switch (opt) {
          case TCPOPT_MAXSEG:
            datalen = 2;
            LENCHECK(datalen);
            ND_PRINT(ndo, " %u", GET_BE_U_2(ndo, cp));
            break;
          case TCPOPT_WSCALE:
            datalen = 1;
            LENCHECK(datalen);
            ND_PRINT(ndo, " %u", GET_U_1(ndo, cp));
            break;
          case TCPOPT_SACK:
            datalen = len - 2;
            if (datalen % 8 !== 0) ND_PRINT(ndo, " invalid sack");
            else {
              ND_PRINT(ndo, " %u ", datalen / 8);
              for (let i = 0; i < datalen; i += 8) {
                LENCHECK(i + 4);
                let s = GET_BE_U_4(ndo, cp + i);
                LENCHECK(i + 8);
                let e = GET_BE_U_4(ndo, cp + i + 4);
                s = (s - (rev ? thseq : thack)) >>> 0;
                e = (e - (rev ? thseq : thack)) >>> 0;
                ND_PRINT(ndo, "{%u:%u}", s, e);
              }
            }
            break;
          case TCPOPT_CC:
          case TCPOPT_CCNEW:
          case TCPOPT_CCECHO:
          case TCPOPT_ECHO:
          case TCPOPT_ECHOREPLY:
            datalen = 4;
            LENCHECK(datalen);
            ND_PRINT(ndo, " %u", GET_BE_U_4(ndo, cp));
            break;
          case TCPOPT_TIMESTAMP:
            datalen = 8;
            LENCHECK(datalen);
            ND_PRINT(ndo, " val %u ecr %u", GET_BE_U_4(ndo, cp), GET_BE_U_4(ndo, cp + 4));
            break;
          case TCPOPT_SIGNATURE:
            datalen = TCP_SIGLEN;
            LENCHECK(datalen);
            ND_PRINT(ndo, " ");
            for (let i = 0; i < TCP_SIGLEN; ++i) ND_PRINT(ndo, "%02x", GET_U_1(ndo, cp + i));
            break;
          case TCPOPT_SCPS:
            datalen = 2;
            LENCHECK(datalen);
            ND_PRINT(ndo, " cap %02x id %u", GET_U_1(ndo, cp), GET_U_1(ndo, cp + 1));
            break;
          case TCPOPT_TCPAO:
            datalen = len - 2;
            if (datalen < 2) nd_print_invalid(ndo);
            else {
              LENCHECK(1);
              ND_PRINT(ndo, " keyid %u", GET_U_1(ndo, cp));
              LENCHECK(2);
              ND_PRINT(ndo, " rnextkeyid %u", GET_U_1(ndo, cp + 1));
              if (datalen > 2) {
                ND_PRINT(ndo, " mac 0x");
                for (let i = 2; i < datalen; i++) {
                  LENCHECK(i + 1);
                  ND_PRINT(ndo, "%02x", GET_U_1(ndo, cp + i));
                }
              }
            }
            break;
          case TCPOPT_EOL:
          case TCPOPT_NOP:
          case TCPOPT_SACKOK:
            break;
          case TCPOPT_UTO: {
            datalen = 2;
            LENCHECK(datalen);
            let utoval = GET_BE_U_2(ndo, cp);
            ND_PRINT(ndo, " 0x%x", utoval);
            utoval = utoval & 0x0001 ? (utoval >> 1) * 60 : utoval >> 1;
            ND_PRINT(ndo, " %u", utoval);
            break;
          }
          case TCPOPT_FASTOPEN:
            datalen = len - 2;
            LENCHECK(datalen);
            ND_PRINT(ndo, " ");
            print_tcp_fastopen_option(ndo, cp, datalen, false);
            break;
          case TCPOPT_EXPERIMENT2: {
            datalen = len - 2;
            LENCHECK(datalen);
            if (datalen < 2) throw new BadOpt();
            const magic = GET_BE_U_2(ndo, cp);
            ND_PRINT(ndo, "-");
            if (magic === 0xf989) print_tcp_fastopen_option(ndo, cp + 2, datalen - 2, true);
            else ND_PRINT(ndo, "%04x", magic);
            break;
          }
          default:
            /* MPTCP's own printer is not carried: its bytes print as an unknown option's */
            datalen = len - 2;
            if (datalen) ND_PRINT(ndo, " 0x");
            for (let i = 0; i < datalen; ++i) {
              LENCHECK(i + 1);
              ND_PRINT(ndo, "%02x", GET_U_1(ndo, cp + i));
            }
            break;
        }
        cp += datalen;
        hlen -= datalen;
        ++datalen; /* option octet */
        if (opt !== TCPOPT_EOL && opt !== TCPOPT_NOP) ++datalen; /* size octet */
        if (datalen !== len) ND_PRINT(ndo, "[len %u]", len);
        ch = ",";
        if (opt === TCPOPT_EOL) break;
      }
    } catch (e) {
      if (e instanceof TruncOpt) {
        nd_print_trunc(ndo);
        if (ch !== "") ND_PRINT(ndo, ">");
        return;
      }
      if (!(e instanceof BadOpt)) throw e;
      ND_PRINT(ndo, "[bad opt]");
      if (ch !== "") ND_PRINT(ndo, "]");
      return;
    }
    ND_PRINT(ndo, "]");
  }

  ND_PRINT(ndo, ", length %u", length);
  if (length <= 0) return;

  const header_len = (GET_U_1(ndo, tp + 12) >> 4) * 4;
  if (!ND_TTEST_LEN(ndo, bp, header_len)) {
    ND_PRINT(ndo, " [remaining caplen(%u) < header length(%u)]", ND_BYTES_AVAILABLE_AFTER(ndo, bp), header_len);
    nd_trunc_longjmp();
  }
  bp += header_len;
  if (flags & TH_RST && ndo.vflag) {
    print_tcp_rst_data(ndo, bp, length);
    return;
  }
  if (sport === TELNET_PORT || dport === TELNET_PORT) {
    /* telnet_print(): only a payload that starts with IAC (0xff) prints anything */
    ndo.ndo_protocol = "telnet";
  } else if (sport === FTP_PORT || dport === FTP_PORT) {
    ND_PRINT(ndo, ": ");
    ftp_print(ndo, bp, length);
  }
}
