/**
 * Typed views over a block's bytes: reading `s.rollno` reads the engine's page DataView at the
 * field's offset; nothing is copied into JS objects. A view is made without running the struct
 * class's constructor and remembers the allocation it came from, so a view of a freed block
 * keeps reporting use-after-free even after the address is reused.
 *
 * A view's page, offset, allocation, address and bounds live in a private field (`#state`), so
 * a harness holding a view sees only the struct's fields: no own property, symbol or prototype
 * walk reaches them, the prototypes are frozen, and a view cannot be made (or forged) outside
 * this module. The runtime reads them through `viewState`.
 *
 * Every accessor first checks that allocation; out-of-bounds and use-after-free accesses are
 * reported through the `ViewHost`, read as 0 / null / '' and ignore writes, and never throw.
 */
import { readPointer, writePointer } from '../../engine/pointers';
import type { FieldType } from '../api/fieldTypes';
import { POINTER_SIZE } from '../api/cTypes';
import { layoutOf, resolveTarget, type ResolvedField, type StructInfo } from '../api/structLayout';
import { bitFieldAccess, wideReader, wideWriter } from './cFieldViews';
import { primitiveOf } from './primitiveValue';
import { noSuchArrayName, noSuchField, probedByJavaScript } from './unknownFields';
import { numericValue } from './numericValue';

/** What views need from the runtime that owns the heap. */
export interface ViewHost {
  /** 1 per allocation id once freed (grown by the runtime; read on every access). */
  freed: Uint8Array;
  report(kind: 'use-after-free' | 'out-of-bounds', message: string, allocId: number): void;
  /**
   * A read or write of `size` bytes at `offset` from the view's first byte that cannot be done:
   * the block was freed (use-after-free) or the view lies outside it (out-of-bounds). Nothing for
   * a poison view (its bad pointer was reported when it was read).
   */
  badAccess(view: ViewState, write: boolean, offset: number, size: number, field: string): void;
  /**
   * Whether `size` bytes at `offset` from a view with no whole unit left in its live block (a
   * pointer near the block's end) still lie inside the block, so the access may be done.
   */
  fitsInBlock(view: ViewState, offset: number, size: number): boolean;
  /** The view a stored pointer reads back as: null for 0. */
  pointerView(address: number, target: StructInfo): StructView | null;
  /**
   * The view of `n` units of `info` at `x` in allocation `a` (at `o` in the page view `d`): while
   * the block lives, the object made the first time (`v[i] === v[i]`, as C's `&v[i] == &v[i]`).
   */
  sameView(info: StructInfo, d: DataView, o: number, a: number, x: number, n: number): StructView;
  /** A human name for an allocation, for messages. */
  describe(allocId: number): string;
  /**
   * The program wrote `size` bytes at `address` (at `offset` in the page view `page`): the
   * bytes become part of the recorded run, so time travel shows what the program wrote.
   */
  wrote(address: number, size: number, page: DataView, offset: number): void;
  /** The program stored a pointer at `address` now (a pointer field, or bytes over one: a copy, a union member). */
  /** A pointer stored at `address` now; `since`: as old as that (a dangling view's), -1 for now. */
  pointerWritten(address: number, since?: number): void;
  /**
   * A struct copy wrote the pointer at `to` with the bytes of the one at `from`, in allocation
   * `fromAllocation`: stored now, holding a value as old as the source's.
   */
  pointerCopied(to: number, from: number, fromAllocation: number): void;
}

/** What a view knows about its bytes; never reachable from the view's properties. */
export interface ViewState {
  /** The struct (BUF_STRUCT for a buffer). */
  readonly info: StructInfo;
  /** The page's DataView and the view's offset in it. */
  readonly d: DataView;
  readonly o: number;
  /** Allocation id, or -1 for a poison view (an out-of-bounds element: reads 0, ignores writes). */
  readonly a: number;
  /** Address of the view's first byte. */
  readonly x: number;
  /**
   * Units from this element to the end of the block (bounds for `v[i]`); 0 for an element past
   * the block's end (or of a block of 0 units), whose every field access is out of bounds.
   */
  readonly n: number;
}

