/**
 * Random C structs and unions for the layout tests, written twice: as C (members of every scalar
 * type, earlier records by value and by pointer, arrays, bit-fields named and zero-width,
 * `aligned` and `packed` on members and on the record, `#pragma pack(N)` around it) and as a
 * harness class with the decorators; and what gcc says of them (sizeof, _Alignof, offsetof, bit
 * positions), one line per number, to compare with the harness's own.
 */
import { transformSync } from 'esbuild';
import fc from 'fast-check';
import { createLmmStudioModule } from '../../src/harness/api/lmmStudioModule';
import { declaredStructs, layoutOf, type StructInfo } from '../../src/harness/api/structLayout';
import type { HarnessRuntime } from '../../src/harness/runtime/harnessRuntime';
import { BITS_OF_C, compileAndRun } from './cCompiler';

interface Scalar {
  c: string;
  harness: string;
  bits: number;
  integer: boolean;
}

const SCALARS: Scalar[] = [
  { c: 'char', harness: 'i8', bits: 8, integer: true },
  { c: 'unsigned char', harness: 'u8', bits: 8, integer: true },
  { c: 'short', harness: 'i16', bits: 16, integer: true },
  { c: 'unsigned short', harness: 'u16', bits: 16, integer: true },
  { c: 'int', harness: 'i32', bits: 32, integer: true },
  { c: 'unsigned', harness: 'u32', bits: 32, integer: true },
  { c: 'long', harness: 'i64', bits: 64, integer: true },
  { c: 'unsigned long', harness: 'u64', bits: 64, integer: true },
  { c: 'float', harness: 'f32', bits: 32, integer: false },
  { c: 'double', harness: 'f64', bits: 64, integer: false },
  { c: '__int128', harness: 'i128', bits: 128, integer: false },
  { c: 'long double', harness: 'f80', bits: 128, integer: false },
];
const BIT_FIELD_TYPES = SCALARS.filter((s) => s.integer);

export interface Member {
  type: Scalar;
  /**
   * Set: the member is a record declared before this one (by value, or a pointer to it): which one,
   * as a fraction of those before (a record with none before keeps the scalar).
   */
  record?: { which: number; pointer: boolean };
  /** Bit-field width (0: an unnamed zero-width one), or null. */
  bits: number | null;
  /** Array length, or null. */
  length: number | null;
  aligned: number;
  packed: boolean;
  /** `_Alignas(N)` on the member (only where N is at least the type's own alignment, as C asks). */
  alignas?: number;
  /** An aligned typedef of HEADER_PRELUDE the member has as its type, instead of `type`. */
  alignedType?: string;
  /** `T m[]` (last member of a struct only) instead of a length. */
  flexible?: boolean;
  /** An anonymous struct or union member holding these members, instead of one of `type`. */
  anonymous?: { kind: 'struct' | 'union'; packed: boolean; members: Member[] };
}

export interface Record_ {
  kind: 'struct' | 'union';
  packed: boolean;
  aligned: number;
  pack: number;
  members: Member[];
}

const alignment = fc.constantFrom(0, 0, 0, 1, 2, 4, 8, 16, 32);
const plainMember: fc.Arbitrary<Member> = fc.record({
  type: fc.constantFrom(...SCALARS),
  record: fc.option(fc.record({ which: fc.double({ min: 0, max: 0.999, noNaN: true }), pointer: fc.boolean() }), {
    freq: 3,
    nil: undefined,
  }),
  bits: fc.constant(null),
  length: fc.option(fc.integer({ min: 1, max: 3 }), { freq: 4 }),
  aligned: alignment,
  packed: fc.boolean(),
});
const bitField: fc.Arbitrary<Member> = fc
  .record({
    type: fc.constantFrom(...BIT_FIELD_TYPES),
    zero: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    packed: fc.boolean(),
  })
  .map(({ type, zero, fraction, packed }) => ({
    type,
    bits: zero ? 0 : Math.max(1, Math.ceil(fraction * type.bits)),
    length: null,
    aligned: 0,
    packed: zero ? false : packed,
  }));
