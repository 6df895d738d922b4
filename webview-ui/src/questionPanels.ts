/**
 * The side panels that answer questions about the run: call trees of the peak and of the leaks
 * (top-down and bottom-up), what was allocated between two steps and is still live at the second,
 * and who keeps a block alive (its retainer chain from a root, as the end-of-run leak check found it).
 * Every source line in them is a link that opens it in the editor.
 */
import type { SourceSite } from '../../src/protocol/webviewMessages';
import { buildCallTree, frameLabel, leakEntries, peakEntries, readSite, type CallTreeNode, type TreeDirection } from './callTree';
import { blockCount, bytes, count, stepNumber } from './chartsView';
import { el, table } from './dom';
import { liveBlocksAt } from './liveBlocks';
import type { RunModel } from './runModel';

/** Tree levels shown open at first. */
const OPEN_LEVELS = 2;

export interface CallTreeChoice {
  source: 'peak' | 'leaks';
  direction: TreeDirection;
}

export interface PanelLinks {
  openSite(site: SourceSite): void;
  goToStep(step: number): void;
}

function siteLink(site: SourceSite | null | undefined, label: string, links: PanelLinks): HTMLElement {
  if (!site || site.line <= 0) return el('span', { text: label });
  const button = el('button', { className: 'link', text: label, title: `Open ${site.file}:${site.line}` });
  button.addEventListener('click', () => links.openSite(site));
  return button;
}

function select<T extends string>(label: string, options: Array<[T, string]>, value: T, onChange: (v: T) => void): HTMLElement {
  const s = el('select', { attrs: { 'aria-label': label } });
  for (const [v, text] of options) {
    const o = el('option', { text, attrs: { value: v } });
    if (v === value) o.selected = true;
    s.append(o);
  }
  s.addEventListener('change', () => onChange(s.value as T));
  return el('label', { className: 'panel-choice' }, `${label} `, s);
}

/** A run that failed or was stopped: its report's leaks are the check when it stopped, no verdict. */
const endedEarly = (model: RunModel) => model.state === 'failed' || model.state === 'stopped';

/** An empty leak tree, naming the check it would be from: never "no leak" where no end-of-run check ran. */
function noLeakText(model: RunModel): string {
  // Not suppressible: a trace, which has no pointers to check.
  if (!model.suppressible) return 'A trace has no pointers to follow: no leak check.';
  if (endedEarly(model)) return 'No block lost when the run stopped (no end-of-run leak check ran): nothing to show.';
  return 'No leak at the end of the run: nothing to show.';
}

export function renderCallTrees(
  container: HTMLElement,
  model: RunModel,
  choice: CallTreeChoice,
  onChoice: (choice: CallTreeChoice) => void,
  links: PanelLinks,
): void {
  const report = model.report as Record<string, unknown> | null;
  const controls = el(
    'div',
    { className: 'panel-controls' },
    select(
      'Of',
      [
        ['peak', 'the peak (live blocks)'],
        ['leaks', 'the leaks'],
      ],
      choice.source,
      (source) => onChoice({ ...choice, source }),
    ),
    select(
      'Tree',
      [
        ['top-down', 'top-down (callers first)'],
        ['bottom-up', 'bottom-up (allocating lines first)'],
      ],
      choice.direction,
      (direction) => onChoice({ ...choice, direction }),
    ),
  );
  container.replaceChildren(controls);
  if (!report) {
    container.append(el('p', { className: 'muted', text: 'The call trees come with the run report, once the run is over.' }));
    return;
  }
  const entries = choice.source === 'peak' ? peakEntries(report) : leakEntries(report);
  const unit = choice.source === 'peak' ? 'application memory' : 'payload';
  if (entries.length === 0) {
    container.append(
      el('p', {
        className: 'muted',
        text: choice.source === 'peak' ? 'The report has no peak breakdown.' : noLeakText(model),
      }),
    );
    return;
  }
  const root = buildCallTree(entries, choice.direction);
  const what =
    choice.source === 'peak'
      ? `At the peak (step ${stepNumber(model.peakStep)}): ${bytes(root.inclusiveBytes)} of ${unit} in ${blockCount(root.inclusiveBlocks)}.`
      : `Leaked${endedEarly(model) ? ' when the run stopped (no end-of-run leak check ran)' : ''}: ${bytes(root.inclusiveBytes)} of ${unit} in ${blockCount(root.inclusiveBlocks)} (definitely, indirectly and possibly lost).`;
  container.append(
    el('p', { text: what }),
    el('p', {
      className: 'muted',
      text: 'Inclusive: everything allocated under a line; self: allocated by the line itself. Click a line to open it.',
    }),
  );
  const tree = el('ul', { className: 'call-tree', attrs: { role: 'tree', 'aria-label': `Call tree, ${choice.direction}` } });
  for (const child of root.children) tree.append(treeItem(child, 1, unit, links));
  container.append(tree);
}

