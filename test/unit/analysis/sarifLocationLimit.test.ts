/**
 * GitHub code scanning refuses a whole SARIF upload with a result of more than 1,000 locations
 * (`locations` and `relatedLocations` together). A memory error under `--num-callers=500` named
 * up to 499 callers, 499 allocation frames and 499 free frames as related locations (1,498 with
 * its location): LMM keeps 999, each stack's innermost frames first, shared out evenly, and says
 * in the message and the properties how many were left out; its `stacks` keep every frame. At
 * the limit nothing is cut or said. (LMM writes no codeFlows, so code scanning's limit on thread
 * flow locations has nothing to count; its 25,000 results a run: sarifSchema.test.ts.)
 */
import { strict as assert } from 'node:assert';
import type { Site } from '../../../src/analysis/analysisInput';
import { toSarif, type SarifLog, type SarifResult } from '../../../src/analysis/sarif';
import { framesWithinRoom, SARIF_MAX_LOCATIONS } from '../../../src/analysis/sarifLocationLimit';
import { lmm } from '../../support/lmmCli';
import { nodeHarness } from '../../support/nodeHarness';
import { codeScanningProblems, sarifSchemaProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

const frames = (file: string, n: number): Site[] => Array.from({ length: n }, (_, i) => ({ file, line: i + 1, column: 1 }));

/** The SARIF of one double free whose own stack, allocation stack and free stack are this deep. */
function doubleFreeLog(own: number, alloc: number, free: number): SarifResult {
  const stack = frames('own.ts', own);
  const log = toSarif(
    {
      harnessFile: 'h.lmm.ts',
      leaks: [],
      errors: [
        {
          kind: 'double-free',
          message: 'double free',
          count: 1,
          site: stack[0]!,
          stack,
          allocSite: frames('alloc.ts', 1)[0]!,
          allocStack: frames('alloc.ts', alloc),
          freeSite: frames('free.ts', 1)[0]!,
          freeStack: frames('free.ts', free),
          event: 2,
          step: 3,
          suppressed: false,
        },
      ],
    },
    'dev',
  );
  assert.deepEqual(sarifSchemaProblems(log), []);
  assert.deepEqual(codeScanningProblems(log), []);
  return log.runs[0]!.results[0]!;
}

const relatedIn = (result: SarifResult, file: string) =>
  result.relatedLocations.filter((l) => l.physicalLocation.artifactLocation.uri === file);

describe('SARIF: at most 1,000 locations a result (GitHub code scanning)', function () {
  this.timeout(60_000);

  it('at the limit (1 location, 999 related) nothing is cut or said', () => {
    const result = doubleFreeLog(400, 300, 300); // 399 callers + 300 + 300
    assert.equal(result.locations.length + result.relatedLocations.length, SARIF_MAX_LOCATIONS);
    assert.equal(result.message.text, 'double free');
    assert.equal(result.properties?.['relatedLocationsLeftOut'], undefined);
  });

  it('one over: 999 kept, each stack’s innermost first, the cut said, the stacks whole', () => {
    const result = doubleFreeLog(401, 300, 300);
    assert.equal(result.locations.length + result.relatedLocations.length, SARIF_MAX_LOCATIONS);
    assert.equal(result.properties?.['relatedLocationsLeftOut'], 1);
    assert.match(result.message.text, /^double free \(1 of 1000 related locations left out: .*1,000 locations/);
    assert.deepEqual(
      result.relatedLocations.map((l) => l.id),
      Array.from({ length: 999 }, (_, i) => i + 1),
    );
    // The access's deepest caller went; the allocation's and the free's frames all stayed.
    assert.equal(relatedIn(result, 'own.ts').length, 399);
    assert.equal(relatedIn(result, 'own.ts').at(-1)!.physicalLocation.region.startLine, 400);
    assert.equal(relatedIn(result, 'alloc.ts').length, 300);
    assert.equal(relatedIn(result, 'free.ts').length, 300);
    assert.deepEqual(
      result.stacks!.map((s) => s.frames.length),
      [401, 300, 300],
    );
  });

  it('--num-callers=500 (1,498 frames): a third each, the allocation and the free at their own lines', () => {
    const result = doubleFreeLog(500, 499, 499);
    assert.equal(result.relatedLocations.length, 999);
    assert.equal(result.properties?.['relatedLocationsLeftOut'], 1497 - 999);
    for (const file of ['own.ts', 'alloc.ts', 'free.ts']) assert.equal(relatedIn(result, file).length, 333, file);
    assert.equal(relatedIn(result, 'alloc.ts')[0]!.message.text, 'the block was allocated here');
    assert.equal(relatedIn(result, 'free.ts')[0]!.message.text, 'the block was freed here');
  });

  it('framesWithinRoom: a short stack leaves its share to the others; no room keeps nothing', () => {
    assert.deepEqual(framesWithinRoom([[1, 2, 3, 4, 5], [6], [7, 8, 9, 10]], 6), {
      kept: [[1, 2, 3], [6], [7, 8]],
      leftOut: 4,
    });
    assert.deepEqual(framesWithinRoom([[1, 2]], 0), { kept: [[]], leftOut: 2 });
    assert.deepEqual(framesWithinRoom([[1], [2]], 2), { kept: [[1], [2]], leftOut: 0 });
  });

  it('lmm run --sarif --num-callers=500 of a double free 600 calls deep: uploadable, the cut said', async () => {
    const { write } = scratchFolder('lmm-sarif-locations-');
    const file = write(
      'deep.lmm.ts',
      nodeHarness(
        'const down = (n: number, f: () => void): void => (n === 0 ? f() : down(n - 1, f));',
        'let a: node_t | undefined;',
        'down(600, () => (a = XCALLOC(1, node_t)!));',
        'down(600, () => XFREE(a!));',
        'down(600, () => XFREE(a!));',
      ),
    );
    const run = await lmm('run', file, '--sarif', '--num-callers=500');
    assert.equal(run.status, 0, run.stderr);
    const log = JSON.parse(run.stdout) as SarifLog;
    assert.deepEqual(sarifSchemaProblems(log), []);
    assert.deepEqual(codeScanningProblems(log), []);
    const error = log.runs[0]!.results.find((r) => r.ruleId === 'double-free')!;
    assert.equal(error.locations.length + error.relatedLocations.length, SARIF_MAX_LOCATIONS);
    assert.ok((error.properties?.['relatedLocationsLeftOut'] as number) > 0);
    assert.match(error.message.text, /related locations left out/);
    assert.ok(error.stacks!.every((s) => s.frames.length >= 499));
  });
});
