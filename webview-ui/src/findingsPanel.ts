/**
 * The run's findings as the report lists them: each memory error (the access it was, in memcheck's
 * words, its step and its lines) and each leak record (kind, struct, blocks, payload, allocating
 * line). Every step and line is a link, and a row's Suppress asks the host to add the entry that
 * silences it to the harness's suppressions file; the next run counts it as suppressed.
 */
import type { FindingKind } from '../../src/protocol/webviewMessages';
import { frameLabel, readSite } from './callTree';
import { blockCount, count, stepNumber } from './chartsView';
import { el } from './dom';
import type { PanelLinks } from './questionPanels';
import type { RunModel } from './runModel';

export interface FindingLinks extends PanelLinks {
  /** Suppress on a row: the finding's list and its place in it. */
  suppress(finding: FindingKind, index: number): void;
  /** Shows the block at data address `address` at the run's last step (a leak's first block). */
  revealBlock(address: number): void;
}

/** Rows listed per list before "… n more" (a run can report thousands of error sites). */
const ROWS_SHOWN = 200;

/** The findings asked to be suppressed in this webview, by run, so a redraw keeps the row's state. */
export type SuppressRequests = Set<string>;

export function requestKey(runId: string, finding: FindingKind, index: number): string {
  return `${runId}\u0000${finding}\u0000${index}`;
}

const LEAK_WORDS: Record<string, string> = {
  'definitely-lost': 'definitely lost',
  'indirectly-lost': 'indirectly lost',
  'possibly-lost': 'possibly lost',
  'still-reachable': 'still reachable',
};

export function renderFindings(
  container: HTMLElement,
  model: RunModel,
  suppressible: boolean,
  requested: SuppressRequests,
  links: FindingLinks,
): void {
  container.replaceChildren();
  const report = model.report as Record<string, unknown> | null;
  if (!report) {
    renderErrorsSoFar(container, model, links);
    return;
  }
  const errors = Array.isArray(report['errors']) ? (report['errors'] as unknown[]) : [];
  const leaks = Array.isArray(report['leaks']) ? (report['leaks'] as unknown[]) : [];
  if (!suppressible) {
    container.append(
      el('p', { className: 'muted', text: 'A trace reads no suppressions file: its findings cannot be suppressed.' }),
    );
  }
  const suppressButton = (finding: FindingKind, index: number, what: string): HTMLElement => {
    const key = requestKey(model.runId, finding, index);
    const button = el('button', {
      className: 'link suppress',
      text: 'Suppress',
      title: `Add an entry that silences this ${what} to the harness's suppressions file (.lmmsupp)`,
      attrs: { 'data-finding': finding, 'data-index': String(index) },
    });
    // The host writes the entry and says in a message what it wrote (or why it could not): the
    // row only says it was asked, once.
    const asked = () => {
      button.disabled = true;
      button.textContent = 'Suppression requested';
    };
    if (requested.has(key)) asked();
    button.addEventListener('click', () => {
      if (requested.has(key)) return;
      requested.add(key);
      asked();
      links.suppress(finding, index);
    });
    return button;
  };

  container.append(el('h3', { text: `Memory errors (${count(errors.length)})` }));
  if (errors.length === 0) container.append(el('p', { className: 'muted', text: 'No memory error.' }));
  const errorList = el('ul', { className: 'findings', attrs: { 'aria-label': 'Memory errors' } });
  errors.slice(0, ROWS_SHOWN).forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null) return;
    const e = raw as Record<string, unknown>;
    const { row, where } = errorRow(e, model, links);
    if (e['suppressed'] === true) where.append(el('span', { className: 'muted', text: 'suppressed' }));
    else if (suppressible) where.append(suppressButton('error', index, String(e['kind'])));
    errorList.append(row);
  });
  container.append(errorList);
  if (errors.length > ROWS_SHOWN)
    container.append(el('p', { className: 'muted', text: `… ${count(errors.length - ROWS_SHOWN)} more` }));

  appendLeaksHeading(container, model, leaks.length);
  const leakList = el('ul', { className: 'findings', attrs: { 'aria-label': 'Leaks' } });
  leaks.slice(0, ROWS_SHOWN).forEach((raw, index) => {
    if (typeof raw !== 'object' || raw === null) return;
    const l = raw as Record<string, unknown>;
    const kind = String(l['kind']);
    const struct = String(l['struct']);
    const blocks = Number(l['blocks']) || 0;
    const row = el(
      'li',
      { className: 'finding leak-finding', attrs: { 'data-kind': kind } },
      el('span', { className: 'finding-kind', text: LEAK_WORDS[kind] ?? kind }),
      ' ',
      el('span', {
        className: 'finding-message',
        text: `${struct}: ${blockCount(blocks)}, ${count(Number(l['bytes']) || 0)} B of payload`,
      }),
    );
    const where = el('div', { className: 'finding-links' });
    appendSite(where, readSite(l['site']), 'allocated at', links);
    const addresses = l['addresses'];
    if (Array.isArray(addresses) && typeof addresses[0] === 'number') {
      const address = addresses[0];
      const show = el('button', { className: 'link', text: 'show a block', title: 'Show its first block in the map' });
      show.addEventListener('click', () => links.revealBlock(address));
      where.append(show);
    }
    if (l['suppressed'] === true) where.append(el('span', { className: 'muted', text: 'suppressed' }));
    else if (suppressible) where.append(suppressButton('leak', index, `${struct} leak`));
    row.append(where);
    leakList.append(row);
  });
  container.append(leakList);
  if (leaks.length > ROWS_SHOWN)
    container.append(el('p', { className: 'muted', text: `… ${count(leaks.length - ROWS_SHOWN)} more` }));
}

