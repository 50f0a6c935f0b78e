import { relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { ExitCode, UsageError } from "../errors.js";
import { type LockSession, loadLock, lockStatePaths } from "../lock/index.js";
import { loadStoryboard } from "../manifest/index.js";
import { locateBinary, stitchFilm, stitchUnlessUnchanged } from "../media/index.js";
import { lockPathFor } from "../paths.js";
import { writeReport } from "../report/index.js";
import { formatCounts, formatOutcomes } from "../run/format.js";
import { runStoryboard } from "../run/index.js";
import * as say from "../run/messages.js";
import { chooseRenderer, jsonView, listView } from "../run/view.js";
import { parseShard } from "../shard/shard.js";
import { DEFAULT_POLLING, type PollingConfig, type Storyboard } from "../types.js";
import { version } from "../version.js";
import { apiOptions, connectFromOptions, pollingOverrides } from "./api-options.js";
import { booleanOption, type Command, type CommandIO, stringOption } from "./command.js";
import { onlyOption, storyboardArgument } from "./plan.js";

/**
 * With --simulate and no `polling:` in the storyboard, poll the in-process simulator every
 * 200 ms instead of the API document's 10-20 s, so a demo takes seconds.
 */
const SIMULATE_POLLING: PollingConfig = {
  initialDelayMs: 200,
  intervalMs: 200,
  maxIntervalMs: 1000,
  timeoutMs: 5 * 60_000,
};

function isDefaultPolling(polling: PollingConfig): boolean {
  return (Object.keys(DEFAULT_POLLING) as (keyof PollingConfig)[]).every(
    (k) => polling[k] === DEFAULT_POLLING[k],
  );
}

function concurrencyOption(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(say.badConcurrency(text));
  return n;
}

type Answer = "yes" | "no" | "interrupted";

/**
 * Asks a y/N question on the terminal. readline reads the terminal in raw mode, so Ctrl-C and
 * Ctrl-D reach it as keys, not as signals: without handling, the question rejects with an
 * AbortError that would surface as an internal error. Ctrl-C (or a signal while asking) is an
 * interruption; Ctrl-D or a closed input is a "no".
 */
async function ask(io: CommandIO, question: string, signal: AbortSignal): Promise<Answer> {
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  // closing the interface does not settle a pending question (Node 20); aborting does
  const abandon = new AbortController();
  const onAbort = () => abandon.abort();
  signal.addEventListener("abort", onAbort, { once: true });
  rl.on("SIGINT", onAbort);
  try {
    const answer = await rl.question(question, { signal: abandon.signal });
    return /^y(es)?$/i.test(answer.trim()) ? "yes" : "no";
  } catch {
    return abandon.signal.aborted ? "interrupted" : "no";
  } finally {
    signal.removeEventListener("abort", onAbort);
    rl.close();
  }
}

export const runCommand: Command = {
  name: "run",
  summary:
    "Generate every new or changed shot, download the clips, record them in the lockfile, stitch the film",
  usage: "FILE",
  details: `Resumable: every task id is recorded (fsynced) before it is polled, so rerunning after a
crash, Ctrl-C or timeout polls the same tasks and never pays twice. In a terminal it shows the
plan and asks before submitting paid generations (--yes skips the question; without a terminal
it proceeds). Exit codes: 0 every take done, 1 some take failed, is uncertain or still in
flight (or another run holds the run lock), 2 invalid input or usage, 130 interrupted.
With --simulate and no \`polling:\` in the storyboard, status is polled every 200 ms.
Local images are uploaded (storyboard \`upload:\` command; the simulator under --simulate) before
anything is submitted; their URLs are cached in the lockfile by content hash.
--shard i/n runs one slice on this machine into <stem>.lock.d/shard-i-of-n.lock (seeded from the
main lockfile, never stitched); fold the shard locks back with \`gallop lock merge\`.`,
  options: {
    concurrency: {
      type: "string",
      valueName: "N",
      description: "takes in flight at once (1-64; default: the storyboard's concurrency)",
    },
    only: {
      type: "string",
      valueName: "IDS",
      multiple: true,
      description: "only these shots (comma-separated)",
    },
    yes: {
      type: "boolean",
      short: "y",
      description: "do not ask before submitting paid generations",
    },
    json: { type: "boolean", description: "print one JSON event per line on stdout" },
    "resubmit-uncertain": {
      type: "boolean",
      description:
        "resubmit takes whose earlier submission has an unknown outcome (may bill twice)",
    },
    "no-stitch": { type: "boolean", description: "do not stitch the film at the end" },
    "no-report": {
      type: "boolean",
      description: "do not write the HTML contact sheet (out/<name>/index.html) at the end",
    },
    verify: { type: "boolean", description: "hash every clip instead of trusting size and mtime" },
    shard: {
      type: "string",
      valueName: "i/n",
      description:
        "run only the i-th of n slices of the shots (by shot id hash), in its own lockfile <stem>.lock.d/shard-i-of-n.lock",
    },
    reupload: {
      type: "boolean",
      description: "upload local images again even when the lockfile has a URL for them",
    },
    ...apiOptions,
  },
  async run({ positionals, values, io }) {
    const file = resolve(io.cwd, storyboardArgument(positionals, "run"));
    const json = booleanOption(values, "json");
    const concurrency = concurrencyOption(stringOption(values, "concurrency"));
    const only = onlyOption(values);
    const shardText = stringOption(values, "shard");
    const shard = shardText === undefined ? undefined : parseShard(shardText);
    const storyboard = await loadStoryboard(file);
    const connection = await connectFromOptions(values, io, { storyboardDir: storyboard.dir });
    const polling: PollingConfig = {
      ...(connection.simulated && isDefaultPolling(storyboard.polling)
        ? SIMULATE_POLLING
        : storyboard.polling),
      ...pollingOverrides(values),
    };
    const shownFile = relative(io.cwd, storyboard.file) || storyboard.file;
    const view = json ? jsonView(io) : listView(chooseRenderer(io, json), io);
    const interactive = Boolean(io.stdin.isTTY && io.stderr.isTTY) && !json;

    // First Ctrl-C (or SIGTERM): stop submitting, record what is in flight, exit 130.
    // Second Ctrl-C: exit at once; queued journal entries are written synchronously first.
    const stop = new AbortController();
    let session: LockSession | undefined;
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1 || signal === "SIGTERM") {
        if (!json) io.stderr.write(`\n${say.secondSignalHint}\n`);
        stop.abort(new Error("interrupted"));
        return;
      }
      session?.flushSync();
      io.stderr.write(`\n${say.interruptedHard(shownFile)}\n`);
      process.exit(ExitCode.interrupted);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
      const result = await runStoryboard(storyboard, {
        client: connection.client,
        polling,
        ...(concurrency ? { concurrency } : {}),
        signal: stop.signal,
        onEvent: (event) => view.onEvent(event),
        ...(connection.uploadImage ? { uploadImage: connection.uploadImage } : {}),
        ...(only ? { only } : {}),
        ...(shard ? { shard } : {}),
        reupload: booleanOption(values, "reupload"),
        resubmitUncertain: booleanOption(values, "resubmit-uncertain"),
        verify: booleanOption(values, "verify"),
        stitch: booleanOption(values, "no-stitch")
          ? false
          : (input) =>
              stitchUnlessUnchanged(
                input,
                {
                  recordPath: lockStatePaths(lockPathFor(storyboard.file)).filmRecord,
                  version: version(),
                },
                () => stitchFilm({ ...input, storyboardFile: storyboard.file }),
              ),
        onLockOpened: (opened) => {
          session = opened;
        },
        confirm: async (plan) => {
          if (json) return true;
          const { paidGenerations, seconds } = plan.summary;
          io.stderr.write(`${say.planSummary(paidGenerations, seconds)}\n`);
          if (paidGenerations === 0 || booleanOption(values, "yes") || !interactive) return true;
          const answer = await ask(io, say.confirmPrompt(paidGenerations, seconds), stop.signal);
          if (answer === "interrupted") {
            stop.abort(new Error("interrupted"));
            io.stderr.write(`${say.declinedByInterrupt}\n`);
          } else if (answer === "no") io.stderr.write(`${say.declined}\n`);
          return answer === "yes";
        },
      });
      await view.finish();
      if (result.declined) return stop.signal.aborted ? ExitCode.interrupted : ExitCode.failed;
      // The contact sheet reads the lock the run just wrote; shards have no whole picture.
      const report =
        result.interrupted || shard || booleanOption(values, "no-report")
          ? undefined
          : await writeRunReport(storyboard, io);
      if (!json) {
        io.stdout.write(`\n${formatOutcomes(result.outcomes)}`);
        const counts: Record<string, number> = {};
        for (const o of result.outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
        io.stdout.write(`\n${formatCounts(counts)}\n`);
        if (result.stitched) {
          const mb = (result.stitched.bytes / 1e6).toFixed(1);
          io.stdout.write(
            `Film: ${relative(io.cwd, result.stitched.path)} (${result.stitched.durationSeconds.toFixed(2)} s, ${mb} MB, ${result.stitched.mode})\n`,
          );
        }
        if (report?.ok) io.stdout.write(`Contact sheet: ${relative(io.cwd, report.html)}\n`);
        if (result.authError) io.stderr.write(`${say.authStopped(result.authError)}\n`);
        if (result.outcomes.some((o) => o.status === "uncertain"))
          io.stderr.write(`${say.uncertainHint}\n`);
      }
      if (report && !report.ok) io.stderr.write(`${say.reportFailed(report.message)}\n`);
      if (json && report?.ok) {
        io.stdout.write(
          `${JSON.stringify({ event: "report", html: report.html, strip: report.strip })}\n`,
        );
      }
      if (result.interrupted) io.stderr.write(`${say.interrupted(shownFile)}\n`);
      return result.exitCode;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await connection.close();
    }
  },
};

type RunReport = { ok: true; html: string; strip: string } | { ok: false; message: string };

/** Writes the contact sheet after a run; a failure is reported, never fatal to a paid run. */
async function writeRunReport(storyboard: Storyboard, io: CommandIO): Promise<RunReport> {
  try {
    const { state } = await loadLock(lockPathFor(storyboard.file), storyboard.file);
    const ffmpegPath = locateBinary("ffmpeg", { env: io.env }).path;
    const result = await writeReport(storyboard, state, { ffmpegPath });
    for (const warning of result.warnings) io.stderr.write(`${warning}\n`);
    return { ok: true, html: result.htmlPath, strip: result.stripPath };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
