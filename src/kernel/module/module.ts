// Mirrors include/linux/module.h (struct module) and the module list of kernel/module.c.
import type { MaybeAsync } from "../../fs/file.js";
import { module_taint_letters } from "../panic.js";

export type ModuleState = "Live" | "Coming" | "Going";

/** A module parameter (struct kernel_param) with its current value. */
export interface KernelParam {
  name: string;
  type: "int" | "uint" | "long" | "ulong" | "short" | "ushort" | "byte" | "bool" | "invbool" | "charp";
  perm: number;
  value: number | boolean | string;
}

/** A kernel bug (a thrown JS error) in code that belongs to a module. */
export class ModuleFault extends Error {
  constructor(
    readonly module: string,
    readonly cause_error: unknown,
  ) {
    super(`fault in module ${module}`);
  }
}

/** struct module */
export class Module {
  state: ModuleState = "Coming";
  refcnt = 0;
  taints = 0;
  /** Modules that use this one (source_list), for "Used by" and -EWOULDBLOCK. */
  readonly holders = new Set<Module>();
  init: (() => MaybeAsync<number>) | null = null;
  exit: (() => MaybeAsync<void>) | null = null;
  readonly params: KernelParam[] = [];
  /** core_layout.size: what /proc/modules shows. */
  size = 16384;

  constructor(readonly name: string) {}

  /** module_flags(): "(O)", "(OE+)", "" ... */
  flags_string(): string {
    let s = module_taint_letters(this.taints);
    if (this.state === "Going") s += "-";
    if (this.state === "Coming") s += "+";
    return s ? `(${s})` : "";
  }

  /**
   * Run a handler the module registered (a proc read, a socket op). A thrown error is a bug in
   * this module and comes back as a ModuleFault, which the system-call boundary turns into an Oops.
   */
  call_handler<T>(fn: () => T): T {
    try {
      const r = fn();
      if (r instanceof Promise) return r.catch((e) => Promise.reject(this.fault(e))) as T;
      return r;
    } catch (e) {
      throw this.fault(e);
    }
  }

  private fault(e: unknown): unknown {
    return e instanceof ModuleFault || (e as { kplay_exit?: boolean })?.kplay_exit ? e : new ModuleFault(this.name, e);
  }
}

/** try_module_get(mod): a null module is built in and always available. */
export function try_module_get(mod: Module | null | undefined): boolean {
  if (!mod) return true;
  if (mod.state !== "Live" && mod.state !== "Coming") return false;
  mod.refcnt++;
  return true;
}

/** module_put(mod) */
export function module_put(mod: Module | null | undefined): void {
  if (mod && mod.refcnt > 0) mod.refcnt--;
}

/** module_name(mod): "kernel" for built-in code. */
export function module_name(mod: Module | null | undefined): string {
  return mod ? mod.name : "kernel";
}
