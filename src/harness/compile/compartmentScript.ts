/**
 * Turns esbuild's CommonJS output into the one script the harness worker evaluates in its SES
 * Compartment: a function of the compiler's hooks returning a function of `require`, `module`,
 * `exports` and the JavaScript built-ins, whose body is esbuild's output.
 *
 * Hooks as parameters of an outer function: the calls the compiler inserts (call stacks, loop
 * checks, thrown values) must reach the runtime, and nothing else may. Their names carry a
 * prefix drawn at random for each compile, so harness source cannot spell them; the harness's
 * top-level `arguments` is the inner function's, which does not hold them; and every `eval` is
 * compiled as an indirect one (esbuild's `define`), which sees only the Compartment's globals.
 * A harness that reads its own source (`f.toString()`) learns the prefix, but no form of
 * evaluation it has left resolves a name in the scope of these parameters.
 *
 * Built-ins as parameters: SES evaluates code inside `with` scopes, so every free name (Math,
 * Map, DataView … in each hot function) would be a dynamic lookup through a proxy; as
 * parameters they are plain variable reads, with the Compartment's own (frozen) values.
 *
 * Escapes: SES refuses a script in which `import(` or an HTML comment opener/closer appears
 * anywhere, even inside a string (it cannot tell strings from code without parsing). esbuild
 * never prints those as code, so they can only be inside strings, templates, regular
 * expressions, comments or a method named `import`, where a `\u` escape of one character means
 * the same thing. Each escape makes the line longer; `columnShifts` lets the locator map stack
 * positions back as if it had not been added.
 */
import { TYPED_ARRAY_NAMES } from '../sandbox/typedArrayNames';

/** ECMAScript's global names a harness may use (the Compartment's values are passed in). */
export const HARNESS_GLOBALS: readonly string[] = [
  'Object',
  'Function',
  'Array',
  'Number',
  'Boolean',
  'String',
  'Symbol',
  'BigInt',
  'Date',
  'Promise',
  'RegExp',
  'Error',
  'AggregateError',
  'EvalError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'TypeError',
  'URIError',
  'JSON',
  'Math',
  'Reflect',
  'Proxy',
  'Map',
  'Set',
  'WeakMap',
  'WeakSet',
  'WeakRef',
  'FinalizationRegistry',
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Atomics',
  ...TYPED_ARRAY_NAMES,
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURI',
  'encodeURIComponent',
  'decodeURI',
  'decodeURIComponent',
  'escape',
  'unescape',
  'Intl',
  'globalThis',
];

/** Characters added to a 0-based line of the script before a 0-based column of the original. */
export interface ColumnShift {
  line: number;
  column: number;
  added: number;
}

export interface CompartmentScript {
  script: string;
  columnShifts: ColumnShift[];
}

/** The compiler's hooks, in the order the outer function takes them; each is named PREFIX + suffix. */
export const HOOK_SUFFIXES = {
  /** `enter(site, lastArgument)`: a call's frame, entered once its arguments are evaluated. */
  enter: 'e',
  /** `enter0(site)`: the same for a call without arguments (spread as its argument list). */
  enter0: 'e0',
  /** `leave(result)`: the frame left when the call returns. */
  leave: 'l',
  /** `save()`: the stack before a `try`. */
  save: 's',
  /** `restore(saved)`: back to it in `catch` / `finally`. */
  restore: 'r',
  /** `loop(site)`: every loop turn (streaming, the time limit, Stop). */
  loop: 't',
  /** `thrown(site, value)`: around every `throw`'s value. */
  thrown: 'w',
  /** `called()`: at the start of every harness function's body (a stop asked for; callbacks of built-ins). */
  called: 'f',
} as const;

export type HookName = keyof typeof HOOK_SUFFIXES;
export const HOOK_ORDER = Object.keys(HOOK_SUFFIXES) as HookName[];

/** The name a hook has in one compiled harness. */
export function hookIdentifier(prefix: string, hook: HookName): string {
  return prefix + HOOK_SUFFIXES[hook];
}

function scriptPrefix(hookPrefix: string): string {
  const hooks = HOOK_ORDER.map((hook) => hookIdentifier(hookPrefix, hook)).join(', ');
  return `(function (${hooks}) { return function (require, module, exports, ${HARNESS_GLOBALS.join(', ')}) {`;
}
// What SES's source checks reject, and the escaped spelling of the same characters.
const REJECTED = /<!--|-->|\bimport(?=\s*(?:\(|\/[/*]))/g;
const ESCAPED: Record<string, string> = { '<!--': '\\u003C!--', '-->': '--\\u003E', import: '\\u0069mport' };

export function compartmentScript(commonJs: string, hookPrefix: string): CompartmentScript {
  // The prefix goes on the code's first line (esbuild's helpers), so every line keeps its number.
  const prefix = scriptPrefix(hookPrefix);
  const columnShifts: ColumnShift[] = [{ line: 0, column: 0, added: prefix.length }];
  const lines = commonJs.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.includes('<!--') && !line.includes('-->') && !line.includes('import')) continue;
    lines[i] = line.replace(REJECTED, (match, column: number) => {
      const escaped = ESCAPED[match]!;
      columnShifts.push({ line: i, column, added: escaped.length - match.length });
      return escaped;
    });
  }
  return { script: `${prefix}${lines.join('\n')}\n}; })`, columnShifts };
}

/** A 0-based column of the evaluated script → the column in esbuild's output. */
export function originalColumn(shifts: readonly ColumnShift[], line: number, column: number): number {
  // Shifts are in order of their original column; `added` so far moves each one right.
  let added = 0;
  for (const shift of shifts) {
    if (shift.line !== line) continue;
    const at = shift.column + added;
    if (column < at + shift.added) return column <= at ? column - added : shift.column;
    added += shift.added;
  }
  return column - added;
}
