/**
 * The Block panel's field view: each field of a block's struct (first unit) with its C type,
 * offset and value, decoded from the block's bytes at the selected step (the program's writes
 * included). A pointer's value is a link that selects the block it points at.
 */
import type { RecordedField } from '../../src/engine/heapOps';
import type { LmmHeap } from '../../src/engine/lmmHeap';
import { el } from './dom';

/** Most bytes a value shows as hex when its type is not decoded (a nested struct, an array). */
const HEX_VALUE_MAX = 16;

/** A field's value as text, and the address it points at for a non-null pointer. */
export function fieldValue(bytes: Uint8Array, at: number, field: RecordedField): { text: string; pointer?: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { type, size } = field;
  if (at < 0 || at + size > bytes.length) return { text: '(outside the page)' };
  if (type.endsWith('*') && size === 8) {
    const address = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    return address === 0 ? { text: 'NULL' } : { text: `0x${address.toString(16)}`, pointer: address };
  }
  if (/^char\[\d+\]$/.test(type)) {
    let text = '';
    for (let i = 0; i < size && bytes[at + i] !== 0; i++) {
      const b = bytes[at + i]!;
      text += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
    }
    return { text: `"${text}"` };
  }
  const scalar = /^([uif])(8|16|32|64)$/.exec(type);
  if (scalar && Number(scalar[2]) / 8 === size) {
    const [, sign, bits] = scalar;
    if (sign === 'f') return { text: String(bits === '32' ? view.getFloat32(at, true) : view.getFloat64(at, true)) };
    if (bits === '64') return { text: String(sign === 'u' ? view.getBigUint64(at, true) : view.getBigInt64(at, true)) };
    if (bits === '32') return { text: String(sign === 'u' ? view.getUint32(at, true) : view.getInt32(at, true)) };
    if (bits === '16') return { text: String(sign === 'u' ? view.getUint16(at, true) : view.getInt16(at, true)) };
    return { text: String(sign === 'u' ? view.getUint8(at) : view.getInt8(at)) };
  }
  let hex = '';
  for (let i = 0; i < Math.min(size, HEX_VALUE_MAX); i++) hex += bytes[at + i]!.toString(16).padStart(2, '0') + ' ';
  return { text: hex.trimEnd() + (size > HEX_VALUE_MAX ? ' …' : '') };
}

/**
 * Appends the field table of the block whose data begins at `address` (its first unit of
 * `struct`), reading the bytes of `heap`; `select` is called with the address a pointer link names.
 */
export function renderFieldView(
  container: HTMLElement,
  heap: LmmHeap,
  address: number,
  struct: { name: string; size: number; fields: RecordedField[] },
  units: number,
  select: (address: number) => void,
): void {
  const page = heap.kernel.pageOf(address);
  const bytes = heap.kernel.pageBytes(page);
  if (!bytes || struct.fields.length === 0) return;
  const heading = units > 1 ? `Fields of ${struct.name} (unit 1 of ${units})` : `Fields of ${struct.name}`;
  const table = el('table', { className: 'field-view', attrs: { 'aria-label': 'Fields' } });
  table.append(el('tr', {}, ...['Field', 'C type', 'Offset', 'Value'].map((text) => el('th', { text }))));
  for (const field of struct.fields) {
    const value = fieldValue(bytes, address - page + field.offset, field);
    const cell = el('td', { className: 'field-value' });
    if (value.pointer !== undefined) {
      const target = value.pointer;
      const link = el('button', { className: 'link', text: value.text, title: 'Select the block it points at' });
      link.addEventListener('click', () => select(target));
      cell.append(link);
    } else cell.textContent = value.text;
    table.append(
      el(
        'tr',
        { attrs: { 'data-field': field.name } },
        el('td', { text: field.name }),
        el('td', { text: field.type }),
        el('td', { text: String(field.offset) }),
        cell,
      ),
    );
  }
  container.append(el('h4', { text: heading }), table);
}
