/**
 * One C member → one harness field: its decorator (`@u32`, `@bits(u32, 3)`, `@cenum({…})`,
 * `@ptr(() => node_t)`, `@array(i16, 12)`, `@field(() => value_t)` …) and TypeScript type, and
 * what the lmm-studio import needs. A pointer the leak check cannot follow stays an integer of the
 * same size; a type with no harness equivalent stays bytes of its size and place (a note says so).
 */
import { SCALARS, type ScalarName } from '../cScalars';
import type { CRecord, CType } from './cDeclarations';
import type { CRecordLayouts, Note, SizeAlign } from './cRecordLayout';
import { recordLabel } from './cRecordLayout';

export interface Emitted {
  name: string;
  decorator: string;
  ts: string;
  /** Harness size and alignment of the emitted field. */
  size: number;
  align: number;
  /** Where C puts it (bytes). */
  offset: number;
  comment?: string;
  /** Where C puts it (bits), its bit-field width, and its attributes. */
  bit?: number;
  bits?: number | null;
  alignAttr?: number;
  packed?: boolean;
  /** The C member designator (for a compiler's offsetof), or null for a placeholder. */
  member?: string | null;
  /** The class of the record this field embeds (so a compiler can be asked about its members too). */
  embeds?: string;
}

export class HarnessFields {
  /** Names the harness imports from lmm-studio. */
  readonly used = new Set<string>(['MM_REG_STRUCT']);
  usesCArray = false;
  /** A `char *` field became `@ptr(buf)`: the harness imports the `Buf` type. */
  usesBuf = false;

  constructor(
    private readonly records: readonly CRecord[],
    private readonly layouts: CRecordLayouts,
    /** Classes that will exist (records without one are neither embedded nor pointed to by name). */
    private readonly classOf: (recordId: number) => string | undefined,
    private readonly note: Note,
  ) {}

  /** `@bits(storage, width)` for a bit-field, or null when its type is not an integer. */
  bitField(type: CType, width: number, name: string, offset: number, sa: SizeAlign): Emitted | null {
    let storage: string;
    if ((type.kind === 'scalar' || type.kind === 'char') && !SCALARS[type.scalar].float) {
      storage = type.scalar;
      this.used.add(storage);
    } else if (type.kind === 'enum') storage = this.enumDecorator(type);
    else return null;
    this.used.add('bits');
    const wide = type.kind === 'scalar' && SCALARS[type.scalar].bigint;
    return {
      name,
      decorator: `@bits(${storage}, ${width})`,
      ts: wide ? 'bigint' : 'number',
      size: sa.size,
      align: sa.align,
      offset,
    };
  }

  /** `cenum({ … })` with the enum's values (they decide its width and sign, as in C). */
  enumDecorator(type: CType & { kind: 'enum' }): string {
    this.used.add('cenum');
    // A value of 2^53 or more is written as a bigint (`1n << 63n` as 9223372036854775808n), exact.
    const values = [...new Set(type.values)].map((v, k) => `V${k}: ${typeof v === 'bigint' ? `${v}n` : v}`);
    return `cenum({ ${values.join(', ')} })`;
  }

  /** Bytes of the given size and place, as the widest integers that fit them. */
  placeholder(fieldName: string, offset: number, bytes: number, maxAlign: number, what: string): Emitted {
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
    this.used.add(scalar);
    const comment = `TODO(lmm import-c): ${what}`;
    if (count === 1) return { name: fieldName, decorator: `@${scalar}`, ts, size: bytes, align: element, offset, comment };
    this.used.add('array');
    this.usesCArray = true;
    return {
      name: fieldName,
      decorator: `@array(${scalar}, ${count})`,
      ts: `CArray<${ts}>`,
      size: bytes,
      align: element,
      offset,
      comment,
    };
  }

  /** The emitted field for a member, or null when it cannot be emitted at all. */
  translate(type: CType, name: string, label: string, line: number, offset: number, sa: SizeAlign): Emitted | null {
    const owner = `${label}.${name}`;
    const scalarField = (scalar: ScalarName, comment?: string): Emitted => {
      this.used.add(scalar);
      const { size, align } = SCALARS[scalar];
      return { name, decorator: `@${scalar}`, ts: tsOfScalar(scalar), size, align, offset, ...(comment ? { comment } : {}) };
    };
    switch (type.kind) {
      case 'scalar':
        // A packed enum is the integer gcc stores it in: the comment says which enum.
        return scalarField(type.scalar, type.c.startsWith('enum') ? `${type.c} in C` : undefined);
      case 'char':
        return scalarField(type.scalar, type.c);
      case 'enum':
        return {
          name,
          decorator: `@${this.enumDecorator(type)}`,
          ts: enumTs(type),
          size: sa.size,
          align: sa.align,
          offset,
          comment: `${type.c} in C`,
        };
      case 'pointer': {
        const target = this.structTarget(type.to);
        if (target !== null) {
          this.used.add('ptr');
          return { name, decorator: `@ptr(() => ${target})`, ts: `${target} | null`, size: 8, align: 8, offset };
        }
        if (type.to.kind === 'char') {
          // A C string: a buffer from XCALLOC_BUF, and a pointer the leak check follows.
          this.used.add('ptr');
          this.used.add('buf');
          this.usesBuf = true;
          return { name, decorator: '@ptr(buf)', ts: 'Buf | null', size: 8, align: 8, offset };
        }
        if (type.to.kind === 'function') {
          this.note(line, `${owner}: a function pointer has no harness equivalent; kept as u64 (same size)`);
          return scalarField('u64', 'TODO(lmm import-c): a function pointer in C; u64 keeps the layout');
        }
        if (type.to.kind === 'record') {
          const record = this.records[type.to.id]!;
          const why = !record.complete ? 'not defined in this header' : 'which has no harness class';
          this.note(line, `${owner}: points to ${recordLabel(record)}, ${why}; kept as u64 (the leak check will not follow it)`);
        }
        return scalarField(
          'u64',
          `${this.layouts.typeText(type)} in C: LMM follows only pointers to structs; u64 keeps the layout`,
        );
      }
      case 'record': {
        const target = this.classOf(type.id);
        if (target === undefined) {
          const what = `${this.layouts.typeText(type)} in C, which has no harness class: kept as bytes`;
          this.note(line, `${owner}: ${what}`);
          return this.placeholder(name, offset, sa.size, sa.align, what);
        }
        this.used.add('field');
        const align = this.classAlign(type.id, sa.align);
        return { name, decorator: `@field(() => ${target})`, ts: target, size: sa.size, align, offset, embeds: target };
      }
      case 'array':
        return this.translateArray(type, name, owner, line, offset, sa);
      case 'opaque':
        this.note(line, `${owner}: ${type.c} has no harness equivalent; kept as ${type.size} bytes`);
        return this.placeholder(name, offset, type.size, type.align, `${type.c} in C: kept as bytes`);
      default:
        return null;
    }
  }

