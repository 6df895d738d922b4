// README, "In VS Code": "Open a harness (a `*.lmm.ts` file, or any `.ts` file importing
// `lmm-studio`...)". These tests try to break "any": an import placed late in a long file, names
// that only look like the import, and the verbs that decide by it (`lmm compare`, `lmm replay`).
import { strict as assert } from 'node:assert';
import { isHarnessFile } from '../../../src/harness/harnessFiles';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

const IMPORT = "import { XCALLOC_BUF } from 'lmm-studio';\n";
const MAIN = 'export default function main() { XCALLOC_BUF(4); }\n';
/** A licence or a C header pasted as a comment above the import: well past any first-bytes window. */
const LONG_COMMENT = `/*\n${'  * a line of a long comment, the kind a pasted C header makes\n'.repeat(2_500)} */\n`;

describe('what is a harness: a *.lmm.ts file, or any .ts file importing lmm-studio', function () {
  this.timeout(30_000);

  it('finds the import wherever the file has it: after a comment of 128 KiB, or at the end of 16 MiB', () => {
    assert.ok(LONG_COMMENT.length > 128 * 1024);
    assert.equal(isHarnessFile('/a/late.ts', LONG_COMMENT + IMPORT + MAIN), true);
    const filler = '// filler\n'.repeat(Math.floor((16 * 2 ** 20) / 11));
    const started = performance.now();
    assert.equal(isHarnessFile('/a/huge.ts', filler + IMPORT), true);
    assert.equal(isHarnessFile('/a/huge.ts', filler + MAIN), false);
    // It runs at each editor change (the context key), so 16 MiB must stay cheap.
    assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms for two 16 MiB scans`);
  });

  it('stays one pass over 16 MiB of near-imports: a keyword, a run of spaces, a word, then the quoted name', () => {
    // Each occurrence of the name is looked at: the look before it must not backtrack over the
    // spaces once per way of splitting them (this file took 3.6 s a scan, each editor change).
    const nearImport = `import${' '.repeat(248)}x'lmm-studio'\n`;
    const text = nearImport.repeat(Math.floor((16 * 2 ** 20) / nearImport.length));
    const started = performance.now();
    assert.equal(isHarnessFile('/a/near.ts', text), false);
    assert.equal(isHarnessFile('/a/near.ts', `${text}import${' '.repeat(248)}'lmm-studio'\n`), true);
    assert.ok(performance.now() - started < 1_000, `${Math.round(performance.now() - started)} ms for two 16 MiB scans`);
  });

  it('takes every form of the import: named, namespace, side effect, re-export, import(), require()', () => {
    for (const text of [
      "import { XCALLOC } from 'lmm-studio';",
      'import * as lmm from "lmm-studio"',
      "import 'lmm-studio';",
      "export * from 'lmm-studio';",
      "const lmm = await import('lmm-studio');",
      "const lmm = require( 'lmm-studio' );",
      "import {\n  XCALLOC,\n} from\n  'lmm-studio';",
    ])
      assert.equal(isHarnessFile('/a/x.ts', text), true, text);
  });

  it('is not fooled by the name alone: another package, a string, a word in a comment, a declaration file', () => {
    for (const text of [
      "import { a } from 'lmm-studio-extra';",
      "import { a } from 'my-lmm-studio';",
      "const name = 'lmm-studio';",
      '// run it with lmm-studio',
      "import { a } from 'lmm-studio/internal';",
    ])
      assert.equal(isHarnessFile('/a/x.ts', LONG_COMMENT + text), false, text);
    assert.equal(isHarnessFile('/a/x.d.ts', IMPORT), false);
    assert.equal(isHarnessFile('/a/x.js', IMPORT), false);
    assert.equal(isHarnessFile('/a/x.ts', undefined), false);
    assert.equal(isHarnessFile('/a/x.lmm.ts', ''), true, 'the name alone makes a harness');
  });

  describe('lmm compare and lmm replay take such a file as the harness lmm run takes', () => {
    const scratch = scratchFolder('lmm-harness-kinds-');

    it('a .ts file whose import follows a long comment is replayed, not refused as "not a trace"', async () => {
      const file = scratch.write('late.ts', LONG_COMMENT + IMPORT + MAIN);
      const replay = await lmm('replay', file, '--policy', 'buddy');
      assert.equal(replay.status, 0, replay.stderr);
      assert.match(replay.stdout, /1 operations recorded from the harness on lmm-classic/);
      const compare = await lmm('compare', file, '--policies', 'first-fit,buddy');
      assert.equal(compare.status, 0, compare.stderr);
      assert.match(compare.stdout, /^first-fit /m);
      assert.match(compare.stdout, /^buddy /m);
    });

    it('a .ts file that imports no lmm-studio is still refused, naming what it expected', async () => {
      const file = scratch.write('plain.ts', `${LONG_COMMENT}const name = 'lmm-studio';\n${MAIN}`);
      const replay = await lmm('replay', file, '--policy', 'buddy');
      assert.equal(replay.status, 2);
      assert.match(replay.stderr, /expected a malloc-lab trace \(\.rep\), an LMM trace \(\.trace\) or a harness/);
    });
  });
});
