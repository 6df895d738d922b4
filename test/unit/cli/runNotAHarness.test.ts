/**
 * "Exit 2 means the harness could not run (…), with `FILE:LINE:COL` on stderr": also when the file
 * given is no harness at all. Before, `lmm run trace.rep` printed esbuild's `No loader is
 * configured for ".rep" files: trace.rep`, with no position, and a `.json` or `.txt` file ran as
 * a module without a main; code under any name esbuild reads as code still runs.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

describe('lmm run: a file that is not a harness', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-not-harness-');
  const main = 'export default function main() {}\n';

  it('a malloc-lab trace, a .txt, a .json or a .TS file: exit 2 at FILE:1:1, saying what a harness is', async () => {
    const rep = join(__dirname, '..', '..', 'fixtures', 'malloc-lab', 'short1-bal.rep');
    for (const file of [
      rep,
      scratch.write('notes.txt', main),
      scratch.write('data.json', '{}\n'),
      scratch.write('SHOUT.TS', main),
    ]) {
      const result = await lmm('run', file);
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
      const extension = file.slice(file.lastIndexOf('.'));
      assert.equal(
        result.stderr,
        `${file}:1:1: not a harness: a harness is a TypeScript or JavaScript source file (*.lmm.ts), not a ${extension} file\n`,
      );
    }
  });

  it('a harness named .mts, .js or with no extension still runs', async () => {
    for (const name of ['c.mts', 'd.js', 'no-extension']) {
      const result = await lmm('run', scratch.write(name, main), '--json');
      assert.equal(result.status, 0, `${name}: ${result.stderr}`);
    }
  });
});
