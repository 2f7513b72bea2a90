// Mirrors libpcap 1.10 sf-pcap.c (with the magic-number read of savefile.c's
// pcap_fopen_offline_with_tstamp_precision): the classic pcap savefile. A file is a 24-byte
// struct pcap_file_header followed by records of a 16-byte struct pcap_sf_pkthdr and caplen bytes,
// every field in the writer's byte order. kplay writes little-endian (the ARM target's order) and
// reads both orders, microsecond (0xa1b2c3d4) and nanosecond (0xa1b23c4d) files. Error texts are
// libpcap's, which tcpdump prints after "tcpdump: ".
import {
  linktype_to_dlt, max_snaplen_for_dlt, pcap_adjust_snapshot, PCAP_TSTAMP_PRECISION_MICRO, PCAP_TSTAMP_PRECISION_NANO,
  PCAP_VERSION_MAJOR, PCAP_VERSION_MINOR, type PcapPkthdr,
} from "./pcap.js";

export const TCPDUMP_MAGIC = 0xa1b2c3d4;
/** Alexey Kuznetzov's patched format: 8 more bytes per record header. */
export const KUZNETZOV_TCPDUMP_MAGIC = 0xa1b2cd34;
export const NSEC_TCPDUMP_MAGIC = 0xa1b23c4d;
/** sizeof(struct pcap_file_header) */
export const PCAP_FILE_HEADER_SIZE = 24;
/** sizeof(struct pcap_sf_pkthdr) */
export const PCAP_SF_PKTHDR_SIZE = 16;
/** sizeof(struct pcap_sf_patched_pkthdr) */
const PCAP_SF_PATCHED_PKTHDR_SIZE = 24;

/** LT_LINKTYPE(): the link type without the upper 6 bits of extra information. */
const LT_LINKTYPE = (x: number): number => x & 0x03ffffff;

/**
 * sf_write_header(): the 24-byte global header a dump file starts with (version 2.4, thiszone 0,
 * sigfigs 0), little-endian; `precision` NANO writes the nanosecond magic.
 */
export function pcap_dump_file_header(snaplen: number, linktype: number, precision = PCAP_TSTAMP_PRECISION_MICRO): Uint8Array {
  const b = new Uint8Array(PCAP_FILE_HEADER_SIZE);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, precision === PCAP_TSTAMP_PRECISION_NANO ? NSEC_TCPDUMP_MAGIC : TCPDUMP_MAGIC, true);
  dv.setUint16(4, PCAP_VERSION_MAJOR, true);
  dv.setUint16(6, PCAP_VERSION_MINOR, true);
  dv.setInt32(8, 0, true);
  dv.setUint32(12, 0, true);
  dv.setUint32(16, snaplen, true);
  dv.setUint32(20, linktype, true);
  return b;
}

/** pcap_dump(): one record, the 16-byte header then h.caplen bytes of data. */
export function pcap_dump_record(h: PcapPkthdr, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(PCAP_SF_PKTHDR_SIZE + h.caplen);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, h.ts_sec >>> 0, true);
  dv.setUint32(4, h.ts_usec >>> 0, true);
  dv.setUint32(8, h.caplen, true);
  dv.setUint32(12, h.len, true);
  b.set(data.subarray(0, h.caplen), PCAP_SF_PKTHDR_SIZE);
  return b;
}

/** A record read back: its header (timestamps in the reader's precision) and its bytes. */
export interface PcapRecord {
  hdr: PcapPkthdr;
  data: Uint8Array;
}

/** An open savefile (the offline pcap_t). */
export interface PcapOffline {
  /** DLT_ of the file's link type */
  linktype: number;
  /** The upper 6 bits of the file's link-type field. */
  linktype_ext: number;
  snaplen: number;
  version_major: number;
  version_minor: number;
  /** The file was written in the other byte order. */
  swapped: boolean;
  /** What ts_usec holds in records returned by next(): PCAP_TSTAMP_PRECISION_MICRO or _NANO. */
  tstamp_precision: number;
  /** pcap_next_packet(): the next record, null at the end of the file, or libpcap's error text. */
  next(): PcapRecord | null | string;
}

/**
 * pcap_open_offline over the bytes of a whole file: the open savefile, or libpcap's error text.
 * Timestamps come back in `precision` (microseconds unless NANO), scaled as libpcap scales them.
 */
