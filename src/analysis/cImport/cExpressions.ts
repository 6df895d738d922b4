/**
 * `#if` expressions (after macros expanded and unknown names became 0), as gcc's preprocessor
 * computes them (C11 6.10.1p4): every value an intmax_t or uintmax_t (64 bits), unsigned when a
 * constant has `u` or does not fit intmax_t (and for `u'x'` and `U'x'`), and an operation unsigned
 * when an operand is (`-1 > 0u` is 1); a character constant has its C value (`'\xff'` is -1).
 */
import {
  binaryOperation,
  characterConstant,
  conditionalResult,
  ConstantError,
  int,
  integerConstant,
  PP_RULES,
  unaryOperation,
  type CInteger,
} from './cIntegers';

/** How deep parentheses and unary operators may nest (deeper would exhaust the stack). */
const MAX_EXPRESSION_DEPTH = 256;

export function evaluateExpression(tokens: readonly string[]): CInteger {
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const expect = (text: string) => {
    if (tokens[pos] !== text)
      throw new Error(`expected '${text}'${pos < tokens.length ? `, found '${tokens[pos]}'` : ' at the end'}`);
    pos++;
  };
  const levels = C_BINARY_LEVELS;
  // `live` is false in an operand C does not evaluate (the right of `0 &&` and `1 ||`, the arm of
  // `?:` not taken): it is parsed, but its value is never used, so `#if 0 && 1/0` is no error.
  // gcc's preprocessor takes the comma operator in `#if` (a pedantic warning only, in every
  // -std): `#if (0, 1)` is 1, the right operand in its type, and the left is evaluated
  // (`#if (1 / 0, 1)` is a division by zero). It binds loosest, and may stand between ? and :.
  const comma = (live: boolean): CInteger => {
    let value = conditional(live);
    while (peek() === ',') {
      pos++;
      value = conditional(live);
    }
    return value;
  };
  const conditional = (live: boolean): CInteger => {
    const test = binary(0, live);
    if (peek() !== '?') return test;
    pos++;
    const yes = comma(live && test.value !== 0n);
    expect(':');
    const no = conditional(live && test.value === 0n);
    return conditionalResult(test, yes, no, PP_RULES);
  };
  const binary = (level: number, live: boolean): CInteger => {
    if (level === levels.length) return unary(live);
    let left = binary(level + 1, live);
    while (levels[level]!.includes(peek() ?? '')) {
      const op = tokens[pos++]!;
      const skipped = skipsRight(op, left.value);
      const right = binary(level + 1, live && !skipped);
      if (op === '&&') left = int(!skipped && left.value !== 0n && right.value !== 0n);
      else if (op === '||') left = int(skipped || left.value !== 0n || right.value !== 0n);
      else if (!live) left = binaryOperation(op, left, { value: 1n, type: right.type }, PP_RULES);
      else {
        try {
          left = binaryOperation(op, left, right, PP_RULES);
        } catch (error) {
          // gcc: "division by zero in #if".
          if (error instanceof ConstantError) throw new Error(`${error.message} in #if`, { cause: error });
          throw error;
        }
      }
    }
    return left;
  };
  const unary = (live: boolean): CInteger => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new Error(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    try {
      return operand(live);
    } finally {
      depth--;
    }
  };
  const operand = (live: boolean): CInteger => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('expected a value at the end');
    if (t === '-' || t === '+' || t === '~' || t === '!') return unaryOperation(t, unary(live), PP_RULES);
    if (t === '(') {
      const value = comma(live);
      expect(')');
      return value;
    }
    const value = t.endsWith("'") ? characterConstant(t) : integerConstant(t, PP_RULES);
    if (value === null) throw new Error(`'${t}' is not an integer`);
    return value;
  };
  const value = comma(true);
  if (pos < tokens.length) throw new Error(`unexpected '${tokens[pos]}'`);
  return value;
}

/**
 * C's binary operators, loosest first: what `#if` and the importer's constant expressions (array
 * sizes, enum values) both parse.
 */
export const C_BINARY_LEVELS: readonly (readonly string[])[] = [
  ['||'],
  ['&&'],
  ['|'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '>', '<=', '>='],
  ['<<', '>>'],
  ['+', '-'],
  ['*', '/', '%'],
];

/** Whether C leaves `left op …`'s right operand unevaluated: `0 && x` is 0 and `1 || x` is 1 whatever x is. */
export function skipsRight(op: string, left: bigint | number): boolean {
  return (op === '&&' && (left === 0n || left === 0)) || (op === '||' && left !== 0n && left !== 0);
}
