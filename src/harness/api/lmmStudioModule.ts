/**
 * The `lmm-studio` module as a harness sees it: the decorators and the C API, bound to one run's
 * runtime. The names and shapes match `lmm-studio.d.ts` (the editor's declarations). The hooks
 * the compiler inserts (call stacks, loop checks) are not part of it: `compilerHooks` makes them,
 * and the worker hands them to the compiled script alone.
 */
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../../engine/classicReport';
import type { HarnessRuntime } from '../runtime/harnessRuntime';
import { detachedCopy } from '../runtime/detachedCopy';
import { elementType, fieldDecorator, scalarDecorator, type StructClass } from './fieldTypes';
import { layoutDecorators } from './layoutDecorators';
import { consoleLine, printedLine, type ErrorFrames } from './printedText';
import { buf } from './structLayout';
import type { HookName } from '../compile/compartmentScript';

export type CompilerHooks = Record<HookName, (...args: never[]) => unknown>;

export function createLmmStudioModule(runtime: HarnessRuntime): Record<string, unknown> {
  const api: Record<string, unknown> = {
    ...layoutDecorators(),
    field: (target: () => StructClass) => fieldDecorator({ kind: 'struct', target }),
    array: (element: unknown, length: number) => {
      if (!Number.isInteger(length) || length < 0)
        throw new RangeError(`@array length must be a whole number (0 for a flexible array member), not ${length}`);
      return fieldDecorator({ kind: 'array', element: elementType(element), length });
    },
    char: (length: number) => {
      if (!Number.isInteger(length) || length < 1) throw new RangeError(`char(n) needs a positive integer n, not ${length}`);
      return fieldDecorator({ kind: 'char', length });
    },
    ptr: (target: () => StructClass) => {
      if (typeof target !== 'function') throw new TypeError('ptr(() => T) takes a thunk returning a @struct class');
      // `ptr(buf)`: the built-in buffer family needs no thunk (it is never declared later).
      return fieldDecorator({ kind: 'ptr', target: (target as unknown) === buf ? () => buf : target });
    },
    buf,
    u8: scalarDecorator('u8'),
    u16: scalarDecorator('u16'),
    u32: scalarDecorator('u32'),
    u64: scalarDecorator('u64'),
    i8: scalarDecorator('i8'),
    i16: scalarDecorator('i16'),
    i32: scalarDecorator('i32'),
    i64: scalarDecorator('i64'),
    f32: scalarDecorator('f32'),
    f64: scalarDecorator('f64'),
    mm_init: (options?: unknown) => runtime.init(options),
    MM_REG_STRUCT: (cls: unknown) => runtime.register(cls),
    XCALLOC: (units: number, cls: unknown) => runtime.xcalloc(units, cls),
    XCALLOC_BUF: (bytes: number) => runtime.xcallocBuf(bytes),
    XREALLOC: (view: unknown, units: unknown, cls?: unknown) => runtime.xrealloc(view, units, cls),
    XREALLOC_BUF: (view: unknown, bytes: unknown) => runtime.xreallocBuf(view, bytes),
    XFREE: (view: unknown) => runtime.xfree(view),
    addressOf: (view: unknown) => runtime.addressOf(view),
    sizeof: (cls: unknown) => runtime.sizeOf(cls),
    global: (name: unknown, initial?: unknown) => runtime.variables.declareGlobal(name, initial),
    local: (initial?: unknown, name?: unknown) => runtime.variables.declareLocal(initial, name),
    exit: (status?: unknown) => runtime.exit(status),
    mm_register_root: (view: unknown) => runtime.registerRoot(view),
    mm_unregister_root: (view: unknown) => runtime.unregisterRoot(view),
    // The harness gets its own copy: the runtime's reports the check as it was.
    mm_leak_check: (mode?: unknown) => detachedCopy(runtime.leakCheck(false, mode ?? 'full')),
    // LMM's own report functions, printed where the harness calls them (like the C test program).
    mm_print_registered_page_families: () => runtime.print(registeredPageFamiliesReport(runtime.heap)),
    mm_print_memory_usage: () => runtime.print(memoryUsageReport(runtime.heap)),
    mm_print_block_usage: () => runtime.print(blockUsageReport(runtime.heap)),
    print: (...values: unknown[]) => runtime.print(printedLine(values)),
  };
  return Object.freeze(api);
}

/**
 * The harness's `console`: `log`, `info`, `warn`, `error` and `debug` print as Node's console
 * (consoleLine: values as util.inspect has them, a view as `print` shows it), in the run's output
 * with LMM's reports and under its limits (a newcomer's first line is
 * `console.log(…)`). Not part of `lmm-studio`: the worker makes it a global of the harness.
 */
export function createHarnessConsole(
  runtime: HarnessRuntime,
  /** An error's harness frames, for printing one as Node does (the sandbox's source-map locator). */
  errorFrames?: ErrorFrames,
): Record<string, (...values: unknown[]) => void> {
  const line = (values: readonly unknown[]) => consoleLine(values, errorFrames);
  const write = (...values: unknown[]) => runtime.print(line(values));
  return {
    log: write,
    info: write,
    warn: write,
    error: write,
    debug: write,
    // As Node's: dir and table show their value as log does (no table drawing), trace names
    // itself, and assert prints only when its condition is false (it never throws).
    dir: (value: unknown) => write(value),
    table: (value: unknown) => write(value),
    trace: (...values: unknown[]) => runtime.print(`Trace: ${line(values)}`),
    assert: (condition: unknown, ...values: unknown[]) => {
      if (condition) return;
      runtime.print(values.length > 0 ? `Assertion failed: ${line(values)}` : 'Assertion failed\n');
    },
  };
}

/**
 * The hooks the compiler inserts, bound to one run's runtime: `f(a, b)` becomes
 * `leave(f(a, enter(site, b)))`, so the frame is pushed after the arguments are evaluated and
 * popped when the call returns. Whoever holds them can steer attribution: only the compiled
 * script gets them (compartmentScript.ts).
 */
export function compilerHooks(runtime: HarnessRuntime): CompilerHooks {
  const paths = runtime.paths;
  const NO_ARGS: readonly unknown[] = Object.freeze([]);
  return {
    enter<T>(site: number, lastArgument: T): T {
      if (runtime.ended !== undefined) throw runtime.ended;
      paths.enter(site);
      return lastArgument;
    },
    enter0(site: number): readonly unknown[] {
      if (runtime.ended !== undefined) throw runtime.ended;
      paths.enter(site);
      return NO_ARGS;
    },
    leave<T>(result: T): T {
      paths.leave();
      return result;
    },
    /** Before a `try`: the stack to go back to when it throws (calls that threw never left). */
    save: () => paths.current,
    restore: (path: number) => {
      // C's exit, or the stop of a time limit, cannot be caught: a `catch` or `finally` reached after it does not run.
      runtime.throwIfEnded();
      paths.current = path;
    },
    loop: (site: number) => {
      runtime.throwIfEnded();
      runtime.loopTick(site);
    },
    /** Around every `throw`'s value (the harness worker records where it was thrown). */
    thrown: <T>(_site: number, value: T): T => value,
    /** Where a harness function starts: the sandbox looks at a stop asked for there. */
    called: () => {
      if (runtime.ended !== undefined) throw runtime.ended;
    },
  };
}
