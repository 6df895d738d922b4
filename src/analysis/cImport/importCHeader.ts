/**
 * `lmm import-c`: C struct declarations → an annotated harness skeleton with the same layout.
 * The header is preprocessed (here, or by a compiler's `-E` before), its declarations parsed,
 * each record laid out as gcc lays it out, and every struct and union becomes a class whose
 * decorators give the harness that exact layout (`cRecordLayout`, `harnessClassNames`,
 * `harnessFields`, `harnessClasses`). A struct the harness cannot make exactly gets no class,
 * and a comment and a note saying why; what is kept only as bytes or as an integer is flagged.
 */
import type { FieldLayout } from '../analysisInput';
import { parseCHeader, type CHeader, type CProblem, type CRecord } from './cDeclarations';
import type { CInteger } from './cIntegers';
import { preprocess, type FallbackUse, type PreprocessOptions } from './cPreprocessor';
import type { PackPragma } from './pragmaPack';
import { CRecordLayouts, recordLabel, type Note } from './cRecordLayout';
import { CSyntaxError, tokenize } from './cTokens';
import { gccColumn } from './gccColumn';
import { emitRecord } from './harnessClasses';
import { nameClasses } from './harnessClassNames';
import { HarnessFields } from './harnessFields';

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
  /**
   * The C members of the class's fields, for asking a compiler: the designator (null for an
   * anonymous struct or union member, which C reaches only through its own members), where C puts
   * it, and the class of a record it embeds. null for a placeholder.
   */
  cMembers: (CMemberOfField | null)[];
}

export interface CMemberOfField {
  field: string;
  member: string | null;
  bit: number;
  bits: number | null;
  embeds?: string;
}

export interface CImportOptions extends PreprocessOptions {
  /**
   * The text as written of the header (file undefined) or of a file it includes, for the columns
   * of messages (default: the header's own text, unless it is already preprocessed).
   */
  sourceText?: (file: string | undefined) => string | undefined;
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
  /** The header's structs and unions whose definition was refused (`struct d`): no class, a note each. */
  refusedStructs: string[];
  /**
   * The `#error`s the built-in preprocessor reached (also among `notes`): a compiler stops there,
   * so nothing is imported, `source` is empty and `structs` too.
   */
  stoppedBy: CProblem[];
  /** The header's enumerators and `#define` constants, with their C types (after a full import). */
  constants?: ReadonlyMap<string, CInteger>;
}

/** Each `#error` the import stopped at, as gcc says it: `FILE:LINE:COLUMN: #error TEXT`. */
export function stopLines(result: CImportResult, header: string): string[] {
  return result.stoppedBy.map((note) => `${noteWhere(note, header)}: ${note.message}`);
}

