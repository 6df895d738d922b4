// `lmm` alone is bad usage (exit 2): its usage goes to stderr as every exit-2 message does, so
// `lmm > out` leaves out empty; `lmm --help` asks for the same text, on stdout, exit 0.
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';

describe('lmm without a command', () => {
  it('prints the usage on stderr and exits 2; --help prints it on stdout and exits 0', async () => {
    const bare = await lmm();
    const help = await lmm('--help');
    assert.equal(bare.status, 2);
    assert.equal(bare.stdout, '');
    assert.equal(help.status, 0);
    assert.equal(help.stderr, '');
    assert.equal(bare.stderr, help.stdout);
    assert.match(bare.stderr, /^exit status: 0 done, 1 a check failed .*, 2 bad usage,/m);
  });
});
