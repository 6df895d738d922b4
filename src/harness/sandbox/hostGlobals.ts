/**
 * The globals a harness meets beyond the language's own: a `performance.now()` clock and `Intl`,
 * which SES's Compartment leaves out and a harness may reasonably use, and, for each host or
 * nondeterministic global a harness written for Node or a browser would reach for (timers,
 * `process`, `fetch` …), a stand-in that fails with a `TypeError` naming it and saying why it is
 * not there. Without the stand-in the name reads as `undefined` (SES's scope answers unknown
 * names so), and its first use is a bare "Cannot read properties of undefined (reading 'now')".
 */

/** Why a global is not in a harness, after "NAME is not available in a harness: ". */
const WHY_NOT = {
  timers:
    "a run is its main and the promises main awaits, so its heap operations come in one order every time (await a promise, or loop, where a timer's callback would go)",
  process:
    "it runs apart from the host process (no environment, arguments or files); end the run with exit(status) from 'lmm-studio'",
  fetch: 'it reaches nothing outside its run (no network)',
  crypto: "it reaches nothing of the host's; Math.random gives random numbers",
  structuredClone: 'it is a host function; copy with a spread or JSON.parse(JSON.stringify(value))',
  WebAssembly: 'compiled code would run where the time limit, Stop and the memory count do not look',
  Atomics: 'nothing in a harness may block on the memory the run shares with LMM',
  Buffer: "it is Node's; use Uint8Array, TextEncoder and TextDecoder",
  garbageCollection: 'when the garbage collector runs differs from run to run, and a run must report the same every time',
} as const;

/** Host functions a harness calls: each becomes a function that throws. */
const UNAVAILABLE_FUNCTIONS: Record<string, keyof typeof WHY_NOT> = {
  setTimeout: 'timers',
  setInterval: 'timers',
  setImmediate: 'timers',
  clearTimeout: 'timers',
  clearInterval: 'timers',
  clearImmediate: 'timers',
  queueMicrotask: 'timers',
  fetch: 'fetch',
  structuredClone: 'structuredClone',
  WeakRef: 'garbageCollection',
  FinalizationRegistry: 'garbageCollection',
};

/** Host objects a harness reads members of: each becomes an object whose every member throws. */
const UNAVAILABLE_OBJECTS: Record<string, keyof typeof WHY_NOT> = {
  process: 'process',
  crypto: 'crypto',
  WebAssembly: 'WebAssembly',
  Atomics: 'Atomics',
  Buffer: 'Buffer',
};

export function unavailableMessage(name: string): string {
  const why = UNAVAILABLE_FUNCTIONS[name] ?? UNAVAILABLE_OBJECTS[name];
  return `${name} is not available in a harness: ${why !== undefined ? WHY_NOT[why] : 'it is not part of the sandbox'}`;
}

/** Every name that has a stand-in, for tests and the README. */
export const UNAVAILABLE_GLOBALS: readonly string[] = [
  ...Object.keys(UNAVAILABLE_FUNCTIONS),
  ...Object.keys(UNAVAILABLE_OBJECTS),
];

function unavailableFunction(name: string): () => never {
  const message = unavailableMessage(name);
  // Named by its key, so a stack names what was called.
  const stand = {
    [name]: function (): never {
      throw new TypeError(message);
    },
  }[name]!;
  // Its text (String(setTimeout), a print) is a built-in's of that name: its source would show
  // this file's code, and no name (a computed key names the function, not its text).
  const text = `function ${name}() { [native code] }`;
  Object.defineProperty(stand, 'toString', { value: () => text });
  return harden(stand);
}

/**
 * An object whose members throw. What JavaScript itself reads of any object answers as for an
 * empty one (symbols such as `Symbol.toPrimitive`, `then` when it is awaited, `toJSON` when it is
 * stringified), so printing or awaiting it does not throw; `typeof` says 'object'.
 */
function unavailableObject(name: string): object {
  const message = unavailableMessage(name);
  const empty = harden(Object.create(null) as object);
  return new Proxy(empty, {
    get(_target, key) {
      if (typeof key === 'symbol' || key === 'then' || key === 'toJSON') return undefined;
      throw new TypeError(message);
    },
    set() {
      throw new TypeError(message);
    },
  });
}

/** The run's clock: milliseconds of wall time since the harness's worker started (what the time limit counts). */
function harnessPerformance(now: () => number): object {
  return harden({
    now(): number {
      return now();
    },
  });
}

/**
 * The globals a harness's Compartment gets from here. `now` is the worker's monotonic clock
 * (performance.now of the worker realm: wall time, from the worker's start, fractions of a
 * millisecond); `intl` the worker's Intl, hardened here so a harness cannot change it.
 */
export function hostGlobals(now: () => number, intl: object): Record<string, unknown> {
  const globals: Record<string, unknown> = { performance: harnessPerformance(now), Intl: harden(intl) };
  for (const name of Object.keys(UNAVAILABLE_FUNCTIONS)) globals[name] = unavailableFunction(name);
  for (const name of Object.keys(UNAVAILABLE_OBJECTS)) globals[name] = unavailableObject(name);
  return globals;
}
