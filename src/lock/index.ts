// Public API of src/lock/, re-exported by src/index.ts.
export { ensureStateDir, type LockStatePaths, lockStatePaths, writeFileAtomic } from "./files.js";
export { Journal } from "./journal.js";
export { type LoadedLock, loadLock, parseJournal, parseLock } from "./load.js";
export {
  type MergeConflict,
  type MergeInput,
  type MergeOptions,
  type MergeResult,
  mergeLocks,
  recordMerged,
} from "./merge.js";
export { acquireRunLock, type RunLock, type RunLockOwner, runLockHolder } from "./run-lock.js";
export { LOCK_HEADER, serializeLock } from "./serialize.js";
export {
  INTERRUPTED_SUBMISSION,
  LockSession,
  type OpenedLock,
  type OpenLockOptions,
  openLock,
} from "./session.js";
export { LockState } from "./state.js";
export {
  emptyLock,
  type JournalEntry,
  LOCK_VERSION,
  type LockFile,
  type LockShot,
  type LockTake,
  type LockUpload,
  type SupersededTask,
  TAKE_STATES,
  type TakeState,
} from "./types.js";
export { type LockProblem, lockSchema, validateLock } from "./validate.js";
