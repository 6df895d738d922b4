/**
 * The harness class names of a header's records: named structs and unions by their typedef or
 * tag, anonymous ones used by value named after where they sit (`shape_size`); and the order to
 * declare them in (what a class embeds comes before it). Names TypeScript cannot take get a `_`.
 */
import { STRUCT_NAME_MAX } from '../../engine/constants';
import type { CRecord } from './cDeclarations';
import type { Note } from './cRecordLayout';

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with yield let static ' +
    'implements interface package private protected public await arguments eval undefined NaN Infinity Object Array ' +
    'String Number Boolean Symbol Map Set Date Error Math JSON Promise main'
  ).split(' '),
);

export interface ClassNames {
  className: Map<number, string>;
  /** Records to declare, dependencies first. */
  order: CRecord[];
}

export function nameClasses(records: readonly CRecord[], note: Note): ClassNames {
  const className = new Map<number, string>();
  const usedNames = new Set<string>();
  const claim = (wanted: string, record: CRecord): string => {
    // The class's name is the name MM_REG_STRUCT registers, which LMM takes only as 1 to
    // STRUCT_NAME_MAX printable ASCII characters: anything else would stop the harness there.
    let name = wanted;
    const why: string[] = [];
    if (/[^\x21-\x7e]/.test(name)) {
      name = name.replace(/[^A-Za-z0-9_$]/g, '_');
      why.push('is not ASCII, which LMM registers structs under');
    }
    if (RESERVED.has(name)) {
      name = `${name}_`;
      why.push('cannot name a class in TypeScript');
    }
    if (name.length > STRUCT_NAME_MAX) {
      name = name.slice(0, STRUCT_NAME_MAX);
      why.push(`is longer than the ${STRUCT_NAME_MAX} characters LMM registers a struct under`);
    }
    for (let k = 2; usedNames.has(name); k++) {
      name = name.length < STRUCT_NAME_MAX ? `${name}_` : `${name.slice(0, STRUCT_NAME_MAX - String(k).length - 1)}_${k}`;
    }
    if (why.length > 0) {
      note(record.line, `'${wanted}' ${why.join(' and ')}: the harness struct is '${name}' (registered under that name)`, {
        file: record.file,
      });
    }
    usedNames.add(name);
    return name;
  };
  for (const record of records) {
    if (!record.complete || record.system) continue;
    const named = record.typedefNames[0] ?? record.tag;
    if (named !== null && named !== undefined) className.set(record.id, claim(named, record));
  }
  const order: CRecord[] = [];
  const placed = new Set<number>();
  const visit = (record: CRecord, parent: string | null, member: string | null) => {
    if (placed.has(record.id)) return;
    if (!className.has(record.id)) className.set(record.id, claim(`${parent}_${member ?? 'anon'}`, record));
    placed.add(record.id);
    const name = className.get(record.id)!;
    record.members.forEach((m, k) => {
      let t = m.type;
      while (t.kind === 'array') t = t.of;
      if (t.kind === 'record' && records[t.id]!.complete) visit(records[t.id]!, name, m.name ?? `anon${k}`);
    });
    order.push(record);
  };
  for (const record of records) {
    if (record.complete && !record.system && (record.typedefNames.length > 0 || record.tag !== null)) visit(record, null, null);
  }
  return { className, order };
}