export const randomRecord: fc.Arbitrary<Record_> = fc
  .record({
    kind: fc.constantFrom('struct' as const, 'struct' as const, 'union' as const),
    packed: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    aligned: alignment,
    pack: fc.constantFrom(0, 0, 0, 1, 2, 4, 8, 16),
    members: fc.array(fc.oneof({ arbitrary: plainMember, weight: 3 }, { arbitrary: bitField, weight: 2 }), {
      minLength: 1,
      maxLength: 8,
    }),
  })
  // C needs a named member; a union takes no zero-width bit-field here (gcc's rules for one differ by version).
  .map((r) => ({ ...r, members: r.kind === 'union' ? r.members.filter((m) => m.bits !== 0) : r.members }))
  .filter((r) => r.members.some((m) => m.bits !== 0));

/**
 * What the wider records of `randomHeaderRecord` use and a header must declare first: enums for
 * bit-fields, and typedefs whose `aligned` raises or lowers the type's alignment (gcc takes both).
 * Declares no struct, so a header's records are the generated ones.
 */
export const HEADER_PRELUDE = [
  'enum rh_small { RH_A, RH_B = 5 };',
  'enum rh_signed { RH_NEG = -3, RH_POS = 4 };',
  'typedef int rh_int_a8 __attribute__((aligned(8)));',
  'typedef short rh_short_a4 __attribute__((aligned(4)));',
  'typedef long rh_long_a2 __attribute__((aligned(2)));',
  'typedef char rh_char_a16 __attribute__((aligned(16)));',
];
const ALIGNED_TYPEDEFS = ['rh_int_a8', 'rh_short_a4', 'rh_long_a2', 'rh_char_a16'];

/** Bit-field types beyond the harness's own integers: signed, long long, _Bool and enums (gcc places an enum's as unsigned int, or int with a negative value). */
const WIDE_BIT_FIELD_TYPES: Scalar[] = [
  ...BIT_FIELD_TYPES,
  { c: 'signed char', harness: 'i8', bits: 8, integer: true },
  { c: 'signed int', harness: 'i32', bits: 32, integer: true },
  { c: 'long long', harness: 'i64', bits: 64, integer: true },
  { c: 'unsigned long long', harness: 'u64', bits: 64, integer: true },
  { c: '_Bool', harness: 'u8', bits: 1, integer: true },
  { c: 'enum rh_small', harness: 'u32', bits: 32, integer: true },
  { c: 'enum rh_signed', harness: 'i32', bits: 32, integer: true },
];

const wideBitField: fc.Arbitrary<Member> = fc
  .record({ type: fc.constantFrom(...WIDE_BIT_FIELD_TYPES), fraction: fc.double({ min: 0, max: 1, noNaN: true }) })
  .chain(({ type, fraction }) =>
    bitField.map((m) => ({ ...m, type, bits: m.bits === 0 ? 0 : Math.max(1, Math.ceil(fraction * type.bits)) })),
  );
/** A plain member, at times `_Alignas(N)`, of an aligned typedef, or a zero-length array. */
const widePlainMember: fc.Arbitrary<Member> = fc
  .record({
    member: plainMember,
    alignas: fc.constantFrom(0, 0, 0, 8, 16, 32),
    alignedType: fc.option(fc.constantFrom(...ALIGNED_TYPEDEFS), { freq: 5, nil: undefined }),
    zeroLength: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  })
  .map(({ member, alignas, alignedType, zeroLength }) => {
    const m: Member = { ...member, ...(zeroLength ? { length: 0 } : {}) };
    if (alignedType !== undefined && m.record === undefined) return { ...m, alignedType, length: null };
    // C: _Alignas may not lower a type's alignment (a record's is not known here: none on those).
    if (alignas > 0 && m.record === undefined && alignas >= Math.min(16, m.type.bits / 8)) return { ...m, alignas };
    return m;
  });
/** Names at least one member, as C asks of a struct or union (a union takes no `: 0` here, as randomRecord). */
const withNamedMember = (kind: 'struct' | 'union', members: Member[]) => {
  const kept = kind === 'union' ? members.filter((m) => m.bits !== 0) : members;
  return kept.some((m) => m.bits !== 0) ? kept : [...kept, { ...members[0]!, bits: null, length: null }];
};
const anonymousMember: fc.Arbitrary<Member> = fc
  .record({
    kind: fc.constantFrom('struct' as const, 'union' as const),
    packed: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    members: fc.array(fc.oneof({ arbitrary: widePlainMember, weight: 3 }, { arbitrary: wideBitField, weight: 2 }), {
      minLength: 1,
      maxLength: 4,
    }),
    outer: plainMember,
  })
  .map(({ kind, packed, members, outer }) => ({
    ...outer,
    record: undefined,
    length: null,
    anonymous: { kind, packed, members: withNamedMember(kind, members).map((m) => ({ ...m, record: undefined })) },
  }));

