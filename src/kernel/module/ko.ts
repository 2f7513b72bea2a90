// The .ko image kplay installs under /lib/modules: an ELF identification header, the name of the
// TypeScript implementation (kplay's stand-in for the module's code sections), and a real
// .modinfo section of NUL-terminated "key=value" strings, which modinfo reads and insmod passes on.
import { createHash } from "node:crypto";
import { compile_module, type ModuleSource } from "../../include/linux/module.js";
import { Module } from "./module.js";

const ELF_IDENT = [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const CODE_MARK = "\0.text.kplay\0";
const MODINFO_MARK = "\0.modinfo\0";

export interface KoImage {
  /** Which compiled-in implementation the code section names. */
  code: string;
  modinfo: [string, string][];
}

export function modinfo_get(info: [string, string][], key: string): string | undefined {
  return info.find(([k]) => k === key)?.[1];
}

/** "Compile" a module: its .modinfo with what modpost adds (srcversion, depends, name, vermagic). */
export function build_ko(name: string, source: ModuleSource, vermagic: string): Uint8Array {
  const decl = compile_module(source, new Module(name));
  const srcversion = createHash("md5").update(source.toString()).digest("hex").toUpperCase().slice(0, 23);
  const info: [string, string][] = [...decl.modinfo, ["srcversion", srcversion], ["depends", ""], ["name", name], ["vermagic", vermagic]];
  const text = CODE_MARK + name + MODINFO_MARK + info.map(([k, v]) => `${k}=${v}\0`).join("");
  const body = new TextEncoder().encode(text);
  const image = new Uint8Array(ELF_IDENT.length + body.length);
  image.set(ELF_IDENT);
  image.set(body, ELF_IDENT.length);
  return image;
}

/** Parse an image; null when it is not a module kplay can load (-ENOEXEC). */
export function parse_ko(image: Uint8Array): KoImage | null {
  if (image.length < ELF_IDENT.length || ELF_IDENT.slice(0, 4).some((b, i) => image[i] !== b)) return null;
  const text = new TextDecoder("latin1").decode(image.subarray(ELF_IDENT.length));
  const c = text.indexOf(CODE_MARK);
  const m = text.indexOf(MODINFO_MARK);
  if (c < 0 || m < c) return null;
  const code = text.slice(c + CODE_MARK.length, m);
  const modinfo: [string, string][] = [];
  for (const s of text.slice(m + MODINFO_MARK.length).split("\0")) {
    const eq = s.indexOf("=");
    if (eq > 0) modinfo.push([s.slice(0, eq), s.slice(eq + 1)]);
  }
  return { code, modinfo };
}
