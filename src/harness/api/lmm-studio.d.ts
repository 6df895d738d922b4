/// <reference lib="esnext.disposable" />
/**
 * Type declarations of the `lmm-studio` module, for harnesses (`*.lmm.ts`) in the editor.
 * The runtime is provided by LMM Studio when it runs a harness; these declarations only make
 * the editor understand it (completion, no red squiggles under `strict`). They also check the
 * decorators against the field types: `@u32 name!: string` is an error.
 *
 * A module file (not an ambient `declare module`): resolve `lmm-studio` to it with a tsconfig
 * `paths` entry or a TypeScript server plugin.
 */

declare const cTypeValue: unique symbol;

/** A C field type; also the decorator declaring a field of that type. */
export interface CType<V> {
  (value: undefined, context: ClassFieldDecoratorContext<any, V>): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The JavaScript type a field of this C type reads and writes (type-level only). */
  readonly [cTypeValue]: V;
}

/** A class decorated with `@struct`. */
export type StructClass<T extends object = object> = abstract new (...args: any[]) => T; // eslint-disable-line @typescript-eslint/no-explicit-any

/** An array field (`@array(u32, 4)`): a live view of the block's bytes with `.length`. */
export interface CArray<E> extends Iterable<E> {
  readonly length: number;
  [index: number]: E;
}

/**
 * What XCALLOC returns: a view of the block typed as the struct (fields read and write the
 * block's bytes), and `v[i]` for the i-th unit of a block of several: C's `v + i`, itself a
 * pointer into the block (`v[2][1]` is `v[3]`).
 */
export type Block<T extends object> = T & BlockUnits<T>;
/** The units of a block, from a view: `v[i]` (an interface, so that a unit is a `Block` too). */
export interface BlockUnits<T extends object> {
  readonly [index: number]: Block<T>;
}

/** How a struct or union is laid out besides its fields: gcc's `packed` and `aligned(N)` attributes. */
export interface RecordLayoutOptions {
  /** `__attribute__((packed))`: every field at alignment 1, bit-fields run on bit by bit. */
  packed?: boolean;
  /** `__attribute__((aligned(N)))`: the struct's alignment is at least N (a power of two). */
  aligned?: number;
  /**
   * `#pragma pack(N)` in effect where the struct is defined (1, 2, 4, 8 or 16): no field is
   * aligned to more than N (its `@aligned` included), and bit-fields run on bit by bit.
   */
  pack?: 1 | 2 | 4 | 8 | 16;
}

/** A class decorator (`@struct`, `@union`, and their forms with options). */
export type RecordDecorator = <C extends StructClass>(value: C, context: ClassDecoratorContext<C>) => void;

/** Lays the class out as a C struct (x86-64 ABI: declaration order, natural alignment, padding). */
export declare function struct<C extends StructClass>(value: C, context: ClassDecoratorContext<C>): void;
/** `@struct({ packed: true })`, `@struct({ aligned: 16 })`, `@struct({ pack: 2 })`: a struct with gcc's layout attributes or pragma. */
export declare function struct(options: RecordLayoutOptions): RecordDecorator;

/** Lays the class out as a C union: every field at offset 0, the size of the largest, rounded up to the alignment. */
export declare function union<C extends StructClass>(value: C, context: ClassDecoratorContext<C>): void;
/** `@union({ aligned: 16 })`, `@union({ packed: true })`. */
export declare function union(options: RecordLayoutOptions): RecordDecorator;

/** A field attribute: works on any field, before or after its type decorator. */
export type FieldAttribute = (value: undefined, context: ClassFieldDecoratorContext) => void;
/** `__attribute__((aligned(N)))` on a field: it starts at a multiple of N (also inside a packed struct). */
export declare function aligned(n: number): FieldAttribute;
/** `__attribute__((packed))` on one field: alignment 1. */
export declare const packed: FieldAttribute;

