import { describe, it, expect } from "vitest";
import {
  createDmesgFormatter,
  FACILITY_NAMES,
  formatRecords,
  LEVEL_NAMES,
  parseConsoleLevel,
  parseFacilityList,
  parseKmsgRecord,
  parseLevelList,
  type DmesgOptions,
  type KmsgRecord,
} from "../src/user/util-linux/dmesg_format.js";

const BOOT = Date.UTC(2024, 2, 5, 10, 11, 0); // Tue Mar  5 10:11:00 2024 UTC

function opts(o: Partial<DmesgOptions> = {}): DmesgOptions {
  return {
    decode: false,
    raw: false,
    time: "default",
    levels: null,
    facilities: null,
    color: false,
    bootEpochMs: BOOT,
    tz: "UTC",
    ...o,
  };
}

function rec(prio: number, tsUsec: number, text: string, seq = 0): KmsgRecord {
  return { prio, seq, tsUsec, flags: "-", text };
}

const ESC = "\x1b";

describe("parseKmsgRecord", () => {
  it("splits the header and message", () => {
    expect(parseKmsgRecord("5,0,0,-;Linux version 5.15.0-91-generic\n")).toEqual({
      prio: 5,
      seq: 0,
      tsUsec: 0,
      flags: "-",
      text: "Linux version 5.15.0-91-generic",
    });
    expect(parseKmsgRecord("14,1234,1234567,c;hello")).toEqual({
      prio: 14,
      seq: 1234,
      tsUsec: 1234567,
      flags: "c",
      text: "hello",
    });
  });

  it("ignores optional header fields and keeps ';' inside the message", () => {
    expect(parseKmsgRecord("6,3,10,-,caller=T42;a;b")?.text).toBe("a;b");
  });

  it("ignores dictionary continuation lines", () => {
    const r = parseKmsgRecord("6,7,0,-;e1000e 0000:00:19.0 eth0: link up\n SUBSYSTEM=net\n DEVICE=n2\n");
    expect(r?.text).toBe("e1000e 0000:00:19.0 eth0: link up");
  });

  it("decodes \\xNN escapes", () => {
    expect(parseKmsgRecord("6,1,0,-;first\\x0asecond")?.text).toBe("first\nsecond");
    expect(parseKmsgRecord("6,1,0,-;back\\x5cslash")?.text).toBe("back\\slash");
    expect(parseKmsgRecord("6,1,0,-;caf\\xc3\\xa9")?.text).toBe("café");
    expect(parseKmsgRecord("6,1,0,-;\\x1b[31m")?.text).toBe("\x1b[31m");
    expect(parseKmsgRecord("6,1,0,-;not \\xZZ or \\x4")?.text).toBe("not \\xZZ or \\x4");
  });

  it("keeps bytes that are not UTF-8 so they can be printed back as \\xNN", () => {
    const r = parseKmsgRecord("6,1,0,-;bad \\xff byte")!;
    expect(formatRecords([r], opts({ time: "none" }))).toBe("bad \\xff byte\n");
  });

  it("returns null for malformed lines", () => {
    expect(parseKmsgRecord("")).toBeNull();
    expect(parseKmsgRecord("garbage")).toBeNull();
    expect(parseKmsgRecord("6,1,0-;no flags field")).toBeNull();
    expect(parseKmsgRecord("6,1,0,-")).toBeNull();
    expect(parseKmsgRecord("x,1,0,-;bad prio")).toBeNull();
    expect(parseKmsgRecord("6,1,-5,-;negative ts")).toBeNull();
    expect(parseKmsgRecord(" SUBSYSTEM=net")).toBeNull();
  });
});

