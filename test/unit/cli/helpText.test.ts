/**
 * `lmm --help` is a contract: each verb's synopsis there is the usage that verb prints when it is
 * misused (and the one docs/policies.md shows), and the exit statuses it lists are the ones the
 * verbs return: 1 when replay's or compare's checks fail, which a correct policy never makes
 * happen, so a policy with a planted invariant violation is registered for the test.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICIES, POLICY_NAMES, type PolicyInfo } from '../../../src/policies/policyRegistry';
import { lmm } from '../../support/lmmCli';

const normal = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The synopsis `lmm --help` gives for `verb`: its line up to the description (three spaces or more). */
function helpSynopsis(help: string, verb: string): string {
  const line = help.split('\n').find((l) => l.trimStart().startsWith(`lmm ${verb} `) || l.trim() === `lmm ${verb}`);
  assert.ok(line, `lmm --help has a line for ${verb}`);
  return normal(line.trim().split(/ {3,}/)[0]!);
}

/** The usage a verb prints when misused: its `usage:` line, continuation lines joined, the FILE note cut. */
async function usageOf(argv: string[]): Promise<string> {
  const result = await lmm(...argv);
  assert.equal(result.status, 2, argv.join(' '));
  const usage = /usage: ([\s\S]*?)\)?\n?$/.exec(result.stderr)?.[1];
  assert.ok(usage, result.stderr);
  return normal(usage.replace(/ \(FILE: [^)]*$/, ''));
}

describe('lmm --help', () => {
  let help = '';
  before(async () => {
    help = (await lmm('--help')).stdout;
  });

  const misuse: [string, string[]][] = [
    ['trace', ['trace']],
    ['run', ['run']],
    ['replay', ['replay']],
    ['compare', ['compare']],
    ['policies', ['policies', '--bogus']],
    ['import-c', ['import-c']],
  ];
  for (const [verb, argv] of misuse) {
    it(`gives lmm ${verb}'s synopsis as the usage lmm ${verb} prints when misused`, async () => {
      assert.equal(helpSynopsis(help, verb), await usageOf(argv));
    });
  }

  it('gives replay, compare and policies as docs/policies.md shows them', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'policies.md'), 'utf8');
    const block: string | undefined = /```\n(lmm policies[\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(block, 'the synopsis block');
    for (const verb of ['policies', 'replay', 'compare']) {
      const line: string | undefined = block.split('\n').find((l) => l.startsWith(`lmm ${verb} `));
      assert.ok(line, verb);
      assert.equal(normal(line.split(/ {3,}/)[0]!), helpSynopsis(help, verb), verb);
    }
  });

  it('the README’s command-line block: each line’s options are its verb’s in lmm --help; import-c’s line is its synopsis', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block: string | undefined = /## The command line\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(block, 'the README’s command-line block');
    const options = (text: string) => new Set(text.match(/(?<![\w-])--?[a-zA-Z][\w-]*/g) ?? []);
    let verb = '';
    for (const line of block.split('\n').filter((l) => l.trim() !== '')) {
      // A line that does not start with `lmm` continues the verb before it.
      verb = /^lmm ([a-z][\w-]*)/.exec(line)?.[1] ?? verb;
      if (verb === 'policies') continue; // `lmm policies | --help | --version`: three commands on one line
      const synopsis = options(helpSynopsis(help, verb));
      const listed = line.split(/ {3,}/)[0]!;
      for (const option of options(listed)) assert.ok(synopsis.has(option), `README: lmm ${verb} ${option} is not in lmm --help`);
    }
    const importC = block.split('\n').find((l) => l.startsWith('lmm import-c '));
    assert.equal(normal(importC!), helpSynopsis(help, 'import-c'));
  });

  it('lists each verb once, the ones tried above', () => {
    const verbs = [...help.matchAll(/^ {2}lmm ([a-z][\w-]*)/gm)].map((match) => match[1]);
    assert.deepEqual(verbs, ['trace', 'run', 'replay', 'compare', 'policies', 'import-c']);
  });

  describe('exit status: 1 a check failed (replay, compare)', () => {
    const rep = join(__dirname, '..', '..', 'fixtures', 'malloc-lab', 'short1-bal.rep');
    const planted: PolicyInfo = {
      name: 'planted-violation',
      header: '—',
      summary: 'hybrid with an invariant violation planted in its checker (tests only)',
      create(options) {
        const policy = POLICIES.find((p) => p.name === 'hybrid')!.create(options);
        const check = policy.check.bind(policy);
        policy.check = () => ['a planted violation', ...check()];
        return policy;
      },
    };
    before(() => {
      (POLICIES as PolicyInfo[]).push(planted);
      (POLICY_NAMES as string[]).push(planted.name);
    });
    after(() => {
      (POLICIES as PolicyInfo[]).pop();
      (POLICY_NAMES as string[]).pop();
    });

    it('replay exits 1 when the invariant check fails, 0 when it holds', async () => {
      assert.match(help, /exit 1 when an integrity or invariant check failed/);
      const failed = await lmm('replay', rep, '--policy', planted.name);
      assert.equal(failed.status, 1, failed.stderr + failed.stdout);
      assert.match(failed.stdout, /a planted violation/);
      assert.equal((await lmm('replay', rep, '--policy', 'hybrid')).status, 0);
    });

    it('compare exits 1 when one of its runs fails a check, 0 when all hold', async () => {
      const failed = await lmm('compare', rep, '--policies', `hybrid,${planted.name}`);
      assert.equal(failed.status, 1, failed.stderr + failed.stdout);
      assert.equal((await lmm('compare', rep, '--policies', 'hybrid,buddy')).status, 0);
    });
  });
});
