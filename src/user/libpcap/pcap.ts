// Mirrors libpcap 1.10 pcap/pcap.h, pcap/dlt.h, pcap-common.c and pcap.c: the link-layer type
// numbers (DLT_* as the capture API speaks them, LINKTYPE_* as files store them), the packet
// header, and the dlt name table behind pcap_datalink_val_to_name/_description.

export const PCAP_ERRBUF_SIZE = 256;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
/** MAXIMUM_SNAPLEN (pcap-int.h): tcpdump's default snapshot length and libpcap's cap. */
export const MAXIMUM_SNAPLEN = 262144;

export const PCAP_TSTAMP_PRECISION_MICRO = 0;
export const PCAP_TSTAMP_PRECISION_NANO = 1;

export const DLT_NULL = 0;
export const DLT_EN10MB = 1;
/** DLT_RAW is 12 on Linux (14 on OpenBSD); files say LINKTYPE_RAW. */
export const DLT_RAW = 12;
export const DLT_LINUX_SLL = 113;
export const DLT_NETLINK = 253;
export const DLT_LINUX_SLL2 = 276;

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_NETLINK = 253;
export const LINKTYPE_LINUX_SLL2 = 276;

/** SLL_HDR_LEN (pcap/sll.h): the Linux cooked header in front of DLT_LINUX_SLL and DLT_NETLINK packets. */
export const SLL_HDR_LEN = 16;

/** struct pcap_pkthdr: ts (seconds and micro- or nanoseconds), bytes present, bytes on the wire. */
export interface PcapPkthdr {
  ts_sec: number;
  ts_usec: number;
  caplen: number;
  len: number;
}

/** The LINKTYPE_* values whose DLT_* differs (pcap-common.c map[]); all others are equal. */
const linktype_dlt: [linktype: number, dlt: number][] = [[LINKTYPE_RAW, DLT_RAW]];

/** dlt_to_linktype(): the value a savefile stores for a DLT_. */
export const dlt_to_linktype = (dlt: number): number => linktype_dlt.find(([, d]) => d === dlt)?.[0] ?? dlt;
/** linktype_to_dlt(): the DLT_ for a savefile's LINKTYPE_ (unknown values pass through). */
export const linktype_to_dlt = (linktype: number): number => linktype_dlt.find(([l]) => l === linktype)?.[1] ?? linktype;

/** max_snaplen_for_dlt() (pcap-int.h): MAXIMUM_SNAPLEN for every link type kplay knows. */
export const max_snaplen_for_dlt = (_dlt: number): number => MAXIMUM_SNAPLEN;

/** pcap_adjust_snapshot(): a file's snaplen of 0 or above the maximum means the maximum. */
export function pcap_adjust_snapshot(dlt: number, snaplen: number): number {
  return snaplen === 0 || snaplen > max_snaplen_for_dlt(dlt) ? max_snaplen_for_dlt(dlt) : snaplen;
}

/** dlt_choices[] (pcap.c): DLT_CHOICE(code, description), the name being the code without "DLT_". */
const dlt_choices: { name: string; dlt: number; description: string }[] = [
  { name: "NULL", dlt: DLT_NULL, description: "BSD loopback" },
  { name: "EN10MB", dlt: DLT_EN10MB, description: "Ethernet" },
  { name: "RAW", dlt: DLT_RAW, description: "Raw IP" },
  { name: "LINUX_SLL", dlt: DLT_LINUX_SLL, description: "Linux cooked v1" },
  { name: "NETLINK", dlt: DLT_NETLINK, description: "Linux netlink" },
  { name: "LINUX_SLL2", dlt: DLT_LINUX_SLL2, description: "Linux cooked v2" },
];

/** pcap_datalink_val_to_name(): "EN10MB" for DLT_EN10MB; null when unknown. */
export const pcap_datalink_val_to_name = (dlt: number): string | null => dlt_choices.find((c) => c.dlt === dlt)?.name ?? null;

/** pcap_datalink_val_to_description(): "Ethernet" for DLT_EN10MB; null when unknown. */
export const pcap_datalink_val_to_description = (dlt: number): string | null => dlt_choices.find((c) => c.dlt === dlt)?.description ?? null;

/** pcap_datalink_val_to_description_or_dlt(): the description, or "DLT %d". */
export const pcap_datalink_val_to_description_or_dlt = (dlt: number): string => pcap_datalink_val_to_description(dlt) ?? `DLT ${dlt}`;

/** pcap_datalink_name_to_val(): DLT_ for a name, case-insensitively; -1 when unknown. */
export const pcap_datalink_name_to_val = (name: string): number => dlt_choices.find((c) => c.name.toLowerCase() === name.toLowerCase())?.dlt ?? -1;
