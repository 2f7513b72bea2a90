// Mirrors init/main.c: start_kernel() prints the boot log, sets up /proc and the root filesystem,
// and rest_init() makes init (pid 1) and kthreadd (pid 2) with the kernel threads it spawns.
import { Kernel } from "../kernel/kernel.js";
import type { Clock } from "../kernel/time/clock.js";
import type { ModuleSource } from "../include/linux/module.js";
import { PF_KTHREAD, run_as, type Task } from "../kernel/sched/task.js";
import { printk } from "../kernel/printk/printk.js";
import { proc_root_init, linux_banner } from "../fs/proc/root.js";
import { populate_rootfs } from "./initramfs.js";
import { sock_init } from "../net/socket.js";
import { inet_init } from "../net/ipv4/af_inet.js";
import { netlink_proto_init } from "../net/netlink/af_netlink.js";
import { rtnetlink_init } from "../net/core/rtnetlink.js";
import { packet_init } from "../net/packet/af_packet.js";
import { nlmon_register } from "../drivers/net/nlmon.js";
import { genl_init } from "../net/netlink/genetlink.js";
import { quota_init } from "../fs/quota/netlink.js";
import { syscall_table_init } from "../kernel/syscall_table.js";
import { demo_modules } from "../modules/index.js";

export interface BootOptions {
  clock: Clock;
  seed?: number;
  /** Module implementations a .ko may name; kplay's demo modules by default. */
  module_sources?: ReadonlyMap<string, ModuleSource>;
}

/** The kernel threads a 5.15 ARM boot has running once init starts (ps shows them in brackets). */
const KTHREADS = ["rcu_gp", "rcu_par_gp", "kworker/0:0", "kworker/0:0H", "kworker/u2:0", "mm_percpu_wq", "rcu_tasks_kthre", "ksoftirqd/0", "rcu_sched", "migration/0", "cpuhp/0", "kdevtmpfs", "kauditd", "oom_reaper", "writeback", "kblockd", "kswapd0"];

/**
 * The boot log of a QEMU vexpress-a9 (armv7l, one CPU) running 5.15.0, as printk records at the
 * times a real boot logs them. The NET: lines of protocol families come from the families themselves.
 */
