/**
 * The editor's leak figures of a run that did not complete (its report says `complete: false`):
 * the Problems panel's leak warnings, the code lens over each XCALLOC and its hover name the check
 * they come from, the one when the run stopped (at step N), and say no end-of-run check ran.
 * Before, they read as a finished run's verdict ("leaked 2"). A finished run's figures are unchanged.
 */
import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { RunResultsParams } from '../../../src/protocol/lspMessages';
import type { LmmReport } from '../../../src/protocol/runReportSchema';
import { codeLenses, hoverAt } from '../../../src/server/editorFeatures';
import { scanHarness } from '../../../src/server/harnessScan';
import { runDiagnostics, type SourceFiles } from '../../../src/server/runDiagnostics';

const FILE = '/w/loop.lmm.ts';
const HARNESS = `import { struct, u32, MM_REG_STRUCT, XCALLOC } from 'lmm-studio';
@struct
class node_t {
  @u32 value!: number;
}
export default function main(): void {
  MM_REG_STRUCT(node_t);
  for (;;) XCALLOC(1, node_t);
}
`;
const at = { file: FILE, line: 8, column: 12 };

function report(complete: boolean): LmmReport {
  return {
    schemaVersion: 2,
    complete,
    families: [],
    totals: { pages: 1, mappedBytes: 4096, appMemory: 8, mmap: 1, munmap: 0, steps: 1234 },
    sites: [
      { site: at, stack: [at], struct: 'node_t', allocated: 2, freed: 0, live: 2, peakLive: 2, leakedBlocks: 2, leakedBytes: 8 },
    ],
    leaks: [{ kind: 'definitely-lost', struct: 'node_t', blocks: 2, bytes: 8, site: at, stack: [at], suppressed: false }],
    errors: [],
    leakChecks: [],
    hints: [],
  };
}

const files: SourceFiles = { text: () => HARNESS, uri: (f) => `file://${f}`, structSite: () => undefined };
const document = TextDocument.create(`file://${FILE}`, 'typescript', 1, HARNESS);
const scan = scanHarness(HARNESS, FILE);

function editorTexts(status: RunResultsParams['status'], complete: boolean) {
  const params: RunResultsParams = { runId: 1, status, report: report(complete), harnessFile: FILE };
  const diagnostic = runDiagnostics(params, files).get(FILE)![0]!.message;
  const lens = codeLenses(document, scan, report(complete), FILE)[0]!.command!.title;
  const hover = hoverAt(document, scan, document.positionAt(HARNESS.indexOf('XCALLOC(1') + 1), report(complete), FILE, 4096)!;
  return { diagnostic, lens, hover: (hover.contents as { value: string }).value };
}

describe('the editor’s leak figures of a run that did not complete', () => {
  it('the time limit: the warning, the lens and the hover name the check when it stopped, at its step', () => {
    const { diagnostic, lens, hover } = editorTexts('failed', false);
    assert.equal(
      diagnostic,
      'definitely-lost: 2 node_t blocks, 8 bytes, allocated here [leak check when the run stopped, at step 1,234: run failed before its end, no end-of-run leak check ran]',
    );
    assert.equal(lens, 'allocated 2 · live 2 · leaked 2 when the run stopped, at step 1,234');
    assert.match(
      hover,
      /The last run did not complete: no end-of-run leak check ran; leaks are those when the run stopped, at step 1,234\./,
    );
    assert.match(hover, /leaked 2 blocks \/ 8 bytes when the run stopped, at step 1,234/);
  });

  it('a finished run: its end-of-run check, as before', () => {
    const { diagnostic, lens, hover } = editorTexts('finished', true);
    assert.equal(diagnostic, 'definitely-lost: 2 node_t blocks, 8 bytes, allocated here');
    assert.equal(lens, 'allocated 2 · live 2 · leaked 2');
    assert.doesNotMatch(hover, /stopped|did not complete/);
  });
});
