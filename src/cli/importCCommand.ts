/**
 * `lmm import-c HEADER.h [-I DIR] [-D NAME[=VALUE]] [--no-cc] [-o FILE] [--force]`: C struct
 * declarations → an annotated harness skeleton with the same layout. The header is preprocessed
 * by the C compiler on PATH (`cc -E`, with the -I and -D options), or by the built-in
 * preprocessor when there is none or `--no-cc` says so. Exit 0 only when every struct was
 * written with C's exact layout and nothing was flagged.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { IncludedFile } from '../analysis/cImport/cPreprocessor';
import { importCHeader, noteWhere, stopLines } from '../analysis/cImport/importCHeader';
import { probeLayouts } from './cLayoutProbe';
import { CliError, unreadableFile, type CliIo } from './cliIo';
import { execCompiler } from './compilerProcess';
import { refuseSecond } from './optionValues';

const USAGE = 'usage: lmm import-c HEADER.h [-I DIR]... [-D NAME[=VALUE]]... [--no-cc] [-o FILE] [--force]';
/**
 * The largest header read. Real headers are kilobytes (sqlite3.h, the largest common one, is under
 * 1 MiB); an endless pipe on standard input would otherwise be read until memory runs out.
 */
export const MAX_HEADER_BYTES = 64 * 2 ** 20;

/** An option error: `--option: what is wrong` and the usage, exit 2. */
function optionError(option: string, problem: string): CliError {
  return new CliError(`lmm import-c: ${option}: ${problem}\n${USAGE}`);
}

