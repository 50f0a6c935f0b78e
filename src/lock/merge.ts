/**
 * Folding lockfiles together (issue 6, sharding): the shard locks of `gallop run --shard i/n`
 * into the main lock, or the main lock into a shard lock before a shard runs.
 *
 * Per shot and take, the entry that saves the most money wins: one generated from the
 * storyboard's current request, then the more advanced state (succeeded > downloading >
 * submitted > uncertain > failed > expired), then the later one. No task id is ever dropped:
 * every losing task id goes to the winner's `history`. The result depends only on the inputs'
 * content and labels, never on the order they were found in.
 */
import { isAbsolute, join, relative, resolve } from "node:path";
import { canonicalJson } from "../manifest/fingerprint.js";
import type { LockSession } from "./session.js";
import type {
  LockFile,
  LockShot,
  LockTake,
  LockUpload,
  SupersededTask,
  TakeState,
} from "./types.js";

export interface MergeInput {
  /** names the input in reports and breaks ties (e.g. the lock's file name) */
  label: string;
  lock: LockFile;
  /** the folder the lock's `clip` paths are relative to (the lockfile's folder) */
  dir: string;
}

export interface MergeOptions {
  /** the folder the merged lock's `clip` paths are relative to */
  targetDir: string;
  /** the storyboard's current fingerprint per shot: a take matching it wins over a stale one */
  currentFingerprints?: ReadonlyMap<string, string>;
  /** only these shots (default: every shot of every input) */
  shots?: ReadonlySet<string>;
}

export interface MergeConflict {
  shot: string;
  take: number;
  /** the task (and input) kept */
  kept: { label: string; task_id?: string; state: TakeState };
  /** tasks moved to the kept take's history */
  superseded: { label: string; task_id?: string; state: TakeState }[];
}

