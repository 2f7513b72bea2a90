// One simulated machine: the state a real kernel keeps in globals (the task list, the log buffer,
// the module list, the root filesystem, /proc) gathered in one object, so several kernels can run in
// one Node process (tests, scenarios). Code finds its kernel through `current().kernel`.
import type { Clock } from "./time/clock.js";
import { PrintkState } from "./printk/printk.js";
import { Task } from "./sched/task.js";
import { init_cred, type Cred } from "./cred.js";
import { ModuleList } from "./module/main.js";
import type { ModuleSource } from "../include/linux/module.js";
import type { Inode } from "../fs/inode.js";
import type { ProcDirEntry } from "../fs/proc/generic.js";
import type { Module } from "./module/module.js";

/** struct new_utsname */
export interface Utsname {
  sysname: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
  domainname: string;
}

export interface KernelOptions {
  clock: Clock;
  /** The modules a .ko image may name (src/modules). */
  module_sources: ReadonlyMap<string, ModuleSource>;
  /** Seed of the kernel's pseudo-random generator (trace ids, later ports and sequence numbers). */
  seed?: number;
}

export class Kernel {
  readonly clock: Clock;
  readonly printk: PrintkState;
  readonly tasks = new Map<number, Task>();
  readonly modules: ModuleList;
  /** /proc/sys/kernel/tainted */
  tainted = 0;
  die_counter = 0;
  readonly utsname: Utsname = {
    sysname: "Linux",
    nodename: "(none)",
    release: "5.15.0",
    version: "#1 SMP Sat Aug 5 10:12:30 CST 2023",
    machine: "armv7l",
    domainname: "(none)",
  };
  /** VERMAGIC_STRING for this build (include/linux/vermagic.h, ARM). */
  readonly vermagic = "5.15.0 SMP mod_unload ARMv7 p2v8 ";
  /** The kernel command line, /proc/cmdline. */
  readonly cmdline = "console=ttyAMA0 rdinit=/sbin/init printk.time=0";
  /** kernel.dmesg_restrict */
  dmesg_restrict = 0;
  /** Checks run when a module goes away, one per subsystem that modules register with. */
  readonly module_leak_checks: ((mod: Module) => void)[] = [];

  root!: Inode;
  proc_root!: ProcDirEntry;
  /** The idle task (pid 0), which runs boot code. */
  readonly init_task: Task;
  private last_pid = 0;
  /** The last inode number handed out (get_next_ino). */
  last_ino = 0;
  private rng: number;
  /** ptr_key (lib/vsprintf.c): the key %p and %pK hash addresses with, fixed per boot. */
  readonly ptr_key: number;

  constructor(opts: KernelOptions) {
    this.clock = opts.clock;
    this.printk = new PrintkState(this);
    this.modules = new ModuleList(this, opts.module_sources);
    this.rng = (opts.seed ?? 0x5eed) >>> 0 || 1;
    this.ptr_key = Math.imul(this.rng ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
    this.init_task = new Task(this, 0, "swapper/0", null, init_cred);
  }

  /** alloc_pid(): the next pid, as the kernel hands them out (no reuse until wrap). */
  alloc_pid(): number {
    do this.last_pid = this.last_pid >= 32767 ? 300 : this.last_pid + 1;
    while (this.tasks.has(this.last_pid));
    return this.last_pid;
  }

  /** A new task registered in the pid table, child of `parent`. */
  new_task(comm: string, parent: Task, cred: Cred = parent.cred): Task {
    const t = new Task(this, this.alloc_pid(), comm, parent, cred);
    parent.children.add(t);
    this.tasks.set(t.pid, t);
    return t;
  }

  /** get_random_u32(): a deterministic xorshift32 stream. */
  random_u32(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x >>> 0;
    return this.rng;
  }
}
