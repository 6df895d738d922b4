/**
 * memcheck's options that size its own machinery, `--freelist-vol`, `--freelist-big-blocks` and
 * `--redzone-size` (big_blocks_freed_list's and clo_redzone_128's vgopts): `lmm run` takes them with
 * the values valgrind 3.19 takes (0 to 10,000,000,000 bytes; a redzone to 4096) and refuses others
 * as it does, naming the option, and they change nothing: LMM finds what memcheck finds with the
 * largest free list and redzone. The last one given counts, as valgrind's.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';

const ported = join(__dirname, '..', '..', 'fixtures', 'ported');
const redzone = join(ported, 'clo_redzone.lmm.ts');

describe("lmm run: memcheck's free-list and redzone sizes", function () {
  this.timeout(60_000);

  it('are taken, in both forms and twice, and change neither the text nor the JSON report', async () => {
    const plain = await lmm('run', redzone, '-q');
    const json = await lmm('run', redzone, '--json');
    const given = ['--freelist-vol=1000000', '--freelist-big-blocks', '50000', '--redzone-size=0', '--redzone-size', '4096'];
    const sized = await lmm('run', redzone, '-q', ...given);
    assert.equal(sized.status, 0, sized.stderr);
    assert.equal(sized.stderr, '');
    assert.equal(sized.stdout, plain.stdout);
    assert.match(sized.stdout, /^out-of-bounds: Invalid write of size 1: byte \[197\], 69 bytes after the end/m);
    const strip = (text: string) => text.replace(/"(durationMs|elapsedMs)": ?[^,}\n]+/g, '');
    assert.equal(strip((await lmm('run', redzone, '--json', ...given)).stdout), strip(json.stdout));
  });

  it('refuse what valgrind refuses, naming the option, before the run', async () => {
    const refused: [string, string][] = [
      ['--redzone-size=4097', "lmm run: --redzone-size: takes a whole number from 0 to 4096, not '4097'"],
      ['--redzone-size=-1', "lmm run: --redzone-size: takes a whole number from 0 to 4096, not '-1'"],
      ['--freelist-vol=x', "lmm run: --freelist-vol: takes a whole number from 0 to 10000000000, not 'x'"],
      [
        '--freelist-big-blocks=10000000001',
        "lmm run: --freelist-big-blocks: takes a whole number from 0 to 10000000000, not '10000000001'",
      ],
    ];
    for (const [option, message] of refused) {
      const r = await lmm('run', redzone, option);
      assert.equal(r.status, 2, option);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `${message}\n`);
    }
  });
});
