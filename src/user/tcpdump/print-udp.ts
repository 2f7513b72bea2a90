// Mirrors tcpdump 4.99 print-udp.c (udp_print, udpipaddr_print): "127.0.0.1.2325 >
// 127.0.0.1.23: UDP, length 5" (ports through udpport_string()), "UDP, bad length N > M" when the
// UDP length says more than the datagram holds. The checksum is checked for UDP over IPv4 only
// from -vv on ("XXX - do this even if vflag == 1?" says the source): "[udp sum ok] ",
// "[bad udp cksum 0x1234 -> 0x5678!] " or "[no cksum] " before "UDP". The port-specific printers
// of udp_print() (DNS, DHCP, NTP, SNMP, ...) are not carried: every payload is "UDP, length N".
import { GET_IPADDR_STRING, udpport_string } from "./addrtoname.js";
import { GET_BE_U_2, ND_TTEST_LEN } from "./extract.js";
import { in_cksum_shouldbe, nextproto4_cksum } from "./in_cksum.js";
import type { NetdissectOptions } from "./netdissect.js";
import { ND_PRINT, nd_print_trunc } from "./util-print.js";

const UDP_HDRLEN = 8;
const IPPROTO_UDP = 17;

/** udpipaddr_print(): "SRC.SPORT > DST.DPORT: ", or without ports when they were not captured (-1). */
function udpipaddr_print(ndo: NetdissectOptions, ip: number, sport: number, dport: number): void {
  const ip_p = ndo.ndo_packetp[ip + 9];
  if (ip_p === IPPROTO_UDP) {
    if (sport === -1) ND_PRINT(ndo, "%s > %s: ", GET_IPADDR_STRING(ndo, ip + 12), GET_IPADDR_STRING(ndo, ip + 16));
    else
      ND_PRINT(
        ndo,
        "%s.%s > %s.%s: ",
        GET_IPADDR_STRING(ndo, ip + 12),
        udpport_string(ndo, sport),
        GET_IPADDR_STRING(ndo, ip + 16),
        udpport_string(ndo, dport),
      );
  } else if (sport !== -1) {
    ND_PRINT(ndo, "%s > %s: ", udpport_string(ndo, sport), udpport_string(ndo, dport));
  }
}

/** udp_print(): the datagram at `bp`, `length` bytes of IP payload, inside the IPv4 header at `bp2`. */
export function udp_print(ndo: NetdissectOptions, bp: number, length: number, bp2: number, fragmented: boolean, _ttl_hl: number): void {
  ndo.ndo_protocol = "udp";
  const up = bp;
  const ip = bp2;
  if (!ND_TTEST_LEN(ndo, up + 2, 2)) {
    udpipaddr_print(ndo, ip, -1, -1);
    nd_print_trunc(ndo);
    return;
  }
  const sport = GET_BE_U_2(ndo, up);
  const dport = GET_BE_U_2(ndo, up + 2);
  if (length < UDP_HDRLEN) {
    udpipaddr_print(ndo, ip, sport, dport);
    ND_PRINT(ndo, "truncated-udp %u", length);
    return;
  }
  if (!ND_TTEST_LEN(ndo, up + 4, 2)) {
    udpipaddr_print(ndo, ip, sport, dport);
    nd_print_trunc(ndo);
    return;
  }
  let ulen = GET_BE_U_2(ndo, up + 4);
  if (ulen < UDP_HDRLEN) {
    udpipaddr_print(ndo, ip, sport, dport);
    ND_PRINT(ndo, "truncated-udplength %u", ulen);
    return;
  }
  ulen -= UDP_HDRLEN;
  length -= UDP_HDRLEN;
  if (ulen < length) length = ulen;

  const cp = up + UDP_HDRLEN;
  if (cp > ndo.ndo_snapend) {
    udpipaddr_print(ndo, ip, sport, dport);
    nd_print_trunc(ndo);
    return;
  }
  udpipaddr_print(ndo, ip, sport, dport);

  if (ndo.vflag && !ndo.Kflag && !fragmented && ndo.vflag > 1) {
    const udp_sum = GET_BE_U_2(ndo, up + 6);
    if (udp_sum === 0) ND_PRINT(ndo, "[no cksum] ");
    else if (ND_TTEST_LEN(ndo, cp, length)) {
      const sum = nextproto4_cksum(ndo, ip, up, length + UDP_HDRLEN, length + UDP_HDRLEN, IPPROTO_UDP);
      if (sum !== 0) ND_PRINT(ndo, "[bad udp cksum 0x%04x -> 0x%04x!] ", udp_sum, in_cksum_shouldbe(udp_sum, sum));
      else ND_PRINT(ndo, "[udp sum ok] ");
    }
  }

  if (ulen > length && !fragmented) ND_PRINT(ndo, "UDP, bad length %u > %u", ulen, length);
  else ND_PRINT(ndo, "UDP, length %u", ulen);
}
