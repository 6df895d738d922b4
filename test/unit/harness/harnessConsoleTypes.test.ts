import { strict as assert } from 'node:assert';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { createHarnessConsole } from '../../../src/harness/api/lmmStudioModule';
import type { HarnessRuntime } from '../../../src/harness/runtime/harnessRuntime';
import { harnessTsconfig } from '../../../src/extension/harnessTemplate';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

/**
 * What a harness author's TypeScript says of the run's own `console` (README: "Its `console` is
 * the run's own"). Type-checked (tsc's API) under the bundled examples' tsconfig (no `dom` lib, no
 * Node types: `console` was undeclared there, and lmm-studio.d.ts said harnesses had none), under
 * the tsconfig `LMM: New Harness` writes (the `dom` lib: lmm-studio's `console` merges with it),
 * and with Node's types; then run, so the types and the run agree.
 */
const root = resolve(__dirname, '..', '..', '..');
const declarations = join(root, 'src', 'harness', 'api', 'lmm-studio.d.ts');

/** The compiler options of a tsconfig's text, its relative paths taken from `dir`. */
function optionsOf(text: string, dir: string): ts.CompilerOptions {
  const parsed = ts.parseJsonConfigFileContent(ts.parseConfigFileTextToJson('tsconfig.json', text).config, ts.sys, dir);
  return parsed.options;
}

const TSCONFIGS: Record<string, (dir: string) => ts.CompilerOptions> = {
  "the examples' (examples/tsconfig.json: lib ES2022, no types)": () =>
    optionsOf(ts.sys.readFile(join(root, 'examples', 'tsconfig.json'))!, join(root, 'examples')),
  "LMM: New Harness's (the default libs, dom among them)": (dir) => optionsOf(harnessTsconfig(declarations), dir),
  "the examples' with Node's types": () => ({
    ...optionsOf(ts.sys.readFile(join(root, 'examples', 'tsconfig.json'))!, join(root, 'examples')),
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
  }),
};

/** tsc's errors for `file` (and lmm-studio.d.ts, checked too: skipLibCheck is off), one line each. */
function typeErrors(file: string, options: ts.CompilerOptions): string[] {
  const program = ts.createProgram([file], { ...options, noEmit: true, skipLibCheck: false });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file ? `${d.file.fileName.endsWith('.d.ts') ? d.file.fileName : 'harness'}:${d.file.getLineAndCharacterOfPosition(d.start!).line + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
}

const HARNESS = `import { struct, i32, XCALLOC, XFREE, MM_REG_STRUCT } from 'lmm-studio';

@struct class pt { @i32 x!: number; }

export default function main(): void {
  MM_REG_STRUCT(pt);
  const p = XCALLOC(1, pt);
  p.x = 7;
  console.log('x is %d', p.x, 'and', 'more');
  console.info(p.x);
  console.warn('w');
  console.error('e');
  console.debug('d');
  console.dir(1);
  console.table(2);
  console.trace('t');
  console.assert(p.x === 7, 'never printed');
  console.assert(p.x === 8, 'printed');
  XFREE(p);
}
`;

describe("a harness's console, as its TypeScript and its run see it", function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-harness-console-');
  const harness = scratch.write('console.lmm.ts', HARNESS);

  for (const [name, options] of Object.entries(TSCONFIGS)) {
    it(`type-checks with no errors under ${name}`, () => {
      assert.deepEqual(typeErrors(harness, options(scratch.dir)), []);
    });
  }

  it("runs as its types say: each method prints to the run's output", async () => {
    const { status, stdout } = await lmm('run', harness, '-q', '--leak-check=no');
    assert.equal(status, 0, stdout);
    assert.deepEqual(stdout.trimEnd().split('\n'), [
      'x is 7 and more',
      '7',
      'w',
      'e',
      'd',
      '1',
      '2',
      'Trace: t',
      'Assertion failed: printed',
    ]);
  });

  it("declares the console's methods the run gives, and no other (under the examples' tsconfig)", () => {
    const methods = Object.keys(createHarnessConsole({} as HarnessRuntime));
    assert.ok(methods.includes('log') && methods.includes('assert'));
    // Every method the run gives, and no other: an extra one is an excess property, a missing one a missing property.
    const file = scratch.write(
      'console-keys.lmm.ts',
      `import 'lmm-studio';\nexport const methods: Record<keyof typeof console, true> = { ${methods.map((m) => `${m}: true`).join(', ')} };\n`,
    );
    const options = TSCONFIGS["the examples' (examples/tsconfig.json: lib ES2022, no types)"]!(scratch.dir);
    assert.deepEqual(typeErrors(file, options), []);
    const time = scratch.write('console-time.lmm.ts', `import 'lmm-studio';\nconsole.time('t');\n`);
    assert.deepEqual(typeErrors(time, options), ["harness:2: Property 'time' does not exist on type 'Console'."]);
  });
});
