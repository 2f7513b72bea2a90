// Mirrors BusyBox 1.35 networking/libiproute/utils.c and ip_parse_common_args.c: the globals every
// "ip" object shares (preferred_family, oneline, _SL_), the argument helpers (next_arg, invarg_1_to_2,
// duparg, duparg2, get_unsigned, get_addr/get_prefix) and rt_addr_n2a, plus the libbb pieces they
// use: index_in_strings/index_in_substrings (libbb/compare_string_array.c) and xfunc_error_retval.
// do_iplink sets xfunc_error_retval to 2, so the *_and_die helpers here exit with this process's
// value rather than libbb's shared one.
import { libc } from "../../../libc/state.js";
import { stderr, stdout } from "../../../libc/stdio.js";
import { _exit } from "../../../libc/stdlib.js";
import { AF_INET, AF_INET6, AF_PACKET, AF_UNSPEC } from "../../../libc/socket.js";
import { inet_pton4 } from "../../../libc/inet.js";
import { bb_error_msg, bb_perror_msg, bb_show_usage } from "../../libbb.js";

/** The per-process globals of ip (ip_parse_common_args.c) and libbb's xfunc_error_retval. */
export interface IpGlobals {
  preferred_family: number;
  oneline: boolean;
  /** '\\' with -oneline, else '\n' */
  _SL_: string;
  xfunc_error_retval: number;
}

const globals = new WeakMap<object, IpGlobals>();

export function ip_globals(): IpGlobals {
  const key = libc();
  let g = globals.get(key);
  if (!g) {
    g = { preferred_family: AF_UNSPEC, oneline: false, _SL_: "\n", xfunc_error_retval: 1 };
    globals.set(key, g);
  }
  return g;
}

/* ---- usage (networking/ip.c //usage: lines, with every FEATURE_IP_* of defconfig) ---- */

const ipaddr_trivial_usage = "add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]";
const iproute_trivial_usage = "list|flush|add|del|change|append|replace|test ROUTE";
const iplink_trivial_usage =
  "set IFACE [up|down] [arp on|off] [multicast on|off]\n" + "\t[promisc on|off] [mtu NUM] [name NAME] [qlen NUM] [address MAC]\n" + "\t[master IFACE | nomaster]";
const iptunnel_trivial_usage = "add|change|del|show [NAME]\n" + "\t[mode ipip|gre|sit]\n" + "\t[remote ADDR] [local ADDR] [ttl TTL]";
const ipneigh_trivial_usage = "show|flush [to PREFIX] [dev DEV] [nud STATE]";
const iprule_trivial_usage = "[list] | add|del SELECTOR ACTION";

export const ip_trivial_usage = "[OPTIONS] address|route|link|tunnel|neigh|rule [COMMAND]";
/** ip_full_usage without its leading "\n\n" (bb_show_usage puts the blank line). */
export const ip_full_usage =
  "OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n" +
  "COMMAND :=" +
  "\nip addr " +
  ipaddr_trivial_usage +
  "\nip route " +
  iproute_trivial_usage +
  "\nip link " +
  iplink_trivial_usage +
  "\nip tunnel " +
  iptunnel_trivial_usage +
  "\nip neigh " +
  ipneigh_trivial_usage +
  "\nip rule " +
  iprule_trivial_usage;

/** bb_show_usage() for the ip applet. */
export const ip_show_usage = (): Promise<never> => bb_show_usage(ip_trivial_usage, ip_full_usage);

/* ---- dying with xfunc_error_retval ---- */

/** xfunc_die(): exit(xfunc_error_retval), stdio flushed. */
export async function xfunc_die(): Promise<never> {
  await stdout().drain();
  await stderr().drain();
  return _exit(ip_globals().xfunc_error_retval);
}

export async function bb_error_msg_and_die(msg: string): Promise<never> {
  bb_error_msg(msg);
  return xfunc_die();
}

export async function bb_perror_msg_and_die(msg: string): Promise<never> {
  bb_perror_msg(msg);
  return xfunc_die();
}

