/**
 * An enumerator's value as gcc computes it: exact at any 64-bit value (perf_event.h's
 * `PERF_MEM_... = 1ULL << 63`, `~0ULL`), in C's integer types (int, unsigned int, long, unsigned
 * long) with their usual arithmetic conversions, so that `~0ULL` is 2^64 - 1 and not -1, and
 * `-1 < 0U` is 0. The importer's other constants (array sizes) stay below 2^53, where a double is
 * exact; an expression this reader does not take (sizeof, a cast, offsetof, a character constant)
 * is left to that evaluator (`null`).
 */
import { C_BINARY_LEVELS, literalValue, skipsRight } from './cExpressions';
import { CSyntaxError, MAX_NESTING, type Token } from './cTokens';

/** A C integer value: `wide` is long (64 bits, long long too on x86-64), else int (32 bits). */
export interface Typed {
  value: bigint;
  unsigned: boolean;
  wide: boolean;
}

/** Not an expression this reader takes: the caller asks the general evaluator. */
class NotTaken extends Error {}

/**
 * An enumerator's own type, as gcc gives it: int when its value fits one, else its expression's
 * type (`P_A = 1ULL << 40` is unsigned long, so `~P_A` in the next one is unsigned too).
 */
export function enumeratorType(expression: Typed): Typed {
  const { value } = expression;
  return value >= -(2n ** 31n) && value < 2n ** 31n ? { value, unsigned: false, wide: false } : expression;
}

/** The enumerator after `previous` (no initializer): one more, in its type while it fits. */
export function nextEnumerator(previous: Typed): Typed {
  const next = wrapped(previous.value + 1n, previous.unsigned, previous.wide);
  return enumeratorType(next.value === previous.value + 1n ? next : typedOf(previous.value + 1n));
}

const bitsOf = (t: { wide: boolean }) => (t.wide ? 64 : 32);

function wrapped(value: bigint, unsigned: boolean, wide: boolean): Typed {
  const bits = wide ? 64 : 32;
  return { value: unsigned ? BigInt.asUintN(bits, value) : BigInt.asIntN(bits, value), unsigned, wide };
}

/** The type C gives a value it holds: int, else long, else unsigned long. */
export function typedOf(value: bigint): Typed {
  if (value >= -(2n ** 31n) && value < 2n ** 31n) return { value, unsigned: false, wide: false };
  if (value >= -(2n ** 63n) && value < 2n ** 63n) return { value, unsigned: false, wide: true };
  return { value, unsigned: true, wide: true };
}

/** An integer literal's value and type, as C11 6.4.4.1 types it for x86-64; null if not one. */
function literal(text: string): Typed | null {
  const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU]?(?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU])$/.exec(text);
  if (match === null) return null;
  const digits = match[1]!;
  const suffix = match[2]!.toLowerCase();
  // The digits as the general evaluator reads them; this reader adds the literal's type.
  const value = literalValue(text)!;
  const decimal = /^[1-9]/.test(digits);
  const unsignedSuffix = suffix.includes('u');
  const longSuffix = suffix.includes('l');
  // The candidate types in order; a decimal constant without u is never unsigned.
  const candidates: [boolean, boolean][] = [];
  if (!longSuffix) {
    if (!unsignedSuffix) candidates.push([false, false]);
    if (unsignedSuffix || !decimal) candidates.push([true, false]);
  }
  if (!unsignedSuffix) candidates.push([false, true]);
  if (unsignedSuffix || !decimal) candidates.push([true, true]);
  for (const [unsigned, wide] of candidates) {
    const bits = wide ? 64 : 32;
    const max = unsigned ? 2n ** BigInt(bits) : 2n ** BigInt(bits - 1);
    if (value < max) return { value, unsigned, wide };
  }
  // gcc: "integer constant is so large that it is unsigned".
  if (value < 2n ** 64n) return { value, unsigned: true, wide: true };
  return null;
}

/** C's usual arithmetic conversions of two operands: the type both are computed in. */
function common(a: Typed, b: Typed): { unsigned: boolean; wide: boolean } {
  if (a.wide === b.wide) return { unsigned: a.unsigned || b.unsigned, wide: a.wide };
  // The wider is long: it holds every unsigned int, so its own signedness decides.
  return a.wide ? { unsigned: a.unsigned, wide: true } : { unsigned: b.unsigned, wide: true };
}

const int = (truth: boolean): Typed => ({ value: truth ? 1n : 0n, unsigned: false, wide: false });

/**
 * The value and type of the enumerator expression `tokens`, or null when it uses what only the
 * general evaluator reads. `known` gives the value and type of an enumerator or constant named in it.
 */
