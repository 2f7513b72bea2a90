// Bundle src/ into dist/kplay.mjs, the one file bin/kplay loads.
import { build } from "esbuild";
import { readFileSync } from "node:fs";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
await build({
  entryPoints: ["src/cli/entry.ts"],
  outfile: "dist/kplay.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  // commander is CommonJS and requires Node built-ins; give the ESM bundle a require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  define: { KPLAY_VERSION: JSON.stringify(version) },
  logLevel: "warning",
});
