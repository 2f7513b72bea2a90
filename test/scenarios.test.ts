// Every transcript in scenarios/ must replay byte for byte on a fresh kernel.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run_scenario, typed_lines } from "../src/machine/scenario.js";

const dir = new URL("../scenarios/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".txt")).sort();

describe("typed_lines", () => {
  it("finds commands after prompts, also after output without a newline", () => {
    expect(typed_lines("/ # a b\nout\ntesting.../ # echo x\nread: 8/My test\n/proc # cat y\n[1]+  Done   sleep 1\n~ $ id\n> more\n")).toEqual(["a b", "echo x", "cat y", "id", "more"]);
  });
});

describe("scenarios/", () => {
  it("holds the IDA tutorial transcript unchanged (sha256 of shared/transcripts/ida_demo.txt)", () => {
    const sum = createHash("sha256").update(readFileSync(new URL("ida_demo.txt", dir))).digest("hex");
    expect(sum).toBe("5b3d2bcf5f621a21f2c3e1ad6e01ee8a933f025a612e3ca2d6b79ac17c2c422d");
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
