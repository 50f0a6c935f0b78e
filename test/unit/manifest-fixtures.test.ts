/**
 * Every broken storyboard in test/fixtures/invalid/ with the exact position and message
 * gallop reports for it (and its hint, where one is expected).
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkStoryboard, formatProblems } from "../../src/manifest/index.js";

const dir = fileURLToPath(new URL("../fixtures/invalid/", import.meta.url));

/** fixture → the errors, each `line:col: message` (substring), optionally `hint`. */
const expected: Record<string, Array<{ at: string; hint?: string }>> = {
  "aspect-ratio-key.yaml": [
    { at: "6:5: unknown key `aspect_ratio` in shot `opening`", hint: "did you mean `ratio`?" },
  ],
  "bad-id.yaml": [
    {
      at: "5:9: shot id `Opening Shot` may only contain lowercase letters",
      hint: "try `opening-shot`",
    },
  ],
  "binary.yaml": [{ at: "0:0: this is not a text file (it looks binary)" }],
  "concurrency-out-of-range.yaml": [
    { at: "2:14: `concurrency` must be between 1 and 64, found 100" },
    { at: "5:10: `takes` must be a whole number, found the number 2.5" },
  ],
  "duplicate-ids.yaml": [
    {
      at: "9:9: duplicate shot id `opening`; it is already used on line 5",
      hint: "must be unique",
    },
  ],
  "duplicate-key.yaml": [{ at: "6:5: duplicate key `prompt`: it is already set above" }],
  "duration-too-long.yaml": [{ at: "7:15: `duration` must be between 3 and 15 seconds, found 20" }],
  "duration-with-unit.yaml": [
    { at: '7:15: `duration` must be a number, found the text "5s"', hint: "`duration: 5`" },
  ],
  "empty-prompt-value.yaml": [
    { at: "5:5: `prompt` has no value; it must be text", hint: "write a value after `prompt:`" },
  ],
  "empty-shots.yaml": [{ at: "2:8: `shots` needs at least one shot" }],
  "empty.yaml": [{ at: "0:0: the storyboard is empty", hint: "start with `version: 1`" }],
  "image-bad-scheme.yaml": [
    { at: "6:9: image `s3:` URLs are not supported", hint: "reachable over https" },
  ],
  "image-file-missing.yaml": [
    {
      at: "5:14: image file `images/does-not-exist.png` does not exist (looked for /",
      hint: "relative to the storyboard's folder",
    },
  ],
  "image-file-scheme.yaml": [
    { at: "5:14: image `file:` URLs are not supported", hint: "write the plain path" },
  ],
  "image-ref-out-of-range.yaml": [
    {
      at: "6:38: [Image 2] refers to an image this shot does not have: it has 1 image",
      hint: "[Image 1]",
    },
  ],
  "images-missing-i2v.yaml": [{ at: "3:5: shot `hero` needs `images` (image-to-video" }],
  "images-missing-r2v.yaml": [{ at: "3:5: shot `product` needs `images` (reference-to-video" }],
  "images-not-list.yaml": [
    {
      at: '5:13: `images` must be a list, found the text "https://example.com/hero.jpg"',
      hint: "write a list",
    },
  ],
  "images-on-t2v.yaml": [
    { at: "6:5: shot `opening` is text-to-video, which takes no images", hint: "image-to-video" },
  ],
  "many-problems.yaml": [
    { at: "6:5: unknown key `promt` in shot `opening`", hint: "did you mean `prompt`?" },
    { at: "7:15: `duration` must be between 3 and 15 seconds, found 20" },
    { at: "8:9: duplicate shot id `opening`; it is already used on line 5" },
    {
      at: '10:12: `ratio` must be one of 16:9, 9:16, 1:1, 4:3, 3:4, 4:5, 5:4, 9:21, 21:9; found the text "16x9"',
      hint: "did you mean `16:9`?",
    },
  ],
  "missing-id.yaml": [{ at: "5:5: missing required key `id` in shots[0]", hint: "unique `id:`" }],
  "missing-shots.yaml": [
    { at: "1:1: missing required key `shots` at the top level", hint: "add a `shots:` list" },
  ],
  "missing-version.yaml": [
    { at: "2:1: missing required key `version` at the top level", hint: "add `version: 1`" },
  ],
  "model-missing.yaml": [{ at: "3:5: shot `opening` has no model", hint: "in `defaults:`" }],
  "model-typo.yaml": [
    {
      at: '4:12: `model` must be one of text-to-video, image-to-video, reference-to-video; found the text "text-to-vidoe"',
      hint: "did you mean `text-to-video`?",
    },
  ],
  "multiple-documents.yaml": [{ at: "6:1: a storyboard is a single YAML document" }],
  "numeric-id.yaml": [
    { at: "5:9: `id` must be text, found the number 1", hint: 'quote it: `id: "001"`' },
  ],
  "only-comments.yaml": [{ at: "0:0: the storyboard is empty" }],
  "polling-bad-duration.yaml": [
    {
      at: '5:13: `interval` must be a duration such as 500ms, 10s, 15m or a number of seconds; found the text "ten seconds"',
    },
    { at: "6:12: `timeout` must be at least 0 seconds, found -5" },
  ],
  "prompt-in-defaults.yaml": [
    { at: "4:3: unknown key `prompt` in `defaults`", hint: "`prompt` belongs in a shot" },
  ],
  "prompt-missing-r2v.yaml": [{ at: "3:5: shot `product` needs a `prompt` (reference-to-video)" }],
  "prompt-missing-t2v.yaml": [
    { at: "3:5: shot `opening` needs a `prompt` (text-to-video)", hint: "add `prompt: ...`" },
  ],
  "ratio-not-allowed-value.yaml": [
    {
      at: '7:12: `ratio` must be one of 16:9, 9:16, 1:1, 4:3, 3:4, 4:5, 5:4, 9:21, 21:9; found the text "2:1"',
    },
  ],
  "ratio-on-image-to-video.yaml": [
    {
      at: "6:5: shot `hero` is image-to-video, whose aspect ratio comes from its image; `ratio` cannot be set",
      hint: "remove `ratio`",
    },
  ],
  "resolution-case.yaml": [
    {
      at: '7:17: `resolution` must be one of 720p, 1080p; found the text "1080P"',
      hint: "did you mean `1080p`?",
    },
  ],
  "resolution-number.yaml": [
    { at: "4:15: `resolution` must be text, found the number 720", hint: "write `720p`" },
  ],
  "shots-not-list.yaml": [
    { at: "3:3: `shots` must be a list, found a mapping", hint: "each shot is a list item" },
  ],
  "stitch-bad-values.yaml": [
    { at: '8:15: `transition` must be one of none, crossfade; found the text "dissolve"' },
    { at: "9:17: `audio_volume` must be between 0 and 4, found 5" },
    { at: '10:9: `size` must be WIDTHxHEIGHT such as 1920x1080; found the text "1920*1080"' },
    { at: "11:8: `fps` must be between 1 and 120, found 0" },
  ],
  "stitch-unknown-shot.yaml": [
    {
      at: "10:20: `stitch.shots` names shot `closnig`, which does not exist",
      hint: "did you mean `closing`?",
    },
  ],
  "syntax-bad-indent.yaml": [
    {
      at: "4:12: YAML syntax error: implicit keys need to be on a single line",
      hint: "indentation",
    },
  ],
  "syntax-colon-in-value.yaml": [
    {
      at: "5:13: YAML syntax error: nested mappings are not allowed in compact mappings",
      hint: "must be quoted",
    },
  ],
  "syntax-tab-indent.yaml": [{ at: "3:1: tabs cannot indent YAML", hint: "indent with spaces" }],
  "syntax-unclosed-quote.yaml": [
    { at: '5:13: this " quote is never closed', hint: 'add the closing "' },
  ],
  "syntax-unquoted-var.yaml": [
    { at: "7:23: YAML syntax error: unexpected scalar at node end", hint: "must be quoted" },
  ],
  "takes-too-many.yaml": [{ at: "6:12: `takes` must be between 1 and 8, found 9" }],
  "top-level-list.yaml": [
    {
      at: "1:1: a storyboard must be a mapping of keys such as `version:` and `shots:`, found a list",
    },
  ],
  "top-level-scalar.yaml": [
    {
      at: '1:1: a storyboard must be a mapping of keys such as `version:` and `shots:`, found the single value "just some words"',
    },
  ],
  "transition-too-long.yaml": [
    { at: "12:24: `transition_duration` 3 s is not shorter than the shortest stitched shot (3 s)" },
  ],
  "unknown-key-typo.yaml": [
    { at: "5:5: unknown key `promt` in shot `opening`", hint: "did you mean `prompt`?" },
  ],
  "unknown-top-level-key.yaml": [
    {
      at: "2:1: unknown key `transition` at the top level",
      hint: "`transition` belongs in `stitch`",
    },
  ],
  "unknown-var.yaml": [{ at: "7:27: unknown var `{{stlye}}`", hint: "did you mean `{{style}}`?" }],
  "upload-empty-command.yaml": [{ at: "3:12: `command` needs at least the program to run" }],
  "var-without-vars.yaml": [
    { at: "5:27: unknown var `{{mood}}`", hint: "add `vars:` with `mood: ...`" },
  ],
  "vars-number.yaml": [
    { at: "3:9: `year` must be text, found the number 2025", hint: 'quote it: `year: "2025"`' },
  ],
  "version-2.yaml": [
    { at: "1:10: unsupported storyboard version 2; gallop reads version 1", hint: "`version: 1`" },
  ],
};

describe("invalid storyboards", () => {
  it("has an expectation for every fixture, and at least 30 fixtures", () => {
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))("%s", async (name, wanted) => {
    const { storyboard, problems } = await checkStoryboard(`${dir}${name}`);
    expect(storyboard).toBeUndefined();
    const errors = problems.filter((p) => p.severity === "error");
    const got = errors.map((p) => `${p.line}:${p.col}: ${p.message}`);
    expect(got).toHaveLength(wanted.length);
    wanted.forEach((want, i) => {
      expect(got[i]).toContain(want.at);
      if (want.hint) expect(errors[i]?.hint).toContain(want.hint);
    });
    // The printed form: file:line:col, the offending line, a caret, never a stack trace.
    const text = formatProblems(problems);
    for (const problem of errors) {
      const where = problem.line > 0 ? `:${problem.line}:${problem.col}: ` : ": ";
      expect(text).toContain(`${dir}${name}${where}${problem.message}`);
      if (problem.line > 0) expect(text).toMatch(/\n\s+\|\s*\^+/);
    }
    expect(text).not.toMatch(/\n\s+at /);
  });
});
