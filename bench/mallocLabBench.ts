/**
 * `npm run bench:malloc-lab`: every policy on the 11 standard CS:APP malloc-lab traces, with
 * @thi.ng/malloc as an outside baseline in the same run. Prints markdown tables of utilization
 * (peak live payload ÷ peak mapped bytes) and throughput (Kops/s, best of the timing passes) per
 * trace with arithmetic means, then the page reservoir's trade-off (syscalls against mapped
 * bytes) on the same workloads. `--quick` times for less long (noisier figures).
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { runPolicy } from '../src/policies/comparePolicies';
import { parseMallocLabTrace } from '../src/policies/mallocLabTrace';
import { POLICY_NAMES } from '../src/policies/policyRegistry';
import { bytesText, percent } from '../src/policies/reportFormat';
import type { Workload } from '../src/policies/workload';
import { replayWorkload, type ReplayReport } from '../src/policies/workloadRunner';
import { loadThingMalloc, ThingMallocBaseline } from './mallocLabBaseline';

/** The lab's default trace set (short1/short2 are smoke tests, not part of it). */
export const STANDARD_TRACES = [
  'amptjp-bal.rep',
  'cccp-bal.rep',
  'cp-decl-bal.rep',
  'expr-bal.rep',
  'coalescing-bal.rep',
  'random-bal.rep',
  'random2-bal.rep',
  'binary-bal.rep',
  'binary2-bal.rep',
  'realloc-bal.rep',
  'realloc2-bal.rep',
];
const BASELINE = '@thi.ng/malloc';

const quick = process.argv.includes('--quick');
const timingMs = quick ? 30 : 150;
const dir = resolve(__dirname, '..', '..', 'test', 'fixtures', 'malloc-lab');

function load(name: string): Workload {
  return parseMallocLabTrace(name, readFileSync(join(dir, name), 'utf8'));
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

async function main(): Promise<void> {
  await loadThingMalloc();
  const workloads = STANDARD_TRACES.map(load);
  const columns = [...POLICY_NAMES, BASELINE];
  const results = new Map<string, ReplayReport[]>();
  for (const name of columns) results.set(name, []);
  const started = Date.now();
  for (const workload of workloads) {
    for (const policy of POLICY_NAMES) {
      results.get(policy)!.push(runPolicy(workload, { policy, reservoirPages: 0, reservoirDelay: 0 }, { timingMs }));
    }
    results.get(BASELINE)!.push(replayWorkload(workload, () => new ThingMallocBaseline(true), { timingMs }));
    process.stderr.write('.');
  }
  process.stderr.write('\n');

  const cpu = cpus();
  const out: string[] = [];
  out.push(`# malloc-lab benchmark`);
  out.push('');
  out.push(
    `machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), node ${process.version}, ${quick ? 'quick timing' : `timing ≥ ${timingMs} ms per cell, best replay`}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  const failures: string[] = [];
  for (const [name, reports] of results) {
    for (const r of reports) {
      if (r.integrity !== 'ok' || r.invariants !== 'ok')
        failures.push(`${name} ${r.trace}: ${r.integrity !== 'ok' ? r.integrity : r.invariants}`);
    }
  }
  out.push(`integrity: ${failures.length === 0 ? 'ok on every trace under every policy' : failures.join('; ')}`);

  const section = (title: string, cell: (r: ReplayReport) => string, meanCell: (rs: ReplayReport[]) => string): void => {
    out.push('');
    out.push(`## ${title}`);
    out.push('');
    const header = ['trace', ...columns];
    const rows = workloads.map((w, i) => [w.name, ...columns.map((c) => cell(results.get(c)![i]!))]);
    rows.push(['**mean**', ...columns.map((c) => `**${meanCell(results.get(c)!)}**`)]);
    out.push(markdown([header, ...rows]));
  };
  section(
    'Utilization (peak live payload ÷ peak mapped bytes)',
    (r) => percent(r.utilization),
    (rs) => percent(mean(rs.map((r) => r.utilization))),
  );
  section(
    'Throughput (Kops/s)',
    (r) => r.kops.toFixed(0),
    (rs) => mean(rs.map((r) => r.kops)).toFixed(0),
  );
  const rejected = results.get('lmm-classic')!.reduce((n, r) => n + r.rejected, 0);
  out.push('');
  out.push(
    `lmm-classic rejected ${rejected} requests above one page's capacity (${results
      .get('lmm-classic')!
      .map((r) => r.rejected)
      .join(', ')} per trace); its utilization counts only what it served.`,
  );

  out.push('');
  out.push('## Page reservoir: system calls against mapped bytes');
  out.push('');
  const rows = [['trace', 'policy', 'reservoir', 'syscalls', 'peak mapped', 'utilization']];
  for (const trace of ['coalescing-bal.rep', 'binary-bal.rep', 'random-bal.rep']) {
    const workload = workloads[STANDARD_TRACES.indexOf(trace)]!;
    for (const policy of ['lmm-extended', 'segregated', 'hybrid']) {
      for (const pages of [0, 4, 64]) {
        const r = runPolicy(workload, { policy, reservoirPages: pages, reservoirDelay: 0 }, { timingMs: 0 });
        rows.push([
          trace,
          policy,
          pages === 0 ? 'off' : `${pages} pages`,
          String(r.syscalls),
          bytesText(r.peakMappedBytes),
          percent(r.utilization),
        ]);
      }
    }
  }
  out.push(markdown(rows));
  process.stdout.write(out.join('\n') + '\n');
  if (failures.length > 0) process.exitCode = 1;
}

function markdown(rows: string[][]): string {
  const [header, ...body] = rows;
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header!), line(header!.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
}

void main();
