/**
 * The C compiler the layout tests compare against: `cc` or `gcc` on PATH, or null (the tests
 * then skip with a note saying so, rather than pass without comparing).
 */
import { execFileSync } from 'node:child_process';

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
