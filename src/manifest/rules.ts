/**
 * Semantic rules: what the schema alone cannot say. Each rule is `(ctx) => void` and pushes
 * problems; rules read the data defensively because they also run when the schema found
 * problems (so one run reports everything).
 */
import { resolve } from "node:path";
import { clipFileName } from "../paths.js";
import type { Locator, PathSegment } from "./locate.js";
import { formatPath } from "./locate.js";
import { classifyImage, IMAGE_REF, shortModel, VAR_REF } from "./manifest.js";
import { code, messages } from "./messages.js";
import type { ProblemDraft } from "./problem.js";
import { KEYS_BY_PLACE } from "./schema.js";
import { KEY_ALIASES } from "./schema-problems.js";
import { closest } from "./suggest.js";

export type FileKind = "file" | "other" | "missing";

export interface RuleContext {
  data: Record<string, unknown>;
  locator: Locator;
  /** absolute folder of the storyboard */
  dir: string;
  /** the storyboard file's name without extension (the default `name:`) */
  stem?: string;
  /** what is at each local path the storyboard mentions (absolute path → kind) */
  files: ReadonlyMap<string, FileKind>;
  report(problem: ProblemDraft): void;
}

export type Rule = (ctx: RuleContext) => void;

type Json = Record<string, unknown>;

function asRecord(value: unknown): Json | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

interface ShotView {
  index: number;
  shot: Json;
  path: PathSegment[];
  label: string;
}

function shotsOf(data: Json): ShotView[] {
  const shots = Array.isArray(data.shots) ? data.shots : [];
  const views: ShotView[] = [];
  shots.forEach((item, index) => {
    const shot = asRecord(item);
    if (shot) {
      const label = typeof shot.id === "string" ? shot.id : `shots[${index}]`;
      views.push({ index, shot, path: ["shots", index], label });
    }
  });
  return views;
}

function report(
  ctx: RuleContext,
  rule: string,
  path: PathSegment[],
  draft: Omit<ProblemDraft, "rule" | "path">,
) {
  ctx.report({ rule, path: formatPath(path), ...draft });
}

/** Local paths (absolute) of every image and the soundtrack, for one parallel stat pass. */
export function localPaths(data: Json, dir: string): string[] {
  const paths = new Set<string>();
  for (const { shot } of shotsOf(data)) {
    if (!Array.isArray(shot.images)) continue;
    for (const image of shot.images) {
      if (typeof image === "string" && image && classifyImage(image).kind === "file") {
        paths.add(resolve(dir, image));
      }
    }
  }
  const audio = asRecord(data.stitch)?.audio;
  if (typeof audio === "string" && audio !== "keep" && audio !== "mute") {
    paths.add(resolve(dir, audio));
  }
  return [...paths];
}

const uniqueIds: Rule = (ctx) => {
  const firstIndex = new Map<string, number>();
  for (const { shot, path, index } of shotsOf(ctx.data)) {
    if (typeof shot.id !== "string") continue;
    const first = firstIndex.get(shot.id);
    if (first === undefined) {
      firstIndex.set(shot.id, index);
      continue;
    }
    const idPath = [...path, "id"];
    const firstStart = ctx.locator.value(["shots", first, "id"])?.[0] ?? 0;
    report(ctx, "unique-id", idPath, {
      range: ctx.locator.value(idPath),
      message: messages.duplicateId(shot.id, ctx.locator.line(firstStart)),
      hint: messages.duplicateIdHint,
    });
  }
};

/** The shot key a written key stands for: itself, an alias, or the closest known key. */
function intendedShotKey(key: string): string | undefined {
  const known = KEYS_BY_PLACE["in a shot"] ?? [];
  if (known.includes(key)) return key;
  return KEY_ALIASES[key.toLowerCase()] ?? closest(key, known);
}

const modelInputs: Rule = (ctx) => {
  const defaults = asRecord(ctx.data.defaults);
  for (const { shot, path, label } of shotsOf(ctx.data)) {
    if (shot.model === undefined && defaults?.model === undefined) {
      report(ctx, "model-required", path, {
        range: ctx.locator.headOf(path),
        message: messages.noModel(label),
        hint: messages.noModelHint,
      });
      continue;
    }
    const model = shortModel(shot.model ?? defaults?.model);
    if (!model) continue; // the schema reports unknown models
    // A misspelt key (`promt`, `image_urls`) is reported as unknown; don't also call it missing.
    const meant = new Set(Object.keys(shot).map((key) => intendedShotKey(key)));
    const needsPrompt = model !== "image-to-video";
    const needsImages = model !== "text-to-video";
    if (needsPrompt && shot.prompt === undefined && !meant.has("prompt")) {
      report(ctx, "prompt-required", [...path, "prompt"], {
        range: ctx.locator.headOf(path),
        message: messages.promptRequired(label, model),
        hint: messages.promptRequiredHint,
      });
    }
    if (needsImages && shot.images === undefined && !meant.has("images")) {
      report(ctx, "images-required", [...path, "images"], {
        range: ctx.locator.headOf(path),
        message: messages.imagesRequired(label, model),
        hint: messages.imagesRequiredHint,
      });
    }
    if (!needsImages && shot.images !== undefined) {
      report(ctx, "images-not-allowed", [...path, "images"], {
        range: ctx.locator.key([...path, "images"]),
        message: messages.imagesNotAllowed(label),
        hint: messages.imagesNotAllowedHint,
      });
    }
    if (model === "image-to-video" && shot.ratio !== undefined) {
      report(ctx, "ratio-not-allowed", [...path, "ratio"], {
        range: ctx.locator.key([...path, "ratio"]),
        message: messages.ratioNotAllowed(label),
        hint: messages.ratioNotAllowedHint,
      });
    }
  }
};

