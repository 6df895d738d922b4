/**
 * Struct registry and C layout (x86-64 System V, as gcc makes it: `placeMembers`): fields in
 * declaration order, each at the next multiple of its alignment; the struct's alignment is its
 * largest field's, and its size is rounded up to it; unions, bit-fields, `packed` and
 * `aligned(N)` as the compiler lays them out. Layouts are computed on first use, so declaration
 * order of classes is free.
 */
import type { FieldLayout, Site, StructLayout } from '../../analysis/analysisInput';
import { placeMembers, type MemberSpec, type RecordSpec } from '../../analysis/cLayout';
import { MAX_PAGE_SIZE } from '../../engine/constants';
import { POINTER_SIZE } from './cTypes';
import type { FieldRecord, FieldType, StructClass } from './fieldTypes';

export interface ResolvedField extends FieldLayout {
  fieldType: FieldType;
  /** A bit-field's first bit, counted from the struct's start (its bytes are offset .. offset + size). */
  bitOffset?: number;
}

/** `@union`, `@struct({ packed: true })`, `@struct({ aligned: 16 })`. */
export type RecordOptions = RecordSpec;
export const PLAIN_STRUCT: RecordOptions = Object.freeze({ kind: 'struct', packed: false, alignAttr: 0 });

export interface ResolvedLayout {
  size: number;
  align: number;
  fields: ResolvedField[];
  /** Offsets of every pointer in one unit, nested structs and arrays flattened. */
  pointerOffsets: number[];
}

export interface StructInfo {
  readonly cls: StructClass;
  /** The decorator context's class name (bundlers may rename the class itself). */
  readonly name: string;
  readonly fields: FieldRecord[];
  readonly options: RecordOptions;
  site?: Site;
  layout: ResolvedLayout | null;
  computing: boolean;
}

const structs = new WeakMap<object, StructInfo>();
/** Every struct in declaration order (for reports). */
export const declaredStructs: StructInfo[] = [];

export function declareStruct(
  cls: StructClass,
  name: string,
  fields: FieldRecord[],
  options: RecordOptions = PLAIN_STRUCT,
): StructInfo {
  const info: StructInfo = { cls, name, fields, options, layout: null, computing: false };
  structs.set(cls, info);
  declaredStructs.push(info);
  return info;
}

/**
 * The built-in family of open-size buffers (`XCALLOC_BUF(bytes)`, the engine's `xcalloc_buf`):
 * units of 1 byte, opaque (no fields, so no pointers for the leak check to follow). A struct
 * info like any other, so views, pointer fields (`@ptr(buf)`) and roots take buffers unchanged;
 * not in `declaredStructs`, because reports and hints list the harness's own structs.
 */
export class buf {}
export const BUF_STRUCT: StructInfo = {
  cls: buf,
  name: 'buf',
  fields: [],
  options: PLAIN_STRUCT,
  layout: { size: 1, align: 1, fields: [], pointerOffsets: [] },
  computing: false,
};
structs.set(buf, BUF_STRUCT);

/** Makes `alias` (the class a declaration leaves in the harness, see layoutDecorators.ts) the struct of `info` too. */
export function aliasStruct(alias: object, info: StructInfo): void {
  structs.set(alias, info);
}

/** The struct info of a `@struct` class, or undefined for anything else. */
export function structInfo(value: unknown): StructInfo | undefined {
  return typeof value === 'function' ? structs.get(value) : undefined;
}

/**
 * What each type thunk first resolved to. A thunk is the harness's function and is called more
 * than once (by the layout, by each view's accessors): one answering a small struct to the layout
 * and a larger one to a view would have that view write past its block. Its first answer holds.
 */
const resolvedThunks = new WeakMap<object, StructInfo>();

export function resolveTarget(thunk: () => StructClass, context: string): StructInfo {
  const resolved = typeof thunk === 'function' ? resolvedThunks.get(thunk) : undefined;
  if (resolved) return resolved;
  let cls: unknown;
  try {
    cls = thunk();
  } catch (error) {
    throw new TypeError(`${context}: its type thunk failed: ${(error as Error).message}`, { cause: error });
  }
  const info = structInfo(cls);
  if (!info) throw new TypeError(`${context}: ${describeValue(cls)} is not a @struct class`);
  resolvedThunks.set(thunk, info);
  return info;
}

function describeValue(value: unknown): string {
  if (typeof value === 'function') return `class ${value.name || '(anonymous)'}`;
  return String(value);
}

