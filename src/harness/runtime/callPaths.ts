/**
 * Harness call stacks, cheaply: the compiled harness calls `enter(siteId)` just before each of
 * its own calls runs and `leave()` after it returns, and this keeps the current stack as a node
 * of a trie of call paths. A node id names a whole stack, so an allocation records one int; the
 * Site[] of a node (innermost first, at most `maxFrames`, 8 unless memcheck's `--num-callers` says
 * otherwise) is built once, when first asked for.
 */
import type { Site } from '../../analysis/analysisInput';

export const MAX_FRAMES = 8;

/** memcheck's `--num-callers` bounds: valgrind 3.19 refuses a value outside them. */
export const MIN_NUM_CALLERS = 1;
export const MAX_NUM_CALLERS = 500;

/**
 * The harness frames a call path's stack keeps under memcheck's `--num-callers=N`: memcheck counts
 * its allocator's frame (`at malloc`, `at free`) as the first of the N of an allocation's, a free's
 * and a heap call's stack, and a harness stack has no such frame, so these keep N − 1 harness
 * frames; at least 1, the allocating line (memcheck's `=1` keeps `malloc` alone, which names no
 * line). Without the option, `MAX_FRAMES`.
 */
export function callPathFrames(numCallers: number | undefined): number {
  return numCallers === undefined ? MAX_FRAMES : Math.max(1, numCallers - 1);
}

/**
 * The harness frames a stack that starts at a harness line keeps under memcheck's
 * `--num-callers=N`: an access error's own stack, and the stack a run ends with on a throw (a
 * JS error, a rejection main awaited, a stack overflow), as memcheck's "Process terminating"
 * stack keeps N. Without the option, `MAX_FRAMES`.
 */
export function ownStackFrames(numCallers: number | undefined): number {
  return numCallers ?? MAX_FRAMES;
}
/** Node 0 is the empty stack (code not called through an instrumented call, e.g. `main` itself). */
export const ROOT_PATH = 0;

export class CallPaths {
  /** The current stack. */
  current = ROOT_PATH;
  parent = new Int32Array(1024);
  site = new Int32Array(1024);
  count = 1;
  private readonly children = new Map<number, number>();
  private readonly stride: number;
  private readonly stacks: (Site[] | undefined)[] = [];

  constructor(
    readonly sites: readonly Site[],
    private readonly unknownSite: Site,
    /** The frames a stack keeps, innermost first (see `callPathFrames`). */
    private readonly maxFrames = MAX_FRAMES,
  ) {
    this.stride = sites.length + 1;
    this.parent[0] = 0;
    this.site[0] = -1;
  }

  enter(siteId: number): void {
    const key = this.current * this.stride + siteId;
    const child = this.children.get(key);
    this.current = child === undefined ? this.add(key, siteId) : child;
  }

  leave(): void {
    this.current = this.parent[this.current]!;
  }

  private add(key: number, siteId: number): number {
    const id = this.count;
    // Grown before the id is taken, and both or neither: a stack overflow the harness catches may
    // fall inside `grow`, and an id past the tables would give every later stack unknown frames.
    if (id === this.parent.length) {
      const parent = grow(this.parent);
      const site = grow(this.site);
      this.parent = parent;
      this.site = site;
    }
    this.parent[id] = this.current;
    this.site[id] = siteId;
    this.count = id + 1;
    this.children.set(key, id);
    return id;
  }

  /** The innermost site id of a stack, or -1 for the empty stack. */
  innermost(path: number): number {
    return this.site[path]!;
  }

  /**
   * The site ids of a stack's first `frames` frames (at most `maxFrames`, as `stack` keeps), as a
   * key: two paths with the same key have the same first frames, however they part deeper.
   */
  leadingKey(path: number, frames: number): string {
    let key = '';
    const n = Math.min(frames, this.maxFrames);
    for (let p = path, i = 0; p !== ROOT_PATH && i < n; p = this.parent[p]!, i++) key += `${this.site[p]!},`;
    return key;
  }

  /** The stack's frames, innermost first, at most `maxFrames` (an empty stack gives the unknown site). */
  stack(path: number): Site[] {
    let stack = this.stacks[path];
    if (stack) return stack;
    stack = [];
    for (let p = path; p !== ROOT_PATH && stack.length < this.maxFrames; p = this.parent[p]!) {
      stack.push(this.sites[this.site[p]!] ?? this.unknownSite);
    }
    if (stack.length === 0) stack.push(this.unknownSite);
    this.stacks[path] = stack;
    return stack;
  }
}

export function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T): T {
  const bigger = new (array.constructor as new (n: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
