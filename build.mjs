// Bundle src/ into dist/kplay.mjs, the one file bin/kplay loads (with --bench: bench/run.ts into
// dist/bench.mjs).
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const bench = process.argv.includes("--bench");
await build({
  entryPoints: [bench ? "bench/run.ts" : "src/cli/entry.ts"],
  outfile: bench ? "dist/bench.mjs" : "dist/kplay.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  define: { KPLAY_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
