// Bundle src/ for bin/kplay: dist/kplay.mjs, the command line, with the kernel and the rest in
// chunks under dist/chunks/ that it imports only when a command needs them (a command sent to a
// running machine loads the client alone). With --bench: bench/run.ts into dist/bench.mjs.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const bench = process.argv.includes("--bench");
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  define: { KPLAY_VERSION: JSON.stringify(version) },
  logLevel: "warning",
};
if (bench) {
  await build({ ...common, entryPoints: ["bench/run.ts"], outfile: "dist/bench.mjs" });
} else {
  rmSync(new URL("./dist/chunks", import.meta.url), { recursive: true, force: true });
  await build({ ...common, entryPoints: { kplay: "src/cli/entry.ts" }, outdir: "dist", splitting: true, chunkNames: "chunks/[name]-[hash]", outExtension: { ".js": ".mjs" } });
}
