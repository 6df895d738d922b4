/**
 * `lmm import-c`: C struct declarations → an annotated harness skeleton with the same layout.
 * Every struct becomes a `@struct class` whose fields carry the C types' decorators; what a
 * harness cannot express (unions, bit-fields, function pointers, long double, flexible array
 * members, unknown types) is kept as bytes of the same size and place where possible, and said
 * clearly: in `notes` (the CLI prints them on stderr) and as TODO comments in the output.
 * The C layout (x86-64 System V) is computed independently and checked against the harness
 * layout of what was emitted; explicit padding fields make them agree.
 */
import type { FieldLayout } from '../analysisInput';
import { alignUp } from '../cLayout';
import { CSyntaxError, tokenize } from './cTokens';
import { parseCHeader, type CHeader, type CProblem, type CRecord, type CType, type ScalarName } from './cDeclarations';

export interface ImportedStruct {
  /** The harness class name (= the struct name LMM registers). */
  name: string;
  /** How C names it: `struct node` or the typedef name. */
  cName: string;
  line: number;
  /** C layout; null when a member's type is unknown. */
  size: number | null;
  align: number | null;
  fields: FieldLayout[];
  /** The layout of the emitted harness class (equal to the C one unless a note says otherwise). */
  harnessSize: number | null;
}

export interface CImportResult {
  /** The harness skeleton (TypeScript). */
  source: string;
  structs: ImportedStruct[];
  /** What could not be translated (or only approximately), with header lines. */
  notes: CProblem[];
}

const SCALAR_SIZE: Record<ScalarName, number> = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8 };
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity Object Array ' +
    'String Number Boolean Symbol Map Set Date Error Math JSON Promise main'
  ).split(' '),
);

interface SizeAlign {
  size: number;
  align: number;
}

interface RecordLayout extends SizeAlign {
  /** Bit offset of each member (same order as `members`). */
  bitOffsets: number[];
}

interface Emitted {
  name: string;
  decorator: string;
  ts: string;
  /** Harness size and alignment of the emitted field. */
  size: number;
  align: number;
  /** Where C puts it. */
  offset: number;
  comment?: string;
}

