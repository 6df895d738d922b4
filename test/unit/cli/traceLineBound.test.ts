/**
 * "A line longer than 1 MiB is an error with its line" (`lmm trace`, and `lmm replay` of a
 * .trace): tried at exactly 1 MiB (with LF and with CR LF ends: replayed), one byte past it and
 * far past it (exit 2, `FILE:LINE: a line longer than 1048576 bytes`, nothing replayed after it).
 */
import { strict as assert } from 'node:assert';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

const MIB = 2 ** 20;
const HEAD = 'page 4096\nreg node_t 16\n';
/** `alloc ID node_t 1` with an ID that makes the line exactly `bytes` long. */
const allocLine = (bytes: number) => `alloc a${'1'.repeat(bytes - 'alloc a node_t 1'.length)} node_t 1`;

describe('lmm trace: a trace line at 1 MiB', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-trace-line-');

  for (const end of ['\n', '\r\n']) {
    it(`a line of exactly 1 MiB (${JSON.stringify(end)} ends) is replayed`, async () => {
      const line = allocLine(MIB);
      assert.equal(line.length, MIB);
      const file = scratch.write('at.trace', `${HEAD}${line}${end}`);
      const result = await lmm('trace', file);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, 'ok\n');
    });
  }

  for (const [name, bytes] of [
    ['one byte past', MIB + 1],
    ['far past', 8 * MIB],
  ] as const) {
    it(`a line ${name} 1 MiB is an error at its line, for lmm trace and lmm replay`, async () => {
      const file = scratch.write(`past-${bytes}.trace`, `${HEAD}alloc a1 node_t 1\n${allocLine(bytes)}\nfree a1\n`);
      const message = new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: a line longer than 1048576 bytes`);
      for (const verb of ['trace', 'replay']) {
        const result = await lmm(verb, file);
        assert.equal(result.status, 2, `${verb}: ${result.stderr}`);
        assert.match(result.stderr, message, verb);
      }
    });
  }
});
