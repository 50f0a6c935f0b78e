/**
 * Fault injection: each fault targets one endpoint kind and applies to the next N requests
 * of that kind (in the order they were added).
 */
import { UsageError } from "../errors.js";
import { simMessages } from "./messages.js";

export const FAULT_KINDS = [
  "429",
  "500",
  "502",
  "503",
  "504",
  "reset-before-body",
  "reset-after-body",
  "no-response",
  "truncate",
  "corrupt",
  "envelope-500",
  "pending",
  "success-no-url",
  "not-found",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const ENDPOINT_KINDS = ["generate", "status", "download", "upload"] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface Fault {
  kind: FaultKind;
  endpoint: EndpointKind;
  /** how many requests it applies to (default 1) */
  times?: number;
  /** 429 only: the Retry-After header, in seconds or an HTTP-date (default 1) */
  retryAfter?: number | string;
}

const ONLY: Partial<Record<FaultKind, EndpointKind[]>> = {
  truncate: ["download"],
  corrupt: ["download"],
  pending: ["status"],
  "success-no-url": ["status"],
  "not-found": ["status"],
};

export function checkFault(fault: Fault): Fault {
  if (!(FAULT_KINDS as readonly string[]).includes(fault.kind)) {
    throw new UsageError(simMessages.badFault(String(fault.kind)));
  }
  if (!(ENDPOINT_KINDS as readonly string[]).includes(fault.endpoint)) {
    throw new UsageError(simMessages.badFault(`${fault.kind}:${fault.endpoint}`));
  }
  const only = ONLY[fault.kind];
  if (only && !only.includes(fault.endpoint)) {
    throw new UsageError(simMessages.faultNotForEndpoint(fault.kind, fault.endpoint));
  }
  return fault;
}

/** Parses `KIND:ENDPOINT[:N]` (the --fault flag). */
export function parseFault(spec: string): Fault {
  const [kind, endpoint, count, extra] = spec.split(":");
  const times = count === undefined ? 1 : Number(count);
  if (!kind || !endpoint || extra !== undefined || !Number.isInteger(times) || times < 1) {
    throw new UsageError(simMessages.badFault(spec));
  }
  return checkFault({ kind: kind as FaultKind, endpoint: endpoint as EndpointKind, times });
}

/** The queue of pending faults. */
export class FaultQueue {
  private readonly pending: { fault: Fault; left: number }[] = [];

  add(...faults: Fault[]): void {
    for (const fault of faults) {
      checkFault(fault);
      this.pending.push({ fault, left: fault.times ?? 1 });
    }
  }

  /** Takes the next fault for this endpoint kind, if any. */
  take(endpoint: EndpointKind): Fault | undefined {
    const entry = this.pending.find((p) => p.fault.endpoint === endpoint && p.left > 0);
    if (!entry) return undefined;
    entry.left--;
    return entry.fault;
  }

  /** Faults not yet used up. */
  remaining(): Fault[] {
    return this.pending.filter((p) => p.left > 0).map((p) => ({ ...p.fault, times: p.left }));
  }
}