/** A view as the harness holds it (its fields are accessors on its frozen prototype). */
export type StructView = object;

/** Only this module (and bufferViews.ts) makes views: view constructors refuse to run without it. */
export const MAKE_VIEW = Symbol('make a view');

/** Reads the private state of instances of one view class (undefined for anything else). */
export type StateReader = (value: object) => ViewState | undefined;
/** View prototype → the state reader of its class. */
const stateReaders = new WeakMap<object, StateReader>();
/** The views behind the Proxies of buffers (a private field is not seen through a Proxy). */
const proxiedViews = new WeakMap<object, object>();

/** Makes `prototype`'s instances known as views (their class's private state reader). */
export function registerViewClass(prototype: object, read: StateReader): void {
  stateReaders.set(prototype, read);
}

/** The state of a view (or of the view behind a view's Proxy); undefined for anything else. */
export function viewState(value: unknown): ViewState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const target = proxiedViews.get(value) ?? value;
  let read: StateReader | undefined;
  try {
    read = stateReaders.get(Object.getPrototypeOf(target) as object);
  } catch {
    // A Proxy (the harness's own) refusing getPrototypeOf: not a view.
    return undefined;
  }
  return read?.(target);
}

/** Registers the Proxy a view is handed out as, so the runtime still knows it for a view. */
export function proxiedView<T extends object>(proxy: T, view: object): T {
  proxiedViews.set(proxy, view);
  return proxy;
}

/** A view's state, or a TypeError for `this` that is no view (an accessor called on something else). */
export function stateOf(value: unknown): ViewState {
  const state = viewState(value);
  if (state === undefined) throw new TypeError('not a struct view');
  return state;
}

/** How many `v[i]` indexes (from -1) views answer with accessors of their prototype; the others reach `beyondPrototypeIndexes`. */
const PROTOTYPE_INDEXES = 64;

const EMPTY = new DataView(new ArrayBuffer(8));

/**
 * What every view prototype inherits from, reached only for names the prototype does not have.
 * Its indexes -1 … 63 are accessors of its own; any
 * other integer index of a view (`v[64]`, `v[-2]`) reaches this Proxy, which answers the element
 * as those accessors do (its every field access then the out-of-bounds report it is) instead of
 * `undefined` and a TypeError at `v[64].key`, and reports the assignment of a whole element as
 * the prototype's index setters do. Any other name that is no field (`v.nxet = p`, `v.nope`) is a TypeError
 * naming the struct (unknownFields.ts); names of `Object.prototype` read and write as there.
 */
const beyondPrototypeIndexes: object = new Proxy(Object.freeze(Object.create(Object.prototype) as object), {
  get(target, key, receiver) {
    if (typeof key === 'string') {
      const state = viewState(receiver);
      if (state !== undefined) {
        if (isIndex(key)) return element(state.info, receiver as StructView, state, Number(key));
        if (!probedByJavaScript(key) && !(key in target)) throw noSuchField(state.info.name, key, fieldNames(state.info));
      }
    }
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    if (typeof key === 'string') {
      const state = viewState(receiver);
      if (state !== undefined) {
        if (isIndex(key)) {
          wholeElementAssigned(state, key);
          return true;
        }
        if (!(key in target)) throw noSuchField(state.info.name, key, fieldNames(state.info));
      }
    }
    return Reflect.set(target, key, value, receiver);
  },
});

function fieldNames(info: StructInfo): string[] {
  return layoutOf(info).fields.map((field) => field.name);
}

/**
 * One struct's view class. Its state is in private fields of its own (a class per struct, not a
 * subclass: V8 builds instances of a base class much faster), read by the hot accessors through
 * the small functions its static block makes.
 */
interface ViewClass {
  View: new (make: symbol, d: DataView, o: number, a: number, x: number, n: number) => object;
  state: StateReader;
  allocation(view: object): number;
  units(view: object): number;
  page(view: object): DataView;
  offset(view: object): number;
  address(view: object): number;
}

