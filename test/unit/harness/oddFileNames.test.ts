/**
 * A harness whose file or folder name holds characters esbuild escapes in its source map
 * (`list (1).lmm.ts`, a folder `proj (copy)`, `%`, `#`, `?`, any letter outside ASCII): its
 * memory errors and the place it threw name the harness as it is called, at the same lines and
 * columns as the same harness under a plain name. They named `list %281%29.lmm.ts`, a file that does not exist, so the editor showed
 * no error on the harness, and a throw's column was the compiled code's.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Site } from '../../../src/analysis/analysisInput';
import { runHarness, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import { nodeHarness } from '../../support/nodeHarness';
import { scratchFolder } from '../../support/scratchFolder';

/** A use after free (line 10), then a throw from a nested function (line 11, its Error made on column 37). */
const SOURCE = nodeHarness(
  'const n = XCALLOC(1, node_t)!;',
  'XFREE(n);',
  'n.value = 7;',
  "const fail = (): never => { throw new Error('boom'); };",
  'fail();',
);

interface Seen {
  errors: Site[];
  outcome: string;
  site: Site | undefined;
  stack: Site[];
}

async function run(file: string): Promise<Seen> {
  let streamed: MemoryErrorsSoFar | undefined;
  const result = await runHarness(file, { timeLimitMs: 20_000, onMemoryErrors: (errors) => (streamed = errors) }).result;
  return {
    errors: (streamed?.errors ?? []).map((e) => e.site).filter((s): s is Site => s !== undefined && s !== null),
    outcome: result.outcome,
    site: result.site ?? undefined,
    stack: [...(result.stack ?? [])],
  };
}

describe('a harness named with characters a source map escapes', function () {
  this.timeout(60_000);
  const { dir, write } = scratchFolder('lmm-odd-names-');
  let plain: Seen;
  before(async () => {
    plain = await run(write('plain.lmm.ts', SOURCE));
    assert.equal(plain.outcome, 'crashed');
    assert.deepEqual(
      plain.errors.map((s) => [s.line, s.column]),
      [[10, 5]],
    );
    assert.deepEqual([plain.site?.line, plain.site?.column], [11, 37]);
  });

  for (const [folder, name] of [
    ['proj (copy)', 'list.lmm.ts'],
    ['', 'list (1).lmm.ts'],
    ['100% #2', 'list %41 #x.lmm.ts'],
    ['élèves', 'liste_à_revoir?[1].lmm.ts'],
  ] as const) {
    it(`${folder ? `${folder}/` : ''}${name}: its errors and its throw name it, at the plain name’s lines and columns`, async () => {
      const where = join(dir, folder);
      mkdirSync(where, { recursive: true });
      const file = join(where, name);
      writeFileSync(file, SOURCE);
      const odd = await run(file);
      const at = (sites: Site[]) => sites.map((s) => [s.line, s.column]);
      assert.equal(odd.outcome, plain.outcome);
      assert.deepEqual(
        odd.errors.map((s) => s.file),
        [file],
      );
      assert.deepEqual(at(odd.errors), at(plain.errors));
      assert.equal(odd.site?.file, file);
      assert.deepEqual(at([odd.site!]), at([plain.site!]));
      assert.deepEqual(
        odd.stack.map((s) => s.file),
        plain.stack.map(() => file),
      );
      assert.deepEqual(at(odd.stack), at(plain.stack));
    });
  }
});
