/**
 * The Block panel's field view: each field of a block's struct (any unit, picked by the user;
 * nested struct fields expanded) with its C type,
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
 * Appends the field table of one unit (0-based `unit`) of the block whose data begins at
 * `address`, reading the bytes of `heap`. A block of several units gets a unit picker: `onUnit`
 * is called with the unit the user picks (the caller keeps it and renders again). Nested struct
 * fields come as `outer.inner` rows after their struct's row. `select` is called with the address
 * a pointer link names.
 */
export function renderFieldView(
  container: HTMLElement,
  heap: LmmHeap,
  address: number,
  struct: { name: string; size: number; fields: RecordedField[] },
  units: number,
  select: (address: number) => void,
  unit = 0,
  onUnit: (unit: number) => void = () => {},
): void {
  if (struct.fields.length === 0) return;
  const shown = Math.min(Math.max(0, Math.floor(unit)), Math.max(0, units - 1));
  const unitStart = address + shown * struct.size;
  const page = heap.kernel.pageOf(unitStart);
  const bytes = heap.kernel.pageBytes(page);
  if (!bytes) return;
  const heading = units > 1 ? `Fields of ${struct.name} (unit ${shown + 1} of ${units})` : `Fields of ${struct.name}`;
  const table = el('table', { className: 'field-view', attrs: { 'aria-label': 'Fields', 'data-unit': String(shown + 1) } });
  table.append(el('tr', {}, ...['Field', 'C type', 'Offset', 'Value'].map((text) => el('th', { text }))));
  for (const field of struct.fields) {
    const value = fieldValue(bytes, unitStart - page + field.offset, field);
    const cell = el('td', { className: 'field-value' });
    if (value.pointer !== undefined) {
      const target = value.pointer;
      const link = el('button', { className: 'link', text: value.text, title: 'Select the block it points at' });
      link.addEventListener('click', () => select(target));
      cell.append(link);
    } else cell.textContent = value.text;
    const depth = field.name.split('.').length - 1;
    table.append(
      el(
        'tr',
        { attrs: { 'data-field': field.name, 'data-depth': String(depth) } },
        el('td', { text: field.name }),
        el('td', { text: field.type }),
        el('td', { text: String(field.offset) }),
        cell,
      ),
    );
  }
  container.append(el('h4', { text: heading }));
  if (units > 1) container.append(unitPicker(shown, units, onUnit));
  container.append(table);
}

/** "Unit [n] of N" with previous / next: picks which unit of a block the field table shows. */
function unitPicker(shown: number, units: number, onUnit: (unit: number) => void): HTMLElement {
  const input = el('input', {
    className: 'field-unit',
    attrs: { type: 'number', min: '1', max: String(units), value: String(shown + 1), 'aria-label': `Unit (1 to ${units})` },
  });
  input.addEventListener('change', () => {
    const picked = Math.round(Number(input.value));
    if (Number.isFinite(picked)) onUnit(Math.min(units, Math.max(1, picked)) - 1);
  });
  const previous = el('button', { className: 'link', text: '‹ previous', title: 'The previous unit' });
  previous.disabled = shown === 0;
  previous.addEventListener('click', () => onUnit(shown - 1));
  const next = el('button', { className: 'link', text: 'next ›', title: 'The next unit' });
  next.disabled = shown >= units - 1;
  next.addEventListener('click', () => onUnit(shown + 1));
  return el('div', { className: 'field-units' }, previous, ' Unit ', input, ` of ${units} `, next);
}
