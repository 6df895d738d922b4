/**
 * C's integers as gcc computes them in constant expressions on x86-64 (LP64): each value has a
 * type (its width and signedness), integer constants are typed by suffix and value, operands are
 * promoted and brought to a common type (C11 6.3.1.1, 6.3.1.8), and unsigned arithmetic wraps at
 * the type's width. `#if` computes in intmax_t / uintmax_t instead (C11 6.10.1p4): see PP_RULES.
 */
import type { Token } from './cTokens';

/** A C integer type: width in bits and signedness; `bool` for _Bool (converts to 0 or 1). */
export interface CIntegerType {
  readonly bits: number;
  readonly unsigned: boolean;
  readonly bool?: boolean;
}

/** A value of a C integer type (always within the type's range). */
export interface CInteger {
  readonly value: bigint;
  readonly type: CIntegerType;
  /** Signed overflow wrapped it (or an operand it was computed from): see ArithmeticRules. */
  readonly overflowed?: boolean;
  /** Why C_RULES refuse the shift that gave it, where that refusal waits (see ArithmeticRules). */
  readonly refusal?: string;
  /** Set where gcc's folder computed no value (see Unfolded); `value` is then meaningless. */
  readonly unfolded?: Unfolded;
}

/**
 * A value gcc's folder leaves uncomputed where it folds (FOLDING_RULES): a negative shift count
 * or a division by zero. gcc refuses any use of it but one: its shorten_compare decides `x < 0`
 * (false) and `x >= 0` (true), and `0 > x` and `0 <= x`, when the comparison is unsigned once x
 * is taken at its narrowest type: `(1u << -1) < 0` is 0, `(unsigned char)(1 << -1) >= 0` 1 and
 * `(1 << -1) < 0u` 0, but `(1 << -1) < 0ul` (int widened, so signed) and `(short)(1u << -1) < 0`
 * are refused. Arithmetic in an unsigned type gives one again; any other use is refused.
 */
export interface Unfolded {
  readonly reason: string;
  /** x's type before the conversions that only widened it (a cast, a promotion). */
  readonly narrow: CIntegerType;
  /** The operator gcc warns at, for the refusal's column (set by the expression's reader). */
  readonly at?: Token;
}

export const INT: CIntegerType = { bits: 32, unsigned: false };
export const UNSIGNED_INT: CIntegerType = { bits: 32, unsigned: true };
export const LONG: CIntegerType = { bits: 64, unsigned: false };
export const UNSIGNED_LONG: CIntegerType = { bits: 64, unsigned: true };
/** gcc's __int128, the type of a decimal constant past long's range ("so large that it is unsigned" is its warning, not its type). */
export const INT128: CIntegerType = { bits: 128, unsigned: false };
/** size_t, the type of sizeof, _Alignof and offsetof. */
export const SIZE_T = UNSIGNED_LONG;

/** Why a constant expression is not computed (gcc refuses it, or the importer does not follow it). */
export class ConstantError extends Error {
  /** The token the refusal names, where it is not the operator being computed (an Unfolded's). */
  constructor(
    message: string,
    readonly at?: Token,
  ) {
    super(message);
  }
}

const COMPARISONS = ['==', '!=', '<', '>', '<=', '>='];

/** An Unfolded value of `type` (see Unfolded), for `reason`. */
function unfoldedOf(unfolded: Omit<Unfolded, 'narrow'>, type: CIntegerType): CInteger {
  return { value: 0n, type, unfolded: { ...unfolded, narrow: type } };
}

const isUnsigned = (type: CIntegerType) => type.unsigned && type.bool !== true;

/** `a op b` with an Unfolded operand: decided, Unfolded again where its type is unsigned, or refused. */
function unfoldedOperation(op: string, left: CInteger, right: CInteger, rules: ArithmeticRules): CInteger {
  const a = promote(left, rules);
  const b = promote(right, rules);
  const type = op === '<<' || op === '>>' ? a.type : commonType(a.type, b.type);
  // Whether gcc compares x (Unfolded) in an unsigned type, after taking it at its narrowest.
  const unsignedCompare = (x: CInteger) => {
    const narrow = x.unfolded?.narrow;
    return narrow !== undefined && isUnsigned(narrow.bits < type.bits ? narrow : type);
  };
  const zero = (x: CInteger) => x.unfolded === undefined && x.value === 0n;
  if ((op === '<' || op === '>=') && unsignedCompare(a) && zero(b)) return int(op === '>=');
  if ((op === '>' || op === '<=') && unsignedCompare(b) && zero(a)) return int(op === '<=');
  const first = (left.unfolded ?? right.unfolded)!;
  if (!COMPARISONS.includes(op) && isUnsigned(type)) return unfoldedOf(first, type);
  throw new ConstantError(first.reason, first.at);
}