/** Unsigned and signed integers and floating point numbers; 64-bit integers are `bigint`. */
export declare const u8: CType<number>;
export declare const u16: CType<number>;
export declare const u32: CType<number>;
export declare const u64: CType<bigint>;
export declare const i8: CType<number>;
export declare const i16: CType<number>;
export declare const i32: CType<number>;
export declare const i64: CType<bigint>;
export declare const f32: CType<number>;
export declare const f64: CType<number>;
/** `__int128` and `unsigned __int128`: 16 bytes, aligned to 16, read and written as bigint. */
export declare const i128: CType<bigint>;
export declare const u128: CType<bigint>;
/** `long double` (x86-64: the x87 80-bit format in 16 bytes, aligned to 16), read and written as a number (a double). */
export declare const f80: CType<number>;

/** The integer types a bit-field can be declared with. */
export type IntegerCType = typeof u8 | typeof u16 | typeof u32 | typeof i8 | typeof i16 | typeof i32 | CEnum<number>;
export type WideIntegerCType = typeof u64 | typeof i64 | typeof i128 | typeof u128 | CEnum<bigint>;

/**
 * A bit-field (`unsigned flags : 3` is `@bits(u32, 3) flags!: number`), placed as gcc places it.
 * Reads sign-extend signed types; writes keep the low `width` bits, as C does. 64- and 128-bit
 * types read as bigint.
 */
export declare function bits(type: IntegerCType, width: number): CType<number>;
export declare function bits(type: WideIntegerCType, width: number): CType<bigint>;

declare const cEnumBrand: unique symbol;
/** A C enum type: usable as a field decorator, an `@array` element and a `bits` type. */
export interface CEnum<V> extends CType<V> {
  readonly [cEnumBrand]: true;
}
/**
 * A C enum with these enumerators: 4 bytes, or 8 when a value does not fit in 32 bits (as gcc
 * decides); signed when a value is negative. Reads as a number, or as bigint when a value is given as one.
 */
export declare function cenum(values: Readonly<Record<string, number>>): CEnum<number>;
export declare function cenum(values: Readonly<Record<string, number | bigint>>): CEnum<bigint>;

/** `char name[n]`: reads up to the NUL, writes at most n − 1 bytes and a NUL (longer strings are cut and reported). */
export declare function char(length: number): CType<string>;

/**
 * A pointer to a struct (8 bytes): reads back as a view of the block it points to, or null. It is
 * assigned a view, null, or an address (`(addressOf(b) + 4) as never`, into a block's middle). The
 * leak check follows it whatever block it holds; an address kept in an integer field is not followed.
 * Read twice it is one object while its block lives (`a.next === b` is C's `a->next == b`); a
 * pointer to a freed block reads as a new object each time: compare it by `addressOf`.
 */
export declare function ptr<T extends object>(target: () => StructClass<T>): CType<T | null>;
/** A pointer to a buffer (`char *` to an `XCALLOC_BUF` block): `@ptr(buf) name!: Buf | null`. */
export declare function ptr(target: BufFamily | (() => BufFamily)): CType<Buf | null>;

declare const bufFamilyBrand: unique symbol;
/** The built-in family `buf` of 1-byte units that serves `XCALLOC_BUF`, for `@ptr(buf)` fields. */
export interface BufFamily {
  readonly [bufFamilyBrand]: true;
}
export declare const buf: BufFamily;

/**
 * What XCALLOC_BUF returns: the block's bytes, read and written in place (`b[i]`, 0–255, and
 * `b.length`), and `b.text` for a NUL-terminated C string in them (writes at most length − 1
 * bytes and a NUL; a longer string is cut and reported as out-of-bounds).
 */
export interface Buf extends Iterable<number> {
  readonly length: number;
  [index: number]: number;
  text: string;
}

/** A struct embedded by value. */
export declare function field<T extends object>(target: () => StructClass<T>): CType<T>;

/**
 * A fixed array of a C type (`@array(u32, 4)`) or of structs (`@array(() => point_t, 3)`).
 * Length 0 is a flexible array member (`int data[]`): its offset and alignment, no bytes.
 */
