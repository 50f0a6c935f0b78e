/**
 * The append-only run journal: one JSON line per transition, durable (fdatasync) before
 * `append` resolves. Appends that arrive while a sync is running are written together by
 * the next one (group commit), so many concurrent takes cost few syncs.
 */
import { closeSync, fdatasync, fdatasyncSync, openSync, write, writeSync } from "node:fs";
import { promisify } from "node:util";
import type { JournalEntry } from "./types.js";

const writeAsync = promisify(write) as (fd: number, data: string) => Promise<unknown>;
const syncAsync = promisify(fdatasync);

interface Pending {
  line: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class Journal {
  private readonly fd: number;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private closed = false;
  /** entries written since the journal was opened */
  count = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }

  /** Appends one entry; resolves once it is on disk. */
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`journal ${this.path} is closed`));
    const line = `${JSON.stringify(entry)}\n`;
    this.count += 1;
    return new Promise((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await writeAsync(this.fd, batch.map((p) => p.line).join(""));
        await syncAsync(this.fd);
        for (const p of batch) p.resolve();
      } catch (error) {
        for (const p of batch) p.reject(error as Error);
      }
    }
    this.flushing = undefined;
  }

  /** Resolves when everything appended so far is on disk. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * For an immediate exit (a second Ctrl-C): writes whatever is still queued synchronously.
   * Entries already being written by the async loop are completed by the kernel.
   */
  flushSync(): void {
    if (this.closed || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    writeSync(this.fd, batch.map((p) => p.line).join(""));
    fdatasyncSync(this.fd);
    for (const p of batch) p.resolve();
  }

  async close(): Promise<void> {
    await this.drain();
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
  }
}