export function importCCommand(args: string[], io: CliIo): number {
  let output: string | null = null;
  let force = false;
  let useCompiler = true;
  const includeDirs: string[] = [];
  const defines: { name: string; value: string }[] = [];
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    // -IDIR and -DNAME=1 (joined, as a compiler takes them) or -I DIR and -D NAME=1.
    const joined = /^-([ID])(.+)$/.exec(arg);
    const flag = joined ? `-${joined[1]}` : arg;
    const value = (): string => {
      if (joined) return joined[2]!;
      const next = args[++i];
      if (next === undefined || next === '') throw optionError(flag, 'needs a value');
      return next;
    };
    if (flag === '-o' || flag === '--output') {
      const file = value();
      refuseSecond('import-c', flag, output ?? undefined, file);
      output = file;
    } else if (flag === '-I') {
      const dir = value();
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw optionError('-I', `${dir} is not a directory`);
      includeDirs.push(dir);
    } else if (flag === '-D') {
      const definition = value();
      const match = /^([A-Za-z_]\w*)(?:=(.*))?$/.exec(definition);
      if (match === null) throw optionError('-D', `'${definition}' is not NAME or NAME=VALUE`);
      defines.push({ name: match[1]!, value: match[2] ?? '1' });
    } else if (flag === '--no-cc') useCompiler = false;
    else if (flag === '--force') force = true;
    else if (arg.startsWith('-') && arg !== '-') throw optionError(arg, 'unknown option');
    else files.push(arg);
  }
  if (files.length !== 1)
    throw new CliError(
      files.length === 0 ? `lmm import-c: which header?\n${USAGE}` : `lmm import-c: one header at a time\n${USAGE}`,
    );
  const header = files[0]!;
  // A device or a FIFO would be read without end: only a regular file (or standard input, read
  // with the same bound) is a header.
  if (header !== '-') {
    let info;
    try {
      info = statSync(header);
    } catch (error) {
      throw unreadableFile(header, error);
    }
    if (!info.isFile()) throw new CliError(`${header}: not a regular file (import-c reads a C header)`);
  }
  const text = readHeader(header);
  const name = header === '-' ? 'stdin' : header;
  /** How the generated file names the header (its messages on stderr use the path as given). */
  const shown = header === '-' ? 'stdin' : basename(header);
  const compiler = useCompiler && header !== '-' ? compilerOnPath() : null;
  const sourceText = sourceTexts(text);
  let result;
  let probeFailure: string | null = null;
  if (compiler !== null) {
    const device = includedDevice(text, dirname(header), includeDirs);
    if (device !== null) throw new CliError(`${header}:${device.line}: #include ${device.spelled}: ${device.problem}`);
    const preprocessed = runPreprocessor(compiler, header, includeDirs, defines);
    result = importCHeader(preprocessed, shown, { preprocessed: true, sourceText });
    // The compiler has the last word: a struct it lays out otherwise is refused, never written wrong.
    const probe = probeLayouts(compiler, header, includeDirs, defines, result.structs);
    if (probe.failure !== undefined) {
      probeFailure = probe.failure;
    } else if (probe.differences.size > 0) {
      const refused = new Map([...probe.differences].map(([c, why]) => [c, `its layout differs from the compiler's: ${why}`]));
      result = importCHeader(preprocessed, shown, { preprocessed: true, refused, sourceText });
    }
  } else {
    const resolveInclude = (included: string, from: string, angled = false): IncludedFile | null => {
      const base = from === 'stdin' ? '.' : from === shown ? dirname(header) : dirname(from);
      // `<name>` is looked for in the -I directories only, `"name"` next to the file first.
      // An absolute name is that file (join would have looked for it under each folder).
      const candidates = isAbsolute(included)
        ? [included]
        : (angled ? includeDirs : [base, ...includeDirs]).map((dir) => join(dir, included));
      for (const path of candidates) {
        let info;
        try {
          info = statSync(path);
        } catch {
          continue; // not in this directory
        }
        // A folder is looked past, as the compiler does; a device, a FIFO or a huge file is not a header.
        if (info.isDirectory()) continue;
        if (!info.isFile()) return { name: path, text: '', refused: 'not a regular file' };
        if (info.size > MAX_HEADER_BYTES) return { name: path, text: '', refused: `larger than ${MAX_HEADER_BYTES >> 20} MiB` };
        return { name: path, text: readHeader(path) };
      }
      return null;
    };
    result = importCHeader(text, shown, { defines, resolveInclude, sourceText });
    // gcc stops at an #error: so does the built-in preprocessor, with the same exit and message.
    const stops = stopLines(result, name);
    if (stops.length > 0) throw new CliError(stops.join('\n'));
  }
  for (const note of result.notes) io.stderr(`${noteWhere(note, name)}: ${note.message}\n`);
  if (probeFailure !== null) io.stderr(`${name}: the layouts were not checked against the compiler: ${probeFailure}\n`);
  io.stderr(`C layout (x86-64${compiler !== null ? `, preprocessed by ${compiler} -E` : ', built-in preprocessor'}):\n`);
  for (const s of result.structs) {
    const c = s.size === null ? 'size unknown' : `${s.size} bytes, align ${s.align}`;
    io.stderr(`  ${s.name.padEnd(24)} ${c}${s.status === 'written' ? '' : ` (${s.status})`}\n`);
  }
  const count = (status: string) => result.structs.filter((s) => s.status === status).length;
  const failures =
    result.notes.filter((n) => n.info !== true && !/^[^:]+: no harness class:/.test(n.message)).length +
    (probeFailure !== null ? 1 : 0);
  const written = count('written');
  const flagged = count('flagged');
  // A struct whose definition was refused (a bit-field gcc refuses) gets no class either.
  const dropped = count('dropped') + result.refusedStructs.length;
  const summary = `import-c: ${written} struct(s) written, ${flagged} flagged, ${dropped} dropped${failures > 0 ? `, ${failures} message(s)` : ''}\n`;
  if (result.structs.length === 0) {
    io.stderr(summary);
    if (result.refusedStructs.length > 0)
      throw new CliError(
        `${header}: no struct could be imported: ${result.refusedStructs.join(', ')} refused (see the messages above)`,
      );
    throw new CliError(`${header}: no struct definitions found${result.notes.length > 0 ? ' (see the messages above)' : ''}`);
  }
  if (output === null) io.stdout(result.source);
  else {
    // Never overwrite a harness someone edited without being told to.
    if (existsSync(output) && !force) throw new CliError(`${output} exists; pass --force to overwrite it`);
    try {
      writeFileSync(output, result.source);
    } catch (error) {
      throw new CliError(`${output}: cannot write: ${(error as Error).message}`);
    }
    io.stderr(`wrote ${output}\n`);
  }
  io.stderr(summary);
  return flagged + dropped + failures > 0 ? 1 : 0;
}

/**
 * The text as written of the header and of the files it includes (read when a message needs a
 * column in one; a file that is not a regular one of at most MAX_HEADER_BYTES is not read).
 */
function sourceTexts(headerText: string): (file: string | undefined) => string | undefined {
  const read = new Map<string, string | undefined>();
  return (file) => {
    if (file === undefined) return headerText;
    if (!read.has(file)) {
      let text: string | undefined;
      try {
        const info = statSync(file);
        if (info.isFile() && info.size <= MAX_HEADER_BYTES) text = readHeader(file);
      } catch {
        // gone, or not readable: the message keeps its line only
      }
      read.set(file, text);
    }
    return read.get(file);
  };
}