export declare function array<E>(element: CType<E>, length: number): CType<CArray<E>>;
export declare function array<T extends object>(element: () => StructClass<T>, length: number): CType<CArray<T>>;

/**
 * LMM's mm_init(): optional, and first. Options start the heap with another VM page size
 * (default 4096, or `lmm run --page-size`) or a cap on mapped bytes (default 1 GiB; past it, mmap
 * fails and XCALLOC returns null with an out-of-memory error).
 */
export declare function mm_init(options?: { pageSize?: number; memoryCap?: number }): void;

/** Registers a struct with LMM (one page family per struct). */
export declare function MM_REG_STRUCT(type: StructClass): void;

/**
 * Allocates `units` zeroed structs. Non-null in the type, as in C; at run time it is `null` when
 * the allocation fails (unregistered struct, too large for a page, out of memory). `units` may be
 * 0: LMM gives a block of no bytes (as malloc(0) gives a unique pointer), whose fields are out of
 * bounds.
 */
export declare function XCALLOC<T extends object>(units: number, type: StructClass<T>): Block<T>;

/**
 * Allocates a zeroed buffer of `bytes` bytes that is not a struct (C's `calloc(1, bytes)` for
 * strings and byte arrays): LMM's `xcalloc_buf`, served by the built-in family `buf` of 1-byte
 * units, within one page's capacity. Non-null in the type; `null` at run time when it fails.
 */
export declare function XCALLOC_BUF(bytes: number): Buf;

/**
 * C's realloc: gives the block `units` units of its struct. A block that already has them keeps
 * its place (and its size: LMM cannot shrink a block); a longer one moves: a new block is
 * allocated, the old bytes copied, the old block freed (views of it are then stale, as the old
 * pointer is in C). `null` allocates (pass the struct: `XREALLOC(null, 4, node_t)`); 0 units
 * frees and gives `null`. When the new block cannot be had, it gives `null` and the old block is
 * left as it was.
 */
export declare function XREALLOC<T extends object>(block: Block<T> | T | null, units: number, type?: StructClass<T>): Block<T>;

/** C's realloc for a buffer (`XCALLOC_BUF`), in bytes, as `XREALLOC`; `null` allocates a buffer. */
export declare function XREALLOC_BUF(buffer: Buf | null, bytes: number): Buf;

/** Frees a block (pass the view XCALLOC returned). `XFREE(null)` does nothing, as free(NULL) in C. */
export declare function XFREE(block: object | null): void;

/**
 * The address a view points at, C's pointer value: views of a freed block, or of another struct at
 * the same address (a cast), are equal by it where they are not `===`.
 */
export declare function addressOf(block: object | null): number;

/** The size of a struct in bytes (C's sizeof). */
export declare function sizeof(type: StructClass): number;

/**
 * A pointer variable of the C program, which the leak check starts from (a root). Assigning
 * re-points it; `null` clears it. Freeing its block clears nothing, as in C: it then dangles
 * (the leak check does not start from it, and an access through it is a use after free).
 */
export interface PointerVariable<T extends object> {
  /** The block it points to (the view assigned, or a view of the block at `address`), or null. */
  value: T | null;
  /**
   * The address it holds (0 for null). Assign an address to point into a block's middle, as C
   * pointers may (`p.address = addressOf(table) + 16`): a block reached only that way is possibly lost.
   */
  address: number;
  readonly name: string;
}

/** A local pointer variable: a root while its scope lives (declare it with `using`). */
export interface LocalPointerVariable<T extends object> extends PointerVariable<T>, Disposable {}

/**
 * A global pointer variable (`static node_t *head;`), declared once: `const head = global<node_t>('head')`.
 * A name (here and for `local`) is one line of at most 256 characters, without control characters.
 *
 * Its `value` has the type given, as a `@ptr` field's has: one whose block's units the harness
 * indexes (C's `table[i]`) is a `global<Block<node_t>>('table')` (or `global('table',
 * XCALLOC(n, node_t))`, which infers it), as an indexed field is typed `Block<node_t> | null`.
 * A `global<node_t>` keeps `node_t`, so a walk `for (let n = head.value; n; n = n.next)` type-checks.
 */
