// The C runtime start-up (crt1.o + __libc_start_main): set up errno, the environment and stdio
// for a new process, run main, and exit with what it returns.
import { current } from "../../kernel/sched/task.js";
import type { ProgramEntry } from "../../fs/exec.js";
import { FILE } from "./stdio.js";
import { libc_attach } from "./state.js";
import { exit } from "./stdlib.js";
import { isatty } from "./unistd.js";

/** main(argc, argv): the exit status. */
export type Main = (argc: number, argv: string[]) => Promise<number> | number;

/** Make a program's entry point from its main. */
export function program(main: Main): ProgramEntry {
  return async (argv, envp) => {
    const environ = new Map<string, string>();
    for (const e of envp) {
      const eq = e.indexOf("=");
      if (eq > 0) environ.set(e.slice(0, eq), e.slice(eq + 1));
    }
    const state = { errno: 0, environ, progname: argv[0] ?? "", stdin: new FILE(0, "full"), stdout: new FILE(1, "full"), stderr: new FILE(2, "none") };
    libc_attach(current(), state);
    if (await isatty(1)) state.stdout.mode = "line";
    state.errno = 0;
    return exit(await main(argv.length, argv));
  };
}
