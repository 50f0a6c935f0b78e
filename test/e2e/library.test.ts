import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

// The package is a typed library: `import { ... } from "gallop"` resolves through package.json
// "exports" to the built dist/, the same functions the CLI uses.
describe("gallop as a library", () => {
  it("loads, plans and validates through the package's public exports", async () => {
    const script = `
      import { loadStoryboard, checkStoryboard, planRun, emptyLock, LockState, InputError } from "gallop";
      const board = await loadStoryboard("examples/launch-teaser.yaml");
      const plan = planRun(board, new LockState(emptyLock("launch-teaser.yaml")), { clips: new Map() });
      const bad = await checkStoryboard("test/fixtures/invalid/" + process.argv[1]);
      let threw = "";
      try { await loadStoryboard("test/fixtures/invalid/" + process.argv[1]); } catch (e) { threw = e instanceof InputError ? "InputError" : String(e); }
      console.log(JSON.stringify({
        shots: board.shots.map((s) => [s.id, s.request.model, s.fingerprint.length]),
        paid: plan.summary.paidGenerations,
        problems: bad.problems.length,
        threw,
      }));
    `;
    const { readdirSync } = await import("node:fs");
    const fixture = readdirSync(`${root}/test/fixtures/invalid`).sort()[0];
    const { stdout } = await run(
      process.execPath,
      ["--input-type=module", "-e", script, fixture ?? ""],
      { cwd: root },
    );
    const result = JSON.parse(stdout) as {
      shots: [string, string, number][];
      paid: number;
      problems: number;
      threw: string;
    };
    expect(result.shots).toEqual([
      ["opening", "happyhorse-1-1/text-to-video", 64],
      ["hero", "happyhorse-1-1/image-to-video", 64],
      ["product", "happyhorse-1-1/reference-to-video", 64],
      ["closing", "happyhorse-1-1/text-to-video", 64],
    ]);
    expect(result.paid).toBe(4);
    expect(result.problems).toBeGreaterThan(0);
    expect(result.threw).toBe("InputError");
  });
});