export function layoutOf(info: StructInfo): ResolvedLayout {
  if (info.layout) return info.layout;
  if (info.computing) throw new TypeError(`struct ${info.name} embeds itself (use ptr(() => ${info.name}) for a link)`);
  info.computing = true;
  try {
    const shapes = info.fields.map((record) => typeShape(record.type, `${info.name}.${record.name}`));
    const specs: MemberSpec[] = info.fields.map((record, k) => ({
      size: shapes[k]!.size,
      align: shapes[k]!.align,
      bits: record.type.kind === 'bits' ? record.type.width : null,
      // A zero-width bit-field is always unnamed in C: it gives the record no alignment.
      named: record.type.kind !== 'bits' || record.type.width > 0,
      alignAttr: record.alignAttr,
      packed: record.packed,
    }));
    const placed = placeMembers(info.options, specs);
    const fields: ResolvedField[] = [];
    const pointerOffsets: number[] = [];
    info.fields.forEach((record, k) => {
      const shape = shapes[k]!;
      const bit = placed.bitOffsets[k]!;
      const offset = Math.floor(bit / 8);
      const isBits = record.type.kind === 'bits';
      const size = isBits ? Math.ceil((bit + specs[k]!.bits!) / 8) - offset : shape.size;
      const field: ResolvedField = {
        name: record.name,
        type: shape.text,
        offset,
        size,
        align: shape.align,
        fieldType: record.type,
      };
      if (isBits) field.bitOffset = bit;
      fields.push(field);
      for (const p of shape.pointers) pointerOffsets.push(offset + p);
    });
    // A union's overlapping pointers are all candidates, as a conservative scan would see them.
    pointerOffsets.sort((a, b) => a - b);
    info.layout = { size: placed.size, align: placed.align, fields, pointerOffsets: [...new Set(pointerOffsets)] };
    return info.layout;
  } finally {
    info.computing = false;
  }
}

interface TypeShape {
  size: number;
  align: number;
  text: string;
  pointers: number[];
}

function typeShape(type: FieldType, context: string): TypeShape {
  switch (type.kind) {
    case 'scalar':
      return { size: type.scalar.size, align: type.scalar.align, text: type.scalar.name, pointers: [] };
    case 'bits':
      return { size: type.int.size, align: type.int.align, text: `${type.int.name}:${type.width}`, pointers: [] };
    case 'enum':
      return { size: type.int.size, align: type.int.align, text: type.int.name, pointers: [] };
    case 'char':
      return { size: type.length, align: 1, text: `char[${type.length}]`, pointers: [] };
    case 'ptr': {
      let target = 'void';
      try {
        target = resolveTarget(type.target, context).name;
      } catch {
        // A pointer's size does not depend on its target: name it when it resolves, else void *.
      }
      return { size: POINTER_SIZE, align: POINTER_SIZE, text: `${target} *`, pointers: [0] };
    }
    case 'struct': {
      const target = resolveTarget(type.target, context);
      const layout = layoutOf(target);
      return { size: layout.size, align: layout.align, text: target.name, pointers: layout.pointerOffsets };
    }
    case 'array': {
      const element = typeShape(type.element, context);
      const pointers: number[] = [];
      // A struct larger than the largest page is never allocated, so its pointers are never
      // scanned: listing them one element at a time for `@array(u8, 2 ** 53)` would not end.
      if (element.pointers.length > 0 && element.size * type.length <= MAX_PAGE_SIZE)
        for (let i = 0; i < type.length; i++) for (const p of element.pointers) pointers.push(i * element.size + p);
      // Outer length last ("char[8][3]": 3 strings of 8), the way the analyses parse it back.
      const text = `${element.text}[${type.length}]`;
      return { size: element.size * type.length, align: element.align, text, pointers };
    }
  }
}

/**
 * The fields a view shows for one unit of `info`: each field, and after a nested struct its own
 * fields as `outer.inner` at their offsets in the unit (to any depth), so a block's field view
 * can show every value the program stored, not the nested struct's bytes only.
 */
export function shownFields(info: StructInfo): { name: string; type: string; offset: number; size: number }[] {
  const out: { name: string; type: string; offset: number; size: number }[] = [];
  const visit = (layout: ResolvedLayout, prefix: string, base: number) => {
    for (const field of layout.fields) {
      const name = `${prefix}${field.name}`;
      out.push({ name, type: field.type, offset: base + field.offset, size: field.size });
      if (field.fieldType.kind === 'struct') {
        const inner = layoutOf(resolveTarget(field.fieldType.target, `${info.name}.${name}`));
        visit(inner, `${name}.`, base + field.offset);
      }
    }
  };
  visit(layoutOf(info), '', 0);
  return out;
}

/** The contract's StructLayout (for the analyses and hovers). */
export function structLayout(info: StructInfo): StructLayout {
  const layout = layoutOf(info);
  const result: StructLayout = {
    name: info.name,
    size: layout.size,
    align: layout.align,
    fields: layout.fields.map(({ name, type, offset, size, align }) => ({ name, type, offset, size, align })),
    pointerOffsets: layout.pointerOffsets,
  };
  if (info.site) result.site = info.site;
  return result;
}
