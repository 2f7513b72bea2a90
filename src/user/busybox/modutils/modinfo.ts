// Mirrors BusyBox 1.35 modutils/modinfo.c. It needs /lib/modules/$(uname -r)/modules.dep even for a
// path; each MODULE is first matched (fnmatch) against the module names there, and what is left is
// taken as a file name (relative ones are tried again under the module directory). The image is
// scanned for "field=value" strings that follow a NUL, and fields come out in the fixed shortcuts[]
// order, labelled and padded to 16 columns when more than one field is shown.
import { printf, putchar, stdout } from "../../libc/stdio.js";
import { uname } from "../../libc/unistd.js";
import { bb_error_msg } from "../libbb.js";
import {
  bb_basename,
  CONFIG_DEFAULT_DEPMOD_FILE,
  CONFIG_DEFAULT_MODULES_DIR,
  config_open_or_die,
  filename2modname,
  fnmatch,
  getopt32,
  PARSE_NORMAL,
  xmalloc_open_zipped_read_close,
} from "./modutils.js";

const shortcuts = [
  "filename", // -n
  "author", // -a
  "description", // -d
  "license", // -l
  "parm", // -p
  "version", // the rest has no shortcut options
  "alias",
  "srcversion",
  "depends",
  "uts_release",
  "intree",
  "vermagic",
  "firmware",
];

const OPT_0 = 1 << 0; /* \0 as separator */
const OPT_F = 1 << 1; /* field name */
/* first bits are for -nadlp options, the rest are for
 * fields not selectable with "shortcut" options
 */
const OPT_TAGS = ((1 << shortcuts.length) - 1) << 2;

const usage = {
  trivial: "[-adlpn0] [-F keyword] MODULE",
  full:
    "\t-a\t\tShortcut for '-F author'" +
    "\n\t-d\t\tShortcut for '-F description'" +
    "\n\t-l\t\tShortcut for '-F license'" +
    "\n\t-p\t\tShortcut for '-F parm'" +
    "\n\t-F keyword\tKeyword to look for" +
    "\n\t-0\t\tSeparate output with NULs",
};

const encoder = new TextEncoder();

/** The NUL-terminated string at `off`. */
function cstring(buf: Uint8Array, off: number): Uint8Array {
  const nul = buf.indexOf(0, off);
  return buf.subarray(off, nul < 0 ? buf.length : nul);
}

export async function modinfo_main(_argc: number, argv: string[]): Promise<number> {
  let option_mask32 = 0;

  function display(data: Uint8Array | string, pattern: string): void {
    const flag = option_mask32 >> 1; /* shift out -0 bit */
    if (flag & (flag - 1)) {
      /* more than one field to show: print "FIELD:" pfx */
      let n = printf("%s:", pattern);
      while (n++ < 16) putchar(" ");
    }
    stdout().put(typeof data === "string" ? encoder.encode(data) : data);
    putchar(option_mask32 & OPT_0 ? "\0" : "\n");
  }

  async function modinfo(path: string, version: string, field: string | null): Promise<void> {
    const tags = option_mask32;
    let the_module = await xmalloc_open_zipped_read_close(path);
    if (!the_module) {
      if (path[0] === "/") return;
      /* Newer depmod puts relative paths in modules.dep */
      path = `${CONFIG_DEFAULT_MODULES_DIR}/${version}/${path}`;
      the_module = await xmalloc_open_zipped_read_close(path);
      if (!the_module) {
        bb_error_msg(`module '${path}' not found`);
        return;
      }
    }
    const len = the_module.length;

    for (let j = 1; (1 << j) & (OPT_TAGS | OPT_F); j++) {
      if (!((1 << j) & tags)) continue;

      let pattern = field ?? "";
      if ((1 << j) & OPT_TAGS) pattern = shortcuts[j - 2];

      if (pattern === shortcuts[0]) {
        /* "-n" or "-F filename" */
        display(path, shortcuts[0]);
        continue;
      }

      const pat = encoder.encode(pattern);
      const first = pat.length ? pat[0] : 0;
      let ptr = 0;
      for (;;) {
        ptr = the_module.indexOf(first, ptr);
        if (ptr < 0 || ptr >= len) /* no occurrence left, done */ break;
        let k = 0;
        while (k < pat.length && the_module[ptr + k] === pat[k]) k++;
        const after_pattern = ptr + k;
        if (k === pat.length && the_module[after_pattern] === 0x3d /* '=' */) {
          /* field prefixes are 0x80 or 0x00 */
          if (ptr > 0 && (the_module[ptr - 1] & 0x7f) === 0x00) {
            const value = cstring(the_module, after_pattern + 1);
            display(value, pattern);
            ptr = after_pattern + 1 + value.length;
          }
        }
        ++ptr;
      }
    }
  }

  const { mask, optarg, args } = await getopt32(argv, "0F:nadlp", usage, { min_args: 1 } /*minimum one arg*/);
  option_mask32 = mask;
  const field = optarg.get("F") ?? null;
  /* If no field selected, show all */
  if (!(mask & (OPT_TAGS | OPT_F))) option_mask32 |= OPT_TAGS;

  const uts = uname();
  const parser = await config_open_or_die(`${CONFIG_DEFAULT_MODULES_DIR}/${uts.release}/${CONFIG_DEFAULT_DEPMOD_FILE}`);

  for (let tokens; (tokens = parser.read(2, 1, "# \t", PARSE_NORMAL)); ) {
    if (!tokens[0].endsWith(":")) continue;
    const path = tokens[0].slice(0, -1);
    const name = filename2modname(bb_basename(path));
    for (let i = 0; i < args.length; i++) {
      if (fnmatch(args[i], name)) {
        await modinfo(path, uts.release, field);
        args[i] = "";
      }
    }
  }

  for (const arg of args) {
    if (arg) await modinfo(arg, uts.release, field);
  }

  return 0;
}