/**
 * `x` converted to `type` by a cast; an Unfolded x stays one (its narrowest type kept if widened),
 * but not through _Bool, whose narrowing gcc follows otherwise (refused rather than guessed).
 */
export function castValue(x: CInteger, type: CIntegerType): CInteger {
  if (x.unfolded === undefined) return { ...convert(x.value, type), ...(x.overflowed === true ? { overflowed: true } : {}) };
  if (type.bool === true) throw new ConstantError(x.unfolded.reason, x.unfolded.at);
  if (type.bits > x.type.bits) return { value: 0n, type, unfolded: x.unfolded };
  return unfoldedOf(x.unfolded, type);
}

/** `exact`, the true result of an arithmetic operation, in `type`: marked where signed overflow wrapped it. */
function arithmetic(exact: bigint, type: CIntegerType, operands: readonly CInteger[]): CInteger {
  const converted = convert(exact, type);
  const overflowed = (!type.unsigned && converted.value !== exact) || operands.some((x) => x.overflowed === true);
  return overflowed ? { ...converted, overflowed } : converted;
}

/** Refuses, where gcc wants an integer constant expression, a wrapped value used as `use` says. */
export function refuseOverflowed(x: CInteger, use: string, rules: ArithmeticRules): void {
  if (!rules.folds && rules.inUnaryOperand !== true && x.overflowed === true)
    throw new ConstantError(`integer overflow in expression, then ${use}: not an integer constant for gcc here`);
}

/** `value` converted to `type` as gcc converts it: modulo 2^bits into its range, to 0 or 1 for _Bool. */
export function convert(value: bigint, type: CIntegerType): CInteger {
  if (type.bool === true) return { value: value === 0n ? 0n : 1n, type };
  return { value: type.unsigned ? BigInt.asUintN(type.bits, value) : BigInt.asIntN(type.bits, value), type };
}

export const int = (value: bigint | boolean): CInteger => convert(typeof value === 'boolean' ? (value ? 1n : 0n) : value, INT);

/**
 * Where gcc's rules differ. An array length and `_Alignas` must be integer constant expressions
 * (C_RULES): gcc refuses there a shift count out of range, a left shift of a negative value or
 * into the sign bit (`1 << 31`), and a value that signed overflow wrapped (`2147483647 + 1`) once
 * it is compared, is an operand of `&&` or `||` or the arm `?:` takes (arithmetic on it and `?:`
 * testing it gcc takes, and so does the importer). An enumerator, a bit-field width,
 * `aligned(N)` and `vector_size(N)` gcc folds instead, with a warning (FOLDING_RULES): signed
 * overflow wraps, and a shift by the width or more gives 0 (-1 for a negative `>>`). `#if`
 * computes in intmax_t and uintmax_t (64 bits), and gcc's preprocessor shifts by any count
 * (PP_RULES).
 */
export interface ArithmeticRules {
  readonly preprocessor: boolean;
  readonly folds: boolean;
  /**
   * In the operand of a unary - + ~ (C_RULES), which gcc folds at once: a value signed overflow
   * wrapped may be compared there, and a shift C_RULES refuse is folded and marked with the
   * refusal, which an operation on it then makes (gcc takes `-(1 << 40)`, not `-(1 << 40 | 1)`).
   */
  readonly inUnaryOperand?: boolean;
}
export const C_RULES: ArithmeticRules = { preprocessor: false, folds: false };
export const FOLDING_RULES: ArithmeticRules = { preprocessor: false, folds: true };
export const PP_RULES: ArithmeticRules = { preprocessor: true, folds: true };

/** The integer promotions (C11 6.3.1.1): below int, to int; in `#if`, to intmax_t / uintmax_t. */
export function promote(x: CInteger, rules: ArithmeticRules = C_RULES): CInteger {
  if (rules.preprocessor) return convert(x.value, x.type.unsigned ? UNSIGNED_LONG : LONG);
  return x.type.bits < 32 ? { ...x, ...convert(x.value, INT) } : x;
}

