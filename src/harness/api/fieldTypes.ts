/**
 * What a struct field is, as recorded by the field decorators. Decorators only record
 * (name, type, order); `@struct` and the layout turn the records into offsets later, lazily, so
 * a struct may point to (or embed) a struct declared further down the file.
 */
import { SCALARS, type ScalarInfo, type ScalarName } from './cTypes';

/** A class decorated with `@struct` (its constructor never runs: views are made without it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StructClass = abstract new (...args: any[]) => object;

/** The integer a bit-field or an enum is stored as (a scalar, or the width gcc picks for an enum). */
export interface IntegerInfo {
  /** How a layout names it: 'u32', 'enum color'. */
  name: string;
  size: number;
  align: number;
  signed: boolean;
  bigint: boolean;
}

export type FieldType =
  | { kind: 'scalar'; scalar: ScalarInfo }
  /** `unsigned flags : 3`: `width` bits of `int`'s storage, placed as gcc places them. */
  | { kind: 'bits'; int: IntegerInfo; width: number }
  /** A C enum: 4 bytes, or 8 when its values do not fit in 32 bits; signed when one is negative. */
  | { kind: 'enum'; int: IntegerInfo }
  | { kind: 'char'; length: number }
  | { kind: 'ptr'; target: () => StructClass }
  | { kind: 'struct'; target: () => StructClass }
  | { kind: 'array'; element: FieldType; length: number };

export interface FieldRecord {
  name: string;
  type: FieldType;
  /** `@aligned(N)` on the field (0 when none). */
  alignAttr: number;
  /** `@packed` on the field. */
  packed: boolean;
}

/** What `@aligned(N)` / `@packed` add to a field, whichever side of its type decorator they stand. */
export interface FieldAttributes {
  alignAttr?: number;
  packed?: boolean;
}

/** Marks a decorator function with the field type it declares, so `@array(u32, 4)` can read it back. */
const FIELD_TYPE = Symbol('lmm.fieldType');
/** Where the field records of a class live in its decorator metadata. */
const FIELDS = Symbol('lmm.fields');
/** Where the field attributes (`@aligned`, `@packed`) of a class live in its decorator metadata. */
const ATTRIBUTES = Symbol('lmm.fieldAttributes');

type FieldDecorator = ((value: undefined, context: ClassFieldDecoratorContext) => void) & { [FIELD_TYPE]?: FieldType };

/** Field records of decorators that ran without metadata support, waiting for their `@struct`. */
let pendingFields: FieldRecord[] = [];
let pendingAttributes = new Map<string, FieldAttributes>();

export function fieldDecorator(type: FieldType): FieldDecorator {
  const decorator: FieldDecorator = (_value, context) => {
    if (context === null || typeof context !== 'object' || context.kind !== 'field') {
      throw new TypeError(`a C field type decorator (${describeType(type)}) goes on a class field`);
    }
    if (context.static) throw new TypeError(`static field ${String(context.name)} cannot be a struct field`);
    if (context.private) throw new TypeError(`private field ${String(context.name)} cannot be a struct field`);
    const record: FieldRecord = { name: String(context.name), type, alignAttr: 0, packed: false };
    const metadata = context.metadata as Record<symbol, unknown> | undefined;
    if (metadata) ownFieldList(metadata).push(record);
    else pendingFields.push(record);
  };
  decorator[FIELD_TYPE] = type;
  return decorator;
}

/** A field decorator that adds an attribute (`@aligned(N)`, `@packed`) to the field's type. */
export function attributeDecorator(attributes: FieldAttributes, what: string): FieldDecorator {
  return (_value, context) => {
    if (context === null || typeof context !== 'object' || context.kind !== 'field') {
      throw new TypeError(`${what} goes on a class field (or on the class, as an option of @struct)`);
    }
    const name = String(context.name);
    const metadata = context.metadata as Record<symbol, unknown> | undefined;
    let all: Map<string, FieldAttributes>;
    if (metadata) {
      if (!Object.prototype.hasOwnProperty.call(metadata, ATTRIBUTES)) metadata[ATTRIBUTES] = new Map();
      all = metadata[ATTRIBUTES] as Map<string, FieldAttributes>;
    } else all = pendingAttributes;
    all.set(name, { ...all.get(name), ...attributes });
  };
}

/** The field records collected for the class being decorated (and its base classes, first). */
export function takeFieldRecords(metadata: Record<symbol, unknown> | undefined): FieldRecord[] {
  let fields: FieldRecord[];
  let attributes: Map<string, FieldAttributes> | undefined;
  if (metadata) {
    fields = ownFieldList(metadata).map((f) => ({ ...f }));
    if (Object.prototype.hasOwnProperty.call(metadata, ATTRIBUTES))
      attributes = metadata[ATTRIBUTES] as Map<string, FieldAttributes>;
  } else {
    fields = pendingFields;
    attributes = pendingAttributes;
    pendingFields = [];
    pendingAttributes = new Map();
  }
  for (const [name, attribute] of attributes ?? []) {
    const field = fields.find((f) => f.name === name);
    if (field === undefined) throw new TypeError(`field ${name} has @aligned or @packed but no C type decorator`);
    if (attribute.alignAttr !== undefined) field.alignAttr = attribute.alignAttr;
    if (attribute.packed !== undefined) field.packed = attribute.packed;
  }
  return fields;
}

function ownFieldList(metadata: Record<symbol, unknown>): FieldRecord[] {
  if (Object.prototype.hasOwnProperty.call(metadata, FIELDS)) return metadata[FIELDS] as FieldRecord[];
  // Metadata objects inherit from the base class's: start from a copy so the base stays intact.
  const inherited = metadata[FIELDS] as FieldRecord[] | undefined;
  const own = inherited ? [...inherited] : [];
  metadata[FIELDS] = own;
  return own;
}

export function scalarDecorator(name: ScalarName): FieldDecorator {
  return fieldDecorator({ kind: 'scalar', scalar: SCALARS[name] });
}

/**
 * The field type an `@array` element token stands for: a scalar or `char(n)` / `ptr(...)`
 * decorator, or a thunk returning a struct class.
 */
export function elementType(token: unknown): FieldType {
  if (typeof token === 'function') {
    const tagged = (token as FieldDecorator)[FIELD_TYPE];
    if (tagged) return tagged;
    return { kind: 'struct', target: token as () => StructClass };
  }
  throw new TypeError('array element type must be a C type (u32, char(8), ptr(() => T)) or a thunk () => StructClass');
}

export function describeType(type: FieldType): string {
  switch (type.kind) {
    case 'scalar':
      return type.scalar.name;
    case 'bits':
      return `${type.int.name}:${type.width}`;
    case 'enum':
      return type.int.name;
    case 'char':
      return `char[${type.length}]`;
    case 'ptr':
      return 'pointer';
    case 'struct':
      return 'struct';
    case 'array':
      return `${describeType(type.element)}[${type.length}]`;
  }
}
