/**
 * The x86-64 System V C layout of structs and unions, as gcc and clang make it: fields in
 * declaration order, each at the next offset that is a multiple of its alignment, the size
 * rounded up to the largest alignment; plus what the compiler does for bit-fields, `packed` and
 * `aligned(N)` (`placeMembers`). Shared by the harness decorators, `lmm import-c`, the padding
 * hint (what a reordering would give) and tests.
 */
import { MAX_PAGE_SIZE } from '../engine/constants';
import type { FieldLayout, StructLayout } from './analysisInput';
import { POINTER_SIZE, SCALARS } from './cScalars';

export interface FieldSpec {
  name: string;
  /** C-like type text, as in FieldLayout ('u32', 'char[32]', 'node_t *', 'point_t[3]'). */
  type: string;
  size: number;
  align: number;
  /** Offsets of pointers inside the field (a `ptr` field: [0]; a nested struct: its own). */
  pointerOffsets?: readonly number[];
}

/** Sizes of the harness language's scalar types (and `ptr`), from the one scalar table. */
export const SCALAR_SIZES: Readonly<Record<string, number>> = Object.freeze({
  ...Object.fromEntries(Object.values(SCALARS).map((s) => [s.name, s.size])),
  ptr: POINTER_SIZE,
});

/** One member as the compiler sees it when placing it. */
export interface MemberSpec {
  /** The member type's size and alignment (for a bit-field: its declared type's). */
  size: number;
  align: number;
  /** Bit-field width (0 for `int : 0`), or null for an ordinary member. */
  bits: number | null;
  /** False for an unnamed bit-field: it does not give the record its alignment. */
  named: boolean;
  /** `__attribute__((aligned(N)))` on the member (0 when none). */
  alignAttr: number;
  /** `__attribute__((packed))` on the member itself. */
  packed: boolean;
}

export interface RecordSpec {
  kind: 'struct' | 'union';
  /** `__attribute__((packed))` on the struct: every member packed. */
  packed: boolean;
  /** `__attribute__((aligned(N)))` on the struct (0 when none). */
  alignAttr: number;
  /**
   * `#pragma pack(N)` in effect where the record is defined (0 or absent: none): no member is
   * aligned to more than N, its own `aligned(N)` included, and bit-fields run on bit by bit.
   */
  pack?: number;
}

export interface PlacedRecord {
  /** Bit offset of each member, in order. */
  bitOffsets: number[];
  size: number;
  align: number;
}

/**
 * Places members as gcc does on x86-64. A bit-field goes at the next free bit unless it would
 * cross a boundary of its declared type's size, then at that boundary; a zero-width one moves to
 * the next boundary of its type; unnamed ones give the record no alignment. `packed` members
 * take alignment 1 (bit-fields then run on bit by bit), while an `aligned(N)` on a member still
 * holds inside a packed struct; `aligned(N)` on the record raises its alignment. Under `#pragma
 * pack(N)` (`record.pack`) see below.
 */
export function placeMembers(record: RecordSpec, members: readonly MemberSpec[]): PlacedRecord {
  let bit = 0;
  let align = 1;
  let size = 0;
  const bitOffsets: number[] = [];
  // gcc caps every member's alignment at the pragma's N, and places bit-fields as it places
  // packed ones (no move past a boundary of their type); a zero-width bit-field still moves to its
  // type's whole boundary, and aligned(N) on the record still raises the record's alignment.
  // A bit-field's `packed` (its own or the record's) no longer lowers its alignment there.
  const pack = record.pack ?? 0;
  for (const m of members) {
    const packed = record.packed || m.packed;
    const natural = packed && !(pack > 0 && m.bits !== null) ? 1 : m.align;
    let memberAlign = m.alignAttr > 0 ? (packed ? m.alignAttr : Math.max(natural, m.alignAttr)) : natural;
    if (pack > 0) memberAlign = Math.min(pack, memberAlign);
    if (record.kind === 'union') {
      bitOffsets.push(0);
      size = Math.max(size, m.bits === null ? m.size : Math.ceil(m.bits / 8));
      if (m.bits === null || (m.named && m.bits > 0)) align = Math.max(align, memberAlign);
      continue;
    }
    if (m.bits === null) {
      bit = alignUp(alignUp(bit, 8) / 8, memberAlign) * 8;
      bitOffsets.push(bit);
      bit += m.size * 8;
      align = Math.max(align, memberAlign);
      continue;
    }
    const unit = m.size * 8;
    if (m.bits === 0) {
      bit = alignUp(bit, m.align * 8);
      bitOffsets.push(bit);
      continue;
    }
    if (m.alignAttr > 0) bit = alignUp(bit, m.alignAttr * 8);
    const runsOn = packed || pack > 0;
    if (!runsOn && Math.floor(bit / unit) !== Math.floor((bit + m.bits - 1) / unit)) bit = alignUp(bit, unit);
    bitOffsets.push(bit);
    bit += m.bits;
    if (m.named) align = Math.max(align, memberAlign);
  }
  if (record.kind === 'struct') size = Math.ceil(bit / 8);
  if (record.alignAttr > 0) align = Math.max(align, record.alignAttr);
  return { bitOffsets, size: alignUp(size, align), align };
}

