/**
 * Enumerators' values and types as gcc gives them (C11 6.7.2.2 with gcc's extension past int):
 * exact at any 64-bit value (perf_event.h's `PERF_MEM_... = 1ULL << 63`, `~0ULL`).
 */
import { convert, int, LONG, UNSIGNED_INT, UNSIGNED_LONG, type CInteger, type CIntegerType } from './cIntegers';

const fitsInt = (value: bigint) => value >= -(2n ** 31n) && value < 2n ** 31n;

/**
 * An enumerator's type while its enum is read: int when its value fits one, else its expression's
 * type (`P_A = 1ULL << 40` is unsigned long, so `~P_A` in the next one is unsigned too).
 */
export function enumeratorType(expression: CInteger): CInteger {
  return fitsInt(expression.value) ? int(expression.value) : expression;
}

/**
 * The enumerator after `previous` (no initializer): one more, in its type; null where that wraps
 * (after INT_MAX, or 2^64 - 1), which gcc refuses as "overflow in enumeration values".
 */
export function nextEnumerator(previous: CInteger): CInteger | null {
  const next = convert(previous.value + 1n, previous.type);
  return next.value === previous.value + 1n ? enumeratorType(next) : null;
}

/**
 * The type of a complete enum as gcc chooses it (without packed or -fshort-enums): unsigned int
 * when no value is negative and all fit 32 bits, int when all fit int, else long or unsigned long.
 * After the enum, an enumerator that does not fit int has this type (gcc's finish_enum):
 * `enum { K = 0x80000000, L = -1 }` makes K a long.
 */
export function enumType(values: readonly bigint[]): CIntegerType {
  let min = 0n;
  let max = 0n;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min >= 0n) return max < 2n ** 32n ? UNSIGNED_INT : UNSIGNED_LONG;
  return min >= -(2n ** 31n) && max < 2n ** 31n ? int(0n).type : LONG;
}
