// Mirrors tcpdump 4.99.3 tcpdump.c (with libpcap 1.10.3): the command. It opens a live capture
// (-i, default the first device that is up, lo last) or a savefile (-r), compiles the expression
// that follows the options, and prints each packet (netdissect; standard output is line-buffered
// on a terminal or with -l, else fully buffered) or writes it to a savefile (-w, "-" for standard
// output, flushed per packet with -U). A live capture ends after -c packets, on
// SIGINT or SIGTERM (pcap_breakloop), or on an error, and then reports its counts on stderr.
import { getopt_long, type LongOption } from "../libc/getopt.js";
import { fflush, fprintf, fputs, fwrite, printf, stderr, stdout } from "../libc/stdio.js";
import { close, open, read, signal, write } from "../libc/unistd.js";
import { libc } from "../libc/state.js";
import { strerror } from "../libc/strerror.js";
import { hosts_byname } from "../libc/netdb.js";
import { O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY } from "../../include/uapi/fcntl.js";
import { SIGINT, SIGTERM } from "../../include/uapi/signal.js";
import { IFF_LOOPBACK, IFF_UP } from "../../include/uapi/if.js";
import { ifr_flags_get, ifr_name_set, ifreq_alloc, SIOCGIFFLAGS } from "../../include/uapi/sockios.js";
import * as S from "../libc/socket.js";
import { ioctl } from "../libc/unistd.js";
import { pcap_datalink_val_to_description_or_dlt, pcap_datalink_val_to_name, dlt_to_linktype } from "../libpcap/pcap.js";
import { pcap_dump_file_header, pcap_dump_record, pcap_open_offline_buf } from "../libpcap/sf-pcap.js";
import { pcap_compile } from "../libpcap/gencode.js";
import { bpf_dump } from "../libpcap/bpf_image.js";
import { pcap_offline_filter } from "../libpcap/bpf_filter.js";
import { pcap_breakloop, pcap_close, pcap_loop, pcap_open_live, pcap_setfilter, pcap_stats, pcap_statustostr, PCAP_ERROR, PCAP_ERROR_BREAK, PCAP_ERROR_NO_SUCH_DEVICE, PCAP_ERROR_PERM_DENIED, type Pcap } from "../libpcap/pcap-linux.js";
import { netdissect_init, pretty_print_packet, type NetdissectOptions } from "./netdissect.js";
import type { SockFilter } from "../../include/uapi/filter.js";

const VERSION = "4.99.3";
const PCAP_VERSION = "libpcap version 1.10.3 (with TPACKET_V3)";

/** print_usage() */
function print_usage(f = stderr()): void {
  fprintf(f, "tcpdump version %s\n", VERSION);
  fprintf(f, "%s\n", PCAP_VERSION);
  fprintf(f, "Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n");
  fprintf(f, "\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]\n");
  fprintf(f, "\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]\n");
  fprintf(f, "\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]\n");
  fprintf(f, "\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]\n");
  fprintf(f, "\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]\n");
  fprintf(f, "\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]\n");
  fprintf(f, "\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]\n");
}

class TcpdumpError {
  constructor(readonly message: string) {}
}

/** error(): "tcpdump: MESSAGE" and exit 1. */
function error(message: string): never {
  throw new TcpdumpError(message);
}

/** The whole of a file of the machine, or the open(2)/read(2) errno. */
async function read_file(path: string): Promise<Uint8Array | number> {
  const fd = await open(path, O_RDONLY);
  if (fd < 0) return libc().errno;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const b = new Uint8Array(65536);
    const n = await read(fd, b, b.length);
    if (n < 0) {
      const e = libc().errno;
      close(fd);
      return e;
    }
    if (n === 0) break;
    parts.push(b.subarray(0, n));
    total += n;
  }
  close(fd);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function read_text(path: string): Promise<string> {
  const r = await read_file(path);
  return typeof r === "number" ? "" : new TextDecoder().decode(r);
}

/** pcap_findalldevs()' first choice: a device that is up and not loopback, else lo. */
async function default_device(): Promise<string | null> {
  const names = (await read_text("/proc/net/dev")).split("\n").slice(2).map((l) => l.split(":")[0].trim()).filter(Boolean);
  const fd = await S.socket(S.AF_INET, S.SOCK_DGRAM, 0);
  let lo: string | null = null;
  for (const name of names) {
    const ifr = ifreq_alloc();
    ifr_name_set(ifr, name);
    if (fd < 0 || (await ioctl(fd, SIOCGIFFLAGS, ifr)) < 0) continue;
    const flags = ifr_flags_get(ifr);
    if (!(flags & IFF_UP)) continue;
    if (flags & IFF_LOOPBACK) lo ??= name;
    else {
      close(fd);
      return name;
    }
  }
  if (fd >= 0) close(fd);
  return lo;
}

