/**
 * C's integer constant expressions (array sizes, bit-field widths, enum values, alignments) as gcc
 * computes them on x86-64: every value has its C type (cIntegers.ts), so `(long)(0u - 1)` is
 * 4294967295 and `-1 < 0u` is 0, and arithmetic is exact at any 64-bit value.
 */
import { C_BINARY_LEVELS, skipsRight } from './cExpressions';
import {
  binaryOperation,
  castValue,
  C_RULES,
  FOLDING_RULES,
  characterConstant,
  conditionalResult,
  ConstantError,
  convert,
  int,
  integerConstant,
  refuseDeferred,
  refuseOverflowed,
  SIZE_T,
  unaryOperation,
  type ArithmeticRules,
  type CInteger,
  type CIntegerType,
} from './cIntegers';
import { CSyntaxError, MAX_NESTING, MEASURE_OPERATORS, type CastTarget, type Token, type TypeMeasure } from './cTokens';

/** What a constant expression may ask of the header it is in. */
export interface ConstantContext {
  /** Enumerators and `#define` constants, with their C types. */
  readonly constants: ReadonlyMap<string, CInteger>;
  /** `sizeof(type)` or an alignment of the type name `tokens`. */
  readonly sizeOfType?: (tokens: readonly Token[], measure: TypeMeasure) => number;
  /** `offsetof(type, member)`: the type name's tokens and the member designator's (`a.b[2].c`). */
  readonly offsetOf?: (typeTokens: readonly Token[], designator: readonly Token[]) => number;
  /** `sizeof(((T *)0)->member)` or an alignment of it: the type name's tokens and the member designator's. */
  readonly measureMember?: (typeTokens: readonly Token[], designator: readonly Token[], measure: TypeMeasure) => number;
  /** The integer a cast converts to (a typedef's too: `(gint)`, `(guint32)`), or null for another type. */
  readonly castTarget?: (typeTokens: readonly Token[]) => CastTarget | null;
  /** FOLDING_RULES where gcc folds (an enumerator, a bit-field width, aligned(N)); C_RULES by default. */
  readonly rules?: ArithmeticRules;
}

/**
 * The value and C type of the constant expression `tokens`: literals, character constants, known
 * constants, parentheses, casts, unary - + ~ !, * / % + - << >> < > <= >= == != & ^ | && || and ?:,
 * `sizeof` and `_Alignof` of a type name or of an expression, and `offsetof(type, member)`.
 * Throws CSyntaxError at the token refused.
 */