/* ---- libbb/compare_string_array.c ---- */

/** index_in_strings(): the index of the key equal to `key`, or -1. */
export function index_in_strings(strings: readonly string[], key: string): number {
  return strings.indexOf(key);
}

/** index_in_substrings(): the first key that `key` is a non-empty prefix of, or -1. */
export function index_in_substrings(strings: readonly string[], key: string): number {
  if (key.length === 0) return -1;
  return strings.findIndex((s) => s.startsWith(key));
}

/* ---- utils.c ---- */

/** next_arg(argv): the index of the next word, or "command line is not complete". */
export async function next_arg(argv: string[], i: number): Promise<number> {
  if (i + 1 >= argv.length) return bb_error_msg_and_die('command line is not complete, try "help"');
  return i + 1;
}

/** invarg_1_to_2(arg, opt): bb_msg_invalid_arg_to */
export const invarg_1_to_2 = (arg: string, opt: string): Promise<never> => bb_error_msg_and_die(`invalid argument '${arg}' to '${opt}'`);

export const duparg = (key: string, arg: string): Promise<never> => bb_error_msg_and_die(`duplicate "${key}": "${arg}" is the second value`);

export const duparg2 = (key: string, arg: string): Promise<never> => bb_error_msg_and_die(`either "${key}" is duplicate, or "${arg}" is garbage`);

/** bb_msg_requires_arg */
export const bb_msg_requires_arg = (what: string): string => `${what} requires an argument`;

/** strtoul(arg, &ptr, 0) taking the whole string, or null. */
function strtoul0(arg: string): number | null {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(arg);
  if (!m) return null;
  const digits = m[2];
  let v = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16) : digits.length > 1 && digits[0] === "0" ? Number.parseInt(digits, 8) : Number(digits);
  if (m[1] === "-") v = 2 ** 32 - v; /* strtoul negates in unsigned long */
  return v;
}

/** get_unsigned(arg, errmsg): a number up to UINT_MAX, or invarg_1_to_2. */
export async function get_unsigned(arg: string, errmsg: string): Promise<number> {
  if (arg.length) {
    const res = strtoul0(arg);
    if (res !== null && res <= 0xffffffff) return res;
  }
  return invarg_1_to_2(arg, errmsg);
}

/** inet_prefix: family, bytelen, bitlen and the address bytes (network order). */
export interface InetPrefix {
  family: number;
  bytelen: number;
  bitlen: number;
  data: Uint8Array;
}

const empty_prefix = (): InetPrefix => ({ family: AF_UNSPEC, bytelen: 0, bitlen: 0, data: new Uint8Array(16) });

/** get_addr_1(): "default"/"all"/"any", an IPv4 dotted quad (IPv6 is not parsed here). */
function get_addr_1(name: string, family: number): InetPrefix | null {
  const addr = empty_prefix();
  if (name === "default" || name === "all" || name === "any") {
    addr.family = family;
    addr.bytelen = family === AF_INET6 ? 16 : 4;
    addr.bitlen = -1;
    return addr;
  }
  if (name.includes(":")) return null; /* kplay has no IPv6 */
  addr.family = AF_INET;
  if (family !== AF_UNSPEC && family !== AF_INET) return null;
  const a = inet_pton4(name);
  if (a === null) return null;
  new DataView(addr.data.buffer).setUint32(0, a, false);
  addr.bytelen = 4;
  addr.bitlen = -1;
  return addr;
}

