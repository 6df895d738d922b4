/**
 * A value as Node's `util.inspect` prints it for `console.log` (depth 2, 80 columns, `compact: 3`),
 * written again here because the harness worker's printing code runs with no Node modules: a
 * function as `[Function: f]` (its source text before), a class as `[class A extends B]`, Maps,
 * Sets, typed arrays, Dates, sparse arrays, getters, Symbol keys, nesting past 2 as `[Object]`,
 * cycles as `<ref *1>` … `[Circular *1]`, and Node's line breaking and array grouping.
 * test/unit/harness/inspectedValue.test.ts compares it with util.inspect. Where it cannot match
 * (a promise's state, `[util.inspect.custom]`), README says so; a Proxy is read through its traps,
 * where Node reads its target.
 */

interface Context {
  seen: unknown[];
  circular: Map<unknown, number> | undefined;
  indentationLvl: number;
  currentDepth: number;
  depth: number;
  /** A value printed in LMM's own way (a struct view), or undefined. */
  special: ((value: object) => string | undefined) | undefined;
  errorFrames: ((stack: string) => string[]) | undefined;
}

const BREAK_LENGTH = 80;
const COMPACT = 3;
const MAX_ARRAY_LENGTH = 100;
const MAX_STRING_LENGTH = 10_000;
const MIN_LINE_WIDTH = 16;
const OBJECT_TYPE = 0;
const ARRAY_EXTRAS_TYPE = 1;
const KEY_PATTERN = /^[a-zA-Z_][a-zA-Z_0-9]*$/;

export interface InspectOptions {
  /** util.inspect's `depth` (2). */
  depth?: number;
  /** A value LMM prints its own way (a struct view): its text, or undefined for util.inspect's. */
  special?: (value: object) => string | undefined;
  /** An error's stack frames (`file:line:column`, innermost first) from its `stack` text; none: `[Error: message]`. */
  errorFrames?: (stack: string) => string[];
}

export function inspectedValue(value: unknown, options: InspectOptions = {}): string {
  const ctx: Context = {
    seen: [],
    circular: undefined,
    indentationLvl: 0,
    currentDepth: 0,
    depth: options.depth ?? 2,
    special: options.special,
    errorFrames: options.errorFrames,
  };
  try {
    return formatValue(ctx, value, 0);
  } catch {
    // A proxy's trap or a getter of the harness threw: the object's tag, as `print` falls back to.
    return Object.prototype.toString.call(value);
  }
}

function formatValue(ctx: Context, value: unknown, recurseTimes: number): string {
  if (typeof value !== 'object' && typeof value !== 'function') return formatPrimitive(ctx, value);
  if (value === null) return 'null';
  const own = ctx.special?.(value);
  if (own !== undefined) return own;
  if (ctx.seen.includes(value)) {
    ctx.circular ??= new Map();
    let index = ctx.circular.get(value);
    if (index === undefined) {
      index = ctx.circular.size + 1;
      ctx.circular.set(value, index);
    }
    return `[Circular *${index}]`;
  }
  return formatRaw(ctx, value, recurseTimes);
}

function formatPrimitive(ctx: Context, value: unknown): string {
  if (typeof value === 'string') return inspectedString(value, ctx.indentationLvl);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  return String(value);
}

/**
 * A string as util.inspect quotes it: in single quotes, or double or back quotes when it holds a
 * single one, control characters and lone surrogates escaped, past 10,000 characters cut, and
 * longer than its line one quoted piece a line (at its line breaks), joined by ` +`.
 */
