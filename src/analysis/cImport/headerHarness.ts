/**
 * "LMM: New Harness" from a C header: the importer's result as the command acts on it, kept
 * apart from VS Code so that a test can hold it to what `lmm import-c` does. A header that
 * reaches an `#error`, or defines no struct, gives no harness and an error saying where and why.
 */
import type { CProblem } from './cDeclarations';
import { importCHeader, noteWhere, stopLines } from './importCHeader';

export type HeaderHarness =
  /** `untranslated`: how many things could not be translated exactly (TODO comments in `source`). */
  | { kind: 'written'; source: string; notes: CProblem[]; untranslated: number }
  | { kind: 'refused'; message: string; notes: CProblem[] };

/** The harness for the header at `path` (its text `text`; `name` is how messages call it). */
export function harnessFromHeader(text: string, path: string, name: string): HeaderHarness {
  const imported = importCHeader(text, path);
  const { notes } = imported;
  const stops = stopLines(imported, path);
  if (stops.length > 0)
    return {
      kind: 'refused',
      message: `${name} stops at an #error, as a C compiler would, so no harness was written: ${stops.join('; ')}`,
      notes,
    };
  if (imported.structs.length === 0) {
    const first = notes.find((note) => note.info !== true) ?? notes[0];
    return {
      kind: 'refused',
      message: `no struct could be imported from ${name}${first ? ` (${noteWhere(first, name)}: ${first.message})` : ''}.`,
      notes,
    };
  }
  // A skipped system include is information, not something that was translated wrong.
  const untranslated = notes.filter((note) => note.info !== true).length;
  return { kind: 'written', source: imported.source, notes, untranslated };
}
