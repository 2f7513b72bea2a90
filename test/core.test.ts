import { describe, expect, it } from "vitest";
import { vsprintf } from "../src/lib/vsprintf.js";
import { kstrtoint } from "../src/lib/kstrtox.js";
import { PrintkRingbuffer } from "../src/kernel/printk/ringbuffer.js";
import { print_tainted } from "../src/kernel/panic.js";
import { strerror } from "../src/user/libc/strerror.js";
import { EINVAL, ERANGE } from "../src/include/uapi/errno.js";
import { VirtualClock } from "../src/kernel/time/clock.js";
import { Mutex, mutex_is_locked, mutex_lock, mutex_trylock, mutex_unlock } from "../src/kernel/locking/mutex.js";
import { run_as } from "../src/kernel/sched/task.js";
import { boot } from "./helpers.js";

describe("vsprintf()", () => {
  it("formats the tutorial's mypr_info prefix", () => {
    expect(vsprintf("%s(#%d)default channel:%d\n", ["myproto_create", 150, 999])).toBe("myproto_create(#150)default channel:999\n");
  });
  it("follows C widths, flags and 32-bit conversions", () => {
    expect(vsprintf("[%5d.%06d]", [3, 42])).toBe("[    3.000042]");
    expect(vsprintf("%-9s|%4u|%6d", ["MYSOCK", 504, -1])).toBe("MYSOCK   | 504|    -1");
    expect(vsprintf("%u %x %08x %#x", [-1, 255, 0xbeef, 16])).toBe("4294967295 ff 0000beef 0x10");
    expect(vsprintf("%s", [new Uint8Array([97, 98, 99, 0, 100])])).toBe("abc");
    expect(vsprintf("%.3s %c %%", ["abcdef", 65])).toBe("abc A %");
  });
});

describe("kstrtoint()", () => {
  it("accepts one trailing newline, as echo writes it", () => {
    const r = { value: -1 };
    expect(kstrtoint("1\n", 10, r)).toBe(0);
    expect(r.value).toBe(1);
  });
  it("rejects garbage with -EINVAL and overflow with -ERANGE", () => {
    const r = { value: 7 };
    expect(kstrtoint("abc\n", 10, r)).toBe(-EINVAL);
    expect(kstrtoint("2147483648", 10, r)).toBe(-ERANGE);
    expect(r.value).toBe(7);
  });
});

describe("PrintkRingbuffer", () => {
  it("drops the oldest records once the 128 KiB text ring is full", () => {
    const prb = new PrintkRingbuffer(17);
    const text = "x".repeat(1020);
    for (let i = 0; i < 200; i++) prb.push({ ts_nsec: i, level: 6, facility: 0, cont: false, text, text_len: 1020 });
    expect(prb.bytes_used).toBeLessThanOrEqual(131072);
    expect(prb.first_seq).toBe(200 - Math.floor(131072 / 1024));
    expect(prb.read(prb.first_seq)?.seq).toBe(prb.first_seq);
    expect(prb.read(200)).toBeNull();
  });
});

describe("print_tainted()", () => {
  it("renders 5.15's 18 taint columns", () => {
    expect(print_tainted(0)).toBe("Not tainted");
    expect(print_tainted(4096)).toBe("Tainted: G           O     ");
  });
});

describe("strerror()", () => {
  it("gives glibc's texts", () => {
    expect(strerror(97)).toBe("Address family not supported by protocol");
    expect(strerror(524)).toBe("Unknown error 524");
  });
});

describe("VirtualClock", () => {
  it("fires timers in order only when advanced", () => {
    const c = new VirtualClock();
    const fired: number[] = [];
    c.addTimer(2e9, () => fired.push(2));
    c.addTimer(1e9, () => fired.push(1));
    expect(fired).toEqual([]);
    c.advanceToNextTimer();
    expect(fired).toEqual([1]);
    expect(c.now()).toBe(1e9);
    c.advanceToNextTimer();
    expect(fired).toEqual([1, 2]);
  });
});

describe("struct mutex (kernel/locking/mutex.c)", () => {
  it("gives a released lock to one of the waiters it wakes, never to two", async () => {
    const k = boot();
    const lock = new Mutex();
    const [holder, a, b] = ["holder", "a", "b"].map((n) => k.new_task(n, k.init_task));
    const held: string[] = [];
    let inside = 0;
    let most = 0;
    run_as(holder, () => mutex_trylock(lock));
    const waiter = (t: typeof a): Promise<void> =>
      run_as(t, async () => {
        await mutex_lock(lock);
        most = Math.max(most, ++inside);
        held.push(t.comm);
        await Promise.resolve();
        inside--;
        mutex_unlock(lock);
      });
    const done = Promise.all([waiter(a), waiter(b)]);
    await Promise.resolve();
    run_as(holder, () => mutex_unlock(lock));
    await done;
    expect(most).toBe(1);
    expect(held.sort()).toEqual(["a", "b"]);
    expect(mutex_is_locked(lock)).toBe(false);
  });
});
