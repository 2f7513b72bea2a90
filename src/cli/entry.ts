// The bundle's entry point: run the CLI and exit with its status once its output has reached the
// OS (writes to a pipe are asynchronous and process.exit drops pending ones). Internal errors are
// one line unless --debug or KPLAY_DEBUG asks for the stack.
import { main } from "./main.js";

const argv = process.argv.slice(2);
const debug = argv.includes("--debug") || !!process.env.KPLAY_DEBUG;

function drained(s: NodeJS.WriteStream): Promise<void> {
  return s.writableLength === 0 || s.destroyed ? Promise.resolve() : new Promise((resolve) => s.write("", () => resolve()));
}

async function exit(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/* A reader that goes away (`kplay run prog | head -3`) ends kplay as SIGPIPE ends a C program: quietly, status 141. */
for (const s of [process.stdout, process.stderr]) {
  s.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    process.exit(128 + 13);
  });
}

main(argv.filter((a) => a !== "--debug")).then(exit, (e: unknown) => {
  process.stderr.write(debug && e instanceof Error ? `${e.stack}\n` : `kplay: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  return exit(70);
});