export function enumeratorValue(
  tokens: readonly Token[],
  known: (name: string) => Typed | undefined,
  line: number,
): Typed | null {
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos]?.text;
  const fail = (reason: string): never => {
    const at = tokens[Math.min(pos, tokens.length - 1)];
    throw new CSyntaxError(at?.line ?? line, reason, undefined, undefined, at);
  };
  const conditional = (live: boolean): Typed => {
    const test = binary(0, live);
    if (peek() !== '?') return test;
    if (++depth > MAX_NESTING) fail(`the expression nests deeper than ${MAX_NESTING} levels`);
    try {
      pos++;
      const yes = conditional(live && test.value !== 0n);
      if (peek() !== ':') fail("expected ':' in a conditional expression");
      pos++;
      const no = conditional(live && test.value === 0n);
      const type = common(yes, no);
      return wrapped(test.value !== 0n ? yes.value : no.value, type.unsigned, type.wide);
    } finally {
      depth--;
    }
  };
  const binary = (level: number, live: boolean): Typed => {
    if (level === C_BINARY_LEVELS.length) return unary(live);
    let left = binary(level + 1, live);
    while (C_BINARY_LEVELS[level]!.includes(peek() ?? '')) {
      const op = tokens[pos++]!.text;
      const skipped = skipsRight(op, left.value);
      const right = binary(level + 1, live && !skipped);
      if (!live) continue;
      left = apply(op, left, right, skipped);
    }
    return left;
  };
  const apply = (op: string, a: Typed, b: Typed, skipped: boolean): Typed => {
    if (op === '&&') return int(!skipped && a.value !== 0n && b.value !== 0n);
    if (op === '||') return int(skipped || a.value !== 0n || b.value !== 0n);
    if (op === '<<' || op === '>>') {
      // The result has the left operand's type; a count past its width gcc refuses here too.
      if (b.value < 0n || b.value >= BigInt(bitsOf(a))) fail(`shift count ${b.value} is out of range (0 to ${bitsOf(a) - 1})`);
      const shifted = op === '<<' ? a.value << b.value : a.value >> b.value;
      return wrapped(shifted, a.unsigned, a.wide);
    }
    const type = common(a, b);
    const x = wrapped(a.value, type.unsigned, type.wide).value;
    const y = wrapped(b.value, type.unsigned, type.wide).value;
    switch (op) {
      case '==':
        return int(x === y);
      case '!=':
        return int(x !== y);
      case '<':
        return int(x < y);
      case '>':
        return int(x > y);
      case '<=':
        return int(x <= y);
      case '>=':
        return int(x >= y);
      case '/':
      case '%':
        if (y === 0n) fail('division by zero');
        return wrapped(op === '/' ? x / y : x % y, type.unsigned, type.wide);
      case '*':
        return wrapped(x * y, type.unsigned, type.wide);
      case '+':
        return wrapped(x + y, type.unsigned, type.wide);
      case '-':
        return wrapped(x - y, type.unsigned, type.wide);
      case '&':
        return wrapped(x & y, type.unsigned, type.wide);
      case '|':
        return wrapped(x | y, type.unsigned, type.wide);
      case '^':
        return wrapped(x ^ y, type.unsigned, type.wide);
    }
    throw new NotTaken();
  };
  const unary = (live: boolean): Typed => {
    if (++depth > MAX_NESTING) fail(`the expression nests deeper than ${MAX_NESTING} levels`);
    try {
      return operand(live);
    } finally {
      depth--;
    }
  };
  const operand = (live: boolean): Typed => {
    const t = tokens[pos];
    if (t === undefined) return fail('expected a constant');
    pos++;
    if (t.text === '-' || t.text === '~') {
      const v = unary(live);
      return wrapped(t.text === '-' ? -v.value : ~v.value, v.unsigned, v.wide);
    }
    if (t.text === '+') return unary(live);
    if (t.text === '!') return int(unary(live).value === 0n);
    if (t.text === '(') {
      // A cast is the general evaluator's (it knows type names).
      if (tokens[pos]?.kind === 'id' && known(tokens[pos]!.text) === undefined) throw new NotTaken();
      const value = conditional(live);
      if (peek() !== ')') fail("expected ')'");
      pos++;
      return value;
    }
    if (t.kind === 'num') {
      const value = literal(t.text);
      if (value === null) throw new NotTaken();
      return value;
    }
    if (t.kind === 'id') {
      const value = known(t.text);
      if (value === undefined) throw new NotTaken();
      return value;
    }
    throw new NotTaken();
  };
  try {
    const result = conditional(true);
    if (pos < tokens.length) return null;
    return result;
  } catch (error) {
    if (error instanceof NotTaken) return null;
    throw error;
  }
}