describe("formatRecords: timestamps", () => {
  it("prints the default [%5ld.%06ld] timestamp", () => {
    const out = formatRecords(
      [rec(5, 0, "Linux version 5.15.0"), rec(6, 680141, "x"), rec(6, 123456789012, "late")],
      opts(),
    );
    expect(out).toBe("[    0.000000] Linux version 5.15.0\n[    0.680141] x\n[123456.789012] late\n");
  });

  it("-t prints no timestamp", () => {
    expect(formatRecords([rec(6, 1234567, "hello")], opts({ time: "none" }))).toBe("hello\n");
    expect(formatRecords([rec(6, 1234567, "hello")], opts({ time: "notime" }))).toBe("hello\n");
  });

  it("-T prints ctime in UTC from boot time plus the record's whole seconds", () => {
    const out = formatRecords([rec(6, 12_500_000, "a"), rec(6, 86_400_000_000 * 10, "b")], opts({ time: "ctime" }));
    expect(out).toBe("[Tue Mar  5 10:11:12 2024] a\n[Fri Mar 15 10:11:00 2024] b\n");
  });

  it("-d prints the timestamp and the delta to the previous record", () => {
    const recs = [rec(6, 1_000_000, "a"), rec(6, 1_500_000, "b"), rec(6, 3_000_000, "c")];
    expect(formatRecords(recs, opts({ time: "delta" }))).toBe(
      "[    1.000000 <    0.000000>] a\n" + "[    1.500000 <    0.500000>] b\n" + "[    3.000000 <    1.500000>] c\n",
    );
    expect(formatRecords(recs, opts({ time: "delta-only" }))).toBe(
      "[<    0.000000>] a\n[<    0.500000>] b\n[<    1.500000>] c\n",
    );
    expect(formatRecords(recs.slice(0, 2), opts({ time: "ctime-delta" }))).toBe(
      "[Tue Mar  5 10:11:01 2024 <    0.000000>] a\n[Tue Mar  5 10:11:01 2024 <    0.500000>] b\n",
    );
  });

  it("-d keeps the previous time unset while records sit at 0.000000 (timerisset)", () => {
    const recs = [rec(6, 0, "a"), rec(6, 0, "b"), rec(6, 1_500_000, "c"), rec(6, 2_000_000, "d")];
    expect(formatRecords(recs, opts({ time: "delta-only" }))).toBe(
      "[<    0.000000>] a\n[<    0.000000>] b\n[<    0.000000>] c\n[<    0.500000>] d\n",
    );
  });

  it("-e prints a minute break line, then +deltas", () => {
    const recs = [
      rec(6, 1_000_000, "a"), // 10:11:01
      rec(6, 1_000_123, "b"),
      rec(6, 20_000_123, "c"), // +19s, same minute
      rec(6, 61_000_000, "d"), // 10:12:01
    ];
    expect(formatRecords(recs, opts({ time: "reltime" }))).toBe(
      "[Mar 5 10:11] a\n[  +0.000123] b\n[ +19.000000] c\n[Mar 5 10:12] d\n",
    );
  });

  it("-e uses %b%e, which leaves no space before a two-digit day", () => {
    const out = formatRecords([rec(6, 0, "a")], opts({ time: "reltime", bootEpochMs: Date.UTC(2024, 2, 15, 8, 0) }));
    expect(out).toBe("[Mar15 08:00] a\n");
  });

  it("--time-format iso", () => {
    expect(formatRecords([rec(6, 12_500_000, "a")], opts({ time: "iso" }))).toBe("2024-03-05T10:11:12,500000+00:00 a\n");
  });
});

describe("formatRecords: prefixes and filters", () => {
  it("-x prints facility and level before the timestamp", () => {
    expect(formatRecords([rec(6, 1_234_567, "text")], opts({ decode: true }))).toBe(
      "kern  :info  : [    1.234567] text\n",
    );
    expect(formatRecords([rec((10 << 3) | 4, 0, "t")], opts({ decode: true, time: "none" }))).toBe("authpriv:warn  : t\n");
    expect(formatRecords([rec((1 << 3) | 5, 0, "t")], opts({ decode: true, time: "none" }))).toBe("user  :notice: t\n");
  });

  it("-x leaves out the prefix for facilities dmesg has no name for", () => {
    expect(formatRecords([rec((12 << 3) | 6, 0, "t")], opts({ decode: true }))).toBe("[    0.000000] t\n");
  });

  it("-r prints <prio> and the default timestamp, no decode", () => {
    expect(formatRecords([rec(6, 1_234_567, "text")], opts({ raw: true, time: "ctime" }))).toBe(
      "<6>[    1.234567] text\n",
    );
    expect(formatRecords([rec(0, 0, "x")], opts({ raw: true }))).toBe("<0>[    0.000000] x\n");
  });

  it("-r ORs the unshifted facility into the level (glibc LOG_MAKEPRI, util-linux #2325)", () => {
    expect(formatRecords([rec((1 << 3) | 6, 0, "x")], opts({ raw: true }))).toBe("<7>[    0.000000] x\n");
  });

  it("-l keeps only the listed levels", () => {
    const recs = [0, 1, 2, 3, 4, 5, 6, 7].map((l) => rec(l, l * 1_000_000, LEVEL_NAMES[l]!));
    const levels = parseLevelList("err,warn");
    expect(levels).toEqual(new Set([3, 4]));
    expect(formatRecords(recs, opts({ levels: levels as Set<number> }))).toBe(
      "[    3.000000] err\n[    4.000000] warn\n",
    );
  });

  it("-f keeps only the listed facilities", () => {
    const recs = [rec(6, 0, "kernel"), rec((1 << 3) | 6, 0, "user"), rec((3 << 3) | 6, 0, "daemon")];
    expect(formatRecords(recs, opts({ facilities: new Set([1, 3]), time: "none" }))).toBe("user\ndaemon\n");
  });

  it("filters reject records whose facility is out of range", () => {
    const r = rec((40 << 3) | 3, 0, "odd");
    expect(formatRecords([r], opts({ levels: new Set([3]) }))).toBe("");
    expect(formatRecords([r], opts())).toBe("[    0.000000] odd\n");
  });

  it("an empty message prints an empty line without a timestamp", () => {
    expect(formatRecords([rec(6, 5, ""), rec(6, 6, "x")], opts({ decode: true }))).toBe(
      "\nkern  :info  : [    0.000006] x\n",
    );
  });
});

