/**
 * Views of open-size buffers (`XCALLOC_BUF(bytes)`): the block's bytes as `b[i]` (0–255) with
 * `b.length`, and `b.text` for a NUL-terminated C string in them. Like struct views they read and
 * write the page bytes in place, carry their allocation (`_a`) and address (`_x`), so XFREE,
 * addressOf, roots and `@ptr(buf)` fields take them, and every access is checked first: a byte
 * past the end is `out-of-bounds`, any access after XFREE `use-after-free` (reported, read as 0,
 * written nowhere), so a harness can never write into LMM's meta data through a buffer.
 */
import { BUF_STRUCT } from '../api/structLayout';
import { dead, isIndex, readCString, VIEW_STRUCT, viewHost, writeCString, type StructView } from './structViews';

class BufferView implements StructView {
  constructor(
    public _d: DataView,
    public _o: number,
    public _a: number,
    public _x: number,
    /** Bytes from this view to the block's end. */
    public _n: number,
  ) {}

  get length(): number {
    return this._n;
  }

  /** The C string in the buffer: bytes up to the first NUL (or the end). */
  get text(): string {
    if (dead(this)) return '';
    return readCString(this._d, this._o, this._n);
  }

  /** strncpy-like: at most length − 1 bytes and a NUL; a longer string is cut and reported. */
  set text(value: string) {
    if (dead(this)) return;
    writeCString(this._d, this._o, this._n, String(value ?? ''), `buffer of ${this._n} bytes`, this._a);
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = 0; i < this._n; i++) yield byteAt(this, i);
  }

  toJSON(): { buf: number; text: string } {
    return { buf: this._n, text: this.text };
  }
}
Object.defineProperty(BufferView.prototype, VIEW_STRUCT, { value: BUF_STRUCT });
Object.defineProperty(BufferView.prototype, Symbol.toStringTag, { value: 'buf' });

function byteAt(view: BufferView, i: number): number {
  if (!usableByte(view, i, false)) return 0;
  return view._d.getUint8(view._o + i);
}

/** Whether byte i of the buffer can be touched; when not, the read or write is reported (as memcheck names it). */
function usableByte(view: BufferView, i: number, write: boolean): boolean {
  const a = view._a;
  if (a >= 0 && viewHost().freed[a] === 0 && i >= 0 && i < view._n) return true;
  viewHost().badAccess(view, write, i, 1, `[${i}]`);
  return false;
}

/** The byte index a property key names (negative ones included: `b[-1]` is reported, not ignored). */
function byteIndex(key: string | symbol): number | undefined {
  return typeof key === 'string' && isIndex(key) ? Number(key) : undefined;
}

/** A buffer view of `bytes` bytes at `address` (offset `o` in the page view `d`) of allocation `allocId`. */
export function makeBufferView(d: DataView, o: number, allocId: number, address: number, bytes: number): StructView {
  return new Proxy(new BufferView(d, o, allocId, address, bytes), {
    get(target, key) {
      const i = byteIndex(key);
      if (i !== undefined) return byteAt(target, i);
      return Reflect.get(target, key, target);
    },
    set(target, key, value) {
      const i = byteIndex(key);
      if (i !== undefined) {
        if (usableByte(target, i, true)) target._d.setUint8(target._o + i, Number(value) & 255);
        return true;
      }
      if (key === 'text') {
        target.text = value as string;
        return true;
      }
      // Nothing else of a buffer can be assigned (its length is the block's).
      throw new TypeError(`a buffer has bytes b[0] … b[${target._n - 1}] and b.text; '${String(key)}' cannot be assigned`);
    },
    has(target, key) {
      const i = byteIndex(key);
      return key === 'length' || key === 'text' || (i !== undefined && i >= 0 && i < target._n);
    },
  });
}
