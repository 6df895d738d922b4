/** `lmm import-c HEADER.h [-o FILE]`: C struct declarations → an annotated harness skeleton. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { importCHeader } from '../analysis/cImport/importCHeader';
import { CliError, type CliIo } from './cliIo';

const USAGE = 'usage: lmm import-c HEADER.h [-o FILE] [--force]';

export function importCCommand(args: string[], io: CliIo): number {
  let output: string | null = null;
  let force = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-o' || arg === '--output') {
      output = args[++i] ?? null;
      if (output === null) throw new CliError(`lmm import-c: ${arg} needs a file name\n${USAGE}`);
    } else if (arg === '--force') force = true;
    else if (arg.startsWith('-') && arg !== '-') throw new CliError(`lmm import-c: unknown option ${arg}\n${USAGE}`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new CliError(USAGE);
  const header = files[0]!;
  let text: string;
  try {
    text = readFileSync(header === '-' ? 0 : header, 'utf8');
  } catch (error) {
    throw new CliError(`${header}: cannot read: ${(error as Error).message}`);
  }
  const result = importCHeader(text, header === '-' ? 'stdin' : basename(header));
  for (const note of result.notes) io.stderr(`${header}:${note.line}: ${note.message}\n`);
  if (result.structs.length === 0) {
    throw new CliError(`${header}: no struct definitions found${result.notes.length > 0 ? ' (see the messages above)' : ''}`);
  }
  io.stderr('C layout (x86-64):\n');
  for (const s of result.structs) {
    const c = s.size === null ? 'size unknown' : `${s.size} bytes, align ${s.align}`;
    const differs = s.size !== null && s.harnessSize !== s.size ? ` — the harness class is ${s.harnessSize} bytes` : '';
    io.stderr(`  ${s.name.padEnd(24)} ${c}${differs}\n`);
  }
  if (output === null) {
    io.stdout(result.source);
    return 0;
  }
  // Never overwrite a harness someone edited without being told to.
  if (existsSync(output) && !force) throw new CliError(`${output} exists; pass --force to overwrite it`);
  try {
    writeFileSync(output, result.source);
  } catch (error) {
    throw new CliError(`${output}: cannot write: ${(error as Error).message}`);
  }
  io.stderr(`wrote ${output}\n`);
  return 0;
}
