/**
 * What a struct field is, as recorded by the field decorators. Decorators only record
 * (name, type, order); `@struct` and the layout turn the records into offsets later, lazily, so
 * a struct may point to (or embed) a struct declared further down the file.
 */
import { SCALARS, type ScalarInfo, type ScalarName } from './cTypes';
import { quotedName } from '../../engine/lmmHeap';

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

/**
 * The field type each decorator function declares, so `@array(u32, 4)` can read it back. Kept
 * here, not on the function: a harness could otherwise read a type off one decorator, or tag a
 * function of its own with a forged one (a u64 of size 1), and have views write past their block.
 */
const declaredTypes = new WeakMap<object, FieldType>();
/**
 * The field records and field attributes of each class's decorator metadata. The metadata object
 * is the harness's own: records kept on it could be read and rewritten before `@struct` lays the
 * class out, so they are kept here, where only the decorators reach them.
 */
const fieldLists = new WeakMap<object, FieldRecord[]>();
const attributeMaps = new WeakMap<object, Map<string, FieldAttributes>>();
/** How far up a metadata object's prototype chain the inherited fields are looked for. */
const MAX_METADATA_DEPTH = 1000;

type FieldDecorator = (value: undefined, context: ClassFieldDecoratorContext) => void;

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
    const record: FieldRecord = Object.freeze({ name: fieldName(context.name), type, alignAttr: 0, packed: false });
    const metadata = metadataOf(context);
    if (metadata) ownFieldList(metadata).push(record);
    else pendingFields.push(record);
  };
  declaredTypes.set(decorator, deepFreeze(type));
  return decorator;
}

/**
 * Characters a field name may not hold: controls (a newline, a terminal escape), format characters
 * (a right-to-left override) and line separators. The name goes into every message about its
 * field; raw, it could write lines of its own (a forged LEAK SUMMARY) or rewrite the terminal.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function fieldName(given: string | symbol): string {
  const name = String(given);
  if (INVISIBLE.test(name)) {
    throw new TypeError(`field ${quotedName(name)}: a struct field's name is one line of visible characters`);
  }
  // v[0] … and v[-1] are the view's units (a C name never starts with a digit or a minus).
  if (/^(-?[1-9][0-9]*|0)$/.test(name)) {
    throw new TypeError(`field '${name}': a name that is a number is no C field name (v[${name}] is a unit of the view)`);
  }
  return name;
}

/** A field decorator that adds an attribute (`@aligned(N)`, `@packed`) to the field's type. */
export function attributeDecorator(attributes: FieldAttributes, what: string): FieldDecorator {
  return (_value, context) => {
    if (context === null || typeof context !== 'object' || context.kind !== 'field') {
      throw new TypeError(`${what} goes on a class field (or on the class, as an option of @struct)`);
    }
    const name = String(context.name);
    const metadata = metadataOf(context);
    let all: Map<string, FieldAttributes>;
    if (metadata) {
      all = attributeMaps.get(metadata) ?? new Map<string, FieldAttributes>();
      attributeMaps.set(metadata, all);
    } else all = pendingAttributes;
    all.set(name, { ...all.get(name), ...attributes });
  };
}

/** The field records collected for the class being decorated (and its base classes, first). */
export function takeFieldRecords(given: unknown): FieldRecord[] {
  let fields: FieldRecord[];
  let attributes: Map<string, FieldAttributes> | undefined;
  const metadata = typeof given === 'object' && given !== null ? given : undefined;
  if (metadata) {
    fields = ownFieldList(metadata).map((f) => ({ ...f }));
    attributes = attributeMaps.get(metadata);
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

function ownFieldList(metadata: object): FieldRecord[] {
  const own = fieldLists.get(metadata);
  if (own) return own;
  // Metadata objects inherit from the base class's: start from a copy so the base stays intact.
  const started = [...inheritedFields(metadata)];
  fieldLists.set(metadata, started);
  return started;
}

function inheritedFields(metadata: object): readonly FieldRecord[] {
  let base: unknown = metadata;
  for (let depth = 0; depth < MAX_METADATA_DEPTH; depth++) {
    base = Object.getPrototypeOf(base);
    if (typeof base !== 'object' || base === null) return [];
    const fields = fieldLists.get(base);
    if (fields) return fields;
  }
  return [];
}

function metadataOf(context: ClassFieldDecoratorContext): object | undefined {
  const metadata: unknown = context.metadata;
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
}

/** Freezes a field type and what it holds (scalar infos, element types), so no one can change it later. */
function deepFreeze<T>(value: T): T {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if (Object.isFrozen(value)) return value;
    Object.freeze(value);
    for (const key of Reflect.ownKeys(value)) {
      const inner = (value as Record<PropertyKey, unknown>)[key];
      // A struct thunk is the harness's function: freezing it is not ours to do.
      if (typeof inner === 'object') deepFreeze(inner);
    }
  }
  return value;
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
    const tagged = declaredTypes.get(token);
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
