// An error names its block's whole allocation stack, and for a freed block its free stack, as
// memcheck does ("Block was alloc'd at", "free'd"): one run, and the text report, the JSON report,
// SARIF, the diagnostics (at the end and while the run goes on) and the streamed records give the
// same frames, innermost first.
import { strict as assert } from 'node:assert';
import { harnessReportOutput } from '../../../src/harness/harnessReportOutput';
import { runHarnessFile, type MemoryErrorsSoFar } from '../../../src/harness/runHarness';
import { asInterimErrors, asReport, type LmmReport, type ReportError } from '../../../src/protocol/runReportSchema';
import { parseHostToWebview } from '../../../src/protocol/webviewMessages';
import { runResultsParams } from '../../../src/extension/model/runResultsParams';
import type { RunState } from '../../../src/extension/model/runState';
import { runDiagnostics } from '../../../src/server/runDiagnostics';
import type { SarifLog } from '../../../src/analysis/sarif';
import { scratchFolder } from '../../support/scratchFolder';

/** A block allocated two calls deep, freed two calls deep, then written and freed again from calls of their own. */
const HARNESS = `import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';

@struct
class cell_t {
  @u32 value!: number;
}

function makeCell(): cell_t {
  return XCALLOC(1, cell_t);
}
function newCell(): cell_t {
  return makeCell();
}

function dropCell(c: cell_t): void {
  XFREE(c);
}
function release(c: cell_t): void {
  dropCell(c);
}

function touch(c: cell_t): void {
  c.value = 7;
}

export default function main(): void {
  MM_REG_STRUCT(cell_t);
  const cell = newCell();
  release(cell);
  touch(cell);
  dropCell(cell);
}
`;

/** XCALLOC in makeCell, called from newCell, called from main. */
const ALLOC_LINES = [9, 12, 28];
/** XFREE in dropCell, called from release, called from main. */
const FREE_LINES = [16, 19, 29];
const EXPECTED = [
  { kind: 'use-after-free', stack: [23, 30], free: FREE_LINES, alloc: ALLOC_LINES },
  { kind: 'double-free', stack: [16, 31], free: FREE_LINES, alloc: ALLOC_LINES },
];

type Lines = { kind: string; stack: number[]; free: number[]; alloc: number[] };
const lineOf = (site: { line: number }) => site.line;

/** The text report's errors, each stack as its lines, read as a reviewer reads memcheck's. */
function textErrors(text: string): Lines[] {
  const out: Lines[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heading = /^([a-z-]+): /.exec(lines[i]!);
    if (!heading || !['use-after-free', 'double-free'].includes(heading[1]!)) continue;
    const error: Lines = { kind: heading[1]!, stack: [], free: [], alloc: [] };
    let part: 'stack' | 'free' | 'alloc' = 'stack';
    for (i++; i < lines.length && lines[i] !== ''; i++) {
      const l = lines[i]!;
      if (l === ' Block was freed at') part = 'free';
      else if (l === ' Block was allocated at') part = 'alloc';
      else {
        const frame = /^ {3}(at|by) \S+:(\d+):\d+$/.exec(l);
        assert.ok(frame, `a frame line: ${JSON.stringify(l)}`);
        assert.equal(frame[1], error[part].length === 0 ? 'at' : 'by', `"at" first, then "by": ${l}`);
        error[part].push(Number(frame[2]));
      }
    }
    out.push(error);
  }
  return out;
}

function recordLines(errors: readonly ReportError[]): Lines[] {
  return errors.map((e) => ({
    kind: e.kind,
    stack: e.stack.map(lineOf),
    free: (e.freeStack ?? []).map(lineOf),
    alloc: (e.allocStack ?? []).map(lineOf),
  }));
}

function diagnosticLines(report: LmmReport, status: RunState['status'], file: string, interim?: MemoryErrorsSoFar): Lines[] {
  const run = { id: 1, status, file, ...(interim ? { interimErrors: asInterimErrors(interim) } : { report }) } as RunState;
  const diagnostics = [
    ...runDiagnostics(runResultsParams(run), {
      text: () => HARNESS,
      uri: (name) => `file://${name}`,
      structSite: () => undefined,
    }).values(),
  ].flat();
  return diagnostics
    .filter((d) => d.code === 'use-after-free' || d.code === 'double-free')
    .sort((a, b) => a.range.start.line - b.range.start.line)
    .reverse()
    .map((d) => {
      const info = d.relatedInformation ?? [];
      const lines = (words: RegExp) => info.filter((r) => words.test(r.message)).map((r) => r.location.range.start.line + 1);
      return {
        kind: String(d.code),
        stack: [d.range.start.line + 1, ...lines(/^called from here$/)],
        free: lines(/^the (block was freed here|free was called from here)$/),
        alloc: lines(/^the (block was allocated here|allocation was called from here)$/),
      };
    });
}