const viewClasses = new WeakMap<StructInfo, ViewClass>();
let host: ViewHost;
/** The allocation a field write is going to (so a truncated string names its block). */
let writingAllocation = -1;
/**
 * The age of the pointer a pointer write just stored, taken (and reset) by the setter right after:
 * a view of a freed block is a dangling pointer, as old as that block (its allocation id + 1, so
 * no block allocated after it is reached through it); -1 for any other value (stored now).
 */
let storedPointerSince = -1;

function takeStoredPointerSince(): number {
  const since = storedPointerSince;
  storedPointerSince = -1;
  return since;
}

export function setViewHost(h: ViewHost): void {
  host = h;
}

/** The runtime the views report to (for the buffer views of `bufferViews.ts`). */
export function viewHost(): ViewHost {
  return host;
}

export function isView(value: unknown): value is StructView {
  return viewState(value) !== undefined;
}

export function viewStruct(view: StructView): StructInfo {
  return stateOf(view).info;
}

/** The allocation id a view belongs to (-1 for a poison view). */
export function viewAllocation(view: StructView): number {
  return stateOf(view).a;
}

/** The address of a view's first byte. */
export function viewAddress(view: StructView): number {
  return stateOf(view).x;
}

/**
 * A view of `units` structs of `info` at `address` in allocation `allocId`. A long block's view is
 * a plain view too: its indexes past the prototype's reach `beyondPrototypeIndexes`. (A Proxy of
 * its own, with its handler and state, made each unit of a long block a view ~480 bytes large,
 * kept while the block lives since pointer identity keeps one view per unit.)
 */
export function makeView(info: StructInfo, d: DataView, o: number, allocId: number, address: number, units: number): StructView {
  const { View } = viewClass(info);
  return new View(MAKE_VIEW, d, o, allocId, address, units);
}

export function poisonView(info: StructInfo): StructView {
  const { View } = viewClass(info);
  return new View(MAKE_VIEW, EMPTY, 0, -1, 0, 0);
}

function newViewClass(info: StructInfo): ViewClass {
  let state!: StateReader;
  let allocation!: (view: object) => number;
  let units!: (view: object) => number;
  let page!: (view: object) => DataView;
  let offset!: (view: object) => number;
  let address!: (view: object) => number;
  const View = class {
    readonly #d: DataView;
    readonly #o: number;
    readonly #a: number;
    readonly #x: number;
    readonly #n: number;
    constructor(make: symbol, d: DataView, o: number, a: number, x: number, n: number) {
      if (make !== MAKE_VIEW) throw new TypeError('views are made by XCALLOC, not by new');
      this.#d = d;
      this.#o = o;
      this.#a = a;
      this.#x = x;
      this.#n = n;
    }
    static {
      state = (v) => (#a in v ? { info, d: v.#d, o: v.#o, a: v.#a, x: v.#x, n: v.#n } : undefined);
      allocation = (v) => (v as InstanceType<typeof View>).#a;
      units = (v) => (v as InstanceType<typeof View>).#n;
      page = (v) => (v as InstanceType<typeof View>).#d;
      offset = (v) => (v as InstanceType<typeof View>).#o;
      address = (v) => (v as InstanceType<typeof View>).#x;
    }
  };
  return { View, state, allocation, units, page, offset, address };
}

function viewClass(info: StructInfo): ViewClass {
  let cls = viewClasses.get(info);
  if (cls) return cls;
  cls = newViewClass(info);
  // Registered before the accessors are made: a struct may point to itself.
  viewClasses.set(info, cls);
  const { View } = cls;
  const layout = layoutOf(info);
  const proto = View.prototype as Record<PropertyKey, unknown>;
  Object.setPrototypeOf(proto, beyondPrototypeIndexes);
  registerViewClass(proto, cls.state);
  Object.defineProperty(proto, Symbol.toStringTag, { value: info.name });
  for (const field of layout.fields) Object.defineProperty(proto, field.name, fieldAccessor(info, field, cls));
  for (let i = -1; i < PROTOTYPE_INDEXES; i++) {
    Object.defineProperty(proto, String(i), {
      get(this: StructView) {
        return element(info, this, stateOf(this), i);
      },
      set(this: StructView) {
        wholeElementAssigned(stateOf(this), String(i));
      },
    });
  }
  // A C field named toJSON is the field: JSON and print then show the view through `fieldsAsJson`.
  if (!layout.fields.some((field) => field.name === 'toJSON')) {
    Object.defineProperty(proto, 'toJSON', {
      value(this: StructView) {
        return fieldsAsJson(this);
      },
    });
  }
  Object.freeze(proto);
  Object.freeze(View);
  return cls;
}

/**
 * A struct view's fields as JSON shows them: a pointer as its address, a bigint as text. In an
 * object of no prototype, so that fields named as `Object.prototype`'s members (`toString`,
 * `__proto__`) are plain keys: assigned on `{}`, the sandbox's frozen prototype refused them.
 */
export function fieldsAsJson(view: StructView): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  const info = stateOf(view).info;
  // Through the struct's own accessors: a property the harness defined on the view, or a
  // prototype it gave it, would show values that are not the block's.
  const fields = viewClass(info).View.prototype as object;
  for (const field of layoutOf(info).fields) out[field.name] = jsonValue(Reflect.get(fields, field.name, view));
  return out;
}

