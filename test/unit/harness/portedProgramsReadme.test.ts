// README, "Checked against memcheck": the ported programs it lists, "fourteen programs of our own",
// "The 40 programs agree with memcheck on every figure but these" and the bulleted exceptions. The
// lists are read from the README and compared with the fixtures and with `portedExpectations.ts`,
// where a legitimate difference is an `ours` entry: a program added, dropped or given a difference
// without its README line fails here.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lmm } from '../../support/lmmCli';
import { portedPrograms } from './portedExpectations';

const root = join(__dirname, '..', '..', '..');
const ported = join(root, 'test', 'fixtures', 'ported');
const prose = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const WORDS: Record<string, number> = { twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16 };

function readmeSays(pattern: RegExp): RegExpExecArray {
  const match = pattern.exec(prose);
  assert.ok(match, `README says ${pattern}`);
  return match;
}

/** "a, b (why), c and d" as its names. */
function names(list: string): string[] {
  return list
    .replace(/\([^)]*\)/g, '')
    .split(/,| and /)
    .map((name) => name.trim())
    .filter(Boolean);
}

describe('README: the ported programs it lists are the ones checked', () => {
  const [, upstreamList, ownCount] = readmeSays(
    /memcheck's own regression tests written again as C programs, each beside its harness, line for line: (.*?), and (\w+) programs of our own/,
  );
  const upstream = names(upstreamList!);
  const checked = Object.keys(portedPrograms);

  it('every memcheck test it names is checked against memcheck, and each is a C program beside its harness', () => {
    assert.ok(upstream.length >= 20, upstream.join(' '));
    assert.deepEqual(
      upstream.filter((name) => !checked.includes(name)),
      [],
    );
    for (const name of checked) {
      assert.ok(existsSync(join(ported, `${name}.c`)), `${name}.c`);
      assert.ok(existsSync(join(ported, `${name}.lmm.ts`)), `${name}.lmm.ts`);
    }
  });

  it('"and fourteen programs of our own": the checked programs it does not name as memcheck\'s', () => {
    const own = checked.filter((name) => !upstream.includes(name));
    assert.equal(own.length, WORDS[ownCount!], own.join(' '));
  });

  it('"The 40 programs agree with memcheck on every figure but these": the count, and each exception is a bullet', () => {
    const [, count] = readmeSays(/The (\d+) programs agree with memcheck on every figure but these/);
    assert.equal(checked.length, Number(count));
    const bullets = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/^- \*\*([\w-]+)\*\*/gm)].map((m) => m[1]!);
    const differing = checked.filter((name) => portedPrograms[name]!.ours !== undefined);
    assert.deepEqual([...bullets].filter((name) => checked.includes(name)).sort(), differing.sort());
  });

  it('the three "ported from this README alone" are fixtures too, checked by portedFromVgtests, not among the 40', () => {
    const [, list] = readmeSays(
      /(\w+, \w+ and \w+) \(written again from what it checks: its file was not at hand\) were ported from this README alone/,
    );
    const alone = names(list!);
    assert.equal(alone.length, 3);
    const vgtests = readFileSync(join(__dirname, 'portedFromVgtests.test.ts'), 'utf8');
    for (const name of alone) {
      assert.ok(existsSync(join(ported, `${name}.c`)) && existsSync(join(ported, `${name}.lmm.ts`)), name);
      assert.ok(!checked.includes(name), `${name} is not one of the 40`);
      assert.ok(vgtests.includes(`'${name}'`), `portedFromVgtests.test.ts runs ${name}`);
    }
  });

  it('"A second stranger ported …": each a fixture, run by one of the test files it names, not among the 40', () => {
    const [, list, files] = readmeSays(
      /A second stranger ported (.*?) \(copied from valgrind's memcheck\/tests\) the same way, each compared with valgrind 3\.19's output \((.*?)\)\./,
    );
    const programs = names(list!);
    assert.equal(programs.length, 7, programs.join(' '));
    const tests = [...files!.matchAll(/`(\w+\.test\.ts)`/g)].map((m) => readFileSync(join(__dirname, m[1]!), 'utf8'));
    assert.equal(tests.length, 3);
    for (const name of programs) {
      assert.ok(existsSync(join(ported, `${name}.c`)) && existsSync(join(ported, `${name}.lmm.ts`)), name);
      assert.ok(!checked.includes(name), `${name} is not one of the 40`);
      assert.ok(
        tests.some((test) => test.includes(`'${name}`)),
        `a test file it names runs ${name}`,
      );
    }
  });

  it('"A vgopts option `lmm run` cannot take (…) is refused saying what to write instead": each one', async function () {
    this.timeout(60_000);
    const [, list] = readmeSays(/A vgopts option `lmm run` cannot take \((.*?)\) is refused saying what to write instead/);
    const options = [...list!.matchAll(/`(-[\w-]+)`/g)].map((m) => m[1]!);
    assert.equal(options.length, 8);
    for (const option of options) {
      const given = option.startsWith('--') ? `${option}=yes` : option;
      const result = await lmm('run', join(ported, 'simple_leak.lmm.ts'), given);
      assert.equal(result.status, 2, option);
      assert.match(result.stderr, new RegExp(`^lmm run: ${option}: unknown option \\(.+\\)\n`), option);
    }
  });
});