export declare function global<T extends object>(name: string, initial?: T | null): PointerVariable<T>;

/**
 * A local pointer variable, a root until the end of its scope: `using p = local(XCALLOC(1, node_t))`.
 * A leak check in the scope (or `exit()`) sees the block as reachable; once the scope ends, it is not.
 */
export declare function local<T extends object>(initial?: T | null, name?: string): LocalPointerVariable<T>;

/**
 * C's exit(status): ends the run here, as completed. The locals of every scope still open stay
 * roots for the final leak check (a C program's stack is still there when it calls exit).
 */
export declare function exit(status?: number): never;

/**
 * Declares a block as held by a global variable of the C program (a root for leak checks); an
 * address (`addressOf(b) + 8`) points into a block. `global()` reads more like C.
 */
export declare function mm_register_root(block: object | number): void;
export declare function mm_unregister_root(block: object | number): void;

export type LeakKind = 'definitely-lost' | 'indirectly-lost' | 'possibly-lost' | 'still-reachable';

export interface Site {
  file: string;
  line: number;
  column: number;
}

export interface BlocksAndBytes {
  blocks: number;
  bytes: number;
}

/** One loss record: blocks of one (kind, struct, allocation stack). */
export interface LossRecord {
  kind: LeakKind;
  struct: string;
  blocks: number;
  bytes: number;
  site: Site | null;
  stack: Site[];
  suppressed: boolean;
  drags: BlocksAndBytes;
}

export interface LeakCheckResult {
  records: LossRecord[];
  summary: Record<LeakKind, BlocksAndBytes> & { suppressed: BlocksAndBytes };
  liveBlocks: number;
  liveBytes: number;
}

/** LMM's reports of the heap as it is now (the C library's mm_print_* functions), printed in the run's output. */
export declare function mm_print_registered_page_families(): void;
export declare function mm_print_memory_usage(): void;
export declare function mm_print_block_usage(): void;

/** Prints a line to the run's output: values joined by spaces, views as their fields. */
export declare function print(...values: unknown[]): void;

declare global {
  /**
   * A harness's `console` is the run's own, not Node's: each of these prints a line to the run's
   * output as `print` does (`trace` starts it with `Trace: `; `assert` prints `Assertion failed: …`
   * only when `condition` is false, and goes on); it has no other method (a `dom` lib or Node's
   * types declare more: those are not there). Declared here because a harness's tsconfig may have
   * neither (the bundled examples' has neither); these merge with theirs where it has them.
   */
  interface Console {
    log(...values: unknown[]): void;
    info(...values: unknown[]): void;
    warn(...values: unknown[]): void;
    error(...values: unknown[]): void;
    debug(...values: unknown[]): void;
    dir(value?: unknown): void;
    table(value?: unknown): void;
    trace(...values: unknown[]): void;
    assert(condition?: unknown, ...values: unknown[]): void;
  }
  var console: Console;
}

/**
 * memcheck's kinds of leak check (its client requests): `'full'` VALGRIND_DO_LEAK_CHECK, `'added'`
 * DO_ADDED_LEAK_CHECK, `'changed'` DO_CHANGED_LEAK_CHECK, `'new'` DO_NEW_LEAK_CHECK, `'quick'`
 * DO_QUICK_LEAK_CHECK. They find the same; they differ in the loss records the ERROR SUMMARY counts.
 */
export type LeakCheckMode = 'full' | 'added' | 'changed' | 'new' | 'quick';

/**
 * Runs a leak check now (also shown in the report as a check point) and returns its result (every
 * loss record, whatever the mode). `mode` (default `'full'`) is memcheck's kind of check: the
 * ERROR SUMMARY counts a full check's definitely and possibly lost records, an added check's that
 * grew since the check before, a changed check's that grew or shrank (one gone too), a new check's
 * that were not there before, and none of a quick check's.
 */
export declare function mm_leak_check(mode?: LeakCheckMode): LeakCheckResult;
