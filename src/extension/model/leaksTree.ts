/**
 * Leaks: kind → allocation site → blocks. Selecting a row opens the allocating line (and the
 * block, when the report names its address, in the Memory Map).
 */
import {
  LEAK_KIND_SEVERITY,
  LEAK_KINDS,
  type FindingSeverity,
  type ReportLeak,
  type ReportLeakCheck,
  type ReportSite,
} from '../../protocol/runReportSchema';
import { formatBlocks, formatCount } from './reportFigures';
import type { RunState } from './runState';
import { siteText } from '../../analysis/siteText';
import { stepNumber } from '../../analysis/stepNumber';
import { adopt, hex, siteLabel, type TreeNode } from './treeNode';
import { RUNNING_ICON } from './runningIcon';
import { incompleteRunLine, lostBlocks, noLeakCheckReason, runEnding, shownLeakCheck } from './shownLeakCheck';

/** A leak kind's icon and its colour: those of its severity, as the Problems panel draws it. */
export const SEVERITY_ICONS: Readonly<Record<FindingSeverity, [string, string]>> = {
  error: ['error', 'list.errorForeground'],
  warning: ['warning', 'list.warningForeground'],
  information: ['info', 'foreground'],
};

export function leakNodes(run: RunState | undefined): TreeNode[] {
  // Until the run's report comes (never, for a run stopped by request), its latest mid-run check.
  const interim = run && !run.report ? run.interimLeakCheck : undefined;
  const leaks = interim?.leaks ?? run?.report?.leaks ?? [];
  const kinds: TreeNode[] = [];
  if (run?.status === 'running' && run.leakCheckAskedAt !== undefined) kinds.push(askedHeading(run.leakCheckAskedAt));
  const shown = run ? shownLeakCheck(run) : undefined;
  if (interim) kinds.push(interimHeading(run!, interim));
  else if (run && run.kind === 'harness' && !run.report) kinds.push(noCheckHeading(run));
  else if (run && shown?.when === 'stop') kinds.push(stopHeading(run, shown.step, shown.leaks));
  // A trace's report lists no leak records: an empty view would read as "no leaks".
  else if (run && run.kind !== 'harness' && leaks.length === 0) kinds.push(traceHeading(run));
  for (const kind of LEAK_KINDS) {
    const records = leaks.filter((leak) => leak.kind === kind);
    if (records.length === 0) continue;
    const live = records.filter((r) => !r.suppressed);
    const blocks = sum(live, (r) => r.blocks);
    const bytes = sum(live, (r) => r.bytes);
    const suppressed = records.length - live.length;
    const [icon, iconColor] = SEVERITY_ICONS[LEAK_KIND_SEVERITY[kind]];
    const node: TreeNode = {
      id: `leakkind/${kind}`,
      label: kind,
      description: `${formatBlocks(blocks)}, ${formatCount(bytes)} B${suppressed ? ` · ${suppressed} suppressed` : ''}`,
      icon,
      iconColor,
      expanded: kind === 'definitely-lost',
      contextValue: 'lmmLeakKind',
    };
    node.children = () => {
      const liveBySite = liveBlocksBySite(run!);
      return adopt(
        node,
        records.map((record, index) => siteNode(node, record, index, liveBySite, run!)),
      );
    };
    kinds.push(node);
  }
  return adopt(undefined, kinds);
}

/** What the Leaks view is showing when it shows a mid-run check: "leak check at step N (run in progress)". */
export function interimLeakCheckLabel(run: RunState, check: ReportLeakCheck): string {
  const state =
    run.status === 'running'
      ? 'run in progress'
      : `the run ${run.status === 'stopped' ? 'was stopped' : 'failed'} before its end`;
  return `leak check at step ${formatCount(stepNumber(check.event))} (${state})`;
}

/**
 * A harness run with no leak check to show (it goes on and checked nothing yet, or it ended by a
 * stop, a time limit or a crash before any check): saying nothing would read as "no leaks".
 */
export function noLeakCheckLabel(run: RunState): string {
  return run.status === 'running' ? 'no leak check yet (run in progress)' : 'no leak check ran';
}

function noCheckHeading(run: RunState): TreeNode {
  const why =
    run.status === 'running'
      ? 'The run checks leaks at the end of main and at each mm_leak_check(); LMM: Check Leaks Now checks them at its next heap call (or loop turn).'
      : `The run ${run.status === 'stopped' ? 'was stopped' : 'failed'} before its end-of-run leak check${run.message ? ` (${run.message})` : ''}, and made no mm_leak_check() before: its leaks are unknown, not absent.`;
  return {
    id: 'leakcheck/none',
    label: noLeakCheckLabel(run),
    description: run.status === 'running' ? 'Check Leaks Now to check' : 'leaks unknown',
    tooltip: why,
    icon: run.status === 'running' ? RUNNING_ICON : 'circle-slash',
    contextValue: 'lmmNoLeakCheck',
  };
}

