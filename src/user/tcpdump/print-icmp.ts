// Mirrors tcpdump 4.99 print-icmp.c (icmp_print): "ICMP echo request, id 1, seq 1, length 64",
// "ICMP 127.0.0.1 udp port 23 unreachable, length 41" (the length is the ICMP message's), after
// ip_print()'s "SRC > DST: ". With -v a wrong checksum adds " (wrong icmp cksum 1234 (->5678)!)",
// and an error message (unreachable, source quench, redirect, time exceeded, parameter problem)
// quotes the datagram it carries on a new line, "\n\t", through ip_print() again:
// "\n\tIP (tos 0x0, ttl 64, ...)\n    127.0.0.1.2325 > 127.0.0.1.23: UDP, length 5". The RFC 4884
// multi-part extension is recognised (header line and version) but its objects are not decoded.
import { GET_IPADDR_STRING, tcpport_string, udpport_string } from "./addrtoname.js";
import { GET_BE_U_2, GET_BE_U_4, GET_U_1, ND_TTEST_LEN } from "./extract.js";
import { in_cksum, in_cksum_shouldbe } from "./in_cksum.js";
import type { NetdissectOptions } from "./netdissect.js";
import { ip_print } from "./print-ip.js";
import { ND_PRINT, nd_print_trunc, tok2str, type Tok } from "./util-print.js";

const ICMP_ECHOREPLY = 0;
const ICMP_UNREACH = 3;
const ICMP_SOURCEQUENCH = 4;
const ICMP_REDIRECT = 5;
const ICMP_ECHO = 8;
const ICMP_ROUTERADVERT = 9;
const ICMP_ROUTERSOLICIT = 10;
const ICMP_TIMXCEED = 11;
const ICMP_PARAMPROB = 12;
const ICMP_TSTAMP = 13;
const ICMP_TSTAMPREPLY = 14;
const ICMP_IREQ = 15;
const ICMP_IREQREPLY = 16;
const ICMP_MASKREQ = 17;
const ICMP_MASKREPLY = 18;

const ICMP_ERRTYPE = (t: number): boolean =>
  t === ICMP_UNREACH || t === ICMP_SOURCEQUENCH || t === ICMP_REDIRECT || t === ICMP_TIMXCEED || t === ICMP_PARAMPROB;
const ICMP_MULTIPART_EXT_TYPE = (t: number): boolean => t === ICMP_UNREACH || t === ICMP_TIMXCEED || t === ICMP_PARAMPROB;
/** 156 - sizeof(struct ip): where an RFC 4884 extension header can start */
const ICMP_EXTD_MINLEN = 136;
/** sizeof(struct icmp_ext_t) */
const ICMP_EXT_T_SIZE = 141;

const icmp2str: Tok = [
  [ICMP_SOURCEQUENCH, "source quench"],
  [ICMP_ROUTERSOLICIT, "router solicitation"],
  [ICMP_IREQ, "information request"],
  [ICMP_IREQREPLY, "information reply"],
  [ICMP_MASKREQ, "address mask request"],
];

/** The ICMP_UNREACH codes whose text is "<prefix><dst><suffix>". */
const unreach_text: ReadonlyMap<number, [string, string]> = new Map([
  [0, ["net ", " unreachable"]],
  [1, ["host ", " unreachable"]],
  [5, ["", " unreachable - source route failed"]],
  [6, ["net ", " unreachable - unknown"]],
  [7, ["host ", " unreachable - unknown"]],
  [8, ["", " unreachable - source host isolated"]],
  [9, ["net ", " unreachable - admin prohibited"]],
  [10, ["host ", " unreachable - admin prohibited"]],
  [11, ["net ", " unreachable - tos prohibited"]],
  [12, ["host ", " unreachable - tos prohibited"]],
  [13, ["host ", " unreachable - admin prohibited filter"]],
  [14, ["host ", " unreachable - host precedence violation"]],
  [15, ["host ", " unreachable - precedence cutoff"]],
]);