function boot_log(k: Kernel): void {
  const log = (us: number, text: string): void => {
    at(k, us);
    printk(text);
  };
  log(0, "\x016Booting Linux on physical CPU 0x0\n");
  log(0, "\x015" + linux_banner(k).replace(/\n$/, "") + "\n");
  log(0, "\x016CPU: ARMv7 Processor [410fc090] revision 0 (ARMv7), cr=10c5387d\n");
  log(0, "\x016CPU: PIPT / VIPT nonaliasing data cache, VIPT nonaliasing instruction cache\n");
  log(0, "\x016OF: fdt: Machine model: V2P-CA9\n");
  log(0, "\x016Memory policy: Data cache writealloc\n");
  log(0, "\x016cma: Reserved 16 MiB at 0x6f000000\n");
  log(0, "\x016Zone ranges:\n");
  log(0, "\x016  Normal   [mem 0x0000000060000000-0x000000006fffffff]\n");
  log(0, "\x016Movable zone start for each node\n");
  log(0, "\x016Early memory node ranges\n");
  log(0, "\x016  node   0: [mem 0x0000000060000000-0x000000006fffffff]\n");
  log(0, "\x016Initmem setup node 0 [mem 0x0000000060000000-0x000000006fffffff]\n");
  log(0, "\x016percpu: Embedded 15 pages/cpu s30220 r8192 d23028 u61440\n");
  log(0, "\x016Built 1 zonelists, mobility grouping on.  Total pages: 65024\n");
  log(0, "\x015Kernel command line: " + k.cmdline + "\n");
  log(0, "\x016Dentry cache hash table entries: 32768 (order: 5, 131072 bytes, linear)\n");
  log(0, "\x016Inode-cache hash table entries: 16384 (order: 4, 65536 bytes, linear)\n");
  log(0, "\x016mem auto-init: stack:off, heap alloc:off, heap free:off\n");
  log(0, "\x016Memory: 229436K/262144K available (8192K kernel code, 1203K rwdata, 2020K rodata, 1024K init, 283K bss, 16324K reserved, 16384K cma-reserved)\n");
  log(0, "\x016SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=1, Nodes=1\n");
  log(0, "\x016rcu: Hierarchical RCU implementation.\n");
  log(0, "\x016NR_IRQS: 16, nr_irqs: 16, preallocated irqs: 16\n");
  log(0, "\x016sched_clock: 32 bits at 24MHz, resolution 41ns, wraps every 89478484971ns\n");
  log(0, "\x016Console: colour dummy device 80x30\n");
  log(3_510, "\x016Calibrating delay loop... 1097.72 BogoMIPS (lpj=5488640)\n");
  log(58_220, "\x016pid_max: default: 32768 minimum: 301\n");
  log(58_911, "\x016Mount-cache hash table entries: 1024 (order: 0, 4096 bytes, linear)\n");
  log(58_988, "\x016Mountpoint-cache hash table entries: 1024 (order: 0, 4096 bytes, linear)\n");
  log(64_815, "\x016CPU: Testing write buffer coherency: ok\n");
  log(74_032, "\x016Setting up static identity map for 0x60100000 - 0x60100060\n");
  log(76_305, "\x016rcu: Hierarchical SRCU implementation.\n");
  log(83_442, "\x016smp: Bringing up secondary CPUs ...\n");
  log(83_608, "\x016smp: Brought up 1 node, 1 CPU\n");
  log(83_707, "\x016SMP: Total of 1 processors activated (1097.72 BogoMIPS).\n");
  log(83_819, "\x016CPU: All CPU(s) started in SVC mode.\n");
  log(99_158, "\x016devtmpfs: initialized\n");
  log(122_483, "\x016clocksource: jiffies: mask: 0xffffffff max_cycles: 0xffffffff, max_idle_ns: 19112604462750000 ns\n");
  log(125_920, "\x016futex hash table entries: 256 (order: 2, 16384 bytes, linear)\n");
}

/** Messages after the built-in subsystems have registered, up to running init. */
function boot_log_late(k: Kernel): void {
  at(k, 1_214_020);
  printk("\x016Freeing unused kernel memory: 1024K\n");
  at(k, 1_263_715);
  printk("\x016Run /sbin/init as init process\n");
}

/** Bring the clock to `us` microseconds after boot, where a real boot logs the next line. */
function at(k: Kernel, us: number): void {
  k.clock.skip_to(us * 1000);
}

function new_kthread(k: Kernel, comm: string, parent: Task): Task {
  const t = k.new_task(comm, parent);
  t.flags |= PF_KTHREAD;
  t.state = "S";
  return t;
}

/**
 * The inode numbers a real boot has handed out by the time init runs (rootfs, devtmpfs, sysfs and
 * the pseudo filesystems kplay does not build). Later inodes, such as sockets', start above it, so
 * adding a file to the initramfs does not renumber them.
 */
const BOOT_LAST_INO = 1200;

/** Boot a kernel: the log, /proc, the initramfs, init and the kernel threads. */
export function start_kernel(opts: BootOptions): Kernel {
  const k = new Kernel({ clock: opts.clock, seed: opts.seed, module_sources: opts.module_sources ?? demo_modules });
  run_as(k.init_task, () => {
    boot_log(k);
    proc_root_init(k);
    sock_init(k);
    netlink_proto_init(k);
    rtnetlink_init(k);
    genl_init(k);
    inet_init(k);
    packet_init(k);
    nlmon_register(k);
    quota_init();
    syscall_table_init(k);
    populate_rootfs(k);
    k.last_ino = Math.max(k.last_ino, BOOT_LAST_INO);
    const init = k.new_task("init", k.init_task);
    init.state = "S";
    init.mm = { argv: ["init"], envp: ["HOME=/", "TERM=linux"] };
    const kthreadd = new_kthread(k, "kthreadd", k.init_task);
    for (const name of KTHREADS) new_kthread(k, name, kthreadd);
    boot_log_late(k);
  });
  return k;
}
