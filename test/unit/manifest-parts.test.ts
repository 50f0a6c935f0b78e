/** The small parts: durations, did-you-mean, the printed form, the schema, the examples, odd input. */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  checkStoryboard,
  checkStoryboardSource,
  formatProblems,
  manifestSchema,
  type Problem,
  parseDuration,
} from "../../src/manifest/index.js";
import { closest, editDistance } from "../../src/manifest/suggest.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("parseDuration", () => {
  it.each([
    [5, 5000],
    [0.5, 500],
    ["500ms", 500],
    ["10s", 10000],
    ["15m", 900000],
    ["1.5h", 5400000],
    ["7", 7000],
    [" 2 s ", 2000],
  ] as const)("%j → %d ms", (input, ms) => {
    expect(parseDuration(input)).toBe(ms);
  });
  it.each(["ten", "5 minutes", "-1s", "", "1d"])("rejects %j", (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
  it("rejects negative and non-finite numbers", () => {
    expect(parseDuration(-1)).toBeUndefined();
    expect(parseDuration(Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe("did-you-mean", () => {
  it("counts a swap of neighbours as one edit and stops early", () => {
    expect(editDistance("stlye", "style", 2)).toBe(1);
    expect(editDistance("promt", "prompt", 2)).toBe(1);
    expect(editDistance("abc", "xyz", 1)).toBe(2);
  });
  it("suggests only close candidates, ignoring case", () => {
    expect(closest("promt", ["model", "prompt", "images"])).toBe("prompt");
    expect(closest("1080P", ["720p", "1080p"])).toBe("1080p");
    expect(closest("banana", ["model", "prompt", "images"])).toBeUndefined();
  });
});

describe("formatProblems", () => {
  const problem: Problem = {
    file: "a.yaml",
    line: 2,
    col: 3,
    endLine: 2,
    endCol: 8,
    message: "unknown key `promt` in shot `a`",
    hint: "did you mean `prompt`?",
    severity: "error",
    rule: "schema",
    excerpt: "\t\tpromt: x",
  };
  it("prints file:line:col, the line, a caret under the range (tabs kept) and the hint", () => {
    expect(formatProblems([problem])).toBe(
      "a.yaml:2:3: unknown key `promt` in shot `a`\n2 | \t\tpromt: x\n  | \t\t^^^^^\n  hint: did you mean `prompt`?\n",
    );
  });
  it("labels warnings, and prints whole-file problems without a position", () => {
    const text = formatProblems([
      { ...problem, severity: "warning", hint: undefined },
      {
        file: "b.yaml",
        line: 0,
        col: 0,
        message: "the storyboard is empty",
        severity: "error",
        rule: "file",
      },
    ]);
    expect(text).toContain("a.yaml:2:3: warning: unknown key");
    expect(text).toContain("\n\nb.yaml: the storyboard is empty\n");
  });
  it("shows a window of very long lines with the caret still under the problem", () => {
    const long = `    prompt: ${"x".repeat(300)} {{oops}} ${"y".repeat(300)}`;
    const col = long.indexOf("{{oops}}") + 1;
    const text = formatProblems([
      { ...problem, col, endCol: col + 8, excerpt: long, message: "unknown var" },
    ]);
    const [, line, caret] = text.split("\n");
    expect(line!.length).toBeLessThan(140);
    expect(line!.slice(caret!.indexOf("^"), caret!.indexOf("^") + 8)).toBe("{{oops}}");
  });
  it("colours only when asked", () => {
    expect(formatProblems([problem])).not.toContain("\u001b[");
    expect(formatProblems([problem], { color: true })).toContain("\u001b[31m^^^^^");
  });
});

describe("the schema", () => {
  it("describes every property and forbids unknown keys everywhere", () => {
    const missing: string[] = [];
    const visit = (schema: Record<string, unknown>, where: string) => {
      const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
      if (properties) {
        expect(schema.additionalProperties, where).toBe(false);
        for (const [key, sub] of Object.entries(properties)) {
          const described =
            typeof sub.description === "string" ||
            (typeof sub.$ref === "string" &&
              typeof (manifestSchema.definitions as Record<string, { description?: string }>)[
                sub.$ref.split("/").pop()!
              ]?.description === "string");
          if (!described) missing.push(`${where}.${key}`);
          visit(sub, `${where}.${key}`);
        }
      }
      if (schema.items) visit(schema.items as Record<string, unknown>, `${where}[]`);
    };
    visit(manifestSchema, "root");
    for (const [name, def] of Object.entries(
      manifestSchema.definitions as Record<string, Record<string, unknown>>,
    )) {
      visit(def, name);
    }
    expect(missing).toEqual([]);
    expect(manifestSchema.title).toBe("gallop storyboard");
  });
});

describe("examples", () => {
  const examples = readdirSync(`${root}examples`).filter((f) => f.endsWith(".yaml"));
  it("has at least three, using all three models", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  it.each(examples)("%s is valid and carries the yaml-language-server modeline", async (name) => {
    const file = `${root}examples/${name}`;
    expect(readFileSync(file, "utf8")).toMatch(
      /^# yaml-language-server: \$schema=\.\.\/schemas\/manifest\.schema\.json\n/,
    );
    const { storyboard, problems } = await checkStoryboard(file);
    expect(problems).toEqual([]);
    expect(storyboard?.shots.length).toBeGreaterThan(0);
  });
  it("the demo uses all three models, short 720p shots, local images and a crossfade", async () => {
    const { storyboard } = await checkStoryboard(`${root}examples/launch-teaser.yaml`);
    const models = new Set(storyboard?.shots.map((s) => s.model));
    expect(models.size).toBe(3);
    for (const shot of storyboard?.shots ?? []) {
      expect(shot.request.resolution).toBe("720p");
      expect(shot.request.duration).toBeLessThanOrEqual(4);
    }
    expect(storyboard?.shots.some((s) => s.images.some((i) => i.kind === "file"))).toBe(true);
    expect(storyboard?.stitch.transition).toBe("crossfade");
  });
});

describe("odd input never throws", () => {
  it("survives every truncation of an example", async () => {
    const text = readFileSync(`${root}examples/launch-teaser.yaml`, "utf8");
    for (let end = 0; end <= text.length; end += 7) {
      const result = await checkStoryboardSource(text.slice(0, end), `${root}examples/cut.yaml`);
      expect(Array.isArray(result.problems)).toBe(true);
      for (const p of result.problems) expect(p.message).not.toMatch(/undefined|\[object/);
    }
  });
  it("survives odd characters, deep nesting and aliases", async () => {
    const inputs = [
      "\u0000\u0001",
      "{",
      "[[[[[[[[",
      "version: 1\nshots: &a [*a]\n",
      "a: &x [1]\nb: *x\nc: *nope\n",
      `${"- ".repeat(200)}x`,
      "version: !!binary aGVsbG8=\nshots: []\n",
      "? [a, b]\n: c\n",
      "version: 1\nshots:\n  - id: a\n    model: text-to-video\n    prompt: {{style}}\n",
    ];
    for (const input of inputs) {
      const result = await checkStoryboardSource(input, `${root}odd.yaml`);
      expect(result.storyboard).toBeUndefined();
      expect(result.problems.length, input).toBeGreaterThan(0);
    }
  });
});
