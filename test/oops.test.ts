// A module bug (a thrown error, not an errno) becomes an ARM Oops: the calling process dies with
// SIGSEGV, the kernel is tainted D and keeps working.
import { describe, expect, it } from "vitest";
import { boot, sh } from "./helpers.js";
import { TAINT_DIE, TAINT_OOT_MODULE } from "../src/kernel/panic.js";

describe("Oops", () => {
  it("kills the reader of /proc/oops_demo and leaves a working, tainted kernel", async () => {
    const k = boot();
    expect((await sh(k, "insmod oops_demo")).code).toBe(0);
    const r = await sh(k, "cat /proc/oops_demo; echo status $?");
    const lines = r.console.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "8<--- cut here ---",
      "Unable to handle kernel NULL pointer dereference at virtual address 00000000",
      "[00000000] *pgd=00000000",
      "Internal error: Oops: 5 [#1] SMP ARM",
    ]);
    expect(lines).toContain("Modules linked in: oops_demo(O)");
    expect(lines.find((l) => l.startsWith("PC is at "))).toBe("PC is at oops_demo_read+0x14/0x2c [oops_demo]");
    expect(lines.find((l) => l.startsWith("CPU: 0 PID: "))).toMatch(/^CPU: 0 PID: \d+ Comm: cat Tainted: G           O      5\.15\.0 #1$/);
    expect(r.stdout).toBe("status 139\n");
    expect(r.stderr).toBe("Segmentation fault\n");
    expect(k.tainted).toBe((1 << TAINT_OOT_MODULE) | (1 << TAINT_DIE));
    const after = await sh(k, "cat /proc/sys/kernel/tainted; lsmod; rmmod oops_demo && echo removed");
    expect(after.output).toBe("4224\nModule                  Size  Used by    Tainted: G  \noops_demo              16384  0 \nremoved\n");
  });

  it("counts Oopses and says D in the taint of the next one", async () => {
    const k = boot();
    await sh(k, "insmod oops_demo");
    await sh(k, "cat /proc/oops_demo");
    const r = await sh(k, "cat /proc/oops_demo");
    expect(r.console).toContain("Internal error: Oops: 5 [#2] SMP ARM");
    expect(r.console).toMatch(/Comm: cat Tainted: G      D    O      5\.15\.0/);
  });
});