export interface MergeResult {
  lock: LockFile;
  conflicts: MergeConflict[];
  /** takes taken from each input (label → count of winning take entries) */
  taken: Record<string, number>;
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

const STATE_RANK: Record<TakeState, number> = {
  succeeded: 6,
  downloading: 5,
  submitted: 4,
  uncertain: 3,
  submitting: 3,
  failed: 2,
  expired: 1,
};

interface Candidate {
  label: string;
  order: number;
  take: LockTake;
}

function rebaseClip(clip: string | undefined, from: string, to: string): string | undefined {
  if (clip === undefined || isAbsolute(clip) || resolve(from) === resolve(to)) return clip;
  return relative(to, join(from, clip));
}

/** > 0 when `a` should win over `b`. */
function compare(a: Candidate, b: Candidate, current: string | undefined): number {
  if (current !== undefined) {
    const ac = a.take.fingerprint === current ? 1 : 0;
    const bc = b.take.fingerprint === current ? 1 : 0;
    if (ac !== bc) return ac - bc;
  }
  const rank = STATE_RANK[a.take.state] - STATE_RANK[b.take.state];
  if (rank !== 0) return rank;
  const at = a.take.finished_at ?? a.take.submitted_at ?? "";
  const bt = b.take.finished_at ?? b.take.submitted_at ?? "";
  if (at !== bt) return at > bt ? 1 : -1;
  // Equal in every way that matters: the earlier input (the base, then labels in order) wins.
  return b.order - a.order;
}

const historyKey = (h: SupersededTask) =>
  `${h.task_id ?? ""}|${h.fingerprint}|${h.state}|${h.reason}`;

function asHistory(loser: Candidate, winner: Candidate): SupersededTask {
  return {
    ...(loser.take.task_id ? { task_id: loser.take.task_id } : {}),
    fingerprint: loser.take.fingerprint,
    state: loser.take.state,
    reason:
      `merged from ${loser.label}: ${winner.label} had ` +
      `${winner.take.task_id ? `task ${winner.take.task_id}` : "another entry"} (${winner.take.state}) for this take`,
    ...(loser.take.result_url ? { result_url: loser.take.result_url } : {}),
    ...(loser.take.sha256 ? { sha256: loser.take.sha256 } : {}),
  };
}

function mergeTake(
  shot: string,
  candidates: Candidate[],
  current: string | undefined,
  conflicts: MergeConflict[],
): Candidate {
  const sorted = [...candidates].sort((a, b) => compare(b, a, current));
  const winner = sorted[0] as Candidate;
  const history: SupersededTask[] = [];
  const seen = new Set<string>();
  const seenTasks = new Set<string>();
  if (winner.take.task_id) seenTasks.add(winner.take.task_id);
  const add = (entry: SupersededTask) => {
    const key = historyKey(entry);
    if (seen.has(key)) return;
    seen.add(key);
    if (entry.task_id) seenTasks.add(entry.task_id);
    history.push(entry);
  };
  for (const c of sorted) for (const h of c.take.history ?? []) add(h);
  const superseded: MergeConflict["superseded"] = [];
  for (const loser of sorted.slice(1)) {
    // Same task (or the same record): nothing is lost by keeping only the winner.
    if (loser.take.task_id && seenTasks.has(loser.take.task_id)) continue;
    // A failed submission without a task id was provably never created: nothing to keep.
    if (!loser.take.task_id && loser.take.state === "failed") continue;
    if (!loser.take.task_id && same(loser.take, winner.take)) continue;
    add(asHistory(loser, winner));
    superseded.push({
      label: loser.label,
      ...(loser.take.task_id ? { task_id: loser.take.task_id } : {}),
      state: loser.take.state,
    });
  }
  if (superseded.length > 0) {
    conflicts.push({
      shot,
      take: winner.take.take,
      kept: {
        label: winner.label,
        ...(winner.take.task_id ? { task_id: winner.take.task_id } : {}),
        state: winner.take.state,
      },
      superseded,
    });
  }
  const { history: _old, ...rest } = winner.take;
  return { ...winner, take: { ...rest, ...(history.length > 0 ? { history } : {}) } };
}

function mergeUploads(inputs: MergeInput[]): Record<string, LockUpload> {
  const uploads: Record<string, LockUpload> = {};
  for (const input of inputs) {
    for (const [sha, upload] of Object.entries(input.lock.uploads)) {
      const had = uploads[sha];
      const later =
        !had ||
        upload.uploaded_at > had.uploaded_at ||
        (upload.uploaded_at === had.uploaded_at && upload.url < had.url);
      if (later) uploads[sha] = { url: upload.url, uploaded_at: upload.uploaded_at };
    }
  }
  return Object.fromEntries(
    Object.keys(uploads)
      .sort()
      .map((sha) => [sha, uploads[sha]!]),
  );
}

/**
 * Merges `base` with `sources`. Shots keep the base's order, then new shots in the order of
 * the sources (sorted by label); the caller may reorder them by the storyboard.
 */
export function mergeLocks(
  base: MergeInput,
  sources: readonly MergeInput[],
  options: MergeOptions,
): MergeResult {
  const inputs = [base, ...[...sources].sort((a, b) => (a.label < b.label ? -1 : 1))];
  const shotOrder: string[] = [];
  const byShot = new Map<string, { input: MergeInput; order: number; shot: LockShot }[]>();
  inputs.forEach((input, order) => {
    for (const shot of input.lock.shots) {
      if (options.shots && !options.shots.has(shot.id)) continue;
      let list = byShot.get(shot.id);
      if (!list) {
        list = [];
        byShot.set(shot.id, list);
        shotOrder.push(shot.id);
      }
      list.push({ input, order, shot });
    }
  });
  const conflicts: MergeConflict[] = [];
  const taken: Record<string, number> = Object.fromEntries(inputs.map((i) => [i.label, 0]));
  const shots: LockShot[] = [];
  for (const id of shotOrder) {
    const entries = byShot.get(id) ?? [];
    const current = options.currentFingerprints?.get(id);
    const byTake = new Map<number, Candidate[]>();
    for (const { input, order, shot } of entries) {
      for (const take of shot.takes) {
        const rebased: LockTake = { ...take };
        const clip = rebaseClip(take.clip, input.dir, options.targetDir);
        if (clip !== undefined) rebased.clip = clip;
        const list = byTake.get(take.take) ?? [];
        list.push({ label: input.label, order, take: rebased });
        byTake.set(take.take, list);
      }
    }
    const takes = [...byTake.keys()]
      .sort((a, b) => a - b)
      .map((n) => {
        const winner = mergeTake(id, byTake.get(n) ?? [], current, conflicts);
        taken[winner.label] = (taken[winner.label] ?? 0) + 1;
        return winner.take;
      });
    const first = entries[0]?.shot as LockShot;
    let fingerprint = first.fingerprint;
    if (current !== undefined && takes.some((t) => t.fingerprint === current)) {
      fingerprint = current;
    } else {
      const latest = [...takes].sort((a, b) =>
        (b.submitted_at ?? "") > (a.submitted_at ?? "") ? 1 : -1,
      )[0];
      if (latest?.submitted_at) fingerprint = latest.fingerprint;
    }
    const picked = entries.find((e) => e.shot.picked_take !== undefined)?.shot.picked_take;
    shots.push({
      id,
      fingerprint,
      ...(picked !== undefined ? { picked_take: picked } : {}),
      takes,
    });
  }
  return {
    lock: {
      version: base.lock.version,
      storyboard: base.lock.storyboard,
      uploads: mergeUploads(inputs),
      shots,
    },
    conflicts,
    taken,
  };
}

/**
 * Records, through the session's journal, every shot, take and upload of `merged` that differs
 * from the session's lock. Returns how many records were written.
 */
export async function recordMerged(session: LockSession, merged: LockFile): Promise<number> {
  // Every record is applied in memory at once and the journal writes them in a few group
  // commits: one await per record would cost one fsync each (minutes for a 5,000-shot merge).
  const writes: Promise<void>[] = [];
  const state = session.state;
  for (const [sha, upload] of Object.entries(merged.uploads)) {
    if (same(state.lock.uploads[sha], upload)) continue;
    writes.push(session.recordUpload(sha, upload.url, upload.uploaded_at));
  }
  for (const shot of merged.shots) {
    const had = state.shot(shot.id);
    if (!had || had.fingerprint !== shot.fingerprint || had.picked_take !== shot.picked_take) {
      writes.push(session.recordShot(shot.id, shot.fingerprint, shot.picked_take ?? null));
    }
    for (const take of shot.takes) {
      if (same(state.take(shot.id, take.take), take)) continue;
      writes.push(session.recordTake(shot.id, take));
    }
  }
  await Promise.all(writes);
  return writes.length;
}
