import { describe, expect, it } from "vitest";
import {
  DEFINE_IDA,
  DEFINE_IDR,
  GFP_KERNEL,
  IDA_BITMAP_BITS,
  INT_MAX,
  ida_alloc,
  ida_alloc_max,
  ida_alloc_min,
  ida_alloc_range,
  ida_destroy,
  ida_free,
  ida_is_empty,
  ida_simple_get,
  ida_simple_remove,
  idr_alloc,
  idr_alloc_cyclic,
  idr_destroy,
  idr_find,
  idr_for_each,
  idr_get_next,
  idr_init_base,
  idr_is_empty,
  idr_remove,
  idr_replace,
} from "../src/lib/idr.js";
import { EINVAL, ENOENT, ENOSPC } from "../src/include/uapi/errno.js";
import { Kernel } from "../src/kernel/kernel.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { run_as } from "../src/kernel/sched/task.js";
import { TAINT_WARN } from "../src/kernel/panic.js";

function boot(): Kernel {
  return new Kernel({ clock: new VirtualClock(), module_sources: new Map() });
}

function log_lines(k: Kernel): string[] {
  const lines: string[] = [];
  for (let seq = k.printk.prb.first_seq; seq < k.printk.prb.last_seq; seq++) lines.push(k.printk.prb.read(seq)!.text);
  return lines;
}

describe("IDA", () => {
  it("hands out the lowest free ID, as in the ida_demo tutorial", () => {
    const ida = DEFINE_IDA();
    expect(GFP_KERNEL).toBe(0xcc0);
    expect([0, 1, 2].map(() => ida_simple_get(ida, 0, 0, GFP_KERNEL))).toEqual([0, 1, 2]);
    ida_simple_remove(ida, 1);
    expect(ida_simple_get(ida, 0, 0, GFP_KERNEL)).toBe(1);
    expect(ida_simple_get(ida, 0, 0, GFP_KERNEL)).toBe(3);
  });

  it("keeps ida_alloc_range inclusive and ida_simple_get end-exclusive", () => {
    const ida = DEFINE_IDA();
    expect(ida_alloc_range(ida, 5, 6, GFP_KERNEL)).toBe(5);
    expect(ida_alloc_range(ida, 5, 6, GFP_KERNEL)).toBe(6);
    expect(ida_alloc_range(ida, 5, 6, GFP_KERNEL)).toBe(-ENOSPC);
    expect(ida_alloc_range(ida, 9, 8, GFP_KERNEL)).toBe(-ENOSPC);
    expect(ida_simple_get(ida, 10, 11, GFP_KERNEL)).toBe(10);
    expect(ida_simple_get(ida, 10, 11, GFP_KERNEL)).toBe(-ENOSPC);
    expect(ida_alloc_min(ida, 5, GFP_KERNEL)).toBe(7);
    expect(ida_alloc_max(ida, 1, GFP_KERNEL)).toBe(0);
    expect(ida_alloc(ida, GFP_KERNEL)).toBe(1);
    expect(ida_alloc_range(ida, -1, 10, GFP_KERNEL)).toBe(-ENOSPC);
    expect(ida_alloc_range(ida, INT_MAX, -1, GFP_KERNEL)).toBe(INT_MAX);
    expect(ida_alloc_range(ida, INT_MAX, -1, GFP_KERNEL)).toBe(-ENOSPC);
  });

  it("crosses 1024-bit chunks and drops a chunk when its last ID goes", () => {
    const ida = DEFINE_IDA();
    for (let i = 0; i < IDA_BITMAP_BITS; i++) ida_alloc(ida, GFP_KERNEL);
    expect(ida_alloc(ida, GFP_KERNEL)).toBe(1024);
    expect(ida_alloc_min(ida, 2047, GFP_KERNEL)).toBe(2047);
    expect(ida_alloc_min(ida, 2047, GFP_KERNEL)).toBe(2048);
    expect([...ida.xa.keys()].sort()).toEqual([0, 1, 2]);
    ida_free(ida, 2048);
    expect([...ida.xa.keys()].sort()).toEqual([0, 1]);
    ida_free(ida, -1);
    ida_destroy(ida);
    expect(ida_is_empty(ida)).toBe(true);
    expect(ida_alloc(ida, GFP_KERNEL)).toBe(0);
    expect(ida_is_empty(ida)).toBe(false);
  });

  it("WARNs when freeing a clear bit in a chunk that holds other IDs", () => {
    const k = boot();
    const ida = DEFINE_IDA();
    run_as(k.init_task, () => {
      ida_alloc(ida, GFP_KERNEL);
      ida_free(ida, 5);
    });
    const lines = log_lines(k);
    expect(lines[0]).toBe("------------[ cut here ]------------");
    expect(lines[1]).toBe("ida_free called for id=5 which is not allocated.");
    expect(lines[2]).toBe("WARNING: CPU: 0 PID: 0 at lib/idr.c:525 ida_free+0x96/0x130");
    const frames = lines.filter((l) => l.startsWith("[<")).map((l) => l.replace(/\[<[0-9a-f]+>\] /g, ""));
    expect(frames.slice(0, 3)).toEqual(["(unwind_backtrace) from (show_stack)", "(show_stack) from (dump_stack)", "(dump_stack) from (ida_free)"]);
    expect(frames[3]).toBe("(ida_free) from (proc_reg_write)");
    expect(lines.at(-1)).toMatch(/^---\[ end trace [0-9a-f]{16} \]---$/);
    expect(k.tainted).toBe(1 << TAINT_WARN);
    expect(ida.xa.get(0)!.bitmap[0]).toBe(1);
  });

  it("dereferences NULL in ida_free on an empty chunk, as 5.15.0 does", () => {
    const k = boot();
    const ida = DEFINE_IDA();
    let err: unknown = null;
    run_as(k.init_task, () => {
      try {
        ida_free(ida, 3);
      } catch (e) {
        err = e;
      }
    });
    expect(err).toBeInstanceOf(TypeError);
    const e = err as TypeError;
    expect(e.message).toMatch(/null/);
    const m = /at (?:async )?(?:Object\.)?([A-Za-z_$][\w$]*)/.exec(e.stack!.split("\n").slice(1).join("\n"));
    expect(m?.[1]).toBe("ida_free");
    expect(log_lines(k)).toEqual([]);
    expect(k.tainted).toBe(0);
  });
});

