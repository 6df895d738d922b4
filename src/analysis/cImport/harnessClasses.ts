/**
 * One record → one harness class (`@struct` / `@union`, with `packed` / `aligned` options and
 * field attributes), or no class and the reason. The emitted fields are laid out again with the
 * harness's own rules; a class whose layout would differ from C's in any bit is not written.
 */
import type { FieldLayout } from '../analysisInput';
import { placeMembers } from '../cLayout';
import type { CRecord } from './cDeclarations';
import { recordLabel, recordSpec, type CRecordLayouts, type Note } from './cRecordLayout';
import type { Emitted, HarnessFields } from './harnessFields';
import type { ImportedStruct } from './importCHeader';

export interface EmittedRecord {
  struct: ImportedStruct;
  /** The class text, or a comment saying why there is none. */
  text: string;
}

export function emitRecord(
  record: CRecord,
  name: string,
  where: string,
  /** Why this record gets no class whatever its members (a #pragma pack, the compiler's word), or null. */
  refusal: string | null,
  layouts: CRecordLayouts,
  harnessFields: HarnessFields,
  note: Note,
  notesSoFar: () => number,
): EmittedRecord {
  const layout = layouts.recordLayout(record);
  const label = recordLabel(record);
  const emitted: Emitted[] = [];
  const fields: FieldLayout[] = [];
  const notesBefore = notesSoFar();
  let dropped: string | null = layout === null ? 'its layout is unknown (see the messages about its members)' : refusal;
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
    const sa = layouts.sizeAlign(member.type, member.line, `${label}.${memberName}`)!;
    // The field is emitted as its type is by itself; an aligned(N) typedef's N becomes an attribute below.
    const typedefAlign = layouts.typedefAlign(member.type);
    const fieldSa = typedefAlign === undefined ? sa : layouts.sizeAlign(member.type, member.line, memberName, false)!;
    const typeText = layouts.typeText(member.type);
    let translated: Emitted | null;
    if (member.bits !== null) {
      translated = harnessFields.bitField(member.type, member.bits, memberName, offset, fieldSa);
      if (member.name !== null)
        fields.push({ name: memberName, type: `${typeText}:${member.bits}`, offset, size: sa.size, align: sa.align });
    } else {
      fields.push({ name: memberName, type: typeText, offset, size: sa.size, align: sa.align });
      translated = harnessFields.translate(member.type, memberName, label, member.line, offset, fieldSa);
    }
    if (translated === null) {
      dropped = `${label}.${memberName} (${typeText}) has no harness equivalent`;
      return;
    }
    translated.bit = bit;
    translated.bits = member.bits;
    translated.alignAttr = member.alignAttr;
    translated.packed = member.packed;
    if (member.bits === null && !member.packed && !record.packed && sa.align !== translated.align) {
      // C aligns the member as its type says: a field less aligned than that (bytes kept for a
      // 16-aligned `_Float128`, an aligned(N) typedef that raises it) says the rest with
      // `@aligned(N)`; one more aligned (a typedef that lowers it, or a plain `struct tag` whose
      // class is its 16-aligned typedef's) is `@packed` (alignment 1) raised to N. A packed record
      // or member ignores both, as gcc does.
      if (sa.align > translated.align) translated.alignAttr = Math.max(member.alignAttr, sa.align);
      else {
        translated.packed = true;
        translated.alignAttr = Math.max(member.alignAttr, sa.align);
      }
    }
    translated.member = member.name ?? null;
    emitted.push(translated);
  });

  // `typedef struct {…} T __attribute__((aligned(N)))`: T is the record's size at alignment N. A
  // class's size is a multiple of its alignment, so only a raise that keeps the size can be said.
  const typedefAlign = layout === null ? undefined : record.typedefAlign;
  const classAlign = typedefAlign !== undefined && typedefAlign !== layout!.align ? typedefAlign : undefined;
  const expected = layout === null ? null : { size: layout.size, align: classAlign ?? layout.align };
  if (dropped === null && classAlign !== undefined) {
    if (classAlign < layout!.align || record.packed)
      dropped = `aligned(${classAlign}) on the typedef sets its alignment below what its members need (${layout!.align}): not followed`;
    else if (layout!.size % classAlign !== 0)
      dropped = `aligned(${classAlign}) on the typedef makes it ${classAlign}-aligned at ${layout!.size} bytes, and a harness class's size is a multiple of its alignment`;
  }
  const classSpec = { ...recordSpec(record), alignAttr: Math.max(record.alignAttr, classAlign ?? 0) };
  // The harness lays the emitted fields out with the same rules: any difference (an unnamed
  // bit-field that a harness field must name, a member kept as bytes) means no class.
  let harnessSize: number | null = null;
  if (dropped === null) {
    const placed = placeMembers(
      classSpec,
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
    else if (placed.size !== expected!.size || placed.align !== expected!.align)
      dropped = `the harness class would be ${placed.size} bytes (align ${placed.align}), C's is ${expected!.size} (align ${expected!.align})`;
  }
  if (dropped !== null)
    note(record.line, `${label}: no harness class: ${dropped}`, {
      file: record.file,
      ...(record.tag !== null ? { word: record.tag } : {}),
    });
  const struct: ImportedStruct = {
    name,
    cName: label,
    line: record.line,
    size: expected?.size ?? null,
    align: expected?.align ?? null,
    fields,
    harnessSize: dropped === null ? harnessSize : null,
    status: dropped !== null ? 'dropped' : notesSoFar() > notesBefore ? 'flagged' : 'written',
    cMembers: emitted.map((e, k) =>
      e.member || (record.members[k]!.name === null && e.embeds !== undefined)
        ? {
            field: e.name,
            member: e.member ?? null,
            bit: e.bit ?? 0,
            bits: e.bits ?? null,
            ...(e.embeds ? { embeds: e.embeds } : {}),
          }
        : null,
    ),
  };
  if (dropped !== null) return { struct, text: `// ${label} (${where}): not imported: ${dropped}.` };
  const options: string[] = [];
  if (record.packed) options.push('packed: true');
  if (classSpec.alignAttr > 0) options.push(`aligned: ${classSpec.alignAttr}`);
  if (record.pack > 0) options.push(`pack: ${record.pack}`);
  harnessFields.used.add(record.kind);
  const lines = [
    `/** ${label} (${where}): ${expected!.size} bytes, align ${expected!.align}. */`,
    `@${record.kind}${options.length > 0 ? `({ ${options.join(', ')} })` : ''}`,
    `class ${name} {`,
  ];
  for (const f of emitted) {
    if (f.comment) lines.push(`  // ${f.comment}`);
    if (f.alignAttr) harnessFields.used.add('aligned');
    if (f.packed) harnessFields.used.add('packed');
    const attributes = `${f.alignAttr ? `@aligned(${f.alignAttr}) ` : ''}${f.packed ? '@packed ' : ''}`;
    lines.push(`  ${attributes}${f.decorator} ${f.name}!: ${f.ts};`);
  }
  lines.push('}');
  return { struct, text: lines.join('\n') };
}
