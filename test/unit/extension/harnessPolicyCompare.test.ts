import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HarnessNotRunError, recordedText, recordHarnessWorkload } from '../../../src/harness/recordHarnessWorkload';
import { nodeHarness } from '../../support/nodeHarness';
import { compareRunsChoice } from '../../../src/extension/model/compareRunsChoice';
import { runPoliciesFromText } from '../../../src/extension/model/policyWorkerJob';
import { runPoliciesOffThread } from '../../../src/extension/policyRunner';

const examples = join(__dirname, '..', '..', '..', 'examples');
const SETTINGS = { timeLimitMs: 10_000, pageSize: 4096 };

describe('Compare Runs on a harness (policies on the operations it makes)', function () {
  this.timeout(60_000);

  describe('what Compare Runs compares', () => {
    const id = (file: string) => file;
    const isHarness = (file: string) => file.endsWith('.lmm.ts') || file === '/w/helper.ts';

    it('policies on a harness given as the argument, whatever the editor shows and the runs kept', () => {
      assert.deepEqual(compareRunsChoice('/w/list.lmm.ts', '/w/b.trace', id, 5, isHarness), {
        kind: 'policies',
        workload: '/w/list.lmm.ts',
      });
      assert.deepEqual(compareRunsChoice('/w/helper.ts', undefined, id, 0, isHarness), {
        kind: 'policies',
        workload: '/w/helper.ts',
      });
    });

    it('policies on the active harness; a choice when two finished runs could be compared instead', () => {
      assert.deepEqual(compareRunsChoice(undefined, '/w/list.lmm.ts', id, 1, isHarness), {
        kind: 'policies',
        workload: '/w/list.lmm.ts',
      });
      assert.deepEqual(compareRunsChoice(undefined, '/w/list.lmm.ts', id, 2, isHarness), {
        kind: 'ask',
        workload: '/w/list.lmm.ts',
      });
    });

    it('a trace in the editor comes first; other files and callers without isHarness keep the old choices', () => {
      assert.deepEqual(compareRunsChoice(undefined, '/w/b.trace', id, 0, isHarness), {
        kind: 'policies',
        workload: '/w/b.trace',
      });
      assert.deepEqual(compareRunsChoice('/w/plain.ts', '/w/notes.md', id, 2, isHarness), { kind: 'runs' });
      assert.deepEqual(compareRunsChoice(undefined, '/w/list.lmm.ts', id, 2), { kind: 'runs' });
      assert.deepEqual(compareRunsChoice(undefined, '/w/list.lmm.ts', id, 0), { kind: 'pick-workload' });
    });
  });

  describe('recording the harness and running the policies on it', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'lmm-harness-policies-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('gives the policy worker the figures of the equivalent trace (a ready workload as input)', async () => {
      const recorded = await recordHarnessWorkload(join(examples, 'seed-testapp.lmm.ts'), 'seed-testapp.lmm.ts', SETTINGS).done;
      assert.ok(recorded);
      assert.equal(recorded.outcome, 'completed');
      assert.equal(recordedText(recorded), '240 operations recorded from the harness on lmm-classic');
      const policies = ['lmm-classic', 'best-fit'];
      const fromHarness = await runPoliciesOffThread({
        file: 'seed-testapp.lmm.ts',
        workload: recorded.workload,
        policies,
        timingMs: 0,
      }).done;
      const traceText = readFileSync(join(examples, 'seed-testapp.trace'), 'utf8');
      const fromTrace = runPoliciesFromText({ file: 'seed-testapp.trace', text: traceText, policies, timingMs: 0 });
      assert.ok(fromTrace.ok);
      const figures = (results: typeof fromHarness) =>
        results.map(({ ops, report: { policy, mmap, munmap, peakMappedBytes, mappedBytes, peakPayload, integrity } }) => ({
          ops,
          policy,
          mmap,
          munmap,
          peakMappedBytes,
          mappedBytes,
          peakPayload,
          integrity,
        }));
      assert.deepEqual(figures(fromHarness), figures(fromTrace.results));
      assert.equal(fromHarness[0]!.workload, 'seed-testapp.lmm.ts');
      // The pictures come from the same replay: lmm-classic's end picture keeps its registry page.
      assert.equal(fromHarness[0]!.end.mappedBytes, 4096);
    });

    it('a harness that does not compile is refused with FILE:LINE:COL', async () => {
      const file = join(dir, 'broken.lmm.ts');
      writeFileSync(
        file,
        `import { MM_REG_STRUCT } from 'lmm-studio';\nexport default function main(): void {\n  MM_REG_STRUCT(;\n}\n`,
      );
      await assert.rejects(
        recordHarnessWorkload(file, 'broken.lmm.ts', SETTINGS).done,
        (error: unknown) => error instanceof HarnessNotRunError && /broken\.lmm\.ts:3:\d+: /.test(error.message),
      );
    });

    it('a harness that crashes gives the operations it made, its outcome and message', async () => {
      const file = join(dir, 'crash.lmm.ts');
      writeFileSync(file, nodeHarness('XFREE(XCALLOC(3, node_t));', 'XCALLOC(1, node_t);', "throw new Error('boom');"));
      const recorded = await recordHarnessWorkload(file, 'crash.lmm.ts', SETTINGS).done;
      assert.ok(recorded);
      assert.equal(recorded.outcome, 'crashed');
      assert.match(recorded.message!, /crash\.lmm\.ts:10:\d+: Error: boom/);
      assert.equal(recorded.workload.length, 3);
      assert.deepEqual(recorded.workload.familyTable, [{ name: 'node_t', size: 4 }]);
      assert.equal(recordedText(recorded), '3 operations recorded from the harness on lmm-classic (crashed)');
    });

    it('a cancelled recording gives nothing', async () => {
      const file = join(dir, 'endless.lmm.ts');
      writeFileSync(file, nodeHarness('for (;;) XFREE(XCALLOC(1, node_t));'));
      const recording = recordHarnessWorkload(file, 'endless.lmm.ts', SETTINGS);
      setTimeout(() => recording.cancel(), 1500);
      assert.equal(await recording.done, undefined);
    });
  });
});
