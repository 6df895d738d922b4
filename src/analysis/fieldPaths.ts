/**
 * Names the field at a byte offset of a block, for root paths and hovers: `next`,
 * `items[2].next`, or `[3].left` in unit 3 of a multi-unit block. Only used when a report is
 * written, never on the leak check's hot path.
 */
import type { FieldLayout, StructLayout } from './analysisInput';

const ARRAY_TYPE = /^(.*?)\s*\[(\d+)\]$/;

/** The field path at `offset` bytes into a block of `units` × `layout`. */
export function fieldPathAt(structs: ReadonlyMap<string, StructLayout>, layout: StructLayout, offset: number, units = 1): string {
  if (layout.size <= 0) return `+${offset}`;
  const unit = Math.floor(offset / layout.size);
  const inner = pathInStruct(structs, layout, offset - unit * layout.size, 0);
  const prefix = units > 1 || unit > 0 ? `[${unit}]` : '';
  return prefix + (prefix !== '' && inner !== '' && !inner.startsWith('[') ? '.' : '') + inner;
}

function pathInStruct(structs: ReadonlyMap<string, StructLayout>, layout: StructLayout, offset: number, depth: number): string {
  const field = fieldAt(layout.fields, offset);
  if (field === undefined) return `+${offset}`;
  return field.name + pathInType(structs, field.type, field.size, offset - field.offset, depth);
}

function pathInType(
  structs: ReadonlyMap<string, StructLayout>,
  type: string,
  size: number,
  offset: number,
  depth: number,
): string {
  if (depth > 16) return '';
  const array = ARRAY_TYPE.exec(type);
  if (array !== null) {
    const length = Number(array[2]);
    const elementSize = length > 0 ? size / length : size;
    if (elementSize <= 0) return '';
    const i = Math.floor(offset / elementSize);
    return `[${i}]` + pathInType(structs, array[1]!, elementSize, offset - i * elementSize, depth + 1);
  }
  const nested = structs.get(type.trim());
  if (nested !== undefined && offset < nested.size) {
    return '.' + pathInStruct(structs, nested, offset, depth + 1);
  }
  return offset === 0 ? '' : `+${offset}`;
}

function fieldAt(fields: readonly FieldLayout[], offset: number): FieldLayout | undefined {
  for (const f of fields) if (offset >= f.offset && offset < f.offset + Math.max(f.size, 1)) return f;
  return undefined;
}
