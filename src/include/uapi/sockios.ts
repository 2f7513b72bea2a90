// Mirrors include/uapi/linux/sockios.h and the struct ifreq / struct ifconf of include/uapi/linux/if.h
// as laid out on 32-bit ARM: an ifreq is 32 bytes, a 16-byte name then a 16-byte union (a struct
// sockaddr, a short of flags, an int for mtu/metric/ifindex/qlen, or a struct ifmap of 16 bytes:
// unsigned long mem_start, mem_end; unsigned short base_addr; unsigned char irq, dma, port).
// Little-endian, as armv7l runs; the addresses inside sockaddr_in are in network order.

/** SIOCINQ and SIOCOUTQ are FIONREAD and TIOCOUTQ (include/uapi/asm-generic/ioctls.h); their argument is an int. */
export const SIOCINQ = 0x541b;
export const SIOCOUTQ = 0x5411;
/** SIOCGSTAMP_OLD: the last packet's time as a struct timeval (32-bit fields on ARM). */
export const SIOCGSTAMP_OLD = 0x8906;

export const SIOCADDRT = 0x890b;
export const SIOCDELRT = 0x890c;
export const SIOCRTMSG = 0x890d;

export const SIOCGIFNAME = 0x8910;
export const SIOCSIFLINK = 0x8911;
export const SIOCGIFCONF = 0x8912;
export const SIOCGIFFLAGS = 0x8913;
export const SIOCSIFFLAGS = 0x8914;
export const SIOCGIFADDR = 0x8915;
export const SIOCSIFADDR = 0x8916;
export const SIOCGIFDSTADDR = 0x8917;
export const SIOCSIFDSTADDR = 0x8918;
export const SIOCGIFBRDADDR = 0x8919;
export const SIOCSIFBRDADDR = 0x891a;
export const SIOCGIFNETMASK = 0x891b;
export const SIOCSIFNETMASK = 0x891c;
export const SIOCGIFMETRIC = 0x891d;
export const SIOCSIFMETRIC = 0x891e;
export const SIOCGIFMEM = 0x891f;
export const SIOCSIFMEM = 0x8920;
export const SIOCGIFMTU = 0x8921;
export const SIOCSIFMTU = 0x8922;
export const SIOCSIFNAME = 0x8923;
export const SIOCSIFHWADDR = 0x8924;
export const SIOCGIFENCAP = 0x8925;
export const SIOCSIFENCAP = 0x8926;
export const SIOCGIFHWADDR = 0x8927;
export const SIOCGIFSLAVE = 0x8929;
export const SIOCSIFSLAVE = 0x8930;
export const SIOCADDMULTI = 0x8931;
export const SIOCDELMULTI = 0x8932;
export const SIOCGIFINDEX = 0x8933;
export const SIOCSIFPFLAGS = 0x8934;
export const SIOCGIFPFLAGS = 0x8935;
export const SIOCDIFADDR = 0x8936;
export const SIOCSIFHWBROADCAST = 0x8937;
export const SIOCGIFCOUNT = 0x8938;
export const SIOCGIFBR = 0x8940;
export const SIOCSIFBR = 0x8941;
export const SIOCGIFTXQLEN = 0x8942;
export const SIOCSIFTXQLEN = 0x8943;
export const SIOCDARP = 0x8953;
export const SIOCGARP = 0x8954;
export const SIOCSARP = 0x8955;
export const SIOCGIFMAP = 0x8970;
export const SIOCSIFMAP = 0x8971;
export const SIOCDEVPRIVATE = 0x89f0;
export const SIOCPROTOPRIVATE = 0x89e0;

/** SOCK_IOC_TYPE: the _IOC_TYPE of every socket ioctl. */
export const SOCK_IOC_TYPE = 0x89;
/** is_socket_ioctl_cmd(cmd) */
export const is_socket_ioctl_cmd = (cmd: number): boolean => ((cmd >>> 8) & 0xff) === SOCK_IOC_TYPE;

export const IFNAMSIZ = 16;
/** sizeof(struct ifreq) on 32-bit. */
export const IFREQ_SIZE = 32;
/** offsetof(struct ifreq, ifr_ifru) */
export const IFR_UNION = 16;

