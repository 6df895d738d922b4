/**
 * A harness's suppressions file: `<name>.lmmsupp` beside `<name>.lmm.ts`, else a `.lmmsupp` its
 * folder shares. Runs read the first of the two that exists; a Suppress action appends its entry
 * to that same file (or creates `<name>.lmmsupp`), so the next run reads what was written.
 */
import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { MemoryErrorKind, Site } from '../analysis/analysisInput';
import { LEAK_KINDS, type LeakKind } from '../analysis/leakKinds';
import {
  MEMORY_ERROR_KINDS,
  matchErrorSuppression,
  matchLeakSuppression,
  parseSuppressions,
  SuppressionSyntaxError,
  suppressionText,
  type Suppression,
} from '../analysis/suppressions';
import { fileErrorWords } from '../protocol/fileErrorWords';
import { isTraceFile } from './harnessFiles';

/** The files a run of `harnessFile` reads suppressions from, in the order it tries them. */
export function suppressionFileCandidates(harnessFile: string): string[] {
  const path = resolve(harnessFile);
  return [path.replace(/(\.lmm)?\.tsx?$/, '') + '.lmmsupp', resolve(path, '..', '.lmmsupp')];
}

/** A suppressions file is a few entries of text: more than this is not one. */
export const MAX_SUPPRESSIONS_FILE_BYTES = 16 * 2 ** 20;

/** A suppressions file that cannot be one (too large, not a regular file, unreadable): its path and why. */
export class SuppressionFileError extends Error {}

/** Why `size` bytes cannot be a suppressions file's, or undefined when they can. */
function tooLarge(file: string, size: number): SuppressionFileError | undefined {
  if (size <= MAX_SUPPRESSIONS_FILE_BYTES) return undefined;
  return new SuppressionFileError(
    `${file}: ${size} bytes, more than a suppressions file may have (${MAX_SUPPRESSIONS_FILE_BYTES / 2 ** 20} MiB)`,
  );
}

/**
 * Reads the `.lmmsupp` file beside a harness, if there is one. Only a regular file is one: a
 * cloned folder's `.lmmsupp` linked to a device (`/dev/zero`) or a FIFO would otherwise be read
 * without end, by `lmm run` and by the extension host alike. One larger than
 * MAX_SUPPRESSIONS_FILE_BYTES is refused with a SuppressionFileError (the run does not start)
 * rather than read whole into the host's memory or skipped without a word.
 */
export async function suppressionsBeside(harnessFile: string): Promise<{ text: string; file: string } | undefined> {
  for (const candidate of suppressionFileCandidates(harnessFile)) {
    let size: number;
    try {
      const info = await stat(candidate);
      if (!info.isFile()) continue;
      size = info.size;
    } catch {
      continue; // not there
    }
    const refused = tooLarge(candidate, size);
    if (refused) throw refused;
    try {
      return { text: await readFile(candidate, 'utf8'), file: candidate };
    } catch {
      // gone, or unreadable, between the stat and the read: as if not there
    }
  }
  return undefined;
}

/**
 * The text of the suppressions file a setting names, with the same bounds as one beside a
 * harness: a device, FIFO or folder, a file too large or one that cannot be read is refused with a
 * SuppressionFileError that names the file and why.
 */
export async function readSuppressionsFile(file: string): Promise<string> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new SuppressionFileError(`${file}: not a regular file (a suppressions file is text)`);
    size = info.size;
  } catch (error) {
    if (error instanceof SuppressionFileError) throw error;
    throw new SuppressionFileError(`${file}: cannot read: ${fileErrorWords(error)}`, { cause: error });
  }
  const refused = tooLarge(file, size);
  if (refused) throw refused;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new SuppressionFileError(`${file}: cannot read: ${fileErrorWords(error)}`, { cause: error });
  }
}

/** A leak (loss record) or a memory error, as a run reports it. */
export interface SuppressibleFinding {
  kind: string;
  struct?: string;
  /** Innermost frame first. */
  stack: readonly Site[];
}

