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
  const conditional = (): bigint => {
    const test = binary(0);
    if (peek() !== '?') return test;
    pos++;
    const yes = conditional();
    expect(':');
    const no = conditional();
    return test !== 0n ? yes : no;
  };
  const binary = (level: number): bigint => {
    if (level === levels.length) return unary();
    let left = binary(level + 1);
    while (levels[level]!.includes(peek() ?? '')) {
      const op = tokens[pos++]!;
      const right = binary(level + 1);
      left = BigInt.asIntN(64, applyBinaryOperator(op, left, right));
    }
    return left;
  };
  const unary = (): bigint => {
    if (++depth > MAX_EXPRESSION_DEPTH) throw new Error(`the expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels`);
    try {
      return operand();
    } finally {
      depth--;
    }
  };
  const operand = (): bigint => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error('expected a value at the end');
    if (t === '-') return -unary();
    if (t === '+') return unary();
    if (t === '~') return ~unary();
    if (t === '!') return unary() === 0n ? 1n : 0n;
    if (t === '(') {
      const value = conditional();
      expect(')');
      return value;
    }
    const value = literalValue(t);
    if (value === null) throw new Error(`'${t}' is not an integer`);
    return value;
  };
  const value = conditional();
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
 * `a op b` for one of C_BINARY_LEVELS' operators, in integers (a shift counts modulo 64; both
 * sides of && and || are evaluated). Throws a plain Error on division by zero.
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

/** An integer literal (decimal, hex, octal, binary, any u/l suffix) or a character constant; null otherwise. */
export function literalValue(text: string): bigint | null {
  if (/^'(\\.|[^\\'])'$/.test(text)) {
    const inner = text.slice(1, -1);
    const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
    return BigInt(inner.length === 2 ? (escapes[inner[1]!] ?? inner.charCodeAt(1)) : inner.charCodeAt(0));
  }
  const body = text.replace(/([uU](ll|LL|l|L)?|(ll|LL|l|L)[uU]?)$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^[1-9][0-9]*$/.test(body)) return BigInt(body);
  if (/^0[0-7]*$/.test(body)) return BigInt('0o' + (body.slice(1) || '0'));
  return null;
}
