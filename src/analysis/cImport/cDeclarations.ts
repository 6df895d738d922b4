/**
 * The declarations of a C header that matter for memory layout: struct / union / enum
 * definitions, typedefs and constants, parsed from tokens with C's declarator syntax
 * (`node_t *next`, `char name[32]`, `int (*cmp)(const void *, const void *)`, `int m[3][4]`).
 * Functions and variables are skipped. A declaration that cannot be read becomes a problem
 * (with its line) and parsing goes on at the next `;`.
 */
import { enumRange, enumStorage } from '../cLayout';
import { SCALARS, type ScalarName } from '../cScalars';
import { convert, FOLDING_RULES, int, type CInteger } from './cIntegers';
import { constantNumber, constantValue, type ConstantContext } from './constantExpressions';
import {
  CSyntaxError,
  MAX_NESTING,
  MEASURE_OPERATORS,
  type Define,
  type Token,
  type CastTarget,
  type TypeMeasure,
} from './cTokens';
import { enumeratorType, enumType, nextEnumerator } from './enumeratorValues';
import { PackTimeline, type PackPragma } from './pragmaPack';

/** An enumerator's value: a number below 2^53 (either sign), a bigint beyond, exact either way. */
export type EnumValue = number | bigint;

export type { ScalarName };

export type CType =
  | { kind: 'scalar'; scalar: ScalarName; c: string }
  /** `char` / `signed char` (arrays of them become strings) and `unsigned char`. */
  | { kind: 'char'; scalar: 'i8' | 'u8'; c: string }
  | { kind: 'record'; id: number }
  /** Its enumerators' values decide its width and sign, as gcc decides them. */
  | { kind: 'enum'; c: string; values: EnumValue[] }
  | { kind: 'pointer'; to: CType }
  /** `vectorSize`: a gcc vector (`float __attribute__((vector_size(16)))`) of `length` elements, that many bytes. */
  | { kind: 'array'; of: CType; length: number; vectorSize?: number }
  | { kind: 'function' }
  | { kind: 'void' }
  /** A type with a known layout but no harness equivalent (_Complex …). */
  | { kind: 'opaque'; c: string; size: number; align: number }
  /** `unread`: where its typedef is, which the importer could not read, and why. */
  | { kind: 'unknown'; c: string; unread?: string };

export interface CMember {
  /** null for an anonymous struct / union member (C11). */
  name: string | null;
  type: CType;
  /** Bit-field width, or null. */
  bits: number | null;
  line: number;
  /** `__attribute__((aligned(N)))` / `_Alignas(N)` on the member (0 when none). */
  alignAttr: number;
  /** `__attribute__((packed))` on the member. */
  packed: boolean;
}

export interface CRecord {
  id: number;
  kind: 'struct' | 'union';
  tag: string | null;
  /** Typedef names that denote this record itself (`typedef struct x_ {...} x_t;` gives x_t). */
  typedefNames: string[];
  line: number;
  /** The line its body closes on (with the attributes after it), in the same file. */
  endLine?: number;
  /** The included file it is defined in, or undefined for the header itself. */
  file?: string;
  /** Defined in a system header: read for the types it gives, not imported. */
  system: boolean;
  complete: boolean;
  members: CMember[];
  /** `__attribute__((packed))` on the struct or union. */
  packed: boolean;
  /** `__attribute__((aligned(N)))` on the struct or union (0 when none). */
  alignAttr: number;
  /**
   * `aligned(N)` on the typedef that names this record (its first typedef name, `typedef struct
   * {…} T __attribute__((aligned(16)))`): C gives that name alignment N at the record's own size.
   */
  typedefAlign?: number;
  /** `#pragma pack(N)` in effect where its body opens (0: none). */
  pack: number;
  /**
   * Why the record's `#pragma pack` cannot be followed (no class then): a form the importer does
   * not read in effect where its body opens, or a pragma inside its body (gcc then places the
   * members before it and after it under different packs).
   */
  packRefused?: { pragma: PackPragma; inside: boolean };
}

export interface CProblem {
  line: number;
  /** 1-based, when the line as written was at hand and `word` is on it once (see importCHeader). */
  column?: number;
  /** The name the message is about (a member's): where it is on the line is the message's column. */
  word?: string;
  /**
   * Which `word` of its line the message is about, when the line has several: the `index`-th (from
   * 0) of the `of` that the header's tokens hold there. Its column is known when the line as
   * written holds as many (no macro added or took one away).
   */
  occurrence?: { index: number; of: number };
  message: string;
  /** The file it is in, when not the header itself (an included one). */
  file?: string;
  /** Information only (a skipped system include): it does not make the import fail. */
  info?: boolean;
  /** An `#error` read: a compiler stops there, and `lmm import-c` imports nothing, as with one. */
  stops?: boolean;
}

export interface CHeader {
  records: CRecord[];
  typedefs: Map<string, CType>;
  /**
   * The types an `aligned(N)` on a typedef gives an alignment of their own, with N: gcc makes such
   * a type exactly N-aligned (up or down) without changing its size (`typedef int aint
   * __attribute__((aligned(8)))` is 4 bytes, 8-aligned). Keyed by the typedef's own type object.
   */
  typedefAligns: WeakMap<CType, number>;
  /** Enumerators and `#define` constants, with their C types. */
  constants: Map<string, CInteger>;
  problems: CProblem[];
  /**
   * The structs and unions of the header's own whose definition was refused (a bit-field gcc
   * refuses, a misplaced flexible array…): no class, one problem each. Named as C names them
   * (`struct d`), in the order they were read; one per declaration, its outermost record.
   */
  refusedRecords: string[];
}

/** Integer typedefs of <stdint.h>, <stddef.h>, <sys/types.h> and friends (LP64), and gcc's _FloatN keywords. */
const BUILTIN_TYPEDEFS: Record<string, ScalarName> = {
  int8_t: 'i8',
  uint8_t: 'u8',
  int16_t: 'i16',
  uint16_t: 'u16',
  int32_t: 'i32',
  uint32_t: 'u32',
  int64_t: 'i64',
  uint64_t: 'u64',
  u_int8_t: 'u8',
  u_int16_t: 'u16',
  u_int32_t: 'u32',
  u_int64_t: 'u64',
  size_t: 'u64',
  ssize_t: 'i64',
  ptrdiff_t: 'i64',
  intptr_t: 'i64',
  uintptr_t: 'u64',
  intmax_t: 'i64',
  uintmax_t: 'u64',
  off_t: 'i64',
  time_t: 'i64',
  clock_t: 'i64',
  pid_t: 'i32',
  uid_t: 'u32',
  gid_t: 'u32',
  mode_t: 'u32',
  __int128_t: 'i128',
  __uint128_t: 'u128',
  wchar_t: 'i32',
  char16_t: 'u16',
  char32_t: 'u32',
  bool: 'u8',
  uint: 'u32',
  ulong: 'u64',
  ushort: 'u16',
  uchar: 'u8',
  // gcc's floating types by their keyword names (glibc's math headers use them).
  _Float32: 'f32',
  _Float64: 'f64',
  _Float32x: 'f64',
  _Float64x: 'f80',
};

/**
 * Builtin types with a known layout and no harness equivalent: kept as bytes of their size and
 * place. `va_list` is gcc's `__builtin_va_list`, one 24-byte `__va_list_tag` on x86-64.
 */
const BUILTIN_OPAQUE = new Map<string, { size: number; align: number }>([
  ['__builtin_va_list', { size: 24, align: 8 }],
  ['__gnuc_va_list', { size: 24, align: 8 }],
  ['va_list', { size: 24, align: 8 }],
  ['_Float128', { size: 16, align: 16 }],
  ['__float128', { size: 16, align: 16 }],
  ['_Float16', { size: 2, align: 2 }],
]);

/** The type a builtin type name stands for (`uint32_t`, `_Float64`, `va_list`), or undefined. */
function builtinType(name: string): CType | undefined {
  if (Object.hasOwn(BUILTIN_TYPEDEFS, name)) return { kind: 'scalar', scalar: BUILTIN_TYPEDEFS[name]!, c: name };
  const opaque = BUILTIN_OPAQUE.get(name);
  return opaque === undefined ? undefined : { kind: 'opaque', c: name, ...opaque };
}