function treeItem(node: CallTreeNode, level: number, unit: string, links: PanelLinks): HTMLLIElement {
  const structs = [...node.structs.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([name]) => name)
    .join(', ');
  const figures = el('span', {
    className: 'tree-figures',
    text: ` ${bytes(node.inclusiveBytes)} incl. · ${bytes(node.selfBytes)} self · ${blockCount(node.inclusiveBlocks)} · ${structs}`,
  });
  const row = el('span', { className: 'tree-row' }, siteLink(node.frame, frameLabel(node.frame), links), figures);
  const item = el('li', {
    attrs: {
      role: 'treeitem',
      'aria-level': String(level),
      'data-label': node.label,
      'data-inclusive-bytes': String(node.inclusiveBytes),
      'data-self-bytes': String(node.selfBytes),
      'data-inclusive-blocks': String(node.inclusiveBlocks),
      'data-self-blocks': String(node.selfBlocks),
      title: `${node.label}: ${count(node.inclusiveBytes)} B of ${unit} inclusive, ${count(node.selfBytes)} B self`,
    },
  });
  if (node.children.length === 0) {
    item.append(row);
    return item;
  }
  const details = el('details');
  details.open = level <= OPEN_LEVELS;
  item.setAttribute('aria-expanded', String(details.open));
  details.addEventListener('toggle', () => item.setAttribute('aria-expanded', String(details.open)));
  const group = el('ul', { attrs: { role: 'group' } });
  for (const child of node.children) group.append(treeItem(child, level + 1, unit, links));
  details.append(el('summary', {}, row), group);
  item.append(details);
  return item;
}

// ------------------------------------------------------------------ compare two steps

export interface StepPair {
  /** Allocations after step `a` (-1: from the start)… */
  a: number;
  /** …still live after step `b`. */
  b: number;
}

export interface Comparison {
  blocks: number;
  bytes: number;
  bySite: Array<{ label: string; site: SourceSite | undefined; struct: string; blocks: number; bytes: number }>;
  byStruct: Array<{ struct: string; blocks: number; bytes: number }>;
}

/** What was allocated after step `a` and is still live after step `b` (bytes: application memory). */
export function compareSteps(model: RunModel, pair: StepPair): Comparison {
  const live = liveBlocksAt(model, pair.b).filter((block) => block.allocStep > pair.a);
  const bySite = new Map<string, Comparison['bySite'][number]>();
  const byStruct = new Map<string, Comparison['byStruct'][number]>();
  let total = 0;
  for (const block of live) {
    const struct = model.structs[block.family]?.name ?? `family ${block.family}`;
    const site = block.siteId >= 0 ? model.sites[block.siteId] : undefined;
    const label = site ? frameLabel(site) : block.siteId < 0 ? '(no site)' : `site ${block.siteId}`;
    const key = `${label}\u0000${struct}`;
    const s = bySite.get(key) ?? { label, site, struct, blocks: 0, bytes: 0 };
    s.blocks++;
    s.bytes += block.bytes;
    bySite.set(key, s);
    const t = byStruct.get(struct) ?? { struct, blocks: 0, bytes: 0 };
    t.blocks++;
    t.bytes += block.bytes;
    byStruct.set(struct, t);
    total += block.bytes;
  }
  return {
    blocks: live.length,
    bytes: total,
    bySite: [...bySite.values()].sort((x, y) => y.bytes - x.bytes),
    byStruct: [...byStruct.values()].sort((x, y) => y.bytes - x.bytes),
  };
}

