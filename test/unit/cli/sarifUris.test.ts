import { strict as assert } from 'node:assert';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { artifactLocation, SRCROOT, type SarifLog } from '../../../src/analysis/sarif';
import { lmm } from '../../support/lmmCli';
import { sarifSchemaProblems, codeScanningProblems } from '../../support/reportSchemas';
import { scratchFolder } from '../../support/scratchFolder';

/**
 * `lmm run --sarif` names every file under the run's working directory relative to one base,
 * `%SRCROOT%` (the working directory, given in `originalUriBaseIds`), whether the run named it
 * relative or absolute and whether it is the harness or a file the harness imports; a file outside
 * it by its absolute file:// URI. Before, a file the harness imported was a file:// URI beside the
 * harness's relative one.
 */
describe('SARIF names the files under the working directory relative to %SRCROOT%, the others absolute', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-sarif-uris-');
  // The run's folder: the harness, and a helper it imports in lib/.
  const root = realpathSync(scratch.dir);
  mkdirSync(join(root, 'lib'), { recursive: true });
  scratch.write(
    'lib/cells.ts',
    "import { XCALLOC_BUF } from 'lmm-studio';\nexport function near(): void {\n  XCALLOC_BUF(5);\n}\n",
  );
  const harness = scratch.write(
    'leak.lmm.ts',
    "import { near } from './lib/cells';\nexport default function main(): void {\n  near();\n}\n",
  );

  async function sarifFrom(folder: string, file: string): Promise<SarifLog> {
    const before = process.cwd();
    process.chdir(folder);
    try {
      const result = await lmm('run', file, '--sarif');
      assert.equal(result.status, 0, result.stderr);
      const log = JSON.parse(result.stdout) as SarifLog;
      assert.deepEqual(sarifSchemaProblems(log), []);
      assert.deepEqual(codeScanningProblems(log), []);
      return log;
    } finally {
      process.chdir(before);
    }
  }

  /** The loss record's allocating frame (the helper's line) and its caller (the harness's), and the artifacts. */
  const namesOf = (log: SarifLog) => {
    const [result, ...others] = log.runs[0]!.results;
    assert.equal(others.length, 0);
    return {
      frames: [result!.locations[0]!, ...result!.relatedLocations].map((l) => l.physicalLocation.artifactLocation),
      artifacts: log.runs[0]!.artifacts.map((a) => a.location),
      base: log.runs[0]!.originalUriBaseIds,
    };
  };

  const helper = { uri: 'lib/cells.ts', uriBaseId: SRCROOT };
  const main = { uri: 'leak.lmm.ts', uriBaseId: SRCROOT };
  const base = () => ({ [SRCROOT]: { uri: `file://${root}/` } });

  for (const [how, name] of [
    ['relative', () => 'leak.lmm.ts'],
    ['absolute', () => harness],
  ] as const) {
    it(`the harness named ${how}: it and the file it imports relative to %SRCROOT%, the working directory`, async () => {
      assert.deepEqual(namesOf(await sarifFrom(root, name())), {
        frames: [helper, main],
        artifacts: [helper, main],
        base: base(),
      });
    });
  }

  it('run from lib/: the helper under it relative, the harness outside it by its file:// URI', async () => {
    const log = await sarifFrom(join(root, 'lib'), '../leak.lmm.ts');
    const cells = { uri: 'cells.ts', uriBaseId: SRCROOT };
    const outside = { uri: `file://${harness}` };
    assert.deepEqual(namesOf(log), {
      frames: [cells, outside],
      artifacts: [cells, outside],
      base: { [SRCROOT]: { uri: `file://${root}/lib/` } },
    });
  });

  it('artifactLocation: `.` and `..` resolved, another disk or a folder that only starts alike is outside', () => {
    assert.deepEqual(artifactLocation('/w/a/../b/./c.ts', '/w'), { uri: 'b/c.ts', uriBaseId: SRCROOT });
    assert.deepEqual(artifactLocation('../w2/c.ts', '/w/'), { uri: 'file:///w2/c.ts' });
    assert.deepEqual(artifactLocation('/w2/c.ts', '/w'), { uri: 'file:///w2/c.ts' });
    assert.deepEqual(artifactLocation('x y.ts', '/w'), { uri: 'x%20y.ts', uriBaseId: SRCROOT });
    assert.deepEqual(artifactLocation('C:\\w\\src\\c.ts', 'c:\\W'), { uri: 'src/c.ts', uriBaseId: SRCROOT });
    assert.deepEqual(artifactLocation('D:\\w\\c.ts', 'C:\\w'), { uri: 'file:///D:/w/c.ts' });
    // The working directory unknown (VS Code's Export Report): named as the run named it.
    assert.deepEqual(artifactLocation('./a/c.ts'), { uri: 'a/c.ts', uriBaseId: SRCROOT });
    assert.deepEqual(artifactLocation('/w/c.ts'), { uri: 'file:///w/c.ts' });
  });
});