/**
 * The usual arithmetic conversions of two promoted operands (C11 6.3.1.8): the wider type, and of
 * two of one width the unsigned one (long and long long are both 64 bits here, so `long long +
 * unsigned long` is unsigned too).
 */
export function commonType(a: CIntegerType, b: CIntegerType): CIntegerType {
  if (a.bits !== b.bits) return a.bits > b.bits ? a : b;
  return a.unsigned ? a : b;
}

/**
 * An integer constant's value and type (C11 6.4.4.1 on LP64): the first of its candidate types
 * that holds it; a decimal one without `u` is never unsigned (gcc makes one past long's range an
 * __int128, uintmax_t in `#if`); one past 2^64 is cut to 64 bits first, as gcc cuts it. null if not one.
 */
export function integerConstant(text: string, rules: ArithmeticRules = C_RULES): CInteger | null {
  const match = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uU]?(?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU])$/.exec(text);
  if (match === null) return null;
  const digits = match[1]!;
  // One past 64 bits gcc cuts to 64 ("integer constant is too large for its type") and types that.
  const value = BigInt.asUintN(64, /^0[0-7]/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits));
  const suffix = match[2]!.toLowerCase();
  const decimal = /^[1-9]/.test(digits);
  const unsignedSuffix = suffix.includes('u');
  const candidates: CIntegerType[] = [];
  if (!rules.preprocessor && !suffix.includes('l')) {
    if (!unsignedSuffix) candidates.push(INT);
    if (unsignedSuffix || !decimal) candidates.push(UNSIGNED_INT);
  }
  if (!unsignedSuffix) candidates.push(LONG);
  if (unsignedSuffix || !decimal) candidates.push(UNSIGNED_LONG);
  for (const type of candidates) {
    const max = 2n ** BigInt(type.unsigned ? type.bits : type.bits - 1);
    if (value < max) return { value, type };
  }
  // Decimal, past long: gcc's __int128 in C (its sizeof is 16), and uintmax_t in #if.
  return { value, type: rules.preprocessor ? UNSIGNED_LONG : INT128 };
}

/**
 * `a op b` for a binary operator other than `&&` and `||` (which the caller short-circuits), as
 * gcc computes it. Refused: division by zero; a negative shift count; under C_RULES a count not
 * below the promoted left operand's width, a left shift of a negative value or into the sign, and
 * a comparison of a value signed overflow wrapped (see ArithmeticRules), which FOLDING_RULES fold
 * as gcc does. Signed overflow wraps (`2147483647 + 1` is INT_MIN).
 */
export function binaryOperation(op: string, left: CInteger, right: CInteger, rules: ArithmeticRules = C_RULES): CInteger {
  if (left.unfolded !== undefined || right.unfolded !== undefined) return unfoldedOperation(op, left, right, rules);
  refuseDeferred(left, right);
  const a = promote(left, rules);
  const b = promote(right, rules);
  if (op === '<<' || op === '>>') return shift(op, a, b, rules);
  const type = commonType(a.type, b.type);
  const x = convert(a.value, type).value;
  const y = convert(b.value, type).value;
  if (COMPARISONS.includes(op)) for (const v of [a, b]) refuseOverflowed(v, `compared with '${op}'`, rules);
  const operands = [a, b];
  switch (op) {
    case '==': return int(x === y); // prettier-ignore
    case '!=': return int(x !== y); // prettier-ignore
    case '<': return int(x < y); // prettier-ignore
    case '>': return int(x > y); // prettier-ignore
    case '<=': return int(x <= y); // prettier-ignore
    case '>=': return int(x >= y); // prettier-ignore
    case '+': return arithmetic(x + y, type, operands); // prettier-ignore
    case '-': return arithmetic(x - y, type, operands); // prettier-ignore
    case '*': return arithmetic(x * y, type, operands); // prettier-ignore
    case '&': return arithmetic(x & y, type, operands); // prettier-ignore
    case '|': return arithmetic(x | y, type, operands); // prettier-ignore
    case '^': return arithmetic(x ^ y, type, operands); // prettier-ignore
    case '/':
    case '%':
      if (y === 0n) {
        if (rules.folds && !rules.preprocessor) return unfoldedOf({ reason: 'division by zero' }, type);
        throw new ConstantError('division by zero');
      }
      // BigInt divides toward zero, as C does; INT_MIN / -1 wraps to INT_MIN. INT_MIN % -1 is 0,
      // overflowed for gcc as INT_MIN / -1 is ("results in '0'"): compared, it is refused too.
      if (op === '%' && !type.unsigned && y === -1n && x === -(2n ** BigInt(type.bits - 1)))
        return { ...convert(0n, type), overflowed: true };
      return arithmetic(op === '/' ? x / y : x % y, type, operands);
  }
  throw new ConstantError(`'${op}' is not a binary operator`);
}

