// Public API of src/manifest/, re-exported by src/index.ts.
export {
  type CheckResult,
  checkStoryboard,
  checkStoryboardSource,
  loadStoryboard,
} from "./check.js";
export { parseDuration } from "./duration.js";
export { canonicalJson, fingerprintRequest, requestWithImageUrls } from "./fingerprint.js";
export { type FormatOptions, formatProblem, formatProblems } from "./format.js";
export type { Problem } from "./problem.js";
export { hasErrors } from "./problem.js";
export { manifestSchema, manifestSchemaText } from "./schema.js";
