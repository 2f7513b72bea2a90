// arpa/inet.h and netinet/in.h: byte order and IPv4 address text, as glibc gives them.
export * from "../../include/uapi/in.js";

export const htons = (x: number): number => ((x & 0xff) << 8) | ((x >> 8) & 0xff);
export const ntohs = htons;
export const htonl = (x: number): number => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
export const ntohl = htonl;

/** inet_aton(): numbers-and-dots (also a.b.c, a.b, a, hex and octal parts) to a host-order address, or null. */
export function inet_aton(cp: string): number | null {
  const parts = cp.split(".");
  if (parts.length < 1 || parts.length > 4) return null;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.test(p)) return null;
    nums.push(p.startsWith("0x") || p.startsWith("0X") ? Number.parseInt(p, 16) : p.length > 1 && p[0] === "0" ? Number.parseInt(p, 8) : Number(p));
  }
  const last = nums.pop()!;
  if (nums.some((n) => n > 255) || last >= 2 ** (8 * (4 - nums.length))) return null;
  let addr = 0;
  nums.forEach((n, i) => (addr |= n << (24 - 8 * i)));
  return (addr | last) >>> 0;
}

/** inet_pton(AF_INET): strict dotted quad to a host-order address, or null. */
export function inet_pton4(src: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(src);
  if (!m || m.slice(1).some((p) => Number(p) > 255 || (p.length > 1 && p[0] === "0"))) return null;
  return m.slice(1).reduce((a, p) => ((a << 8) | Number(p)) >>> 0, 0);
}

/** inet_ntoa(): a host-order address as a dotted quad. */
export function inet_ntoa(addr: number): string {
  return [24, 16, 8, 0].map((s) => (addr >>> s) & 0xff).join(".");
}
