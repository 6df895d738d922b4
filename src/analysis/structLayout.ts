/**
 * The x86-64 System V C layout of a struct: fields in declaration order, each at the next offset
 * that is a multiple of its alignment, the size rounded up to the largest alignment. Shared by
 * the padding hint (what a reordering would give), `lmm import-c` and tests.
 */
import type { FieldLayout, StructLayout } from './analysisInput';

export interface FieldSpec {
  name: string;
  /** C-like type text, as in FieldLayout ('u32', 'char[32]', 'node_t *', 'point_t[3]'). */
  type: string;
  size: number;
  align: number;
  /** Offsets of pointers inside the field (a `ptr` field: [0]; a nested struct: its own). */
  pointerOffsets?: readonly number[];
}

/** Scalar types of the harness language: size = alignment. */
export const SCALAR_SIZES: Readonly<Record<string, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  u64: 8,
  i64: 8,
  f64: 8,
  ptr: 8,
};

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
  for (let i = 0; i < count; i++) for (const p of element.pointerOffsets ?? []) pointerOffsets.push(i * element.size + p);
  return { name, type: `${elementType}[${count}]`, size: element.size * count, align: element.align, pointerOffsets };
}

/** A field spec that embeds a laid-out struct. */
export function structSpec(name: string, layout: StructLayout): FieldSpec {
  return { name, type: layout.name, size: layout.size, align: layout.align, pointerOffsets: layout.pointerOffsets };
}

/** Bytes of padding in a layout (between fields and at the end). */
export function paddingBytes(layout: StructLayout): number {
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
  const order = layout.fields
    .map((f, i) => ({ f, i }))
    .sort((a, b) => b.f.align - a.f.align || a.i - b.i)
    .map(({ f }) => f);
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