/** A field's or an array element's value as JSON shows it: a view (a pointer) as its address, a bigint as text. */
function jsonValue(value: unknown): unknown {
  const pointee = viewState(value);
  return pointee ? `0x${pointee.x.toString(16)}` : typeof value === 'bigint' ? String(value) : value;
}

/**
 * `v[i]`: the view of unit i. Past the block's end (or before it) it is a view with no units in
 * bounds, reading no bytes: as in C, computing `&v[i]` is no error, but each access through it is
 * reported as the read or write it is, at its offset from the block. A negative i from a unit in
 * the block's middle (C's `p[-1]`) that is still in the block is that unit, with its units to
 * the end. A unit past the last whole one that still starts inside the block (a cast of a larger
 * struct: 16-byte units of a 24-byte block) views the block's bytes, so its fields that fit read
 * and write them. Either is the object a pointer to that address reads as, whichever is made first.
 */
function element(info: StructInfo, self: StructView, view: ViewState, i: number): StructView {
  if (view.a < 0) return self;
  if (i === 0 && view.n > 0) return self;
  const size = layoutOf(info).size;
  if (!(i >= 0 && i < view.n)) {
    if (host.fitsInBlock(view, i * size, 1)) {
      return host.sameView(info, view.d, view.o + i * size, view.a, view.x + i * size, i < 0 ? view.n - i : 0);
    }
    return host.sameView(info, EMPTY, 0, view.a, view.x + i * size, 0);
  }
  return host.sameView(info, view.d, view.o + i * size, view.a, view.x + i * size, view.n - i);
}

/** Whether an access through the view cannot touch bytes: a poison view, a freed block, or outside it. */
function unusable(view: ViewState): boolean {
  const a = view.a;
  return a < 0 || host.freed[a] !== 0 || view.n <= 0;
}

/** `v[i] = x`: C would copy the struct; here it is reported (assign the fields) and nothing is stored. */
function wholeElementAssigned(state: ViewState, key: string): void {
  host.report('out-of-bounds', `cannot assign a whole element v[${key}] (assign its fields)`, state.a);
}

/**
 * An integer property key, negative ones included: `v[-1]` is an out-of-bounds access to report
 * (in C it reads the bytes in front, LMM's meta data), not a property that quietly is not there.
 */
export function isIndex(key: string): boolean {
  const c = key.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 45)) return false;
  const n = Number(key);
  return Number.isInteger(n) && String(n) === key;
}

/** True (and reported when freed) when the view's block can no longer be touched. */
export function dead(view: ViewState): boolean {
  const a = view.a;
  if (a < 0) return true;
  if (host.freed[a] !== 0) {
    host.report('use-after-free', `use after free: ${host.describe(a)} was freed`, a);
    return true;
  }
  return false;
}

