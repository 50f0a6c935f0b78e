/**
 * Writes a LockFile as YAML with deterministic bytes: a fixed key order, shots in the
 * given order, takes by number, strings quoted by one fixed rule. The same state always
 * gives the same bytes, so git diffs of a committed lock stay small.
 *
 * Hand-written rather than `yaml.stringify` because the lock of a 10,000-shot storyboard
 * is compacted while the run goes on; this emitter is a single linear pass.
 * The output is plain YAML 1.2 read back by the `yaml` package (tests check the round trip).
 */
import { GENERATE_BODY_FIELDS, type GenerateRequest } from "../types.js";
import type { LockFile, LockShot, LockTake, SupersededTask } from "./types.js";

type Scalar = string | number | boolean;
type Value = Scalar | Value[] | { [key: string]: Value | undefined } | undefined;

const RESERVED = /^(?:true|false|null|yes|no|on|off|y|n)$/i;
const PLAIN = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

function scalar(value: Scalar): string {
  if (typeof value !== "string") return String(value);
  // A JSON string is a valid YAML double-quoted scalar (JSON escapes are a subset of YAML's).
  if (!PLAIN.test(value) || RESERVED.test(value) || HEX_DIGEST.test(value)) {
    return JSON.stringify(value);
  }
  return value;
}

function isBlock(value: Value): value is Value[] | { [key: string]: Value | undefined } {
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === "object" && Object.values(value).some((v) => v !== undefined);
}

function emit(value: Value, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isBlock(item) && !Array.isArray(item)) {
        // `- key: value` with the following keys aligned under the first one
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        const first = lines[0] ?? "";
        out.push(`${indent}- ${first.slice(indent.length + 2)}`, ...lines.slice(1));
      } else if (isBlock(item)) {
        out.push(`${indent}-`);
        emit(item, `${indent}  `, out);
      } else {
        out.push(`${indent}- ${inline(item)}`);
      }
    }
    return;
  }
  if (typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      if (isBlock(child)) {
        out.push(`${indent}${scalar(key)}:`);
        emit(child, `${indent}  `, out);
      } else {
        out.push(`${indent}${scalar(key)}: ${inline(child)}`);
      }
    }
  }
}

function inline(value: Value): string {
  if (Array.isArray(value)) return "[]";
  if (typeof value === "object") return "{}";
  if (value === undefined) return "null";
  return scalar(value);
}

function orderedRequest(request: GenerateRequest): Value {
  const ordered: { [key: string]: Value | undefined } = {};
  for (const field of GENERATE_BODY_FIELDS) ordered[field] = request[field];
  return ordered;
}

function orderedHistory(entry: SupersededTask): Value {
  return {
    task_id: entry.task_id,
    fingerprint: entry.fingerprint,
    state: entry.state,
    reason: entry.reason,
    result_url: entry.result_url,
    sha256: entry.sha256,
  };
}

function orderedTake(take: LockTake): Value {
  return {
    take: take.take,
    state: take.state,
    fingerprint: take.fingerprint,
    request: orderedRequest(take.request),
    task_id: take.task_id,
    submitted_at: take.submitted_at,
    finished_at: take.finished_at,
    result_url: take.result_url,
    clip: take.clip,
    bytes: take.bytes,
    sha256: take.sha256,
    error: take.error,
    history: take.history && take.history.length > 0 ? take.history.map(orderedHistory) : undefined,
  };
}

function orderedShot(shot: LockShot): Value {
  return {
    id: shot.id,
    fingerprint: shot.fingerprint,
    picked_take: shot.picked_take,
    takes: [...shot.takes].sort((a, b) => a.take - b.take).map(orderedTake),
  };
}

export const LOCK_HEADER =
  "# gallop lockfile: every paid generation of the storyboard. Commit it; do not edit by hand.\n" +
  "# yaml-language-server: $schema=https://unpkg.com/gallop/schemas/lock.schema.json\n";

/** The lockfile's bytes. Shots are written in the order given (the caller sorts them). */
export function serializeLock(lock: LockFile): string {
  const uploads: Record<string, Value> = {};
  for (const sha of Object.keys(lock.uploads).sort()) {
    const upload = lock.uploads[sha];
    if (upload) uploads[sha] = { url: upload.url, uploaded_at: upload.uploaded_at };
  }
  const out: string[] = [];
  emit(
    {
      version: lock.version,
      storyboard: lock.storyboard,
      uploads,
      shots: lock.shots.map(orderedShot),
    },
    "",
    out,
  );
  return `${LOCK_HEADER}${out.join("\n")}\n`;
}