/** `a << n` or `a >> n`: the promoted left operand's type; `>>` of a negative one fills with ones. */
function shift(op: string, a: CInteger, b: CInteger, rules: ArithmeticRules): CInteger {
  const bits = BigInt(a.type.bits);
  const side = op === '<<' ? 'left' : 'right';
  let count = b.value;
  if (rules.preprocessor) {
    // gcc's preprocessor: a negative (signed) count shifts the other way.
    if (count < 0n) return shift(op === '<<' ? '>>' : '<<', a, { value: -count, type: UNSIGNED_LONG }, rules);
  } else if (rules.folds) {
    // Where gcc folds: 0 shifted, or -1 shifted right, is itself whatever the count; else the
    // count is cut to the left operand's width, as signed (`1 << 0x100000000ULL` is 1, `1 <<
    // 0xffffffffU` negative and refused).
    if (a.value === 0n || (op === '>>' && a.value === -1n)) return a;
    count = BigInt.asIntN(a.type.bits, count);
    // Then gcc's folder makes `x >> x` 0 whatever the count (a rule of its match.pd) when both
    // promoted operands are one value of one type: `0xffffffffu >> 0xffffffffu` and `-2 >> -2`
    // are 0, but `-2L >> -2` and `0xfffffffeu >> -2` are refused as a negative count. Of 64
    // bits, gcc also wants both long or both long long, which the importer does not tell apart.
    if (count < 0n && op === '>>' && a.value === b.value && a.type.bits === b.type.bits && a.type.unsigned === b.type.unsigned) {
      if (a.type.bits === 64)
        throw new ConstantError(
          `${a.value} >> ${b.value}: gcc folds it to 0 if both are long or both long long, which the importer does not tell apart`,
        );
      return { ...convert(0n, a.type), ...(a.overflowed === true ? { overflowed: true } : {}) };
    }
  }
  if (count < 0n) {
    if (rules.folds && !rules.preprocessor) return unfoldedOf({ reason: `${side} shift count is negative` }, a.type);
    throw new ConstantError(`${side} shift count is negative`);
  }
  let refusal: string | undefined;
  if (count >= bits && !rules.folds && !rules.preprocessor)
    refusal = `${side} shift count ${count} >= width of type (${bits} bits)`;
  if (count > bits) count = bits;
  const shifted = {
    ...convert(op === '<<' ? a.value << count : a.value >> count, a.type),
    ...(a.overflowed === true ? { overflowed: true } : {}),
  };
  // A negative value shifted left, or a bit shifted into the sign, gcc refuses where it wants a constant.
  if (refusal === undefined && op === '<<' && !rules.folds && !rules.preprocessor && !a.type.unsigned) {
    if (a.value < 0n) refusal = 'left shift of negative value';
    else if (shifted.value !== a.value << count)
      refusal = `result of '${a.value} << ${count}' requires more bits than its type has`;
  }
  if (refusal === undefined) return shifted;
  if (rules.inUnaryOperand === true) return { ...shifted, refusal };
  throw new ConstantError(refusal);
}

/** Refuses a value whose shift C_RULES refused, now that an operation uses it. */
export function refuseDeferred(...values: CInteger[]): void {
  for (const x of values) {
    if (x.refusal !== undefined) throw new ConstantError(x.refusal);
    if (x.unfolded !== undefined) throw new ConstantError(x.unfolded.reason, x.unfolded.at);
  }
}

