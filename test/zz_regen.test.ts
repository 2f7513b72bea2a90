import { it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { run_scenario } from "../src/machine/scenario.js";
it("regen", async () => {
  for (const f of (process.env.REGEN ?? "").split(",").filter(Boolean)) {
    const r = await run_scenario(readFileSync(f, "utf8"));
    writeFileSync(f, r.actual);
    if (r.problem) console.log(f, r.problem);
  }
}, 60000);
