// Rust's core::fmt Debug output for derived impls, as `{:?}` and `{:#?}` print them (rustc 1.57,
// the toolchain of neli 0.6.0's time): structs `Name { a: 1 }`, tuple structs `Name(1)`, lists
// `[1, 2]`, unit structs and enum variants by name. The alternate form puts each field on its own
// line, indented four spaces per level (PadAdapter), with a trailing comma.

/** A value as derive(Debug) sees it. */
export type Debug =
  | { kind: "struct"; name: string; fields: [string, Debug][] }
  | { kind: "tuple"; name: string; items: Debug[] }
  | { kind: "list"; items: Debug[] }
  | { kind: "leaf"; text: string };

export const dstruct = (name: string, fields: [string, Debug][]): Debug => ({ kind: "struct", name, fields });
export const dtuple = (name: string, ...items: Debug[]): Debug => ({ kind: "tuple", name, items });
export const dlist = (items: Debug[]): Debug => ({ kind: "list", items });
/** A value printed as is: a number, bool, a unit variant's name. */
export const dleaf = (v: string | number | boolean): Debug => ({ kind: "leaf", text: String(v) });
/** A String/&str: quoted, with Rust's escapes for `"`, `\` and control characters. */
export const dstr = (s: string): Debug => ({ kind: "leaf", text: JSON.stringify(s).replace(/\\u00([0-9a-f]{2})/g, "\\u{$1}") });

/** format!("{:?}", v) */
export function debug(v: Debug): string {
  switch (v.kind) {
    case "leaf":
      return v.text;
    case "struct":
      return v.fields.length ? `${v.name} { ${v.fields.map(([k, f]) => `${k}: ${debug(f)}`).join(", ")} }` : v.name;
    case "tuple":
      return v.items.length ? `${v.name}(${v.items.map(debug).join(", ")})` : v.name;
    case "list":
      return `[${v.items.map(debug).join(", ")}]`;
  }
}

const indent = (s: string): string => s.replace(/\n/g, "\n    ");

/** format!("{:#?}", v) */
export function debug_pretty(v: Debug): string {
  switch (v.kind) {
    case "leaf":
      return v.text;
    case "struct":
      if (!v.fields.length) return v.name;
      return `${v.name} {\n${v.fields.map(([k, f]) => `    ${k}: ${indent(debug_pretty(f))},\n`).join("")}}`;
    case "tuple":
      if (!v.items.length) return v.name;
      return `${v.name}(\n${v.items.map((f) => `    ${indent(debug_pretty(f))},\n`).join("")})`;
    case "list":
      if (!v.items.length) return "[]";
      return `[\n${v.items.map((f) => `    ${indent(debug_pretty(f))},\n`).join("")}]`;
  }
}
