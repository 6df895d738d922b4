/**
 * The text `print(…)` and `console.log(…)` write: values space-joined as console.log joins them,
 * a view as its struct, address and fields (`node_t 0x7effffffe018 {"key":1,"next":null}`), so a
 * newcomer's `console.log(node)` shows what C's `printf("%p")` and a debugger would.
 */
import { BUF_STRUCT } from './structLayout';
import { fieldsAsJson, viewHost, viewState, type ViewState } from '../runtime/structViews';

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

/**
 * `console.log`'s line: as Node prints it, a first string's `%s %d %i %f %o %O %j %c %%` take the
 * values after it (C's printf habit: `console.log('%d bytes', n)`), the rest are appended. A lone
 * string is printed as it is, `%%` included, as Node does.
 */
export function consoleLine(values: readonly unknown[]): string {
  const [first, ...rest] = values;
  if (typeof first !== 'string' || !first.includes('%') || rest.length === 0) return printedLine(values);
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
        // util.inspect's: a string quoted and escaped; other primitives as %s has them.
        if (typeof value === 'string') return inspectedString(value);
        return typeof value === 'number' ? numberText(value) : printable(value);
      default:
        return typeof value === 'number' ? numberText(value) : printable(value);
    }
  });
  return printedLine([text, ...rest.slice(next)]);
}

/** `%d` (Number), `%i` (parseInt) and `%f` (parseFloat) as Node reads them: a Symbol is NaN, never a throw. */
function directiveNumber(directive: 'd' | 'i' | 'f', value: unknown): string {
  if (typeof value === 'symbol') return 'NaN';
  if (typeof value === 'bigint' && directive !== 'f') return `${value}n`;
  if (directive === 'd') return numberText(Number(value));
  return numberText(directive === 'i' ? parseInt(String(value)) : parseFloat(String(value)));
}

/** util.inspect's limits for a string: longer, it is cut; longer than a line, split at its line breaks. */
const INSPECT_MAX_STRING_LENGTH = 10_000;
const INSPECT_BREAK_LENGTH = 80;
const INSPECT_MIN_LINE_WIDTH = 16;

/**
 * A string as Node's `%o` and `%O` (util.inspect) print it: in single quotes, or double or back
 * quotes when it holds a single one, control characters and lone surrogates escaped, past 10,000
 * characters cut, and past a line (76 characters) one quoted piece a line, joined by ` +`.
 */
function inspectedString(value: string): string {
  let trailer = '';
  if (value.length > INSPECT_MAX_STRING_LENGTH) {
    const remaining = value.length - INSPECT_MAX_STRING_LENGTH;
    value = value.slice(0, INSPECT_MAX_STRING_LENGTH);
    trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
  }
  if (value.length > INSPECT_MIN_LINE_WIDTH && value.length > INSPECT_BREAK_LENGTH - 4)
    return (
      value
        .split(/(?<=\n)/)
        .map(quotedString)
        .join(' +\n  ') + trailer
    );
  return quotedString(value) + trailer;
}

/** Control characters as util.inspect names them (the rest of 0x00-0x1f, 0x7f-0x9f: \xHH). */
const NAMED_ESCAPES: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
// eslint-disable-next-line no-control-regex -- the control characters are what it escapes
const ESCAPED = /[\x00-\x1f\x27\x5c\x7f-\x9f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function quotedString(text: string): string {
  let quote = "'";
  if (text.includes("'")) {
    if (!text.includes('"')) quote = '"';
    else if (!text.includes('`') && !text.includes('${')) quote = '`';
  }
  const escaped = text.replace(ESCAPED, (c) => {
    if (c === "'") return quote === "'" ? "\\'" : c;
    if (c === '\\') return '\\\\';
    const code = c.charCodeAt(0);
    if (code > 0xff) return `\\u${code.toString(16)}`;
    return NAMED_ESCAPES[c] ?? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
  });
  return quote + escaped + quote;
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
