import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/gallop.js", import.meta.url));
const run = promisify(execFile);

async function gallop(args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

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