/** icmp_tstamp_print(): milliseconds since midnight UTC as HH:MM:SS.mmm */
function icmp_tstamp_print(tstamp: number): string {
  const msec = tstamp % 1000;
  let sec = Math.floor(tstamp / 1000);
  let min = Math.floor(sec / 60);
  sec -= min * 60;
  const hrs = Math.floor(min / 60);
  min -= hrs * 60;
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${p(hrs)}:${p(min)}:${p(sec)}.${p(msec, 3)}`;
}

/** The text of an ICMP message after "ICMP ", as icmp_print() builds it in buf. */
function icmp_text(ndo: NetdissectOptions, dp: number, icmp_type: number, icmp_code: number): string {
  const ip_dst = (): string => GET_IPADDR_STRING(ndo, dp + 8 + 16);
  switch (icmp_type) {
    case ICMP_ECHO:
    case ICMP_ECHOREPLY:
      return `echo ${icmp_type === ICMP_ECHO ? "request" : "reply"}, id ${GET_BE_U_2(ndo, dp + 4)}, seq ${GET_BE_U_2(ndo, dp + 6)}`;
    case ICMP_UNREACH:
      switch (icmp_code) {
        case 2: /* ICMP_UNREACH_PROTOCOL */
          return `${ip_dst()} protocol ${GET_U_1(ndo, dp + 8 + 9)} unreachable`;
        case 3: {
          /* ICMP_UNREACH_PORT */
          const oip = dp + 8;
          if (!ND_TTEST_LEN(ndo, oip + 9, 1)) throw new IcmpTrunc();
          const hlen = (GET_U_1(ndo, oip) & 0x0f) * 4;
          const dport = GET_BE_U_2(ndo, oip + hlen + 2);
          const ip_proto = GET_U_1(ndo, oip + 9);
          const dst = GET_IPADDR_STRING(ndo, oip + 16);
          if (ip_proto === 6) return `${dst} tcp port ${tcpport_string(ndo, dport)} unreachable`;
          if (ip_proto === 17) return `${dst} udp port ${udpport_string(ndo, dport)} unreachable`;
          return `${dst} protocol ${ip_proto} port ${dport} unreachable`;
        }
        case 4: {
          /* ICMP_UNREACH_NEEDFRAG */
          const mtu = GET_BE_U_2(ndo, dp + 6);
          return mtu ? `${ip_dst()} unreachable - need to frag (mtu ${mtu})` : `${ip_dst()} unreachable - need to frag`;
        }
        default: {
          const t = unreach_text.get(icmp_code);
          return t ? t[0] + ip_dst() + t[1] : `${ip_dst()} unreachable - #${icmp_code}`;
        }
      }
    case ICMP_REDIRECT: {
      const what = ["redirect %s to net %s", "redirect %s to host %s", "redirect-tos %s to net %s", "redirect-tos %s to host %s"][icmp_code];
      const dst = ip_dst();
      const gw = GET_IPADDR_STRING(ndo, dp + 4);
      return what ? what.replace("%s", dst).replace("%s", gw) : `redirect-#${icmp_code} ${dst} to ${gw}`;
    }
    case ICMP_ROUTERADVERT: {
      let buf = "router advertisement";
      if (!ND_TTEST_LEN(ndo, dp + 4, 4)) throw new IcmpTrunc();
      buf += " lifetime ";
      const lifetime = GET_BE_U_2(ndo, dp + 6);
      const p2 = (n: number): string => String(n).padStart(2, "0");
      if (lifetime < 60) buf += `${lifetime}`;
      else if (lifetime < 60 * 60) buf += `${Math.floor(lifetime / 60)}:${p2(lifetime % 60)}`;
      else buf += `${Math.floor(lifetime / 3600)}:${p2(Math.floor((lifetime % 3600) / 60))}:${p2(lifetime % 60)}`;
      let num = GET_U_1(ndo, dp + 4);
      buf += ` ${num}:`;
      const size = GET_U_1(ndo, dp + 5);
      if (size !== 2) return buf + ` [size ${size}]`;
      for (let idp = dp + 8; num > 0; num--, idp += 8) {
        if (!ND_TTEST_LEN(ndo, idp, 8)) throw new IcmpTrunc();
        buf += ` {${GET_IPADDR_STRING(ndo, idp)} ${GET_BE_U_4(ndo, idp + 4)}}`;
      }
      return buf;
    }
    case ICMP_TIMXCEED:
      if (!ND_TTEST_LEN(ndo, dp + 8 + 16, 4)) throw new IcmpTrunc();
      if (icmp_code === 0) return "time exceeded in-transit";
      if (icmp_code === 1) return "ip reassembly time exceeded";
      return `time exceeded-#${icmp_code}`;
    case ICMP_PARAMPROB:
      return icmp_code ? `parameter problem - code ${icmp_code}` : `parameter problem - octet ${GET_U_1(ndo, dp + 4)}`;
    case ICMP_MASKREPLY:
      return `address mask is 0x${GET_BE_U_4(ndo, dp + 8).toString(16).padStart(8, "0")}`;
    case ICMP_TSTAMP:
      return `time stamp query id ${GET_BE_U_2(ndo, dp + 4)} seq ${GET_BE_U_2(ndo, dp + 6)}`;
    case ICMP_TSTAMPREPLY:
      if (!ND_TTEST_LEN(ndo, dp + 16, 4)) throw new IcmpTrunc();
      return (
        `time stamp reply id ${GET_BE_U_2(ndo, dp + 4)} seq ${GET_BE_U_2(ndo, dp + 6)}: org ${icmp_tstamp_print(GET_BE_U_4(ndo, dp + 8))}` +
        `, recv ${icmp_tstamp_print(GET_BE_U_4(ndo, dp + 12))}, xmit ${icmp_tstamp_print(GET_BE_U_4(ndo, dp + 16))}`
      );
    default:
      return tok2str(icmp2str, "type-#%u", icmp_type);
  }
}

