/**
 * The C compiler the layout tests compare against: `cc` or `gcc` on PATH, or null (the tests
 * then skip with a note saying so, rather than pass without comparing).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let found: string | null | undefined;

export function cCompilerOnPath(): string | null {
  if (found !== undefined) return found;
  found = null;
  for (const candidate of ['cc', 'gcc', 'clang']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      found = candidate;
      break;
    } catch {
      // not this one
    }
  }
  return found;
}

/** Skips the running test with a note on the console when no C compiler is on PATH. */
export function compilerOrSkip(context: Mocha.Context): string {
  const cc = cCompilerOnPath();
  if (cc === null) {
    const note = 'SKIPPED: no C compiler (cc, gcc or clang) on PATH, so layouts were not compared with one';
    console.log(`      ${note}`);
    context.skip();
  }
  return cc!;
}

/**
 * C for `bitsOf(bytes, size, "NAME")`: with one bit-field of a zeroed object set to all ones, it
 * prints `NAME bits FIRST COUNT`, where the compiler put that bit-field.
 */
export const BITS_OF_C = [
  'static void bitsOf(const unsigned char *p, size_t n, const char *name) {',
  '  int first = -1, count = 0;',
  '  for (size_t i = 0; i < n * 8; i++) if (p[i / 8] >> (i % 8) & 1) { if (first < 0) first = (int)i; count++; }',
  '  printf("%s bits %d %d\\n", name, first, count);',
  '}',
];

/**
 * Compiles `lines` (a C program that includes stdio.h, stddef.h and string.h itself if it needs
 * them) with `cc -std=gnu11 -w` and `flags` (`-I DIR`) in a temporary folder, runs it and returns what it printed, a line
 * each.
 */
export function compileAndRun(cc: string, lines: readonly string[], flags: readonly string[] = []): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lmm-c-program-'));
  try {
    writeFileSync(join(dir, 'p.c'), lines.join('\n') + '\n');
    execFileSync(cc, ['-std=gnu11', '-w', ...flags, '-o', join(dir, 'p'), join(dir, 'p.c')]);
    const out = execFileSync(join(dir, 'p'), { encoding: 'utf8' }).trim();
    return out === '' ? [] : out.split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