/** Finds each match's range in the source, counting repeats of the same text. */
function eachMatch(
  ctx: RuleContext,
  path: PathSegment[],
  text: string,
  pattern: RegExp,
  visit: (match: RegExpExecArray, range: () => ReturnType<Locator["within"]>) => void,
) {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(pattern)) {
    const occurrence = counts.get(match[0]) ?? 0;
    counts.set(match[0], occurrence + 1);
    // Looking up the range costs a walk of the YAML tree: only done for problems.
    visit(match as RegExpExecArray, () => ctx.locator.within(path, match[0], occurrence));
  }
}

const imageRefs: Rule = (ctx) => {
  const defaults = asRecord(ctx.data.defaults);
  for (const { shot, path } of shotsOf(ctx.data)) {
    if (shortModel(shot.model ?? defaults?.model) !== "reference-to-video") continue;
    if (typeof shot.prompt !== "string" || !Array.isArray(shot.images)) continue;
    const count = shot.images.length;
    const promptPath = [...path, "prompt"];
    eachMatch(ctx, promptPath, shot.prompt, IMAGE_REF, (match, range) => {
      const n = Number(match[1]);
      if (n >= 1 && n <= count) return;
      report(ctx, "image-ref", promptPath, {
        range: range(),
        message: messages.imageRefOutOfRange(match[0], count),
        hint: messages.imageRefOutOfRangeHint(count),
      });
    });
  }
};

const varRefs: Rule = (ctx) => {
  const vars = asRecord(ctx.data.vars);
  const names = Object.keys(vars ?? {});
  const used = new Set<string>();
  for (const { shot, path } of shotsOf(ctx.data)) {
    if (typeof shot.prompt !== "string" || !shot.prompt.includes("{{")) continue;
    const promptPath = [...path, "prompt"];
    eachMatch(ctx, promptPath, shot.prompt, VAR_REF, (match, range) => {
      const name = match[1] ?? "";
      if (vars && Object.hasOwn(vars, name)) {
        used.add(name);
        return;
      }
      const near = closest(name, names);
      if (near) used.add(near); // its "unused" warning would only repeat the typo
      report(ctx, "unknown-var", promptPath, {
        range: range(),
        message: messages.unknownVar(name),
        hint: near
          ? messages.didYouMean(`{{${near}}}`)
          : vars
            ? messages.unknownVarHint(name)
            : messages.noVarsHint(name),
      });
    });
  }
  for (const name of names) {
    if (used.has(name)) continue;
    report(ctx, "unused-var", ["vars", name], {
      range: ctx.locator.key(["vars", name]),
      message: messages.unusedVar(name),
      hint: messages.unusedVarHint(name),
      severity: "warning",
    });
  }
};

const imageSources: Rule = (ctx) => {
  for (const { shot, path } of shotsOf(ctx.data)) {
    if (!Array.isArray(shot.images)) continue;
    shot.images.forEach((image, i) => {
      if (typeof image !== "string" || !image) return;
      const imagePath = [...path, "images", i];
      const kind = classifyImage(image);
      if (kind.kind === "scheme") {
        report(ctx, "image-source", imagePath, {
          range: ctx.locator.value(imagePath),
          message: messages.badImageScheme(kind.scheme),
          hint: kind.scheme === "file" ? messages.fileSchemeHint : messages.badImageSchemeHint,
        });
      } else if (kind.kind === "url") {
        if (!URL.canParse(image)) {
          report(ctx, "image-source", imagePath, {
            range: ctx.locator.value(imagePath),
            message: `${code(image)} is not a valid URL`,
          });
        }
      } else {
        const absPath = resolve(ctx.dir, image);
        const state = ctx.files.get(absPath);
        if (state === "missing") {
          report(ctx, "image-file", imagePath, {
            range: ctx.locator.value(imagePath),
            message: messages.imageMissing(image, absPath),
            hint: messages.imageMissingHint,
          });
        } else if (state === "other") {
          report(ctx, "image-file", imagePath, {
            range: ctx.locator.value(imagePath),
            message: messages.imageNotFile(image),
          });
        }
      }
    });
  }
};