export function importCHeader(text: string, file: string, options: CImportOptions = {}): CImportResult {
  const notes: CProblem[] = [];
  let header: CHeader;
  let source = text;
  let fallbackUses: FallbackUse[] = [];
  if (options.preprocessed !== true) {
    const result = preprocess(text, file, options);
    source = result.text;
    fallbackUses = result.fallbackUses;
    // A header included twice (one without a guard) says the same thing twice: once is enough.
    const said = new Set<string>();
    for (const problem of result.problems) {
      const key = `${problem.file ?? ''}:${problem.line}:${problem.message}`;
      if (!said.has(key)) notes.push(problem);
      said.add(key);
    }
    // gcc stops at an #error: what the header declares around it is no harness.
    const stoppedBy = notes.filter((note) => note.stops === true);
    if (stoppedBy.length > 0) return { source: '', structs: [], notes, refusedStructs: [], stoppedBy };
  }
  const sourceText = options.sourceText ?? ((of) => (of === undefined && options.preprocessed !== true ? text : undefined));
  // Each file's lines as written, split once: a header of many messages split it again for each.
  const split = new Map<string | undefined, string[] | undefined>();
  const writtenLines = (of: string | undefined): string[] | undefined => {
    if (!split.has(of)) split.set(of, sourceText(of)?.split(/\r\n?|\n/));
    return split.get(of);
  };
  const noteKeys = new Set<string>();
  /** The file of the record being translated: its members' lines are in it. */
  let recordFile: string | undefined;
  const note: Note = (line, message, where) => {
    const inFile = where === undefined || !('file' in where) ? recordFile : where.file;
    const key = `${inFile ?? ''}:${line}:${message}`;
    if (noteKeys.has(key)) return;
    noteKeys.add(key);
    const word = where?.word;
    notes.push(
      withColumn(
        { line, message, ...(inFile !== undefined ? { file: inFile } : {}), ...(word !== undefined ? { word } : {}) },
        writtenLines,
      ),
    );
  };
  let layouts: CRecordLayouts | undefined;
  try {
    const { tokens, defines, pragmas } = tokenize(source);
    header = parseCHeader(
      tokens,
      defines,
      (type, parsed, where) => {
        layouts ??= new CRecordLayouts(parsed.records, note, parsed.typedefAligns);
        return layouts.measure(type, where.line, where.file, where.owner);
      },
      pragmas,
      (record, parsed) => {
        layouts ??= new CRecordLayouts(parsed.records, note, parsed.typedefAligns);
        return layouts.recordLayout(record)?.bitOffsets ?? null;
      },
    );
  } catch (error) {
    if (error instanceof CSyntaxError) {
      const where = error.file !== undefined ? { file: error.file } : {};
      return {
        source: '',
        structs: [],
        notes: [...notes, { line: error.line, message: error.reason, ...where }],
        refusedStructs: [],
        stoppedBy: [],
      };
    }
    throw error;
  }
  notes.push(...header.problems.map((problem) => withColumn(problem, writtenLines)));
  const { records } = header;
  // A header that only gathers system headers (time.h, sys/stat.h: struct stat is in
  // bits/struct_stat.h, which refuses to be included directly) defines no struct itself: the
  // structs its includes define are the ones the user asked for.
  if (!records.some((r) => !r.system && r.complete)) {
    const gathered = records.filter((r) => r.system && r.complete);
    for (const r of gathered) r.system = false;
    if (gathered.length > 0)
      notes.push({
        line: 1,
        message: `defines no struct itself: importing the ${gathered.length} that the headers it includes define`,
        info: true,
      });
  }
  layouts ??= new CRecordLayouts(records, note, header.typedefAligns);
  /**
   * The fallback macro expanded in a record's own text, or in a record it holds by value (its
   * layout is then as uncertain): the first found, and the record it is in.
   */
  const guesses = new Map<number, { record: CRecord; use: FallbackUse } | null>();
  const guessedIn = (record: CRecord): { record: CRecord; use: FallbackUse } | undefined => {
    if (guesses.has(record.id)) return guesses.get(record.id) ?? undefined;
    guesses.set(record.id, null); // a record cannot hold itself by value: no cycle to follow
    const own = fallbackUses.find(
      (use) => use.file === record.file && use.line >= record.line && use.line <= (record.endLine ?? record.line),
    );
    let found = own === undefined ? undefined : { record, use: own };
    for (const member of record.members) {
      if (found !== undefined) break;
      let type = member.type;
      while (type.kind === 'array') type = type.of;
      if (type.kind === 'record' && records[type.id] !== undefined) found = guessedIn(records[type.id]!);
    }
    guesses.set(record.id, found ?? null);
    return found;
  };
  const { className, order } = nameClasses(records, note);

  // A record without a class cannot be embedded or pointed to by name: emit again until no new
  // record loses its class (each pass only adds to the dropped set, so this ends).
  const dropped = new Set<number>();
  // Layouts first: their notes (an unknown member type) stand whatever the passes below decide.
  for (const record of order) layouts.recordLayout(record);
  const notesBefore = notes.length;
  const keysBefore = new Set(noteKeys);
  for (;;) {
    notes.length = notesBefore;
    noteKeys.clear();
    for (const key of keysBefore) noteKeys.add(key);
    const harnessFields = new HarnessFields(records, layouts, (id) => (dropped.has(id) ? undefined : className.get(id)), note);
    const emitted = order.map((record) => {
      const pack = record.packRefused;
      const refusal =
        options.refused?.get(recordLabel(record)) ??
        (pack === undefined
          ? null
          : pack.inside
            ? `#pragma ${pack.pragma.text} (${pragmaWhere(pack.pragma)}) stands inside its body: gcc places the members before it and after it under different packs, which the importer does not follow`
            : `it is under #pragma ${pack.pragma.text} (${pragmaWhere(pack.pragma)}), a form the importer does not follow`);
      const where = `${record.file ?? file}:${record.line}`;
      recordFile = record.file;
      const emitted = emitRecord(
        record,
        className.get(record.id)!,
        where,
        refusal,
        layouts!,
        harnessFields,
        note,
        () => notes.length,
      );
      // The built-in preprocessor took the header's fallback for a macro that an include it did
      // not read may define: the class is C's layout as read, which the compiler's may not be.
      const guess = guessedIn(record);
      if (guess !== undefined && emitted.struct.status !== 'dropped') {
        const held = guess.record === record ? '' : `holds ${recordLabel(guess.record)}, which `;
        const { use } = guess;
        const why = `${recordLabel(record)}: ${held}uses ${use.macro}, defined at ${use.definedAt} only if no header before defines it; ${use.unread} (${use.unreadAt}) was not read and may define it, so the compiler may lay this out otherwise (import with a C compiler on PATH to check)`;
        note(guess.record === record ? use.line : record.line, why);
        emitted.struct.status = 'flagged';
        emitted.text = `// TODO(lmm import-c): ${why}\n${emitted.text}`;
      }
      return emitted;
    });
    const newlyDropped = order.filter((record, k) => emitted[k]!.struct.status === 'dropped' && !dropped.has(record.id));
    if (newlyDropped.length > 0) {
      for (const record of newlyDropped) dropped.add(record.id);
      continue;
    }
    const structs = emitted.map((e) => e.struct);
    notes.sort((a, b) => a.line - b.line);
    return {
      source: harnessFile(
        file,
        structs,
        emitted.map((e) => e.text),
        notes,
        harnessFields,
      ),
      structs,
      notes,
      refusedStructs: header.refusedRecords,
      stoppedBy: [],
      constants: header.constants,
    };
  }
}