/**
 * A harness run that ended early with its heap (the time limit, the memory limit, a throw): the
 * rows below are the check of the heap when it stopped, no end-of-run verdict.
 */
function stopHeading(run: RunState, step: number, leaks: readonly ReportLeak[]): TreeNode {
  const ending = runEnding(run);
  const none = lostBlocks(leaks) === 0 ? ' · no block lost then' : '';
  return {
    id: 'leakcheck/stop',
    label: `leak check when the run stopped, at step ${formatCount(step)}`,
    description: `no end-of-run check (${ending.kind})${none}`,
    tooltip: `${incompleteRunLine(run) ?? ''} These are the blocks lost when it stopped, at step ${formatCount(step)}: not a verdict, as a program stopped mid-way had not yet freed what it would have.`,
    icon: 'history',
    contextValue: 'lmmLeakCheckAtStop',
  };
}

function traceHeading(run: RunState): TreeNode {
  return {
    id: 'leakcheck/trace',
    label: noLeakCheckReason(run),
    tooltip:
      'A trace names blocks by ID and holds no pointers: nothing says which blocks are still reachable, so none is called a leak.',
    icon: 'circle-slash',
    contextValue: 'lmmNoLeakCheck',
  };
}

/** Check Leaks Now asked, its check not come yet: the answer to the ask until it comes. */
function askedHeading(askedAt: number): TreeNode {
  return {
    id: 'leakcheck/asked',
    label: 'Check Leaks Now: on its way',
    description: `asked at step ${formatCount(askedAt)}; it runs at the harness’s next heap call or loop turn`,
    tooltip:
      'The check runs at the harness’s next heap call (XCALLOC, XFREE …), or at a turn of a loop that makes none, and takes longer on a large live set.',
    icon: RUNNING_ICON,
    contextValue: 'lmmLeakCheckAsked',
  };
}

function interimHeading(run: RunState, check: ReportLeakCheck): TreeNode {
  const how = check.requested ? 'Check Leaks Now' : 'mm_leak_check()';
  const where = check.site.line > 0 ? ` at ${siteLabel(check.site)}` : '';
  const node: TreeNode = {
    id: 'leakcheck',
    label: interimLeakCheckLabel(run, check),
    description: `${how}${where}${check.leaks.length === 0 ? ' · no leaks' : ''}`,
    tooltip:
      `${how} ran at step ${formatCount(stepNumber(check.event))}${where}` +
      (run.status === 'running'
        ? ': these are the leaks at that step. The run goes on; its end-of-run leak check replaces them.'
        : ': these are the leaks at that step, the last check the run made.'),
    icon: run.status === 'running' ? RUNNING_ICON : 'history',
    contextValue: 'lmmLeakCheck',
  };
  if (check.site.line > 0) node.site = check.site;
  return node;
}

const siteKey = (site: ReportSite) => `${site.file}\n${site.line}\n${site.column}`;

/**
 * Live blocks per allocation site, from the replayed heap. Reports do not list a loss record's
 * blocks, but when every live block of a site is in one record, those are its blocks: then the
 * row can show them in the Memory Map.
 */
/** A site's live blocks: how many, and the first `LISTED_BLOCKS` addresses. */
interface LiveAtSite {
  count: number;
  first: number[];
}

const LISTED_BLOCKS = 100;

/**
 * The live blocks of each allocating site. A tree redraw while a run goes on calls this on every
 * refresh, on a live set that may hold millions of blocks: the pass counts per site id (a number
 * key, no string per block) and keeps only the addresses a row lists.
 */
function liveBlocksBySite(run: RunState): Map<string, LiveAtSite> {
  const bySiteId = new Map<number, LiveAtSite>();
  for (const [address, siteId] of run.replay.blockSite) {
    let entry = bySiteId.get(siteId);
    if (entry === undefined) bySiteId.set(siteId, (entry = { count: 0, first: [] }));
    entry.count++;
    if (entry.first.length < LISTED_BLOCKS) entry.first.push(address);
  }
  const out = new Map<string, LiveAtSite>();
  for (const [siteId, entry] of bySiteId) {
    const site = run.sites[siteId];
    if (!site) continue;
    const key = siteKey(site);
    const same = out.get(key);
    if (same === undefined) out.set(key, entry);
    else out.set(key, { count: same.count + entry.count, first: [...same.first, ...entry.first].slice(0, LISTED_BLOCKS) });
  }
  return out;
}

