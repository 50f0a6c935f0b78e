/** Finding the YAML node (and its source range) for a path into the storyboard's data. */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
} from "yaml";
import type { Range } from "./problem.js";

export type PathSegment = string | number;

export interface Located {
  /** the deepest node found on the way (the value itself when found) */
  node: Node | null;
  /** the key of the last segment, when the value sits in a mapping */
  key: Node | null;
  /** true when every segment was found */
  found: boolean;
}

function nodeRange(node: Node | null | undefined): Range | null {
  const range = node?.range;
  return range ? [range[0], range[1]] : null;
}

/** JSON pointer (`/shots/0/id`, as ajv reports) → path segments. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => {
      const text = part.replace(/~1/g, "/").replace(/~0/g, "~");
      return /^\d+$/.test(text) ? Number(text) : text;
    });
}

/** `shots[2].prompt` for messages and JSON output. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

export class Locator {
  constructor(
    private readonly doc: Document.Parsed,
    readonly text: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** 1-based line and column of an offset (binary search). */
  position(offset: number): { line: number; col: number } {
    return this.lineCounter.linePos(offset);
  }

  /** 1-based line of an offset (binary search). */
  line(offset: number): number {
    return this.lineCounter.linePos(offset).line;
  }

  private deref(node: unknown): Node | null {
    let current = node;
    for (let hops = 0; isAlias(current) && hops < 100; hops++) {
      current = current.resolve(this.doc);
    }
    return (current as Node | null | undefined) ?? null;
  }

  /** Walks the path; each step is O(keys of one mapping) or O(1) for a list index. */
  find(path: readonly PathSegment[]): Located {
    let node = this.deref(this.doc.contents);
    let key: Node | null = null;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) =>
            isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) return { node, key: null, found: false };
        key = pair.key as Node;
        const value = this.deref(pair.value);
        if (!value) return { node: null, key, found: true };
        node = value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = this.deref(node.items[segment]);
        if (!item) return { node, key: null, found: false };
        key = null;
        node = item;
      } else {
        return { node, key, found: false };
      }
    }
    return { node, key, found: true };
  }

  /** The range of a value (or its key when the value is empty), or of the nearest parent. */
  value(path: readonly PathSegment[]): Range | null {
    const { node, key, found } = this.find(path);
    if (found) {
      const range = nodeRange(node);
      if (range && range[1] > range[0]) return range;
      return nodeRange(key) ?? range;
    }
    return this.head(node);
  }

  /** The range of the key of the last segment (for unknown keys), else the value's. */
  key(path: readonly PathSegment[]): Range | null {
    const located = this.find(path);
    return located.found && located.key ? nodeRange(located.key) : this.value(path);
  }

  /** The first line of a mapping or list: where to point when something is missing in it. */
  head(node: Node | null): Range | null {
    const range = nodeRange(node);
    if (!range) return [0, 0];
    const lineEnd = this.text.indexOf("\n", range[0]);
    const end = lineEnd === -1 || lineEnd > range[1] ? range[1] : lineEnd;
    return [range[0], Math.max(end, range[0] + 1)];
  }

  /** The head of the node at `path`. */
  headOf(path: readonly PathSegment[]): Range | null {
    return this.head(this.find(path).node);
  }

  /**
   * The range of `needle` inside the source of the string at `path` (e.g. a `{{var}}` in a
   * prompt); the whole value when the text is written differently in the source (escapes).
   */
  within(path: readonly PathSegment[], needle: string, occurrence = 0): Range | null {
    const whole = this.value(path);
    if (!whole) return null;
    const source = this.text.slice(whole[0], whole[1]);
    let index = -1;
    for (let i = 0; i <= occurrence; i++) {
      index = source.indexOf(needle, index + 1);
      if (index === -1) return whole;
    }
    return [whole[0] + index, whole[0] + index + needle.length];
  }

  /** The raw source text of the value at `path`. */
  raw(path: readonly PathSegment[]): string | undefined {
    const { node, found } = this.find(path);
    const range = nodeRange(node);
    return found && range ? this.text.slice(range[0], range[1]) : undefined;
  }
}