const QUALIFIERS = new Set([
  'const',
  '__const',
  '__const__',
  'volatile',
  '__volatile',
  '__volatile__',
  'restrict',
  '__restrict',
  '__restrict__',
  'static',
  'extern',
  'inline',
  '__inline',
  '__inline__',
  'register',
  'auto',
  '_Thread_local',
  '__extension__',
  '_Noreturn',
]);
/** Words that start a top-level declaration (where parsing resumes after a broken one). */
const NEW_DECLARATION = new Set(['typedef', 'struct', 'union', 'enum', 'extern', 'static']);
const TYPE_WORDS = new Set([
  'void',
  'char',
  'short',
  'int',
  'long',
  'float',
  'double',
  'signed',
  'unsigned',
  '_Bool',
  '_Complex',
  '__int128',
]);
/** Tokens of one line counted, either side of an error's, for its column (see stoppedAt). */
const MAX_TOKENS_COUNTED = 500;

/** The words that name a type of their own: two of them are two types. */
const BASE_TYPE_WORDS = new Set(['void', 'char', 'int', 'float', 'double', '_Bool', '__int128']);
/** What each size or sign word may stand with (besides the other such words and `_Complex`). */
const WORD_TAKES: Record<string, ReadonlySet<string>> = {
  short: new Set(['int']),
  long: new Set(['int', 'double']),
  signed: new Set(['char', 'int', '__int128']),
  unsigned: new Set(['char', 'int', '__int128']),
};

/**
 * gcc's refusal of `word` after the type words `before` (`char char`, `long long long`, `unsigned
 * signed`, `short long`, `unsigned double`), in its words; null when it takes them together.
 */
function refusedTypeWord(before: readonly string[], word: string): string | null {
  const count = (w: string) => before.filter((x) => x === w).length;
  if (word === 'long' && count('long') === 2) return "'long long long' is too long for GCC";
  if ((word === 'long' && count('long') === 1 && count('double') > 0) || (word === 'double' && count('long') === 2))
    return "both 'long long' and 'double' in declaration specifiers";
  if (word !== 'long' && count(word) > 0)
    return BASE_TYPE_WORDS.has(word) ? 'two or more data types in declaration specifiers' : `duplicate '${word}'`;
  if (BASE_TYPE_WORDS.has(word) && before.some((w) => BASE_TYPE_WORDS.has(w)))
    return 'two or more data types in declaration specifiers';
  // gcc names these two pairs in this order, whichever comes first.
  for (const [a, b] of [
    ['signed', 'unsigned'],
    ['long', 'short'],
  ] as const)
    if ((word === a && count(b) > 0) || (word === b && count(a) > 0)) return `both '${a}' and '${b}' in declaration specifiers`;
  for (const [modifier, takes] of Object.entries(WORD_TAKES)) {
    const other =
      word === modifier
        ? before.find((w) => BASE_TYPE_WORDS.has(w))
        : count(modifier) > 0 && BASE_TYPE_WORDS.has(word)
          ? word
          : undefined;
    if (other !== undefined && !takes.has(other)) return `both '${modifier}' and '${other}' in declaration specifiers`;
  }
  return null;
}

/** gcc's spellings of type words (the kernel's `typedef __signed__ char __s8;`), read as the word. */
const TYPE_WORD_SPELLINGS = new Map([
  ['__signed__', 'signed'],
  ['__signed', 'signed'],
  ['__complex__', '_Complex'],
  ['__complex', '_Complex'],
]);

/** Attributes read before or after a declaration's parts. */
interface Attributes {
  packed: boolean;
  alignAttr: number;
  /** `__attribute__((mode(QI)))` and the like on an integer typedef: its width in bytes. */
  mode?: number;
  /** `__attribute__((vector_size(N)))`: the declaration's innermost type becomes a vector of N bytes. */
  vectorSize?: number;
}

const SCALARS_FLOAT = new Set<ScalarName>(['f32', 'f64', 'f80']);
/** gcc's largest alignment on x86-64 ELF ("requested alignment exceeds maximum 268435456"). */
const MAX_ALIGNMENT = 2 ** 28;

/** The integer modes gcc takes, by their bytes on x86-64. */
const INTEGER_MODES: Record<string, number> = { QI: 1, HI: 2, SI: 4, DI: 8, TI: 16, byte: 1, word: 8, pointer: 8 };
/** gcc's floating modes, by their bytes, as elements of a vector mode (`V4SF`). */
const FLOAT_MODES: Record<string, number> = { SF: 4, DF: 8 };
/** A vector mode: a count and an element mode (`V4SI`, `V2DF`). */
const VECTOR_MODE = /^V(\d+)(QI|HI|SI|DI|TI|SF|DF)$/;

/** The integer gcc stores a packed enum in: the narrowest that holds every value, signed if one is negative. */
function packedEnumScalar(values: readonly EnumValue[]): ScalarName {
  const { min, max } = enumRange(values);
  for (const bits of [8n, 16n, 32n]) {
    if (min < 0n ? min >= -(2n ** (bits - 1n)) && max < 2n ** (bits - 1n) : max < 2n ** bits)
      return `${min < 0n ? 'i' : 'u'}${bits}` as ScalarName;
  }
  return min < 0n ? 'i64' : 'u64';
}

/**
 * `layoutOf` answers `sizeof(type)` and `_Alignof(type)` (and `sizeof` of an enum's storage) with
 * the layout's size and alignment of a type, null when it has none (yet); `where` is the line and
 * file of the expression, and how a message about the type names it.
 */
export type TypeLayoutOf = (
  type: CType,
  header: CHeader,
  where: { line: number; file: string | undefined; owner: string },
) => { size: number; align: number } | null;