/** struct ifconf: the buffer is a user array of ifreqs (null asks for the length needed). */
export interface Ifconf {
  ifc_len: number;
  ifc_buf: Uint8Array | null;
}

/** struct ifmap */
export interface Ifmap {
  mem_start: number;
  mem_end: number;
  base_addr: number;
  irq: number;
  dma: number;
  port: number;
}

export const ifreq_alloc = (): Uint8Array => new Uint8Array(IFREQ_SIZE);

const dv = (ifr: Uint8Array): DataView => new DataView(ifr.buffer, ifr.byteOffset, ifr.byteLength);

/** ifr_name, up to the first NUL. */
export function ifr_name_get(ifr: Uint8Array): string {
  let end = 0;
  while (end < IFNAMSIZ && ifr[end] !== 0) end++;
  return new TextDecoder().decode(ifr.subarray(0, end));
}

/** strncpy(ifr.ifr_name, name, IFNAMSIZ) */
export function ifr_name_set(ifr: Uint8Array, name: string): void {
  const b = new TextEncoder().encode(name);
  ifr.fill(0, 0, IFNAMSIZ);
  ifr.set(b.subarray(0, IFNAMSIZ), 0);
}

/** ifr_flags (short) */
export const ifr_flags_get = (ifr: Uint8Array): number => dv(ifr).getInt16(IFR_UNION, true);
export const ifr_flags_set = (ifr: Uint8Array, v: number): void => dv(ifr).setInt16(IFR_UNION, (v << 16) >> 16, true);

/** ifr_ivalue / ifr_mtu / ifr_metric / ifr_ifindex / ifr_qlen (int) */
export const ifr_int_get = (ifr: Uint8Array): number => dv(ifr).getInt32(IFR_UNION, true);
export const ifr_int_set = (ifr: Uint8Array, v: number): void => dv(ifr).setInt32(IFR_UNION, v | 0, true);

/** ifr_addr.sa_family (and ifr_hwaddr.sa_family) */
export const ifr_family_get = (ifr: Uint8Array): number => dv(ifr).getUint16(IFR_UNION, true);

/** ifr_addr as a sockaddr_in: family, port 0, address in network order (given in host order). */
export function ifr_addr_set(ifr: Uint8Array, family: number, addr: number): void {
  ifr.fill(0, IFR_UNION, IFREQ_SIZE);
  const d = dv(ifr);
  d.setUint16(IFR_UNION, family, true);
  d.setUint32(IFR_UNION + 4, addr >>> 0, false);
}

/** The sin_addr of ifr_addr, in host order. */
export const ifr_addr_get = (ifr: Uint8Array): number => dv(ifr).getUint32(IFR_UNION + 4, false);

/** ifr_hwaddr: sa_family, then sa_data[14]. */
export function ifr_hwaddr_set(ifr: Uint8Array, family: number, data: Uint8Array): void {
  ifr.fill(0, IFR_UNION, IFREQ_SIZE);
  dv(ifr).setUint16(IFR_UNION, family, true);
  ifr.set(data.subarray(0, 14), IFR_UNION + 2);
}

export const ifr_hwaddr_data = (ifr: Uint8Array): Uint8Array => ifr.subarray(IFR_UNION + 2, IFR_UNION + 16);

export function ifr_map_set(ifr: Uint8Array, m: Ifmap): void {
  ifr.fill(0, IFR_UNION, IFREQ_SIZE);
  const d = dv(ifr);
  d.setUint32(IFR_UNION, m.mem_start >>> 0, true);
  d.setUint32(IFR_UNION + 4, m.mem_end >>> 0, true);
  d.setUint16(IFR_UNION + 8, m.base_addr, true);
  d.setUint8(IFR_UNION + 10, m.irq);
  d.setUint8(IFR_UNION + 11, m.dma);
  d.setUint8(IFR_UNION + 12, m.port);
}

export function ifr_map_get(ifr: Uint8Array): Ifmap {
  const d = dv(ifr);
  return {
    mem_start: d.getUint32(IFR_UNION, true),
    mem_end: d.getUint32(IFR_UNION + 4, true),
    base_addr: d.getUint16(IFR_UNION + 8, true),
    irq: d.getUint8(IFR_UNION + 10),
    dma: d.getUint8(IFR_UNION + 11),
    port: d.getUint8(IFR_UNION + 12),
  };
}
