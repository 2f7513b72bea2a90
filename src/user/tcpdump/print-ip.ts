// Mirrors tcpdump 4.99 print-ip.c (ip_print) and print-ip-demux.c (ip_demux_print): an IPv4
// datagram, "IP " (left out with -e) and the transport printer's line. With -v the header comes
// first, "(tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto UDP (17), length 33)", with
// ", bad cksum 3d85 (->3c85)!" inside the parentheses when the header checksum is wrong, and the
// rest goes on a new line indented by four spaces. Fragments after the first print
// "SRC > DST: ip-proto-N"; protocols without a printer here print " ip-proto-N LEN" (tcpdump
// names them from /etc/protocols without -n; kplay's machine has no such file). IP options are
// named but their contents (timestamps, routes) are not decoded.
import { GET_IPADDR_STRING } from "./addrtoname.js";
import { GET_BE_U_2, GET_U_1, ND_BYTES_AVAILABLE_AFTER, ND_TTEST_LEN, nd_pop_packet_info, nd_push_snapend, nd_trunc_longjmp } from "./extract.js";
import { in_cksum, in_cksum_shouldbe } from "./in_cksum.js";
import type { NetdissectOptions } from "./netdissect.js";
import { icmp_print } from "./print-icmp.js";
import { tcp_print } from "./print-tcp.js";
import { udp_print } from "./print-udp.js";
import { bittok2str, ND_PRINT, nd_print_invalid, nd_print_trunc, tok2str, type Tok } from "./util-print.js";

/** sizeof(struct ip) without options */
export const IP_HDRLEN = 20;

export const IPPROTO_ICMP = 1;
export const IPPROTO_IGMP = 2;
export const IPPROTO_IPV4 = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
const IPPROTO_DCCP = 33;
const IPPROTO_SCTP = 132;

const IP_RES = 0x8000;
const IP_DF = 0x4000;
const IP_MF = 0x2000;
const IP_OFFMASK = 0x1fff;

/** ipproto_values (ipproto.c) */
export const ipproto_values: Tok = [
  [0, "Options"],
  [1, "ICMP"],
  [2, "IGMP"],
  [4, "IPIP"],
  [6, "TCP"],
  [8, "EGP"],
  [9, "IGRP"],
  [17, "UDP"],
  [33, "DCCP"],
  [41, "IPv6"],
  [43, "Routing"],
  [44, "Fragment"],
  [46, "RSVP"],
  [47, "GRE"],
  [50, "ESP"],
  [51, "AH"],
  [55, "Mobile IP"],
  [58, "ICMPv6"],
  [62, "Mobile IP (old)"],
  [88, "EIGRP"],
  [89, "OSPF"],
  [103, "PIM"],
  [108, "Compressed IP"],
  [112, "VRRP"],
  [113, "PGM"],
  [132, "SCTP"],
  [135, "Mobility"],
];

const ip_frag_values: Tok = [
  [IP_MF, "+"],
  [IP_DF, "DF"],
  [IP_RES, "rsvd"],
];

const IPOPT_EOL = 0;
const IPOPT_NOP = 1;
const IPOPT_RA = 148;

const ip_option_values: Tok = [
  [IPOPT_EOL, "EOL"],
  [IPOPT_NOP, "NOP"],
  [68, "timestamp"],
  [130, "security"],
  [7, "RR"],
  [137, "SSRR"],
  [131, "LSRR"],
  [IPOPT_RA, "RA"],
];

/** ip_optprint(): the option names, comma separated; -1 when they are cut short. */
function ip_optprint(ndo: NetdissectOptions, cp: number, length: number): number {
  let sep = "";
  for (let option_len = 0; length > 0; cp += option_len, length -= option_len) {
    ND_PRINT(ndo, "%s", sep);
    sep = ",";
    const option_code = GET_U_1(ndo, cp);
    ND_PRINT(ndo, "%s", tok2str(ip_option_values, "unknown %u", option_code));
    if (option_code === IPOPT_NOP || option_code === IPOPT_EOL) option_len = 1;
    else {
      option_len = GET_U_1(ndo, cp + 1);
      if (option_len < 2) {
        ND_PRINT(ndo, " [bad length %u]", option_len);
        return 0;
      }
    }
    if (option_len > length) {
      ND_PRINT(ndo, " [bad length %u]", option_len);
      return 0;
    }
    if (!ND_TTEST_LEN(ndo, cp, option_len)) return -1;
    if (option_code === IPOPT_EOL) return 0;
    if (option_code === IPOPT_RA) {
      if (option_len < 4) ND_PRINT(ndo, " [bad length %u]", option_len);
      else if (GET_BE_U_2(ndo, cp + 2) !== 0) ND_PRINT(ndo, " value %u", GET_BE_U_2(ndo, cp + 2));
    }
  }
  return 0;
}

/** ip_demux_print(): the payload of protocol `nh`, `length` bytes, for the datagram at `iph`. */
export function ip_demux_print(ndo: NetdissectOptions, bp: number, length: number, fragmented: boolean, ttl_hl: number, nh: number, iph: number): void {
  switch (nh) {
    case IPPROTO_TCP:
      tcp_print(ndo, bp, length, iph, fragmented);
      break;
    case IPPROTO_UDP:
      udp_print(ndo, bp, length, iph, fragmented, ttl_hl);
      break;
    case IPPROTO_ICMP:
      icmp_print(ndo, bp, length, iph, fragmented);
      break;
    case IPPROTO_IPV4:
      ip_print(ndo, bp, length);
      break;
    default:
      ND_PRINT(ndo, " ip-proto-%u", nh);
      ND_PRINT(ndo, " %u", length);
      break;
  }
}

