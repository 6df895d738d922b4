/**
 * CliError is recognised across copies of its module: `lmm trace` runs from a bundle of its own
 * (dist/cli/lmm-trace.js) with its own copy of the class, and its errors must still be usage
 * errors (exit 2) for dist/cli/lmm.js, which holds the other copy.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../../src/cli/cliIo';

const root = join(__dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'lmm-cli-io-'));

/** A second, separately evaluated copy of cliIo.ts, as a second bundle holds. */
function secondCopy(): typeof CliError {
  const path = require.resolve('../../../src/cli/cliIo');
  const first = require.cache[path];
  delete require.cache[path];
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../src/cli/cliIo') as typeof import('../../../src/cli/cliIo')).CliError;
  } finally {
    require.cache[path] = first;
  }
}

describe('CliError across bundles', () => {
  it('an error of another copy of the class is a CliError, both ways, and keeps its message and cause', () => {
    const Other = secondCopy();
    assert.notEqual(Other, CliError, 'the test needs two distinct classes');
    const cause = new Error('inner');
    const theirs = new Other('lmm trace: bad', { cause });
    assert.ok(theirs instanceof CliError);
    assert.ok(new CliError('x') instanceof Other);
    assert.ok(theirs instanceof Error);
    assert.equal(theirs.message, 'lmm trace: bad');
    assert.equal(theirs.cause, cause);
  });

  it('nothing else passes for one: plain errors, look-alikes, primitives', () => {
    assert.ok(!(new Error('x') instanceof CliError));
    assert.ok(!(Object.assign(new Error('x'), { name: 'CliError' }) instanceof CliError));
    assert.ok(!(({ 'lmm-studio.cli-error': true } as object) instanceof CliError));
    assert.ok(!(({ [Symbol('lmm-studio.cli-error')]: true } as object) instanceof CliError));
    for (const value of [null, undefined, 0, 'CliError', Symbol.for('lmm-studio.cli-error')]) {
      assert.ok(!((value as unknown as object) instanceof CliError), String(value));
    }
  });

  it('the mark cannot be removed or faked into false on a real CliError', () => {
    const error = new CliError('x');
    const mark = Object.getOwnPropertySymbols(error)[0]!;
    assert.throws(() => {
      'use strict';
      (error as unknown as Record<symbol, unknown>)[mark] = false;
    }, TypeError);
    assert.ok(error instanceof CliError);
  });

  // Needs the bundles that `npm test` builds first (pretest).
  it('bin/lmm.js: errors thrown inside the trace bundle exit 2 with their one line', () => {
    const bundle = readFileSync(join(root, 'dist', 'cli', 'lmm.js'), 'utf8');
    assert.match(bundle, /require\("\.\/lmm-trace\.js"\)/, 'lmm.js loads the trace verb from its own bundle');
    assert.doesNotMatch(bundle, /class TraceReplayer/, 'and does not carry it');
    const lmm = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'lmm.js'), ...args], { encoding: 'utf8' });
    const unreadable = lmm('trace', scratch);
    assert.equal(unreadable.status, 2);
    assert.match(unreadable.stderr, /^.*lmm-cli-io-\w+: cannot read: a directory, not a file\n$/);
    const option = lmm('trace', '--reprt', 'x.trace');
    assert.equal(option.status, 2);
    assert.equal(option.stderr, 'lmm trace: --reprt: unknown option (usage: lmm trace FILE [--report])\n');
    const bad = join(scratch, 'bad.trace');
    writeFileSync(bad, 'reg s_t 56\nfree\n');
    const malformed = lmm('trace', bad);
    assert.equal(malformed.status, 2);
    assert.equal(malformed.stdout, '');
    assert.match(malformed.stderr, new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: [^\\n]+\\n$`));
  });
});
