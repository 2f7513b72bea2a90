// printk: levels, console filtering, KERN_CONT, newline rules, /dev/kmsg records and pr_fmt.
import { describe, expect, it } from "vitest";
import { boot, run } from "./helpers.js";
import { run_as } from "../src/kernel/sched/task.js";
import { printk, pr_helpers } from "../src/kernel/printk/printk.js";
import { kmsg_record } from "../src/kernel/printk/devkmsg.js";
import type { Kernel } from "../src/kernel/kernel.js";

function capture(k: Kernel, fn: () => void): string {
  let out = "";
  const con = { name: "test", write: (t: string) => void (out += t) };
  k.printk.register_console(con);
  run_as(k.init_task, fn);
  k.printk.unregister_console(con);
  return out;
}

describe("printk", () => {
  it("shows levels below console_loglevel 7 and keeps debug only in the log", () => {
    const k = boot();
    const first = k.printk.prb.last_seq;
    const out = capture(k, () => {
      printk("\x013err\n");
      printk("\x017debug\n");
      printk("no level\n");
    });
    expect(out).toBe("err\nno level\n");
    const recs = [first, first + 1, first + 2].map((s) => k.printk.prb.read(s)!);
    expect(recs.map((r) => [r.level, r.text])).toEqual([[3, "err"], [7, "debug"], [4, "no level"]]);
  });

  it("joins KERN_CONT pieces into one record and keeps embedded newlines as extra console lines", () => {
    const k = boot();
    const first = k.printk.prb.last_seq;
    const out = capture(k, () => {
      printk("\x016a");
      printk("\x01cb");
      printk("\x01cc\n");
      printk("\x016invalid ID: %s\n", "abc\n");
    });
    expect(out).toBe("abc\ninvalid ID: abc\n\n");
    expect(k.printk.prb.read(first)!.text).toBe("abc");
    expect(k.printk.prb.read(first + 1)!.text).toBe("invalid ID: abc\n");
  });

  it("formats /dev/kmsg records with \\xNN escapes", () => {
    const k = boot();
    run_as(k.init_task, () => printk("\x016tab\there\n"));
    const r = k.printk.prb.read(k.printk.prb.last_seq - 1)!;
    expect(kmsg_record(r)).toBe(`6,${r.seq},${Math.floor(r.ts_nsec / 1000)},-;tab\\x09here\n`);
  });

  it("prefixes pr_* messages with the module's pr_fmt", () => {
    const k = boot();
    const { pr_info, pr_err } = pr_helpers((fmt) => "mymod: " + fmt);
    expect(capture(k, () => (pr_info("up %d\n", 1), pr_err("down\n")))).toBe("mymod: up 1\nmymod: down\n");
  });

  it("honours /proc/sys/kernel/printk written from user space", async () => {
    const k = boot();
    const r = await run(k, ["sh", "-c", "cat /proc/sys/kernel/printk; echo 4 > /proc/sys/kernel/printk; cat /proc/sys/kernel/printk"]);
    expect(r.stdout).toBe("7\t4\t1\t7\n4\t4\t1\t7\n");
    expect(capture(k, () => (printk("\x014warn\n"), printk("\x013err\n")))).toBe("err\n");
  });
});
