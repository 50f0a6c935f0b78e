/**
 * A faithful local HppyHorse 1.1 server: both endpoint families, the {code, message, data}
 * envelope, IN_PROGRESS → SUCCESS/FAILED after a latency, real MP4 results, an upload endpoint
 * for local images, a request log, and fault injection. It never fetches a remote URL.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import pLimit from "p-limit";
import type { GenerateRequest } from "../types.js";
import { type EndpointKind, type Fault, FaultQueue } from "./faults.js";
import { simMessages } from "./messages.js";
import { clipSize, renderClip } from "./render.js";
import { validateGenerate } from "./validate.js";

export interface SimulatorOptions {
  /** 0 (default) picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the API key it accepts; default: a random one */
  key?: string;
  /** time from submission to SUCCESS/FAILED (default 3000 ms) */
  latencyMs?: number;
  /** ± fraction of the latency, 0..1 (default 0.2) */
  jitter?: number;
  /** share of tasks that end FAILED, 0..1 (default 0) */
  failureRate?: number;
  /** which clips carry an audio track (default "some": decided by a hash of the task id) */
  audio?: "some" | "always" | "never";
  /** where clips and uploads are kept; default: a temp folder removed by close() */
  workDir?: string;
  faults?: Fault[];
  /** "full" renders each task; "cache" renders one clip per size/duration/audio and reuses it */
  render?: "full" | "cache";
  /** renders at once (default 2) */
  renderConcurrency?: number;
  /** append every request to this JSONL file */
  requestLog?: string;
  random?: () => number;
}

/** One request as the simulator saw it. Never contains the Authorization header. */
export interface SimRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  endpoint?: EndpointKind;
  /** the parsed JSON body (generate), or undefined */
  body?: unknown;
  /** HTTP status returned; 0 when no answer was sent (reset, held open) */
  status: number;
  /** epoch ms when the request arrived */
  time: number;
  /** the task created by this request (generate) */
  taskId?: string;
  fault?: string;
}

export type SimTaskState = "IN_PROGRESS" | "SUCCESS" | "FAILED";

export interface SimTask {
  id: string;
  model: string;
  request: GenerateRequest;
  createdAt: number;
  readyAt: number;
  state: SimTaskState;
  errorMessage?: string;
  audio: boolean;
  /** the rendered clip, once ready */
  file?: string;
}

export interface Simulator {
  url: string;
  key: string;
  port: number;
  requests: SimRequest[];
  /** every task created, in order (a snapshot) */
  readonly tasks: SimTask[];
  addFaults(...faults: Fault[]): void;
  /** the local file behind a URL of this simulator's uploads */
  imagePathFor(url: string): string | undefined;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface TaskRecord extends SimTask {
  outcome: "success" | "failed";
  render?: Promise<string>;
  renderError?: string;
}

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const GENERATE_PATHS = new Set(["/api/happyhorse-1-1/generate", "/api/generate"]);
const STATUS_PATHS = new Set(["/api/happyhorse-1-1/status", "/api/status"]);

function endpointOf(method: string, path: string): EndpointKind | undefined {
  if (GENERATE_PATHS.has(path) && method === "POST") return "generate";
  if (STATUS_PATHS.has(path) && method === "GET") return "status";
  if (path.startsWith("/files/") && (method === "GET" || method === "HEAD")) return "download";
  if (path === "/sim/uploads" && method === "POST") return "upload";
  return undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? "too-large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const EXTENSIONS: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/webp": ".webp",
  "image/gif": ".gif",
};

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const key = options.key ?? `sim-${randomBytes(18).toString("base64url")}`;
  const latencyMs = options.latencyMs ?? 3000;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  const failureRate = Math.min(1, Math.max(0, options.failureRate ?? 0));
  const random = options.random ?? Math.random;
  const ownsWorkDir = !options.workDir;
  const workDir = options.workDir ?? (await mkdtemp(join(tmpdir(), "gallop-sim-")));
  const clipsDir = join(workDir, "clips");
  const uploadsDir = join(workDir, "uploads");
  await mkdir(clipsDir, { recursive: true });
  await mkdir(uploadsDir, { recursive: true });
  const faults = new FaultQueue();
  faults.add(...(options.faults ?? []));
  const renderLimit = pLimit(options.renderConcurrency ?? 2);
  const renderAbort = new AbortController();
  const requests: SimRequest[] = [];
  const tasks = new Map<string, TaskRecord>();
  const cache = new Map<string, Promise<string>>();
  const held = new Set<Socket>();
  let logWrites = Promise.resolve();