function get_prefix_1(arg: string, family: number): InetPrefix | null {
  if (arg === "default" || arg === "all" || arg === "any") {
    const dst = empty_prefix();
    dst.family = family;
    return dst;
  }
  const slash = arg.indexOf("/");
  const dst = get_addr_1(slash < 0 ? arg : arg.slice(0, slash), family);
  if (!dst) return null;
  dst.bitlen = dst.family === AF_INET6 ? 128 : 32;
  if (slash >= 0) {
    const rest = arg.slice(slash + 1);
    const plen = /^[0-9]+$/.test(rest) ? Number(rest) : NaN;
    if (Number.isNaN(plen) || plen > dst.bitlen) {
      const mask = get_addr_1(rest, family);
      if (!mask || mask.family !== AF_INET) return null;
      const m = new DataView(mask.data.buffer).getUint32(0, false);
      const host = ~m >>> 0;
      if (host & (host + 1)) return null;
      dst.bitlen = 32 - Math.log2(host + 1);
    } else {
      dst.bitlen = plen;
    }
  }
  return dst;
}

export async function get_addr(arg: string, family: number): Promise<InetPrefix> {
  if (family === AF_PACKET) return bb_error_msg_and_die(`"${arg}" may be inet address, but it is not allowed in this context`);
  return get_addr_1(arg, family) ?? bb_error_msg_and_die(`an inet address is expected rather than "${arg}"`);
}

export async function get_prefix(arg: string, family: number): Promise<InetPrefix> {
  if (family === AF_PACKET) return bb_error_msg_and_die(`"${arg}" may be inet prefix, but it is not allowed in this context`);
  return get_prefix_1(arg, family) ?? bb_error_msg_and_die(`an inet prefix is expected rather than "${arg}"`);
}

/** inet_addr_match(a, b, bits): 0 when the first `bits` bits agree. */
export function inet_addr_match(a: InetPrefix, b: InetPrefix, bits: number): number {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const bit = 0x80 >> (i & 7);
    if ((a.data[byte] & bit) !== (b.data[byte] & bit)) return 1;
  }
  return 0;
}

/** rt_addr_n2a(af, addr): inet_ntop, or "???" for another family. */
export function rt_addr_n2a(af: number, addr: Uint8Array): string {
  if (af === AF_INET) return Array.from(addr.subarray(0, 4)).join(".");
  if (af === AF_INET6) {
    const w: number[] = [];
    for (let i = 0; i < 16; i += 2) w.push((addr[i] << 8) | addr[i + 1]);
    /* inet_ntop: the longest run (2 or more) of zero words becomes "::" */
    let best = -1;
    let bestlen = 1;
    for (let i = 0; i < 8; ) {
      let j = i;
      while (j < 8 && w[j] === 0) j++;
      if (j - i > bestlen) (best = i), (bestlen = j - i);
      i = j === i ? i + 1 : j;
    }
    const hex = w.map((x) => x.toString(16));
    if (best < 0) return hex.join(":");
    return hex.slice(0, best).join(":") + "::" + hex.slice(best + bestlen).join(":");
  }
  return "???";
}

/* ---- ip_parse_common_args.c ---- */

/** ip_parse_common_args(argv): -oneline, -family F, -4, -6, -0 (any unique prefix); the rest. */
export async function ip_parse_common_args(argv: string[]): Promise<string[]> {
  const G = ip_globals();
  const ip_common_commands = ["oneline", "family", "4", "6", "0"];
  const af_numbers = [AF_INET, AF_INET6, AF_PACKET];
  let i = 0;
  while (i < argv.length) {
    let opt = argv[i];
    if (opt[0] !== "-") break;
    opt = opt.slice(1);
    if (opt[0] === "-") {
      opt = opt.slice(1);
      if (!opt) {
        /* "--" */
        i++;
        break;
      }
    }
    let arg = index_in_substrings(ip_common_commands, opt);
    if (arg < 0) return ip_show_usage();
    if (arg === 0) {
      G.oneline = true;
      i++;
      continue;
    }
    if (arg === 1) {
      i++;
      if (i >= argv.length) return ip_show_usage();
      arg = index_in_strings(["inet", "inet6", "link"], argv[i]);
      if (arg < 0) return invarg_1_to_2(argv[i], "family");
    } else {
      arg -= 2;
    }
    G.preferred_family = af_numbers[arg];
    i++;
  }
  G._SL_ = G.oneline ? "\\" : "\n";
  return argv.slice(i);
}
