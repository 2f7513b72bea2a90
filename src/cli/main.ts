// The kplay command line (commander). Every command that shows a machine's output runs programs
// inside a simulated kernel; this layer only moves bytes and renders results. The kernel itself is
// imported only by the commands that run one in this process (scenario, demo, the machine), so a
// command sent to a running machine loads the client alone.
import { Command, CommanderError } from "commander";
import { boot_machine, machine_get, machine_put, machine_status, poweroff, run_in_machine } from "./client.js";
import { capture_file, kplay_cp } from "./transfer.js";
import { kplay_home, valid_machine_name } from "../machine/paths.js";
import { readdirSync, existsSync as exists } from "node:fs";
import { join } from "node:path";

/** Machine names with a directory under the kplay home. */
function list_machines(): string[] {
  try {
    return readdirSync(kplay_home()).filter((n) => valid_machine_name(n) && exists(join(kplay_home(), n, "sock"))).sort();
  } catch {
    return [];
  }
}

declare const KPLAY_VERSION: string;
const VERSION = typeof KPLAY_VERSION === "string" ? KPLAY_VERSION : "0.0.0-dev";

interface Globals {
  machine: string;
  user?: string;
  quiet?: boolean;
}

/** The programs a one-shot command runs inside the machine. */
const ONE_SHOT: [string, string][] = [
  ["insmod", "insert a module: kplay insmod NAME|PATH [PARAM=VALUE...]"],
  ["rmmod", "remove a module"],
  ["lsmod", "list loaded modules"],
  ["modinfo", "show a module's .modinfo"],
  ["modprobe", "load a module and its dependencies by name"],
  ["dmesg", "print the kernel log (util-linux dmesg options)"],
  ["cat", "print files of the machine, e.g. /proc/modules"],
  ["ps", "list processes and kernel threads"],
  ["ip", "show and change devices, addresses and routes (BusyBox ip): kplay ip link add nlmon0 type nlmon"],
];