  /** Logs a request now; its JSONL line is written once its answer is finished (or abandoned). */
  const record = (entry: SimRequest, res: ServerResponse) => {
    requests.push(entry);
    const file = options.requestLog;
    if (!file) return;
    res.once("close", () => {
      const line = `${JSON.stringify(entry)}\n`;
      logWrites = logWrites.then(() => appendFile(file, line)).catch(() => {});
    });
  };

  const imagePathFor = (url: string): string | undefined => {
    try {
      const { pathname } = new URL(url);
      if (!pathname.startsWith("/sim/uploads/")) return undefined;
      const path = join(uploadsDir, basename(pathname));
      return existsSync(path) ? path : undefined;
    } catch {
      return undefined;
    }
  };

  const audioFor = (id: string): boolean => {
    if (options.audio === "always") return true;
    if (options.audio === "never") return false;
    return createHash("sha256").update(id).digest()[0]! % 2 === 0;
  };

  const startRender = (task: TaskRecord): Promise<string> => {
    const request = task.request;
    if (options.render === "cache") {
      const size = clipSize(request.resolution, request.aspect_ratio ?? "16:9");
      const cacheKey = `${size.width}x${size.height}-${request.duration}-${task.audio}`;
      let clip = cache.get(cacheKey);
      if (!clip) {
        const path = join(clipsDir, `cache-${cacheKey}.mp4`);
        const generic: GenerateRequest = {
          model: "happyhorse-1-1/text-to-video",
          prompt: "cached simulator clip",
          duration: request.duration,
          resolution: request.resolution,
          aspect_ratio: request.aspect_ratio ?? "16:9",
        };
        clip = renderLimit(() =>
          renderClip(generic, path, { audio: task.audio, signal: renderAbort.signal }),
        ).then(() => path);
        cache.set(cacheKey, clip);
      }
      return clip;
    }
    const path = join(clipsDir, `${task.id}.mp4`);
    return renderLimit(() =>
      renderClip(request, path, {
        audio: task.audio,
        imagePathFor,
        label: task.id,
        signal: renderAbort.signal,
      }),
    ).then(() => path);
  };

  const createTask = (request: GenerateRequest): TaskRecord => {
    const id = `${randomBytes(6).toString("hex")}hh11`;
    const createdAt = Date.now();
    const spread = 1 + jitter * (2 * random() - 1);
    const failed = failureRate > 0 && random() < failureRate;
    const task: TaskRecord = {
      id,
      model: request.model,
      request,
      createdAt,
      readyAt: createdAt + Math.max(0, latencyMs * spread),
      state: "IN_PROGRESS",
      audio: audioFor(id),
      outcome: failed ? "failed" : "success",
    };
    if (failed) {
      task.errorMessage =
        simMessages.failures[Math.floor(random() * simMessages.failures.length)] ??
        "Generation failed";
    } else {
      task.render = startRender(task);
      task.render.then(
        (path) => {
          task.file = path;
        },
        (error: unknown) => {
          task.renderError = error instanceof Error ? error.message : String(error);
        },
      );
    }
    tasks.set(id, task);
    return task;
  };

  /** Moves a task to its final state once its time has come (and its clip exists). */
  const refresh = (task: TaskRecord) => {
    if (task.state !== "IN_PROGRESS" || Date.now() < task.readyAt) return;
    if (task.outcome === "failed") {
      task.state = "FAILED";
    } else if (task.renderError) {
      task.state = "FAILED";
      task.errorMessage = simMessages.renderFailed(task.renderError);
    } else if (task.file) {
      task.state = "SUCCESS";
    }
  };