export function renderCompare(
  container: HTMLElement,
  model: RunModel,
  pair: StepPair,
  currentStep: number,
  onPair: (pair: StepPair) => void,
  links: PanelLinks,
): void {
  const stepText = (s: number) => (s < 0 ? 'the start' : `step ${stepNumber(s)}`);
  const setA = el('vscode-button', { text: `A = this step (${stepNumber(currentStep)})`, attrs: { secondary: '' } });
  setA.addEventListener('click', () => onPair({ a: currentStep, b: Math.max(pair.b, currentStep) }));
  const setB = el('vscode-button', { text: `B = this step (${stepNumber(currentStep)})`, attrs: { secondary: '' } });
  setB.addEventListener('click', () => onPair({ a: Math.min(pair.a, currentStep), b: currentStep }));
  const goA = stepLink(pair.a, `A: ${stepText(pair.a)}`, links);
  const goB = stepLink(pair.b, `B: ${stepText(pair.b)}`, links);
  container.replaceChildren(
    el('p', {
      className: 'muted',
      text: 'Move the timeline to a step and make it A or B: the lists show what was allocated after A and is still live at B.',
    }),
    el('div', { className: 'panel-controls' }, setA, setB),
    el('p', {}, goA, ' → ', goB),
  );
  if (pair.b < pair.a) {
    container.append(el('p', { text: 'B is before A: nothing to compare.' }));
    return;
  }
  const result = compareSteps(model, pair);
  container.append(
    el('p', {
      className: 'compare-total',
      text: `Allocated after ${stepText(pair.a)} and still live at step ${stepNumber(pair.b)}: ${blockCount(result.blocks)}, ${count(result.bytes)} B of application memory.`,
    }),
    table(
      'By allocation site',
      ['Site', 'Struct', 'Blocks', 'App memory B'],
      result.bySite.map((r) => [siteLink(r.site, r.label, links), r.struct, count(r.blocks), count(r.bytes)]),
      2,
    ),
    table(
      'By struct',
      ['Struct', 'Blocks', 'App memory B'],
      result.byStruct.map((r) => [r.struct, count(r.blocks), count(r.bytes)]),
    ),
  );
}

function stepLink(step: number, label: string, links: PanelLinks): HTMLElement {
  if (step < 0) return el('span', { text: label });
  const button = el('button', { className: 'link', text: label, title: 'Move the timeline there' });
  button.addEventListener('click', () => links.goToStep(step));
  return button;
}

// ------------------------------------------------------------------ retainers

interface LeakRecordView {
  kind: string;
  struct: string;
  drags: { blocks: number; bytes: number };
  rootPath: Array<{ struct: string; field: string; site: SourceSite | null; interior: boolean }>;
  /** Steps the leak check cut from the middle of a long path (its two ends are kept). */
  rootPathElided: number;
  /** The block the path leads to: the record's first (the leak check walks one path per record). */
  pathBlock: number | null;
}

