import { it, expect } from "vitest";
import { boot, run } from "./helpers.js";
it("boots", async () => {
  const k = boot();
  const r = await run(k, ["/bin/true"]);
  expect(r.code).toBe(0);
  expect([...k.tasks.values()].map(t=>t.pid+":"+t.comm).join(" ")).toContain("1:init");
});
