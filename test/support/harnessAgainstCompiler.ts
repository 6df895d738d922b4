/**
 * The numbers a harness gives for the classes `lmm import-c` wrote, next to the C that prints the
 * compiler's numbers for them: compared line by line, they say whether each class has the
 * compiler's layout.
 */
import type { ImportedStruct } from '../../src/analysis/cImport/importCHeader';
import { layoutOf, structInfo, type StructInfo } from '../../src/harness/api/structLayout';

/**
 * One line per number the harness gives (size, align, each member's offset or bit position), and
 * the C statement that prints the compiler's number for it. Members of a class with no C name of
 * its own (an anonymous or untagged record) are asked about through the enclosing struct.
 */
export function compareLines(
  classes: StructInfo[],
  structs: ImportedStruct[],
  macros: ReadonlySet<string>,
): { c: string[]; expected: string[] } {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const c: string[] = [];
  const expected: string[] = [];
  const unnamed = (s: ImportedStruct | undefined) => s === undefined || s.cName.startsWith('anonymous ');
  for (const info of classes) {
    const s = byName.get(info.name);
    if (unnamed(s)) continue;
    const layout = layoutOf(info);
    // __alignof__: where gcc places the type (its _Alignof caps a 32-byte vector's at 16).
    c.push(`printf("${info.name} size %zu align %zu\\n", sizeof(${s!.cName}), __alignof__(${s!.cName}));`);
    expected.push(`${info.name} size ${layout.size} align ${layout.align}`);
    const walk = (record: StructInfo, base: number, prefix: string, label: string): void => {
      const members = byName.get(record.name)!.cMembers;
      layoutOf(record).fields.forEach((f, k) => {
        const m = members[k];
        if (m === null || m === undefined) return;
        if (f.fieldType.kind === 'struct') {
          const inner = structInfo(f.fieldType.target())!;
          if (unnamed(byName.get(inner.name)))
            walk(inner, base + f.offset, m.member === null ? prefix : `${prefix}${m.member}.`, `${label}.${f.name}`);
          if (m.member === null) return;
        }
        const designator = `${prefix}${m.member}`;
        // A member named like a macro cannot be asked about by name (the macro would expand).
        if (designator.split('.').some((part) => macros.has(part))) return;
        if (f.fieldType.kind === 'bits') {
          if (f.fieldType.width === 0) return;
          c.push(
            `{ ${s!.cName} v; memset(&v, 0, sizeof v); v.${designator} = -1; bitsOf((const unsigned char *)&v, sizeof v, "${label}.${f.name}"); }`,
          );
          expected.push(`${label}.${f.name} bits ${base * 8 + f.bitOffset!} ${f.fieldType.width}`);
        } else {
          c.push(`printf("${label}.${f.name} offset %zu\\n", offsetof(${s!.cName}, ${designator}));`);
          expected.push(`${label}.${f.name} offset ${base + f.offset}`);
        }
      });
    };
    walk(info, 0, '', info.name);
  }
  return { c, expected };
}
