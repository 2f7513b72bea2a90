// Mirrors kernel/module.c: load_module (init_module/finit_module), delete_module, the module list,
// taint on load, module parameters (kernel/params.c), and /proc/modules. After a module's exit, and
// after a failed init, the loader checks that it left nothing registered.
import { EBADF, EBUSY, EEXIST, EINVAL, ENOENT, ENOEXEC, EPERM, EWOULDBLOCK } from "../../include/uapi/errno.js";
import { compile_module, type ModuleSource } from "../../include/linux/module.js";
import { current } from "../sched/task.js";
import { printk, pr_err, pr_warn } from "../printk/printk.js";
import { add_taint, TAINT_OOT_MODULE, TAINT_PROPRIETARY_MODULE } from "../panic.js";
import { Module, type KernelParam } from "./module.js";
import { modinfo_get, parse_ko } from "./ko.js";
import { capable, has_capability_noaudit, CAP_SYS_MODULE, CAP_SYSLOG } from "../capability.js";
import { proc_entries, remove_proc_entry, type ProcDirEntry } from "../../fs/proc/generic.js";
import type { Kernel } from "../kernel.js";

/** license_is_gpl_compatible() */
const GPL_COMPATIBLE = new Set(["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"]);

export const O_NONBLOCK = 0o4000;
export const O_TRUNC = 0o1000;

export class ModuleList {
  /** Newest first, as list_add_rcu(&mod->list, &modules) leaves them. */
  private readonly mods: Module[] = [];
  last_unloaded = "";
  /** The module whose init or exit is running; registrations made meanwhile belong to it. */
  private running: Module | null = null;

  constructor(
    private readonly kernel: Kernel,
    /** The implementations a .ko image can name: kplay's compiled-in module sources. */
    readonly sources: ReadonlyMap<string, ModuleSource>,
  ) {}

  list(): readonly Module[] {
    return this.mods;
  }

  find(name: string): Module | undefined {
    return this.mods.find((m) => m.name === name);
  }

  initializing(): Module | null {
    return this.running;
  }

  private async run_as_module<T>(mod: Module, fn: () => T | Promise<T>): Promise<T> {
    const saved = this.running;
    this.running = mod;
    try {
      return await mod.call_handler(fn);
    } finally {
      this.running = saved;
    }
  }

  /**
   * load_module(): check the image, taint, parse parameters, run init. Returns 0 or -errno; the
   * module is gone again if init fails.
   */
  async load_module(image: Uint8Array, uargs: string): Promise<number> {
    if (!capable(CAP_SYS_MODULE)) return -EPERM;
    const ko = parse_ko(image);
    const name = ko && modinfo_get(ko.modinfo, "name");
    const source = ko && this.sources.get(ko.code);
    if (!ko || !name || !source) return -ENOEXEC;
    const vermagic = modinfo_get(ko.modinfo, "vermagic");
    if (vermagic !== this.kernel.vermagic) {
      pr_err("%s: version magic '%s' should be '%s'\n", name, vermagic ?? "", this.kernel.vermagic);
      return -ENOEXEC;
    }
    const existing = this.find(name);
    if (existing) return existing.state === "Live" ? -EEXIST : -EBUSY;

    const mod = new Module(name);
    const decl = compile_module(source, mod);
    mod.init = decl.init;
    mod.exit = decl.exit;
    mod.params.push(...decl.params);

    if (modinfo_get(ko.modinfo, "intree") === undefined) {
      if (!(this.kernel.tainted & (1 << TAINT_OOT_MODULE))) pr_warn("%s: loading out-of-tree module taints kernel.\n", name);
      add_taint(this.kernel, TAINT_OOT_MODULE);
      mod.taints |= 1 << TAINT_OOT_MODULE;
    }
    const license = modinfo_get(ko.modinfo, "license") ?? "unspecified";
    if (!GPL_COMPATIBLE.has(license)) {
      const first = !(this.kernel.tainted & (1 << TAINT_PROPRIETARY_MODULE));
      pr_warn("%s: module license '%s' taints kernel.\n", name, license);
      if (first) pr_warn("Disabling lock debugging due to kernel taint\n");
      add_taint(this.kernel, TAINT_PROPRIETARY_MODULE);
      mod.taints |= 1 << TAINT_PROPRIETARY_MODULE;
    }

    const perr = parse_args(name, uargs, mod.params);
    if (perr) return perr;

    this.mods.unshift(mod);
    const ret = mod.init ? await this.run_as_module(mod, mod.init) : 0;
    if (ret < 0) {
      mod.state = "Going";
      this.release_leftovers(mod);
      this.mods.splice(this.mods.indexOf(mod), 1);
      return ret;
    }
    if (ret > 0) {
      pr_warn("do_init_module: '%s'->init suspiciously returned %d, it should follow 0/-E convention\n", name, ret);
      pr_warn("do_init_module: loading module anyway...\n");
    }
    mod.state = "Live";
    return 0;
  }

