// Mirrors BusyBox 1.35 modutils/modprobe.c (MODPROBE_SMALL=n, FEATURE_MODPROBE_BLACKLIST=y,
// FEATURE_CMDLINE_MODULE_OPTIONS=y, FEATURE_MODUTILS_ALIAS=y, FEATURE_MODUTILS_SYMBOLS=y). It works
// from /lib/modules/$(uname -r): modules.dep lists each module ("extra/hello.ko:" and its
// dependencies), /proc/modules says what is loaded, /etc/modprobe.conf and /etc/modprobe.d/*.conf
// may add "alias", "options", "include" and "blacklist" lines, and /proc/cmdline may carry
// "module.param=value". Dependencies load first and unload last.
import { puts, printf } from "../../libc/stdio.js";
import { uname, stat, open, close, getdents, lstat } from "../../libc/unistd.js";
import { libc } from "../../libc/state.js";
import { ENOENT, EEXIST } from "../../../include/uapi/errno.js";
import { O_EXCL, O_NONBLOCK, O_RDONLY, O_DIRECTORY, S_ISDIR } from "../../../include/uapi/fcntl.js";
import { bb_error_msg, bb_perror_msg, xchdir, xfunc_die, xmalloc_open_read_close } from "../libbb.js";
import {
  bb_basename,
  bb_delete_module,
  bb_get_last_path_component_nostrip,
  bb_init_module,
  CONFIG_DEFAULT_DEPMOD_FILE,
  CONFIG_DEFAULT_MODULES_DIR,
  config_open2,
  config_open_or_die,
  filename2modname,
  fnmatch,
  getopt32,
  INSMOD_OPT_SILENT,
  INSMOD_OPT_SYSLOG,
  INSMOD_OPT_UNUSED,
  INSMOD_OPTS,
  moderror,
  parse_cmdline_module_options,
  PARSE_GREEDY,
  PARSE_NORMAL,
  replace,
} from "./modutils.js";

const usage = {
  trivial: "[-alrqvsDb] MODULE [SYMBOL=VALUE]...",
  full:
    "\t-a\tLoad multiple MODULEs" +
    "\n\t-l\tList (MODULE is a pattern)" +
    "\n\t-r\tRemove MODULE (stacks) or do autoclean" +
    "\n\t-q\tQuiet" +
    "\n\t-v\tVerbose" +
    "\n\t-s\tLog to syslog" +
    "\n\t-D\tShow dependencies" +
    "\n\t-b\tApply blacklist to module names too",
};

/* Note: usage text doesn't document various 2.4 options
 * we pull in through INSMOD_OPTS define
 * Note2: -b is always accepted, but if !FEATURE_MODPROBE_BLACKLIST,
 * it is a no-op.
 */
const MODPROBE_OPTS = "alrDb";
const OPT_INSERT_ALL = INSMOD_OPT_UNUSED << 0; /* a */
const OPT_LIST_ONLY = INSMOD_OPT_UNUSED << 1; /* l */
const OPT_REMOVE = INSMOD_OPT_UNUSED << 2; /* r */
const OPT_SHOW_DEPS = INSMOD_OPT_UNUSED << 3; /* D */
const OPT_BLACKLIST = INSMOD_OPT_UNUSED << 4; /* b */

const MODULE_FLAG_LOADED = 0x0001;
const MODULE_FLAG_NEED_DEPS = 0x0002;
/* "was seen in modules.dep": */
const MODULE_FLAG_FOUND_IN_MODDEP = 0x0004;
const MODULE_FLAG_BLACKLISTED = 0x0008;
const MODULE_FLAG_BUILTIN = 0x0010;

interface ModuleEntry {
  modname: string;
  /** The name as given on the command line, for messages. */
  probed_name: string | null;
  flags: number;
  /** From modules.dep: the module's own path first, then what it depends on. */
  deps: string[] | null;
  options: string | null;
  realnames: string[];
}

