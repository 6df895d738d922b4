/**
 * What `lmm run` prints from a finished run (text, JSON or SARIF), and which `--fail-on` kinds
 * the run hit. Built from the run's facts and end-of-run leak check.
 */
import type { MemoryErrorRecord, Site } from '../analysis/analysisInput';
import type { LossRecord } from '../analysis/leakCheck';
import type { FinishedRun } from './sandbox/finishRun';

export const LEAK_FAIL_KINDS = ['definitely-lost', 'indirectly-lost', 'possibly-lost', 'still-reachable'];
export const ERROR_FAIL_KINDS = [
  'double-free',
  'invalid-free',
  'use-after-free',
  'out-of-bounds',
  'unregistered-struct',
  'too-large',
  'out-of-memory',
  'duplicate-registration',
  'struct-too-large',
];
/** `error`: any memory error; `leak`: any lost block (definitely, indirectly or possibly). */
export const FAIL_ON_KINDS = [...LEAK_FAIL_KINDS, ...ERROR_FAIL_KINDS, 'error', 'leak'];

export function failOnHits(run: FinishedRun, kinds: readonly string[]): string[] {
  const hits = new Set<string>();
  for (const record of run.leaks.records) {
    if (record.suppressed) continue;
    if (kinds.includes(record.kind)) hits.add(record.kind);
    if (kinds.includes('leak') && record.kind !== 'still-reachable') hits.add('leak');
  }
  for (const error of run.facts.errors) {
    if (kinds.includes(error.kind)) hits.add(error.kind);
    if (kinds.includes('error')) hits.add('error');
  }
  return [...hits];
}

export function harnessReportOutput(run: FinishedRun, format: 'text' | 'json' | 'sarif'): string {
  if (format === 'json') return JSON.stringify(jsonReport(run), null, 2) + '\n';
  if (format === 'sarif') return JSON.stringify(sarifReport(run), null, 2) + '\n';
  return textReport(run);
}

function siteText(site: Site | null | undefined): string {
  return site ? `${site.file}:${site.line}:${site.column}` : '?';
}

function jsonReport(run: FinishedRun): unknown {
  const facts = run.facts;
  return {
    schemaVersion: 1,
    families: facts.families.map((f) => ({
      name: f.name,
      size: f.size,
      pages: f.pages,
      peakPages: f.peakPages,
      mmap: f.mmap,
      munmap: f.munmap,
      tbc: f.totalBlocks,
      fbc: f.freeBlocks,
      obc: f.totalBlocks - f.freeBlocks,
      appMemory: f.appMemory,
      peakAppMemory: f.peakAppMemory,
      hardFragmentBytes: f.hardFragmentBytes,
      softFragments: f.softFragments,
      softFragmentBytes: f.softFragmentBytes,
    })),
    totals: { mmap: facts.mmapCalls, munmap: facts.munmapCalls, appMemory: facts.appMemory, peakAppMemory: facts.peakAppMemory },
    leaks: run.leaks.records.map(leakJson),
    errors: facts.errors.map(errorJson),
    leakChecks: facts.leakChecks.map((c) => ({
      event: c.step,
      site: c.site,
      leaks: ((c.result as { records?: LossRecord[] } | null)?.records ?? []).map(leakJson),
    })),
  };
}

function leakJson(r: LossRecord): unknown {
  const out: Record<string, unknown> = {
    kind: r.kind,
    struct: r.struct,
    blocks: r.blocks,
    bytes: r.bytes,
    site: r.site,
    stack: r.stack,
    suppressed: r.suppressed,
    drags: r.drags,
  };
  if (r.rootPath) out.rootPath = r.rootPath.map((s) => ({ struct: s.struct, field: s.field, site: s.site }));
  return out;
}

function errorJson(e: MemoryErrorRecord): unknown {
  const out: Record<string, unknown> = { kind: e.kind, message: e.message, count: e.count, site: e.site, stack: e.stack };
  if (e.allocSite) out.allocSite = e.allocSite;
  if (e.freeSite) out.freeSite = e.freeSite;
  return out;
}

function textReport(run: FinishedRun): string {
  const lines: string[] = [run.classicText.trimEnd(), ''];
  const { facts, leaks } = run;
  lines.push('== memory errors ==');
  if (facts.errors.length === 0) lines.push('no memory errors');
  for (const e of facts.errors) {
    lines.push(`${e.kind} (${e.count}×): ${e.message}`);
    for (const frame of e.stack) lines.push(`    at ${siteText(frame)}`);
    if (e.allocSite) lines.push(`  block allocated at ${siteText(e.allocSite)}`);
    if (e.freeSite) lines.push(`  block freed at ${siteText(e.freeSite)}`);
  }
  lines.push('', '== leak summary ==');
  for (const record of leaks.records) {
    lines.push(
      `${record.bytes} bytes in ${record.blocks} block(s) of ${record.struct} are ${record.kind}${record.suppressed ? ' (suppressed)' : ''}` +
        (record.drags.blocks > 0 ? `, dragging ${record.drags.bytes} bytes in ${record.drags.blocks} block(s)` : ''),
    );
    for (const frame of record.stack) lines.push(`    at ${siteText(frame)}`);
  }
  const s = leaks.summary;
  lines.push(
    `definitely lost: ${s['definitely-lost'].bytes} bytes in ${s['definitely-lost'].blocks} blocks`,
    `indirectly lost: ${s['indirectly-lost'].bytes} bytes in ${s['indirectly-lost'].blocks} blocks`,
    `  possibly lost: ${s['possibly-lost'].bytes} bytes in ${s['possibly-lost'].blocks} blocks`,
    `still reachable: ${s['still-reachable'].bytes} bytes in ${s['still-reachable'].blocks} blocks`,
    `     suppressed: ${s.suppressed.bytes} bytes in ${s.suppressed.blocks} blocks`,
  );
  return lines.join('\n') + '\n';
}

function sarifReport(run: FinishedRun): unknown {
  const results: unknown[] = [];
  const location = (site: Site | null) =>
    site
      ? [
          {
            physicalLocation: {
              artifactLocation: { uri: site.file },
              region: { startLine: site.line, startColumn: Math.max(1, site.column) },
            },
          },
        ]
      : [];
  for (const r of run.leaks.records) {
    if (r.suppressed || r.kind === 'still-reachable') continue;
    results.push({
      ruleId: r.kind,
      level: r.kind === 'possibly-lost' ? 'warning' : 'error',
      message: { text: `${r.bytes} bytes in ${r.blocks} block(s) of ${r.struct} are ${r.kind}` },
      locations: location(r.site),
    });
  }
  for (const e of run.facts.errors) {
    results.push({
      ruleId: e.kind,
      level: 'error',
      message: { text: `${e.message} (${e.count}×)` },
      locations: location(e.site),
    });
  }
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [{ tool: { driver: { name: 'lmm', informationUri: 'https://github.com/lmm-studio', rules: [] } }, results }],
  };
}
