/**
 * C's integer constant expressions as `#if` evaluates them (after macros expanded and unknown
 * names became 0): every operator from `?:` down to unary `!` and `~`, in 64-bit integers.
 */
/** How deep parentheses and unary operators may nest (deeper would exhaust the stack). */
const MAX_EXPRESSION_DEPTH = 256;

export function evaluateExpression(tokens: readonly string[]): bigint {
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
  const conditional = (live: boolean): bigint => {
    const test = binary(0, live);
    if (peek() !== '?') return test;
    pos++;
    const yes = conditional(live && test !== 0n);
    expect(':');
    const no = conditional(live && test === 0n);
    return test !== 0n ? yes : no;
  };
  const binary = (level: number, live: boolean): bigint => {
    if (level === levels.length) return unary(live);
    let left = binary(level + 1, live);
    while (levels[level]!.includes(peek() ?? '')) {
      const op = tokens[pos++]!;
      const right = binary(level + 1, live && !skipsRight(op, left));
      if (live) left = BigInt.asIntN(64, applyBinaryOperator(op, left, right));
    }
    return left;
  };
  const unary = (live: boolean): bigint => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new Error(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    try {
      return operand(live);
    } finally {
      depth--;
    }
  };
  const operand = (live: boolean): bigint => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('expected a value at the end');
    if (t === '-') return -unary(live);
    if (t === '+') return unary(live);
    if (t === '~') return ~unary(live);
    if (t === '!') return unary(live) === 0n ? 1n : 0n;
    if (t === '(') {
      const value = conditional(live);
      expect(')');
      return value;
    }
    const value = literalValue(t);
    if (value === null && /^[uU]'/.test(t))
      throw new Error(
        `${t}: a char16_t or char32_t constant is unsigned in #if, which the built-in preprocessor does not follow`,
      );
    if (value === null) throw new Error(`'${t}' is not an integer`);
    return value;
  };
  const value = conditional(true);
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

/**
 * `a op b` for one of C_BINARY_LEVELS' operators, in integers (a shift counts modulo 64). Throws a
 * plain Error on division by zero: a caller that follows C does not compute the right side of
 * `0 && …` or `1 || …` at all (skipsRight).
 */
export function applyBinaryOperator(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '||': return a !== 0n || b !== 0n ? 1n : 0n; // prettier-ignore
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n; // prettier-ignore
    case '|': return a | b; // prettier-ignore
    case '^': return a ^ b; // prettier-ignore
    case '&': return a & b; // prettier-ignore
    case '==': return a === b ? 1n : 0n; // prettier-ignore
    case '!=': return a !== b ? 1n : 0n; // prettier-ignore
    case '<': return a < b ? 1n : 0n; // prettier-ignore
    case '>': return a > b ? 1n : 0n; // prettier-ignore
    case '<=': return a <= b ? 1n : 0n; // prettier-ignore
    case '>=': return a >= b ? 1n : 0n; // prettier-ignore
    case '<<': return a << (b & 63n); // prettier-ignore
    case '>>': return a >> (b & 63n); // prettier-ignore
    case '+': return a + b; // prettier-ignore
    case '-': return a - b; // prettier-ignore
    case '*': return a * b; // prettier-ignore
  }
  if (b === 0n) throw new Error('division by zero');
  return op === '/' ? a / b : a % b;
}

/** Whether C leaves `left op …`'s right operand unevaluated: `0 && x` is 0 and `1 || x` is 1 whatever x is. */
export function skipsRight(op: string, left: bigint | number): boolean {
  return (op === '&&' && (left === 0n || left === 0)) || (op === '||' && left !== 0n && left !== 0);
}

/** An integer literal (decimal, hex, octal, binary, any u/l suffix) or a character constant; null otherwise. */
export function literalValue(text: string): bigint | null {
  if (text.endsWith("'")) {
    // `u'x'` and `U'x'` are unsigned in #if, which this signed arithmetic does not follow.
    if (/^[uU]'/.test(text)) return null;
    const value = charValue(text);
    return value === null ? null : BigInt(value);
  }
  const body = text.replace(/([uU](ll|LL|l|L)?|(ll|LL|l|L)[uU]?)$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^[1-9][0-9]*$/.test(body)) return BigInt(body);
  if (/^0[0-7]*$/.test(body)) return BigInt('0o' + (body.slice(1) || '0'));
  return null;
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  '0': 0,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
  e: 27,
};

/**
 * The value of a character constant as gcc gives it on x86-64: a plain one is a `char`, signed
 * ('\xff' is -1); `L'…'` a wchar_t (int), `u'…'` / `U'…'` char16_t / char32_t, each its
 * code (gnu11 has no `u8'…'`). null for one the importer does not read (several characters, a
 * code too large for its type).
 */
export function charValue(text: string): number | null {
  const prefix = /^(L|u|U)?'/.exec(text)?.[1] ?? '';
  const body = text.slice(prefix.length + 1, -1);
  const max = prefix === '' ? 0xff : prefix === 'u' ? 0xffff : 0xffffffff;
  let code: number | undefined;
  if (!body.startsWith('\\')) {
    const point = body.codePointAt(0);
    // One character: one byte plain, one code point with a prefix.
    if (point !== undefined && String.fromCodePoint(point) === body && (prefix !== '' || body.length === 1)) code = point;
  } else if (/^\\[0-7]{1,3}$/.test(body)) code = parseInt(body.slice(1), 8);
  else if (/^\\x[0-9a-fA-F]+$/.test(body) && body.length <= 10) code = parseInt(body.slice(2), 16);
  else if (prefix !== '' && /^\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.test(body)) code = parseInt(body.slice(2), 16);
  else if (body.length === 2) code = SIMPLE_ESCAPES[body[1]!];
  if (code === undefined || code > max) return null;
  return prefix === '' && code > 127 ? code - 256 : code;
}
