/** Every user-facing sentence of src/report/ (STYLE.md 5). */
import type { TakeState } from "../lock/index.js";
import type { ReportShotStatus } from "./model.js";

export const pageTitle = (name: string): string => `${name} — contact sheet`;

export const filmMissing = (storyboardFile: string): string =>
  `The film is not stitched yet. Run \`gallop stitch ${storyboardFile}\` once every clip is in.`;

export const filmStale = (storyboardFile: string): string =>
  `Some clips are newer than this film. Run \`gallop stitch ${storyboardFile}\` to stitch it again.`;

export const SHOT_STATUS_LABELS: Record<ReportShotStatus, string> = {
  ready: "ready",
  outdated: "outdated",
  "clip-missing": "clip missing",
  "not-run": "not run",
  "in-flight": "in flight",
  failed: "failed",
  uncertain: "uncertain",
  expired: "expired",
};

/** What a shot without a playable clip says in place of the video. */
export const shotPlaceholder = (status: ReportShotStatus, storyboardFile: string): string => {
  switch (status) {
    case "not-run":
      return `Not generated yet. Run \`gallop run ${storyboardFile}\`.`;
    case "in-flight":
      return `Being generated: a task is in flight. Run \`gallop status ${storyboardFile} --refresh\` to ask the API.`;
    case "failed":
      return "The generation failed (see the error below).";
    case "uncertain":
      return `Unknown whether the API received this submission (it may have been billed). See \`gallop plan ${storyboardFile}\`.`;
    case "expired":
      return `The API no longer knows this task. Run \`gallop run ${storyboardFile}\` to generate it again.`;
    case "clip-missing":
      return `The lockfile says this clip was downloaded, but the file is gone. Run \`gallop run ${storyboardFile}\` to fetch it again.`;
    default:
      return "";
  }
};

export const outdatedNote = (storyboardFile: string): string =>
  `The storyboard changed since this take was generated; \`gallop run ${storyboardFile}\` will regenerate it.`;

export const pickHint = (storyboardFile: string, shot: string, take: number): string =>
  `Take ${take} succeeded: \`gallop pick ${storyboardFile} ${shot} ${take}\` uses it instead.`;

export const TAKE_STATE_LABELS: Record<TakeState | "not-generated", string> = {
  submitting: "being submitted",
  submitted: "in flight",
  downloading: "downloading",
  succeeded: "succeeded",
  failed: "failed",
  uncertain: "uncertain",
  expired: "expired",
  "not-generated": "not generated",
};

export const PICKED_MARK = "★ picked";
export const UNUSED_MARK = "unused (beyond takes:)";

export const orphansHeading = "In the lockfile but no longer in the storyboard";
export const orphansNote =
  "These shots were paid for and are kept in the lockfile; their clips are not in the film.";

export const stripAlt = (name: string): string => `Storyboard strip of ${name}: one frame per shot`;

export const summaryLine = (counts: [string, number][]): string =>
  counts.map(([label, count]) => `${count} ${label}`).join(", ");

export const reportWritten = (
  html: string,
  strip: string,
  shots: number,
  summary: string,
  posters: number,
): string =>
  `Contact sheet: ${html} (${shots} shot${shots === 1 ? "" : "s"}: ${summary}; ${posters} poster${posters === 1 ? "" : "s"})\n` +
  `Storyboard strip: ${strip}\n`;

export const reportUsage =
  "gallop report takes one storyboard FILE. Example: gallop report teaser.yaml";

export const posterFailed = (clip: string, detail: string): string =>
  `No poster frame for ${clip}: ${detail.split("\n").slice(-1)[0]}. The clip may be damaged; \`gallop plan\` checks it.`;