describe("formatRecords: message text", () => {
  it("indents the lines of a multi-line record under the timestamp", () => {
    const r = parseKmsgRecord("4,9,100,-;first line\\x0asecond line\\x0athird")!;
    expect(formatRecords([r], opts())).toBe(
      "[    0.000100] first line\n               second line\n               third\n",
    );
    expect(formatRecords([r], opts({ decode: true, time: "none" }))).toBe(
      "kern  :warn  : first line\n               second line\n               third\n",
    );
  });

  it("prints embedded newlines raw when there is no prefix", () => {
    expect(formatRecords([rec(6, 0, "a\nb")], opts({ time: "none" }))).toBe("a\nb\n");
  });

  it("does not indent after a trailing newline", () => {
    expect(formatRecords([rec(6, 0, "a\n")], opts())).toBe("[    0.000000] a\n\n");
  });

  it("re-escapes control characters and keeps printable UTF-8", () => {
    const r = parseKmsgRecord("6,1,0,-;esc \\x1b[31m tab\\x09 nul\\x00 del\\x7f caf\\xc3\\xa9 c1\\xc2\\x85")!;
    expect(formatRecords([r], opts({ time: "none" }))).toBe("esc \\x1b[31m tab\t nul\\x00 del\\x7f café c1\\xc2\\x85\n");
  });
});

describe("formatRecords: colours", () => {
  it("matches util-linux tests/expected/dmesg/colors (-x -L=always)", () => {
    const recs = [0, 1, 2, 3, 4, 5, 6, 7].map((l) => rec(l, l ** 3 * 1_000_000, `example[${l}]`));
    const expected = [
      "kern  :emerg : ^[[32m[    0.000000] ^[[0mexample[0]",
      "kern  :alert : ^[[32m[    1.000000] ^[[0m^[[7m^[[31mexample[1]^[[0m",
      "kern  :crit  : ^[[32m[    8.000000] ^[[0m^[[1m^[[31mexample[2]^[[0m",
      "kern  :err   : ^[[32m[   27.000000] ^[[0m^[[31mexample[3]^[[0m",
      "kern  :warn  : ^[[32m[   64.000000] ^[[0m^[[1mexample[4]^[[0m",
      "kern  :notice: ^[[32m[  125.000000] ^[[0mexample[5]",
      "kern  :info  : ^[[32m[  216.000000] ^[[0mexample[6]",
      "kern  :debug : ^[[32m[  343.000000] ^[[0mexample[7]",
    ]
      .map((l) => l.replaceAll("^[", ESC) + "\n")
      .join("");
    expect(formatRecords(recs, opts({ decode: true, color: true }))).toBe(expected);
  });

  it("colours only the subsystem name, then ': rest' in the level colour (2.37 get_subsys_delimiter)", () => {
    expect(formatRecords([rec(4, 0, "socket_demo: warning text")], opts({ color: true }))).toBe(
      `${ESC}[32m[    0.000000] ${ESC}[0m${ESC}[33msocket_demo${ESC}[0m${ESC}[1m: warning text${ESC}[0m\n`,
    );
    expect(formatRecords([rec(6, 0, "Command line: console=ttyS0")], opts({ color: true, time: "none" }))).toBe(
      `${ESC}[33mCommand line${ESC}[0m: console=ttyS0\n`,
    );
  });

  it("needs a blank after the ':' and skips colons that lack one", () => {
    expect(formatRecords([rec(6, 0, "pci 0000:00:1f.0: [8086:2918] type 00")], opts({ color: true, time: "none" }))).toBe(
      `${ESC}[33mpci 0000:00:1f.0${ESC}[0m: [8086:2918] type 00\n`,
    );
    expect(formatRecords([rec(6, 0, "no delimiter:")], opts({ color: true, time: "none" }))).toBe("no delimiter:\n");
  });

  it("colours 'segfault at' messages that have no level colour", () => {
    const text = "a.out[1234]: segfault at 0 ip 0000000000401126 sp 00007ffd error 6";
    expect(formatRecords([rec(6, 0, text)], opts({ color: true, time: "none" }))).toBe(
      `${ESC}[33ma.out[1234]${ESC}[0m${ESC}[2m${ESC}[31m: segfault at 0 ip 0000000000401126 sp 00007ffd error 6${ESC}[0m\n`,
    );
    expect(formatRecords([rec(3, 0, "x segfault at 0")], opts({ color: true, time: "none" }))).toBe(
      `${ESC}[31mx segfault at 0${ESC}[0m\n`,
    );
  });

  it("uses the timebreak colour for -e break lines", () => {
    const out = formatRecords([rec(6, 1_000_000, "a"), rec(6, 1_500_000, "b")], opts({ color: true, time: "reltime" }));
    expect(out).toBe(`${ESC}[32m${ESC}[1m[Mar 5 10:11] ${ESC}[0ma\n${ESC}[32m[  +0.500000] ${ESC}[0mb\n`);
  });

  it("colours the raw timestamp too", () => {
    expect(formatRecords([rec(3, 0, "x")], opts({ color: true, raw: true }))).toBe(
      `${ESC}[32m<3>[    0.000000] ${ESC}[0m${ESC}[31mx${ESC}[0m\n`,
    );
  });
});

