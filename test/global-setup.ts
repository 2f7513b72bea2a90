// Build dist/kplay.mjs once before any test file runs, so tests that spawn bin/kplay use the
// current source and never a half-written bundle.
import { execFileSync } from "node:child_process";

export default function setup(): void {
  execFileSync(process.execPath, ["build.mjs"], { cwd: new URL("..", import.meta.url).pathname });
}