/** Offsets of `info`'s pointers that bytes `offset` .. `offset + size` of one unit overlap. */
function pointersIn(info: StructInfo, offset: number, size: number): number[] {
  return layoutOf(info).pointerOffsets.filter((p) => p < offset + size && p + POINTER_SIZE > offset);
}

type Reader = (d: DataView, o: number) => unknown;
type Writer = (d: DataView, o: number, value: unknown) => void;

function fieldAccessor(info: StructInfo, field: ResolvedField, cls: ViewClass): PropertyDescriptor {
  const off = field.offset;
  const name = field.name;
  const type = field.fieldType;
  // The struct's pointers this field's bytes cover (its own, or a union member's it overlaps).
  const overwritten = pointersIn(info, off, field.size);
  if (type.kind === 'struct') {
    const target = resolveTarget(type.target, `${info.name}.${name}`);
    const size = field.size;
    return {
      get(this: StructView) {
        const s = stateOf(this);
        if (s.a < 0) return poisonView(target);
        // A freed or outside view's member is one too: the access through it is what gets reported.
        return host.sameView(target, s.d, s.o + off, s.a, s.x + off, s.n > 0 ? 1 : 0);
      },
      set(this: StructView, value: unknown) {
        const s = stateOf(this);
        if (unusable(s)) {
          host.badAccess(s, true, off, size, name);
          return;
        }
        const source = copyStruct(s.d, s.o + off, value, size, `${info.name}.${name}`);
        if (source !== undefined) {
          host.wrote(s.x + off, size, s.d, s.o + off);
          pointersCopied(overwritten, s.x, off, size, source);
        }
      },
    };
  }
  if (type.kind === 'array') {
    return {
      get(this: StructView) {
        return arrayView(stateOf(this), off, type.element, type.length, field);
      },
      set(this: StructView) {
        host.report(
          'out-of-bounds',
          `cannot assign the array ${info.name}.${name} as a whole (assign its elements)`,
          stateOf(this).a,
        );
      },
    };
  }
  const bitField = type.kind === 'bits' ? bitFieldAccess(type.int, type.width, field.bitOffset! - off * 8) : undefined;
  const read = bitField?.read ?? reader(type, `${info.name}.${name}`);
  const write = bitField?.write ?? writer(type, `${info.name}.${name}`);
  const fallback = zeroOf(type);
  const size = field.size;
  const hint = conversionHint(type);
  const where = `${info.name}.${name}`;
  // The hot path: a few private reads of `this` (each a TypeError when `this` is no view of this struct).
  const { allocation, units, page, offset, address } = cls;
  return {
    get(this: StructView) {
      const a = allocation(this);
      if (a < 0 || host.freed[a] !== 0 || (units(this) <= 0 && !host.fitsInBlock(stateOf(this), off, size))) {
        host.badAccess(stateOf(this), false, off, size, name);
        return fallback;
      }
      return read(page(this), offset(this) + off);
    },
    set(this: StructView, value: unknown) {
      // Before the block is checked: converting an object runs harness code, which may free it.
      if (hint === 'number') {
        if (typeof value !== 'number') value = numericValue(value, type, where);
      } else if (hint === 'string' && (typeof value === 'object' || typeof value === 'function')) {
        value = primitiveOf(value, hint);
      }
      const a = allocation(this);
      if (a < 0 || host.freed[a] !== 0 || (units(this) <= 0 && !host.fitsInBlock(stateOf(this), off, size))) {
        host.badAccess(stateOf(this), true, off, size, name);
        return;
      }
      writingAllocation = a;
      const d = page(this);
      const o = offset(this) + off;
      write(d, o, value);
      const at = address(this);
      host.wrote(at + off, size, d, o);
      const since = takeStoredPointerSince();
      for (let i = 0; i < overwritten.length; i++) host.pointerWritten(at + overwritten[i]!, since);
    },
  };
}

