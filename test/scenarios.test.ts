// Every transcript in scenarios/ must replay byte for byte on a fresh kernel.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run_scenario, typed_lines } from "../src/machine/scenario.js";

const dir = new URL("../scenarios/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();

describe("scenarios/", () => {
  it("holds the IDA tutorial transcript unchanged", () => {
    expect(readFileSync(new URL("ida_demo.txt", dir), "utf8")).toBe(readFileSync(new URL("../../shared/transcripts/ida_demo.txt", import.meta.url), "utf8"));
  });

  for (const f of files) {
    it(f, async () => {
      const text = readFileSync(new URL(f, dir), "utf8");
      expect(typed_lines(text).length).toBeGreaterThan(0);
      const r = await run_scenario(text);
      expect(r.problem).toBeNull();
      expect(r.actual).toBe(text);
    });
  }
});
