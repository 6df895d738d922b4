/**
 * The CS:APP malloc-lab trace format: four header numbers (suggested heap size, number of ids,
 * number of operations, weight), then one request a line: `a ID BYTES`, `r ID BYTES`, `f ID`.
 * Parsed strictly, as the lab's driver does: every id below the declared count, a request
 * only on an id that is live (realloc, free) or not (alloc), and exactly the declared number
 * of operations. Errors name the 1-based line.
 */
import { DEFAULT_PAGE_SIZE } from '../engine/constants';
import { visibleText } from '../trace/visibleText';
import { WorkloadBuilder, WorkOp, type Workload } from './workload';

export class MallocLabSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** Control characters other than tab, LF and CR (a CRLF file is text too). */
// eslint-disable-next-line no-control-regex
const CONTROL_BYTE = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/;
const HEADER_FIELDS = ['suggested heap size', 'number of ids', 'number of operations', 'weight'];
const MAX_BYTES = 0x7fffffff;

export function parseMallocLabTrace(name: string, text: string, pageSize = DEFAULT_PAGE_SIZE): Workload {
  const lines = text.split('\n');
  const header: number[] = [];
  const builder = new WorkloadBuilder();
  let idCount = 0;
  let declaredOps = 0;
  let live = new Uint8Array(0);
  let ops = 0;
  let lastLine = 0;
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const control = CONTROL_BYTE.exec(lines[index]!);
    if (control !== null) {
      const code = control[0].charCodeAt(0);
      const name = code === 0 ? 'a NUL byte' : `control byte 0x${code.toString(16).padStart(2, '0')}`;
      throw new MallocLabSyntaxError(lineNumber, `${name} at column ${control.index + 1} (a trace is text)`);
    }
    // Words are split at spaces, tabs and CRs only, as the lab driver's fscanf splits them: a
    // no-break space or a BOM past the start is part of a word, and the message shows it.
    const text = index === 0 ? lines[0]!.replace(/^\uFEFF/, '') : lines[index]!;
    const words = text.replace(/^[ \t\r]+|[ \t\r]+$/g, '').split(/[ \t\r]+/);
    if (words[0] === '' || words[0]!.startsWith('#')) continue;
    lastLine = lineNumber;
    if (header.length < HEADER_FIELDS.length) {
      // The header numbers usually sit one a line, but a line may hold several.
      for (const word of words) {
        if (header.length === HEADER_FIELDS.length)
          throw new MallocLabSyntaxError(lineNumber, `unexpected '${shown(word)}' after the header${loneCrHint(text)}`);
        header.push(wholeNumber(word, lineNumber, HEADER_FIELDS[header.length]!));
      }
      if (header.length === HEADER_FIELDS.length) {
        idCount = header[1]!;
        declaredOps = header[2]!;
        if (idCount > 1 << 24) throw new MallocLabSyntaxError(lineNumber, `${idCount} ids is more than this replayer takes`);
        live = new Uint8Array(idCount);
      }
      continue;
    }
    const kind = words[0]!;
    const expected = kind === 'f' ? 2 : 3;
    if (kind !== 'a' && kind !== 'r' && kind !== 'f') {
      throw new MallocLabSyntaxError(lineNumber, `unknown request '${shown(kind)}' (expected a ID BYTES, r ID BYTES or f ID)`);
    }
    if (words.length !== expected) {
      throw new MallocLabSyntaxError(
        lineNumber,
        `'${kind}' takes ${expected === 2 ? 'an ID' : 'an ID and a byte count'}: "${shown(words.join(' '))}"${loneCrHint(text)}`,
      );
    }
    const id = wholeNumber(words[1]!, lineNumber, 'id');
    if (id >= idCount)
      throw new MallocLabSyntaxError(lineNumber, `id ${shown(words[1]!)} is not below the header's ${idCount} ids`);
    ops++;
    if (ops > declaredOps) throw new MallocLabSyntaxError(lineNumber, `more requests than the header's ${declaredOps}`);
    if (kind === 'f') {
      if (live[id] === 0) throw new MallocLabSyntaxError(lineNumber, `free of id ${id}, which is not allocated`);
      live[id] = 0;
      builder.push(WorkOp.Free, id, 0, lineNumber);
      continue;
    }
    const bytes = wholeNumber(words[2]!, lineNumber, 'byte count');
    if (bytes > MAX_BYTES)
      throw new MallocLabSyntaxError(lineNumber, `${shown(words[2]!)} bytes is more than this replayer takes`);
    if (kind === 'a') {
      if (live[id] === 1) throw new MallocLabSyntaxError(lineNumber, `alloc of id ${id}, which is still allocated`);
      live[id] = 1;
      builder.push(WorkOp.Alloc, id, bytes, lineNumber);
    } else {
      if (live[id] === 0) throw new MallocLabSyntaxError(lineNumber, `realloc of id ${id}, which is not allocated`);
      builder.push(WorkOp.Realloc, id, bytes, lineNumber);
    }
  }
  if (header.length < HEADER_FIELDS.length) {
    throw new MallocLabSyntaxError(
      Math.max(lastLine, 1),
      `the header needs four numbers (${HEADER_FIELDS.join(', ')}); found ${header.length}`,
    );
  }
  if (ops !== declaredOps) {
    throw new MallocLabSyntaxError(Math.max(lastLine, 1), `the header declares ${declaredOps} requests, the trace has ${ops}`);
  }
  return builder.build(name, pageSize, idCount);
}

function wholeNumber(word: string, line: number, what: string): number {
  if (!/^\d+$/.test(word)) throw new MallocLabSyntaxError(line, `${what} must be a whole number, not '${shown(word)}'`);
  return Number(word);
}

/** A word of the trace as a message shows it: cut when long (a line may be megabytes), nothing invisible. */
function shown(word: string): string {
  return word.length > 60 ? `${visibleText(word.slice(0, 60))}…` : visibleText(word);
}

/** A file whose lines end with CR alone (classic Mac OS) is one long line here: say so. */
function loneCrHint(line: string): string {
  return /\r[^\r]/.test(line) ? ' (a CR inside the line: lines end with LF or CR LF, not CR alone)' : '';
}
