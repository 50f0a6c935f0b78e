/**
 * The options shared by every command that talks to the HppyHorse API (run, status), and the
 * one function that turns them into a client — the real API, or with --simulate a simulator
 * started in-process on 127.0.0.1 with a freshly generated key that is never printed.
 */
import { readFile } from "node:fs/promises";
import { extname } from "node:path";
import { createClient, type EndpointFamily } from "../api/client.js";
import { resolveApiConfig } from "../api/config.js";
import { optionMessages } from "../api/messages.js";
import type { HppyHorseClient } from "../api/types.js";
import { ExitError, UsageError } from "../errors.js";
import { parseDuration } from "../manifest/duration.js";
import { startSimulator } from "../simulator/server.js";
import type { PollingConfig } from "../types.js";
import {
  booleanOption,
  type CommandIO,
  type OptionTable,
  type OptionValues,
  stringOption,
} from "./command.js";

export const apiOptions: OptionTable = {
  "base-url": {
    type: "string",
    valueName: "URL",
    description: "HppyHorse API base URL (default: $HPPYHORSE_BASE_URL or https://hppyhorse.com)",
  },
  "api-key-env": {
    type: "string",
    valueName: "NAME",
    description: "read the API key from this environment variable (default HPPYHORSE_API_KEY)",
  },
  simulate: {
    type: "boolean",
    description: "run against a local simulator started for this command (no key, no cost)",
  },
  endpoints: {
    type: "string",
    valueName: "v1.1|stable",
    description:
      "v1.1: /api/happyhorse-1-1/generate|status (default); stable: /api/generate|status",
  },
  "poll-initial-delay": {
    type: "string",
    valueName: "DURATION",
    description: "wait before the first status check (e.g. 5s; overrides polling.initial_delay)",
  },
  "poll-interval": {
    type: "string",
    valueName: "DURATION",
    description: "first interval between status checks (e.g. 10s); grows by a fifth per poll",
  },
  "poll-max-interval": {
    type: "string",
    valueName: "DURATION",
    description: "longest interval between status checks (e.g. 20s)",
  },
  "poll-timeout": {
    type: "string",
    valueName: "DURATION",
    description: "give up polling a take after this long (e.g. 15m); the task id is kept",
  },
  "request-timeout": {
    type: "string",
    valueName: "DURATION",
    description: "timeout of one HTTP request, and stall timeout of a download (default 30s)",
  },
};

/** Latency of the in-process simulator: a short, demo-friendly wait (GALLOP_SIMULATE_LATENCY overrides). */
const SIMULATE_LATENCY_MS = 1500;

function durationOption(values: OptionValues, flag: string): number | undefined {
  const text = stringOption(values, flag);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new UsageError(optionMessages.badDuration(flag, text));
  if (ms <= 0 && flag !== "poll-initial-delay")
    throw new UsageError(optionMessages.zeroDuration(flag));
  return ms;
}

/** The --poll-* flags as overrides of the storyboard's `polling:` section. */
export function pollingOverrides(values: OptionValues): Partial<PollingConfig> {
  const overrides: Partial<PollingConfig> = {};
  const initial = durationOption(values, "poll-initial-delay");
  const interval = durationOption(values, "poll-interval");
  const max = durationOption(values, "poll-max-interval");
  const timeout = durationOption(values, "poll-timeout");
  if (initial !== undefined) overrides.initialDelayMs = initial;
  if (interval !== undefined) overrides.intervalMs = interval;
  if (max !== undefined) overrides.maxIntervalMs = max;
  if (timeout !== undefined) overrides.timeoutMs = timeout;
  return overrides;
}

export interface ApiConnection {
  client: HppyHorseClient;
  simulated: boolean;
  /** --simulate only: uploads a local image to the simulator and returns its URL */
  uploadImage?: (absPath: string, sha256: string) => Promise<string>;
  close(): Promise<void>;
}

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
};

/** Builds the client the options ask for; with --simulate, starts the simulator first. */
export async function connectFromOptions(
  values: OptionValues,
  io: CommandIO,
  _context: { storyboardDir?: string } = {},
): Promise<ApiConnection> {
  const simulate = booleanOption(values, "simulate");
  const baseUrl = stringOption(values, "base-url");
  const endpointsText = stringOption(values, "endpoints") ?? "v1.1";
  if (endpointsText !== "v1.1" && endpointsText !== "stable") {
    throw new UsageError(optionMessages.badEndpoints(endpointsText));
  }
  const endpoints: EndpointFamily = endpointsText;
  const requestTimeoutMs = durationOption(values, "request-timeout");
  pollingOverrides(values); // reject bad --poll-* values before anything starts

  if (!simulate) {
    const apiKeyEnv = stringOption(values, "api-key-env");
    const config = resolveApiConfig({
      env: io.env,
      ...(baseUrl ? { baseUrl } : {}),
      ...(apiKeyEnv ? { apiKeyEnv } : {}),
    });
    const client = createClient({
      ...config,
      endpoints,
      ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
    });
    return { client, simulated: false, close: async () => {} };
  }

  if (baseUrl) throw new UsageError(optionMessages.simulateWithBaseUrl);
  const latencyText = io.env.GALLOP_SIMULATE_LATENCY;
  const latencyMs = (latencyText ? parseDuration(latencyText) : undefined) ?? SIMULATE_LATENCY_MS;
  // A fresh random key (startSimulator's default); it is never printed.
  const simulator = await startSimulator({ latencyMs, jitter: 0.3 });
  const client = createClient({
    baseUrl: simulator.url,
    apiKey: simulator.key,
    endpoints,
    ...(requestTimeoutMs ? { requestTimeoutMs } : {}),
  });
  const uploaded = new Map<string, Promise<string>>();
  const uploadImage = (absPath: string, sha256: string): Promise<string> => {
    let url = uploaded.get(sha256);
    if (!url) {
      url = uploadToSimulator(simulator.url, simulator.key, absPath);
      uploaded.set(sha256, url);
      url.catch(() => uploaded.delete(sha256));
    }
    return url;
  };
  return { client, simulated: true, uploadImage, close: () => simulator.close() };
}

async function uploadToSimulator(baseUrl: string, key: string, absPath: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(absPath);
  } catch (error) {
    throw new UsageError(optionMessages.uploadFailed(absPath, (error as Error).message));
  }
  const response = await fetch(`${baseUrl}/sim/uploads`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${key}`,
      "content-type": IMAGE_TYPES[extname(absPath).toLowerCase()] ?? "application/octet-stream",
    },
    body: bytes,
  });
  const payload = (await response.json().catch(() => undefined)) as
    | { code?: number; message?: string; data?: { url?: string } }
    | undefined;
  const url = payload?.data?.url;
  if (!response.ok || payload?.code !== 200 || typeof url !== "string") {
    throw new ExitError(
      optionMessages.uploadFailed(absPath, payload?.message ?? `HTTP ${response.status}`),
    );
  }
  return url;
}
