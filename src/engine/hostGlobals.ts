/**
 * The few host globals that portable code uses: timers, a monotonic clock, the console, random
 * bytes and base64. Node, browsers and workers all have them, but the plain ES library that the
 * portable code is type-checked against (tsconfig.engine.json, tsconfig.portable.json) does not,
 * so they are declared here, once, with just what this code uses. The declarations are module
 * scoped: they never clash with a runtime's own Node or DOM declarations.
 */
declare const setTimeout: (callback: () => void, ms: number) => unknown;
declare const clearTimeout: (handle: unknown) => void;
declare const performance: { now(): number };
declare const console: { error(...data: unknown[]): void };
declare const btoa: (binary: string) => string;
declare const crypto: { getRandomValues<T extends Uint8Array>(array: T): T };
/** Node's only (the extension host's models use it; a browser has no setImmediate). */
declare const setImmediate: (callback: () => void) => unknown;

/** A pending timer, for `cancelTimer`. */
export type TimerHandle = unknown;

export function startTimer(callback: () => void, ms: number): TimerHandle {
  return setTimeout(callback, ms);
}

export function cancelTimer(handle: TimerHandle): void {
  clearTimeout(handle);
}

/** Runs `callback` after the events already queued (Node's setImmediate: the extension host's models). */
export function afterQueuedEvents(callback: () => void): void {
  setImmediate(callback);
}

/** Milliseconds from a monotonic clock (for durations, not dates). */
export function monotonicMs(): number {
  return performance.now();
}

/** Reports an unexpected failure on the host's console (the extension host's log, a worker's stderr). */
export function logError(...data: unknown[]): void {
  console.error(...data);
}

export function randomBytes(count: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(count));
}

/** Base64 of a binary string (one character per byte). */
export function base64(binary: string): string {
  return btoa(binary);
}