/**
 * randomRecord's records with what only a header says: bit-fields of every integer type (signed,
 * `long long`, `_Bool`, enums), `_Alignas`, aligned typedefs, zero-length and flexible arrays, and
 * anonymous struct and union members. For `lmm import-c`, whose harness is compared with gcc's
 * layout: `harnessSource` does not write them.
 */
export const randomHeaderRecord: fc.Arbitrary<Record_> = fc
  .record({
    base: randomRecord,
    members: fc.array(
      fc.oneof(
        { arbitrary: widePlainMember, weight: 3 },
        { arbitrary: wideBitField, weight: 2 },
        { arbitrary: anonymousMember, weight: 1 },
      ),
      { minLength: 1, maxLength: 8 },
    ),
    flexible: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  })
  .map(({ base, members, flexible }) => {
    const named = withNamedMember(base.kind, members);
    const last: Member = {
      ...named[0]!,
      record: undefined,
      bits: null,
      length: null,
      flexible: true,
      anonymous: undefined,
      aligned: 0,
      packed: false,
    };
    delete last.alignedType;
    delete last.alignas;
    return { ...base, members: flexible && base.kind === 'struct' ? [...named, last] : named };
  });

/**
 * The records with every by-value use of an earlier record that ends in a flexible array made a
 * pointer: gcc takes such a struct only last in another (a GNU extension), and in no array.
 */
export function withoutEmbeddedFlexible(records: Record_[]): Record_[] {
  const flexible = records.map((r) => r.members.some((m) => m.flexible === true));
  const fix = (m: Member, i: number): Member => {
    const anonymous = m.anonymous && { ...m.anonymous, members: m.anonymous.members.map((x) => fix(x, i)) };
    if (m.record === undefined || m.record.pointer || i === 0 || !flexible[Math.floor(m.record.which * i)])
      return anonymous ? { ...m, anonymous } : m;
    return { ...m, record: { ...m.record, pointer: true } };
  };
  return records.map((r, i) => ({ ...r, members: r.members.map((m) => fix(m, i)) }));
}

/** The records before `index` a member may embed or point to: `{ kind, name }`, or undefined. */
export type Earlier = (member: Member) => { kind: string; name: string } | undefined;

export function cSource(r: Record_, name: string, earlier: Earlier): string {
  const members = r.members.map((m, k) => cMember(m, `m${k}`, earlier));
  const recordAttributes = `${r.packed ? ' __attribute__((packed))' : ''}${r.aligned > 0 ? ` __attribute__((aligned(${r.aligned})))` : ''}`;
  const body = `${r.kind}${recordAttributes} ${name} { ${members.join(' ')} };`;
  return r.pack > 0 ? `#pragma pack(push, ${r.pack})\n${body}\n#pragma pack(pop)` : body;
}

/** One member as C declares it, named `name` (an anonymous record's members `name_0`, `name_1` …). */
function cMember(m: Member, name: string, earlier: Earlier): string {
  const attributes = `${m.aligned > 0 ? ` __attribute__((aligned(${m.aligned})))` : ''}${m.packed ? ' __attribute__((packed))' : ''}`;
  if (m.anonymous !== undefined) {
    const inner = m.anonymous.members.map((x, j) => cMember(x, `${name}_${j}`, earlier)).join(' ');
    return `${m.anonymous.kind}${m.anonymous.packed ? ' __attribute__((packed))' : ''} { ${inner} }${attributes};`;
  }
  if (m.bits === 0) return `${m.type.c} : 0;`;
  if (m.bits !== null) return `${m.type.c} ${name} : ${m.bits}${attributes};`;
  const target = earlier(m);
  const type =
    target === undefined ? (m.alignedType ?? m.type.c) : `${target.kind} ${target.name}${m.record!.pointer ? ' *' : ''}`;
  const alignas = m.alignas !== undefined ? `_Alignas(${m.alignas}) ` : '';
  const length = m.flexible === true ? '[]' : m.length !== null ? `[${m.length}]` : '';
  return `${alignas}${type} ${name}${length}${attributes};`;
}

