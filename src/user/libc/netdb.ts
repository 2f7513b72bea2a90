// Mirrors glibc's "files" NSS source (nss/nss_files/files-hosts.c and files-service.c): lookups in
// the text of /etc/hosts and /etc/services, which the caller has read (kplay has no DNS to ask
// first). A line is words; "#" starts a comment. Names compare without case in hosts, with case in
// services, as glibc does.
import { inet_pton4 } from "./inet.js";

/** The words of each line that has any, comments removed. */
export function files_lines(text: string): string[][] {
  return text
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim().split(/\s+/).filter(Boolean))
    .filter((w) => w.length > 0);
}

/** gethostbyname() from /etc/hosts: the IPv4 address (host order) of the first line naming `name`, or null. */
export function hosts_byname(hosts: string, name: string): number | null {
  for (const [a, ...names] of files_lines(hosts)) {
    const addr = inet_pton4(a);
    if (addr !== null && names.some((n) => n.toLowerCase() === name.toLowerCase())) return addr;
  }
  return null;
}

/** gethostbyaddr() from /etc/hosts: the first name (h_name) of the first line with `addr`, or null. */
export function hosts_byaddr(hosts: string, addr: number): string | null {
  for (const [a, name] of files_lines(hosts)) if (name !== undefined && inet_pton4(a) === addr >>> 0) return name;
  return null;
}

/** getservbyname(name, proto) from /etc/services: the port (host order), or -1. */
export function services_byname(services: string, name: string, proto: string): number {
  for (const [sname, portproto, ...aliases] of files_lines(services)) {
    const m = /^(\d+)\/(\w+)$/.exec(portproto ?? "");
    if (m && m[2] === proto && (sname === name || aliases.includes(name))) return Number(m[1]) & 0xffff;
  }
  return -1;
}