/** How an object assigned to a field of this type is made primitive; undefined: it is not (pointers take views). */
function conversionHint(type: FieldType): 'number' | 'string' | undefined {
  if (type.kind === 'char') return 'string';
  if (type.kind === 'ptr' || type.kind === 'struct' || type.kind === 'array') return undefined;
  return 'number';
}

function zeroOf(type: FieldType): unknown {
  switch (type.kind) {
    case 'scalar':
      return type.scalar.bigint ? 0n : 0;
    case 'char':
      return '';
    case 'bits':
    case 'enum':
      return type.int.bigint ? 0n : 0;
    default:
      return null;
  }
}

function reader(type: FieldType, where: string): Reader {
  const wide = wideReader(type);
  if (wide) return wide;
  switch (type.kind) {
    case 'scalar':
      switch (type.scalar.name) {
        case 'u8':
          return (d, o) => d.getUint8(o);
        case 'i8':
          return (d, o) => d.getInt8(o);
        case 'u16':
          return (d, o) => d.getUint16(o, true);
        case 'i16':
          return (d, o) => d.getInt16(o, true);
        case 'u32':
          return (d, o) => d.getUint32(o, true);
        case 'i32':
          return (d, o) => d.getInt32(o, true);
        case 'u64':
          return (d, o) => d.getBigUint64(o, true);
        case 'i64':
          return (d, o) => d.getBigInt64(o, true);
        case 'f32':
          return (d, o) => d.getFloat32(o, true);
        case 'f64':
          return (d, o) => d.getFloat64(o, true);
      }
      break;
    case 'char': {
      const n = type.length;
      return (d, o) => readCString(d, o, n);
    }
    case 'ptr': {
      const thunk = type.target;
      let target: StructInfo | undefined;
      return (d, o) => {
        const address = readPointer(d, o);
        if (address === 0) return null;
        target ??= resolveTarget(thunk, where);
        return host.pointerView(address, target);
      };
    }
  }
  throw new TypeError(`${where}: no reader for ${type.kind}`);
}

function writer(type: FieldType, where: string): Writer {
  const wide = wideWriter(type);
  if (wide) return wide;
  switch (type.kind) {
    case 'scalar':
      switch (type.scalar.name) {
        case 'u8':
          return (d, o, v) => d.setUint8(o, v as number);
        case 'i8':
          return (d, o, v) => d.setInt8(o, v as number);
        case 'u16':
          return (d, o, v) => d.setUint16(o, v as number, true);
        case 'i16':
          return (d, o, v) => d.setInt16(o, v as number, true);
        case 'u32':
          return (d, o, v) => d.setUint32(o, v as number, true);
        case 'i32':
          return (d, o, v) => d.setInt32(o, v as number, true);
        case 'u64':
          return (d, o, v) => d.setBigUint64(o, toBigInt(v), true);
        case 'i64':
          return (d, o, v) => d.setBigInt64(o, toBigInt(v), true);
        case 'f32':
          return (d, o, v) => d.setFloat32(o, v as number, true);
        case 'f64':
          return (d, o, v) => d.setFloat64(o, v as number, true);
      }
      break;
    case 'char': {
      const n = type.length;
      return (d, o, v) => writeCString(d, o, n, String(v ?? ''), where);
    }
    case 'ptr':
      return (d, o, v) => {
        const view = viewState(v);
        storedPointerSince = view !== undefined && view.a >= 0 && host.freed[view.a] !== 0 ? view.a + 1 : -1;
        writePointer(d, o, view !== undefined ? view.x : addressOfValue(v, where));
      };
  }
  throw new TypeError(`${where}: no writer for ${type.kind}`);
}

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  const n = Number(value);
  return Number.isFinite(n) ? BigInt(Math.trunc(n)) : 0n;
}

/** What a pointer field stores for an assigned value: a view's address, null → 0, or a raw address. */
export function addressOfValue(value: unknown, where: string): number {
  if (value === null || value === undefined) return 0;
  const view = viewState(value);
  if (view !== undefined) return view.x;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new TypeError(`${where}: a pointer field takes a struct view, null or an address, not ${typeof value}`);
}

