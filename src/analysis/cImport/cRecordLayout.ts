/**
 * The C layout (x86-64, as gcc makes it) of the records a header declares: each type's size and
 * alignment, each record's member bit offsets, and how C spells a type in messages. A member
 * whose size cannot be known (an unknown type, an undefined struct) leaves its record without a
 * layout, said in a note.
 */
import { enumStorage, placeMembers, type MemberSpec, type PlacedRecord, type RecordSpec } from '../cLayout';
import { POINTER_SIZE, SCALARS } from '../cScalars';
import type { CRecord, CType } from './cDeclarations';

export interface SizeAlign {
  size: number;
  align: number;
}

/**
 * Records a message at a line. `where.file` names the included file the line is in (undefined: the
 * header itself); without `where`, the line is in the file of the record being translated.
 */
/**
 * `where`: the file the line is in (without the key, that of the record being translated), and
 * the name the note is about, for its column on that line.
 */
export type Note = (line: number, message: string, where?: { file?: string | undefined; word?: string }) => void;

export class CRecordLayouts {
  private readonly layouts = new Map<number, PlacedRecord | null>();
  private readonly computing = new Set<number>();
  /** The file of the record whose members are being laid out (its member lines are in it). */
  private memberFile: { file: string | undefined } | undefined;

  constructor(
    private readonly records: readonly CRecord[],
    private readonly note: Note,
    /** Types an `aligned(N)` typedef gives alignment N (CHeader.typedefAligns). */
    private readonly typedefAligns: WeakMap<CType, number> = new WeakMap(),
  ) {}

  /** The alignment an `aligned(N)` typedef gives `type` or its array elements, or undefined. */
  typedefAlign(type: CType): number | undefined {
    for (let t = type; ; t = t.of) {
      const align = this.typedefAligns.get(t);
      if (align !== undefined || t.kind !== 'array') return align;
    }
  }

  /**
   * C's size and alignment of `type`. `withTypedefAlign` false: as if no typedef of it (or of its
   * array elements) had an `aligned(N)`: what a harness field of that type gets by itself.
   */
  sizeAlign(type: CType, line: number, owner: string, withTypedefAlign = true): SizeAlign | null {
    const own = this.plainSizeAlign(type, line, owner, withTypedefAlign);
    const align = withTypedefAlign ? this.typedefAligns.get(type) : undefined;
    return own === null || align === undefined ? own : { size: own.size, align };
  }

  /**
   * `sizeAlign` for `sizeof(type)` / `_Alignof(type)` in a constant expression at `line` of `file`
   * (undefined: the header): a message about the type is given there.
   */
  measure(type: CType, line: number, file: string | undefined, owner: string): SizeAlign | null {
    const outer = this.memberFile;
    this.memberFile = { file };
    try {
      return this.sizeAlign(type, line, owner);
    } finally {
      this.memberFile = outer;
    }
  }

  private plainSizeAlign(type: CType, line: number, owner: string, withTypedefAlign: boolean): SizeAlign | null {
    switch (type.kind) {
      case 'scalar':
      case 'char':
        return { size: SCALARS[type.scalar].size, align: SCALARS[type.scalar].align };
      case 'enum': {
        const storage = enumStorage(type.values, false);
        return { size: storage.size, align: storage.align };
      }
      case 'pointer':
        return { size: POINTER_SIZE, align: POINTER_SIZE };
      case 'opaque':
        return { size: type.size, align: type.align };
      case 'array': {
        const element = this.sizeAlign(type.of, line, owner, withTypedefAlign);
        if (element === null) return null;
        const size = element.size * Math.max(0, type.length);
        if (!Number.isSafeInteger(size)) {
          // Named exactly: past 2^53 the product of two doubles may be rounded.
          const exactSize = BigInt(element.size) * BigInt(Math.max(0, type.length));
          this.note(
            line,
            `${owner}: ${exactSize} bytes, 2^53 or more, where the importer's arithmetic is not exact`,
            this.memberFile,
          );
          return null;
        }
        return { size, align: element.align };
      }
      case 'record': {
        const layout = this.recordLayout(this.records[type.id]!);
        return layout === null ? null : { size: layout.size, align: layout.align };
      }
      case 'unknown':
        this.note(
          line,
          type.unread !== undefined
            ? `${owner}: type '${type.c}' ${type.unread}: its size is unknown`
            : `${owner}: unknown type '${type.c}' (not declared in this header): its size is unknown`,
          { ...this.memberFile, word: type.c },
        );
        return null;
      case 'void':
        this.note(line, `${owner}: a member cannot be void`, this.memberFile);
        return null;
      case 'function':
        this.note(line, `${owner}: a member cannot be a function (a pointer to one can)`, this.memberFile);
        return null;
    }
  }

  recordLayout(record: CRecord): PlacedRecord | null {
    if (this.layouts.has(record.id)) return this.layouts.get(record.id)!;
    const label = recordLabel(record);
    if (!record.complete) {
      this.note(record.line, `${label} is declared but not defined here: its layout is unknown`, {
        file: record.file,
        ...(record.tag !== null ? { word: record.tag } : {}),
      });
      this.layouts.set(record.id, null);
      return null;
    }
    if (this.computing.has(record.id)) {
      this.note(record.line, `${label} contains itself by value`, { file: record.file });
      return null;
    }
    this.computing.add(record.id);
    const specs: MemberSpec[] = [];
    let unknown = false;
    const outer = this.memberFile;
    this.memberFile = { file: record.file };
    for (const member of record.members) {
      const sa = this.sizeAlign(member.type, member.line, `${label}.${member.name ?? '(anonymous)'}`);
      this.memberFile = { file: record.file };
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
    this.memberFile = outer;
    this.computing.delete(record.id);
    let layout = unknown ? null : placeMembers(recordSpec(record), specs);
    if (layout !== null && !Number.isSafeInteger(layout.size)) {
      this.note(record.line, `${label}: about ${layout.size} bytes, 2^53 or more, where the importer's arithmetic is not exact`, {
        file: record.file,
      });
      layout = null;
    }
    this.layouts.set(record.id, layout);
    return layout;
  }

  /** How C spells a type, for messages and comments. */
  typeText(type: CType): string {
    switch (type.kind) {
      case 'scalar':
      case 'char':
      case 'enum':
      case 'opaque':
      case 'unknown':
        return type.c;
      case 'record':
        return recordLabel(this.records[type.id]!);
      case 'pointer': {
        if (type.to.kind === 'function') return 'function pointer';
        const target = this.typeText(type.to);
        return target.endsWith('*') ? `${target}*` : `${target} *`;
      }
      case 'array': {
        if (type.vectorSize !== undefined) return `${this.typeText(type.of)} __attribute__((vector_size(${type.vectorSize})))`;
        let dims = '';
        let element: CType = type;
        while (element.kind === 'array' && element.vectorSize === undefined) {
          dims += `[${element.length < 0 ? '' : element.length}]`;
          element = element.of;
        }
        return this.typeText(element) + dims;
      }
      case 'function':
        return 'function';
      case 'void':
        return 'void';
    }
  }
}

export function recordSpec(record: CRecord): RecordSpec {
  return {
    kind: record.kind,
    packed: record.packed,
    alignAttr: record.alignAttr,
    ...(record.pack > 0 ? { pack: record.pack } : {}),
  };
}

/** How C names a record: its typedef name, `struct tag`, or where an anonymous one is. */
export function recordLabel(record: CRecord): string {
  return (
    record.typedefNames[0] ??
    (record.tag !== null ? `${record.kind} ${record.tag}` : `anonymous ${record.kind} (line ${record.line})`)
  );
}