describe("an error names its block's allocation and free stacks in every output", function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-block-stacks-');
  let file: string;
  let text: string;
  let json: LmmReport;
  let sarif: SarifLog;
  let streamed: MemoryErrorsSoFar | undefined;

  before(async () => {
    file = scratch.write('blockStacks.lmm.ts', HARNESS);
    const result = await runHarnessFile(file, { classicText: true, onMemoryErrors: (errors) => (streamed = errors) });
    assert.equal(result.outcome, 'completed', result.message);
    text = harnessReportOutput(result.finished!, 'text');
    json = asReport(JSON.parse(harnessReportOutput(result.finished!, 'json')));
    sarif = JSON.parse(harnessReportOutput(result.finished!, 'sarif')) as SarifLog;
  });

  it('the text report: the error stack, then " Block was freed at" and " Block was allocated at", each frame "at" then "by"', () => {
    assert.deepEqual(textErrors(text), EXPECTED, text);
    assert.ok(text.includes(' Block was freed at\n   at '), text);
  });

  it('the JSON report: allocStack and freeStack, whose first frames are allocSite and freeSite', () => {
    assert.deepEqual(recordLines(json.errors), EXPECTED);
    for (const e of json.errors) {
      assert.deepEqual(e.allocSite, e.allocStack![0]);
      assert.deepEqual(e.freeSite, e.freeStack![0]);
    }
  });

  it('the records streamed while the run goes on carry the same stacks', () => {
    assert.ok(streamed, 'the errors were streamed');
    assert.deepEqual(recordLines(asInterimErrors(streamed).errors), EXPECTED);
  });

  it('SARIF: each result has the access, free and allocation stacks, and a related location for every frame', () => {
    const results = sarif.runs[0]!.results.filter((r) => r.ruleId === 'use-after-free' || r.ruleId === 'double-free');
    const fromStacks = results.map((r) => {
      const stack = (text: string) =>
        r.stacks!.find((s) => s.message.text === text)!.frames.map((f) => f.location.physicalLocation.region.startLine);
      return {
        kind: r.ruleId,
        stack: stack('the access'),
        free: stack('the block was freed'),
        alloc: stack('the block was allocated'),
      };
    });
    assert.deepEqual(fromStacks, EXPECTED);
    const fromRelated = results.map((r) => {
      const lines = (words: RegExp) =>
        r.relatedLocations.filter((l) => words.test(l.message.text)).map((l) => l.physicalLocation.region.startLine);
      return {
        kind: r.ruleId,
        stack: [r.locations[0]!.physicalLocation.region.startLine, ...lines(/^called from here$/)],
        free: lines(/^the (block was freed here|free was called from here)$/),
        alloc: lines(/^the (block was allocated here|allocation was called from here)$/),
      };
    });
    assert.deepEqual(fromRelated, EXPECTED);
  });

  it("the diagnostics' related information, from the report and from the errors streamed while the run goes on", () => {
    assert.deepEqual(diagnosticLines(json, 'finished', file), EXPECTED);
    assert.deepEqual(diagnosticLines(json, 'running', file, streamed), EXPECTED);
  });

  it('asReport and asInterimErrors refuse a block stack that is not sites or does not start at its site', () => {
    const withError = (edit: (e: Record<string, unknown>) => void) => {
      const copy = JSON.parse(JSON.stringify(json)) as LmmReport;
      edit(copy.errors[0] as unknown as Record<string, unknown>);
      return copy;
    };
    assert.throws(() => asReport(withError((e) => (e['allocStack'] = []))), /errors\[0\]\.allocStack is not a list of sites/);
    assert.throws(
      () => asReport(withError((e) => (e['freeStack'] = [{ file: 'x' }]))),
      /errors\[0\]\.freeStack is not a list of sites/,
    );
    assert.throws(
      () => asReport(withError((e) => (e['allocStack'] = [...(e['allocStack'] as unknown[])].reverse()))),
      /errors\[0\]\.allocStack does not start at its allocSite/,
    );
    assert.throws(
      () => asReport(withError((e) => delete e['freeSite'])),
      /errors\[0\]\.freeStack does not start at its freeSite/,
    );
    const interim = { errors: withError((e) => (e['allocStack'] = 'x')).errors, occurrences: 2, distinct: 2 };
    assert.throws(() => asInterimErrors(interim), /errors\[0\]\.allocStack is not a list of sites/);
  });

  it("the webview's memoryErrors message takes the stacks and refuses malformed ones", () => {
    const message = (allocStack: unknown) => ({
      type: 'memoryErrors',
      runId: 'r',
      errors: [{ kind: 'use-after-free', message: 'm', count: 1, allocStack }],
      occurrences: 1,
      distinct: 1,
    });
    const stack = json.errors[0]!.allocStack!;
    const parsed = parseHostToWebview(message(stack));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
    assert.deepEqual(
      parsed.ok && parsed.message.type === 'memoryErrors' ? parsed.message.errors[0]!.allocStack : undefined,
      stack,
    );
    for (const bad of [[], 'x', [{ file: 1, line: 1, column: 1 }], new Array(501).fill(stack[0])])
      assert.equal(parseHostToWebview(message(bad)).ok, false, JSON.stringify(bad).slice(0, 60));
  });
});
