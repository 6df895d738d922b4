/**
 * A value assigned to a number field (a C arithmetic type), as C's assignment takes it. C
 * converts any arithmetic value (a wider integer is cut to the field's bits: `5n` into a `u32` is
 * 5), but refuses a pointer or a string (gcc: "makes integer from pointer without a cast"), which
 * JavaScript would quietly turn into NaN, stored as 0: a view or a string (a harness run from the
 * command line is not type-checked) is a TypeError naming the field instead. An object is made
 * primitive first (see primitiveValue.ts), so `{ valueOf() { return 3 } }` still stores 3.
 */
import type { FieldType } from '../api/fieldTypes';
import { primitiveOf } from './primitiveValue';
import { viewState } from './structViews';

/** The value to store in the number field `where` of `type`, for a value that is no number. */
export function numericValue(value: unknown, type: FieldType, where: string): unknown {
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    const view = viewState(value);
    if (view !== undefined) {
      throw new TypeError(`${where} is a number, and ${view.info.name} is a pointer: store addressOf(p) for its address`);
    }
    value = primitiveOf(value, 'number');
    if (typeof value === 'string') throw new TypeError(`${where} is a number, not an object whose value is no number`);
  }
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    throw new TypeError(`${where} is a number, not the string '${shown}' (Number(s) converts one)`);
  }
  if (typeof value === 'bigint' && type.kind === 'scalar' && !type.scalar.bigint) return numberOfBigInt(value, type.scalar.name);
  return value;
}

/** A bigint as the DataView setter of `scalar` takes it: a float's nearest value, an integer's low 32 bits. */
function numberOfBigInt(value: bigint, scalar: string): number {
  if (scalar === 'f32' || scalar === 'f64' || scalar === 'f80') return Number(value);
  return Number(BigInt.asUintN(32, value));
}
