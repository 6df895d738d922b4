/**
 * import-c runs the C compiler under a processor-time limit that every process it starts inherits
 * (cc1 went on for minutes after the 60 s timeout had ended only the cc driver), with its
 * arguments passed as they are.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { COMPILER_CPU_SECONDS, limitedCommand } from '../../../src/cli/compilerProcess';

describe('import-c: the compiler under a processor-time limit', () => {
  before(function () {
    if (process.platform === 'win32') this.skip();
  });

  it('the limit holds in the compiler and in what it starts (60 s unless told)', () => {
    const seen = (seconds?: number) => {
      const command = limitedCommand('/bin/sh', ['-c', 'sh -c "ulimit -t"'], seconds);
      return execFileSync(command.file, command.args, { encoding: 'utf8' }).trim();
    };
    assert.equal(seen(), String(COMPILER_CPU_SECONDS));
    assert.equal(COMPILER_CPU_SECONDS, 60);
    assert.equal(seen(7), '7');
  });

  it('passes the arguments as they are, never read by the shell', () => {
    const words = ['a b', '$(echo no)', '"q"', "'s'", '*', '-I', ''];
    const command = limitedCommand('printf', ['%s|', ...words]);
    assert.equal(execFileSync(command.file, command.args, { encoding: 'utf8' }), words.map((w) => `${w}|`).join(''));
  });

  it('on Windows, with no POSIX shell, runs the compiler as it is', () => {
    assert.deepEqual(limitedCommand('gcc', ['-E', 'h.h'], 60, 'win32'), { file: 'gcc', args: ['-E', 'h.h'] });
  });
});
