// Mirrors include/uapi/linux/snmp.h and net/ipv4/proc.c: the IP, ICMP, TCP and UDP counters and
// /proc/net/snmp.
import type { Kernel } from "../../kernel/kernel.js";
import { current } from "../../kernel/sched/task.js";

const IP_FIELDS = ["Forwarding", "DefaultTTL", "InReceives", "InHdrErrors", "InAddrErrors", "ForwDatagrams", "InUnknownProtos", "InDiscards", "InDelivers", "OutRequests", "OutDiscards", "OutNoRoutes", "ReasmTimeout", "ReasmReqds", "ReasmOKs", "ReasmFails", "FragOKs", "FragFails", "FragCreates"] as const;
const ICMP_FIELDS = ["InMsgs", "InErrors", "InCsumErrors", "InDestUnreachs", "InTimeExcds", "InParmProbs", "InSrcQuenchs", "InRedirects", "InEchos", "InEchoReps", "InTimestamps", "InTimestampReps", "InAddrMasks", "InAddrMaskReps", "OutMsgs", "OutErrors", "OutDestUnreachs", "OutTimeExcds", "OutParmProbs", "OutSrcQuenchs", "OutRedirects", "OutEchos", "OutEchoReps", "OutTimestamps", "OutTimestampReps", "OutAddrMasks", "OutAddrMaskReps"] as const;
const TCP_FIELDS = ["RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets", "CurrEstab", "InSegs", "OutSegs", "RetransSegs", "InErrs", "OutRsts", "InCsumErrors"] as const;
const UDP_FIELDS = ["InDatagrams", "NoPorts", "InErrors", "OutDatagrams", "RcvbufErrors", "SndbufErrors", "InCsumErrors", "IgnoredMulti", "MemErrors"] as const;

type Counters<T extends readonly string[]> = Record<T[number], number>;
const zero = <T extends readonly string[]>(f: T): Counters<T> => Object.fromEntries(f.map((n) => [n, 0])) as Counters<T>;

export interface Mib {
  ip: Counters<typeof IP_FIELDS>;
  icmp: Counters<typeof ICMP_FIELDS>;
  /** IcmpMsg: per ICMP type, "InType3" and "OutType3". */
  icmpmsg: Map<string, number>;
  tcp: Counters<typeof TCP_FIELDS>;
  udp: Counters<typeof UDP_FIELDS>;
  udplite: Counters<typeof UDP_FIELDS>;
}

const mibs = new WeakMap<Kernel, Mib>();

export function mib(k: Kernel = current().kernel): Mib {
  let m = mibs.get(k);
  if (!m) {
    m = { ip: zero(IP_FIELDS), icmp: zero(ICMP_FIELDS), icmpmsg: new Map(), tcp: zero(TCP_FIELDS), udp: zero(UDP_FIELDS), udplite: zero(UDP_FIELDS) };
    Object.assign(m.ip, { Forwarding: 2, DefaultTTL: 64 });
    Object.assign(m.tcp, { RtoAlgorithm: 1, RtoMin: 200, RtoMax: 120000, MaxConn: -1 });
    mibs.set(k, m);
  }
  return m;
}

function section<T extends readonly string[]>(name: string, fields: T, c: Counters<T>): string {
  return `${name}: ${fields.join(" ")}\n${name}: ${fields.map((f) => c[f as T[number]]).join(" ")}\n`;
}

/** /proc/net/snmp (snmp_seq_show). */
export function proc_net_snmp(k: Kernel): string {
  const m = mib(k);
  let s = section("Ip", IP_FIELDS, m.ip) + section("Icmp", ICMP_FIELDS, m.icmp);
  if (m.icmpmsg.size) {
    const keys = [...m.icmpmsg.keys()].sort((a, b) => (a.startsWith("In") === b.startsWith("In") ? Number(a.replace(/\D/g, "")) - Number(b.replace(/\D/g, "")) : a.startsWith("In") ? -1 : 1));
    s += `IcmpMsg: ${keys.join(" ")}\nIcmpMsg: ${keys.map((key) => m.icmpmsg.get(key)).join(" ")}\n`;
  }
  return s + section("Tcp", TCP_FIELDS, m.tcp) + section("Udp", UDP_FIELDS, m.udp) + section("UdpLite", UDP_FIELDS, m.udplite);
}