/** ip_print(): the datagram at `bp`, `length` bytes long as the link layer saw it. */
export function ip_print(ndo: NetdissectOptions, bp: number, length: number): void {
  ndo.ndo_protocol = "ip";
  const ip = bp;
  const ip_v = GET_U_1(ndo, ip) >> 4;
  if (ip_v !== 4) {
    if (ip_v === 6) ND_PRINT(ndo, "IP6, wrong link-layer encapsulation");
    else ND_PRINT(ndo, "IP%u", ip_v);
    nd_print_invalid(ndo);
    return;
  }
  if (!ndo.eflag) ND_PRINT(ndo, "IP ");

  if (!ND_TTEST_LEN(ndo, ip, IP_HDRLEN)) {
    nd_print_trunc(ndo);
    return;
  }
  if (length < IP_HDRLEN) {
    ND_PRINT(ndo, "truncated-ip %u", length);
    return;
  }
  const hlen = (GET_U_1(ndo, ip) & 0x0f) * 4;
  if (hlen < IP_HDRLEN) {
    ND_PRINT(ndo, "bad-hlen %u", hlen);
    return;
  }
  let len = GET_BE_U_2(ndo, ip + 2);
  if (length < len) ND_PRINT(ndo, "truncated-ip - %u bytes missing! ", len - length);
  if (len < hlen) {
    ND_PRINT(ndo, "bad-len %u", len);
    return;
  }

  nd_push_snapend(ndo, bp + len);
  len -= hlen;
  const off = GET_BE_U_2(ndo, ip + 6);
  const ip_proto = GET_U_1(ndo, ip + 9);

  if (ndo.vflag) {
    const ip_tos = GET_U_1(ndo, ip + 1);
    ND_PRINT(ndo, "(tos 0x%x", ip_tos);
    switch (ip_tos & 0x03) {
      case 1:
        ND_PRINT(ndo, ",ECT(1)");
        break;
      case 2:
        ND_PRINT(ndo, ",ECT(0)");
        break;
      case 3:
        ND_PRINT(ndo, ",CE");
        break;
    }
    const ip_ttl = GET_U_1(ndo, ip + 8);
    if (ip_ttl >= 1) ND_PRINT(ndo, ", ttl %u", ip_ttl);
    ND_PRINT(
      ndo,
      ", id %u, offset %u, flags [%s], proto %s (%u)",
      GET_BE_U_2(ndo, ip + 4),
      (off & IP_OFFMASK) * 8,
      bittok2str(ip_frag_values, "none", off & (IP_RES | IP_DF | IP_MF)),
      tok2str(ipproto_values, "unknown", ip_proto),
      ip_proto,
    );
    ND_PRINT(ndo, ", length %u", GET_BE_U_2(ndo, ip + 2));
    let truncated = false;
    if (hlen > IP_HDRLEN) {
      ND_PRINT(ndo, ", options (");
      if (ip_optprint(ndo, ip + IP_HDRLEN, hlen - IP_HDRLEN) === -1) {
        ND_PRINT(ndo, " [truncated-option]");
        truncated = true;
      }
      ND_PRINT(ndo, ")");
    }
    if (!ndo.Kflag && ip + hlen <= ndo.ndo_snapend) {
      const sum = in_cksum(ndo.ndo_packetp, [[ip, hlen]]);
      if (sum !== 0) {
        const ip_sum = GET_BE_U_2(ndo, ip + 10);
        ND_PRINT(ndo, ", bad cksum %x (->%x)!", ip_sum, in_cksum_shouldbe(ip_sum, sum));
      }
    }
    ND_PRINT(ndo, ")\n    ");
    if (truncated) {
      ND_PRINT(ndo, "%s > %s: ", GET_IPADDR_STRING(ndo, ip + 12), GET_IPADDR_STRING(ndo, ip + 16));
      nd_print_trunc(ndo);
      nd_pop_packet_info(ndo);
      return;
    }
  }

  if ((off & IP_OFFMASK) === 0) {
    const nh = ip_proto;
    if (nh !== IPPROTO_TCP && nh !== IPPROTO_UDP && nh !== IPPROTO_SCTP && nh !== IPPROTO_DCCP)
      ND_PRINT(ndo, "%s > %s: ", GET_IPADDR_STRING(ndo, ip + 12), GET_IPADDR_STRING(ndo, ip + 16));
    if (!ND_TTEST_LEN(ndo, ip, hlen)) {
      ND_PRINT(ndo, " [remaining caplen(%u) < header length(%u)]", ND_BYTES_AVAILABLE_AFTER(ndo, ip), hlen);
      nd_trunc_longjmp();
    }
    ip_demux_print(ndo, ip + hlen, len, (off & IP_MF) !== 0, GET_U_1(ndo, ip + 8), nh, bp);
  } else {
    if (ndo.qflag > 1) {
      nd_pop_packet_info(ndo);
      return;
    }
    ND_PRINT(ndo, "%s > %s:", GET_IPADDR_STRING(ndo, ip + 12), GET_IPADDR_STRING(ndo, ip + 16));
    ND_PRINT(ndo, " ip-proto-%u", ip_proto);
  }
  nd_pop_packet_info(ndo);
}
