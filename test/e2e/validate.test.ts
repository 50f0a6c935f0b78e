/** The built bin's `validate` and `schema` commands: exit codes, output format, no stack traces. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root, runBin } from "../helpers/bin.js";
import { useTempDir } from "../helpers/tmp.js";

const gallop = (args: string[]) => runBin(args, { cwd: root });

const NO_STACK = /\n\s+at [^\n]*\(?[^\n]*:\d+:\d+\)?/;

const tmp = useTempDir("gallop-validate-e2e-");

describe("gallop validate", () => {
  it("accepts the examples with exit code 0", async () => {
    const files = ["launch-teaser", "social-ad", "product-reference"].map(
      (n) => `examples/${n}.yaml`,
    );
    const result = await gallop(["validate", ...files]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("examples/launch-teaser.yaml: valid (4 shots)");
  });

  it("reports every problem of a bad file as file:line:col with the line, a caret and a hint", async () => {
    const bad = join(tmp.path, "bad.yaml");
    await writeFile(
      bad,
      [
        "version: 1",
        "defaults:",
        "  model: text-to-video",
        "shots:",
        "  - id: opening",
        "    promt: A glass city",
        "    duration: 20",
        "",
      ].join("\n"),
    );
    const result = await gallop(["validate", bad, "examples/social-ad.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${bad}:6:5: unknown key \`promt\` in shot \`opening\`\n6 |     promt: A glass city\n  |     ^^^^^\n  hint: did you mean \`prompt\`?`,
    );
    expect(result.stderr).toContain(
      `${bad}:7:15: \`duration\` must be between 3 and 15 seconds, found 20`,
    );
    expect(result.stderr).toContain(`${bad}: 2 errors; not valid`);
    expect(result.stdout).toContain("examples/social-ad.yaml: valid");
    expect(result.stderr).not.toMatch(NO_STACK);
  });

  it("prints JSON with --json", async () => {
    const result = await gallop(["validate", "--json", "test/fixtures/invalid/model-typo.yaml"]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      files: Array<{ file: string; valid: boolean; problems: Array<Record<string, unknown>> }>;
    };
    expect(report.files).toHaveLength(1);
    expect(report.files[0]?.valid).toBe(false);
    expect(report.files[0]?.problems[0]).toMatchObject({
      line: 4,
      col: 12,
      severity: "error",
      hint: "did you mean `text-to-video`?",
    });
  });

  it("handles missing, binary and empty files without a stack trace", async () => {
    const binary = join(tmp.path, "image.yaml");
    await writeFile(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0xff]));
    const empty = join(tmp.path, "empty.yaml");
    await writeFile(empty, "");
    const result = await gallop([
      "validate",
      join(tmp.path, "missing.yaml"),
      binary,
      empty,
      tmp.path,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("missing.yaml: cannot read the storyboard: no such file");
    expect(result.stderr).toContain("image.yaml: this is not a text file");
    expect(result.stderr).toContain("empty.yaml: the storyboard is empty");
    expect(result.stderr).toContain("this is a folder, not a storyboard file");
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.stderr).not.toContain("internal error");
  });

  it("exits 2 without a file", async () => {
    const result = await gallop(["validate"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("name at least one storyboard");
  });
});

describe("gallop schema", () => {
  it("prints the JSON Schema", async () => {
    const result = await gallop(["schema"]);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout) as { title: string; required: string[] };
    expect(schema.title).toBe("gallop storyboard");
    expect(schema.required).toEqual(["version", "shots"]);
  });
});
