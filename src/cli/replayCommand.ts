/**
 * `lmm replay FILE [--policy NAME] [--json] [--reservoir N] [--reservoir-delay OPS] [--time-limit MS] [--page-size N]`:
 * a CS:APP malloc-lab trace (an LMM .trace, or the operations a harness makes) under one policy,
 * the way the lab's driver runs it: a correctness pass with payload checks, then a timing pass. With a reservoir, the run
 * without one is made too, so the output shows what the reservoir buys (syscalls) and costs
 * (mapped bytes).
 */
import { runPolicy, type ComparedReport } from '../policies/comparePolicies';
import { bytesText, percent } from '../policies/reportFormat';
import type { Workload } from '../policies/workload';
import { CliError, type CliIo } from './cliIo';
import {
  checkPolicyName,
  countOption,
  parseOptions,
  readWorkloadInput,
  reservoirLabel,
  harnessInputOptions,
  whenReady,
} from './compareCommand';

export const DEFAULT_POLICY = 'lmm-classic';

export function replayCommand(args: string[], io: CliIo): number | Promise<number> {
  const usage =
    'usage: lmm replay FILE [--policy NAME] [--json] [--reservoir N] [--reservoir-delay OPS] [--time-limit MS] [--page-size N]' +
    ' (FILE: .rep, .trace or a harness *.lmm.ts)';
  const { positional, values, flags } = parseOptions(
    'replay',
    args,
    ['--policy', '--reservoir', '--reservoir-delay', '--time-limit', '--page-size'],
    ['--json'],
  );
  if (positional.length !== 1) throw new CliError(usage);
  const policy = checkPolicyName('replay', values.get('--policy') ?? DEFAULT_POLICY);
  const pages = countOption('replay', '--reservoir', values.get('--reservoir'), 0);
  const delay = countOption('replay', '--reservoir-delay', values.get('--reservoir-delay'), 0);
  const input = readWorkloadInput('replay', positional[0]!, io, harnessInputOptions('replay', values));
  return whenReady(input, io, ({ workload, recorded }) =>
    replayWorkload(workload, recorded, policy, pages, delay, flags.has('--json'), io),
  );
}

/** The report of one workload under one policy (and the run without a reservoir when one is asked for). */
function replayWorkload(
  workload: Workload,
  recorded: string | undefined,
  policy: string,
  pages: number,
  delay: number,
  json: boolean,
  io: CliIo,
): number {
  const report = runPolicy(workload, { policy, reservoirPages: pages, reservoirDelay: delay });
  const baseline =
    pages > 0 || delay > 0 ? runPolicy(workload, { policy, reservoirPages: 0, reservoirDelay: 0 }, { timingMs: 0 }) : null;
  if (json) {
    const json: Record<string, unknown> = { ...report };
    if (baseline !== null) {
      json['withoutReservoir'] = {
        syscalls: baseline.syscalls,
        peakMappedBytes: baseline.peakMappedBytes,
        utilization: baseline.utilization,
      };
    }
    io.stdout(JSON.stringify(json) + '\n');
  } else {
    io.stdout(reportText(report, baseline, recorded));
  }
  return report.integrity === 'ok' && report.invariants === 'ok' ? 0 : 1;
}

function reportText(r: ComparedReport, baseline: ComparedReport | null, recorded: string | undefined): string {
  const lines = [
    `trace        ${r.trace}`,
    ...(recorded === undefined ? [] : [`source       ${recorded}`]),
    `policy       ${r.policy}`,
    `ops          ${r.ops}`,
    `utilization  ${percent(r.utilization)} (peak payload ${bytesText(r.peakPayload)} / peak mapped ${bytesText(r.peakMappedBytes)})`,
    `throughput   ${r.kops.toFixed(0)} Kops/s`,
    `integrity    ${r.integrity}`,
    `invariants   ${r.invariants}`,
    `syscalls     ${r.syscalls} (mmap ${r.mmap}, munmap ${r.munmap})`,
    `mapped       ${bytesText(r.mappedBytes)} at the end`,
    `rejected     ${r.rejected}${r.rejected > 0 ? ' requests above what the policy can serve' : ''}`,
    `reservoir    ${reservoirLabel(r.reservoirPages, r.reservoirDelay)}`,
  ];
  if (baseline !== null) {
    lines.push(
      `trade-off    syscalls ${baseline.syscalls} -> ${r.syscalls}, peak mapped ${bytesText(baseline.peakMappedBytes)} -> ${bytesText(r.peakMappedBytes)} (without -> with the reservoir)`,
    );
  }
  return lines.join('\n') + '\n';
}