/** The generated file: a header comment, the import, the classes and a `main` that registers them. */
function harnessFile(
  file: string,
  structs: ImportedStruct[],
  classes: string[],
  notes: CProblem[],
  harnessFields: HarnessFields,
): string {
  const imported = [...harnessFields.used].filter((n) => n !== 'MM_REG_STRUCT').sort();
  const out: string[] = [];
  out.push(`// Generated by \`lmm import-c\` from ${file}: the structs' C layout (x86-64), as a harness.`);
  for (const s of structs) {
    const c = s.size === null ? 'size unknown' : `${s.size} bytes, align ${s.align}`;
    out.push(`//   ${s.name}: ${c} in C (${s.cName}, line ${s.line})${s.status === 'dropped' ? ': no class' : ''}`);
  }
  if (notes.length > 0) {
    out.push('// Not translated, or only as bytes (see the TODO comments):');
    for (const n of notes) out.push(`//   ${noteWhere(n, file)}: ${n.message}`);
  }
  const types = `${harnessFields.usesBuf ? ', type Buf' : ''}${harnessFields.usesCArray ? ', type CArray' : ''}`;
  out.push(`import { ${[...imported, 'MM_REG_STRUCT'].join(', ')}${types} } from 'lmm-studio';`, '');
  out.push(...classes.map((c) => c + '\n'));
  out.push('export default function main(): void {');
  const written = structs.filter((s) => s.status !== 'dropped');
  for (const s of written) out.push(`  MM_REG_STRUCT(${s.name});`);
  const first = written[0]?.name;
  if (first !== undefined) {
    out.push(
      '  // Allocate, link and free as the C program does (add XCALLOC, XFREE and global to the import), e.g.:',
      `  // const head = global<${first}>('head');  // a global pointer variable of the program: a root`,
      `  // head.value = XCALLOC(1, ${first});`,
      '  // XFREE(head.value);',
    );
  }
  out.push('}', '');
  return out.join('\n');
}

/** Where a pragma stands, for a message: `line N` in the header, `FILE:N` in an included file. */
function pragmaWhere(pragma: PackPragma): string {
  return pragma.file !== undefined ? `${pragma.file}:${pragma.line}` : `line ${pragma.line}`;
}

/** Where a note is: `FILE:LINE`, or `FILE:LINE:COLUMN` when its column is known. */
export function noteWhere(note: CProblem, header: string): string {
  return `${note.file ?? header}:${note.line}${note.column !== undefined ? `:${note.column}` : ''}`;
}

/** The longest line as written searched for a message's column, in characters. */
export const MAX_LINE_SEARCHED = 10_000;

/**
 * The problem with the column of its `word` on its line as written, when that line is at hand:
 * the token stream cannot say (a compiler's `-E` output and macro expansion move tokens within
 * their line), the line as written can. A name is where it stands when it is on the line once;
 * the token an error stopped at, when the line holds as many of its text as the tokens read there
 * (a macro that added or took away one leaves the column out rather than guess it).
 */
function withColumn(problem: CProblem, writtenLines: (file: string | undefined) => string[] | undefined): CProblem {
  const { word, occurrence, ...rest } = problem;
  if (word === undefined || rest.column !== undefined) return rest;
  // Lines end as gcc ends them: LF, CR LF or a lone CR.
  const lineText = writtenLines(problem.file)?.[problem.line - 1];
  // Searching a line of a generated flood for each of its messages would take time that grows as
  // their product: past what a header writes on one line, the column is left out.
  if (lineText === undefined || lineText.length > MAX_LINE_SEARCHED) return rest;
  // A name is matched whole (`len` is not in `len8`); a punctuator as it is.
  const escaped = word.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  const before = /^[\w$]/.test(word) ? '(?<![\\w$])' : '';
  const after = /[\w$]$/.test(word) ? '(?![\\w$])' : '';
  const found = [...lineText.matchAll(new RegExp(`${before}${escaped}${after}`, 'g'))];
  const match =
    occurrence === undefined
      ? found.length === 1
        ? found[0]
        : undefined
      : found.length === occurrence.of
        ? found[occurrence.index]
        : undefined;
  return match === undefined ? rest : { ...rest, column: gccColumn(lineText, match.index) };
}