/** Copies the struct `value` views into `d` at `o`; gives the copied view's state, or undefined when nothing was copied. */
function copyStruct(d: DataView, o: number, value: unknown, size: number, where: string): ViewState | undefined {
  const source = viewState(value);
  if (source === undefined) throw new TypeError(`${where}: assign a struct view (it is copied, like a C struct assignment)`);
  if (unusable(source)) {
    host.badAccess(source, false, 0, size, `${source.info.name} (the whole struct, copied)`);
    return undefined;
  }
  for (let i = 0; i < size; i++) d.setUint8(o + i, source.d.getUint8(source.o + i));
  return source;
}

/**
 * The pointers a struct copy of `size` bytes from `source` to `to` wrote, among the holder's
 * `pointers` (offsets from `base`; the copy starts at `base + from`): each one the copy covers
 * whole is the source's pointer, copied with its age (a stale one stays stale); one it covers in
 * part (a union member's) holds new bytes, stored now.
 */
function pointersCopied(pointers: readonly number[], base: number, from: number, size: number, source: ViewState): void {
  for (let k = 0; k < pointers.length; k++) {
    const p = pointers[k]!;
    if (p >= from + size || p + POINTER_SIZE <= from) continue;
    if (p >= from && p + POINTER_SIZE <= from + size) host.pointerCopied(base + p, source.x + (p - from), source.a);
    else host.pointerWritten(base + p);
  }
}

export function readCString(d: DataView, o: number, n: number): string {
  let end = 0;
  while (end < n && d.getUint8(o + end) !== 0) end++;
  let ascii = true;
  for (let i = 0; i < end; i++) if (d.getUint8(o + i) >= 0x80) ascii = false;
  if (ascii) {
    let s = '';
    for (let i = 0; i < end; i++) s += String.fromCharCode(d.getUint8(o + i));
    return s;
  }
  const bytes: number[] = [];
  for (let i = 0; i < end; i++) bytes.push(d.getUint8(o + i));
  return decodeUtf8(bytes);
}

/** strncpy-like: at most n − 1 bytes and a NUL, the rest zeroed; a longer string is cut and reported. */
export function writeCString(d: DataView, o: number, n: number, text: string, where: string, allocId = writingAllocation): void {
  const bytes = encodeUtf8(text);
  let length = bytes.length;
  if (length > n - 1) {
    length = Math.max(0, n - 1);
    // Do not cut a UTF-8 sequence in half.
    while (length > 0 && (bytes[length]! & 0xc0) === 0x80) length--;
    host.report(
      'out-of-bounds',
      `${where} is char[${n}]: a string of ${bytes.length} bytes does not fit (truncated to ${length})`,
      allocId,
    );
  }
  for (let i = 0; i < n; i++) d.setUint8(o + i, i < length ? bytes[i]! : 0);
}

function encodeUtf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

function decodeUtf8(bytes: number[]): string {
  let s = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    let c: number;
    let extra: number;
    if (b < 0x80) [c, extra] = [b, 0];
    else if (b >= 0xf0) [c, extra] = [b & 7, 3];
    else if (b >= 0xe0) [c, extra] = [b & 15, 2];
    else if (b >= 0xc0) [c, extra] = [b & 31, 1];
    else [c, extra] = [0xfffd, 0];
    i++;
    for (let k = 0; k < extra && i < bytes.length; k++, i++) c = (c << 6) | (bytes[i]! & 63);
    s += String.fromCodePoint(c);
  }
  return s;
}

/**
 * A live, indexable view of an array field with `.length`: elements read and write the block's
 * bytes; an index past the end is reported and reads as 0 / null. Whether the block can be touched
 * is asked at each access (a view of the array may outlive the block's XFREE).
 */
