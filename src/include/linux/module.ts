// Mirrors include/linux/module.h and moduleparam.h as a demo module sees them. A module is a
// function run once per load with its THIS_MODULE: its body declares the module's statics, calls
// MODULE_*() and module_param(), and names its init and exit with module_init()/module_exit(), the
// way a C file does at file scope. Running the body has no effect on the kernel; only init does.
import type { MaybeAsync } from "../../fs/file.js";
import type { KernelParam, Module } from "../../kernel/module/module.js";

export type { Module } from "../../kernel/module/module.js";

/** The body of a module's source file. */
export type ModuleSource = (THIS_MODULE: Module) => void;

/** What a module body declared. */
export interface ModuleDecl {
  modinfo: [string, string][];
  init: (() => MaybeAsync<number>) | null;
  exit: (() => MaybeAsync<void>) | null;
  params: KernelParam[];
}

let building: ModuleDecl | null = null;

function decl(): ModuleDecl {
  if (!building) throw new Error("kplay: MODULE_*() called outside a module body");
  return building;
}

/** Run a module body for `mod` and collect what it declares (what compiling the .c file gives). */
export function compile_module(source: ModuleSource, mod: Module): ModuleDecl {
  const d: ModuleDecl = { modinfo: [], init: null, exit: null, params: [] };
  const saved = building;
  building = d;
  try {
    source(mod);
  } finally {
    building = saved;
  }
  return d;
}

export const MODULE_LICENSE = (s: string): void => void decl().modinfo.push(["license", s]);
export const MODULE_AUTHOR = (s: string): void => void decl().modinfo.push(["author", s]);
export const MODULE_DESCRIPTION = (s: string): void => void decl().modinfo.push(["description", s]);
export const MODULE_VERSION = (s: string): void => void decl().modinfo.push(["version", s]);
export const MODULE_ALIAS = (s: string): void => void decl().modinfo.push(["alias", s]);
export const MODULE_PARM_DESC = (name: string, desc: string): void => void decl().modinfo.push(["parm", `${name}:${desc}`]);

export function module_init(fn: () => MaybeAsync<number>): void {
  decl().init = fn;
}

export function module_exit(fn: () => MaybeAsync<void>): void {
  decl().exit = fn;
}

type ParamValue<T extends KernelParam["type"]> = T extends "charp" ? string : T extends "bool" | "invbool" ? boolean : number;

/**
 * module_param(name, type, perm) on a static initialised to `initial`. Returns the parameter; its
 * `value` is what insmod set, or `initial`.
 */
export function module_param<T extends KernelParam["type"]>(name: string, type: T, perm: number, initial: ParamValue<T>): { value: ParamValue<T> } {
  const p: KernelParam = { name, type, perm, value: initial };
  decl().params.push(p);
  decl().modinfo.push(["parmtype", `${name}:${type}`]);
  return p as unknown as { value: ParamValue<T> };
}

export { try_module_get, module_put, module_name } from "../../kernel/module/module.js";