/** `-a`, `+a`, `~a`, `!a` as gcc computes them. */
export function unaryOperation(op: string, operand: CInteger, rules: ArithmeticRules = C_RULES): CInteger {
  if (operand.unfolded !== undefined && op !== '!') {
    const { type } = promote(operand, rules);
    if (isUnsigned(type)) return unfoldedOf(operand.unfolded, type);
    refuseDeferred(operand);
  }
  if (op === '!') {
    refuseDeferred(operand);
    return int(operand.value === 0n);
  }
  // A unary - + ~ takes what its operand's shift folded (see ArithmeticRules).
  const { refusal: _taken, ...a } = promote(operand, rules);
  if (op === '-') return arithmetic(-a.value, a.type, [a]);
  if (op === '~') return arithmetic(~a.value, a.type, [a]);
  return a;
}

/** `test ? yes : no`: both arms brought to their common type (so `1 ? -1 : 0u` is 4294967295). */
export function conditionalResult(test: CInteger, yes: CInteger, no: CInteger, rules: ArithmeticRules = C_RULES): CInteger {
  refuseDeferred(test, yes, no);
  const a = promote(yes, rules);
  const b = promote(no, rules);
  const taken = test.value !== 0n ? a : b;
  refuseOverflowed(taken, 'the arm ?: takes', rules);
  return convert(taken.value, commonType(a.type, b.type));
}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 10,
  t: 9,
  r: 13,
  a: 7,
  b: 8,
  f: 12,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
  e: 27,
  E: 27,
};

/** The type of a character constant by its prefix: plain and L' are int; u' char16_t, U' char32_t. */
const CHAR_TYPES: Record<string, { char: CIntegerType; constant: CIntegerType }> = {
  '': { char: { bits: 8, unsigned: false }, constant: INT },
  L: { char: INT, constant: INT },
  u: { char: { bits: 16, unsigned: true }, constant: { bits: 16, unsigned: true } },
  U: { char: UNSIGNED_INT, constant: UNSIGNED_INT },
};

/**
 * A character constant's value and type as gcc gives them on x86-64: `'\xff'` is a signed char's
 * -1 (an int); several characters make an int of their bytes, the last four kept (`'ab'` is
 * 0x6162, `'\xff\xff'` 65535); `L'…'` is a wchar_t (int), `u'…'` a char16_t (unsigned short) and
 * `U'…'` a char32_t (unsigned int), of their last character. Octal and hex escapes are cut to
 * the character's width. null for what gcc refuses (an empty constant, an unknown escape, a code
 * too large for its type: `'\x100'`, `u'\U00010000'`) or the importer does not read (a character
 * beyond ASCII in a plain one).
 */
export function characterConstant(text: string): CInteger | null {
  const prefix = /^(L|u|U)?'/.exec(text)?.[1] ?? '';
  if (!text.endsWith("'") || text.length < prefix.length + 3) return null;
  const body = text.slice(prefix.length + 1, -1);
  const { char, constant } = CHAR_TYPES[prefix]!;
  const max = 2n ** BigInt(char.bits);
  const codes: bigint[] = [];
  let k = 0;
  while (k < body.length) {
    let code: bigint;
    if (body[k] !== '\\') {
      const point = body.codePointAt(k)!;
      if (prefix === '' && point > 127) return null;
      code = BigInt(point);
      k += String.fromCodePoint(point).length;
    } else {
      const octal = /^[0-7]{1,3}/.exec(body.slice(k + 1));
      const hex = /^x([0-9a-fA-F]+)/.exec(body.slice(k + 1));
      const universal = /^(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})/.exec(body.slice(k + 1));
      if (octal !== null) {
        code = BigInt('0o' + octal[0]);
        k += 1 + octal[0].length;
      } else if (hex !== null) {
        code = BigInt('0x' + hex[1]);
        k += 1 + hex[0].length;
      } else if (universal !== null && prefix !== '') {
        code = BigInt('0x' + universal[0].slice(1));
        k += 1 + universal[0].length;
      } else {
        const simple = SIMPLE_ESCAPES[body[k + 1] ?? ''];
        if (simple === undefined) return null;
        code = BigInt(simple);
        k += 2;
      }
      if (code >= max) return null;
    }
    if (code >= max) return null;
    codes.push(code);
  }
  if (codes.length === 1 || prefix !== '') return convert(convert(codes[codes.length - 1]!, char).value, constant);
  // Several in a plain one: an int of their bytes, as gcc builds it (the last four kept).
  let value = 0n;
  for (const code of codes) value = (value << 8n) | code;
  return convert(value, INT);
}