export function constantValue(tokens: readonly Token[], context: ConstantContext, line: number): CInteger {
  const { constants, sizeOfType, offsetOf, castTarget } = context;
  let rules = context.rules ?? C_RULES;
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos]?.text;
  /** Stops at `at` (default: the token the reader is on, or the last one at the end). */
  const fail = (reason: string, at = tokens[Math.min(pos, tokens.length - 1)]): never => {
    throw new CSyntaxError(at?.line ?? line, reason, undefined, undefined, at);
  };
  /** Refuses an Unfolded value where its use is not one gcc decides, at its operator. */
  const refuseAt = (x: CInteger): never => fail(x.unfolded!.reason, x.unfolded!.at);
  const deeper = () => {
    if (++depth > MAX_NESTING) fail(`the expression nests deeper than ${MAX_NESTING} levels`);
  };
  // `live` is false in an operand C does not evaluate (the right of `0 &&` and `1 ||`, the arm of
  // `?:` not taken, the operand of sizeof): it is read, and its type is known, but what its value
  // would be is never asked (`0 && 1 / 0` is 0, as for gcc).
  const conditional = (live: boolean): CInteger => {
    const test = binary(0, live);
    if (peek() !== '?') return test;
    deeper();
    try {
      const question = tokens[pos++]!;
      const yes = conditional(live && test.value !== 0n);
      if (peek() !== ':') fail("expected ':' in a conditional expression");
      pos++;
      const no = conditional(live && test.value === 0n);
      try {
        return conditionalResult(test, yes, no, live ? rules : FOLDING_RULES);
      } catch (error) {
        if (error instanceof ConstantError) return fail(error.message, error.at ?? question);
        throw error;
      }
    } finally {
      depth--;
    }
  };
  const binary = (level: number, live: boolean): CInteger => {
    if (level === C_BINARY_LEVELS.length) return unary(live);
    let left = binary(level + 1, live);
    while (C_BINARY_LEVELS[level]!.includes(peek() ?? '')) {
      const operator = tokens[pos++]!;
      const op = operator.text;
      const skipped = skipsRight(op, left.value);
      const right = binary(level + 1, live && !skipped);
      if (op === '&&' || op === '||') {
        if (live)
          for (const v of skipped ? [left] : [left, right])
            try {
              refuseDeferred(v);
              refuseOverflowed(v, `an operand of '${op}'`, rules);
            } catch (error) {
              return fail((error as Error).message, (error as ConstantError).at ?? operator);
            }
        left =
          op === '&&'
            ? int(!skipped && left.value !== 0n && right.value !== 0n)
            : int(skipped || left.value !== 0n || right.value !== 0n);
      } else left = operate(operator, left, right, live);
    }
    return left;
  };
  /** `a op b`; where not evaluated, only its type matters (no division by zero to refuse there). */
  const operate = (operator: Token, a: CInteger, b: CInteger, live: boolean): CInteger => {
    const op = operator.text;
    const harmless = op === '<<' || op === '>>' ? 0n : 1n;
    try {
      const result = binaryOperation(op, a, live ? b : { value: harmless, type: b.type }, live ? rules : FOLDING_RULES);
      // An Unfolded value made here is refused, if it is, at this operator (where gcc warns).
      if (result.unfolded === undefined || result.unfolded.at !== undefined) return result;
      return { ...result, unfolded: { ...result.unfolded, at: operator } };
    } catch (error) {
      if (error instanceof ConstantError) return fail(error.message, error.at ?? operator);
      throw error;
    }
  };
  const unary = (live: boolean): CInteger => {
    deeper();
    try {
      return operand(live);
    } finally {
      depth--;
    }
  };
  const operand = (live: boolean): CInteger => {
    const t = tokens[pos];
    if (t === undefined) return fail('expected a constant');
    pos++;
    if (t.text === '!') {
      const value = unary(live);
      if (live && value.refusal !== undefined) fail(value.refusal, t);
      return unaryAt(t, { ...value, refusal: undefined });
    }
    if (t.text === '-' || t.text === '+' || t.text === '~') {
      // gcc folds the operand of a unary - + ~ at once: a shift past the width in it is folded,
      // not refused, even in an array length (`-(1 << 40)` is 0).
      const outer = rules;
      rules = { ...rules, inUnaryOperand: true };
      try {
        return unaryAt(t, unary(live));
      } finally {
        rules = outer;
      }
    }
    if (t.text === '(') {
      const cast = castAt(live);
      if (cast !== null) return cast;
      const value = conditional(live);
      if (peek() !== ')') fail("expected ')'");
      pos++;
      return value;
    }
    if (t.kind === 'str' && t.text.endsWith("'")) {
      const value = characterConstant(t.text);
      if (value === null) return fail(`${t.text}: a character constant gcc refuses or the importer does not read`, t);
      return value;
    }
    if (t.kind === 'num') {
      const value = integerConstant(t.text);
      if (value === null) return fail(`'${t.text}' is not an integer constant`, t);
      return value;
    }
    if (t.kind === 'id') {
      if ((t.text === '__builtin_offsetof' || t.text === 'offsetof') && peek() === '(' && offsetOf !== undefined)
        return offsetOfAt(t);
      const measure = MEASURE_OPERATORS.get(t.text);
      if (measure !== undefined) return measureAt(t, measure);
      const value = constants.get(t.text);
      if (value === undefined) return fail(`unknown constant '${t.text}' (define it with #define or an enum)`, t);
      return value;
    }
    return fail(`unexpected '${t.text}' in a constant expression`, t);
  };
  const unaryAt = (t: Token, value: CInteger): CInteger => {
    try {
      return unaryOperation(t.text, value, rules);
    } catch (error) {
      if (error instanceof ConstantError) return fail(error.message, error.at ?? t);
      throw error;
    }
  };
  /** The index of the `)` that closes the parenthesis opened just before `from` (tokens.length if none). */
  const closing = (from: number): number => {
    let nesting = 0;
    for (let k = from; k < tokens.length; k++) {
      const text = tokens[k]!.text;
      if (text === '(' || text === '[') nesting++;
      else if ((text === ')' || text === ']') && nesting-- === 0) return k;
    }
    return tokens.length;
  };
  const offsetOfAt = (t: Token): CInteger => {
    // stddef.h's offsetof is gcc's __builtin_offsetof (the built-in preprocessor skips stddef.h).
    const close = closing(pos + 1);
    let comma = -1;
    for (let k = pos + 1, nesting = 0; k < close && comma < 0; k++) {
      const text = tokens[k]!.text;
      if (text === '(' || text === '[') nesting++;
      else if (text === ')' || text === ']') nesting--;
      else if (text === ',' && nesting === 0) comma = k;
    }
    if (close >= tokens.length || comma < 0) fail(`${t.text} takes a type name and a member: ${t.text}(type, member)`);
    const offset = offsetOf!(tokens.slice(pos + 1, comma), tokens.slice(comma + 1, close));
    pos = close + 1;
    return convert(BigInt(offset), SIZE_T);
  };
  /**
   * `sizeof`, `_Alignof` or `__alignof__` of a parenthesised type name, or of an expression (gcc
   * takes `_Alignof` of one too): the expression is not evaluated, only its type is measured
   * (`sizeof 'a'` is 4, `sizeof (char)1` 1, `sizeof u'a'` 2).
   */
  const measureAt = (t: Token, measure: TypeMeasure): CInteger => {
    if (sizeOfType === undefined) fail(`${t.text} takes a parenthesised type name here`);
    if (peek() === '(' && startsTypeName(tokens[pos + 1])) {
      const close = closing(pos + 1);
      const size = sizeOfType!(tokens.slice(pos + 1, close), measure);
      pos = close + 1;
      return convert(BigInt(size), SIZE_T);
    }
    const member = memberAt();
    if (member !== null) return convert(BigInt(context.measureMember!(member.type, member.designator, measure)), SIZE_T);
    const measured = unary(false);
    return convert(BigInt(measured.type.bits / 8), SIZE_T);
  };
  /**
   * After sizeof: `(((T *) 0) -> a.b[2])`, as headers measure a member without an object (the
   * tokens of `T *` and of the designator, the reader moved past them); null for another operand.
   */
  const memberAt = (): { type: Token[]; designator: Token[] } | null => {
    if (context.measureMember === undefined || peek() !== '(' || tokens[pos + 1]?.text !== '(' || tokens[pos + 2]?.text !== '(')
      return null;
    const close = closing(pos + 1);
    const castClose = closing(pos + 3);
    const pointerClose = closing(pos + 2);
    if (tokens[castClose - 1]?.text !== '*' || tokens[castClose + 1]?.text !== '0' || pointerClose !== castClose + 2) return null;
    if (tokens[pointerClose + 1]?.text !== '->' || close >= tokens.length) return null;
    const member = { type: tokens.slice(pos + 3, castClose), designator: tokens.slice(pointerClose + 2, close) };
    pos = close + 1;
    return member;
  };
  /** Whether `token`, after a '(', begins a type name rather than an expression (a name not a constant). */
  const startsTypeName = (token: Token | undefined): boolean =>
    token?.kind === 'id' &&
    !constants.has(token.text) &&
    !MEASURE_OPERATORS.has(token.text) &&
    token.text !== 'offsetof' &&
    token.text !== '__builtin_offsetof';
  /**
   * `(int)(16 * sizeof(void *))`, as lua's LUAL_BUFFERSIZE is: after the '(' just read, a type
   * name and ')' make a cast of the operand that follows. To an integer type the value is
   * converted as gcc converts it, modulo 2^bits into the type's range (glib's GParamFlags has
   * `(gint)(1u << 31)`, which is INT_MIN; `(guint)-1` is 2^32 - 1), and to `_Bool` it is 0 or 1; to
   * another type it must fit unchanged (refused rather than guessed). null when the parentheses
   * hold no type name.
   */
  const castAt = (live: boolean): CInteger | null => {
    if (sizeOfType === undefined || !startsTypeName(tokens[pos])) return null;
    const close = closing(pos);
    if (close >= tokens.length) return null;
    const typeTokens = tokens.slice(pos, close);
    let size: number;
    try {
      size = sizeOfType(typeTokens, 'size');
    } catch {
      return null;
    }
    pos = close + 1;
    const value = unary(live);
    if (live && value.refusal !== undefined) fail(value.refusal);
    const target = castTarget?.(typeTokens) ?? null;
    if (target !== null)
      try {
        return castValue(value, target);
      } catch (error) {
        if (error instanceof ConstantError) return fail(error.message, error.at);
        throw error;
      }
    if (value.unfolded !== undefined) refuseAt(value);
    const type: CIntegerType = { bits: Math.min(size, 8) * 8, unsigned: typeTokens.some((x) => x.text === 'unsigned') };
    const converted = convert(value.value, type);
    if (live && converted.value !== value.value)
      fail(
        `(${typeTokens.map((x) => x.text).join(' ')}) ${value.value}: the cast changes the value, which the importer does not follow`,
      );
    return converted;
  };
  const value = conditional(true);
  if (pos < tokens.length) fail(`unexpected '${tokens[pos]!.text}' in a constant expression`);
  if (value.refusal !== undefined) fail(value.refusal);
  if (value.unfolded !== undefined) refuseAt(value);
  return value;
}

/**
 * A constant expression used as a number (an array length, a bit-field width, an alignment, an
 * offsetof index): its value, refused at 2^53 or more either sign, where a number is no longer exact.
 */
export function constantNumber(tokens: readonly Token[], context: ConstantContext, line: number): number {
  const { value } = constantValue(tokens, context, line);
  if (value >= 2n ** 53n || value <= -(2n ** 53n)) {
    const at = tokens[tokens.length - 1];
    throw new CSyntaxError(
      at?.line ?? line,
      `the value ${value} is 2^53 or more, past what the importer's sizes hold exactly`,
      undefined,
      undefined,
      at,
    );
  }
  return Number(value);
}
