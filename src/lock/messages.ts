/** Every user-facing sentence of src/lock/. */

export const lockUnreadable = (file: string, reason: string) =>
  `${file}: cannot read the lockfile: ${reason}`;

export const lockInvalid = (file: string, problems: string[]) =>
  `${file}: the lockfile is damaged or was edited by hand:\n` +
  problems.map((p) => `  - ${p}`).join("\n") +
  "\ngallop will not overwrite it. Restore it from git (`git checkout -- " +
  `${file}\`) or fix the lines above, then run again.`;

export const journalInvalid = (file: string, line: number, reason: string) =>
  `${file}:${line}: the run journal is damaged (${reason}).\n` +
  "gallop will not overwrite it. It holds task ids of paid generations that may not be in the " +
  "lockfile yet: keep a copy, remove the damaged line, then run again.";

export const lockVersionTooNew = (file: string, version: unknown) =>
  `${file}: lockfile version ${String(version)} is newer than this gallop understands (1). ` +
  "Upgrade gallop, or restore the lockfile from git.";

export const runLockHeld = (file: string, pid: number, host: string, since: string) =>
  `Another gallop run is already working on this storyboard (pid ${pid} on ${host}, since ${since}).\n` +
  `Wait for it to finish, or stop it. The run lock is ${file}.`;

export const runLockOtherHost = (file: string, pid: number, host: string, since: string) =>
  `${runLockHeld(file, pid, host, since)}\n` +
  "It was taken on another machine, so gallop cannot tell whether that run is still alive. " +
  "If you are sure it is not, delete the run lock and run again.";

export const runLockUnreadable = (file: string) =>
  `${file}: the run lock exists but cannot be read. If no other gallop run is working on this ` +
  "storyboard, delete it and run again.";

export const GITIGNORE = "# local gallop state (run journal, run lock); written by gallop\n*\n";

export const lockWriteFailed = (file: string, journal: string, reason: string) =>
  `${file}: could not write the lockfile (${reason}).\n` +
  `Nothing is lost: every task id of this run is in ${journal}, which the next run replays. ` +
  "Free disk space (or fix the folder's permissions), then run the same command again.";
