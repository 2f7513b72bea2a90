// The bundle's entry point: run the CLI and exit with its status. Internal errors are one line
// unless --debug or KPLAY_DEBUG asks for the stack.
import { main } from "./main.js";

const argv = process.argv.slice(2);
const debug = argv.includes("--debug") || !!process.env.KPLAY_DEBUG;
main(argv.filter((a) => a !== "--debug")).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(debug && e instanceof Error ? `${e.stack}\n` : `kplay: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(70);
  },
);
