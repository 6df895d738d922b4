/**
 * A harness with U+2028 and U+2029 in a comment, a template and a string (each ends a line for
 * TypeScript and esbuild, none for an editor): every site of its run is the same in the text
 * report, the JSON, the SARIF and the editor's diagnostics range, and it is where the call is on
 * the editor's lines (LF, CR LF, a lone CR). One place counting lines otherwise would put its
 * findings a line down per separator, and differ from the others.
 */
import { strict as assert } from 'node:assert';
import { siteRange } from '../../../src/server/siteRanges';
import { lmm } from '../../support/lmmCli';
import { scratchFolder } from '../../support/scratchFolder';

const LS = '\u2028';
const PS = '\u2029';
const HARNESS = [
  "import { struct, u32, MM_REG_STRUCT, XCALLOC, XFREE } from 'lmm-studio';",
  `/* a comment${LS}with a separator${PS}or two */`,
  '@struct class node_t { @u32 key!: number; }',
  `const shown = \`template${LS}text\`;`,
  'export default function main() {',
  `  const label = 'str${PS}ing'; void shown; void label;`,
  '  MM_REG_STRUCT(node_t);',
  '  const p = XCALLOC(1, node_t)!;',
  `  XFREE(p); const s = \`${LS}\`; void s; XFREE(p);`,
  `  const w = '${LS}'; const leaked = XCALLOC(1, node_t)!; void w; void leaked;`,
  '}',
  '',
].join('\r\n');

interface Site {
  file?: string;
  line: number;
  column: number;
}

describe('sites after U+2028 and U+2029: text, JSON, SARIF and the editor agree', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('lmm-line-separators-');

  it('every site is the call on the editor’s line, the same in each output', async () => {
    const file = scratch.write('separators.lmm.ts', HARNESS);
    const text = await lmm('run', file);
    const json = await lmm('run', file, '--json');
    const sarif = await lmm('run', file, '--sarif');
    for (const ran of [text, json, sarif]) assert.equal(ran.status, 0, ran.stderr);

    const report = JSON.parse(json.stdout) as {
      errors: { site: Site; allocSite: Site; freeSite: Site }[];
      leaks: { site: Site }[];
    };
    const [error] = report.errors;
    const [leak] = report.leaks;
    assert.ok(error && leak, json.stdout.slice(0, 400));
    const expected = {
      doubleFree: { line: 9, column: 36 },
      alloc: { line: 8, column: 13 },
      free: { line: 9, column: 3 },
      leak: { line: 10, column: 33 },
    };
    assert.deepEqual(
      { doubleFree: error.site, alloc: error.allocSite, free: error.freeSite, leak: leak.site },
      Object.fromEntries(Object.entries(expected).map(([k, s]) => [k, { file: error.site.file, ...s }])),
    );

    // The editor's word at each site is the call there.
    const editorLines = HARNESS.split(/\r\n|\r|\n/);
    const wordAt = (s: Site) => {
      const range = siteRange(HARNESS, s.line, s.column);
      assert.equal(range.start.line, range.end.line);
      return editorLines[range.start.line]!.slice(range.start.character, range.end.character);
    };
    assert.deepEqual(
      [wordAt(expected.doubleFree), wordAt(expected.alloc), wordAt(expected.free), wordAt(expected.leak)],
      ['XFREE', 'XCALLOC', 'XFREE', 'XCALLOC'],
    );

    // The text report names the same places.
    for (const s of Object.values(expected))
      assert.ok(text.stdout.includes(`separators.lmm.ts:${s.line}:${s.column}`), `${s.line}:${s.column}`);

    // And the SARIF: each result's location, each related location among the JSON's sites.
    const log = JSON.parse(sarif.stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
          relatedLocations: { physicalLocation: { region: { startLine: number; startColumn: number } } }[];
        }[];
      }[];
    };
    const at = (l: { physicalLocation: { region: { startLine: number; startColumn: number } } }) =>
      `${l.physicalLocation.region.startLine}:${l.physicalLocation.region.startColumn}`;
    const results = log.runs[0]!.results;
    const doubleFree = results.find((r) => r.ruleId === 'double-free')!;
    assert.equal(at(doubleFree.locations[0]!), '9:36');
    assert.deepEqual(doubleFree.relatedLocations.map(at).sort(), ['8:13', '9:3']);
    const leaked = results.find((r) => r.ruleId !== 'double-free')!;
    assert.equal(at(leaked.locations[0]!), '10:33');
  });
});