export async function main(argv: string[]): Promise<number> {
  const program = new Command();
  let code = 0;
  program
    .name("kplay")
    .description("A kernel-networking playground: a simulated Linux 5.15.0 that loads tutorial modules and runs their programs.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("-m, --machine <name>", "the machine to use", "default")
    .option("-u, --user <user>", "run as this user of the machine's /etc/passwd (a name or a uid; default root)")
    .option("-q, --quiet", "do not show kernel console lines with a command's output")
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(s) });

  const globals = (): Globals => {
    const g = program.opts<Globals>();
    if (!valid_machine_name(g.machine)) throw new UsageError(`invalid machine name '${g.machine}'`);
    return g;
  };
  /** Run args in the machine as `user` (the command's own --user), else the global --user. */
  const in_machine = async (args: string[], user?: string): Promise<void> => {
    const g = globals();
    code = await run_in_machine(g.machine, args, { user: user ?? g.user ?? "root", quiet: !!g.quiet });
  };

  program
    .command("boot")
    .description("start the machine in the background (if it is not running) and wait until it is ready")
    .action(async () => {
      const g = globals();
      const r = await boot_machine(g.machine, null);
      if (r === "running") process.stderr.write(`kplay: machine '${g.machine}' is already running\n`);
    });

  program
    .command("poweroff")
    .description("stop the machine")
    .action(async () => {
      const g = globals();
      if (!(await poweroff(g.machine))) {
        process.stderr.write(`kplay: machine '${g.machine}' is not running\n`);
        code = 1;
      }
    });

  program
    .command("reboot")
    .description("stop the machine and boot a fresh one")
    .action(async () => {
      const g = globals();
      await poweroff(g.machine);
      await boot_machine(g.machine, null);
    });

  program
    .command("status")
    .description("show each machine: pid, uptime, loaded modules, taint and socket")
    .action(async () => {
      const g = globals();
      const names = program.getOptionValueSource("machine") === "default" ? list_machines() : [g.machine];
      let shown = 0;
      for (const name of names) {
        const st = await machine_status(name);
        if (!st) continue;
        shown++;
        process.stdout.write(`${st.name}: pid ${st.pid}, up ${st.uptime.toFixed(1)}s, modules: ${st.modules.join(" ") || "none"}, ${st.tainted}, socket ${st.sock}\n`);
      }
      if (!shown) {
        process.stdout.write(names.length === 1 && program.getOptionValueSource("machine") !== "default" ? `${g.machine}: not running\n` : "no machine is running\n");
      }
    });

  for (const [name, description] of ONE_SHOT) {
    program
      .command(name)
      .description(description)
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .argument("[args...]")
      .action(async (args: string[]) => in_machine([name, ...args]));
  }

  program
    .command("tcpdump")
    .description("capture packets in the machine (tcpdump 4.99 options); -w FILE writes a pcap file on the host")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("[args...]")
    .action(async (args: string[]) => {
      const g = globals();
      const cap = capture_file(args);
      if (typeof cap === "string") {
        process.stderr.write(cap);
        code = 1;
        return;
      }
      try {
        code = await run_in_machine(g.machine, ["tcpdump", ...cap.argv], { user: g.user ?? "root", quiet: !!g.quiet, stdout: cap.write ?? undefined });
      } finally {
        cap.close(code);
      }
    });

  program
    .command("cp")
    .description("copy a file between the host and the machine: kplay cp machine:/tmp/x.pcap . | kplay cp FILE machine:/tmp/")
    .argument("<source>")
    .argument("<dest>")
    .action(async (src: string, dst: string) => {
      const g = globals();
      code = await kplay_cp(src, dst, {
        get: (path) => machine_get(g.machine, path, g.user ?? "root"),
        put: (path, data, mode) => machine_put(g.machine, path, g.user ?? "root", data, mode),
      });
    });

  program
    .command("run")
    .description("run a program of the machine's filesystem: kplay run my_sock abc, kplay run /my_sock abc")
    .helpOption(false)
    .option("-u, --user <user>", "run as this user (a name or a uid)")
    .passThroughOptions()
    .allowUnknownOption()
    .allowExcessArguments()
    .argument("<program>")
    .argument("[args...]")
    .action(async (prog: string, args: string[], opts: { user?: string }) => in_machine([prog, ...args], opts.user));

  program
    .command("sh")
    .description("run one shell command line in the machine")
    .requiredOption("-c <command>", "the command line")
    .option("-u, --user <user>", "run as this user (a name or a uid)")
    .action(async (opts: { c: string; user?: string }) => in_machine(["sh", "-c", opts.c], opts.user));

  program
    .command("shell")
    .description("an interactive BusyBox shell (/ # ) on the machine; reads commands from stdin when it is not a terminal")
    .option("-u, --user <user>", "log in as this user (a name or a uid)")
    .action(async (opts: { user?: string }) => in_machine(["sh"], opts.user));

  program
    .command("demo")
    .description("replay the IDA tutorial on a fresh in-process kernel and show what kplay is")
    .action(async () => void (code = await (await import("./replay.js")).demo()));

  const scenario = program.command("scenario").description("transcript scenarios");
  scenario
    .command("run")
    .description("replay each transcript on a fresh in-process kernel; print a unified diff and exit 1 on any difference")
    .argument("<file...>", "transcript files (commands after '/ # ', then the expected output)")
    .option("-q, --quiet", "print only failures")
    .action(async (files: string[], opts: { quiet?: boolean }) => void (code = await (await import("./replay.js")).scenario_run(files, opts)));

  program.command("__machine", { hidden: true }).argument("<name>").action(async (name: string) => {
    if (!valid_machine_name(name)) throw new UsageError(`invalid machine name '${name}'`);
    code = await (await import("../machine/machine.js")).machine_main(name);
  });

  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof UsageError) {
      process.stderr.write(`kplay: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  return code;
}

class UsageError extends Error {}