function siteNode(
  parent: TreeNode,
  record: ReportLeak,
  index: number,
  liveBySite: Map<string, LiveAtSite>,
  run: RunState,
): TreeNode {
  if (!record.addresses) {
    const live = liveBySite.get(siteKey(record.site));
    if (live && live.count === record.blocks) record = { ...record, addresses: live.first };
  }
  const node: TreeNode = {
    id: `${parent.id}/${index}`,
    label: `${record.struct} at ${siteLabel(record.site)}`,
    description: `${formatBlocks(record.blocks)}, ${formatCount(record.bytes)} B${record.suppressed ? ' (suppressed)' : ''}`,
    tooltip: leakTooltip(record),
    icon: 'symbol-struct',
    site: record.site,
    contextValue: record.suppressed ? 'lmmLeakSuppressed' : 'lmmLeak',
  };
  // Only a harness has a `.lmmsupp` to write to (a trace's blocks have no call stacks).
  if (run.kind === 'harness' && !record.suppressed && record.stack.length > 0) {
    node.suppress = { harnessFile: run.file, kind: record.kind, struct: record.struct, stack: record.stack };
  } else if (!record.suppressed) node.contextValue = 'lmmLeakUnsuppressible';
  if (record.addresses?.[0] !== undefined) node.address = record.addresses[0];
  const rows: TreeNode[] = [];
  for (const address of record.addresses ?? []) {
    rows.push({
      id: `${node.id}/block/${address}`,
      label: `${record.struct} block @ ${hex(address)}`,
      icon: 'circle-filled',
      address,
      site: record.site,
    });
  }
  const listed = record.addresses?.length ?? 0;
  if (listed > 0 && listed < record.blocks) {
    rows.push({
      id: `${node.id}/blocks-listed`,
      label: `${formatCount(listed)} of ${formatCount(record.blocks)} blocks listed`,
      tooltip: 'A leak record lists its first blocks only; the Memory Map shows every block.',
      icon: 'ellipsis',
    });
  }
  if (record.drags && record.drags.blocks > 0) {
    rows.push({
      id: `${node.id}/drags`,
      label: 'drags along',
      description: `${formatBlocks(record.drags.blocks)}, ${formatCount(record.drags.bytes)} B indirectly lost`,
      icon: 'link',
    });
  }
  for (const [i, frame] of record.stack.slice(1).entries()) {
    rows.push({ id: `${node.id}/frame/${i}`, label: `called from ${siteLabel(frame)}`, icon: 'debug-stackframe', site: frame });
  }
  const path = record.rootPath ?? [];
  const elidedAt = record.rootPathElided ? path.length / 2 : -1;
  for (const [i, step] of path.entries()) {
    if (i === elidedAt) {
      rows.push({
        id: `${node.id}/root/elided`,
        label: `… ${formatCount(record.rootPathElided!)} more blocks on the way`,
        tooltip: 'A mid-run check lists the two ends of a long path; the end-of-run report has all of it.',
        icon: 'ellipsis',
      });
    }
    const row: TreeNode = {
      id: `${node.id}/root/${i}`,
      label: i === 0 ? `root: ${step.struct}` : `→ ${step.struct}.${step.field}`,
      // A step whose site the runtime did not know (null) has no line to open.
      description: step.site ? siteLabel(step.site) : 'site unknown',
      icon: i === 0 ? 'pinned' : 'arrow-right',
    };
    if (step.site) row.site = step.site;
    rows.push(row);
  }
  if (rows.length > 0) node.children = () => adopt(node, rows);
  return node;
}

export function leakTooltip(record: ReportLeak): string {
  let text = `${record.blocks} ${record.struct} block${record.blocks === 1 ? '' : 's'} (${record.bytes} bytes) ${record.kind}, allocated at ${siteText(record.site)}`;
  if (record.drags && record.drags.blocks > 0)
    text += `\ndrags along ${formatBlocks(record.drags.blocks)} (${formatCount(record.drags.bytes)} bytes)`;
  if (record.rootPath && record.rootPath.length > 0) {
    text += `\nreachable through: ${record.rootPath.map((s, i) => (i === 0 ? s.struct : `${s.field} → ${s.struct}`)).join(' → ')}`;
  }
  if (record.suppressed) text += '\n(suppressed)';
  return text;
}

function sum<T>(list: T[], of: (item: T) => number): number {
  let total = 0;
  for (const item of list) total += of(item);
  return total;
}