describe("createDmesgFormatter", () => {
  it("carries delta state across calls, as one --follow run does", () => {
    const f = createDmesgFormatter(opts({ time: "delta-only" }));
    expect(f.format(rec(6, 1_000_000, "a"))).toBe("[<    0.000000>] a\n");
    expect(f.format(rec(6, 3_250_000, "b"))).toBe("[<    2.250000>] b\n");
  });
});

describe("option arguments", () => {
  it("names", () => {
    expect(LEVEL_NAMES).toEqual(["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"]);
    expect(FACILITY_NAMES).toEqual([
      "kern",
      "user",
      "mail",
      "daemon",
      "auth",
      "syslog",
      "lpr",
      "news",
      "uucp",
      "cron",
      "authpriv",
      "ftp",
    ]);
  });

  it("parseLevelList", () => {
    expect(parseLevelList("err,warn")).toEqual(new Set([3, 4]));
    expect(parseLevelList("3,4")).toEqual(new Set([3, 4]));
    expect(parseLevelList("EMERG,7")).toEqual(new Set([0, 7]));
    expect(parseLevelList("")).toEqual(new Set());
    expect(parseLevelList("foo")).toEqual({ error: "unknown level 'foo'" });
    expect(parseLevelList("err,foo")).toEqual({ error: "unknown level 'foo'" });
    expect(parseLevelList("foo,err")).toEqual({ error: "unknown level 'foo,err'" });
    expect(parseLevelList("8")).toEqual({ error: "unknown level '8'" });
    expect(parseLevelList("3x")).toEqual({ error: "unknown level '3x'" });
    expect(parseLevelList("warning")).toEqual({ error: "unknown level 'warning'" });
    expect(parseLevelList("err,")).toEqual({ error: "unknown level 'err,'" });
    expect(parseLevelList("err,,warn")).toEqual({ error: "" });
    expect(parseLevelList("99999999999999999999")).toEqual({
      error: "failed to parse level '99999999999999999999': Numerical result out of range",
    });
  });

  it("parseFacilityList", () => {
    expect(parseFacilityList("kern,user")).toEqual(new Set([0, 1]));
    expect(parseFacilityList("authpriv,11")).toEqual(new Set([10, 11]));
    expect(parseFacilityList("12")).toEqual({ error: "unknown facility '12'" });
    expect(parseFacilityList("local0")).toEqual({ error: "unknown facility 'local0'" });
  });

  it("parseConsoleLevel", () => {
    expect(parseConsoleLevel("err")).toBe(4);
    expect(parseConsoleLevel("emerg")).toBe(1);
    expect(parseConsoleLevel("Debug")).toBe(8);
    expect(parseConsoleLevel("1")).toBe(1);
    expect(parseConsoleLevel("8")).toBe(8);
    expect(parseConsoleLevel("0")).toEqual({ error: "unknown level '0'" });
    expect(parseConsoleLevel("9")).toEqual({ error: "unknown level '9'" });
    expect(parseConsoleLevel("foo")).toEqual({ error: "unknown level 'foo'" });
    expect(parseConsoleLevel("")).toEqual({ error: "unknown level ''" });
  });
});
