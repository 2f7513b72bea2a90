// libpcap's savefile (sf-pcap.c, savefile.c of libpcap 1.10) and link-type table (pcap.c
// dlt_choices): the bytes kplay writes, what it reads back, and the error texts tcpdump prints.
import { describe, expect, it } from "vitest";
import {
  DLT_EN10MB, DLT_LINUX_SLL, DLT_NETLINK, LINKTYPE_ETHERNET, LINKTYPE_NETLINK, PCAP_TSTAMP_PRECISION_NANO,
  pcap_datalink_val_to_description, pcap_datalink_val_to_description_or_dlt, pcap_datalink_val_to_name, type PcapPkthdr,
} from "../src/user/libpcap/pcap.js";
import { pcap_dump_file_header, pcap_dump_record, pcap_open_offline_buf, type PcapOffline, type PcapRecord } from "../src/user/libpcap/sf-pcap.js";

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};

function open(buf: Uint8Array, precision?: number): PcapOffline {
  const p = pcap_open_offline_buf(buf, precision);
  if (typeof p === "string") throw new Error(p);
  return p;
}

function records(p: PcapOffline): (PcapRecord | string)[] {
  const out: (PcapRecord | string)[] = [];
  for (let r = p.next(); r !== null; r = p.next()) {
    out.push(r);
    if (typeof r === "string") break;
  }
  return out;
}

/** A file written by hand in either byte order, microsecond or nanosecond magic. */
function handmade(le: boolean, magic: number, recs: { h: PcapPkthdr; data: Uint8Array }[], snaplen = 65535, linktype = 1): Uint8Array {
  const head = new Uint8Array(24);
  const dv = new DataView(head.buffer);
  dv.setUint32(0, magic, le);
  dv.setUint16(4, 2, le);
  dv.setUint16(6, 4, le);
  dv.setUint32(16, snaplen, le);
  dv.setUint32(20, linktype, le);
  const parts = recs.map(({ h, data }) => {
    const r = new Uint8Array(16 + data.length);
    const rv = new DataView(r.buffer);
    rv.setUint32(0, h.ts_sec, le);
    rv.setUint32(4, h.ts_usec, le);
    rv.setUint32(8, h.caplen, le);
    rv.setUint32(12, h.len, le);
    r.set(data, 16);
    return r;
  });
  return cat(head, ...parts);
}

const frame = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

describe("link-type names", () => {
  it("spells the DLTs as libpcap's dlt table does", () => {
    expect(pcap_datalink_val_to_name(DLT_EN10MB)).toBe("EN10MB");
    expect(pcap_datalink_val_to_description(DLT_EN10MB)).toBe("Ethernet");
    expect(pcap_datalink_val_to_name(DLT_NETLINK)).toBe("NETLINK");
    expect(pcap_datalink_val_to_description(DLT_NETLINK)).toBe("Linux netlink");
    expect(pcap_datalink_val_to_name(DLT_LINUX_SLL)).toBe("LINUX_SLL");
    expect(pcap_datalink_val_to_description(DLT_LINUX_SLL)).toBe("Linux cooked v1");
    expect(pcap_datalink_val_to_name(4242)).toBeNull();
    expect(pcap_datalink_val_to_description_or_dlt(4242)).toBe("DLT 4242");
  });
});

describe("pcap writer", () => {
  it("writes the 24-byte global header little-endian, version 2.4", () => {
    const h = pcap_dump_file_header(262144, LINKTYPE_ETHERNET);
    expect(hex(h)).toBe("d4 c3 b2 a1 02 00 04 00 00 00 00 00 00 00 00 00 00 00 04 00 01 00 00 00");
    expect(hex(pcap_dump_file_header(65535, LINKTYPE_NETLINK, PCAP_TSTAMP_PRECISION_NANO)).slice(0, 11)).toBe("4d 3c b2 a1");
  });

  it("writes a record as a 16-byte header and caplen bytes", () => {
    const r = pcap_dump_record({ ts_sec: 0x01020304, ts_usec: 500000, caplen: 4, len: 10 }, frame);
    expect(hex(r)).toBe("04 03 02 01 20 a1 07 00 04 00 00 00 0a 00 00 00 01 02 03 04");
  });

  it("reads back what it wrote", () => {
    const hdrs: PcapPkthdr[] = [
      { ts_sec: 100, ts_usec: 1, caplen: 10, len: 10 },
      { ts_sec: 101, ts_usec: 999999, caplen: 3, len: 60 },
    ];
    const buf = cat(pcap_dump_file_header(262144, LINKTYPE_ETHERNET), ...hdrs.map((h) => pcap_dump_record(h, frame)));
    const p = open(buf);
    expect([p.linktype, p.snaplen, p.version_major, p.version_minor, p.swapped]).toEqual([DLT_EN10MB, 262144, 2, 4, false]);
    const got = records(p) as PcapRecord[];
    expect(got.map((r) => r.hdr)).toEqual(hdrs);
    expect(Array.from(got[0].data)).toEqual(Array.from(frame));
    expect(Array.from(got[1].data)).toEqual([1, 2, 3]);
    expect(p.next()).toBeNull();
  });
});