/** A savefile being written: to a file of the machine, or to standard output for "-". */
interface Dumper {
  fd: number;
  /** -U: every packet written at once; otherwise through stdio's buffer. */
  unbuffered: boolean;
}

async function dump_write(d: Dumper, bytes: Uint8Array): Promise<void> {
  if (d.fd === 1) {
    fwrite(bytes, stdout());
    if (d.unbuffered) fflush(stdout());
    return;
  }
  for (let at = 0; at < bytes.length; ) {
    const n = await write(d.fd, bytes.subarray(at), bytes.length - at);
    if (n <= 0) error(`${strerror(libc().errno)}`);
    at += n;
  }
}

const longopts: LongOption[] = [
  { name: "count", has_arg: 0, val: 0x100 },
  { name: "help", has_arg: 0, val: "h".charCodeAt(0) },
  { name: "interface", has_arg: 1, val: "i".charCodeAt(0) },
  { name: "number", has_arg: 0, val: 0x101 },
  { name: "packet-buffered", has_arg: 0, val: "U".charCodeAt(0) },
  { name: "snapshot-length", has_arg: 1, val: "s".charCodeAt(0) },
  { name: "version", has_arg: 0, val: 0x102 },
];

/** tcpdump's main(). */
export async function tcpdump_main(argc: number, argv: string[]): Promise<number> {
  try {
    return await tcpdump(argv);
  } catch (e) {
    if (!(e instanceof TcpdumpError)) throw e;
    fflush(stdout());
    fprintf(stderr(), "tcpdump: %s\n", e.message);
    return 1;
  }
}

async function tcpdump(argv: string[]): Promise<number> {
  const g = getopt_long(argv, "c:dehi:Klnpqr:s:StUvw:xX", longopts);
  const flags = { nflag: 0, eflag: 0, vflag: 0, xflag: 0, Xflag: 0, Sflag: 0, tflag: 0, qflag: 0, Kflag: 0 };
  let cnt = -1;
  let dflag = 0;
  let device: string | null = null;
  let RFileName: string | null = null;
  let WFileName: string | null = null;
  let snaplen = 0;
  let promisc = true;
  let Uflag = false;
  for (const [opt, arg] of g.opts) {
    switch (opt === 63 ? "?" : opt >= 0x100 ? opt : String.fromCharCode(opt)) {
      case "c": {
        const n = /^\d+$/.test(arg!) ? Number(arg) : NaN;
        if (!(n > 0) || n > 0x7fffffff) error(`invalid packet count ${arg}`);
        cnt = n;
        break;
      }
      case "d":
        dflag++;
        break;
      case "e":
        flags.eflag++;
        break;
      case "h":
        print_usage(stdout());
        return 0;
      case "i":
        device = arg;
        break;
      case "K":
        flags.Kflag++;
        break;
      case "l":
        stdout().mode = "line";
        break;
      case "n":
        flags.nflag++;
        break;
      case "p":
        promisc = false;
        break;
      case "q":
        flags.qflag++;
        break;
      case "r":
        RFileName = arg;
        break;
      case "s": {
        const n = /^\d+$/.test(arg!) ? Number(arg) : NaN;
        if (!(n >= 0) || n > 262144) error(`invalid snaplen ${arg}`);
        snaplen = n;
        break;
      }
      case "S":
        flags.Sflag++;
        break;
      case "t":
        flags.tflag++;
        break;
      case "U":
        Uflag = true;
        break;
      case "v":
        flags.vflag++;
        break;
      case "w":
        WFileName = arg;
        break;
      case "x":
        flags.xflag++;
        break;
      case "X":
        flags.Xflag++;
        break;
      case 0x102:
        printf("tcpdump version %s\n%s\n", VERSION, PCAP_VERSION);
        return 0;
      default:
        print_usage();
        return 1;
    }
  }
  const expression = g.operands.join(" ");
  const hosts = await read_text("/etc/hosts");
  const ndo = netdissect_init(flags, hosts, await read_text("/etc/services"));

  if (RFileName !== null) return offline(RFileName, expression, cnt, dflag, ndo, hosts);

  device ??= await default_device();
  if (device === null) error("no suitable device found");
  const pd = await pcap_open_live(device, snaplen, promisc);
  if (!("fd" in pd)) {
    const text = pcap_statustostr(pd.status);
    if (pd.status === PCAP_ERROR) error(pd.errbuf);
    if ((pd.status === PCAP_ERROR_NO_SUCH_DEVICE || pd.status === PCAP_ERROR_PERM_DENIED) && pd.errbuf) error(`${device}: ${text}\n(${pd.errbuf})`);
    error(`${device}: ${text}`);
  }
  try {
    const prog = compile(expression, pd.linktype, pd.snapshot, hosts);
    if (dflag) {
      printf("%s", bpf_dump(prog));
      return 0;
    }
    if ((await pcap_setfilter(pd, prog)) < 0) error(pd.errbuf);
    let dumper: Dumper | null = null;
    if (WFileName !== null) {
      dumper = { fd: WFileName === "-" ? 1 : await open(WFileName, O_WRONLY | O_CREAT | O_TRUNC, 0o644), unbuffered: Uflag };
      if (dumper.fd < 0) error(`${WFileName}: ${strerror(libc().errno)}`);
      await dump_write(dumper, pcap_dump_file_header(pd.snapshot, dlt_to_linktype(pd.linktype)));
    }
    if (!flags.vflag && WFileName === null) fprintf(stderr(), "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n");
    else fprintf(stderr(), "tcpdump: ");
    fprintf(stderr(), "listening on %s, link-type %s (%s), snapshot length %d bytes\n", device, pcap_datalink_val_to_name(pd.linktype) ?? "", pcap_datalink_val_to_description_or_dlt(pd.linktype), pd.snapshot);
    const cleanup = (): void => pcap_breakloop(pd);
    signal(SIGINT, cleanup);
    signal(SIGTERM, cleanup);
    let captured = 0;
    const status = await pcap_loop(pd, cnt, async (h, bytes) => {
      captured++;
      if (dumper) await dump_write(dumper, pcap_dump_record(h, bytes));
      else fputs(pretty_print_packet(ndo, h, bytes, pd.linktype), stdout());
    });
    if (dumper === null) {
      if (status === PCAP_ERROR_BREAK) printf("\n");
    }
    fflush(stdout());
    if (dumper && dumper.fd !== 1) close(dumper.fd);
    if (status === PCAP_ERROR) fprintf(stderr(), "tcpdump: pcap_loop: %s\n", pd.errbuf);
    await info(pd, captured);
    return status === PCAP_ERROR ? 1 : 0;
  } finally {
    pcap_close(pd);
  }
}