describe("IDR", () => {
  interface Obj {
    name: string;
  }
  const a: Obj = { name: "a" };
  const b: Obj = { name: "b" };
  const c: Obj = { name: "c" };

  it("allocates, finds, replaces and removes", () => {
    const idr = DEFINE_IDR<Obj>();
    expect(idr_is_empty(idr)).toBe(true);
    expect(idr_alloc(idr, a, 0, 0, GFP_KERNEL)).toBe(0);
    expect(idr_alloc(idr, b, 0, 0, GFP_KERNEL)).toBe(1);
    expect(idr_alloc(idr, null, 0, 0, GFP_KERNEL)).toBe(2);
    expect(idr_alloc(idr, c, 5, 6, GFP_KERNEL)).toBe(5);
    expect(idr_alloc(idr, c, 5, 6, GFP_KERNEL)).toBe(-ENOSPC);
    expect(idr_alloc(idr, c, -1, 0, GFP_KERNEL)).toBe(-EINVAL);
    expect(idr_find(idr, 1)).toBe(b);
    expect(idr_find(idr, 2)).toBeNull();
    expect(idr_find(idr, 3)).toBeNull();
    expect(idr_replace(idr, c, 1)).toBe(b);
    expect(idr_replace(idr, c, 4)).toBe(-ENOENT);
    expect(idr_remove(idr, 1)).toBe(c);
    expect(idr_remove(idr, 1)).toBeNull();
    expect(idr_alloc(idr, b, 0, 0, GFP_KERNEL)).toBe(1);
    expect(idr_remove(idr, 2)).toBeNull();
    expect(idr_alloc(idr, b, 0, 0, GFP_KERNEL)).toBe(2);
    idr_destroy(idr);
    expect(idr_is_empty(idr)).toBe(true);
  });

  it("iterates non-NULL entries in ID order", () => {
    const idr = DEFINE_IDR<Obj>();
    idr_alloc(idr, c, 7, 0, GFP_KERNEL);
    idr_alloc(idr, a, 0, 0, GFP_KERNEL);
    idr_alloc(idr, null, 0, 0, GFP_KERNEL);
    idr_alloc(idr, b, 3, 0, GFP_KERNEL);
    const seen: string[] = [];
    expect(idr_for_each(idr, (id, p, sep: string) => (seen.push(`${id}${sep}${p.name}`), 0), "=")).toBe(0);
    expect(seen).toEqual(["0=a", "3=b", "7=c"]);
    expect(idr_for_each(idr, (id) => (id === 3 ? -5 : 0), null)).toBe(-5);
    const next = { value: 1 };
    expect(idr_get_next(idr, next)).toBe(b);
    expect(next.value).toBe(3);
    next.value = 8;
    expect(idr_get_next(idr, next)).toBeNull();
    expect(next.value).toBe(8);
  });

  it("cycles through IDs with idr_alloc_cyclic and honours idr_base", () => {
    const idr = DEFINE_IDR<Obj>();
    expect([a, b, c].map((p) => idr_alloc_cyclic(idr, p, 1, 4, GFP_KERNEL))).toEqual([1, 2, 3]);
    idr_remove(idr, 1);
    expect(idr_alloc_cyclic(idr, a, 1, 4, GFP_KERNEL)).toBe(1);
    expect(idr_alloc_cyclic(idr, a, 1, 4, GFP_KERNEL)).toBe(-ENOSPC);
    idr_remove(idr, 3);
    expect(idr_alloc_cyclic(idr, c, 1, 4, GFP_KERNEL)).toBe(3);

    const based = DEFINE_IDR<Obj>();
    idr_init_base(based, 1);
    expect(idr_alloc(based, a, 0, 0, GFP_KERNEL)).toBe(1);
    expect(idr_alloc(based, b, 0, 0, GFP_KERNEL)).toBe(2);
    expect(idr_find(based, 1)).toBe(a);
    expect(idr_find(based, 0)).toBeNull();
  });
});