/** The end-of-run leak check's record listing the block at data address `address`, if any. */
function leakRecordOf(model: RunModel, address: number): LeakRecordView | null {
  const leaks = (model.report as Record<string, unknown> | null)?.['leaks'];
  if (!Array.isArray(leaks)) return null;
  for (const raw of leaks) {
    if (typeof raw !== 'object' || raw === null) continue;
    const r = raw as Record<string, unknown>;
    if (!Array.isArray(r['addresses']) || !r['addresses'].includes(address)) continue;
    const drags = (typeof r['drags'] === 'object' && r['drags'] !== null ? r['drags'] : {}) as Record<string, unknown>;
    const path = Array.isArray(r['rootPath']) ? r['rootPath'] : [];
    return {
      kind: String(r['kind']),
      struct: String(r['struct']),
      drags: { blocks: Number(drags['blocks']) || 0, bytes: Number(drags['bytes']) || 0 },
      rootPathElided: Number.isSafeInteger(r['rootPathElided']) ? (r['rootPathElided'] as number) : 0,
      pathBlock: typeof r['addresses'][0] === 'number' ? r['addresses'][0] : null,
      rootPath: path
        .filter((p): p is Record<string, unknown> => typeof p === 'object' && p !== null)
        .map((p) => ({
          struct: String(p['struct']),
          field: String(p['field']),
          site: readSite(p['site']),
          interior: p['interior'] === true,
        })),
    };
  }
  return null;
}

/**
 * Who keeps the block at data address `address` alive, as the run's end-of-run leak check saw it (the report's leaks): the
 * chain of pointers from a root, or "unreachable: lost" and what it drags along.
 */
export function renderRetainers(container: HTMLElement, model: RunModel, address: number, links: PanelLinks): void {
  const section = el(
    'section',
    { className: 'retainers', attrs: { 'aria-label': 'Retainers' } },
    el('h4', {
      text: `Retainers ${endedEarly(model) ? 'when the run stopped' : 'at the end of the run'} (step ${stepNumber(model.length - 1)})`,
    }),
  );
  container.append(section);
  if (!model.report) {
    section.append(el('p', { className: 'muted', text: 'Known once the run is over (from its end-of-run leak check).' }));
    return;
  }
  const record = leakRecordOf(model, address);
  if (!record) {
    section.append(
      el('p', {
        className: 'muted',
        text: `${endedEarly(model) ? 'The leak check when the run stopped' : 'The end-of-run leak check'} lists no chain for this block: it was freed by then, or it is not among the first 16 blocks of its record.`,
      }),
    );
    return;
  }
  if (record.kind === 'definitely-lost' || record.kind === 'indirectly-lost') {
    section.append(
      el('p', {
        className: 'retainer-verdict',
        text:
          record.kind === 'definitely-lost'
            ? 'Unreachable: lost (definitely lost: no pointer from a root or from another block reaches it).'
            : 'Unreachable: lost (indirectly lost: only other lost blocks point at it).',
      }),
    );
    if (record.kind === 'definitely-lost') {
      section.append(
        el('p', {
          text:
            record.drags.blocks > 0
              ? `It drags ${blockCount(record.drags.blocks)} (${count(record.drags.bytes)} B) along: indirectly lost blocks reached only through it.`
              : 'It drags no other block along.',
        }),
      );
    }
    return;
  }
  section.append(
    el('p', {
      className: 'retainer-verdict',
      text:
        record.kind === 'possibly-lost' ? 'Possibly lost: only a pointer into its middle reaches it.' : 'Reachable from a root:',
    }),
  );
  if (record.pathBlock !== address && record.pathBlock !== null) {
    // The check walks one path per loss record, to its first block: never show it as this block's.
    section.append(
      el('p', {
        className: 'muted',
        text: `The leak check traced the chain of this record's first block (0x${record.pathBlock.toString(16)}), not of this one; select that block to see it.`,
      }),
    );
    return;
  }
  const chain = el('ol', { className: 'retainer-chain', attrs: { 'aria-label': 'Pointer chain from the root to this block' } });
  record.rootPath.forEach((step, i) => {
    if (record.rootPathElided > 0 && i === record.rootPath.length / 2) {
      chain.append(el('li', { className: 'muted', text: `… ${count(record.rootPathElided)} more blocks on the way …` }));
    }
    const text = i === 0 ? step.field : `→ .${step.field}${step.interior ? ' (points into the middle)' : ''} → ${step.struct}`;
    chain.append(el('li', {}, siteLink(step.site, text, links)));
  });
  section.append(chain);
}