/** Compile the expression; pcap_compile's complaint is fatal. */
function compile(expression: string, linktype: number, snaplen: number, hosts: string): SockFilter[] {
  const r = pcap_compile(expression, linktype, snaplen, (name) => hosts_byname(hosts, name));
  if ("error" in r) error(r.error);
  return r.prog;
}

/** info(1): the capture's counts, one per line. */
async function info(pd: Pcap, captured: number): Promise<void> {
  const st = await pcap_stats(pd);
  if (!st) {
    fprintf(stderr(), "pcap_stats: %s\n", pd.errbuf);
    return;
  }
  const plural = (n: number): string => (n === 1 ? "" : "s");
  fprintf(stderr(), "%u packet%s captured\n", captured, plural(captured));
  fprintf(stderr(), "%u packet%s received by filter\n", st.ps_recv, plural(st.ps_recv));
  fprintf(stderr(), "%u packet%s dropped by kernel\n", st.ps_drop, plural(st.ps_drop));
}

/** -r FILE: every record of the savefile that passes the filter, up to -c of them. */
async function offline(path: string, expression: string, cnt: number, dflag: number, ndo: NetdissectOptions, hosts: string): Promise<number> {
  const data = await read_file(path);
  if (typeof data === "number") error(`${path}: ${strerror(data)}`);
  const pf = pcap_open_offline_buf(data);
  if (typeof pf === "string") error(pf);
  const prog = compile(expression, pf.linktype, pf.snaplen, hosts);
  if (dflag) {
    printf("%s", bpf_dump(prog));
    return 0;
  }
  fprintf(stderr(), "reading from file %s, link-type %s (%s), snapshot length %d\n", path, pcap_datalink_val_to_name(pf.linktype) ?? "", pcap_datalink_val_to_description_or_dlt(pf.linktype), pf.snaplen);
  let n = 0;
  for (let rec = pf.next(); cnt <= 0 || n < cnt; rec = pf.next()) {
    if (typeof rec === "string") {
      fflush(stdout());
      fprintf(stderr(), "tcpdump: pcap_loop: %s\n", rec);
      return 1;
    }
    if (rec === null) break;
    if (pcap_offline_filter(prog, rec.hdr, rec.data) === 0) continue;
    n++;
    fputs(pretty_print_packet(ndo, rec.hdr, rec.data, pf.linktype), stdout());
  }
  fflush(stdout());
  return 0;
}
