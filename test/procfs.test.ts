// procfs permissions (kernel-core-facts §11): root may open a 0444 file for writing and its write
// handler runs; a file without a write handler gives EIO; non-root gets EACCES at open.
import { describe, expect, it } from "vitest";
import { boot, sh, USER } from "./helpers.js";
import { run_as } from "../src/kernel/sched/task.js";
import { proc_create, type ProcOps } from "../src/fs/proc/generic.js";
import { EINVAL } from "../src/include/uapi/errno.js";
import type { Kernel } from "../src/kernel/kernel.js";

function make(k: Kernel, name: string, mode: number, ops: ProcOps): void {
  run_as(k.init_task, () => proc_create(name, mode, null, ops));
}

describe("procfs", () => {
  it("lets root write a 0444 file that has a write handler", async () => {
    const k = boot();
    let got = "";
    make(k, "w444", 0o444, { proc_write: (_f, buf, count) => ((got = new TextDecoder().decode(buf.buf!.subarray(buf.off, buf.off + count))), count) });
    const r = await sh(k, "echo 42 > /proc/w444; echo $?");
    expect(r.output).toBe("0\n");
    expect(got).toBe("42\n");
  });

  it("gives EIO for a missing handler and EACCES to non-root", async () => {
    const k = boot();
    make(k, "ro", 0o444, { proc_read: () => 0 });
    expect((await sh(k, "echo 1 > /proc/ro")).stderr).toBe("sh: write error: Input/output error\n");
    expect((await sh(k, "echo 1 > /proc/ro", { cred: USER })).stderr).toBe("sh: can't create /proc/ro: Permission denied\n");
    make(k, "wo", 0o200, { proc_write: (_f, _b, c) => c });
    expect((await sh(k, "cat /proc/wo")).stderr).toBe("cat: read error: Input/output error\n");
  });

  it("passes a read handler's errno to cat", async () => {
    const k = boot();
    make(k, "einval", 0o444, { proc_read: () => -EINVAL });
    const r = await sh(k, "cat /proc/einval");
    expect(r.stderr).toBe("cat: read error: Invalid argument\n");
    expect(r.code).toBe(1);
  });

  it("lists modules, uptime and version", async () => {
    const k = boot();
    const r = await sh(k, "insmod ida_demo >/dev/null; cat /proc/modules; cat /proc/uptime; cat /proc/sys/kernel/tainted /proc/sys/kernel/osrelease");
    expect(r.stdout).toMatch(/^ida_demo 16384 0 - Live 0xbf000000 \(O\)\n\d+\.\d\d \d+\.\d\d\n4096\n5\.15\.0\n$/);
  });

  it("shows a non-root reader zero addresses in /proc/modules", async () => {
    const k = boot();
    await sh(k, "insmod ida_demo");
    expect((await sh(k, "cat /proc/modules", { cred: USER })).stdout).toBe("ida_demo 16384 0 - Live 0x00000000 (O)\n");
  });
});
