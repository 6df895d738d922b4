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
import { enumStorage, placeMembers, type MemberSpec, type RecordSpec } from '../cLayout';
import { SCALARS } from '../cScalars';
import { preprocess, type PreprocessOptions } from './cPreprocessor';
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
  /**
   * 'written': a class with C's exact layout; 'flagged': a class with C's exact layout, but a
   * member kept as bytes or as an integer (see the notes); 'dropped': no class, because its
   * layout is unknown or the harness could not make it exactly.
   */
  status: 'written' | 'flagged' | 'dropped';
  /** The C member designators of the class's fields (for asking a compiler), null for none. */
  cMembers: ({ field: string; member: string; bit: number; bits: number | null } | null)[];
}

export interface CImportOptions extends PreprocessOptions {
  /** The text is already preprocessed (a compiler's `-E` output, with its line markers). */
  preprocessed?: boolean;
  /** Structs (by their C name) the compiler lays out differently: no class, and this reason. */
  refused?: ReadonlyMap<string, string>;
}

export interface CImportResult {
  /** The harness skeleton (TypeScript). */
  source: string;
  structs: ImportedStruct[];
  /** What could not be translated (or only approximately), with header lines. */
  notes: CProblem[];
}

const SCALAR_SIZE = (scalar: ScalarName): number => SCALARS[scalar].size;
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
  /** Where C puts it (bytes). */
  offset: number;
  comment?: string;
  /** Filled in by the emission loop: */
  bit?: number;
  bits?: number | null;
  alignAttr?: number;
  packed?: boolean;
  /** The C member designator (for a compiler's offsetof), or null for a placeholder. */
  member?: string | null;
}

