/**
 * Asks the C compiler how it lays out the structs `lmm import-c` read: a small C program that
 * includes the header (with the same -I and -D) prints sizeof, __alignof__, offsetof of every
 * member and where each bit-field's bits are; any difference from the importer's layout is named
 * by struct and member, so that struct is refused rather than written wrong.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ImportedStruct } from '../analysis/cImport/importCHeader';
import { execCompiler } from './compilerProcess';

export interface ProbeResult {
  /** C name → why the compiler's layout differs. */
  differences: Map<string, string>;
  /** Set when the probe could not be compiled or run (nothing was compared). */
  failure?: string;
}

/** A C name the probe can write (`struct tag`, `union tag` or a typedef name), or null for an anonymous record. */
function probeable(s: ImportedStruct): boolean {
  return !s.cName.startsWith('anonymous ');
}

export function probeLayouts(
  compiler: string,
  header: string,
  includeDirs: readonly string[],
  defines: readonly { name: string; value: string }[],
  structs: readonly ImportedStruct[],
): ProbeResult {
  const includeHeader = `#include ${JSON.stringify(resolve(header))}`;
  const standard = ['#include <stdio.h>', '#include <stddef.h>', '#include <string.h>'];
  const lines = [
    'static void lmm_bits(const unsigned char *p, size_t n, int s, const char *k) {',
    '  int first = -1, count = 0;',
    '  for (size_t i = 0; i < n * 8; i++) if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = (int)i; count++; }',
    '  printf("B %d %s %d %d\\n", s, k, first, count);',
    '}',
    'int main(void) {',
  ];
  const expected = new Map<string, { struct: ImportedStruct; what: string; member?: string }>();
  const byClass = new Map(structs.map((t) => [t.name, t]));
  structs.forEach((s, index) => {
    if (s.status === 'dropped' || s.size === null || !probeable(s)) return;
    // gcc's __alignof__, the alignment it places the type at: its _Alignof says at most 16 for a
    // vector of 32 bytes or more (and a struct holding one) that gcc places 32- or 64-aligned.
    lines.push(`  printf("S ${index} %zu %zu\\n", sizeof(${s.cName}), __alignof__(${s.cName}));`);
    expected.set(`S ${index}`, { struct: s, what: `${s.size} ${s.align}` });
    // Members of an anonymous struct or union are members of the enclosing record in C, and a
    // record with no tag cannot be named on its own: both are asked about through this struct.
    const ask = (record: ImportedStruct, baseBit: number, prefix: string, path: string, depth: number): void => {
      record.cMembers.forEach((m, k) => {
        if (m === null) return;
        const inner = m.embeds === undefined ? undefined : byClass.get(m.embeds);
        const key = `${path}.${k}`;
        if (inner !== undefined && (m.member === null || !probeable(inner)) && depth < 64) {
          ask(inner, baseBit + m.bit, m.member === null ? prefix : `${prefix}${m.member}.`, key, depth + 1);
          if (m.member === null) return;
        }
        if (m.member === null) return;
        const designator = `${prefix}${m.member}`;
        // A member name that is also a macro (siginfo_t's si_pid is `_sifields._kill.si_pid`) would
        // be expanded in the probe: such a member is left out, the rest of the struct still checked.
        lines.push(
          `#if ${designator
            .split('.')
            .map((part) => `!defined(${part})`)
            .join(' && ')}`,
        );
        if (m.bits === null) {
          lines.push(`  printf("F ${index} ${key} %zu\\n", offsetof(${s.cName}, ${designator}));`);
          expected.set(`F ${index} ${key}`, { struct: s, what: `${Math.floor((baseBit + m.bit) / 8)}`, member: designator });
        } else if (m.bits > 0) {
          lines.push(
            `  { ${s.cName} v; memset(&v, 0, sizeof v); v.${designator} = -1; lmm_bits((const unsigned char *)&v, sizeof v, ${index}, "${key}"); }`,
          );
          expected.set(`B ${index} ${key}`, { struct: s, what: `${baseBit + m.bit} ${m.bits}`, member: designator });
        }
        lines.push('#endif');
      });
    };
    ask(s, 0, '', '', 0);
  });
  lines.push('  return 0;', '}');
  // Nothing to compare: the compiler is not run (a header of 100,000 nested structs, all refused,
  // kept gcc busy for minutes).
  if (expected.size === 0) return { differences: new Map() };
  const dir = mkdtempSync(join(tmpdir(), 'lmm-import-c-probe-'));
  const differences = new Map<string, string>();
  try {
    const program = join(dir, 'probe.c');
    const args = ['-std=gnu11', '-w', '-o', join(dir, 'probe'), program];
    for (const d of includeDirs) args.push('-I', resolve(d));
    for (const d of defines) args.push(`-D${d.name}=${d.value}`);
    // The header first, as the preprocessor read it alone: one that defines _GNU_SOURCE (libevent's
    // event-config.h) would otherwise find features.h already read by stdio.h, and lose what it
    // asks for. A header that needs what its users include before it (jpeglib.h uses size_t and
    // FILE without including them) is tried again after the standard headers, and then after those
    // that define the other names the importer knows without a header (git's strbuf.h uses
    // uintmax_t and bool and includes nothing: its project includes git-compat-util.h first).
    const known = ['<stdint.h>', '<stdbool.h>', '<stdarg.h>', '<sys/types.h>', '<uchar.h>'].map((h) => `#include ${h}`);
    let firstError: string | null = null;
    for (const order of [
      [includeHeader, ...standard],
      [...standard, includeHeader],
      [...standard, ...known, includeHeader],
    ]) {
      writeFileSync(program, [...order, ...lines].join('\n') + '\n');
      try {
        execCompiler(compiler, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 });
        firstError = null;
        break;
      } catch (error) {
        // Past its time the header is too much for the compiler in any order: it is not tried again.
        if ((error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
          return { differences, failure: `${compiler} did not compile the layout check within 60 s` };
        firstError ??= String((error as { stderr?: unknown }).stderr ?? '')
          .split('\n')
          .slice(0, 5)
          .join('\n');
      }
    }
    if (firstError !== null)
      return { differences, failure: `${compiler} could not compile the layout check: ${firstError.trim()}` };
    // The probe writes to a file, read back a chunk at a time: a pipe to this process has a
    // bound (1 MiB by default), and a struct of 200,000 members prints more than that.
    const printed = join(dir, 'probe.out');
    const out = openSync(printed, 'w');
    try {
      execFileSync(join(dir, 'probe'), { stdio: ['ignore', out, 'ignore'], timeout: 60_000 });
    } catch (error) {
      return { differences, failure: `the layout check did not run: ${(error as Error).message}` };
    } finally {
      closeSync(out);
    }
    for (const line of linesOf(printed)) {
      if (line === '') continue;
      const parts = line.split(' ');
      const key = parts.slice(0, parts[0] === 'S' ? 2 : 3).join(' ');
      const actual = parts.slice(parts[0] === 'S' ? 2 : 3).join(' ');
      const want = expected.get(key);
      if (want === undefined || want.what === actual || differences.has(want.struct.cName)) continue;
      const s = want.struct;
      const member = want.member;
      differences.set(
        s.cName,
        parts[0] === 'S'
          ? `${cc(compiler)} makes it ${actual.replace(' ', ' bytes, align ')}, the importer ${want.what.replace(' ', ' bytes, align ')}`
          : parts[0] === 'F'
            ? `${cc(compiler)} puts ${member} at offset ${actual}, the importer at ${want.what}`
            : `${cc(compiler)} puts bit-field ${member} at bit ${actual.split(' ')[0]}, the importer at bit ${want.what.split(' ')[0]}`,
      );
    }
    return { differences };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lines of a file, read a MiB at a time (the whole text could be longer than a string may be). */
function* linesOf(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(1024 * 1024);
    let rest = '';
    for (;;) {
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      // The probe prints ASCII only: a chunk never ends inside a character.
      const lines = (rest + chunk.toString('latin1', 0, read)).split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}

function cc(compiler: string): string {
  return `the compiler (${compiler})`;
}