export function importCHeader(text: string, file: string): CImportResult {
  const notes: CProblem[] = [];
  let header: CHeader;
  try {
    const { tokens, defines, pragmas } = tokenize(text);
    header = parseCHeader(tokens, defines);
    for (const pragma of pragmas) {
      if (/^pack\s*\(\s*(pop)?\s*\)$/.test(pragma.text)) continue; // back to the natural layout
      notes.push({
        line: pragma.line,
        message: `#pragma ${pragma.text}: LMM's harness lays structs out naturally; the layout here ignores it, so it differs from the compiler's`,
      });
    }
  } catch (error) {
    if (error instanceof CSyntaxError) {
      return { source: '', structs: [], notes: [{ line: error.line, message: error.reason }] };
    }
    throw error;
  }
  notes.push(...header.problems);
  const { records } = header;

  // ---- C layout
  const layouts = new Map<number, RecordLayout | null>();
  const computing = new Set<number>();
  const layoutNotes = new Set<string>();
  const note = (line: number, message: string) => {
    const key = `${line}:${message}`;
    if (layoutNotes.has(key)) return;
    layoutNotes.add(key);
    notes.push({ line, message });
  };

  function sizeAlign(type: CType, line: number, owner: string): SizeAlign | null {
    switch (type.kind) {
      case 'scalar':
      case 'char':
        return { size: SCALAR_SIZE[type.scalar], align: SCALAR_SIZE[type.scalar] };
      case 'enum':
        return { size: 4, align: 4 };
      case 'pointer':
        return { size: 8, align: 8 };
      case 'opaque':
        return { size: type.size, align: type.align };
      case 'array': {
        const element = sizeAlign(type.of, line, owner);
        if (element === null) return null;
        return { size: element.size * Math.max(0, type.length), align: element.align };
      }
      case 'record': {
        const layout = recordLayout(records[type.id]!);
        return layout === null ? null : { size: layout.size, align: layout.align };
      }
      case 'unknown':
        note(line, `${owner}: unknown type '${type.c}' (not declared in this header): its size is unknown`);
        return null;
      case 'void':
        note(line, `${owner}: a member cannot be void`);
        return null;
      case 'function':
        note(line, `${owner}: a member cannot be a function (a pointer to one can)`);
        return null;
    }
  }

  function recordLayout(record: CRecord): RecordLayout | null {
    if (layouts.has(record.id)) return layouts.get(record.id)!;
    const label = recordLabel(record);
    if (!record.complete) {
      note(record.line, `${label} is declared but not defined here: its layout is unknown`);
      layouts.set(record.id, null);
      return null;
    }
    if (computing.has(record.id)) {
      note(record.line, `${label} contains itself by value`);
      return null;
    }
    computing.add(record.id);
    let bit = 0;
    let align = 1;
    let size = 0;
    const bitOffsets: number[] = [];
    let unknown = false;
    for (const member of record.members) {
      const sa = sizeAlign(member.type, member.line, `${label}.${member.name ?? '(anonymous)'}`);
      if (sa === null) {
        unknown = true;
        bitOffsets.push(bit);
        continue;
      }
      if (record.kind === 'union') {
        bitOffsets.push(0);
        size = Math.max(size, member.bits !== null ? Math.ceil(member.bits / 8) : sa.size);
        align = Math.max(align, sa.align);
        continue;
      }
      if (member.bits !== null) {
        const unit = sa.size * 8;
        if (member.bits === 0) {
          bit = alignUp(bit, unit);
          bitOffsets.push(bit);
          continue;
        }
        // System V: a bit-field may not straddle a boundary of its declared type's alignment.
        if (Math.floor(bit / unit) !== Math.floor((bit + member.bits - 1) / unit)) bit = alignUp(bit, unit);
        bitOffsets.push(bit);
        bit += member.bits;
        if (member.name !== null) align = Math.max(align, sa.align);
        continue;
      }
      bit = alignUp(alignUp(bit, 8) / 8, sa.align) * 8;
      bitOffsets.push(bit);
      bit += sa.size * 8;
      align = Math.max(align, sa.align);
    }
    computing.delete(record.id);
    if (record.kind === 'struct') size = Math.ceil(bit / 8);
    const layout = unknown ? null : { size: alignUp(size, align), align, bitOffsets };
    layouts.set(record.id, layout);
    return layout;
  }

  // ---- class names: named structs, then anonymous ones used by value inside them
  const className = new Map<number, string>();
  const usedNames = new Set<string>();
  const claim = (wanted: string, line: number): string => {
    let name = wanted;
    if (RESERVED.has(name)) {
      name = `${wanted}_`;
      note(line, `'${wanted}' cannot name a class in TypeScript: the harness struct is '${name}' (registered under that name)`);
    }
    while (usedNames.has(name)) name += '_';
    usedNames.add(name);
    return name;
  };
  for (const record of records) {
    if (record.kind !== 'struct' || !record.complete) continue;
    const named = record.typedefNames[0] ?? record.tag;
    if (named !== null && named !== undefined) className.set(record.id, claim(named, record.line));
  }
  const order: CRecord[] = [];
  const placed = new Set<number>();
  const visit = (record: CRecord, parent: string | null, member: string | null) => {
    if (placed.has(record.id)) return;
    if (!className.has(record.id)) className.set(record.id, claim(`${parent}_${member ?? 'anon'}`, record.line));
    placed.add(record.id);
    const name = className.get(record.id)!;
    record.members.forEach((m, k) => {
      let t = m.type;
      while (t.kind === 'array') t = t.of;
      if (t.kind === 'record' && records[t.id]!.kind === 'struct' && records[t.id]!.complete) {
        visit(records[t.id]!, name, m.name ?? `anon${k}`);
      }
    });
    order.push(record);
  };
  for (const record of records) {
    if (record.kind === 'struct' && record.complete && (record.typedefNames.length > 0 || record.tag !== null))
      visit(record, null, null);
  }
  for (const record of records) {
    if (record.kind === 'union' && record.complete && record.tag !== null) {
      note(record.line, `union ${record.tag}: a harness has no unions; members of this type are kept as bytes of its size`);
    } else if (record.kind === 'union' && record.complete && record.typedefNames.length > 0) {
      note(
        record.line,
        `union ${record.typedefNames[0]}: a harness has no unions; members of this type are kept as bytes of its size`,
      );
    }
  }

  // ---- emission
  const used = new Set<string>(['struct', 'MM_REG_STRUCT']);
  let usesCArray = false;
  /** A `char *` field became `@ptr(buf)`: the harness imports the `Buf` type. */
  let usesBuf = false;
  const structs: ImportedStruct[] = [];
  const classes: string[] = [];

  for (const record of order) {
    const name = className.get(record.id)!;
    const layout = recordLayout(record);
    const label = recordLabel(record);
    const emitted: Emitted[] = [];
    const fields: FieldLayout[] = [];
    const members = record.members;
    for (let k = 0; k < members.length; k++) {
      const member = members[k]!;
      const offsetBits = layout?.bitOffsets[k] ?? 0;
      const offset = Math.floor(offsetBits / 8);
      if (member.bits !== null) {
        // A run of bit-fields becomes one byte range.
        let end = k;
        let endBit = offsetBits + member.bits;
        while (end + 1 < members.length && members[end + 1]!.bits !== null) {
          end++;
          endBit = Math.max(endBit, (layout?.bitOffsets[end] ?? 0) + members[end]!.bits!);
        }
        const run = members.slice(k, end + 1);
        const bytes = Math.ceil(endBit / 8) - offset;
        const description = run.map((m) => `${m.name ?? '(unnamed)'}:${m.bits}`).join(', ');
        note(
          member.line,
          `${label}: bit-fields ${description} have no harness equivalent; kept as ${bytes} byte(s) at offset ${offset}`,
        );
        if (bytes > 0) {
          emitted.push(
            placeholder(
              `bits_${run.find((m) => m.name !== null)?.name ?? offset}`,
              offset,
              bytes,
              storageSize(member.type),
              `bit-fields ${description}`,
            ),
          );
          for (const m of run) {
            if (m.name !== null)
              fields.push({ name: m.name, type: `${cTypeText(m.type)}:${m.bits}`, offset, size: bytes, align: 1 });
          }
        }
        k = end;
        continue;
      }
      const memberName = member.name === null ? `anon${k}` : member.name === 'constructor' ? 'constructor_' : member.name;
      if (member.name === 'constructor') note(member.line, `${label}.constructor cannot be a class field: renamed constructor_`);
      const sa = layout === null ? null : sizeAlign(member.type, member.line, `${label}.${memberName}`);
      if (sa !== null) fields.push({ name: memberName, type: cTypeText(member.type), offset, size: sa.size, align: sa.align });
      const translated = translate(member.type, memberName, label, member.line, offset, sa);
      if (translated !== null) emitted.push(translated);
    }

    // Explicit padding wherever the harness would place a field before C does.
    const finalFields: Emitted[] = [];
    let at = 0;
    let harnessAlign = 1;
    let mismatch = false;
    for (const f of emitted) {
      const placedAt = alignUp(at, f.align);
      if (layout !== null && placedAt < f.offset) {
        finalFields.push(placeholder(`_pad${at}`, at, f.offset - at, 1, 'padding C adds here'));
        at = f.offset;
      }
      const start = alignUp(at, f.align);
      if (layout !== null && start !== f.offset) mismatch = true;
      finalFields.push(f);
      at = start + f.size;
      harnessAlign = Math.max(harnessAlign, f.align);
    }
    if (layout !== null && alignUp(at, harnessAlign) < layout.size) {
      finalFields.push(
        placeholder(
          `_pad${at}`,
          at,
          layout.size - at,
          1,
          'tail padding C adds (its alignment comes from a member kept as bytes)',
        ),
      );
      at = layout.size;
    }
    const harnessSize = alignUp(at, harnessAlign);
    if (layout !== null && (mismatch || harnessSize !== layout.size)) {
      note(
        record.line,
        `${label}: the harness layout (${harnessSize} bytes) differs from C's (${layout.size} bytes); see the TODO comments`,
      );
    }
    structs.push({
      name,
      cName: label,
      line: record.line,
      size: layout?.size ?? null,
      align: layout?.align ?? null,
      fields,
      harnessSize,
    });
    const lines = [
      `/** ${label} (${file}:${record.line}): ${layout === null ? 'size unknown in C' : `${layout.size} bytes, align ${layout.align}`}. */`,
      '@struct',
      `class ${name} {`,
    ];
    for (const f of finalFields) {
      if (f.comment) lines.push(`  // ${f.comment}`);
      lines.push(`  ${f.decorator} ${f.name}!: ${f.ts};`);
    }
    lines.push('}');
    classes.push(lines.join('\n'));
  }

  function placeholder(fieldName: string, offset: number, bytes: number, maxAlign: number, what: string): Emitted {
    let element = 1;
    for (const candidate of [8, 4, 2]) {
      if (candidate <= Math.max(1, maxAlign) && bytes % candidate === 0 && offset % candidate === 0) {
        element = candidate;
        break;
      }
    }
    const scalar = ({ 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' } as const)[element as 1 | 2 | 4 | 8];
    const count = bytes / element;
    const ts = element === 8 ? 'bigint' : 'number';
    used.add(scalar);
    const todo = what.startsWith('padding') || what.startsWith('tail padding') ? what : `TODO(lmm import-c): ${what}`;
    if (count === 1) return { name: fieldName, decorator: `@${scalar}`, ts, size: bytes, align: element, offset, comment: todo };
    used.add('array');
    usesCArray = true;
    return {
      name: fieldName,
      decorator: `@array(${scalar}, ${count})`,
      ts: `CArray<${ts}>`,
      size: bytes,
      align: element,
      offset,
      comment: todo,
    };
  }

  /** The emitted field for a member, or null when it cannot be emitted at all. */
  function translate(
    type: CType,
    name: string,
    label: string,
    line: number,
    offset: number,
    sa: SizeAlign | null,
  ): Emitted | null {
    const owner = `${label}.${name}`;
    const scalarField = (scalar: ScalarName, comment?: string): Emitted => {
      used.add(scalar);
      const size = SCALAR_SIZE[scalar];
      return {
        name,
        decorator: `@${scalar}`,
        ts: tsOfScalar(scalar),
        size,
        align: size,
        offset,
        ...(comment ? { comment } : {}),
      };
    };
    switch (type.kind) {
      case 'scalar':
        return scalarField(type.scalar);
      case 'char':
        return scalarField(type.scalar, type.c);
      case 'enum':
        return scalarField('i32', `${type.c} in C`);
      case 'pointer': {
        const target = structTarget(type.to);
        if (target !== null) {
          used.add('ptr');
          return { name, decorator: `@ptr(() => ${target})`, ts: `${target} | null`, size: 8, align: 8, offset };
        }
        if (type.to.kind === 'char') {
          // A C string: a buffer from XCALLOC_BUF, and a pointer the leak check follows.
          used.add('ptr');
          used.add('buf');
          usesBuf = true;
          return { name, decorator: '@ptr(buf)', ts: 'Buf | null', size: 8, align: 8, offset };
        }
        if (type.to.kind === 'function') {
          note(line, `${owner}: a function pointer has no harness equivalent; kept as u64 (same size)`);
          return scalarField('u64', 'TODO(lmm import-c): a function pointer in C; u64 keeps the layout');
        }
        if (type.to.kind === 'record' && records[type.to.id]!.kind === 'struct' && !records[type.to.id]!.complete) {
          note(
            line,
            `${owner}: points to ${recordLabel(records[type.to.id]!)}, not defined in this header; kept as u64 (the leak check will not follow it)`,
          );
        }
        return scalarField('u64', `${cTypeText(type)} in C: LMM follows only pointers to structs; u64 keeps the layout`);
      }
      case 'record': {
        const record = records[type.id]!;
        if (record.kind === 'struct' && className.has(record.id) && sa !== null) {
          used.add('field');
          const target = className.get(record.id)!;
          return { name, decorator: `@field(() => ${target})`, ts: target, size: sa.size, align: sa.align, offset };
        }
        if (sa === null) return null;
        note(line, `${owner}: ${recordLabel(record)} has no harness equivalent (a union); kept as ${sa.size} bytes`);
        return placeholder(name, offset, sa.size, sa.align, `${cTypeText(type)} in C (a union): kept as bytes`);
      }
      case 'array':
        return translateArray(type, name, owner, line, offset, sa);
      case 'opaque':
        note(line, `${owner}: ${type.c} has no harness equivalent; kept as ${type.size} bytes`);
        return placeholder(name, offset, type.size, type.align, `${type.c} in C: kept as bytes`);
      default:
        note(line, `${owner}: not translated (${cTypeText(type)}); the struct's layout will differ`);
        return null;
    }
  }

  function translateArray(
    type: CType & { kind: 'array' },
    name: string,
    owner: string,
    line: number,
    offset: number,
    sa: SizeAlign | null,
  ): Emitted | null {
    const dims: number[] = [];
    let element: CType = type;
    while (element.kind === 'array') {
      dims.push(element.length);
      element = element.of;
    }
    if (dims.some((d) => d <= 0)) {
      note(
        line,
        `${owner}: a flexible (or zero-length) array member has no harness equivalent and takes no bytes in the struct; allocate its elements as a block of their own`,
      );
      return null;
    }
    if (sa === null) return null;
    const product = (ds: number[]) => ds.reduce((a, b) => a * b, 1);
    if (element.kind === 'char' && element.scalar === 'i8') {
      const last = dims[dims.length - 1]!;
      if (dims.length === 1) {
        used.add('char');
        return { name, decorator: `@char(${last})`, ts: 'string', size: last, align: 1, offset };
      }
      const count = product(dims.slice(0, -1));
      used.add('char');
      used.add('array');
      usesCArray = true;
      return {
        name,
        decorator: `@array(char(${last}), ${count})`,
        ts: 'CArray<string>',
        size: sa.size,
        align: 1,
        offset,
        ...(dims.length > 2 ? { comment: `${cTypeText(type)} in C: flattened to ${count} strings of ${last}` } : {}),
      };
    }
    const count = product(dims);
    const flatNote = dims.length > 1 ? `${cTypeText(type)} in C: flattened to ${count} elements` : undefined;
    let token: string | null = null;
    let ts = '';
    let comment = flatNote;
    if (element.kind === 'scalar' || element.kind === 'char' || element.kind === 'enum') {
      const scalar = element.kind === 'enum' ? 'i32' : element.scalar;
      used.add(scalar);
      token = scalar;
      ts = tsOfScalar(scalar);
      if (element.kind === 'enum') comment = [flatNote, `${element.c} in C`].filter(Boolean).join('; ');
    } else if (element.kind === 'pointer') {
      const target = structTarget(element.to);
      if (target !== null) {
        used.add('ptr');
        token = `ptr(() => ${target})`;
        ts = `${target} | null`;
      } else if (element.to.kind === 'char') {
        used.add('ptr');
        used.add('buf');
        usesBuf = true;
        token = 'ptr(buf)';
        ts = 'Buf | null';
      } else {
        if (element.to.kind === 'function')
          note(line, `${owner}: function pointers have no harness equivalent; kept as u64 each`);
        used.add('u64');
        token = 'u64';
        ts = 'bigint';
        comment = [flatNote, `${cTypeText(element)} elements in C: LMM follows only pointers to structs; u64 keeps the layout`]
          .filter(Boolean)
          .join('; ');
      }
    } else if (element.kind === 'record' && records[element.id]!.kind === 'struct' && className.has(element.id)) {
      const target = className.get(element.id)!;
      token = `() => ${target}`;
      ts = target;
    }
    if (token === null) {
      note(line, `${owner}: ${cTypeText(type)} has no harness equivalent; kept as ${sa.size} bytes`);
      return placeholder(name, offset, sa.size, sa.align, `${cTypeText(type)} in C: kept as bytes`);
    }
    used.add('array');
    usesCArray = true;
    return {
      name,
      decorator: `@array(${token}, ${count})`,
      ts: `CArray<${ts}>`,
      size: sa.size,
      align: sa.align,
      offset,
      ...(comment ? { comment } : {}),
    };
  }

  function structTarget(type: CType): string | null {
    if (type.kind !== 'record') return null;
    const record = records[type.id]!;
    return record.kind === 'struct' && record.complete ? (className.get(record.id) ?? null) : null;
  }

  function recordLabel(record: CRecord): string {
    return (
      record.typedefNames[0] ??
      (record.tag !== null ? `${record.kind} ${record.tag}` : `anonymous ${record.kind} (line ${record.line})`)
    );
  }

  function cTypeText(type: CType): string {
    switch (type.kind) {
      case 'scalar':
      case 'char':
        return type.c;
      case 'enum':
        return type.c;
      case 'record':
        return recordLabel(records[type.id]!);
      case 'pointer': {
        if (type.to.kind === 'function') return 'function pointer';
        const target = cTypeText(type.to);
        return target.endsWith('*') ? `${target}*` : `${target} *`;
      }
      case 'array': {
        let dims = '';
        let element: CType = type;
        while (element.kind === 'array') {
          dims += `[${element.length < 0 ? '' : element.length}]`;
          element = element.of;
        }
        return cTypeText(element) + dims;
      }
      case 'function':
        return 'function';
      case 'void':
        return 'void';
      case 'opaque':
      case 'unknown':
        return type.c;
    }
  }

  /** The size of a bit-field's declared type (its storage unit). */
  function storageSize(type: CType): number {
    return type.kind === 'scalar' || type.kind === 'char' ? SCALAR_SIZE[type.scalar] : type.kind === 'enum' ? 4 : 1;
  }

  // ---- the file
  const imported = [...used].filter((n) => n !== 'MM_REG_STRUCT').sort();
  const out: string[] = [];
  out.push(`// Generated by \`lmm import-c\` from ${file}: the structs' C layout (x86-64), as a harness.`);
  for (const s of structs) {
    out.push(
      `//   ${s.name}: ${s.size === null ? 'size unknown' : `${s.size} bytes, align ${s.align}`} in C (${s.cName}, line ${s.line})`,
    );
  }
  if (notes.length > 0) {
    out.push('// Not translated, or only as bytes (see the TODO comments):');
    for (const n of [...notes].sort((a, b) => a.line - b.line)) out.push(`//   ${file}:${n.line}: ${n.message}`);
  }
  out.push(
    `import { ${[...imported, 'MM_REG_STRUCT'].join(', ')}${usesBuf ? ', type Buf' : ''}${usesCArray ? ', type CArray' : ''} } from 'lmm-studio';`,
    '',
  );
  out.push(...classes.map((c) => c + '\n'));
  out.push('export default function main(): void {');
  for (const s of structs) out.push(`  MM_REG_STRUCT(${s.name});`);
  const first = structs[0]?.name;
  if (first !== undefined) {
    out.push(
      '  // Allocate, link and free as the C program does, e.g.:',
      `  // const p = XCALLOC(1, ${first});`,
      '  // mm_register_root(p);  // what a global variable of the program holds',
      '  // XFREE(p);',
    );
  }
  out.push('}', '');
  notes.sort((a, b) => a.line - b.line);
  return { source: out.join('\n'), structs, notes };
}

function tsOfScalar(scalar: ScalarName): string {
  return scalar === 'u64' || scalar === 'i64' ? 'bigint' : 'number';
}
