/**
 * What a harness threw, as text, whatever it threw: an Error, a string, null, a Symbol, a frozen
 * object, an object whose getters throw, a Proxy whose every trap throws, an Error subclass with
 * a throwing `message`. Each read is guarded and bounded, so describing it never throws and
 * never posts a value the harness made (only strings leave the worker).
 */

/** Longest name, message and stack kept (a harness can throw a string of any length). */
const MAX_NAME = 200;
const MAX_MESSAGE = 4000;
const MAX_STACK = 20_000;

export interface ThrownDescription {
  name: string;
  message: string;
  stack: string;
}

export function describeThrown(error: unknown): ThrownDescription {
  const type = typeof error;
  if (error === null || (type !== 'object' && type !== 'function')) {
    return { name: 'thrown value', message: cut(primitiveText(error), MAX_MESSAGE), stack: '' };
  }
  const record = error as { name?: unknown; message?: unknown; stack?: unknown };
  const name = stringOf(() => record.name);
  const message = stringOf(() => record.message);
  const stack = stringOf(() => record.stack);
  return {
    name: cut(name ?? (message !== undefined ? 'Error' : 'thrown value'), MAX_NAME),
    message: cut(message ?? objectText(error), MAX_MESSAGE),
    stack: cut(stack ?? '', MAX_STACK),
  };
}

/** A property that is a string, or undefined (absent, another type, or its getter threw). */
function stringOf(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function primitiveText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'symbol':
      return value.toString();
    case 'bigint':
      return `${value}n`;
    default:
      return String(value);
  }
}

/** `String(thrown)` when its toString works and gives a string; a neutral text otherwise. */
function objectText(value: unknown): string {
  try {
    const text: unknown = String(value);
    if (typeof text === 'string' && text !== '[object Object]') return text;
  } catch {
    // Its toString (or Symbol.toPrimitive) threw, or it is a Proxy refusing everything.
  }
  return typeof value === 'function' ? 'a function' : 'an object that is not an Error';
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length - max} more characters)` : text;
}
