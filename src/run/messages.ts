/** Every user-facing sentence of src/run/ and the plan/run/status commands. */

// Plan reasons
export const reasonNew = "new: no generation yet";
export const reasonChanged = (fields: string[]) =>
  fields.length > 0
    ? `changed since it was generated: ${fields.join(", ")}`
    : "changed since it was generated (the request differs)";
export const reasonDone = "done: clip present and verified";
export const reasonClipMissing = (path: string) =>
  `done, but the clip is missing (${path}): download it again, no new generation`;
export const reasonClipDamaged = (path: string, detail: string) =>
  `done, but the clip is damaged (${path}: ${detail}): download it again, no new generation`;
export const reasonDownloadUnfinished =
  "generated, download did not finish: download it, no new generation";
export const reasonInFlight = "in flight: poll the same task";
export const reasonFailed = (error: string | undefined) =>
  `failed last time${error ? `: ${error}` : ""}`;
export const reasonExpired = "the task expired before its clip was downloaded";
export const reasonUncertain =
  "submission outcome unknown (the API may have created and billed a task); not resubmitted " +
  "unless you pass --resubmit-uncertain";
export const reasonUncertainResubmit =
  "submission outcome unknown; resubmitting because of --resubmit-uncertain (may bill twice)";
export const reasonOrphaned = "in the lock but no longer in the storyboard: kept, not deleted";
export const reasonUnused = (takes: number) =>
  `beyond the storyboard's takes: ${takes}: kept, not deleted`;

// Plan summary
export const planSummary = (paid: number, seconds: number) =>
  paid === 0
    ? "Nothing to pay for: no new generations."
    : `${paid} paid generation${paid === 1 ? "" : "s"}, ${seconds} s of video.`;

export const unknownOnly = (ids: string[], known: string[]) =>
  `--only: no shot named ${ids.map((id) => `\`${id}\``).join(", ")} in the storyboard. ` +
  `Shots: ${known.slice(0, 20).join(", ")}${known.length > 20 ? ", ..." : ""}.`;

export const badConcurrency = (value: string) =>
  `--concurrency ${value}: expected a whole number from 1 to 64.`;

// Run
export const confirmPrompt = (paid: number, seconds: number) =>
  `Submit ${paid} paid generation${paid === 1 ? "" : "s"} (${seconds} s of video)? [y/N] `;
export const declined =
  "Nothing submitted. Run it again and answer y, or pass --yes to submit without the question.";
export const declinedByInterrupt = "Interrupted: nothing submitted.";
export const noUploader = (path: string) =>
  `local image ${path} cannot be sent: the API needs a URL. Add an \`upload:\` command to the ` +
  "storyboard, use an https URL, or try it with --simulate.";
export const seededFromMain = (records: number) =>
  `Took ${records} record${records === 1 ? "" : "s"} for this shard's shots from the main lockfile ` +
  "(nothing done there is paid for again).";
export const localImagesToUpload = (images: number, cached: number) =>
  `${images} local image${images === 1 ? "" : "s"} to send: ${cached} already uploaded (URL in the ` +
  `lockfile), ${images - cached} to upload before anything is submitted.`;
export const foldedShards = (records: number) =>
  `Folded ${records} record${records === 1 ? "" : "s"} from shard lockfiles (<stem>.lock.d/) into ` +
  "the lockfile first, so nothing a shard generated is paid for again.";
export const shardsUnmerged =
  "Shard lockfiles in <stem>.lock.d/ hold generations the lockfile does not have yet; shown " +
  "here as merged. `gallop run` folds them in; `gallop lock merge` does it now.";
export const uploadedImage = (image: string, cached: boolean) =>
  cached ? `${image}: already uploaded (URL from the lockfile)` : `${image}: uploaded`;
export const uploadFailed = (path: string, reason: string) => `uploading ${path} failed: ${reason}`;
export const authStopped = (message: string) =>
  `The API rejected the key (${message}). Nothing more was submitted; task ids already ` +
  "recorded are kept. Fix the key and run again to continue.";
export const pollTimedOut =
  "still in progress at the polling deadline; the task id is kept: run again to keep polling";
export const incomplete = (state: string, error: string) =>
  state === "downloading"
    ? `download did not finish (${error}); run again to download it, no new generation`
    : `${error}; the task id is kept: run again to keep polling it`;
export const taskExpiredBeforeDownload =
  "the task expired before its clip could be downloaded again; run again to regenerate (paid)";
export const interrupted = (file: string) =>
  "Interrupted. Every submitted task id is recorded in the lockfile.\n" +
  `Run \`gallop run ${file}\` to continue: it polls the same tasks and submits nothing twice.`;
export const interruptedHard = (file: string) =>
  "Stopped at once. Task ids already recorded are safe in the journal.\n" +
  `Run \`gallop run ${file}\` to continue.`;
export const secondSignalHint = "Stopping… (press Ctrl-C again to exit at once)";
export const stitchMissing = (shots: string[]) =>
  `Not stitching: ${shots.length} shot${shots.length === 1 ? " has" : "s have"} no clip yet (${shots.join(", ")}).`;
export const stitchUnavailable = "Not stitching: stitching is not available in this build.";
export const recovered = (entries: number) =>
  `Recovered ${entries} journal entr${entries === 1 ? "y" : "ies"} from a run that did not finish.`;
export const madeUncertain = (count: number) =>
  `${count} take${count === 1 ? " was" : "s were"} being submitted when a previous run stopped; ` +
  "marked uncertain (see `gallop plan`).";
export const tookOver = (pid: number, since: string) =>
  `Took over the run lock of a gallop process that is gone (pid ${pid}, since ${since}).`;
export const uncertainHint =
  "Uncertain takes may have been billed. Check your HppyHorse dashboard; to generate them " +
  "again anyway, run with --resubmit-uncertain.";

export const reportFailed = (message: string): string =>
  `warning: the contact sheet was not written: ${message}\nThe clips and the lockfile are fine; try \`gallop report FILE\`.`;

export const filmClipNotDone = (state: string | undefined) =>
  state ? `its take is ${state}, not succeeded` : "it has not been generated";
export const filmClipStale =
  "its clip was generated from an older version of the shot (the storyboard changed since)";
export const filmClipMissing = "its clip is missing";
export const filmClipDamaged = (detail: string) => `its clip is damaged (${detail})`;
export const filmClipsUnverified = (
  problems: { id: string; take: number; reason: string }[],
  file: string,
) =>
  [
    `Not stitching: ${problems.length} shot${problems.length === 1 ? "" : "s"} of the film ${problems.length === 1 ? "has" : "have"} no clip the lockfile vouches for:`,
    ...problems.map(
      (p) => `  shot \`${p.id}\`${p.take > 1 ? ` (take ${p.take})` : ""}: ${p.reason}`,
    ),
    `Run \`gallop run ${file}\` first (it downloads damaged or missing clips again without paying).`,
  ].join("\n");