/** Caps did-you-mean work on huge storyboards with many unknown ids. */
const MAX_SUGGESTIONS = 50;

const stitchSection: Rule = (ctx) => {
  const stitch = asRecord(ctx.data.stitch);
  if (!stitch) return;
  const shots = shotsOf(ctx.data);
  const ids = new Set(shots.map(({ shot }) => shot.id).filter((id) => typeof id === "string"));
  let suggestions = 0;
  const named: string[] = [];
  if (Array.isArray(stitch.shots)) {
    stitch.shots.forEach((id, i) => {
      if (typeof id !== "string") return;
      named.push(id);
      if (ids.has(id)) return;
      const near = suggestions++ < MAX_SUGGESTIONS ? closest(id, ids as Set<string>) : undefined;
      report(ctx, "stitch-shots", ["stitch", "shots", i], {
        range: ctx.locator.value(["stitch", "shots", i]),
        message: messages.unknownStitchShot(id),
        hint: near ? messages.didYouMean(near) : undefined,
      });
    });
  }
  const audio = stitch.audio;
  if (typeof audio === "string" && audio !== "keep" && audio !== "mute") {
    const absPath = resolve(ctx.dir, audio);
    if (ctx.files.get(absPath) !== "file") {
      const near = closest(audio, ["keep", "mute"]);
      report(ctx, "soundtrack", ["stitch", "audio"], {
        range: ctx.locator.value(["stitch", "audio"]),
        message: messages.soundtrackMissing(audio, absPath),
        hint: near ? messages.didYouMean(near) : messages.soundtrackHint,
      });
    }
  }
  // A crossfade eats into both clips: it must be shorter than the shortest one.
  const fade = stitch.transition_duration ?? 0.5;
  if (stitch.transition !== "crossfade" || typeof fade !== "number") return;
  const defaults = asRecord(ctx.data.defaults);
  const inFilm = named.length > 0 ? new Set(named) : undefined;
  let shortest = Number.POSITIVE_INFINITY;
  for (const { shot } of shots) {
    if (inFilm && !inFilm.has(shot.id as string)) continue;
    const duration = shot.duration ?? defaults?.duration ?? 5;
    if (typeof duration === "number" && duration < shortest) shortest = duration;
  }
  if (fade >= shortest) {
    const path =
      stitch.transition_duration === undefined
        ? ["stitch", "transition"]
        : ["stitch", "transition_duration"];
    report(ctx, "transition", path, {
      range: ctx.locator.value(path),
      message: messages.transitionTooLong(fade, shortest),
      hint: messages.transitionTooLongHint,
    });
  }
};

/**
 * The film is written into the output folder beside the clips: it must not land on a clip's
 * file (e.g. `teaser.yaml` with a shot `teaser`), or stitching overwrites a paid clip.
 * Compared case-insensitively, as on macOS and Windows file systems.
 */
const filmPath: Rule = (ctx) => {
  const stitch = asRecord(ctx.data.stitch);
  const name = typeof ctx.data.name === "string" ? ctx.data.name : ctx.stem;
  const output =
    typeof stitch?.output === "string" ? stitch.output : name ? `${name}.mp4` : undefined;
  if (!output) return;
  const root = resolve("/");
  const film = resolve(root, output).toLowerCase();
  const defaults = asRecord(ctx.data.defaults);
  for (const { shot, path } of shotsOf(ctx.data)) {
    if (typeof shot.id !== "string") continue;
    const takes = shot.takes ?? defaults?.takes ?? 1;
    const count = typeof takes === "number" && takes >= 1 && takes <= 8 ? takes : 1;
    for (let take = 1; take <= count; take++) {
      if (resolve(root, clipFileName(shot.id, take)).toLowerCase() !== film) continue;
      const where: PathSegment[] =
        typeof stitch?.output === "string"
          ? ["stitch", "output"]
          : typeof ctx.data.name === "string"
            ? ["name"]
            : [...path, "id"];
      report(ctx, "film-path", where, {
        range: ctx.locator.value(where),
        message: messages.filmOverClip(output, shot.id, take),
        hint: messages.filmOverClipHint,
      });
      return;
    }
  }
};

const uploadCommand: Rule = (ctx) => {
  const command = asRecord(ctx.data.upload)?.command;
  if (!Array.isArray(command) || command.length === 0) return;
  if (command.some((arg) => typeof arg === "string" && arg.includes("{file}"))) return;
  report(ctx, "upload", ["upload", "command"], {
    range: ctx.locator.value(["upload", "command"]),
    message: messages.uploadNoFile,
    hint: messages.uploadNoFileHint,
    severity: "warning",
  });
};

export const rules: readonly Rule[] = [
  uniqueIds,
  modelInputs,
  imageRefs,
  varRefs,
  imageSources,
  stitchSection,
  filmPath,
  uploadCommand,
];
