// Mirrors libpcap 1.10 bpf_filter.c and pcap_offline_filter() (pcap.c): run a compiled filter in
// user space, as tcpdump -r does. libpcap's bpf_filter.c and the kernel run the same classic BPF
// machine; kplay keeps one implementation, the kernel's (net/core/filter.ts).
import { bpf_prog_run_classic } from "../../net/core/filter.js";
import type { SockFilter } from "../../include/uapi/filter.js";
import type { PcapPkthdr } from "./pcap.js";

/**
 * bpf_filter(): run `prog` over a packet of which `buflen` bytes are present and `wirelen` were
 * on the wire. Returns the filter's result: 0 to reject, else the number of bytes to keep.
 */
export function bpf_filter(prog: SockFilter[], pkt: Uint8Array, wirelen: number, buflen: number): number {
  return bpf_prog_run_classic(prog, pkt.subarray(0, buflen), wirelen);
}

/**
 * pcap_offline_filter(): does the packet pass the filter? Non-zero to keep it; an empty program
 * (no filter set) keeps every packet.
 */
export function pcap_offline_filter(prog: SockFilter[], h: PcapPkthdr, pkt: Uint8Array): number {
  if (prog.length === 0) return 1;
  return bpf_filter(prog, pkt, h.len, h.caplen);
}
