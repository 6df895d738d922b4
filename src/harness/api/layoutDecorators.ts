/**
 * The decorators that say how C lays a struct out: `@struct` / `@union` (each also with options,
 * `@struct({ packed: true, aligned: 16 })`, `@struct({ pack: 2 })` for a `#pragma pack(2)`), `@aligned(N)` and `@packed` on a field, bit-fields
 * (`@bits(u32, 3)`) and enums of any width (`@cenum({ RED: 0, BIG: 2 ** 40 })`).
 */
import { SCALARS } from './cTypes';
import {
  attributeDecorator,
  elementType,
  fieldDecorator,
  takeFieldRecords,
  type FieldType,
  type IntegerInfo,
  type StructClass,
} from './fieldTypes';
import { enumStorage } from '../../analysis/cLayout';
import { aliasStruct, declareStruct, type RecordOptions, type StructInfo } from './structLayout';
import { viewState } from '../runtime/structViews';

interface RecordDecoratorOptions {
  packed?: unknown;
  aligned?: unknown;
  pack?: unknown;
}

/** Gives the class the harness keeps in place of the one decorated (see refusingNew). */
type ClassDecorator = (cls: StructClass, context: ClassDecoratorContext) => StructClass;

function isClassContext(value: unknown): value is ClassDecoratorContext {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'class';
}

/** A power of two from 1 to 2^28 (gcc's limit for `aligned`). */
function checkedAlignment(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2 ** 28 || (value & (value - 1)) !== 0) {
    throw new RangeError(`${where} must be a power of two (1, 2, 4, 8, 16 …), not ${String(value)}`);
  }
  return value;
}

/** `#pragma pack(N)`'s N: gcc takes 1, 2, 4, 8 and 16. */
function checkedPack(value: unknown, where: string): number {
  if (value !== 1 && value !== 2 && value !== 4 && value !== 8 && value !== 16) {
    throw new RangeError(`${where} is #pragma pack(N)'s N: 1, 2, 4, 8 or 16, not ${String(value)}`);
  }
  return value;
}

function recordDecorator(kind: 'struct' | 'union'): (first: unknown, context?: unknown) => ClassDecorator | StructClass {
  const declare = (cls: StructClass, context: ClassDecoratorContext, options: RecordOptions) => {
    const name = context.name ?? cls.name;
    if (!name) throw new TypeError(`@${kind} needs a named class (its name is the ${kind} name)`);
    const info = declareStruct(cls, name, takeFieldRecords(context.metadata), options);
    return refusingNew(cls, info, kind);
  };
  return (first, context) => {
    if (isClassContext(context)) return declare(first as StructClass, context, { kind, packed: false, alignAttr: 0 });
    if (context !== undefined || typeof first !== 'object' || first === null) {
      throw new TypeError(`@${kind} goes on a class, as @${kind} or @${kind}({ packed: true, aligned: 8 })`);
    }
    const given = first as RecordDecoratorOptions;
    for (const key of Object.keys(given)) {
      if (key !== 'packed' && key !== 'aligned' && key !== 'pack')
        throw new TypeError(`@${kind}(options): unknown option '${key}' (packed, aligned, pack)`);
    }
    if (given.packed !== undefined && typeof given.packed !== 'boolean') {
      throw new TypeError(`@${kind}({ packed }) takes true or false, not ${String(given.packed)}`);
    }
    const options: RecordOptions = {
      kind,
      packed: given.packed === true,
      alignAttr: given.aligned === undefined ? 0 : checkedAlignment(given.aligned, `@${kind}({ aligned })`),
      ...(given.pack === undefined ? {} : { pack: checkedPack(given.pack, `@${kind}({ pack })`) }),
    };
    return (cls, ctx) => {
      if (!isClassContext(ctx)) throw new TypeError(`@${kind}(options) goes on a class`);
      return declare(cls, ctx, options);
    };
  };
}

/**
 * The class a declaration leaves in the harness: the class itself (its statics, its name, its
 * struct), except that `new` is an error and `instanceof` tells the struct's views. A struct's bytes are in the heap, made by XCALLOC;
 * `new node_t()` made a plain object with none, whose fields no decorator typed, which no pointer
 * field took and XFREE refused, so a harness porting `struct node n;` met the error far away.
 */
function refusingNew(cls: StructClass, info: StructInfo, kind: 'struct' | 'union'): StructClass {
  const name = info.name;
  // `p instanceof node_t` asks what a C type would: is p a view of this struct (views are no instances of the class).
  const hasInstance = (value: unknown) => viewState(value)?.info === info;
  const kept = new Proxy(cls, {
    construct() {
      throw new TypeError(`new ${name}(): a ${kind} lives in the heap: allocate it with XCALLOC(1, ${name})`);
    },
    get(target, key, receiver) {
      return key === Symbol.hasInstance ? hasInstance : Reflect.get(target, key, receiver);
    },
  });
  aliasStruct(kept, info);
  return kept;
}

/** The integer a bit-field is stored in: an integer scalar decorator or an enum type. */
function bitFieldStorage(token: unknown): IntegerInfo {
  let type: FieldType | undefined;
  try {
    type = elementType(token);
  } catch {
    type = undefined;
  }
  if (type?.kind === 'enum') return type.int;
  if (type?.kind === 'scalar' && !type.scalar.float) return type.scalar;
  throw new TypeError('bits(type, width): the type must be an integer type (u8 … u64, i8 … i64, i128, u128) or a cenum');
}

export function layoutDecorators(): Record<string, unknown> {
  return {
    struct: recordDecorator('struct'),
    union: recordDecorator('union'),
    aligned: (n: unknown) => attributeDecorator({ alignAttr: checkedAlignment(n, '@aligned(N)') }, '@aligned(N)'),
    packed: attributeDecorator({ packed: true }, '@packed'),
    bits: (token: unknown, width: unknown) => {
      const int = bitFieldStorage(token);
      if (typeof width !== 'number' || !Number.isInteger(width) || width < 0 || width > int.size * 8) {
        throw new RangeError(
          `bits(${int.name}, width): width must be an integer from 0 (a zero-width bit-field) to ${int.size * 8}, not ${String(width)}`,
        );
      }
      return fieldDecorator({ kind: 'bits', int, width });
    },
    cenum: (values: unknown) => {
      if (typeof values !== 'object' || values === null)
        throw new TypeError('cenum({ NAME: value, … }) takes an object of enumerators');
      const list = Object.values(values as Record<string, unknown>);
      for (const [name, v] of Object.entries(values as Record<string, unknown>)) {
        const ok = typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
        if (!ok) throw new TypeError(`cenum: ${name} must be an integer (a number up to 2^53, or a bigint), not ${String(v)}`);
      }
      const int = enumStorage(
        list as (number | bigint)[],
        list.some((v) => typeof v === 'bigint'),
      );
      return fieldDecorator({ kind: 'enum', int });
    },
    i128: fieldDecorator({ kind: 'scalar', scalar: SCALARS.i128 }),
    u128: fieldDecorator({ kind: 'scalar', scalar: SCALARS.u128 }),
    f80: fieldDecorator({ kind: 'scalar', scalar: SCALARS.f80 }),
  };
}
