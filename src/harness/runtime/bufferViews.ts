/**
 * Views of open-size buffers (`XCALLOC_BUF(bytes)`): the block's bytes as `b[i]` (0–255) with
 * `b.length`, and `b.text` for a NUL-terminated C string in them. Like struct views they read and
 * write the page bytes in place and keep their allocation, address and bounds in the private
 * state of `ViewBase` (unreachable from the harness), so XFREE, addressOf, roots and `@ptr(buf)`
 * fields take them, and every access is checked first: a byte past the end is `out-of-bounds`,
 * any access after XFREE `use-after-free` (reported, read as 0, written nowhere), so a harness
 * can never write into LMM's meta data through a buffer.
 */
import { primitiveOf } from './primitiveValue';
import { BUF_STRUCT } from '../api/structLayout';
import { noSuchField, probedByJavaScript } from './unknownFields';
import {
  dead,
  isIndex,
  MAKE_VIEW,
  proxiedView,
  readCString,
  registerViewClass,
  stateOf,
  viewHost,
  viewState,
  writeCString,
  type StateReader,
  type StructView,
  type ViewState,
} from './structViews';

let bufferState!: StateReader;

class BufferView {
  readonly #d: DataView;
  readonly #o: number;
  readonly #a: number;
  readonly #x: number;
  /** Bytes from this view to the block's end. */
  readonly #n: number;

  constructor(make: symbol, d: DataView, o: number, a: number, x: number, n: number) {
    if (make !== MAKE_VIEW) throw new TypeError('buffers are made by XCALLOC_BUF, not by new');
    this.#d = d;
    this.#o = o;
    this.#a = a;
    this.#x = x;
    this.#n = n;
  }

  static {
    bufferState = (v) => (#a in v ? { info: BUF_STRUCT, d: v.#d, o: v.#o, a: v.#a, x: v.#x, n: v.#n } : undefined);
  }

  get length(): number {
    return this.#n;
  }

  /** The C string in the buffer: bytes up to the first NUL (or the end). */
  get text(): string {
    const s = stateOf(this);
    if (dead(s)) return '';
    return readCString(s.d, s.o, s.n);
  }

  /** strncpy-like: at most length − 1 bytes and a NUL; a longer string is cut and reported. */
  set text(value: string) {
    setText(stateOf(this), value);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    const s = stateOf(this);
    for (let i = 0; i < s.n; i++) yield byteAt(s, i);
  }

  toJSON(): { buf: number; text: string } {
    return { buf: this.length, text: this.text };
  }
}
/** Reached only for names a buffer does not have (`b.lenght`): an error, as for a struct view. */
const beyondBufferNames: object = new Proxy(Object.freeze(Object.create(Object.prototype) as object), {
  get(target, key, receiver) {
    if (!probedByJavaScript(key) && !(key in target) && viewState(receiver) !== undefined) {
      throw noSuchField('buf', key, ['length', 'text']);
    }
    return Reflect.get(target, key, receiver);
  },
});
Object.setPrototypeOf(BufferView.prototype, beyondBufferNames);
Object.defineProperty(BufferView.prototype, Symbol.toStringTag, { value: 'buf' });
registerViewClass(BufferView.prototype, bufferState);
Object.freeze(BufferView.prototype);
Object.freeze(BufferView);

function setText(s: ViewState, value: unknown): void {
  // The text first: making it may run harness code that frees the buffer (see primitiveValue.ts).
  const text = String(primitiveOf(value ?? '', 'string'));
  if (dead(s)) return;
  writeCString(s.d, s.o, s.n, text, `buffer of ${s.n} bytes`, s.a);
  viewHost().wrote(s.x, s.n, s.d, s.o);
}

function byteAt(view: ViewState, i: number): number {
  if (!usableByte(view, i, false)) return 0;
  return view.d.getUint8(view.o + i);
}

/** Whether byte i of the buffer can be touched; when not, the read or write is reported (as memcheck names it). */
function usableByte(view: ViewState, i: number, write: boolean): boolean {
  const a = view.a;
  if (a >= 0 && viewHost().freed[a] === 0 && i >= 0 && i < view.n) return true;
  viewHost().badAccess(view, write, i, 1, `[${i}]`);
  return false;
}

/** The byte index a property key names (negative ones included: `b[-1]` is reported, not ignored). */
function byteIndex(key: string | symbol): number | undefined {
  return typeof key === 'string' && isIndex(key) ? Number(key) : undefined;
}

/** A buffer view of `bytes` bytes at `address` (offset `o` in the page view `d`) of allocation `allocId`. */
export function makeBufferView(d: DataView, o: number, allocId: number, address: number, bytes: number): StructView {
  const view = new BufferView(MAKE_VIEW, d, o, allocId, address, bytes);
  const state = stateOf(view);
  return proxiedView(
    new Proxy(view, {
      get(target, key) {
        const i = byteIndex(key);
        if (i !== undefined) return byteAt(state, i);
        return Reflect.get(target, key, target);
      },
      set(_target, key, value) {
        const i = byteIndex(key);
        if (i !== undefined) {
          // The byte first, the block's state after (the conversion may free it: see primitiveValue.ts).
          const byte = Number(primitiveOf(value, 'number')) & 255;
          if (usableByte(state, i, true)) {
            state.d.setUint8(state.o + i, byte);
            viewHost().wrote(state.x + i, 1, state.d, state.o + i);
          }
          return true;
        }
        if (key === 'text') {
          setText(state, value);
          return true;
        }
        // Nothing else of a buffer can be assigned (its length is the block's).
        throw new TypeError(`a buffer has bytes b[0] … b[${state.n - 1}] and b.text; '${String(key)}' cannot be assigned`);
      },
      has(_target, key) {
        const i = byteIndex(key);
        return key === 'length' || key === 'text' || (i !== undefined && i >= 0 && i < state.n);
      },
      // A buffer's shape cannot change (no property defined or deleted behind the traps).
      defineProperty() {
        return false;
      },
      deleteProperty() {
        return false;
      },
    }),
    view,
  );
}