export function importCHeader(text: string, file: string, options: CImportOptions = {}): CImportResult {
  const notes: CProblem[] = [];
  let header: CHeader;
  let source = text;
  const packedRanges: { line: number; end: number; text: string; file?: string }[] = [];
  if (options.preprocessed !== true) {
    const result = preprocess(text, file, options);
    source = result.text;
    notes.push(...result.problems);
  }
  try {
    const { tokens, defines, pragmas } = tokenize(source);
    header = parseCHeader(tokens, defines, (type) => {
      const sa = sizeAlign(type, 0, 'sizeof');
      return sa === null ? null : sa.size;
    });
    // Structs between a `#pragma pack(N)` and the `pack()` / `pack(pop)` that ends it get no class.
    let open: { line: number; text: string; file?: string } | null = null;
    for (const pragma of pragmas) {
      const ends = /^pack\s*\(\s*(pop)?\s*\)$/.test(pragma.text);
      if (open !== null && open.file === pragma.file) packedRanges.push({ ...open, end: pragma.line });
      open = ends ? null : pragma;
    }
    if (open !== null) packedRanges.push({ ...open, end: Infinity });
  } catch (error) {
    if (error instanceof CSyntaxError) {
      return { source: '', structs: [], notes: [...notes, { line: error.line, message: error.reason }] };
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
        return { size: SCALAR_SIZE(type.scalar), align: SCALAR_SIZE(type.scalar) };
      case 'enum': {
        const storage = enumStorage(type.values, false);
        return { size: storage.size, align: storage.align };
      }
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
    const specs: MemberSpec[] = [];
    let unknown = false;
    for (const member of record.members) {
      const sa = sizeAlign(member.type, member.line, `${label}.${member.name ?? '(anonymous)'}`);
      if (sa === null) unknown = true;
      specs.push({
        size: sa?.size ?? 0,
        align: sa?.align ?? 1,
        bits: member.bits,
        named: member.name !== null || member.bits === null,
        alignAttr: member.alignAttr,
        packed: member.packed,
      });
    }
    computing.delete(record.id);
    const layout = unknown ? null : placeMembers(recordSpec(record), specs);
    layouts.set(record.id, layout);
    return layout;
  }

  function recordSpec(record: CRecord): RecordSpec {
    return { kind: record.kind, packed: record.packed, alignAttr: record.alignAttr };
  }

  // ---- class names: named structs and unions, then anonymous ones used by value inside them
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
    if (!record.complete || record.system) continue;
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
      if (t.kind === 'record' && records[t.id]!.complete) {
        visit(records[t.id]!, name, m.name ?? `anon${k}`);
      }
    });
    order.push(record);
  };
  for (const record of records) {
    if (record.complete && !record.system && (record.typedefNames.length > 0 || record.tag !== null)) visit(record, null, null);
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
    const notesBefore = notes.length;
    let dropped: string | null = layout === null ? 'its layout is unknown (see the messages about its members)' : null;
    const pragma = packedRanges.find((r) => r.file === record.file && r.line < record.line && record.line < r.end);
    if (pragma !== undefined)
      dropped = `it is under #pragma ${pragma.text} (line ${pragma.line}), which the importer does not follow`;
    const refused = options.refused?.get(label);
    if (refused !== undefined) dropped = refused;
    record.members.forEach((member, k) => {
      if (dropped !== null) return;
      const bit = layout!.bitOffsets[k]!;
      const offset = Math.floor(bit / 8);
      const memberName =
        member.name === null
          ? member.bits !== null
            ? `_unnamed${k}`
            : `anon${k}`
          : member.name === 'constructor'
            ? 'constructor_'
            : member.name;
      if (member.name === 'constructor') note(member.line, `${label}.constructor cannot be a class field: renamed constructor_`);
      const sa = sizeAlign(member.type, member.line, `${label}.${memberName}`);
      if (sa === null) {
        dropped = `${label}.${memberName} has no known size`;
        return;
      }
      let translated: Emitted | null;
      if (member.bits !== null) {
        const storage = bitFieldStorage(member.type);
        if (storage === null) {
          dropped = `${label}.${memberName}: a bit-field of ${cTypeText(member.type)} is not an integer type`;
          return;
        }
        used.add('bits');
        if (storage.startsWith('u') || storage.startsWith('i')) used.add(storage);
        const wide = member.type.kind === 'scalar' && SCALARS[member.type.scalar].bigint;
        translated = {
          name: memberName,
          decorator: `@bits(${storage}, ${member.bits})`,
          ts: wide ? 'bigint' : 'number',
          size: sa.size,
          align: sa.align,
          offset,
        };
        if (member.name !== null)
          fields.push({
            name: memberName,
            type: `${cTypeText(member.type)}:${member.bits}`,
            offset,
            size: sa.size,
            align: sa.align,
          });
      } else {
        fields.push({ name: memberName, type: cTypeText(member.type), offset, size: sa.size, align: sa.align });
        translated = translate(member.type, memberName, label, member.line, offset, sa);
      }
      if (translated === null) {
        dropped = `${label}.${memberName} (${cTypeText(member.type)}) has no harness equivalent`;
        return;
      }
      translated.bit = bit;
      translated.bits = member.bits;
      translated.alignAttr = member.alignAttr;
      translated.packed = member.packed;
      translated.member = member.name ?? null;
      emitted.push(translated);
    });

    // The harness lays the emitted fields out with the same rules: any difference (an unnamed
    // bit-field that a harness field must name, a member kept as bytes) means no class.
    let harnessSize: number | null = null;
    if (dropped === null) {
      const placed = placeMembers(
        recordSpec(record),
        emitted.map((e) => ({
          size: e.size,
          align: e.align,
          bits: e.bits ?? null,
          named: e.bits !== 0,
          alignAttr: e.alignAttr ?? 0,
          packed: e.packed ?? false,
        })),
      );
      harnessSize = placed.size;
      const moved = emitted.findIndex((e, k) => placed.bitOffsets[k] !== e.bit);
      if (moved >= 0)
        dropped = `the harness would place ${emitted[moved]!.name} at bit ${placed.bitOffsets[moved]}, C at bit ${emitted[moved]!.bit}`;
      else if (placed.size !== layout!.size || placed.align !== layout!.align)
        dropped = `the harness class would be ${placed.size} bytes (align ${placed.align}), C's is ${layout!.size} (align ${layout!.align})`;
    }
    const status: ImportedStruct['status'] = dropped !== null ? 'dropped' : notes.length > notesBefore ? 'flagged' : 'written';
    if (dropped !== null) note(record.line, `${label}: no harness class: ${dropped}`);
    structs.push({
      name,
      cName: label,
      line: record.line,
      size: layout?.size ?? null,
      align: layout?.align ?? null,
      fields,
      harnessSize: dropped === null ? harnessSize : null,
      status,
      cMembers: emitted.map((e) =>
        e.member ? { field: e.name, member: e.member, bit: e.bit ?? 0, bits: e.bits ?? null } : null,
      ),
    });
    const where = `${record.file ?? file}:${record.line}`;
    if (dropped !== null) {
      classes.push(`// ${label} (${where}): not imported: ${dropped}.`);
      continue;
    }
    const recordOptions: string[] = [];
    if (record.packed) recordOptions.push('packed: true');
    if (record.alignAttr > 0) recordOptions.push(`aligned: ${record.alignAttr}`);
    const decorator = `@${record.kind}${recordOptions.length > 0 ? `({ ${recordOptions.join(', ')} })` : ''}`;
    used.add(record.kind);
    const lines = [`/** ${label} (${where}): ${layout!.size} bytes, align ${layout!.align}. */`, decorator, `class ${name} {`];
    for (const f of emitted) {
      if (f.comment) lines.push(`  // ${f.comment}`);
      const attributes = `${f.alignAttr ? `@aligned(${f.alignAttr}) ` : ''}${f.packed ? '@packed ' : ''}`;
      if (f.alignAttr) used.add('aligned');
      if (f.packed) used.add('packed');
      lines.push(`  ${attributes}${f.decorator} ${f.name}!: ${f.ts};`);
    }
    lines.push('}');
    classes.push(lines.join('\n'));
  }

  /** The decorator token of a bit-field's declared type, or null when it is not an integer. */
  function bitFieldStorage(type: CType): string | null {
    if (type.kind === 'scalar' || type.kind === 'char') return SCALARS[type.scalar].float ? null : type.scalar;
    if (type.kind === 'enum') {
      used.add('cenum');
      return enumDecorator(type);
    }
    return null;
  }

  function enumDecorator(type: CType & { kind: 'enum' }): string {
    const names = [...new Set(type.values)].map((v, k) => `V${k}: ${v}`);
    return `cenum({ ${names.join(', ')} })`;
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
      const size = SCALAR_SIZE(scalar);
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
        used.add('cenum');
        return {
          name,
          decorator: `@${enumDecorator(type)}`,
          ts: 'number',
          size: sa!.size,
          align: sa!.align,
          offset,
          comment: `${type.c} in C`,
        };
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
        if (className.has(record.id) && sa !== null) {
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
    if (dims.slice(1).some((d) => d <= 0)) return null;
    // A flexible array member (`T data[]`) is `@array(T, 0)`: its offset and alignment, no bytes.
    if (dims[0]! < 0) dims[0] = 0;
    if (sa === null) return null;
    const product = (ds: number[]) => ds.reduce((a, b) => a * b, 1);
    if (element.kind === 'char' && element.scalar === 'i8' && dims[dims.length - 1]! > 0) {
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
    if (element.kind === 'enum') {
      used.add('cenum');
      token = enumDecorator(element);
      ts = 'number';
      comment = [flatNote, `${element.c} in C`].filter(Boolean).join('; ');
    } else if (element.kind === 'scalar' || element.kind === 'char') {
      const scalar = element.scalar;
      used.add(scalar);
      token = scalar;
      ts = tsOfScalar(scalar);
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
    } else if (element.kind === 'record' && className.has(element.id)) {
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
    return record.complete ? (className.get(record.id) ?? null) : null;
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
  return SCALARS[scalar].bigint ? 'bigint' : 'number';
}