export function parseCHeader(
  tokens: readonly Token[],
  defines: readonly Define[],
  layoutOf: TypeLayoutOf = () => null,
  pragmas: readonly PackPragma[] = [],
  /** The bit offset of each member of a record, as laid out (null: its layout is unknown). */
  memberBitsOf: (record: CRecord, header: CHeader) => readonly number[] | null = () => null,
): CHeader {
  const packs = new PackTimeline(pragmas);
  const records: CRecord[] = [];
  const tags = new Map<string, CRecord>();
  const typedefs = new Map<string, CType>();
  const constants = new Map<string, CInteger>();
  const problems: CProblem[] = [];
  const typedefAligns = new WeakMap<CType, number>();
  /** Typedef names whose declaration could not be read: where, and why (for the members that use them). */
  const unreadTypedefs = new Map<string, string>();
  const refusedRecords: string[] = [];
  /** The first record whose body the top-level declaration being read started: refused if it throws. */
  let definedByDeclaration: CRecord | null = null;
  const header: CHeader = { records, typedefs, typedefAligns, constants, problems, refusedRecords };
  let nesting = 0;
  const deeper = () => {
    if (++nesting > MAX_NESTING) fail(`declarations nest deeper than ${MAX_NESTING} levels`);
  };
  const constantContext: ConstantContext = {
    constants,
    sizeOfType: measureTypeName,
    offsetOf: offsetOfMember,
    measureMember,
    castTarget: castTargetOf,
  };
  /**
   * The constant `tokens[from, to)` as a number. gcc wants an integer constant expression in an
   * array length and `_Alignas`, and folds one with signed overflow or a shift past the width
   * elsewhere (a bit-field width, `aligned(N)`, `vector_size(N)`): `folds` says which.
   */
  const constant = (from: number, to: number, at: number, folds = false) =>
    constantNumber(tokens.slice(from, to), folds ? { ...constantContext, rules: FOLDING_RULES } : constantContext, at);
  /** The type the type name `typeTokens` (the operand of `operator`) names. */
  function typeNameType(typeTokens: readonly Token[], operator: string): CType {
    const saved = pos;
    // Parse the type name where it stands: the tokens are a slice of the same array.
    const start = tokens.indexOf(typeTokens[0]!);
    if (start < 0) fail(`${operator} needs a type name here`);
    pos = start;
    try {
      const base = parseSpecifiers();
      if (base === null)
        fail(`${operator} needs a type name here (${operator} of a variable is not a constant the importer knows)`);
      const type = parseDeclarator().apply(base!);
      if (pos !== start + typeTokens.length) fail(`${operator}(${typeTokens.map((t) => t.text).join(' ')}): not a type name`);
      return type;
    } finally {
      pos = saved;
    }
  }
  /**
   * `offsetof(type, a.b[2].c)` as gcc computes it: the member's byte offset, through members of
   * anonymous structs and unions and array elements; a bit-field has none (gcc refuses it too).
   */
  function offsetOfMember(typeTokens: readonly Token[], designator: readonly Token[]): number {
    return memberPath(typeTokens, designator, 'offsetof').bytes;
  }
  /**
   * `sizeof(((T *)0)->a.b[2])` (or an alignment of it), as headers measure a member: the size or
   * alignment of the member's type; a bit-field has none (gcc refuses sizeof of one too).
   */
  function measureMember(typeTokens: readonly Token[], designator: readonly Token[], measure: TypeMeasure): number {
    const operator = measure === 'size' ? 'sizeof' : measure === 'align' ? '__alignof__' : '_Alignof';
    const { type, spelled, where } = memberPath(typeTokens, designator, operator);
    const layout = layoutOf(type, header, { line: where, file: designator[0]?.file, owner: operator });
    if (layout === null)
      throw new CSyntaxError(where, `${spelled}: the layout of the member's type is unknown here`, designator[0]?.file);
    return measure === 'size' ? layout.size : layout.align;
  }
  /** The member `designator` of the type `typeTokens` names: its byte offset and type. */
  function memberPath(
    typeTokens: readonly Token[],
    designator: readonly Token[],
    operator: string,
  ): { bytes: number; type: CType; spelled: string; where: number } {
    // sizeof's `(T *) 0` names a pointer to the type whose member it measures.
    const pointer = operator !== 'offsetof';
    const typeText = typeTokens
      .slice(0, pointer ? -1 : undefined)
      .map((t) => t.text)
      .join(' ');
    const designatorText = designator.map((t) => t.text).join(' ');
    const spelled =
      operator === 'offsetof'
        ? `offsetof(${typeText} , ${designatorText})`
        : `${operator}(((${typeText} *) 0) -> ${designatorText})`;
    const where = designator[0]?.line ?? typeTokens[0]?.line ?? line();
    const refuse = (why: string): never => {
      throw new CSyntaxError(where, `${spelled}: ${why}`, designator[0]?.file ?? typeTokens[0]?.file);
    };
    const named = typeNameType(typeTokens, operator);
    let type = pointer && named.kind === 'pointer' ? named.to : named;
    let bytes = 0;
    let k = 0;
    for (;;) {
      const name = designator[k];
      if (name?.kind !== 'id') return refuse('expected a member name');
      if (type.kind !== 'record') return refuse(`'${name.text}' is not in a struct or union`);
      const found = memberAt(records[type.id]!, name.text);
      if (found === 'unknown') return refuse('the layout of the struct is unknown here');
      if (found === null) return refuse(`no member named '${name.text}'`);
      if (found.member.bits !== null)
        return refuse(
          operator === 'offsetof' ? `'${name.text}' is a bit-field, which has no offset` : `'${operator}' applied to a bit-field`,
        );
      bytes += found.bit / 8;
      type = found.member.type;
      k++;
      while (designator[k]?.text === '[') {
        let close = k + 1;
        for (let nesting = 0; close < designator.length; close++) {
          if (designator[close]!.text === '[') nesting++;
          else if (designator[close]!.text === ']' && nesting-- === 0) break;
        }
        if (close >= designator.length) return refuse("expected ']'");
        if (type.kind !== 'array') return refuse('an index of something that is not an array');
        const index = constantNumber(designator.slice(k + 1, close), constantContext, where);
        const element = layoutOf(type.of, header, { line: where, file: designator[0]?.file, owner: operator });
        if (element === null) return refuse('the size of the array element is unknown here');
        bytes += index * element.size;
        type = type.of;
        k = close + 1;
      }
      if (k === designator.length) return { bytes, type, spelled, where };
      if (designator[k]!.text !== '.') return refuse(`unexpected '${designator[k]!.text}'`);
      k++;
    }
  }
  /** The member `name` of `record` (or of an anonymous struct or union in it) and its bit offset. */
  function memberAt(record: CRecord, name: string): { member: CMember; bit: number } | null | 'unknown' {
    const bits = memberBitsOf(record, header);
    if (bits === null) return 'unknown';
    for (const [k, member] of record.members.entries()) {
      if (member.name === name) return { member, bit: bits[k]! };
      if (member.name === null && member.type.kind === 'record') {
        const inner = memberAt(records[member.type.id]!, name);
        if (inner !== null) return inner === 'unknown' ? inner : { member: inner.member, bit: bits[k]! + inner.bit };
      }
    }
    return null;
  }
  /** `sizeof(type)` (measure 'size') or `_Alignof(type)` ('align') of the type name `typeTokens`. */
  function measureTypeName(typeTokens: readonly Token[], measure: TypeMeasure = 'size'): number {
    const operator = measure === 'size' ? 'sizeof' : measure === 'align' ? '__alignof__' : '_Alignof';
    const type = typeNameType(typeTokens, operator);
    const spelled = `${operator}(${typeTokens.map((t) => t.text).join(' ')})`;
    const first = typeTokens[0]!;
    const layout = layoutOf(type, header, { line: first.line, file: first.file, owner: operator });
    if (layout === null) fail(`${spelled}: the ${measure === 'size' ? 'size' : 'alignment'} of this type is unknown here`);
    // gcc's _Alignof is the alignment it guarantees everywhere: at most 16 for what is aligned
    // more only by a vector, unless an aligned attribute asks for more. The importer does not
    // tell the two apart, so it refuses rather than guess.
    if (measure === 'c-align' && layout!.align > 16 && holdsWideVector(type, 0))
      fail(`${spelled}: gcc's _Alignof of a type holding a vector of more than 16 bytes is not followed (its __alignof__ is)`);
    return measure === 'size' ? layout!.size : layout!.align;
  }
  /** The integer (or pointer, an unsigned 64-bit one) a cast to `typeTokens` converts to; null for another type. */
  function castTargetOf(typeTokens: readonly Token[]): CastTarget | null {
    const type = typeNameType(typeTokens, 'a cast');
    if (type.kind === 'pointer') return { bits: 64, unsigned: true, bool: false };
    if (type.kind !== 'scalar' && type.kind !== 'char') return null;
    const scalar = SCALARS[type.scalar];
    if (scalar.float) return null;
    return { bits: scalar.size * 8, unsigned: !scalar.signed, bool: /\b_Bool\b/.test(type.c) };
  }
  /** Whether `type` is or holds (in an array or a member) a vector of more than 16 bytes. */
  function holdsWideVector(type: CType, depth: number): boolean {
    if (depth > MAX_NESTING) return false;
    if (type.kind === 'array') return (type.vectorSize ?? 0) > 16 || holdsWideVector(type.of, depth + 1);
    if (type.kind !== 'record') return false;
    return records[type.id]!.members.some((member) => holdsWideVector(member.type, depth + 1));
  }
  for (const define of defines) {
    if (define.tokens.length === 0) continue;
    try {
      constants.set(define.name, constantValue(define.tokens, { constants }, define.line));
      // (sizeof in a #define is evaluated where the constant is used, after macro expansion)
    } catch {
      // Not an integer constant (a string, a macro with arguments …): not needed for layouts.
    }
  }
  let pos = 0;
  /** Each token's index, made at the first error that names one (a header without errors needs none). */
  let tokenIndex: Map<Token, number> | undefined;
  /**
   * The token an error stopped at, as the word of its message and which of the same text on its
   * line it is: the column is where that one stands on the line as written (see importCHeader).
   */
  const stoppedAt = (error: CSyntaxError): Pick<CProblem, 'word' | 'occurrence'> => {
    const token = error.token;
    if (token === undefined || token.line !== error.line || token.file !== error.file) return {};
    tokenIndex ??= new Map(tokens.map((t, k) => [t, k]));
    const at = tokenIndex.get(token);
    if (at === undefined) return {};
    const onLine = (k: number) => tokens[k]!.line === token.line && tokens[k]!.file === token.file;
    // A line of more tokens than any header writes (a generated one-line flood) gets no column:
    // counting them for each of its errors would take time that grows as their product.
    let index = 0;
    let first = at;
    for (; first > 0 && onLine(first - 1); first--) {
      if (at - first >= MAX_TOKENS_COUNTED) return {};
      if (tokens[first - 1]!.text === token.text) index++;
    }
    let of = index;
    for (let k = at; k < tokens.length && onLine(k); k++) {
      if (k - at >= MAX_TOKENS_COUNTED) return {};
      if (tokens[k]!.text === token.text) of++;
    }
    return { word: token.text, occurrence: { index, of } };
  };
  const peek = (k = 0) => tokens[pos + k];
  const at = (text: string, k = 0) => tokens[pos + k]?.text === text;
  const line = () => tokens[Math.min(pos, tokens.length - 1)]?.line ?? 1;
  const fileHere = () => tokens[Math.min(pos, tokens.length - 1)]?.file;
  const fail = (reason: string): never => {
    throw new CSyntaxError(line(), reason, fileHere(), undefined, tokens[Math.min(pos, tokens.length - 1)]);
  };
  const expect = (text: string) => {
    if (!at(text)) fail(`expected '${text}'${peek() ? `, found '${peek()!.text}'` : ' at the end of the file'}`);
    pos++;
  };
  /** Skips a balanced (...) / [...] / {...} group starting at the current token. */
  const skipGroup = () => {
    const open = peek()!.text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    const start = line();
    const startFile = fileHere();
    while (pos < tokens.length) {
      const t = tokens[pos++]!.text;
      if (t === open) depth++;
      else if (t === close && --depth === 0) return;
    }
    throw new CSyntaxError(start, `'${open}' is not closed`, startFile);
  };
  /**
   * Reads attributes, keeping the ones that change a layout: `packed`, `aligned(N)` (bare
   * `aligned` is 16 on x86-64) and `_Alignas(N)`; any other layout attribute is refused.
   */
  let attributes: Attributes = { packed: false, alignAttr: 0 };
  /** An alignment gcc takes: a power of two up to 2^28 (gcc's maximum for ELF objects). */
  const checkAlignment = (spelled: string, n: number): void => {
    if (!(Number.isSafeInteger(n) && n > 0 && 2 ** Math.round(Math.log2(n)) === n))
      fail(`${spelled}: the alignment must be a power of two`);
    if (n > MAX_ALIGNMENT) fail(`${spelled}: the alignment exceeds gcc's maximum, ${MAX_ALIGNMENT}`);
  };
  const takeAttributes = (): Attributes => {
    const taken = attributes;
    attributes = { packed: false, alignAttr: 0 };
    return taken;
  };
  const skipAttributes = () => {
    while (
      peek() &&
      (at('__attribute__') ||
        at('__attribute') ||
        at('__declspec') ||
        at('alignas') ||
        at('_Alignas') ||
        at('__asm__') ||
        at('__asm'))
    ) {
      const word = tokens[pos++]!;
      if (!at('(')) continue;
      const start = pos;
      skipGroup();
      if (/^_?[Aa]lignas$/.test(word.text)) {
        const inner = tokens.slice(start + 1, pos - 1);
        // `_Alignas(type)` is the type's alignment (not its size: a struct of 8 chars aligns to 1).
        const isType = inner[0]?.kind === 'id' && !constants.has(inner[0].text) && !MEASURE_OPERATORS.has(inner[0].text);
        const n = isType ? measureTypeName(inner, 'c-align') : constant(start + 1, pos - 1, word.line);
        // _Alignas(0) asks for nothing (C11 6.7.5).
        if (n !== 0) checkAlignment(`${word.text}(${n})`, n);
        attributes.alignAttr = Math.max(attributes.alignAttr, n);
        continue;
      }
      if (word.text.startsWith('__asm')) continue;
      // __attribute__((a, b(args), c)): each attribute at depth 2.
      for (let k = start + 2; k < pos - 2; k++) {
        const name = tokens[k]!.text.replace(/^__(.*)__$/, '$1');
        if (tokens[k]!.kind !== 'id') continue;
        let argsEnd = k;
        if (tokens[k + 1]?.text === '(') {
          let depth = 0;
          for (argsEnd = k + 1; argsEnd < pos; argsEnd++) {
            if (tokens[argsEnd]!.text === '(') depth++;
            else if (tokens[argsEnd]!.text === ')' && --depth === 0) break;
          }
        }
        const modeName = name === 'mode' ? tokens[k + 2]?.text.replace(/^__(.*)__$/, '$1') : undefined;
        if (name === 'packed') attributes.packed = true;
        else if (modeName !== undefined && INTEGER_MODES[modeName] !== undefined) attributes.mode = INTEGER_MODES[modeName];
        else if (modeName !== undefined && VECTOR_MODE.test(modeName)) {
          // `mode(V4SI)`: older SIMD headers' spelling of a vector, count × the element mode.
          const [, count, element] = VECTOR_MODE.exec(modeName)!;
          const bytes = INTEGER_MODES[element!] ?? FLOAT_MODES[element!]!;
          if (INTEGER_MODES[element!] !== undefined) attributes.mode = bytes;
          if (attributes.vectorSize !== undefined) fail("invalid vector type for attribute 'vector_size' (a vector of vectors)");
          attributes.vectorSize = Number(count) * bytes;
        } else if (name === 'vector_size') {
          if (argsEnd === k) fail("__attribute__((vector_size)) needs the vector's size in bytes");
          const n = constant(k + 2, argsEnd, word.line, true);
          // gcc's words for the sizes it refuses.
          if (n < 0) fail(`'vector_size' attribute argument value '${n}' is negative`);
          if (n === 0) fail('zero vector size');
          // A second vector_size would make a vector of vectors, which gcc refuses.
          if (attributes.vectorSize !== undefined) fail("invalid vector type for attribute 'vector_size' (a vector of vectors)");
          attributes.vectorSize = n;
        } else if (name === 'aligned') {
          const n = argsEnd === k ? 16 : constant(k + 2, argsEnd, word.line, true);
          checkAlignment(`aligned(${n})`, n);
          attributes.alignAttr = Math.max(attributes.alignAttr, n);
        } else if (name === 'mode' || name === 'ms_struct' || name === 'gcc_struct' || name === 'designated_init') {
          if (name !== 'designated_init')
            fail(`__attribute__((${name})) changes the layout in a way the importer does not follow`);
        }
        k = argsEnd;
        while (k + 1 < pos && tokens[k + 1]!.text !== ',') k++;
      }
    }
  };

  function recordFor(kind: 'struct' | 'union', tag: string | null, definitionLine: number): CRecord {
    if (tag !== null) {
      const known = tags.get(tag);
      if (known !== undefined) {
        if (known.kind !== kind) fail(`'${tag}' is a ${known.kind}, used here as a ${kind}`);
        return known;
      }
    }
    const where = tokens[Math.min(pos, tokens.length - 1)];
    const record: CRecord = {
      id: records.length,
      kind,
      tag,
      typedefNames: [],
      line: definitionLine,
      ...(where?.file !== undefined ? { file: where.file } : {}),
      system: where?.system === true,
      complete: false,
      members: [],
      packed: false,
      alignAttr: 0,
      pack: 0,
    };
    records.push(record);
    if (tag !== null) tags.set(tag, record);
    return record;
  }

  /** Type specifiers and qualifiers; returns the base type, or null when there is none. */
  function parseSpecifiers(): CType | null {
    const words: string[] = [];
    let type: CType | null = null;
    let atomic = false;
    // Where the type and the first type word began: a message about the two is at the later one, as gcc's.
    let typeAt = -1;
    let wordAt = -1;
    let specifierAt = pos;
    for (;;) {
      if (type !== null && typeAt < 0) typeAt = specifierAt;
      skipAttributes();
      specifierAt = pos;
      const t = peek();
      if (t === undefined || t.kind !== 'id') break;
      if (QUALIFIERS.has(t.text)) {
        pos++;
        continue;
      }
      if ((t.text === 'typeof' || t.text === '__typeof__' || t.text === '__typeof') && at('(', 1)) {
        // `__typeof__(int)`: the type named inside; of an expression, the type is not known here.
        if (type !== null || words.length > 0) break;
        pos += 2;
        const base = parseSpecifiers();
        if (base === null) fail(`${t.text}(${peek()?.text ?? ''} …): the type of an expression is not known to the importer`);
        type = parseDeclarator().apply(base!);
        if (!at(')')) fail(`${t.text}(…): the type of an expression is not known to the importer`);
        pos++;
        continue;
      }
      if (t.text === '_Atomic') {
        pos++;
        atomic = true;
        if (at('(') && type === null && words.length === 0) {
          // `_Atomic(long long)`: a type name in parentheses.
          pos++;
          const base = parseSpecifiers();
          if (base === null) fail('_Atomic( needs a type name');
          type = parseDeclarator().apply(base!);
          expect(')');
        }
        continue;
      }
      const word = TYPE_WORD_SPELLINGS.get(t.text) ?? t.text;
      if (TYPE_WORDS.has(word)) {
        if (wordAt < 0) wordAt = pos;
        const refused = refusedTypeWord(words, word);
        if (refused !== null) fail(refused);
        words.push(word);
        pos++;
        continue;
      }
      if (t.text === 'struct' || t.text === 'union') {
        pos++;
        type = parseRecord(t.text);
        continue;
      }
      if (t.text === 'enum') {
        pos++;
        type = parseEnum();
        continue;
      }
      // `_Complex _Float16`: a complex of one of gcc's floating types, two of it.
      const part = words.length === 1 && words[0] === '_Complex' ? builtinType(t.text) : undefined;
      if (part !== undefined && /^(_Float\d+x?|__float128)$/.test(t.text)) {
        pos++;
        words.length = 0;
        const { size, align } =
          part.kind === 'scalar' ? SCALARS[part.scalar] : part.kind === 'opaque' ? part : { size: 0, align: 1 };
        type = { kind: 'opaque', c: `_Complex ${t.text}`, size: 2 * size, align };
        continue;
      }
      if (type !== null || words.length > 0) break;
      const typedef = typedefs.get(t.text);
      if (typedef !== undefined) {
        pos++;
        type = typedef;
        continue;
      }
      const builtin = builtinType(t.text);
      if (builtin !== undefined) {
        pos++;
        type = builtin;
        continue;
      }
      // An unknown type name followed by a declarator (`foo_t x;`, `foo_t *p;`).
      const next = peek(1);
      if (next !== undefined && (next.kind === 'id' || next.text === '*' || next.text === '(')) {
        pos++;
        const unread = unreadTypedefs.get(t.text);
        type = { kind: 'unknown', c: t.text, ...(unread !== undefined ? { unread } : {}) };
        continue;
      }
      break;
    }
    if (words.length === 0) return atomic ? atomicOf(type) : type;
    if (type !== null) {
      if (typeAt < 0) typeAt = specifierAt;
      pos = Math.max(typeAt, wordAt);
      fail(`'${words.join(' ')}' cannot be combined with another type`);
    }
    return atomic ? atomicOf(scalarOf(words)) : scalarOf(words);
  }

  /**
   * `_Atomic T`: an integer, floating or pointer type keeps its layout on x86-64 (each is already
   * aligned to its size); gcc aligns an atomic struct, union, array or complex number of 2, 4, 8 or
   * 16 bytes to its size, which the importer does not follow.
   */
  function atomicOf(type: CType | null): CType | null {
    if (type === null || ['scalar', 'char', 'enum', 'pointer', 'unknown'].includes(type.kind)) return type;
    return fail(
      'an _Atomic struct, union, array or complex type may be aligned more than the type itself: not followed by the importer',
    );
  }

  function scalarOf(words: string[]): CType {
    const c = words.join(' ');
    const count = (w: string) => words.filter((x) => x === w).length;
    const unsigned = count('unsigned') > 0;
    if (count('_Complex') > 0) {
      // Two of its part, at the part's alignment: `_Complex short` is 4 bytes, `_Complex
      // __int128` 32 (plain `_Complex` is gcc's `_Complex double`).
      const rest = words.filter((w) => w !== '_Complex');
      const part = scalarOf(rest.length === 0 ? ['double'] : rest);
      if (part.kind !== 'scalar' && part.kind !== 'char') return fail(`'${c}' is not a type gcc takes`);
      const { size, align } = SCALARS[part.scalar];
      return { kind: 'opaque', c, size: 2 * size, align };
    }
    if (count('__int128') > 0) return { kind: 'scalar', scalar: unsigned ? 'u128' : 'i128', c };
    if (count('void') > 0) return { kind: 'void' };
    if (count('_Bool') > 0) return { kind: 'scalar', scalar: 'u8', c };
    if (count('float') > 0) return { kind: 'scalar', scalar: 'f32', c };
    if (count('double') > 0) return { kind: 'scalar', scalar: count('long') > 0 ? 'f80' : 'f64', c };
    if (count('char') > 0) return { kind: 'char', scalar: unsigned ? 'u8' : 'i8', c };
    if (count('short') > 0) return { kind: 'scalar', scalar: unsigned ? 'u16' : 'i16', c };
    if (count('long') > 0) return { kind: 'scalar', scalar: unsigned ? 'u64' : 'i64', c };
    return { kind: 'scalar', scalar: unsigned ? 'u32' : 'i32', c };
  }

  /**
   * The width of the bit-field `declarator : tokens[from..pos)`, refused as gcc refuses it (a
   * width that is not an integer constant, negative, zero with a name, wider than its type, or
   * a type that is not an integer), at the member's name (an unnamed one's first word, as gcc).
   */
  function bitFieldWidth(declarator: Declarator, base: CType, from: number, firstWord: string): number {
    const name = declarator.name;
    const called = name === null ? 'an unnamed bit-field' : `bit-field '${name}'`;
    const refuse = (reason: string): never => {
      throw new CSyntaxError(declarator.line, reason, fileHere(), name ?? firstWord);
    };
    const type = declarator.apply(base);
    const typeBits = integerBits(type);
    if (typeBits === null)
      return refuse(`${called} has invalid type (${typeText(type)}: a bit-field is an integer, _Bool or an enum)`);
    let width: number;
    try {
      width = constant(from, pos, declarator.line, true);
    } catch (error) {
      if (!(error instanceof CSyntaxError)) throw error;
      return refuse(`${called}: width not an integer constant (${error.reason})`);
    }
    if (width < 0) return refuse(`negative width in ${called} (${width})`);
    if (width === 0 && name !== null) return refuse(`zero width for ${called} (only an unnamed one may be 0 wide)`);
    if (typeBits !== undefined && width > typeBits) {
      const which = name === null ? 'an unnamed bit-field' : `'${name}'`;
      return refuse(`width of ${which} exceeds its type (${width} bits; ${typeText(type)} has ${typeBits})`);
    }
    return width;
  }

  /** How many bits an integer type has (_Bool: 1); null for a type that cannot be a bit-field, undefined when unknown. */
  function integerBits(type: CType): number | null | undefined {
    switch (type.kind) {
      case 'char':
        return 8;
      case 'scalar':
        if (SCALARS_FLOAT.has(type.scalar)) return null;
        if (/\b_Bool\b|\bbool\b/.test(type.c)) return 1;
        return Number(type.scalar.slice(1));
      case 'enum': {
        const size = layoutOf(type, header, { line: line(), file: fileHere(), owner: typeText(type) })?.size ?? null;
        return size === null ? undefined : size * 8;
      }
      case 'unknown':
        return undefined;
      default:
        return null;
    }
  }

  function typeText(type: CType): string {
    switch (type.kind) {
      case 'scalar':
      case 'char':
      case 'enum':
      case 'unknown':
      case 'opaque':
        return type.c;
      case 'record': {
        const record = records[type.id]!;
        return `${record.kind} ${record.tag ?? '(anonymous)'}`;
      }
      case 'pointer':
        return 'a pointer';
      case 'array':
        return 'an array';
      case 'function':
        return 'a function';
      case 'void':
        return 'void';
    }
  }

  /** A flexible array member (`char a[];`) where gcc refuses one, with gcc's reason, at its name. */
  function checkFlexibleArrays(kind: 'struct' | 'union', members: readonly CMember[]): void {
    members.forEach((member, k) => {
      if (member.type.kind !== 'array' || member.type.length >= 0) return;
      const named = `flexible array member '${member.name ?? '(anonymous)'}'`;
      const refuse = (reason: string) => {
        throw new CSyntaxError(member.line, `${named} ${reason}`, fileHere(), member.name ?? undefined);
      };
      if (kind === 'union') refuse('in a union');
      if (k < members.length - 1) refuse('not at the end of the struct');
      // gcc counts an anonymous struct or union as a named member, whatever it holds (bpf.h's
      // bpf_lpm_trie_key_u8 is a union of its header and a flexible array).
      if (!members.some((other) => other !== member && (other.name !== null || other.type.kind === 'record')))
        refuse('in a struct with no named members');
    });
  }

  /**
   * A member name given twice, also through anonymous structs and unions (whose members are the
   * enclosing record's in C), refused as gcc refuses it, at the second one.
   */
  function checkDuplicateMembers(members: readonly CMember[]): void {
    const seen = new Set<string>();
    const walk = (list: readonly CMember[]): void => {
      for (const member of list) {
        if (member.name === null) {
          if (member.type.kind === 'record') walk(records[member.type.id]!.members);
          continue;
        }
        if (seen.has(member.name))
          throw new CSyntaxError(member.line, `duplicate member '${member.name}'`, fileHere(), member.name);
        seen.add(member.name);
      }
    };
    walk(members);
  }

  function parseRecord(kind: 'struct' | 'union'): CType {
    deeper();
    const outermost = nesting === 1;
    const tag = peek()?.kind === 'id' ? peek()!.text : null;
    try {
      return parseRecordBody(kind);
    } catch (error) {
      // Name the struct the unreadable member is in (once, at the outermost one).
      if (!outermost || !(error instanceof CSyntaxError) || tag === null || QUALIFIERS.has(tag) || tag.startsWith('__'))
        throw error;
      throw new CSyntaxError(error.line, `${kind} ${tag}: ${error.reason}`, error.file, error.word, error.token);
    } finally {
      nesting--;
    }
  }

  function parseRecordBody(kind: 'struct' | 'union'): CType {
    const outer = takeAttributes();
    skipAttributes();
    const startLine = line();
    let tag: string | null = null;
    if (peek()?.kind === 'id') tag = tokens[pos++]!.text;
    const beforeTag = takeAttributes();
    skipAttributes();
    if (!at('{')) {
      // `struct tag __attribute__((aligned(16))) name`: with no body, an attribute after the tag is
      // the declaration's, as gcc reads it (linux/virtio_ring.h's vring_desc_t is a typedef 16-aligned
      // this way); one between `struct` and the tag is ignored, as gcc ignores it.
      const afterTag = takeAttributes();
      attributes = {
        ...outer,
        packed: outer.packed || afterTag.packed,
        alignAttr: Math.max(outer.alignAttr, afterTag.alignAttr),
      };
      if (tag === null) fail(`${kind} needs a tag or a body`);
      return { kind: 'record', id: recordFor(kind, tag, startLine).id };
    }
    attributes = {
      ...beforeTag,
      packed: beforeTag.packed || attributes.packed,
      alignAttr: Math.max(beforeTag.alignAttr, attributes.alignAttr),
      ...(attributes.mode !== undefined ? { mode: attributes.mode } : {}),
      ...(attributes.vectorSize !== undefined ? { vectorSize: attributes.vectorSize } : {}),
    };
    const before = takeAttributes();
    const record = recordFor(kind, tag, startLine);
    if (record.complete) fail(`${kind} ${tag} is defined twice (first at line ${record.line})`);
    definedByDeclaration ??= record;
    record.line = startLine;
    // Where the body is, not where the tag was first named (`struct loop *` in a system header, a
    // forward declaration in another file): that file is the record's, and whether it is imported.
    const body = tokens[pos];
    if (body?.file !== undefined) record.file = body.file;
    else delete record.file;
    record.system = body?.system === true;
    const packState = packs.stateAt(pos);
    if ('pack' in packState) record.pack = packState.pack;
    else record.packRefused = { pragma: packState.refused, inside: false };
    const bodyAt = pos;
    pos++;
    while (!at('}')) {
      if (pos >= tokens.length)
        throw new CSyntaxError(startLine, `${kind} ${tag ?? '(anonymous)'} is not closed with '}'`, fileHere());
      if (at(';')) {
        pos++;
        continue;
      }
      // C11 allows `_Static_assert(expr, "why");` among the members: it declares none.
      if ((at('_Static_assert') || at('static_assert')) && at('(', 1)) {
        pos++;
        skipGroup();
        expect(';');
        continue;
      }
      const memberLine = line();
      const memberStart = pos;
      takeAttributes();
      const base = parseSpecifiers();
      const leading = takeAttributes();
      if (base === null) fail(`expected a member type, found '${peek()?.text}'`);
      if (at(';')) {
        // An anonymous struct / union member, or a declaration that declares nothing.
        if (base!.kind === 'record' && records[base!.id]!.tag === null) {
          record.members.push({ name: null, type: base!, bits: null, line: memberLine, ...leading });
        }
        pos++;
        continue;
      }
      for (;;) {
        let declarator: Declarator = {
          name: null,
          line: memberLine,
          apply: (t) => t,
          attributes: { packed: false, alignAttr: 0 },
        };
        if (!at(':')) declarator = parseDeclarator();
        let bits: number | null = null;
        if (at(':')) {
          pos++;
          const start = pos;
          // `int flag : 1 __attribute__((packed));`: the width ends where an attribute starts.
          while (!at(',') && !at(';') && !at('__attribute__') && !at('__attribute') && pos < tokens.length) pos++;
          bits = bitFieldWidth(declarator, base!, start, tokens[memberStart]!.text);
        }
        skipAttributes();
        const own = takeAttributes();
        if ((leading.mode ?? declarator.attributes.mode ?? own.mode) !== undefined)
          fail(
            '__attribute__((mode)) on a member changes its width in a way the importer does not follow (on a typedef it does)',
          );
        record.members.push({
          name: declarator.name,
          type: withVectorSize(declarator.apply(base!), leading, declarator.attributes, own),
          bits,
          line: declarator.line,
          packed: leading.packed || declarator.attributes.packed || own.packed,
          alignAttr: Math.max(leading.alignAttr, declarator.attributes.alignAttr, own.alignAttr),
        });
        if (at(',')) {
          pos++;
          continue;
        }
        expect(';');
        break;
      }
    }
    checkFlexibleArrays(kind, record.members);
    checkDuplicateMembers(record.members);
    const inside = packs.firstBetween(bodyAt, pos);
    if (inside !== undefined && record.packRefused === undefined) record.packRefused = { pragma: inside, inside: true };
    pos++;
    skipAttributes();
    const after = takeAttributes();
    // On the struct itself (after `struct` or its body), not on a declaration of it: gcc refuses it.
    if (before.vectorSize !== undefined || after.vectorSize !== undefined)
      fail(`invalid vector type for attribute 'vector_size' (on the ${kind} itself)`);
    record.endLine = tokens[pos - 1]?.line ?? startLine;
    record.packed = outer.packed || before.packed || after.packed;
    record.alignAttr = Math.max(outer.alignAttr, before.alignAttr, after.alignAttr);
    attributes = outer;
    record.complete = true;
    return { kind: 'record', id: record.id };
  }

  function parseEnum(): CType {
    // A vector_size before `enum` is the declaration's (a vector of the enum); one on the enum
    // itself, after `enum` or its body, gcc refuses.
    const declarationVector = attributes.vectorSize;
    delete attributes.vectorSize;
    skipAttributes();
    let tag = '';
    if (peek()?.kind === 'id') tag = tokens[pos++]!.text;
    // `enum e : int {…}` (C23) names a type after the ':'; a width there (`enum e : 0;`, `enum e :
    // WIDTH;`) makes an unnamed bit-field of the enum, as gcc reads a member.
    const after = peek(1);
    const typeAfter =
      after?.kind === 'id' && (TYPE_WORDS.has(TYPE_WORD_SPELLINGS.get(after.text) ?? after.text) || typedefs.has(after.text));
    if (at(':') && typeAfter) fail('enums with a fixed underlying type are not supported');
    const values: EnumValue[] = [];
    if (at('{')) {
      pos++;
      // The next enumerator's value and type without an initializer (null: it would overflow).
      let next: CInteger | null = int(0n);
      const named: string[] = [];
      while (!at('}')) {
        const name = peek();
        if (name === undefined || name.kind !== 'id') fail('expected an enumerator name');
        pos++;
        // `NAME __attribute__((deprecated)) = value` (glib's GLIB_DEPRECATED_ENUMERATOR_IN_2_26):
        // the enumerator's attributes are not the enum's.
        const enumAttributes = takeAttributes();
        skipAttributes();
        attributes = enumAttributes;
        let typed: CInteger;
        if (at('=')) {
          pos++;
          const start = pos;
          let depth = 0;
          while (pos < tokens.length && !(depth === 0 && (at(',') || at('}')))) {
            if (at('(')) depth++;
            if (at(')')) depth--;
            pos++;
          }
          // Exact at any 64-bit value, in C's integer types (`~0ULL`, `1ULL << 63`).
          // gcc folds an enumerator's value (signed overflow wraps, a shift past the width gives 0).
          const context = { ...constantContext, rules: FOLDING_RULES };
          typed = enumeratorType(constantValue(tokens.slice(start, pos), context, name!.line));
        } else if (next === null) return fail(`enumerator ${name!.text}: overflow in enumeration values`);
        else typed = next;
        // Past 64 bits (an __int128 expression) gcc only warns and picks a type the importer does not follow.
        if (typed.value < -(2n ** 63n) || typed.value >= 2n ** 64n)
          fail(`enumerator ${name!.text}: enumeration values exceed range of largest integer`);
        constants.set(name!.text, typed);
        named.push(name!.text);
        const { value } = typed;
        values.push(Number.isSafeInteger(Number(value)) ? Number(value) : value);
        next = nextEnumerator(typed);
        if (at(',')) pos++;
      }
      pos++;
      // After the enum, one that does not fit int has the enum's type (gcc's finish_enum).
      const type = enumType(named.map((n) => constants.get(n)!.value));
      for (const n of named) {
        const { value } = constants.get(n)!;
        if (value < -(2n ** 31n) || value >= 2n ** 31n) constants.set(n, convert(value, type));
      }
      if (tag !== '') enumValues.set(tag, values);
    } else if (tag !== '') {
      const known = enumValues.get(tag);
      if (known === undefined) fail(`enum ${tag} is used before its enumerators are known: its width is unknown`);
      // Not values.push(...known): an enum of 200,000 enumerators overflowed the call stack.
      for (const v of known!) values.push(v);
    }
    skipAttributes();
    if (attributes.vectorSize !== undefined) fail("invalid vector type for attribute 'vector_size' (on the enum itself)");
    if (declarationVector !== undefined) attributes.vectorSize = declarationVector;
    const c = tag === '' ? 'enum' : `enum ${tag}`;
    if (attributes.packed || packedEnums.has(tag)) {
      // gcc gives a packed enum the smallest integer type that holds its values (the attribute is
      // the enum's, not the declaration's): the harness reads it as that integer.
      attributes.packed = false;
      if (tag !== '') packedEnums.add(tag);
      return { kind: 'scalar', scalar: packedEnumScalar(values), c: `${c} (packed)` };
    }
    return { kind: 'enum', c, values };
  }

  const enumValues = new Map<string, EnumValue[]>();
  /** Tags of the enums declared `__attribute__((packed))`: the same narrow integer wherever used. */
  const packedEnums = new Set<string>();

  interface Declarator {
    name: string | null;
    line: number;
    apply: (base: CType) => CType;
    attributes: Attributes;
  }

  function parseDeclarator(): Declarator {
    deeper();
    try {
      const parts = parseDeclaratorParts();
      return { ...parts, apply: (base) => shallowEnough(parts.apply(base)) };
    } finally {
      nesting--;
    }
  }

  /**
   * The type, unless its pointers and arrays nest deeper than MAX_NESTING: typedefs can stack
   * them without bound (`typedef p1 *p2;` …), and the importer walks a type recursively.
   */
  function shallowEnough(type: CType): CType {
    let levels = 0;
    for (let t = type; t.kind === 'pointer' || t.kind === 'array'; t = t.kind === 'pointer' ? t.to : t.of) {
      if (++levels > MAX_NESTING) fail(`a type of pointers and arrays more than ${MAX_NESTING} levels deep`);
    }
    return type;
  }

  /**
   * `(name)` where a declarator starts: C's parentheses around a plain name (`typedef void
   * (scan_fn)(void *);` is a function type). A type word there starts a parameter list instead.
   */
  function parenthesizedName(): boolean {
    const t = peek(1);
    if (t?.kind !== 'id') return false;
    const word = TYPE_WORD_SPELLINGS.get(t.text) ?? t.text;
    return !(
      TYPE_WORDS.has(word) ||
      QUALIFIERS.has(word) ||
      word === 'struct' ||
      word === 'union' ||
      word === 'enum' ||
      typedefs.has(word) ||
      builtinType(word) !== undefined
    );
  }

  function parseDeclaratorParts(): Declarator {
    const outer = takeAttributes();
    let stars = 0;
    for (;;) {
      skipAttributes();
      if (at('*')) {
        // Each level is a type wrapped in a pointer, which the importer walks recursively.
        if (++stars > MAX_NESTING) fail(`a pointer of more than ${MAX_NESTING} levels ('*' × ${MAX_NESTING + 1} or more)`);
        pos++;
      } else if (peek()?.kind === 'id' && (QUALIFIERS.has(peek()!.text) || (at('_Atomic') && !at('(', 1))))
        pos++; // `T *_Atomic p` is still a pointer, of the same layout
      else break;
    }
    let inner: Declarator | null = null;
    let name: string | null = null;
    const declLine = line();
    if (at('(') && (at('*', 1) || at('(', 1) || at('^', 1) || parenthesizedName())) {
      pos++;
      inner = parseDeclarator();
      expect(')');
    } else if (peek()?.kind === 'id') {
      name = tokens[pos++]!.text;
    }
    const suffixes: { array: boolean; length: number }[] = [];
    for (;;) {
      skipAttributes();
      if (at('[')) {
        pos++;
        const start = pos;
        let depth = 0;
        while (pos < tokens.length && !(depth === 0 && at(']'))) {
          if (at('[')) depth++;
          if (at(']')) depth--;
          pos++;
        }
        const length = pos === start ? -1 : constant(start, pos, declLine);
        if (pos > start && length < 0) fail(`array length ${length} is negative`);
        expect(']');
        suffixes.push({ array: true, length });
      } else if (at('(')) {
        skipGroup();
        suffixes.push({ array: false, length: 0 });
      } else break;
    }
    skipAttributes();
    const own = takeAttributes();
    attributes = outer;
    const innerAttributes = inner?.attributes ?? { packed: false, alignAttr: 0 };
    return {
      attributes: {
        packed: own.packed || innerAttributes.packed,
        alignAttr: Math.max(own.alignAttr, innerAttributes.alignAttr),
        ...((own.mode ?? innerAttributes.mode) !== undefined ? { mode: own.mode ?? innerAttributes.mode } : {}),
        ...((own.vectorSize ?? innerAttributes.vectorSize) !== undefined
          ? { vectorSize: own.vectorSize ?? innerAttributes.vectorSize }
          : {}),
      },
      name: inner?.name ?? name,
      line: inner?.line ?? declLine,
      apply: (base) => {
        let t = base;
        for (let i = 0; i < stars; i++) t = { kind: 'pointer', to: t };
        for (let i = suffixes.length - 1; i >= 0; i--) {
          const s = suffixes[i]!;
          t = s.array ? { kind: 'array', of: t, length: s.length } : { kind: 'function' };
        }
        return inner ? inner.apply(t) : t;
      },
    };
  }

  /**
   * Skips the rest of a top-level declaration: to its `;`, or past a function body. A `{` after
   * `=` is an initializer, and more declarators may follow it (redismodule.h's `static const
   * RedisModuleEvent a = {…}, b = {…};`): before, each `, b = {…}` was a stray-token message.
   */
  function skipDeclaration(start: number): void {
    let initializer = false;
    while (pos < tokens.length) {
      if (at(';')) {
        pos++;
        return;
      }
      if (!initializer && (at('struct') || at('union') || at('enum'))) noteSkippedDefinition(start);
      if (at('{')) {
        skipGroup();
        if (initializer) continue;
        if (at(';')) pos++;
        return;
      }
      if (at('=')) initializer = true;
      if (at('(') || at('[')) skipGroup();
      else pos++;
    }
  }

  /**
   * A struct, union or enum defined inside a declaration that is skipped (its start is no type the
   * importer knows, as `UNKNOWN(1) struct s {…};` after a macro it did not expand): said, where it
   * was dropped without a word. A system header's is not (it matters only if a struct uses it).
   */
  function noteSkippedDefinition(start: number): void {
    const keyword = tokens[pos]!;
    const body = tokens[pos + 1]?.text === '{' ? pos + 1 : tokens[pos + 2]?.text === '{' ? pos + 2 : -1;
    const first = tokens[start]!;
    if (body < 0 || first.system === true) return;
    const name = body === pos + 2 ? `${keyword.text} ${tokens[pos + 1]!.text}` : `an anonymous ${keyword.text}`;
    problems.push({
      line: keyword.line,
      message: `${name}: skipped with the declaration it is in, which starts '${tokensShown(start, pos)}' (not a type the importer knows)`,
      ...(keyword.file !== undefined ? { file: keyword.file } : {}),
    });
  }

  /** The tokens from `from` to `to` as a message quotes them: the first 8, then ' …' if there are more. */
  function tokensShown(from: number, to: number): string {
    const shown = tokens
      .slice(from, Math.min(to, from + 8))
      .map((t) => t.text)
      .join(' ');
    return to - from > 8 ? `${shown} …` : shown;
  }

  /** A token no declaration starts with: a number, a string, a punctuator other than ( [ ; } {. */
  function strayAt(k: number): boolean {
    const t = tokens[k]!;
    return t.kind === 'num' || t.kind === 'str' || (t.kind === 'punct' && !['(', '[', ';', '}', '{'].includes(t.text));
  }

  while (pos < tokens.length) {
    if (at(';')) {
      pos++;
      continue;
    }
    // `extern "C" {` … `}`: the declarations inside are the header's own.
    if (at('extern') && peek(1)?.kind === 'str' && at('{', 2)) {
      pos += 3;
      continue;
    }
    if (at('}')) {
      pos++;
      continue;
    }
    // A stray token where a declaration starts (`*/` after a comment that was already closed, a
    // number): skipped on its own and said, rather than with the declaration after it, whose
    // struct was then lost without a word.
    if (strayAt(pos)) {
      const stray = tokens[pos]!;
      let end = pos;
      while (end < tokens.length && strayAt(end)) end++;
      if (stray.system !== true) {
        problems.push({
          line: stray.line,
          message: `unexpected '${tokensShown(pos, end)}' where a declaration starts (skipped)`,
          ...(stray.file !== undefined ? { file: stray.file } : {}),
        });
      }
      pos = end;
      continue;
    }
    const start = pos;
    nesting = 0;
    attributes = { packed: false, alignAttr: 0 };
    definedByDeclaration = null;
    try {
      // glibc writes `__extension__ typedef long long int greg_t;` (its __STD_TYPE macro too).
      while (at('__extension__')) pos++;
      const beforeTypedef = attributesBeforeTypedef();
      if (at('typedef')) {
        pos++;
        const base = parseSpecifiers();
        if (base === null) fail('typedef without a type');
        // `typedef int __attribute__((aligned(8))) aint;`: an attribute among the specifiers.
        const leading = takeAttributes();
        for (;;) {
          const declarator = parseDeclarator();
          if (declarator.name === null) fail('typedef without a name');
          let type = declarator.apply(base!);
          const mode = declarator.attributes.mode ?? leading.mode ?? beforeTypedef.mode;
          if (mode !== undefined) type = integerOfMode(type, mode);
          type = withVectorSize(type, beforeTypedef, leading, declarator.attributes);
          const align = Math.max(beforeTypedef.alignAttr, leading.alignAttr, declarator.attributes.alignAttr);
          if (align > 0) {
            // A type of its own (the other names of the same declaration keep the plain one).
            type = { ...type };
            typedefAligns.set(type, align);
            if (type.kind === 'record' && records[type.id]!.typedefNames.length === 0) records[type.id]!.typedefAlign = align;
          }
          typedefs.set(declarator.name!, type);
          if (type.kind === 'record') records[type.id]!.typedefNames.push(declarator.name!);
          if (at(',')) {
            pos++;
            continue;
          }
          break;
        }
        expect(';');
      } else {
        parseSpecifiers();
        skipDeclaration(start);
      }
    } catch (error) {
      if (!(error instanceof CSyntaxError)) throw error;
      const where = tokens[Math.min(start, tokens.length - 1)];
      const unreadName = typedefNameAt(start);
      if (unreadName !== null && !typedefs.has(unreadName))
        unreadTypedefs.set(
          unreadName,
          `is declared at ${where?.file !== undefined ? `${where.file}:${error.line}` : `line ${error.line}`} in a way the importer does not read (${error.reason})`,
        );
      if (where?.system === true) {
        // A system header's declaration the importer cannot read matters only if a struct uses it.
      } else {
        const refused = definedByDeclaration as CRecord | null;
        if (refused !== null && !refused.complete && !refused.system)
          refusedRecords.push(refused.tag !== null ? `${refused.kind} ${refused.tag}` : `an anonymous ${refused.kind}`);
        problems.push({
          line: error.line,
          message: error.reason,
          ...(where?.file !== undefined ? { file: where.file } : {}),
          ...(error.word !== undefined ? { word: error.word } : stoppedAt(error)),
        });
      }
      // Resynchronise: skip the broken declaration from its start, to its ';' at brace depth 0,
      // or to a new declaration starting on a later line right after its body's closing '}'.
      pos = start;
      let depth = 0;
      let closedLine = -1;
      while (pos < tokens.length) {
        const t = tokens[pos]!;
        if (closedLine >= 0 && depth === 0 && t.line > closedLine && NEW_DECLARATION.has(t.text)) break;
        pos++;
        if (t.text === '{') depth++;
        else if (t.text === '}') {
          depth = Math.max(0, depth - 1);
          if (depth === 0) closedLine = t.line;
        } else if (t.text === ';' && depth === 0) break;
      }
      if (pos === start) pos++;
    }
  }
  return header;

  /**
   * The type with the `vector_size(N)` among `attributes` applied as gcc applies it: to the
   * innermost type, through pointers and arrays (`int *p __attribute__((vector_size(16)))` is a
   * pointer to a vector, `int a[2] __attribute__((vector_size(16)))` two vectors). A vector is an
   * array of N bytes aligned to N, as gcc places it in a struct (gcc's `_Alignof` says at most 16
   * without -mavx, its `__alignof__` says N: the struct's layout follows N). gcc refuses it, and so does the
   * importer, with gcc's words, for a type that is not an integer or floating type (`_Bool`, a
   * struct), a size that is not a multiple of the element's, or a count not a power of two.
   */
  /**
   * The attributes before `typedef` (Python's `Py_DEPRECATED(3.11) typedef int T;` is
   * `__attribute__((__deprecated__)) typedef …`), which gcc gives the typedef's names as it gives
   * those after them: `aligned(16)` aligns the name, not the struct it names, and `packed` packs
   * nothing. None, and the reader left where it was, when no typedef follows them.
   */
  function attributesBeforeTypedef(): Attributes {
    const none: Attributes = { packed: false, alignAttr: 0 };
    if (!at('__attribute__') && !at('__attribute')) return none;
    const start = pos;
    const outer = takeAttributes();
    skipAttributes();
    const taken = takeAttributes();
    attributes = outer;
    if (at('typedef')) return taken;
    pos = start;
    return none;
  }

  function withVectorSize(type: CType, ...attributes: Attributes[]): CType {
    const sizes = attributes.flatMap((a) => (a.vectorSize === undefined ? [] : [a.vectorSize]));
    if (sizes.length === 0) return type;
    if (sizes.length > 1) fail("invalid vector type for attribute 'vector_size' (a vector of vectors)");
    const bytes = sizes[0]!;
    const vectorize = (t: CType): CType => {
      if (t.kind === 'pointer') return { ...t, to: vectorize(t.to) };
      if (t.kind === 'array' && t.vectorSize === undefined) return { ...t, of: vectorize(t.of) };
      return vectorOf(t, bytes);
    };
    return vectorize(type);
  }

  function vectorOf(element: CType, bytes: number): CType {
    const invalid = (): never => fail(`invalid vector type for attribute 'vector_size' (${typeText(element)})`);
    let plain: CType;
    let elementSize: number;
    // The element's own attributes do not count (an aligned(8) typedef of int is a 4-byte element).
    if (element.kind === 'char' || element.kind === 'scalar') {
      if (/\b_Bool\b|\bbool\b/.test(element.c)) invalid();
      plain = { kind: 'scalar', scalar: element.scalar, c: element.c };
      elementSize = SCALARS[element.scalar].size;
    } else if (element.kind === 'enum') {
      plain = { ...element };
      elementSize = enumStorage(element.values, false).size;
    } else if (element.kind === 'opaque' && /^(_Float\d+|__float128)$/.test(element.c)) {
      plain = { ...element };
      elementSize = element.size;
    } else if (element.kind === 'unknown') {
      return fail(`a vector of '${element.c}', a type the importer does not know: its size is unknown`);
    } else if (element.kind === 'array') return fail("invalid vector type for attribute 'vector_size' (a vector of vectors)");
    else return invalid();
    if (bytes % elementSize !== 0) fail('vector size not an integral multiple of component size');
    const length = bytes / elementSize;
    if (2 ** Math.round(Math.log2(length)) !== length) fail(`number of vector components ${length} not a power of two`);
    const vector: CType = { kind: 'array', of: plain, length, vectorSize: bytes };
    typedefAligns.set(vector, Math.min(bytes, MAX_ALIGNMENT));
    return vector;
  }

  /** `typedef int T __attribute__((mode(QI)))`: the integer of that many bytes, of the type's sign. */
  function integerOfMode(type: CType, bytes: number): CType {
    if ((type.kind !== 'scalar' && type.kind !== 'char') || SCALARS_FLOAT.has(type.scalar))
      return fail('__attribute__((mode)) on a type that is not an integer: not followed by the importer');
    const signed = type.scalar.startsWith('i');
    const scalar = `${signed ? 'i' : 'u'}${bytes * 8}` as ScalarName;
    return { kind: 'scalar', scalar, c: `${type.c} mode(${bytes * 8} bits)` };
  }

  /**
   * The name a `typedef` declaration starting at `from` declares, read without parsing it (it
   * could not be parsed): the last identifier outside parentheses before its ';' that is not a
   * type word (`typedef int qi_t __attribute__((mode(QI)));` gives qi_t), or null.
   */
  function typedefNameAt(from: number): string | null {
    let k = from;
    while (tokens[k]?.text === '__extension__') k++;
    if (tokens[k]?.text !== 'typedef') return null;
    let name: string | null = null;
    let depth = 0;
    for (k++; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (t.text === '(' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === '}') depth--;
      else if (depth === 0 && t.text === ';') break;
      else if (depth === 0 && t.kind === 'id' && !t.text.startsWith('__attribute') && !QUALIFIERS.has(t.text)) {
        const word = TYPE_WORD_SPELLINGS.get(t.text) ?? t.text;
        if (!TYPE_WORDS.has(word) && word !== 'struct' && word !== 'union' && word !== 'enum') name = t.text;
      }
    }
    return name;
  }
}
