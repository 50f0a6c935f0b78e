import { relative, resolve } from "node:path";
import type { TaskStatus } from "../api/types.js";
import { ExitCode } from "../errors.js";
import { loadStoryboard } from "../manifest/index.js";
import { lockPathFor } from "../paths.js";
import { table } from "../run/format.js";
import * as say from "../run/messages.js";
import { loadMainView } from "../shard/fold.js";
import { takeLabel } from "../takes/messages.js";
import { apiOptions, connectFromOptions } from "./api-options.js";
import { booleanOption, type Command } from "./command.js";
import { storyboardArgument } from "./plan.js";

interface StatusRow {
  shot: string;
  take: number;
  state: string;
  in_storyboard: boolean;
  picked: boolean;
  current: boolean;
  task_id?: string;
  clip?: string;
  error?: string;
  remote?: { status: string; result_url?: string; error?: string };
}

export const statusCommand: Command = {
  name: "status",
  summary: "Show the lockfile's view of every shot and take",
  usage: "FILE",
  details: `Reads the lockfile (and the journal of a run that is going on or did not finish).
--refresh asks the API about takes still in flight (submitted or downloading) without
downloading or changing anything; it needs the same API options as \`gallop run\`.`,
  options: {
    json: { type: "boolean", description: "print the rows as JSON" },
    refresh: {
      type: "boolean",
      description: "ask the API about in-flight tasks (no download, no change)",
    },
    ...apiOptions,
  },
  async run({ positionals, values, io }) {
    const file = resolve(io.cwd, storyboardArgument(positionals, "status"));
    const storyboard = await loadStoryboard(file);
    const lockPath = lockPathFor(storyboard.file);
    const { state, existed, unmerged } = await loadMainView(storyboard);
    if (unmerged && !booleanOption(values, "json")) io.stderr.write(`${say.shardsUnmerged}\n`);
    const shots = new Map(storyboard.shots.map((s) => [s.id, s]));
    const rows: StatusRow[] = [];
    const ids = [
      ...storyboard.shots.map((s) => s.id),
      ...state.lock.shots.map((s) => s.id).filter((id) => !shots.has(id)),
    ];
    for (const id of ids) {
      const shot = shots.get(id);
      const lockShot = state.shot(id);
      const takes = lockShot?.takes ?? [];
      const count = Math.max(shot?.takes ?? 0, ...takes.map((t) => t.take));
      for (let n = 1; n <= count; n++) {
        const take = takes.find((t) => t.take === n);
        rows.push({
          shot: id,
          take: n,
          state: take?.state ?? "not generated",
          in_storyboard: Boolean(shot && n <= shot.takes),
          picked: (lockShot?.picked_take ?? 1) === n,
          current: Boolean(shot && take && take.fingerprint === shot.fingerprint),
          ...(take?.task_id ? { task_id: take.task_id } : {}),
          ...(take?.clip ? { clip: take.clip } : {}),
          ...(take?.error ? { error: take.error } : {}),
        });
      }
    }
    if (booleanOption(values, "refresh")) {
      const inFlight = rows.filter(
        (r) => r.task_id && (r.state === "submitted" || r.state === "downloading"),
      );
      if (inFlight.length > 0) {
        const connection = await connectFromOptions(values, io, { storyboardDir: storyboard.dir });
        try {
          await Promise.all(
            inFlight.map(async (row) => {
              try {
                const status: TaskStatus = await connection.client.status(row.task_id ?? "");
                row.remote = {
                  status: status.rawStatus,
                  ...(status.resultUrl ? { result_url: status.resultUrl } : {}),
                  ...(status.errorMessage ? { error: status.errorMessage } : {}),
                };
              } catch (error) {
                row.remote = { status: "unknown", error: (error as Error).message };
              }
            }),
          );
        } finally {
          await connection.close();
        }
      }
    }
    if (booleanOption(values, "json")) {
      io.stdout.write(
        `${JSON.stringify({ storyboard: storyboard.file, lock: lockPath, exists: existed, takes: rows }, null, 2)}\n`,
      );
      return ExitCode.ok;
    }
    const shown = (p: string) => relative(io.cwd, p) || p;
    io.stdout.write(
      `Status of ${shown(storyboard.file)} (lock: ${shown(lockPath)}${existed ? "" : ", not written yet"})\n`,
    );
    const notes = (r: StatusRow) =>
      [
        r.in_storyboard ? "" : "not in storyboard",
        r.state !== "not generated" && !r.current && r.in_storyboard ? "changed since" : "",
        r.remote ? `API: ${r.remote.status}${r.remote.error ? ` (${r.remote.error})` : ""}` : "",
        r.error ?? "",
      ]
        .filter(Boolean)
        .join("; ");
    io.stdout.write(
      table(
        rows.map((r) => [
          r.shot,
          takeLabel(r.take, shots.get(r.shot)?.takes ?? 0, state.shot(r.shot)?.picked_take),
          r.state,
          r.task_id ?? "",
          r.clip ?? "",
          notes(r),
        ]),
        ["SHOT", "TAKE", "STATE", "TASK", "CLIP", "NOTES"],
      ),
    );
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
    io.stdout.write(
      `\n${Object.entries(counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}\n`,
    );
    return ExitCode.ok;
  },
};
