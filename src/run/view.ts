/**
 * What the user sees during `gallop run`: a listr2 row per take (state, elapsed, task id),
 * or one JSON event per line with --json. The renderer is chosen in ONE place
 * (chooseRenderer, STYLE.md 8); questions are asked before the task list starts.
 */
import { Listr, type ListrTask } from "listr2";
import type { RunEvent } from "./events.js";
import * as say from "./messages.js";

export type RendererKind = "default" | "simple" | "silent";

export interface ViewIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** default on a terminal, simple lines when not a terminal or in CI, silent with --json. */
export function chooseRenderer(io: ViewIO, json: boolean): RendererKind {
  if (json) return "silent";
  if (!io.stdout.isTTY || io.env.CI || io.env.TERM === "dumb") return "simple";
  return "default";
}

interface Row {
  title: string;
  startedAt?: number;
  taskId?: string;
  state: string;
  update?: (title: string) => void;
  settle?: (error?: Error) => void;
  settled: boolean;
}

const FINAL = new Set([
  "succeeded",
  "failed",
  "uncertain",
  "expired",
  "timeout",
  "incomplete",
  "stopped",
]);

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

export interface RunView {
  onEvent(event: RunEvent): void;
  /** resolves when the list has finished drawing */
  finish(): Promise<void>;
}

/** --json: one event per line on stdout. */
export function jsonView(io: ViewIO): RunView {
  return {
    onEvent(event) {
      io.stdout.write(`${JSON.stringify(event)}\n`);
    },
    async finish() {},
  };
}

/** listr2 rows, one per take that has work to do, driven by the runner's events. */
export function listView(
  kind: RendererKind,
  io: ViewIO & { stderr: NodeJS.WritableStream },
): RunView {
  const rows = new Map<string, Row>();
  let running: Promise<unknown> | undefined;
  const key = (shot: string, take: number) => `${shot}#${take}`;

  const titleOf = (row: Row) =>
    [
      row.title,
      row.state,
      row.startedAt ? elapsed(Date.now() - row.startedAt) : "",
      row.taskId ?? "",
    ]
      .filter(Boolean)
      .join("  ");

  const start = (event: Extract<RunEvent, { event: "run-started" }>) => {
    const tasks: ListrTask[] = [];
    for (const take of event.takes) {
      if (take.step === "none") continue;
      const row: Row = {
        title: `${take.shot} take ${take.take}`,
        state:
          take.step === "poll" ? "in flight" : take.step === "download" ? "to download" : "waiting",
        settled: false,
        ...(take.task_id ? { taskId: take.task_id } : {}),
      };
      rows.set(key(take.shot, take.take), row);
      tasks.push({
        title: titleOf(row),
        task: (_ctx, task) =>
          new Promise<void>((resolve, reject) => {
            row.update = (title) => {
              task.title = title;
            };
            row.settle = (error) => (error ? reject(error) : resolve());
            if (row.settled) resolve();
          }),
      });
    }
    if (tasks.length === 0) return;
    const list = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      renderer: kind,
      fallbackRenderer: "simple",
      collectErrors: "minimal",
    });
    running = list.run().catch(() => {});
  };

  return {
    onEvent(event) {
      if (event.event === "notice") {
        io.stderr.write(`${event.message}\n`);
        return;
      }
      if (event.event === "run-started") {
        start(event);
        return;
      }
      if (event.event === "uploaded") {
        io.stderr.write(`${say.uploadedImage(event.image, event.cached)}\n`);
        return;
      }
      if (event.event === "stitching") io.stderr.write(`Stitching ${event.clips} clips…\n`);
      if (event.event === "stitch-skipped") io.stderr.write(`${event.reason}\n`);
      if (event.event === "stitch-failed") io.stderr.write(`Stitching failed: ${event.error}\n`);
      if (!("shot" in event)) return;
      const row = rows.get(key(event.shot, event.take));
      if (!row) return;
      row.startedAt ??= Date.now();
      if ("task_id" in event && event.task_id) row.taskId = event.task_id;
      row.state =
        event.event === "polled" ? `polled (${event.status ?? event.error ?? "?"})` : event.event;
      row.update?.(titleOf(row));
      if (FINAL.has(event.event) && !row.settled) {
        row.settled = true;
        const detail =
          "error" in event && event.error
            ? event.error
            : "reason" in event
              ? event.reason
              : undefined;
        row.settle?.(
          event.event === "succeeded" ? undefined : new Error(`${titleOf(row)}: ${detail ?? ""}`),
        );
      }
    },
    async finish() {
      for (const row of rows.values()) {
        if (!row.settled) {
          row.settled = true;
          row.state = row.state === "waiting" ? "not started" : row.state;
          row.update?.(titleOf(row));
          row.settle?.(new Error(`${row.title}: ${row.state}`));
        }
      }
      await running;
    },
  };
}
