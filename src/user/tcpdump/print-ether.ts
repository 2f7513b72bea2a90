// Mirrors tcpdump 4.99 print-ether.c: ether_if_print() for DLT_EN10MB (linktype 1), the link
// layer of a capture on lo. With -e the header comes first,
//   "00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 47: "
// (each address with " (oui Ethernet)" after it unless -n; the length is the whole frame's), and
// the IP printer then leaves out its "IP ". Of the ethertypes only IPv4 is decoded; any other
// payload is printed as by ND_DEFAULTPRINT after the header. Not carried: VLAN tags, MACsec,
// 802.3 length fields with LLC (printed as "802.3, length N: " and the raw payload), Arista.
import { GET_ETHERADDR_STRING } from "./addrtoname.js";
import { GET_BE_U_2 } from "./extract.js";
import type { NetdissectOptions, PcapPktHdr } from "./netdissect.js";
import { ip_print } from "./print-ip.js";
import { ND_DEFAULTPRINT, ND_PRINT, nd_print_trunc, tok2str, type Tok } from "./util-print.js";

export const ETHER_HDRLEN = 14;
const MAC_ADDR_LEN = 6;
const MAX_ETHERNET_LENGTH_VAL = 1500;

export const ETHERTYPE_IP = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const ETHERTYPE_IPV6 = 0x86dd;

/** ethertype_values (print-ether.c), the common ones. */
const ethertype_values: Tok = [
  [0x0800, "IPv4"],
  [0x86dd, "IPv6"],
  [0x0806, "ARP"],
  [0x8035, "Reverse ARP"],
  [0x8100, "802.1Q"],
  [0x88a8, "802.1Q-QinQ"],
  [0x8847, "MPLS unicast"],
  [0x8848, "MPLS multicast"],
  [0x8863, "PPPoE D"],
  [0x8864, "PPPoE S"],
  [0x888e, "EAPOL"],
  [0x88cc, "LLDP"],
  [0x9000, "Loopback"],
];

function ether_addresses_print(ndo: NetdissectOptions, src: number, dst: number): void {
  ND_PRINT(ndo, "%s > %s, ", GET_ETHERADDR_STRING(ndo, src), GET_ETHERADDR_STRING(ndo, dst));
}

function ether_type_print(ndo: NetdissectOptions, type: number): void {
  if (!ndo.qflag) ND_PRINT(ndo, "ethertype %s (0x%04x)", tok2str(ethertype_values, "Unknown", type), type);
  else ND_PRINT(ndo, "%s", tok2str(ethertype_values, "Unknown Ethertype (0x%04x)", type));
}

/** ethertype_print(): the payload of a known ethertype; 0 when it is not one this printer knows. */
function ethertype_print(ndo: NetdissectOptions, ether_type: number, p: number, length: number): number {
  switch (ether_type) {
    case ETHERTYPE_IP:
      ip_print(ndo, p, length);
      return 1;
    default:
      return 0;
  }
}

/**
 * ether_print(): the frame at `p`, `length` bytes long on the wire and `caplen` captured; the
 * length of the link-layer header it took.
 */
export function ether_print(ndo: NetdissectOptions, p: number, length: number, caplen: number): number {
  ndo.ndo_protocol = "ether";
  if (caplen < ETHER_HDRLEN) {
    nd_print_trunc(ndo);
    return caplen;
  }
  if (length < ETHER_HDRLEN) {
    nd_print_trunc(ndo);
    return length;
  }
  const orig_length = length;
  const dst = p;
  const src = p + MAC_ADDR_LEN;
  length -= 2 * MAC_ADDR_LEN;
  caplen -= 2 * MAC_ADDR_LEN;
  p += 2 * MAC_ADDR_LEN;
  let hdrlen = 2 * MAC_ADDR_LEN;
  if (ndo.eflag) ether_addresses_print(ndo, src, dst);

  const length_type = GET_BE_U_2(ndo, p);
  length -= 2;
  caplen -= 2;
  p += 2;
  hdrlen += 2;

  if (length_type <= MAX_ETHERNET_LENGTH_VAL) {
    /* 802.3: a length field, then an LLC header this printer does not decode */
    if (length_type < length) {
      length = length_type;
      if (caplen > length) caplen = length;
    }
    if (ndo.eflag) ND_PRINT(ndo, "802.3, length %u: ", length);
    ND_DEFAULTPRINT(ndo, p, caplen);
    return hdrlen;
  }
  if (ndo.eflag) {
    ether_type_print(ndo, length_type);
    ND_PRINT(ndo, ", length %u: ", orig_length);
  }
  if (ethertype_print(ndo, length_type, p, length) === 0) {
    if (!ndo.eflag) {
      ether_addresses_print(ndo, src, dst);
      ether_type_print(ndo, length_type);
      ND_PRINT(ndo, ", length %u: ", orig_length);
    }
    ND_DEFAULTPRINT(ndo, p, caplen);
  }
  return hdrlen;
}

/** ether_if_print(): the top-level printer of linktype 1. */
export function ether_if_print(ndo: NetdissectOptions, h: PcapPktHdr, p: number): void {
  ndo.ndo_protocol = "ether";
  ndo.ndo_ll_hdr_len += ether_print(ndo, p, h.len, h.caplen);
}