export async function modprobe_main(_argc: number, argv: string[]): Promise<number> {
  const db = new Map<string, ModuleEntry>();
  const probes: ModuleEntry[] = [];
  let cmdline_mopts: string | null = null;
  let num_unresolved_deps = 0;
  let need_symbols = false;
  let option_mask32 = 0;
  /* -s: messages go to syslog; kplay runs no syslogd, so they are lost, as they would be here. */
  let to_syslog = false;

  const error_msg = (msg: string): void => void (to_syslog || bb_error_msg(msg));
  const perror_msg = (msg: string): void => void (to_syslog || bb_perror_msg(msg));

  function moddb_get(module: string): ModuleEntry | undefined {
    return db.get(filename2modname(module));
  }

  function get_or_add_modentry(module: string): ModuleEntry {
    const modname = filename2modname(module);
    let e = db.get(modname);
    if (!e) {
      e = { modname, probed_name: null, flags: 0, deps: null, options: null, realnames: [] };
      db.set(modname, e);
    }
    return e;
  }

  function gather_options_str(opts: string | null, append: string | null): string | null {
    if (append !== null) opts = opts === null ? append : `${opts} ${append}`;
    return opts;
  }

  function add_probe(name: string): void {
    const m = get_or_add_modentry(name);
    if (!(option_mask32 & (OPT_REMOVE | OPT_SHOW_DEPS)) && m.flags & (MODULE_FLAG_LOADED | MODULE_FLAG_BUILTIN)) {
      return; /* skipping, it is already loaded */
    }
    m.probed_name = name;
    m.flags |= MODULE_FLAG_NEED_DEPS;
    probes.push(m);
    num_unresolved_deps++;
    if (m.modname.startsWith("symbol:")) need_symbols = true;
  }

  async function config_file_action(filename: string, depth: number): Promise<boolean> {
    /* Skip files that begin with a "." */
    const base = bb_basename(filename);
    if (base[0] === ".") return true;
    /* "man modprobe.d" from kmod version 22 suggests
     * that we shouldn't recurse into /etc/modprobe.d/dir/
     * _subdirectories_:
     */
    if (depth > 1) return true; /* SKIP: stop recursing */
    /* In dir recursion, skip files that do not end with a ".conf"
     * depth==0: read_config("modules.{symbols,alias}") must work,
     * "include FILE_NOT_ENDING_IN_CONF" must work too.
     */
    if (depth !== 0) {
      const dot = base.lastIndexOf(".");
      if (dot < 0 || base.slice(dot + 1) !== "conf") return true;
    }
    const p = await config_open2(filename);
    if (!p) return false;
    for (let tokens; (tokens = p.read(3, 2, "# \t", PARSE_NORMAL)); ) {
      if (tokens[0] === "alias") {
        /* alias <wildcard> <modulename> */
        if (tokens[2] === undefined) continue;
        const wildcard = filename2modname(tokens[1]);
        for (const m of [...probes]) {
          if (!fnmatch(wildcard, m.modname)) continue;
          const rmod = filename2modname(tokens[2]);
          m.realnames.unshift(rmod);
          if (m.flags & MODULE_FLAG_NEED_DEPS) {
            m.flags &= ~MODULE_FLAG_NEED_DEPS;
            num_unresolved_deps--;
          }
          const m2 = get_or_add_modentry(rmod);
          if (!(m2.flags & MODULE_FLAG_NEED_DEPS)) {
            m2.flags |= MODULE_FLAG_NEED_DEPS;
            num_unresolved_deps++;
          }
        }
      } else if (tokens[0] === "options") {
        /* options <modulename> <option...> */
        if (tokens[2] === undefined) continue;
        const m = get_or_add_modentry(tokens[1]);
        m.options = gather_options_str(m.options, tokens[2]);
      } else if (tokens[0] === "include") {
        /* include <filename>/<dirname> (yes, directories also must work) */
        await read_config(tokens[1]);
      } else if (tokens[0] === "blacklist") {
        /* blacklist <modulename> */
        get_or_add_modentry(tokens[1]).flags |= MODULE_FLAG_BLACKLISTED;
      }
    }
    return true;
  }

  /** recursive_action(path, ACTION_RECURSE | ACTION_QUIET, config_file_action, NULL, NULL, 0) */
  async function read_config(path: string, depth = 0): Promise<boolean> {
    const saved = libc().errno;
    const st = depth === 0 ? stat(path) : lstat(path);
    if (!st) {
      libc().errno = saved;
      return false; /* ACTION_QUIET: no message */
    }
    if (!S_ISDIR(st.st_mode)) return config_file_action(path, depth);
    const fd = await open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
      libc().errno = saved;
      return false;
    }
    const names = getdents(fd) ?? [];
    close(fd);
    let status = true;
    for (const name of names) {
      if (name === "." || name === "..") continue;
      if (!(await read_config(`${path}/${name}`, depth + 1))) status = false;
    }
    return status;
  }

  function humanly_readable_name(m: ModuleEntry): string {
    /* probed_name may be NULL. modname always exists. */
    return m.probed_name ?? m.modname;
  }

  /** Like strsep(&stringp, "\n\t ") but quoted text goes to single token even if it contains whitespace. */
  function strsep_quotes(s: string): string[] {
    const out: string[] = [];
    let start = 0;
    for (let i = 0; ; i++) {
      const c = s[i];
      if (c === '"') {
        const q = s.indexOf('"', i + 1); /* find trailing quote */
        i = q < 0 ? s.length : q + 1; /* skip trailing quote */
      }
      const d = s[i];
      if (d === undefined || d === "\n" || d === "\t" || d === " ") {
        out.push(s.slice(start, i));
        if (d === undefined) return out;
        start = i + 1;
      }
    }
  }

  async function parse_and_add_kcmdline_module_options(options: string | null, modulename: string): Promise<string | null> {
    const saved = libc().errno;
    const buf = await xmalloc_open_read_close("/proc/cmdline");
    libc().errno = saved;
    if (!buf) return options;
    for (const kptr of strsep_quotes(new TextDecoder().decode(buf))) {
      if (!kptr.startsWith(modulename) || kptr[modulename.length] !== ".") continue;
      /* It is "modulename.xxxx" */
      const opt = kptr.slice(modulename.length + 1);
      /* It is "modulename.opt=[val]" */
      if (opt.includes("=")) options = gather_options_str(options, opt);
    }
    return options;
  }

  /*
   * Return: similar to bb_init_module:
   * 0 on success,
   * -errno on open/read error,
   * errno on init_module() error
   * NB: INSMOD_OPT_SILENT bit suppresses ONLY non-existent modules,
   * not deleted ones (those are still listed in modules.dep).
   */
  async function do_modprobe(m: ModuleEntry): Promise<number> {
    if (!(m.flags & MODULE_FLAG_FOUND_IN_MODDEP)) {
      if (!(option_mask32 & INSMOD_OPT_SILENT))
        error_msg(m.flags & MODULE_FLAG_BUILTIN ? `module ${humanly_readable_name(m)} is builtin` : `module ${humanly_readable_name(m)} not found in modules.dep`);
      return -ENOENT;
    }

    const deps = m.deps ?? [];
    m.deps = null;
    if (!(option_mask32 & OPT_REMOVE)) deps.reverse();

    let first = true;
    let rc = 0;
    while (deps.length) {
      rc = 0;
      const fn = deps.shift()!;
      const m2 = get_or_add_modentry(bb_get_last_path_component_nostrip(fn));

      if (option_mask32 & OPT_REMOVE) {
        /* modprobe -r */
        if (m2.flags & MODULE_FLAG_LOADED) {
          rc = await bb_delete_module(m2.modname, O_EXCL);
          if (rc) {
            if (first) {
              perror_msg(`can't unload module '${humanly_readable_name(m2)}'`);
              break;
            }
          } else {
            m2.flags &= ~MODULE_FLAG_LOADED;
          }
        }
        /* do not error out if *deps* fail to unload */
        first = false;
        continue;
      }

      let options = m2.options;
      m2.options = null;
      options = await parse_and_add_kcmdline_module_options(options, m2.modname);
      if (m === m2) options = gather_options_str(options, cmdline_mopts);

      if (option_mask32 & OPT_SHOW_DEPS) {
        const dir = `${CONFIG_DEFAULT_MODULES_DIR}/${uts.release}/${fn}`;
        if (options !== null) printf("insmod %s %s\n", dir, options);
        else printf("insmod %s\n", dir);
        continue;
      }

      if (m2.flags & MODULE_FLAG_LOADED) continue; /* already loaded, skipping */

      rc = await bb_init_module(fn, options);
      if (rc === EEXIST) rc = 0;
      if (rc) {
        error_msg(`can't load module ${humanly_readable_name(m2)} (${fn}): ${moderror(rc)}`);
        break;
      }
      m2.flags |= MODULE_FLAG_LOADED;
    }

    return rc;
  }

  async function load_modules_dep(): Promise<void> {
    /* Modprobe does not work at all without modules.dep,
     * even if the full module name is given. Returning error here
     * was making us later confuse user with this message:
     * "module /full/path/to/existing/file/module.ko not found".
     * It's better to die immediately, with good message.
     * xfopen_for_read provides that. */
    const p = await config_open_or_die(CONFIG_DEFAULT_DEPMOD_FILE);
    for (let tokens; num_unresolved_deps && (tokens = p.read(2, 1, "# \t", PARSE_NORMAL)); ) {
      if (!tokens[0].endsWith(":")) continue;
      const path = tokens[0].slice(0, -1);

      const m = moddb_get(bb_get_last_path_component_nostrip(path));
      if (!m) continue;

      /* Optimization... */
      if (m.flags & MODULE_FLAG_LOADED && !(option_mask32 & (OPT_REMOVE | OPT_SHOW_DEPS))) continue;

      m.flags |= MODULE_FLAG_FOUND_IN_MODDEP;
      if (m.flags & MODULE_FLAG_NEED_DEPS && m.deps === null) {
        num_unresolved_deps--;
        m.deps = [path];
        if (tokens[1] !== undefined) m.deps.push(...tokens[1].split(/[ \t]/).filter(Boolean));
      }
    }
  }

  const { mask: opt, args } = await getopt32(argv, INSMOD_OPTS + MODPROBE_OPTS, usage, {
    off: { q: "v", v: "q" },
    conflicts: { l: "arD", r: "alD", a: "lr", D: "rl" },
    longopts: { "show-depends": "D" },
  });
  option_mask32 = opt;

  /* Goto modules location */
  await xchdir(CONFIG_DEFAULT_MODULES_DIR);
  const uts = uname();
  await xchdir(uts.release);

  if (opt & OPT_LIST_ONLY) {
    const p = await config_open_or_die(CONFIG_DEFAULT_DEPMOD_FILE);
    const patterns = args.map((a) => replace(a, "-", "_"));
    for (let tokens; (tokens = p.read(2, 1, "# \t", PARSE_NORMAL)); ) {
      if (!tokens[0].endsWith(":")) continue;
      const path = tokens[0].slice(0, -1);
      if (!patterns.length) puts(path);
      else {
        const name = filename2modname(bb_get_last_path_component_nostrip(path));
        for (const pat of patterns) if (fnmatch(pat, name)) puts(path);
      }
    }
    return 0;
  }

  /* Yes, for some reason -l ignores -s... */
  if (opt & INSMOD_OPT_SYSLOG) to_syslog = true;

  if (!args.length) {
    if (opt & OPT_REMOVE) {
      /* "modprobe -r" (w/o params).
       * "If name is NULL, all unused modules marked
       * autoclean will be removed".
       */
      if ((await bb_delete_module(null, O_NONBLOCK | O_EXCL)) !== 0) {
        perror_msg("");
        return xfunc_die();
      }
    }
    return 0;
  }

  /* Retrieve module names of already loaded modules */
  {
    const saved = libc().errno;
    const parser = await config_open2("/proc/modules");
    for (let s; parser && (s = parser.read(1, 1, "# \t", PARSE_NORMAL & ~PARSE_GREEDY)); ) get_or_add_modentry(s[0]).flags |= MODULE_FLAG_LOADED;
    const builtin = await config_open2("modules.builtin");
    for (let s; builtin && (s = builtin.read(1, 1, "# \t", PARSE_NORMAL)); ) get_or_add_modentry(s[0]).flags |= MODULE_FLAG_BUILTIN;
    libc().errno = saved;
  }

  if (opt & (OPT_INSERT_ALL | OPT_REMOVE)) {
    /* Each argument is a module name */
    for (const a of args) add_probe(a);
  } else {
    /* First argument is module name, rest are parameters */
    add_probe(args[0]);
    cmdline_mopts = parse_cmdline_module_options(args, true);
  }

  /* Happens if all requested modules are already loaded */
  if (probes.length === 0) return 0;

  await read_config("/etc/modprobe.conf");
  await read_config("/etc/modprobe.d");
  if (need_symbols) await read_config("modules.symbols");
  await load_modules_dep();
  if (num_unresolved_deps) {
    await read_config("modules.alias");
    await load_modules_dep();
  }

  let rc = 0;
  let me: ModuleEntry | undefined;
  while ((me = probes.shift()) !== undefined) {
    if (me.realnames.length === 0) {
      /* This is not an alias. Literal names are blacklisted
       * only if '-b' is given.
       */
      if (!(opt & OPT_BLACKLIST) || !(me.flags & MODULE_FLAG_BLACKLISTED)) rc |= await do_modprobe(me);
      continue;
    }

    /* Probe all real names for the alias */
    do {
      const realname = me.realnames.shift()!;
      const m2 = get_or_add_modentry(realname);
      if (!(m2.flags & MODULE_FLAG_BLACKLISTED) && (!(m2.flags & MODULE_FLAG_LOADED) || opt & (OPT_REMOVE | OPT_SHOW_DEPS))) {
        rc |= await do_modprobe(m2);
      }
    } while (me.realnames.length);
  }

  return rc !== 0 ? 1 : 0;
}