describe("pcap reader", () => {
  const rec = { h: { ts_sec: 7, ts_usec: 123456789, caplen: 10, len: 12 }, data: frame };

  it("reads a big-endian file", () => {
    const p = open(handmade(false, 0xa1b2c3d4, [{ h: { ...rec.h, ts_usec: 250 }, data: frame }], 1500, LINKTYPE_NETLINK));
    expect([p.linktype, p.snaplen, p.swapped]).toEqual([DLT_NETLINK, 1500, true]);
    const [r] = records(p) as PcapRecord[];
    expect(r.hdr).toEqual({ ts_sec: 7, ts_usec: 250, caplen: 10, len: 12 });
    expect(Array.from(r.data)).toEqual(Array.from(frame));
  });

  it("scales a nanosecond file to microseconds, or keeps nanoseconds when asked", () => {
    for (const le of [true, false]) {
      const buf = handmade(le, 0xa1b23c4d, [rec]);
      expect((records(open(buf))[0] as PcapRecord).hdr.ts_usec).toBe(123456);
      const nano = open(buf, PCAP_TSTAMP_PRECISION_NANO);
      expect(nano.tstamp_precision).toBe(PCAP_TSTAMP_PRECISION_NANO);
      expect((records(nano)[0] as PcapRecord).hdr.ts_usec).toBe(123456789);
    }
    // A microsecond file read at nanosecond precision is scaled up.
    const micro = open(handmade(true, 0xa1b2c3d4, [{ h: { ...rec.h, ts_usec: 5 }, data: frame }]), PCAP_TSTAMP_PRECISION_NANO);
    expect((records(micro)[0] as PcapRecord).hdr.ts_usec).toBe(5000);
  });

  it("takes a snaplen of 0 as the maximum, and cuts a record longer than the file's snaplen", () => {
    expect(open(handmade(true, 0xa1b2c3d4, [], 0)).snaplen).toBe(262144);
    const p = open(handmade(true, 0xa1b2c3d4, [rec, rec], 4));
    const got = records(p) as PcapRecord[];
    expect(got.length).toBe(2);
    expect(got[0].hdr.caplen).toBe(4);
    expect(Array.from(got[1].data)).toEqual([1, 2, 3, 4]);
  });

  it("gives libpcap's error texts", () => {
    const good = handmade(true, 0xa1b2c3d4, [rec]);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), "truncated dump file; tried to read 4 file header bytes, only got 0"],
      [good.slice(0, 3), "truncated dump file; tried to read 4 file header bytes, only got 3"],
      [good.slice(0, 14), "truncated dump file; tried to read 24 file header bytes, only got 10"],
      [new TextEncoder().encode("hello, this is not a capture"), "unknown file format"],
    ];
    for (const [buf, msg] of cases) expect(pcap_open_offline_buf(buf)).toBe(msg);
    const old = good.slice();
    new DataView(old.buffer).setUint16(4, 1, true);
    expect(pcap_open_offline_buf(old)).toBe("archaic pcap savefile format");
    const future = good.slice();
    new DataView(future.buffer).setUint16(6, 5, true);
    expect(pcap_open_offline_buf(future)).toBe("unsupported pcap savefile version 2.5");
  });

  it("reports a truncated or oversized record and stops", () => {
    const good = handmade(true, 0xa1b2c3d4, [rec]);
    const cut_header = open(good.slice(0, 24 + 9));
    expect(cut_header.next()).toBe("truncated dump file; tried to read 16 header bytes, only got 9");
    expect(cut_header.next()).toBeNull();
    expect(open(good.slice(0, 24 + 16 + 6)).next()).toBe("truncated dump file; tried to read 10 captured bytes, only got 6");
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(24 + 8, 300000, true);
    expect(open(huge).next()).toBe("invalid packet capture length 300000, bigger than snaplen of 65535");
    const big = handmade(true, 0xa1b2c3d4, [rec], 262144);
    new DataView(big.buffer).setUint32(24 + 8, 262145, true);
    expect(open(big).next()).toBe("invalid packet capture length 262145, bigger than snaplen of 262144");
  });
});