/** goto trunc: an ND_TCHECK in icmp_print() */
class IcmpTrunc extends Error {}

/** icmp_print(): the message at `bp`, `plen` bytes, inside the IPv4 header at `bp2`. */
export function icmp_print(ndo: NetdissectOptions, bp: number, plen: number, _bp2: number, fragmented: boolean): void {
  ndo.ndo_protocol = "icmp";
  const dp = bp;
  try {
    const icmp_type = GET_U_1(ndo, dp);
    const icmp_code = GET_U_1(ndo, dp + 1);
    ND_PRINT(ndo, "ICMP %s, length %u", icmp_text(ndo, dp, icmp_type, icmp_code), plen);
    if (ndo.vflag && !fragmented && !ndo.Kflag) {
      if (ND_TTEST_LEN(ndo, bp, plen)) {
        const sum = in_cksum(ndo.ndo_packetp, [[dp, plen]]);
        if (sum !== 0) {
          const icmp_sum = GET_BE_U_2(ndo, dp + 2);
          ND_PRINT(ndo, " (wrong icmp cksum %x (->%x)!)", icmp_sum, in_cksum_shouldbe(icmp_sum, sum));
        }
      }
    }
    if (ndo.vflag >= 1 && ICMP_ERRTYPE(icmp_type)) {
      const ip = bp + 8;
      ND_PRINT(ndo, "\n\t");
      const snapend_save = ndo.ndo_snapend;
      const ip_len = GET_BE_U_2(ndo, ip + 2);
      ndo.ndo_snapend = Math.min(ip + ip_len, ndo.ndo_snapend);
      ip_print(ndo, ip, ip_len);
      ndo.ndo_snapend = snapend_save;
    }
    ndo.ndo_protocol = "icmp";
    if (ndo.vflag >= 1 && plen > ICMP_EXTD_MINLEN && ICMP_MULTIPART_EXT_TYPE(icmp_type)) {
      if (!ND_TTEST_LEN(ndo, dp, ICMP_EXT_T_SIZE)) throw new IcmpTrunc();
      const ext_version_res = dp + 8 + 128;
      if (GET_U_1(ndo, dp + 5) === 0 && ND_TTEST_LEN(ndo, ext_version_res, plen - ICMP_EXTD_MINLEN)) {
        if (in_cksum(ndo.ndo_packetp, [[ext_version_res, plen - ICMP_EXTD_MINLEN]])) return;
      }
      const version = (GET_U_1(ndo, ext_version_res) & 0xf0) >> 4;
      ND_PRINT(ndo, "\n\tICMP Multi-Part extension v%u", version);
      if (version !== 2) {
        ND_PRINT(ndo, " packet not supported");
        return;
      }
      const hlen = plen - ICMP_EXTD_MINLEN;
      if (ND_TTEST_LEN(ndo, ext_version_res, hlen)) {
        const bad = in_cksum(ndo.ndo_packetp, [[ext_version_res, hlen]]);
        ND_PRINT(ndo, ", checksum 0x%04x (%scorrect), length %u", GET_BE_U_2(ndo, ext_version_res + 2), bad ? "in" : "", hlen);
      }
    }
  } catch (e) {
    if (!(e instanceof IcmpTrunc)) throw e;
    nd_print_trunc(ndo);
  }
}