  /** finit_module(fd, uargs, flags): load the image of the file open at fd. */
  async finit_module(fd: number, uargs: string, _flags: number): Promise<number> {
    const f = current().files?.fget(fd);
    if (!f) return -EBADF;
    const data = f.f_inode.i_private as { bytes?: Uint8Array } | null;
    if (!data?.bytes) return -EINVAL;
    return this.load_module(data.bytes.subarray(0, f.f_inode.size), uargs);
  }

  /** delete_module(name, flags) */
  async delete_module(name: string, flags: number): Promise<number> {
    if (!capable(CAP_SYS_MODULE)) return -EPERM;
    const mod = this.find(name);
    if (!mod) return -ENOENT;
    if (mod.holders.size > 0) return -EWOULDBLOCK;
    if (mod.state !== "Live") return -EBUSY;
    if (mod.init && !mod.exit && !(flags & O_TRUNC)) return -EBUSY;
    if (mod.refcnt !== 0 && !(flags & O_TRUNC)) return -EWOULDBLOCK;
    mod.state = "Going";
    if (mod.exit) await this.run_as_module(mod, mod.exit);
    this.release_leftovers(mod);
    this.mods.splice(this.mods.indexOf(mod), 1);
    this.last_unloaded = mod.name;
    return 0;
  }

  /**
   * What a module must not leave behind once its exit (or failed init) has run. Linux would keep
   * a dangling entry and oops on its next use; kplay says so in the log and removes it.
   */
  private release_leftovers(mod: Module): void {
    const left: ProcDirEntry[] = [...proc_entries(this.kernel.proc_root)].filter((p) => p.owner === mod);
    for (const pde of left) {
      printk("\x014kplay: module %s left /proc%s registered; removing it\n", mod.name, pde.full_name);
      remove_proc_entry(pde.full_name.slice(1), null);
    }
    for (const hook of this.kernel.module_leak_checks) hook(mod);
  }

  /** /proc/modules, one line per module (kernel/module.c m_show). */
  proc_modules(): string {
    /* modules_open(): kallsyms_show_value() shows addresses to an opener with CAP_SYSLOG */
    const hide = !has_capability_noaudit(current(), CAP_SYSLOG);
    return this.mods
      .map((m, i) => {
        const addr = hide ? 0 : 0xbf000000 + (this.mods.length - 1 - i) * 0x5000;
        const users = [...m.holders].map((h) => h.name + ",").join("") || "-";
        const state = m.state === "Going" ? "Unloading" : m.state === "Coming" ? "Loading" : "Live";
        const flags = m.flags_string();
        return `${m.name} ${m.size} ${m.refcnt} ${users} ${state} 0x${addr.toString(16).padStart(8, "0")}${flags ? " " + flags : ""}\n`;
      })
      .join("");
  }
}

/** param_set_*(): parse `val` for `p`; false when it does not parse. */
function param_set(p: KernelParam, val: string | null): boolean {
  if (p.type === "charp") {
    p.value = val ?? "";
    return true;
  }
  if (p.type === "bool" || p.type === "invbool") {
    const v = val === null ? "y" : val;
    const on = /^(y|Y|1)$/.test(v) ? true : /^(n|N|0)$/.test(v) ? false : null;
    if (on === null) return false;
    p.value = p.type === "bool" ? on : !on;
    return true;
  }
  if (val === null) return false;
  const m = /^([+-]?)(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)\n?$/i.exec(val);
  if (!m) return false;
  const n = Number.parseInt(m[2], m[2].startsWith("0x") || m[2].startsWith("0X") ? 16 : m[2].length > 1 && m[2][0] === "0" ? 8 : 10) * (m[1] === "-" ? -1 : 1);
  const ranges: Record<string, [number, number]> = {
    int: [-(2 ** 31), 2 ** 31 - 1], long: [-(2 ** 31), 2 ** 31 - 1], uint: [0, 2 ** 32 - 1], ulong: [0, 2 ** 32 - 1],
    short: [-32768, 32767], ushort: [0, 65535], byte: [0, 255],
  };
  const [lo, hi] = ranges[p.type];
  if (n < lo || n > hi) return false;
  p.value = n;
  return true;
}

/**
 * parse_args(): "a=1 b="x y" c". Unknown names are ignored with a warning (unknown_module_param_cb);
 * a value that does not parse fails the load with -EINVAL.
 */
export function parse_args(doing: string, args: string, params: KernelParam[]): number {
  const re = /\s*([^\s="]+)(?:=("([^"]*)"|[^\s]*))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args)) !== null) {
    if (m[0].trim() === "") break;
    const name = m[1].replace(/-/g, "_");
    const val = m[2] === undefined ? null : m[3] !== undefined ? m[3] : m[2];
    const p = params.find((x) => x.name === name);
    if (!p) {
      pr_warn("%s: unknown parameter '%s' ignored\n", doing, name);
      continue;
    }
    if (!param_set(p, val)) {
      pr_err("%s: `%s' invalid for parameter `%s'\n", doing, val ?? "", name);
      return -EINVAL;
    }
  }
  return 0;
}
