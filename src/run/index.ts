// Public API of src/run/, re-exported by src/index.ts.
export {
  type CheckClipsOptions,
  type ClipCache,
  checkClips,
  clipPath,
  readClipCache,
  sha256File,
} from "./clips.js";
export type { RunEvent, TakeOutcome, TakeOutcomeStatus } from "./events.js";
export {
  ACTION_KINDS,
  type ActionKind,
  type ActionStep,
  type ClipCheck,
  changedFields,
  clipKey,
  type Plan,
  type PlannedAction,
  type PlanOptions,
  type PlanSummary,
  planRun,
} from "./plan.js";
export {
  checkOnly,
  type RunResult,
  type RunStoryboardOptions,
  runStoryboard,
  type StitchInput,
  type StitchOutput,
} from "./runner.js";
