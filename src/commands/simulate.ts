import { UsageError } from "../errors.js";
import { parseDuration } from "../manifest/duration.js";
import { type Fault, parseFault } from "../simulator/faults.js";
import { simMessages } from "../simulator/messages.js";
import { startSimulator } from "../simulator/server.js";
import { type Command, type OptionValues, stringOption } from "./command.js";

function numberOption(
  values: OptionValues,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(
      `--${name} ${JSON.stringify(text)}: expected a number from ${min} to ${max}.`,
    );
  }
  return value;
}

export const simulateCommand: Command = {
  name: "simulate",
  summary: "Run the built-in HppyHorse 1.1 simulator (a local server that renders real MP4s)",
  usage: "",
  details: [
    "Serves POST /api/happyhorse-1-1/generate, POST /api/generate, GET /api/happyhorse-1-1/status,",
    "GET /api/status, GET /files/<task>.mp4 (results) and POST /sim/uploads (raw image bytes → URL).",
    "Runs until Ctrl-C (SIGINT) or SIGTERM.",
    "",
    "Faults (--fault KIND:ENDPOINT[:N], repeatable; applies to the next N requests of that endpoint):",
    "  kinds: 429, 500, 502, 503, 504, reset-before-body, reset-after-body, no-response,",
    "         envelope-500, truncate and corrupt (download), pending and success-no-url (status)",
    "  endpoints: generate, status, download, upload",
  ].join("\n"),
  options: {
    port: {
      type: "string",
      valueName: "N",
      description: "port to listen on (0 = pick a free one; default 0)",
    },
    host: {
      type: "string",
      valueName: "HOST",
      description: "address to listen on (default 127.0.0.1)",
    },
    key: {
      type: "string",
      valueName: "KEY",
      description: "API key to accept (default: generate one and print it)",
    },
    latency: {
      type: "string",
      valueName: "DURATION",
      description: "time from submission to result (default 3s)",
    },
    jitter: {
      type: "string",
      valueName: "0..1",
      description: "± fraction of the latency (default 0.2)",
    },
    "failure-rate": {
      type: "string",
      valueName: "0..1",
      description: "share of tasks that end FAILED (default 0)",
    },
    audio: {
      type: "string",
      valueName: "some|always|never",
      description: "which clips carry an audio track (default some)",
    },
    fault: {
      type: "string",
      valueName: "KIND:ENDPOINT[:N]",
      description: "inject a fault (repeatable)",
      multiple: true,
    },
    "request-log": {
      type: "string",
      valueName: "FILE.jsonl",
      description: "append every request (never the key) to this file",
    },
  },
  async run({ values, io }) {
    const portText = stringOption(values, "port") ?? "0";
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(simMessages.badPort(portText));
    }
    const latencyText = stringOption(values, "latency");
    const latencyMs = latencyText === undefined ? undefined : parseDuration(latencyText);
    if (latencyText !== undefined && latencyMs === undefined) {
      throw new UsageError(
        `--latency ${JSON.stringify(latencyText)}: not a duration (e.g. 3s, 500ms).`,
      );
    }
    const audio = stringOption(values, "audio");
    if (audio !== undefined && audio !== "some" && audio !== "always" && audio !== "never") {
      throw new UsageError(simMessages.badAudio(audio));
    }
    const faultSpecs = values.fault;
    const faults: Fault[] = (Array.isArray(faultSpecs) ? faultSpecs : []).map(parseFault);
    const givenKey = stringOption(values, "key");
    const jitter = numberOption(values, "jitter", 0, 1);
    const failureRate = numberOption(values, "failure-rate", 0, 1);
    const host = stringOption(values, "host");
    const requestLog = stringOption(values, "request-log");
    const simulator = await startSimulator({
      port,
      faults,
      ...(host ? { host } : {}),
      ...(givenKey ? { key: givenKey } : {}),
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      ...(jitter !== undefined ? { jitter } : {}),
      ...(failureRate !== undefined ? { failureRate } : {}),
      ...(audio ? { audio } : {}),
      ...(requestLog ? { requestLog } : {}),
    });
    io.stdout.write(simMessages.banner(simulator.url, simulator.key, !givenKey));
    // The listeners stay until the simulator is closed: execa's signal-exit handler (for a
    // render in flight) re-raises the signal when it finds itself the only listener left.
    let stop: (name: NodeJS.Signals) => void = () => {};
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      stop = resolve;
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    await simulator.close();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    // Ctrl-C / SIGTERM is how a simulator is meant to stop: a clean exit.
    io.stderr.write(simMessages.stoppedBy(signal));
    return 0;
  },
};