export function alignUp(value: number, align: number): number {
  return align <= 1 ? value : Math.ceil(value / align) * align;
}

export function layOutStruct(name: string, specs: readonly FieldSpec[]): StructLayout {
  let offset = 0;
  let align = 1;
  const fields: FieldLayout[] = [];
  const pointerOffsets: number[] = [];
  for (const spec of specs) {
    offset = alignUp(offset, spec.align);
    fields.push({ name: spec.name, type: spec.type, offset, size: spec.size, align: spec.align });
    for (const p of spec.pointerOffsets ?? []) pointerOffsets.push(offset + p);
    offset += spec.size;
    if (spec.align > align) align = spec.align;
  }
  return { name, size: alignUp(offset, align), align, fields, pointerOffsets };
}

/** The spec of a field that is `count` copies of `element` (an array), pointers repeated per element. */
export function arraySpec(name: string, element: FieldSpec, count: number, elementType = element.type): FieldSpec {
  const pointerOffsets: number[] = [];
  // A struct larger than the largest page is never allocated, so its pointers are never scanned:
  // listing them one element at a time for `u64[2^53 - 1]` would not end.
  if ((element.pointerOffsets?.length ?? 0) > 0 && element.size * count <= MAX_PAGE_SIZE)
    for (let i = 0; i < count; i++) for (const p of element.pointerOffsets!) pointerOffsets.push(i * element.size + p);
  return { name, type: `${elementType}[${count}]`, size: element.size * count, align: element.align, pointerOffsets };
}

/** A field spec that embeds a laid-out struct. */
export function structSpec(name: string, layout: StructLayout): FieldSpec {
  return { name, type: layout.name, size: layout.size, align: layout.align, pointerOffsets: layout.pointerOffsets };
}

/**
 * True when fields share bytes (a union, or bit-fields in one storage unit): such a layout is
 * the program's on purpose, so it has no padding to count and no order to improve.
 */
export function fieldsOverlap(layout: StructLayout): boolean {
  let end = 0;
  for (const f of layout.fields) {
    if (f.offset < end) return true;
    end = f.offset + f.size;
  }
  return false;
}

/** Bytes of padding in a layout (between fields and at the end); 0 when fields overlap. */
export function paddingBytes(layout: StructLayout): number {
  if (fieldsOverlap(layout)) return 0;
  let used = 0;
  for (const f of layout.fields) used += f.size;
  return layout.size - used;
}

/**
 * The field order with the least padding: by alignment, largest first (stable, so equal
 * alignments keep their declaration order). For fields whose sizes are multiples of their
 * alignment — every C type — this order leaves padding only at the end, which is minimal.
 */
export function reorderedForPadding(layout: StructLayout): StructLayout {
  if (fieldsOverlap(layout)) return layout;
  // A flexible array member (`T data[]`, `@array(T, 0)` last) stays last: C allows it nowhere else.
  const last = layout.fields.at(-1);
  const flexible = last !== undefined && last.size === 0 && last.type.endsWith('[0]') ? last : undefined;
  const order = layout.fields
    .filter((f) => f !== flexible)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.align - a.f.align || a.i - b.i)
    .map(({ f }) => f);
  if (flexible) order.push(flexible);
  const relative = new Map<FieldLayout, number[]>();
  for (const f of layout.fields) relative.set(f, []);
  for (const p of layout.pointerOffsets) {
    const owner = layout.fields.find((f) => p >= f.offset && p < f.offset + f.size);
    if (owner !== undefined) relative.get(owner)!.push(p - owner.offset);
  }
  return layOutStruct(
    layout.name,
    order.map((f) => ({ name: f.name, type: f.type, size: f.size, align: f.align, pointerOffsets: relative.get(f)! })),
  );
}

/** The integer gcc stores an enum in, as a harness reads it (a bit-field or enum's storage). */
export interface EnumStorage {
  name: string;
  size: number;
  align: number;
  signed: boolean;
  bigint: boolean;
}

/**
 * The least and greatest of an enum's values, with 0 among them (as gcc sizes an enum). A loop,
 * not Math.min(...values): an enum of 200,000 enumerators overflowed the call stack.
 */
export function enumRange(values: readonly (number | bigint)[]): { min: bigint; max: bigint } {
  let min = 0n;
  let max = 0n;
  for (const v of values) {
    const b = BigInt(v);
    if (b < min) min = b;
    if (b > max) max = b;
  }
  return { min, max };
}

/**
 * The integer gcc stores an enum in: `unsigned int` when no value is negative and all fit in 32
 * bits, `int` when they fit in it, else `unsigned long` / `long` (8 bytes).
 */
export function enumStorage(values: readonly (number | bigint)[], bigint: boolean): EnumStorage {
  const { min, max } = enumRange(values);
  const signed = min < 0n;
  const fits4 = signed ? min >= -(2n ** 31n) && max < 2n ** 31n : max < 2n ** 32n;
  const fits8 = signed ? min >= -(2n ** 63n) && max < 2n ** 63n : max < 2n ** 64n;
  if (!fits8) throw new RangeError('cenum: a value does not fit in 64 bits (gcc refuses it too)');
  const size = fits4 ? 4 : 8;
  return { name: `${signed ? 'i' : 'u'}${size * 8}`, size, align: size, signed, bigint };
}