/** The header's text (a leading BOM dropped), read in chunks so that an endless input is refused. */
function readHeader(header: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | null = null;
  try {
    fd = header === '-' ? 0 : openSync(header, 'r');
    const chunk = Buffer.alloc(1024 * 1024);
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > MAX_HEADER_BYTES)
        throw new CliError(`${header}: larger than ${MAX_HEADER_BYTES / (1024 * 1024)} MiB; is it a C header?`);
      chunks.push(Buffer.from(chunk.subarray(0, read)));
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw unreadableFile(header, error);
  } finally {
    if (fd !== null && fd !== 0) closeSync(fd);
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
}

/**
 * The first `#include "…"` / `<…>` of the header's own lines that names something other than a
 * regular file where the compiler would look first (`/dev/zero`, a FIFO, a directory), or a file
 * larger than a header may be: `cc -E` would read a device until its time limit, doing nothing
 * else, and echo a 64 MiB line of NULs into a warning of four times its size. An include that a
 * macro spells, or one in an included file, is the compiler's to refuse.
 */
function includedDevice(
  text: string,
  headerDir: string,
  includeDirs: readonly string[],
): { line: number; spelled: string; problem: string } | null {
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const include = /^\s*#\s*include\s*(?:"([^"]+)"|<([^>]+)>)/.exec(lines[k]!);
    if (include === null) continue;
    const name = include[1] ?? include[2]!;
    const dirs = include[1] !== undefined ? [headerDir, ...includeDirs] : includeDirs;
    for (const path of isAbsolute(name) ? [name] : dirs.map((dir) => join(dir, name))) {
      let info;
      try {
        info = statSync(path);
      } catch {
        continue; // not there: the compiler looks further, or says so
      }
      const spelled = include[0]!.replace(/^\s*#\s*include\s*/, '');
      if (!info.isFile()) return { line: k + 1, spelled, problem: `not a regular file (${path})` };
      if (info.size > MAX_HEADER_BYTES)
        return { line: k + 1, spelled, problem: `${path} is larger than ${MAX_HEADER_BYTES >> 20} MiB, not read` };
      break;
    }
  }
  return null;
}

/** The first of cc, gcc and clang that runs, or null. */
function compilerOnPath(): string | null {
  for (const candidate of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore', timeout: 10_000 });
      return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

function runPreprocessor(
  compiler: string,
  header: string,
  includeDirs: string[],
  defines: { name: string; value: string }[],
): string {
  const args = ['-E', '-x', 'c', '-std=gnu11'];
  for (const dir of includeDirs) args.push('-I', resolve(dir));
  for (const d of defines) args.push(`-D${d.name}=${d.value}`);
  args.push(header);
  try {
    return execCompiler(compiler, args, {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    }) as string;
  } catch (error) {
    const raw = String((error as { stderr?: unknown }).stderr ?? '').trim();
    // An #error is the header's own refusal: said as the built-in preprocessor says it (FILE:LINE:COLUMN:
    // #error TEXT), without gcc's excerpt, and --no-cc would not help.
    const errors = [...raw.matchAll(/^(.+?:\d+:\d+): error: (#error\b.*)$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    if (errors.length > 0) throw new CliError(compilerMessage(errors.join('\n')));
    const stderr = compilerMessage(raw);
    throw new CliError(
      `${header}: ${compiler} -E failed${stderr ? `:\n${stderr}` : ''}\n(pass --no-cc to use the built-in preprocessor)`,
    );
  }
}

/** Lines of the compiler's message shown, at most, and characters of each. */
export const COMPILER_MESSAGE_LINES = 40;
export const COMPILER_MESSAGE_LINE_CHARACTERS = 500;

/**
 * The compiler's message, its first lines and each cut: a header that includes a huge file or
 * makes thousands of errors gets a message of hundreds of megabytes (gcc quotes each line it
 * warns about), which would bury the first error it names.
 */
export function compilerMessage(stderr: string): string {
  const lines = stderr.trim().split('\n');
  const shown = lines
    .slice(0, COMPILER_MESSAGE_LINES)
    .map((line) =>
      line.length > COMPILER_MESSAGE_LINE_CHARACTERS ? `${line.slice(0, COMPILER_MESSAGE_LINE_CHARACTERS)}…` : line,
    );
  const more = lines.length - shown.length;
  return more > 0
    ? `${shown.join('\n')}\n… ${more} more line${more === 1 ? '' : 's'} of the compiler's message`
    : shown.join('\n');
}