export interface AddedSuppression {
  file: string;
  /** The entry's name: the new one, or the existing entry that already silences the finding. */
  name: string;
  /** false: an entry in the file already silences this finding, and nothing was written. */
  added: boolean;
  created: boolean;
}

/**
 * Appends an entry that silences exactly `finding` (its kind, its struct for a leak, every frame
 * of its stack) to the harness's suppressions file. Never rewrites what the file holds: an entry
 * is only ever appended, a new file is created only where none exists, and a file that does not
 * parse is left as it is (the error says where it is wrong).
 */
export async function addSuppression(harnessFile: string, finding: SuppressibleFinding): Promise<AddedSuppression> {
  if (isTraceFile(harnessFile)) throw new Error(`${basename(harnessFile)} is a trace: its replays read no suppressions file`);
  const isLeak = (LEAK_KINDS as readonly string[]).includes(finding.kind);
  if (!isLeak && !(MEMORY_ERROR_KINDS as readonly string[]).includes(finding.kind)) {
    throw new Error(`cannot suppress '${finding.kind}': it is neither a leak kind nor a memory error kind`);
  }
  if (finding.stack.length === 0) {
    // An entry without frames would silence every finding of the kind, not this one.
    throw new Error(`cannot suppress this ${finding.kind}: the run recorded no call stack for it`);
  }
  if (isLeak && finding.struct === undefined) throw new Error(`cannot suppress this ${finding.kind}: its struct is unknown`);
  const existing = await suppressionsBeside(harnessFile);
  const file = existing?.file ?? suppressionFileCandidates(harnessFile)[0]!;
  let entries: Suppression[] = [];
  if (existing) {
    try {
      entries = parseSuppressions(existing.text, existing.file);
    } catch (error) {
      if (!(error instanceof SuppressionSyntaxError)) throw error;
      throw new Error(`${error.message}: fix this entry first; nothing was added to ${basename(file)}`, { cause: error });
    }
    const already = matching(entries, finding);
    if (already) return { file, name: already.name, added: false, created: false };
  }
  const name = uniqueName(entryName(finding), new Set(entries.map((s) => s.name)));
  const entry = suppressionText(name, {
    kind: finding.kind as LeakKind | MemoryErrorKind,
    ...(isLeak ? { struct: finding.struct! } : {}),
    stack: finding.stack,
  });
  // What is written must silence the finding when the next run reads it, or nothing is written.
  if (!matching(parseSuppressions(entry, file), finding)) {
    throw new Error(`cannot write a suppression that matches this ${finding.kind}: its sites cannot be written as frames`);
  }
  if (!existing) {
    try {
      await writeFile(file, entry, { flag: 'wx' });
      return { file, name, added: true, created: true };
    } catch (error) {
      // Created meanwhile (another window's Suppress): append to it rather than replace it.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return addSuppression(harnessFile, finding);
    }
  }
  const text = existing.text;
  const separator = text.trim() === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  await appendFile(file, separator + entry);
  return { file, name, added: true, created: false };
}

function matching(entries: readonly Suppression[], finding: SuppressibleFinding): Suppression | undefined {
  return (LEAK_KINDS as readonly string[]).includes(finding.kind)
    ? matchLeakSuppression(entries, finding.kind as LeakKind, finding.struct ?? '', finding.stack)
    : matchErrorSuppression(entries, finding.kind as MemoryErrorKind, finding.stack);
}

/** `emp_t-definitely-lost-at-school.lmm.ts:12`: what, and where it was allocated or happened. */
function entryName(finding: SuppressibleFinding): string {
  const site = finding.stack[0]!;
  const file = site.file.replace(/\\/g, '/');
  const what = finding.struct !== undefined ? `${finding.struct}-${finding.kind}` : finding.kind;
  return `${what}-at-${file.slice(file.lastIndexOf('/') + 1)}:${site.line}`.replace(/\s+/g, '_');
}

function uniqueName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
}