function arrayView(base: ViewState, off: number, elementType: FieldType, length: number, field: ResolvedField): unknown {
  const elementSize = length > 0 ? field.size / length : 0;
  const where = field.name;
  // The pointers of the struct holding the array that its elements' bytes cover.
  const overwritten = pointersIn(base.info, off, field.size);
  const fallback = zeroOf(elementType);
  const elementHint = conversionHint(elementType);
  let structTarget: StructInfo | undefined;
  let read: Reader | undefined;
  let write: Writer | undefined;
  if (elementType.kind === 'struct') structTarget = resolveTarget(elementType.target, where);
  else {
    read = reader(elementType, where);
    write = elementType.kind === 'array' ? undefined : writer(elementType, where);
  }
  /** The element's offset in the page view, or -1 (reported) when it cannot be touched. */
  const checked = (i: number, isWrite: boolean): number => {
    const at = off + i * elementSize;
    // An element of a struct type is a view: accesses through it are checked (and reported) there.
    if (structTarget === undefined && unusable(base)) {
      host.badAccess(base, isWrite, at, elementSize, `${where}[${i}]`);
      return -1;
    }
    if (base.a < 0) return -1;
    if (!(i >= 0 && i < length)) {
      host.report('out-of-bounds', `index ${i} is out of bounds of ${where}[${length}]`, base.a);
      return -1;
    }
    return base.o + at;
  };
  const at = (i: number): unknown => {
    const o = checked(i, false);
    if (o < 0) return structTarget ? poisonView(structTarget) : fallback;
    if (structTarget) return host.sameView(structTarget, base.d, o, base.a, base.x + off + i * elementSize, base.n > 0 ? 1 : 0);
    return read!(base.d, o);
  };
  /** The elements as JSON shows them (as a view's toJSON shows fields): a view as its address, a bigint as text. */
  const elementsAsJson = () => Array.from({ length }, (_, i) => jsonValue(at(i)));
  const target = { length };
  return new Proxy(target, {
    get(_t, key) {
      if (typeof key === 'string') {
        if (isIndex(key)) return at(Number(key));
        if (key === 'length') return length;
        if (key === 'toJSON') return elementsAsJson;
        // A typo (`lenght`) or an Array method (`map`) is no silent undefined; Object.prototype's names read as before.
        if (!probedByJavaScript(key) && !(key in Object.prototype))
          throw noSuchArrayName(`${base.info.name}.${where}`, length, key);
      }
      if (key === Symbol.iterator) {
        return function* () {
          for (let i = 0; i < length; i++) yield at(i);
        };
      }
      return undefined;
    },
    set(_t, key, value) {
      if (typeof key === 'string' && isIndex(key)) {
        const i = Number(key);
        // Before the block is checked (see primitiveValue.ts): the conversion may free it.
        if (elementHint === 'number') {
          if (typeof value !== 'number') value = numericValue(value, elementType, `${where}[${i}]`);
        } else if (elementHint !== undefined && (typeof value === 'object' || typeof value === 'function')) {
          value = primitiveOf(value, elementHint);
        }
        if (structTarget !== undefined && unusable(base)) {
          host.badAccess(base, true, off + i * elementSize, elementSize, `${where}[${i}]`);
          return true;
        }
        const o = checked(i, true);
        if (o < 0) return true;
        writingAllocation = base.a;
        const from = off + i * elementSize;
        if (structTarget) {
          const source = copyStruct(base.d, o, value, elementSize, where);
          if (source === undefined) return true;
          host.wrote(base.x + from, elementSize, base.d, o);
          pointersCopied(overwritten, base.x, from, elementSize, source);
          return true;
        }
        write!(base.d, o, value);
        host.wrote(base.x + from, elementSize, base.d, o);
        const since = takeStoredPointerSince();
        // The array's pointers this element's bytes cover (no list made per write: a pointer array's hot path).
        for (let k = 0; k < overwritten.length; k++) {
          const p = overwritten[k]!;
          if (p < from + elementSize && p + POINTER_SIZE > from) host.pointerWritten(base.x + p, since);
        }
      }
      return true;
    },
    has(_t, key) {
      return key === 'length' || (typeof key === 'string' && isIndex(key) && Number(key) >= 0 && Number(key) < length);
    },
  });
}
