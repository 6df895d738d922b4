/**
 * The text `print(…)` and `console.log(…)` write: values space-joined as console.log joins them,
 * a view as its struct, address and fields (`node_t 0x7effffffe018 {"key":1,"next":null}`), so a
 * newcomer's `console.log(node)` shows what C's `printf("%p")` and a debugger would.
 */
import { BUF_STRUCT } from './structLayout';
import { fieldsAsJson, viewHost, viewState, type ViewState } from '../runtime/structViews';
import { inspectedValue } from './inspectedValue';

/**
 * Why a view's fields are not read for printing, if they are not: a print is the harness's look
 * at memory, not the C program's, so it reads no freed or outside bytes (each would be counted as
 * the program's use after free or out-of-bounds access, and shown as the zeros it reads as).
 */
function unreadable(view: ViewState): string | undefined {
  if (view.a < 0) return 'no block: its fields are not read';
  const host = viewHost();
  if (host.freed[view.a] !== 0) return 'freed: its fields are not read';
  if (view.n <= 0 && !host.fitsInBlock(view, 0, 1)) return 'outside its block: its fields are not read';
  return undefined;
}

/** console.log-like text for a value. */
export function printable(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object' && value !== null) {
    const view = viewState(value);
    const prefix = view !== undefined ? `${view.info.name} 0x${view.x.toString(16)} ` : '';
    const why = view !== undefined ? unreadable(view) : undefined;
    if (why !== undefined) return `${prefix}(${why})`;
    // A struct's fields, not its toJSON: a C field may be named toJSON.
    const shown = view !== undefined && view.info !== BUF_STRUCT ? fieldsAsJson(value) : value;
    try {
      return prefix + JSON.stringify(shown, cycleSafe());
    } catch {
      // A cycle, or a throwing getter: the object's tag, which no field of its own can replace.
      return prefix + Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

/**
 * JSON's replacer for a print: a bigint as `5n`, and an object that contains itself shown as
 * `[Circular]` where it recurs (JSON.stringify threw, and the whole value printed as
 * `[object Object]`). Only the object's own ancestors count: one shown twice side by side is shown twice.
 */
function cycleSafe(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value !== 'object' || value === null) return value;
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}

/** `print`'s line: the values' texts, space-joined. */
export function printedLine(values: readonly unknown[]): string {
  return values.map(printable).join(' ') + '\n';
}

/** A struct view as LMM shows it (`node_t 0x7effffffe018 {"key":1}`), inside util.inspect's text too. */
function viewText(value: object): string | undefined {
  return viewState(value) !== undefined ? printable(value) : undefined;
}

/** An error's harness frames (`file:line:column`, innermost first) from its V8 stack text. */
export type ErrorFrames = (stack: string) => string[];

/** A console.log value: a string as it is, any other as util.inspect prints it (a view as LMM shows it). */
function consoleValue(value: unknown, errorFrames: ErrorFrames | undefined, depth?: number): string {
  if (typeof value === 'string') return value;
  return inspectedValue(value, {
    special: viewText,
    ...(errorFrames ? { errorFrames } : {}),
    ...(depth !== undefined ? { depth } : {}),
  });
}

/**
 * `%s` of an object as Node's util.format has it: one with a toString of its own (or of its class)
 * is that text; any other util.inspect's at depth 0. A function, a symbol: String's.
 */
function directiveString(value: unknown, errorFrames: ErrorFrames | undefined): string {
  if (typeof value === 'number') return numberText(value);
  if (typeof value !== 'object' || value === null) return typeof value === 'bigint' ? `${value}n` : String(value);
  if (viewState(value) !== undefined) return printable(value);
  const toString = (value as { toString?: unknown }).toString;
  const builtIn = [Object, Array, Error, Date, RegExp, Map, Set, Promise, ArrayBuffer].some(
    (ctor) => ctor.prototype.toString === toString,
  );
  return builtIn || typeof toString !== 'function' ? consoleValue(value, errorFrames, 0) : String(value);
}

/**
 * `console.log`'s line: as Node prints it, its values space-joined, each not a string as
 * util.inspect prints it (inspectedValue.ts); a first string's `%s %d %i %f %o %O %j %c %%` take
 * the values after it (C's printf habit: `console.log('%d bytes', n)`), the rest are appended. A
 * lone string is printed as it is, `%%` included, as Node does.
 */
export function consoleLine(values: readonly unknown[], errorFrames?: ErrorFrames): string {
  const [first, ...rest] = values;
  if (typeof first !== 'string' || !first.includes('%') || rest.length === 0)
    return values.map((value) => consoleValue(value, errorFrames)).join(' ') + '\n';
  let next = 0;
  const text = first.replace(/%([sdifoOjc%])/g, (match, directive: string) => {
    if (directive === '%') return '%';
    if (next >= rest.length) return match;
    const value = rest[next++];
    switch (directive) {
      case 'c':
        return '';
      case 'd':
      case 'i':
      case 'f':
        return directiveNumber(directive, value);
      case 'j':
        return jsonText(value);
      case 'o':
      case 'O':
        // util.inspect's (%o 4 levels deep, as Node's; its hidden properties are not shown: README).
        return inspectedValue(value, {
          special: viewText,
          ...(errorFrames ? { errorFrames } : {}),
          depth: directive === 'o' ? 4 : 2,
        });
      default:
        return directiveString(value, errorFrames);
    }
  });
  return [text, ...rest.slice(next).map((value) => consoleValue(value, errorFrames))].join(' ') + '\n';
}

/** `%d` (Number), `%i` (parseInt) and `%f` (parseFloat) as Node reads them: a Symbol is NaN, never a throw. */
function directiveNumber(directive: 'd' | 'i' | 'f', value: unknown): string {
  if (typeof value === 'symbol') return 'NaN';
  if (typeof value === 'bigint' && directive !== 'f') return `${value}n`;
  if (directive === 'd') return numberText(Number(value));
  return numberText(directive === 'i' ? parseInt(String(value)) : parseFloat(String(value)));
}

/** A number as Node's console prints it: -0 keeps its sign. */
function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

/**
 * `%j`: a primitive as JSON, as Node writes it (a string quoted, `undefined` for what JSON leaves
 * out); an object as `print` shows it (a view reads no freed bytes, a cycle is `[Circular]`); a
 * bigint printed, where Node throws.
 */
function jsonText(value: unknown): string {
  if (typeof value === 'bigint' || (typeof value === 'object' && value !== null)) return printable(value);
  return JSON.stringify(value) ?? 'undefined';
}