export function harnessSource(r: Record_, name: string, earlier: Earlier): string {
  const options = [
    ...(r.packed ? ['packed: true'] : []),
    ...(r.aligned > 0 ? [`aligned: ${r.aligned}`] : []),
    ...(r.pack > 0 ? [`pack: ${r.pack}`] : []),
  ];
  const fields = r.members.map((m, k) => {
    const attributes = `${m.aligned > 0 ? `@aligned(${m.aligned}) ` : ''}${m.packed ? '@packed ' : ''}`;
    if (m.bits !== null) return `  ${attributes}@bits(${m.type.harness}, ${m.bits}) m${k}!: number;`;
    const target = earlier(m);
    if (target !== undefined) {
      const element = m.record!.pointer ? `ptr(() => ${target.name})` : `() => ${target.name}`;
      if (m.length !== null)
        return `  ${attributes}@array(${m.record!.pointer ? `${element}` : element}, ${m.length}) m${k}!: unknown[];`;
      return `  ${attributes}@${m.record!.pointer ? element : `field(${element})`} m${k}!: unknown;`;
    }
    if (m.length !== null) return `  ${attributes}@array(${m.type.harness}, ${m.length}) m${k}!: number[];`;
    return `  ${attributes}@${m.type.harness} m${k}!: number;`;
  });
  return `@${r.kind}${options.length > 0 ? `({ ${options.join(', ')} })` : ''}\nclass ${name} {\n${fields.join('\n')}\n}`;
}

/** Declares the classes of `source` (with its own lmm-studio import, or given one) with the real decorators; returns them in order. */
export function declareClasses(source: string, importsItself = false): StructInfo[] {
  const names = ['struct', 'union', 'aligned', 'packed', 'bits', 'array', 'field', 'ptr', ...SCALARS.map((s) => s.harness)];
  const code = transformSync(importsItself ? source : `import { ${names.join(', ')} } from 'lmm-studio';\n${source}`, {
    loader: 'ts',
    format: 'cjs',
    target: 'es2022',
  }).code;
  const api = createLmmStudioModule({ paths: {} } as unknown as HarnessRuntime);
  const before = declaredStructs.length;
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)(() => api, module, module.exports);
  return declaredStructs.slice(before);
}

/** What gcc prints for each record: size and align, then each named member's place. */
export function compilerLines(cc: string, records: Record_[], names: string[], earlierOf: (i: number) => Earlier): string[] {
  const lines: string[] = [];
  records.forEach((r, i) => {
    const name = names[i]!;
    const c = `${r.kind} ${name}`;
    lines.push(`printf("${name} size %zu align %zu\\n", sizeof(${c}), _Alignof(${c}));`);
    r.members.forEach((m, k) => {
      if (m.bits === 0) return;
      if (m.bits !== null)
        lines.push(
          `{ ${c} v; memset(&v, 0, sizeof v); v.m${k} = -1; bitsOf((const unsigned char *)&v, sizeof v, "${name}.m${k}"); }`,
        );
      else lines.push(`printf("${name}.m${k} at %zu\\n", offsetof(${c}, m${k}) * 8);`);
    });
  });
  return compileAndRun(cc, [
    '#include <stdio.h>',
    '#include <stddef.h>',
    '#include <string.h>',
    ...records.map((r, i) => cSource(r, names[i]!, earlierOf(i))),
    ...BITS_OF_C,
    'int main(void) {',
    ...lines,
    'return 0; }',
  ]);
}

/** The same lines from the harness's layouts. */
export function harnessLines(records: Record_[], classes: StructInfo[], names: string[]): string[] {
  const lines: string[] = [];
  records.forEach((r, i) => {
    const name = names[i]!;
    const layout = layoutOf(classes[i]!);
    lines.push(`${name} size ${layout.size} align ${layout.align}`);
    r.members.forEach((m, k) => {
      if (m.bits === 0) return;
      const field = layout.fields[k]!;
      if (m.bits !== null) lines.push(`${name}.m${k} bits ${field.bitOffset} ${m.bits}`);
      else lines.push(`${name}.m${k} at ${field.offset * 8}`);
    });
  });
  return lines;
}

/** The records a member of record `i` may embed or point to: one declared before it. */
export function earlierIn(records: readonly Record_[], names: readonly string[]): (i: number) => Earlier {
  return (i) => (m) => {
    if (m.record === undefined || i === 0) return undefined;
    const j = Math.floor(m.record.which * i);
    return { kind: records[j]!.kind, name: names[j]! };
  };
}