export function inspectedString(value: string, indentationLvl = 0): string {
  let trailer = '';
  if (value.length > MAX_STRING_LENGTH) {
    const remaining = value.length - MAX_STRING_LENGTH;
    value = value.slice(0, MAX_STRING_LENGTH);
    trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
  }
  if (value.length > MIN_LINE_WIDTH && value.length > BREAK_LENGTH - indentationLvl - 4)
    return (
      value
        .split(/(?<=\n)/)
        .map(quotedString)
        .join(` +\n${' '.repeat(indentationLvl + 2)}`) + trailer
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

/** The name of the nearest constructor on the prototype chain whose instance the value is (null: none). */
function constructorName(value: object): string | null {
  for (let obj: object | null = value; obj !== null; obj = Object.getPrototypeOf(obj) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(obj, 'constructor');
    const ctor: unknown = descriptor?.value;
    if (typeof ctor === 'function' && ctor.name !== '' && value instanceof ctor) return ctor.name;
  }
  return null;
}

function prefixOf(constructor: string | null, tag: string, fallback: string, size = ''): string {
  if (constructor === null) {
    if (tag !== '' && fallback !== tag) return `[${fallback}${size}: null prototype] [${tag}] `;
    return `[${fallback}${size}: null prototype] `;
  }
  if (tag !== '' && constructor !== tag) return `${constructor}${size} [${tag}] `;
  return `${constructor}${size} `;
}

/** Brand checks: true only for the built-in kind, whatever the value's prototype or tag say. */
const brand = (check: () => unknown): boolean => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};
const getter = (proto: object, key: PropertyKey) => Object.getOwnPropertyDescriptor(proto, key)!.get!;
const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = (v: object) => getter(TYPED_ARRAY_PROTO, Symbol.toStringTag).call(v) as string | undefined;
const isMap = (v: object) => brand(() => Map.prototype.has.call(v, undefined));
const isSet = (v: object) => brand(() => Set.prototype.has.call(v, undefined));
const isDate = (v: object) => brand(() => Date.prototype.getTime.call(v));
const isRegExp = (v: object) => v !== RegExp.prototype && brand(() => getter(RegExp.prototype, 'source').call(v));
const isArrayBuffer = (v: object) => brand(() => getter(ArrayBuffer.prototype, 'byteLength').call(v));
const isWeakMap = (v: object) => brand(() => WeakMap.prototype.has.call(v, {}));
const isWeakSet = (v: object) => brand(() => WeakSet.prototype.has.call(v, {}));
const isError = (v: object) => Object.prototype.toString.call(v) === '[object Error]' || v instanceof Error;
const BOXES: [string, (v: object) => unknown][] = [
  ['Number', (v) => Number.prototype.valueOf.call(v)],
  ['String', (v) => String.prototype.valueOf.call(v)],
  ['Boolean', (v) => Boolean.prototype.valueOf.call(v)],
  ['BigInt', (v) => BigInt.prototype.valueOf.call(v)],
  ['Symbol', (v) => Symbol.prototype.valueOf.call(v)],
];

function ownKeys(value: object): PropertyKey[] {
  const keys: PropertyKey[] = Object.keys(value);
  for (const symbol of Object.getOwnPropertySymbols(value))
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
  return keys;
}

/** Keys that are no array index (an array's, a typed array's extra properties). */
function nonIndexKeys(value: object): PropertyKey[] {
  return ownKeys(value).filter((key) => typeof key !== 'string' || !/^(0|[1-9]\d*)$/.test(key) || Number(key) >= 2 ** 32 - 1);
}

function formatRaw(ctx: Context, value: object, recurseTimes: number): string {
  const constructor = constructorName(value);
  let tag = '';
  const rawTag: unknown = (value as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  if (typeof rawTag === 'string' && rawTag !== '' && !Object.prototype.propertyIsEnumerable.call(value, Symbol.toStringTag))
    tag = rawTag;
  let keys: PropertyKey[];
  let base = '';
  let braces: [string, string] = ['{', '}'];
  let extrasType = OBJECT_TYPE;
  let formatter: (ctx: Context, value: object, recurseTimes: number) => string[] = () => [];
  const typedName = ArrayBuffer.isView(value) ? typedArrayName(value) : undefined;
  if (Array.isArray(value)) {
    keys = nonIndexKeys(value);
    const prefix = constructor !== 'Array' || tag !== '' ? prefixOf(constructor, tag, 'Array', `(${value.length})`) : '';
    braces = [`${prefix}[`, ']'];
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = ARRAY_EXTRAS_TYPE;
    formatter = formatArray;
  } else if (isSet(value)) {
    const size = getter(Set.prototype, 'size').call(value) as number;
    const prefix = prefixOf(constructor, tag, 'Set', `(${size})`);
    keys = ownKeys(value);
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, '}'];
    formatter = formatSet;
  } else if (isMap(value)) {
    const size = getter(Map.prototype, 'size').call(value) as number;
    const prefix = prefixOf(constructor, tag, 'Map', `(${size})`);
    keys = ownKeys(value);
    if (size === 0 && keys.length === 0) return `${prefix}{}`;
    braces = [`${prefix}{`, '}'];
    formatter = formatMap;
  } else if (typedName !== undefined) {
    keys = nonIndexKeys(value);
    const length = (value as Uint8Array).length;
    braces = [`${prefixOf(constructor, tag, typedName, `(${length})`)}[`, ']'];
    if (length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = ARRAY_EXTRAS_TYPE;
    formatter = formatTypedArray;
  } else {
    keys = ownKeys(value);
    if (constructor === 'Object' && typeof value !== 'function' && !isError(value)) {
      if (tag !== '') braces[0] = `${prefixOf(constructor, tag, 'Object')}{`;
      if (keys.length === 0) return `${braces[0]}}`;
    } else if (typeof value === 'function') {
      base = functionBase(value as (...args: unknown[]) => unknown, constructor, tag);
      if (keys.length === 0) return base;
    } else if (isRegExp(value)) {
      base = RegExp.prototype.toString.call(value);
      const prefix = prefixOf(constructor, tag, 'RegExp');
      if (prefix !== 'RegExp ') base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isDate(value)) {
      const time = Date.prototype.getTime.call(value);
      base = Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
      const prefix = prefixOf(constructor, tag, 'Date');
      if (prefix !== 'Date ') base = `${prefix}${base}`;
      if (keys.length === 0) return base;
    } else if (isError(value)) {
      base = errorBase(ctx, value as Error);
      keys = keys.filter((key) => key !== 'stack' && key !== 'message');
      if (keys.length === 0) return base;
    } else if (isArrayBuffer(value)) {
      braces[0] = `${prefixOf(constructor, tag, 'ArrayBuffer')}{`;
      keys.unshift('byteLength');
      formatter = formatArrayBuffer;
    } else if (Object.prototype.toString.call(value) === '[object Promise]') {
      // Node reads a promise's state from V8; JavaScript cannot (README).
      braces[0] = `${prefixOf(constructor, tag, 'Promise')}{`;
      formatter = () => ['<state unknown>'];
    } else if (isWeakMap(value) || isWeakSet(value)) {
      braces[0] = `${prefixOf(constructor, tag, isWeakMap(value) ? 'WeakMap' : 'WeakSet')}{`;
      formatter = () => ['<items unknown>'];
    } else {
      const box = BOXES.find(([, unbox]) => brand(() => unbox(value)));
      if (box !== undefined) {
        const primitive = box[1](value);
        base = `[${box[0]}: ${formatPrimitive({ ...ctx, indentationLvl: 0 }, primitive)}]`;
        if (typeof primitive === 'string')
          keys = keys.filter((key) => !(typeof key === 'string' && Number(key) < primitive.length));
        if (constructor !== box[0] && constructor !== null)
          base = `[${box[0]} (${constructor}): ${base.slice(box[0].length + 3)}`;
        if (keys.length === 0) return base;
      } else {
        const name = constructor === null ? prefixOf(null, tag, 'Object') : prefixOf(constructor, tag, 'Object');
        if (keys.length === 0) return `${name}{}`;
        braces[0] = `${name}{`;
      }
    }
  }
  if (recurseTimes > ctx.depth) {
    const name = (constructor === null ? prefixOf(null, tag, 'Object') : prefixOf(constructor, tag, 'Object')).slice(0, -1);
    return constructor !== null ? `[${name}]` : name;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  const output = formatter(ctx, value, recurseTimes);
  for (const key of keys) output.push(formatProperty(ctx, value, recurseTimes, key, extrasType));
  const index = ctx.circular?.get(value);
  if (index !== undefined) base = base === '' ? `<ref *${index}>` : `<ref *${index}> ${base}`;
  ctx.seen.pop();
  return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

function functionBase(value: (...args: unknown[]) => unknown, constructor: string | null, tag: string): string {
  const source = Function.prototype.toString.call(value);
  if (source.startsWith('class') && source.endsWith('}')) {
    const name = (Object.prototype.hasOwnProperty.call(value, 'name') && (value.name as string)) || '(anonymous)';
    let base = `class ${name}`;
    if (constructor !== 'Function' && constructor !== null) base += ` [${constructor}]`;
    if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
    if (constructor !== null) {
      const superName = (Object.getPrototypeOf(value) as { name?: unknown }).name;
      if (typeof superName === 'string' && superName !== '') base += ` extends ${superName}`;
    } else base += ' extends [null prototype]';
    return `[${base}]`;
  }
  const kinds = ['AsyncGeneratorFunction', 'GeneratorFunction', 'AsyncFunction'];
  const type = kinds.find((kind) => kind === constructor) ?? 'Function';
  let base = `[${type}`;
  if (constructor === null) base += ' (null prototype)';
  base += value.name === '' ? ' (anonymous)' : `: ${value.name}`;
  base += ']';
  if (constructor !== type && constructor !== null) base += ` ${constructor}`;
  if (tag !== '' && constructor !== tag) base += ` [${tag}]`;
  return base;
}

/**
 * An error as Node prints it: `Error: message` and its stack's frames, here the harness's own
 * (`at FILE:LINE:COLUMN`, with no function names: V8 names none in the compiled harness); an
 * error with no frames as Node prints one, `[Error: message]`.
 */
function errorBase(ctx: Context, error: Error): string {
  const name = String(error.name);
  const message = String(error.message);
  const head = message === '' ? name : `${name}: ${message}`;
  const stack: unknown = error.stack;
  const frames = typeof stack === 'string' && ctx.errorFrames ? ctx.errorFrames(stack) : [];
  if (frames.length === 0) return `[${head}]`;
  const indentation = ' '.repeat(ctx.indentationLvl);
  return head + frames.map((frame) => `\n${indentation}    at ${frame}`).join('');
}

function formatProperty(ctx: Context, value: object, recurseTimes: number, key: PropertyKey, type: number): string {
  const descriptor = Object.getOwnPropertyDescriptor(value, key) ?? {
    value: (value as Record<PropertyKey, unknown>)[key],
    enumerable: true,
  };
  let text: string;
  if (descriptor.value !== undefined) {
    ctx.indentationLvl += 2;
    text = formatValue(ctx, descriptor.value, recurseTimes);
    ctx.indentationLvl -= 2;
  } else if (descriptor.get !== undefined) text = descriptor.set !== undefined ? '[Getter/Setter]' : '[Getter]';
  else if (descriptor.set !== undefined) text = '[Setter]';
  else text = 'undefined';
  if (type === ARRAY_EXTRAS_TYPE && typeof key === 'number') return text;
  let name: string;
  if (typeof key === 'symbol') name = `[${quotedSymbol(key)}]`;
  else if (key === '__proto__') name = "['__proto__']";
  else if (descriptor.enumerable === false) name = `[${String(key)}]`;
  else if (KEY_PATTERN.test(String(key))) name = String(key);
  else name = quotedString(String(key));
  return `${name}: ${text}`;
}

function quotedSymbol(symbol: symbol): string {
  return symbol.toString();
}

function formatArray(ctx: Context, value: object, recurseTimes: number): string[] {
  const array = value as unknown[];
  const output: string[] = [];
  let i = 0;
  while (i < array.length && output.length < MAX_ARRAY_LENGTH) {
    if (!Object.prototype.hasOwnProperty.call(array, i)) {
      let j = i;
      while (j < array.length && !Object.prototype.hasOwnProperty.call(array, j)) j++;
      const holes = j - i;
      output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      i = j;
    } else {
      output.push(formatProperty(ctx, array, recurseTimes, i, ARRAY_EXTRAS_TYPE));
      i++;
    }
  }
  const remaining = array.length - i;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  return output;
}

function formatTypedArray(ctx: Context, value: object): string[] {
  const array = value as unknown as ArrayLike<number | bigint>;
  const shown = Math.min(MAX_ARRAY_LENGTH, array.length);
  const output: string[] = [];
  for (let i = 0; i < shown; i++) output.push(formatPrimitive(ctx, array[i]));
  const remaining = array.length - shown;
  if (remaining > 0) output.push(`... ${remaining} more item${remaining > 1 ? 's' : ''}`);
  return output;
}

function formatSet(ctx: Context, value: object, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  for (const item of Set.prototype.values.call(value as Set<unknown>)) output.push(formatValue(ctx, item, recurseTimes));
  ctx.indentationLvl -= 2;
  return output;
}

function formatMap(ctx: Context, value: object, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  for (const [k, v] of Map.prototype.entries.call(value as Map<unknown, unknown>))
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
  ctx.indentationLvl -= 2;
  return output;
}

function formatArrayBuffer(_ctx: Context, value: object): string[] {
  const bytes = new Uint8Array(value as ArrayBuffer);
  const shown = Math.min(MAX_ARRAY_LENGTH, bytes.length);
  let hex = '';
  for (let i = 0; i < shown; i++) hex += `${i > 0 ? ' ' : ''}${bytes[i]!.toString(16).padStart(2, '0')}`;
  const remaining = bytes.length - shown;
  if (remaining > 0) hex += ` ... ${remaining} more byte${remaining > 1 ? 's' : ''}`;
  return [`[Uint8Contents]: <${hex}>`];
}

/** util.inspect's `compact: 3`: up to 3 inner levels on one line when it fits in 80 columns; long arrays in columns. */
function reduceToSingleString(
  ctx: Context,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: number,
  recurseTimes: number,
  value: object,
): string {
  const entries = output.length;
  if (extrasType === ARRAY_EXTRAS_TYPE && entries > 6) output = groupArrayElements(ctx, output, value);
  if (ctx.currentDepth - recurseTimes < COMPACT && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function isBelowBreakLength(output: string[], start: number, base: string): boolean {
  let totalLength = output.length + start;
  if (totalLength + output.length > BREAK_LENGTH) return false;
  for (const entry of output) {
    totalLength += entry.length;
    if (totalLength > BREAK_LENGTH) return false;
  }
  return base === '' || !base.includes('\n');
}

/** Many short array entries in aligned columns, as util.inspect groups them. */
function groupArrayElements(ctx: Context, output: string[], value: object): string[] {
  let totalLength = 0;
  let maxLength = 0;
  let outputLength = output.length;
  const more = output[outputLength - 1]!;
  if (/^\.\.\. \d+ more items?$/.test(more) && (value as unknown[]).length > MAX_ARRAY_LENGTH) outputLength--;
  const separatorSpace = 2;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i]!.length;
    dataLen[i] = len;
    totalLength += len + separatorSpace;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + separatorSpace;
  if (actualMax * 3 + ctx.indentationLvl < BREAK_LENGTH && (totalLength / actualMax > 5 || maxLength <= 6)) {
    const averageBias = Math.sqrt(actualMax - totalLength / output.length);
    const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
    const columns = Math.min(
      Math.round(Math.sqrt(2.5 * biasedMax * outputLength) / biasedMax),
      Math.floor((BREAK_LENGTH - ctx.indentationLvl) / actualMax),
      COMPACT * 4,
      15,
    );
    if (columns <= 1) return output;
    const grouped: string[] = [];
    const maxLineLength: number[] = [];
    for (let i = 0; i < columns; i++) {
      let lineLength = 0;
      for (let j = i; j < output.length; j += columns) if (dataLen[j]! > lineLength) lineLength = dataLen[j]!;
      maxLineLength.push(lineLength + separatorSpace);
    }
    const items = value as ArrayLike<unknown>;
    let padStart = true;
    for (let i = 0; i < output.length; i++)
      if (typeof items[i] !== 'number' && typeof items[i] !== 'bigint') {
        padStart = false;
        break;
      }
    for (let i = 0; i < outputLength; i += columns) {
      const max = Math.min(i + columns, outputLength);
      let line = '';
      let j = i;
      for (; j < max - 1; j++) {
        const cell = `${output[j]}, `;
        line += padStart ? cell.padStart(maxLineLength[j - i]!, ' ') : cell.padEnd(maxLineLength[j - i]!, ' ');
      }
      line += padStart ? output[j]!.padStart(maxLineLength[j - i]! - separatorSpace, ' ') : output[j]!;
      grouped.push(line);
    }
    if (outputLength < output.length) grouped.push(more);
    return grouped;
  }
  return output;
}
