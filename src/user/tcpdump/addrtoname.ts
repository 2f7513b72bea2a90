// Mirrors tcpdump 4.99 addrtoname.c: names for IPv4 addresses, TCP and UDP ports and Ethernet
// addresses. The caller reads the machine's /etc/hosts and /etc/services and hands their text to
// init_addrtoname(); lookups then behave as tcpdump's do through glibc's "files" sources (kplay
// has no DNS):
//   - ipaddr_string(): with -n the dotted quad; otherwise the first name (h_name) of the first
//     /etc/hosts line with that IPv4 address (gethostbyaddr()), else the dotted quad.
//   - tcpport_string() / udpport_string(): with -n the number (init_addrtoname() returns before
//     init_servarray() reads /etc/services); otherwise the name of the first /etc/services entry
//     for that port and protocol (getservent() order), else the number.
//   - etheraddr_string(): "xx:xx:xx:xx:xx:xx", and without -n " (oui NAME)" after it. kplay has no
//     /etc/ethers (ether_ntohost()); of oui.c's table only "Ethernet" (00:00:00) is carried here,
//     so any other OUI shows as "Unknown".
import { inet_ntoa, inet_pton4 } from "../libc/inet.js";
import { files_lines } from "../libc/netdb.js";
import { GET_BE_U_4, ND_TTEST_LEN, nd_trunc_longjmp } from "./extract.js";
import type { NetdissectOptions } from "./netdissect.js";

export interface AddrToName {
  /** A host-order IPv4 address as a name or dotted quad. */
  ipaddr_string(addr: number): string;
  tcpport_string(port: number): string;
  udpport_string(port: number): string;
  /** Six bytes of a MAC address. */
  etheraddr_string(ep: Uint8Array): string;
}

/** oui.c's oui_values, the one entry kplay's zero MACs need. */
const oui_values: ReadonlyMap<number, string> = new Map([[0x000000, "Ethernet"]]);

/**
 * init_addrtoname(): the name tables from the text of /etc/hosts and /etc/services, for a capture
 * printed with `nflag` -n flags.
 */
export function init_addrtoname(hosts: string, services: string, nflag = 0): AddrToName {
  const hnametable = new Map<number, string>();
  const tporttable = new Map<number, string>();
  const uporttable = new Map<number, string>();
  if (!nflag) {
    for (const [a, name] of files_lines(hosts)) {
      const addr = inet_pton4(a);
      if (addr !== null && name !== undefined && !hnametable.has(addr)) hnametable.set(addr, name);
    }
    for (const [name, portproto] of files_lines(services)) {
      const m = /^(\d+)\/(\w+)$/.exec(portproto ?? "");
      if (!m) continue;
      const port = Number(m[1]) & 0xffff;
      const table = m[2] === "tcp" ? tporttable : m[2] === "udp" ? uporttable : null;
      if (table && !table.has(port)) table.set(port, name);
    }
  }
  const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
  return {
    ipaddr_string: (addr) => (nflag ? undefined : hnametable.get(addr >>> 0)) ?? inet_ntoa(addr >>> 0),
    tcpport_string: (port) => tporttable.get(port) ?? String(port),
    udpport_string: (port) => uporttable.get(port) ?? String(port),
    etheraddr_string: (ep) => {
      const s = Array.from(ep.subarray(0, 6), hex2).join(":");
      if (nflag) return s;
      return `${s} (oui ${oui_values.get((ep[0] << 16) | (ep[1] << 8) | ep[2]) ?? "Unknown"})`;
    },
  };
}

export function ipaddr_string(ndo: NetdissectOptions, addr: number): string {
  return ndo.addrtoname.ipaddr_string(addr);
}

export function tcpport_string(ndo: NetdissectOptions, port: number): string {
  return ndo.addrtoname.tcpport_string(port);
}

export function udpport_string(ndo: NetdissectOptions, port: number): string {
  return ndo.addrtoname.udpport_string(port);
}

/** GET_IPADDR_STRING(p): the address stored (network order) at `p`. */
export function GET_IPADDR_STRING(ndo: NetdissectOptions, p: number): string {
  return ipaddr_string(ndo, GET_BE_U_4(ndo, p));
}

/** GET_ETHERADDR_STRING(p) */
export function GET_ETHERADDR_STRING(ndo: NetdissectOptions, p: number): string {
  if (!ND_TTEST_LEN(ndo, p, 6)) nd_trunc_longjmp();
  return ndo.addrtoname.etheraddr_string(ndo.ndo_packetp.subarray(p, p + 6));
}
