/**
 * Hardens the harness worker's realm before anything else runs in it: SES `lockdown()` (here as
 * its two halves) freezes every JavaScript built-in (JSON, Atomics, Array.prototype,
 * Object.prototype …), so code in a Compartment can no longer replace what the runtime and the
 * analyses call, and makes `Function.prototype.constructor` inert, so no function handed to a
 * harness leads back to this realm's `Function`. Imported first by the worker entry, before the
 * runtime's modules.
 *
 * Speed: V8 (Node 20) reads and writes typed arrays 10 to 30 times slower once `Object.freeze`
 * has run on their prototypes (Object.prototype, %TypedArray%.prototype …), and the engine and
 * the runtime live on typed arrays. The same freeze reached another way (seal, then each data
 * property made read-only, then the object used as a prototype once so V8 keeps its fast
 * layout) keeps them fast; SES's own freeze then finds the built-ins already frozen.
 */
import 'ses';
import { HARNESS_GLOBALS } from '../compile/compartmentScript';

/**
 * V8's full garbage collection, when the harness host was started with `--expose-gc`: the memory
 * budget collects before it refuses a buffer. (It stays on this realm's global object, where V8
 * put it non-configurable; the harness's Compartment never sees this realm's globals.)
 */
const exposedGc: unknown = (globalThis as Record<string, unknown>).gc;
export const collectGarbage: (() => void) | undefined = typeof exposedGc === 'function' ? (exposedGc as () => void) : undefined;

repairIntrinsics({
  // Keep V8's stacks as they are: memory errors on field accesses take their harness position
  // from `Error.captureStackTrace` (framesOf reads the frames of the harness script).
  errorTaming: 'unsafe',
  stackFiltering: 'verbose',
  // Assigning `toString` or an error's `name` on one's own objects keeps working (the "override
  // mistake" of frozen prototypes); more would turn hot methods (Array.prototype.push,
  // Number.prototype.toString …) into getters, which V8 calls much more slowly.
  overrideTaming: 'min',
  // SES's RegExp wrapper makes every `split(/re/)`, `replace(/re/)` construct through it (a
  // species lookup, several times slower); the legacy `RegExp.$1` statics it removes reveal
  // only the last match text.
  regExpTaming: 'unsafe',
  // The worker's console stays Node's; the harness gets its own, which prints to the run's output (printedText.ts)
  // (createHarnessConsole).
  consoleTaming: 'unsafe',
  // A harness's own `eval`/`Function` are its Compartment's, confined to its globals.
  evalTaming: 'unsafe-eval',
  // Node's domains are never used in the worker.
  domainTaming: 'unsafe',
  localeTaming: 'unsafe',
  // The worker reports its own errors to the parent (one `end` message), not SES.
  errorTrapping: 'none',
  unhandledRejectionTrapping: 'none',
  reporting: 'none',
});
nameAsGlobal([...HARNESS_GLOBALS, 'Compartment']);
freezeKeepingFastLayout(
  HARNESS_GLOBALS.filter((name) => name !== 'globalThis').map((name) => (globalThis as Record<string, unknown>)[name]),
);
hardenIntrinsics();

/**
 * SES's replacements of Date, Error and RegExp are named function
 * expressions that the bundler renames when a name is taken in the bundle (`Date3`, `Error4`);
 * a harness reads that in `Error.name` or an error's `constructor.name`. Named back before the
 * freeze, as each global is called.
 */
function nameAsGlobal(names: readonly string[]): void {
  for (const name of names) {
    const value = (globalThis as Record<string, unknown>)[name];
    if (typeof value !== 'function') continue;
    // A Compartment's Error, RegExp are the shared ones, which the prototype leads to.
    const shared = (value.prototype as { constructor?: unknown } | undefined)?.constructor;
    for (const constructor of [value, shared]) {
      if (typeof constructor !== 'function' || constructor.name === name) continue;
      const descriptor = Object.getOwnPropertyDescriptor(constructor, 'name');
      if (descriptor?.configurable === true) Object.defineProperty(constructor, 'name', { value: name });
    }
  }
}

/** Freezes everything reachable from `roots` (properties, accessors, prototypes) as V8 likes it. */
function freezeKeepingFastLayout(roots: unknown[]): void {
  const seen = new Set<object>();
  const queue = [...roots];
  while (queue.length > 0) {
    const value = queue.pop();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) continue;
    seen.add(value);
    queue.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (descriptor === undefined) continue;
      if ('value' in descriptor) queue.push(descriptor.value);
      else queue.push(descriptor.get, descriptor.set);
    }
  }
  for (const object of seen) {
    if (Object.isFrozen(object)) continue;
    try {
      Object.seal(object);
      for (const key of Reflect.ownKeys(object)) {
        const descriptor = Object.getOwnPropertyDescriptor(object, key);
        if (descriptor !== undefined && 'value' in descriptor && descriptor.writable) {
          Object.defineProperty(object, key, { writable: false });
        }
      }
      keepFastLayout(object);
    } catch {
      // Left to SES's freeze (hardenIntrinsics), which freezes every built-in in any case.
    }
  }
}

/** Using an object as a constructor's prototype makes V8 give it back a fast (non-dictionary) layout. */
function keepFastLayout(object: object): void {
  function Probe(): void {}
  Probe.prototype = object;
  new (Probe as unknown as new () => object)();
}