/** A memory error's row: its kind, memcheck's words, how often, and its step and lines as links (in `where`). */
function errorRow(e: Record<string, unknown>, model: RunModel, links: PanelLinks): { row: HTMLElement; where: HTMLElement } {
  const kind = String(e['kind']);
  const times = Number(e['count']) || 1;
  const row = el(
    'li',
    { className: 'finding error-finding', attrs: { 'data-kind': kind } },
    el('span', { className: 'finding-kind', text: kind }),
    ' ',
    el('span', { className: 'finding-message', text: String(e['message']) }),
    times > 1 ? el('span', { className: 'muted', text: ` (${count(times)} times)` }) : '',
  );
  const where = el('div', { className: 'finding-links' });
  // The report's and the host's records give the first occurrence's operation index as `event` (the timeline's step index).
  const step = e['event'];
  if (typeof step === 'number' && step >= 0 && step < model.length) {
    where.append(stepButton(step, `step ${stepNumber(step)}`, links));
  }
  appendSite(where, readSite(e['site']), 'at', links);
  appendBlockStack(where, e['allocStack'], e['allocSite'], 'allocated at', links);
  appendBlockStack(where, e['freeStack'], e['freeSite'], 'freed at', links);
  row.append(where);
  return { row, where };
}

/**
 * A block's allocation or free stack as links, as the text report prints it: its first frame
 * `words` (allocated at …), each caller "by …". A record without the stack gives its one site.
 */
function appendBlockStack(where: HTMLElement, stack: unknown, first: unknown, words: string, links: PanelLinks): void {
  const frames = Array.isArray(stack) ? stack.map(readSite) : [readSite(first)];
  frames.forEach((frame, i) => appendSite(where, frame, i === 0 ? words : 'by', links));
}

/**
 * The Leaks heading names the check its records are from: the end-of-run check of a finished
 * run, or, for a run that failed or was stopped with its heap, the check when it stopped (at its
 * last step; no end-of-run check ran). A trace, which has no pointers, says it has no leak check.
 * An empty list never reads as "no leaks" from a check that did not run.
 */
function appendLeaksHeading(container: HTMLElement, model: RunModel, records: number): void {
  const muted = (text: string) => container.append(el('p', { className: 'muted', text }));
  // Not suppressible: a trace (no .lmmsupp, and no pointers to check).
  if (!model.suppressible && records === 0) {
    container.append(el('h3', { text: 'Leaks' }));
    muted('A trace has no pointers to follow: no leak check.');
    return;
  }
  if (model.state !== 'finished') {
    container.append(
      el('h3', { text: `Leaks when the run stopped, at step ${count(model.length)} (${count(records)} records)` }),
    );
    muted(
      `No end-of-run leak check ran: the run ${model.state === 'stopped' ? 'was stopped' : 'failed'} before its end. ` +
        (records === 0 ? 'No block was lost when it stopped.' : 'These are the blocks lost when it stopped, not a verdict.'),
    );
    return;
  }
  container.append(el('h3', { text: `Leaks at the end of the run (${count(records)} records)` }));
  if (records === 0) muted('No leak record.');
}

/**
 * Before the report: the memory errors found so far while the run goes on (the host sends them as
 * they are found), so the tab agrees with the Problems panel; leaks wait for the end-of-run check.
 * No Suppress here: an entry is built from the report's own copy of the finding.
 */
function renderErrorsSoFar(container: HTMLElement, model: RunModel, links: PanelLinks): void {
  const sofar = model.errorsSoFar;
  if (!sofar) {
    container.append(
      el('p', { className: 'muted', text: 'The leaks and memory errors come with the run report, once the run is over.' }),
    );
    return;
  }
  const ongoing = model.state === 'running' ? 'so far, run in progress' : 'before the run ended';
  const listed =
    sofar.errors.length < sofar.distinct ? `${count(sofar.errors.length)} of ${count(sofar.distinct)}` : count(sofar.distinct);
  container.append(el('h3', { text: `Memory errors ${ongoing} (${listed})` }));
  const errorList = el('ul', { className: 'findings', attrs: { 'aria-label': 'Memory errors' } });
  for (const e of sofar.errors.slice(0, ROWS_SHOWN)) errorList.append(errorRow(e as Record<string, unknown>, model, links).row);
  container.append(errorList);
  const shown = Math.min(ROWS_SHOWN, sofar.errors.length);
  if (sofar.distinct > shown) container.append(el('p', { className: 'muted', text: `… ${count(sofar.distinct - shown)} more` }));
  container.append(
    el('p', {
      className: 'muted',
      text: `${count(sofar.occurrences)} occurrences in all. The report replaces this list, with the leaks, once the run is over.`,
    }),
  );
}

function stepButton(step: number, label: string, links: PanelLinks): HTMLElement {
  const button = el('button', { className: 'link', text: label, title: 'Move the timeline there' });
  button.addEventListener('click', () => links.goToStep(step));
  return button;
}

function appendSite(container: HTMLElement, site: ReturnType<typeof readSite>, words: string, links: PanelLinks): void {
  if (!site || site.line <= 0) return;
  const button = el('button', {
    className: 'link',
    text: `${words} ${frameLabel(site)}`,
    title: `Open ${site.file}:${site.line}`,
  });
  button.addEventListener('click', () => links.openSite(site));
  container.append(button);
}