export function pcap_open_offline_buf(buf: Uint8Array, precision = PCAP_TSTAMP_PRECISION_MICRO): PcapOffline | string {
  // savefile.c: read the magic number first; every format is known by its first 4 bytes.
  if (buf.length < 4) return `truncated dump file; tried to read 4 file header bytes, only got ${buf.length}`;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const known = (m: number): boolean => m === TCPDUMP_MAGIC || m === KUZNETZOV_TCPDUMP_MAGIC || m === NSEC_TCPDUMP_MAGIC;
  let le = true;
  let magic = dv.getUint32(0, true);
  if (!known(magic)) {
    magic = dv.getUint32(0, false);
    // Neither order: not a pcap file, and kplay reads no other format.
    if (!known(magic)) return "unknown file format";
    le = false;
  }
  // pcap_check_header(): the rest of the header, reported as a read of the whole struct.
  if (buf.length < PCAP_FILE_HEADER_SIZE) {
    return `truncated dump file; tried to read ${PCAP_FILE_HEADER_SIZE} file header bytes, only got ${buf.length - 4}`;
  }
  const version_major = dv.getUint16(4, le);
  const version_minor = dv.getUint16(6, le);
  const snaplen_field = dv.getUint32(16, le);
  const linktype_field = dv.getUint32(20, le);
  if (version_major < PCAP_VERSION_MAJOR) return "archaic pcap savefile format";
  if (!((version_major === PCAP_VERSION_MAJOR && version_minor <= PCAP_VERSION_MINOR) || (version_major === 543 && version_minor === 0))) {
    return `unsupported pcap savefile version ${version_major}.${version_minor}`;
  }
  const linktype = linktype_to_dlt(LT_LINKTYPE(linktype_field));
  const snaplen = pcap_adjust_snapshot(linktype, snaplen_field);
  const scale = precision === PCAP_TSTAMP_PRECISION_NANO ? (magic === NSEC_TCPDUMP_MAGIC ? 1 : 1000) : magic === NSEC_TCPDUMP_MAGIC ? 1 / 1000 : 1;
  // Files before 2.3 (and DG/UX's 543.0) store len before caplen; 2.3 files may do either.
  const lengths_swapped = version_major === 2 ? (version_minor < 3 ? "swapped" : version_minor === 3 ? "maybe" : "no") : version_major === 543 ? "swapped" : "no";
  const hdrsize = magic === KUZNETZOV_TCPDUMP_MAGIC ? PCAP_SF_PATCHED_PKTHDR_SIZE : PCAP_SF_PKTHDR_SIZE;
  let off = PCAP_FILE_HEADER_SIZE;

  const next = (): PcapRecord | null | string => {
    const left = buf.length - off;
    if (left === 0) return null;
    if (left < hdrsize) {
      off = buf.length;
      return `truncated dump file; tried to read ${hdrsize} header bytes, only got ${left}`;
    }
    const hdr: PcapPkthdr = {
      ts_sec: dv.getUint32(off, le),
      ts_usec: Math.floor(dv.getUint32(off + 4, le) * scale),
      caplen: dv.getUint32(off + 8, le),
      len: dv.getUint32(off + 12, le),
    };
    off += hdrsize;
    if (lengths_swapped === "swapped" || (lengths_swapped === "maybe" && hdr.caplen > hdr.len)) [hdr.caplen, hdr.len] = [hdr.len, hdr.caplen];
    if (hdr.caplen > max_snaplen_for_dlt(linktype)) {
      off = buf.length;
      return hdr.caplen > snaplen
        ? `invalid packet capture length ${hdr.caplen}, bigger than snaplen of ${snaplen}`
        : `invalid packet capture length ${hdr.caplen}, bigger than maximum of ${max_snaplen_for_dlt(linktype)}`;
    }
    const avail = buf.length - off;
    if (hdr.caplen > snaplen) {
      // A record longer than the file's snaplen: keep the first snaplen bytes, skip the rest.
      if (avail < hdr.caplen) {
        off = buf.length;
        return avail < snaplen
          ? `truncated dump file; tried to read ${snaplen} captured bytes, only got ${avail}`
          : `truncated dump file; tried to read ${hdr.caplen} captured bytes, only got ${avail}`;
      }
      const data = buf.slice(off, off + snaplen);
      off += hdr.caplen;
      hdr.caplen = snaplen;
      return { hdr, data };
    }
    if (avail < hdr.caplen) {
      off = buf.length;
      return `truncated dump file; tried to read ${hdr.caplen} captured bytes, only got ${avail}`;
    }
    const data = buf.slice(off, off + hdr.caplen);
    off += hdr.caplen;
    return { hdr, data };
  };

  return {
    linktype,
    linktype_ext: linktype_field & 0xfc000000,
    snaplen,
    version_major,
    version_minor,
    swapped: !le,
    tstamp_precision: precision,
    next,
  };
}
