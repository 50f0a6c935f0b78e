import { describe, expect, it } from "vitest";
import { runBin } from "../helpers/bin.js";

const gallop = (args: string[]) => runBin(args);

describe("the gallop bin", () => {
  it("lists every command in --help", async () => {
    const result = await gallop(["--help"]);
    expect(result.code).toBe(0);
    for (const name of ["validate", "plan", "run", "status", "stitch", "simulate", "doctor"]) {
      expect(result.stdout).toContain(`  ${name}`);
    }
  });

  it("rejects an unknown command with exit code 2 and no stack trace", async () => {
    const result = await gallop(["rnu"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command `rnu`");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects an unknown flag with exit code 2", async () => {
    const result = await gallop(["validate", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--bogus");
  });
});