  const send = (
    res: ServerResponse,
    entry: SimRequest,
    httpStatus: number,
    code: number,
    message: string,
    data: unknown,
    headers: Record<string, string> = {},
  ) => {
    const body = JSON.stringify({ code, message, data });
    entry.status = httpStatus;
    res.writeHead(httpStatus, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      ...headers,
    });
    res.end(body);
  };

  const hold = (req: IncomingMessage) => {
    held.add(req.socket);
    req.socket.once("close", () => held.delete(req.socket));
  };

  const applyTransportFault = (
    fault: Fault,
    req: IncomingMessage,
    res: ServerResponse,
    entry: SimRequest,
  ): boolean => {
    switch (fault.kind) {
      case "429":
        send(res, entry, 429, 429, simMessages.rateLimited, null, {
          "retry-after": String(fault.retryAfter ?? 1),
        });
        return true;
      case "500":
      case "502":
      case "503":
      case "504": {
        const status = Number(fault.kind);
        send(res, entry, status, status, simMessages.simulatedError(status), null);
        return true;
      }
      case "envelope-500":
        send(res, entry, 200, 500, simMessages.simulatedError(500), null);
        return true;
      case "reset-after-body":
        entry.status = 0;
        req.socket.destroy();
        return true;
      case "no-response":
        entry.status = 0;
        hold(req);
        return true;
      default:
        return false;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://simulator.invalid");
    const method = req.method ?? "GET";
    const path = url.pathname;
    const entry: SimRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: Date.now(),
    };
    const endpoint = endpointOf(method, path);
    if (endpoint) entry.endpoint = endpoint;
    const fault = endpoint ? faults.take(endpoint) : undefined;
    if (fault) entry.fault = fault.kind;
    record(entry, res);
    if (fault?.kind === "reset-before-body") {
      req.socket.destroy();
      return;
    }
    const raw = await readBody(req, endpoint === "upload" ? MAX_UPLOAD_BYTES : 1024 * 1024);
    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;

    if (endpoint === "generate") {
      let body: unknown;
      let parseError = false;
      try {
        body = raw === "too-large" ? undefined : JSON.parse(raw.toString("utf8"));
        entry.body = body;
      } catch {
        parseError = true;
      }
      // Gateway-level faults answer before the service looks at the request.
      if (fault && fault.kind !== "reset-after-body" && fault.kind !== "no-response") {
        if (applyTransportFault(fault, req, res, entry)) return;
      }
      if (!authorized(req)) return send(res, entry, 401, 401, simMessages.unauthorized, null);
      if (parseError || raw === "too-large") {
        return send(res, entry, 400, 400, simMessages.notJson, null);
      }
      const validation = validateGenerate(body);
      if (!validation.ok) return send(res, entry, 400, 400, validation.message, null);
      const task = createTask(validation.request);
      entry.taskId = task.id;
      // The task exists (and would be billed) even if the answer never arrives.
      if (fault && applyTransportFault(fault, req, res, entry)) return;
      return send(res, entry, 200, 200, "success", { task_id: task.id, status: "IN_PROGRESS" });
    }

    if (endpoint === "status") {
      if (fault && !["pending", "success-no-url", "not-found"].includes(fault.kind)) {
        if (applyTransportFault(fault, req, res, entry)) return;
      }
      if (!authorized(req)) return send(res, entry, 401, 401, simMessages.unauthorized, null);
      const id = url.searchParams.get("task_id");
      if (!id) return send(res, entry, 400, 400, simMessages.taskIdRequired, null);
      const task = tasks.get(id);
      entry.taskId = id;
      // "not-found": a replica that has not seen a new task yet answers as for an unknown one.
      if (!task || fault?.kind === "not-found") {
        return send(res, entry, 404, 404, simMessages.taskNotFound(id), null);
      }
      refresh(task);
      let state: string = task.state;
      let resultUrls: string[] | undefined =
        task.state === "SUCCESS" ? [`${origin}/files/${task.id}.mp4`] : undefined;
      if (fault?.kind === "pending") {
        state = "PENDING";
        resultUrls = undefined;
      } else if (fault?.kind === "success-no-url") {
        state = "SUCCESS";
        resultUrls = [];
      }
      return send(res, entry, 200, 200, "success", {
        task_id: task.id,
        status: state,
        model: task.model,
        response: resultUrls ? { resultUrls } : null,
        error_message: state === "FAILED" ? (task.errorMessage ?? "Generation failed") : null,
      });
    }

    if (endpoint === "download") {
      if (fault && applyTransportFault(fault, req, res, entry)) return;
      const id = basename(path).replace(/\.mp4$/, "");
      const task = tasks.get(id);
      if (task) refresh(task);
      if (task?.state !== "SUCCESS" || !task.file) {
        return send(res, entry, 404, 404, simMessages.fileNotReady, null);
      }
      const size = (await stat(task.file)).size;
      entry.status = 200;
      res.writeHead(200, { "content-type": "video/mp4", "content-length": size });
      if (method === "HEAD") return res.end();
      if (fault?.kind === "truncate") {
        entry.status = 0;
        const stream = createReadStream(task.file, { start: 0, end: Math.floor(size / 2) - 1 });
        stream.on("end", () => setImmediate(() => req.socket.destroy()));
        stream.pipe(res, { end: false });
        return;
      }
      if (fault?.kind === "corrupt") {
        const bytes = await readFile(task.file);
        bytes.fill(0, 0, Math.min(16, bytes.length));
        return res.end(bytes);
      }
      createReadStream(task.file).pipe(res);
      return;
    }

    if (endpoint === "upload") {
      if (fault && applyTransportFault(fault, req, res, entry)) return;
      if (!authorized(req)) return send(res, entry, 401, 401, simMessages.unauthorized, null);
      if (raw === "too-large") {
        return send(res, entry, 413, 413, simMessages.uploadTooLarge(MAX_UPLOAD_BYTES), null);
      }
      if (raw.length === 0) return send(res, entry, 400, 400, simMessages.uploadEmpty, null);
      const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
      const name = `${createHash("sha256").update(raw).digest("hex")}${EXTENSIONS[type] ?? ".img"}`;
      await writeFile(join(uploadsDir, name), raw);
      return send(res, entry, 200, 200, "success", { url: `${origin}/sim/uploads/${name}` });
    }

    if (method === "GET" && path.startsWith("/sim/uploads/")) {
      const file = join(uploadsDir, basename(path));
      if (!existsSync(file)) return send(res, entry, 404, 404, simMessages.notFound(path), null);
      entry.status = 200;
      res.writeHead(200, { "content-length": (await stat(file)).size });
      createReadStream(file).pipe(res);
      return;
    }
    const known = [...GENERATE_PATHS, ...STATUS_PATHS, "/sim/uploads"].includes(path);
    if (known) return send(res, entry, 405, 405, simMessages.methodNotAllowed(method, path), null);
    return send(res, entry, 404, 404, simMessages.notFound(path), null);
  };

  const authorized = (req: IncomingMessage) => req.headers.authorization === `Bearer ${key}`;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        const body = JSON.stringify({ code: 500, message: String(error), data: null });
        res.writeHead(500, { "content-type": "application/json" }).end(body);
      } else {
        res.destroy();
      }
    });
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  let closed: Promise<void> | undefined;

  const close = () => {
    closed ??= (async () => {
      renderAbort.abort();
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.allSettled([...tasks.values()].map((t) => t.render));
      await Promise.allSettled([...cache.values()]);
      await logWrites;
      if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
    })();
    return closed;
  };

  return {
    url: `http://${urlHost}:${port}`,
    key,
    port,
    requests,
    get tasks() {
      return [...tasks.values()].map((task) => {
        refresh(task);
        const { outcome: _o, render: _r, renderError: _e, ...view } = task;
        return { ...view };
      });
    },
    addFaults: (...more) => faults.add(...more),
    imagePathFor,
    close,
    [Symbol.asyncDispose]: close,
  };
}