  private translateArray(
    type: CType & { kind: 'array' },
    name: string,
    owner: string,
    line: number,
    offset: number,
    sa: SizeAlign,
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
    const product = (ds: number[]) => ds.reduce((a, b) => a * b, 1);
    const typeText = this.layouts.typeText(type);
    if (element.kind === 'char' && element.scalar === 'i8' && dims[dims.length - 1]! > 0) {
      const last = dims[dims.length - 1]!;
      this.used.add('char');
      if (dims.length === 1) return { name, decorator: `@char(${last})`, ts: 'string', size: last, align: 1, offset };
      const count = product(dims.slice(0, -1));
      this.used.add('array');
      this.usesCArray = true;
      return {
        name,
        decorator: `@array(char(${last}), ${count})`,
        ts: 'CArray<string>',
        size: sa.size,
        align: 1,
        offset,
        ...(dims.length > 2 ? { comment: `${typeText} in C: flattened to ${count} strings of ${last}` } : {}),
      };
    }
    const count = product(dims);
    let align = sa.align;
    const flatNote =
      dims.length > 1
        ? `${typeText} in C: flattened to ${count} elements`
        : type.vectorSize !== undefined
          ? `${typeText} in C`
          : undefined;
    let token: string | null = null;
    let ts = '';
    let comment = flatNote;
    if (element.kind === 'enum') {
      token = this.enumDecorator(element);
      ts = enumTs(element);
      comment = [flatNote, `${element.c} in C`].filter(Boolean).join('; ');
    } else if (element.kind === 'scalar' || element.kind === 'char') {
      this.used.add(element.scalar);
      token = element.scalar;
      ts = tsOfScalar(element.scalar);
    } else if (element.kind === 'pointer') {
      const target = this.structTarget(element.to);
      if (target !== null) {
        this.used.add('ptr');
        token = `ptr(() => ${target})`;
        ts = `${target} | null`;
      } else if (element.to.kind === 'char') {
        this.used.add('ptr');
        this.used.add('buf');
        this.usesBuf = true;
        token = 'ptr(buf)';
        ts = 'Buf | null';
      } else {
        if (element.to.kind === 'function')
          this.note(line, `${owner}: function pointers have no harness equivalent; kept as u64 each`);
        this.used.add('u64');
        token = 'u64';
        ts = 'bigint';
        comment = [
          flatNote,
          `${this.layouts.typeText(element)} elements in C: LMM follows only pointers to structs; u64 keeps the layout`,
        ]
          .filter(Boolean)
          .join('; ');
      }
    } else if (element.kind === 'record' && this.classOf(element.id) !== undefined) {
      const target = this.classOf(element.id)!;
      token = `() => ${target}`;
      ts = target;
      align = this.classAlign(element.id, align);
    }
    if (token === null) {
      this.note(line, `${owner}: ${typeText} has no harness equivalent; kept as ${sa.size} bytes`);
      return this.placeholder(name, offset, sa.size, sa.align, `${typeText} in C: kept as bytes`);
    }
    this.used.add('array');
    this.usesCArray = true;
    return {
      name,
      decorator: `@array(${token}, ${count})`,
      ts: `CArray<${ts}>`,
      size: sa.size,
      align,
      offset,
      ...(comment ? { comment } : {}),
    };
  }

  /**
   * The alignment a field of the record's class has in the harness: the class of a record named by
   * `typedef struct tag {…} T __attribute__((aligned(16)))` is T, 16-aligned, where C's plain
   * `struct tag` keeps its own (`own`); the caller says the difference with `@packed @aligned(own)`.
   */
  private classAlign(recordId: number, own: number): number {
    return Math.max(own, this.records[recordId]!.typedefAlign ?? 0);
  }

  private structTarget(type: CType): string | null {
    return type.kind === 'record' ? (this.classOf(type.id) ?? null) : null;
  }
}

function tsOfScalar(scalar: ScalarName): string {
  return SCALARS[scalar].bigint ? 'bigint' : 'number';
}

/** What a harness reads an enum field as: a bigint once one value is (cenum's own rule). */
function enumTs(type: CType & { kind: 'enum' }): 'number' | 'bigint' {
  return type.values.some((v) => typeof v === 'bigint') ? 'bigint' : 'number';
}
