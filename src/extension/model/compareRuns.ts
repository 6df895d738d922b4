/** `LMM: Compare Runs`: two runs' counters side by side, with the differences, as Markdown. */
import { familyStatistics } from '../../engine/statistics';
import { formatCount } from './reportFigures';
import type { RunState } from './runState';
import { webviewPageStyles } from './pagePictureStyles';
import { pagesSvg } from './reportExport';
import { lostBlocks, noLeakCheckReason, shownLeakCheck, shownLeakCheckName } from './shownLeakCheck';

interface Row {
  label: string;
  a: number;
  b: number;
  /** The cells' words when a figure alone would mislead (a leak figure from no end-of-run check); no difference then. */
  words?: [string, string];
}

/** A cell: the words of a row that has them, else the figure. */
const cell = (row: Row, side: 0 | 1) => row.words?.[side] ?? formatCount(side === 0 ? row.a : row.b);

export function compareRunsMarkdown(a: RunState, b: RunState): string {
  const { rows, diff, title } = comparison(a, b);
  let text = `# LMM: compare runs\n\n| | ${title(a)} | ${title(b)} | difference |\n|---|---:|---:|---:|\n`;
  for (const row of rows) text += `| ${row.label} | ${cell(row, 0)} | ${cell(row, 1)} | ${diff(row)} |\n`;
  return text;
}

/**
 * The same comparison as a page for a webview: the table, then both memory maps (as they were at
 * the end of each run) side by side. No scripts; styles only through the nonce.
 */
export function compareRunsHtml(a: RunState, b: RunState, nonce: string, cspSource: string): string {
  const { rows, diff, title } = comparison(a, b);
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const body = rows
    .map(
      (row) =>
        `<tr><th scope="row">${esc(row.label)}</th><td>${esc(cell(row, 0))}</td><td>${esc(cell(row, 1))}</td><td>${esc(diff(row))}</td></tr>`,
    )
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${esc(cspSource)} data:; style-src 'nonce-${nonce}'">
<title>LMM: compare runs</title>
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:0 1em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid var(--vscode-panel-border);padding:.2em .6em;text-align:right}th[scope=row]{text-align:left;font-weight:normal}.maps{display:flex;gap:1em;flex-wrap:wrap}.maps>section{flex:1 1 420px;overflow:auto}svg{max-width:100%;height:auto}svg text{fill:var(--vscode-foreground)}${webviewPageStyles()}</style>
</head><body>
<h1>Compare runs</h1>
<table><thead><tr><th></th><th scope="col">${esc(title(a))}</th><th scope="col">${esc(title(b))}</th><th scope="col">difference</th></tr></thead>
<tbody>${body}</tbody></table>
<div class="maps"><section aria-label="${esc(title(a))}"><h2>${esc(title(a))}</h2>${pagesSvg(a.replay.heap, 200)}</section><section aria-label="${esc(title(b))}"><h2>${esc(title(b))}</h2>${pagesSvg(b.replay.heap, 200)}</section></div>
</body></html>
`;
}

function comparison(a: RunState, b: RunState) {
  const title = (run: RunState) => `#${run.id} ${run.label}`;
  const rows: Row[] = [];
  const totals = (run: RunState) => {
    const heap = run.replay.heap;
    let pages = 0;
    let peakPages = 0;
    let mmap = 0;
    let munmap = 0;
    for (const f of heap.families) {
      pages += f.counters.pages;
      peakPages += f.counters.peakPages;
      mmap += f.counters.mmap;
      munmap += f.counters.munmap;
    }
    return {
      pages,
      peakPages,
      mmap,
      munmap,
      app: heap.appMemory,
      peakApp: heap.peakAppMemory,
      steps: run.replay.steps,
      leaked: lostBlocks(run.report?.leaks ?? []),
      errors: (run.report?.errors ?? []).reduce((n, e) => n + e.count, 0),
    };
  };
  const ta = totals(a);
  const tb = totals(b);
  const labels: [keyof typeof ta, string][] = [
    ['steps', 'heap operations'],
    ['pages', 'data pages at the end'],
    ['peakPages', 'peak data pages (Σ families)'],
    ['mmap', 'mmap calls (data pages)'],
    ['munmap', 'munmap calls (data pages)'],
    ['app', 'application memory at the end (bytes)'],
    ['peakApp', 'peak application memory (bytes)'],
    ['leaked', 'leaked blocks'],
    ['errors', 'memory errors'],
  ];
  for (const [key, label] of labels) rows.push({ label, a: ta[key], b: tb[key] });
  // Leaked blocks are a verdict only from two end-of-run checks: otherwise each cell names its check.
  const leakedRow = rows.find((row) => row.label === 'leaked blocks')!;
  const [la, lb] = [leakFigure(a), leakFigure(b)];
  leakedRow.a = la.blocks;
  leakedRow.b = lb.blocks;
  if (la.words !== undefined || lb.words !== undefined)
    leakedRow.words = [la.words ?? formatCount(la.blocks), lb.words ?? formatCount(lb.blocks)];
  const names = [...new Set([...a.replay.heap.families, ...b.replay.heap.families].map((f) => f.name))];
  for (const name of names) {
    const fa = a.replay.heap.families.find((f) => f.name === name);
    const fb = b.replay.heap.families.find((f) => f.name === name);
    const sa = fa ? familyStatistics(a.replay.heap, fa) : undefined;
    const sb = fb ? familyStatistics(b.replay.heap, fb) : undefined;
    rows.push({ label: `${name}: peak pages`, a: sa?.peakPages ?? 0, b: sb?.peakPages ?? 0 });
    rows.push({ label: `${name}: peak application memory`, a: sa?.peakAppMemory ?? 0, b: sb?.peakAppMemory ?? 0 });
    rows.push({
      label: `${name}: mmap / munmap`,
      a: (sa?.mmap ?? 0) + (sa?.munmap ?? 0),
      b: (sb?.mmap ?? 0) + (sb?.munmap ?? 0),
    });
  }
  const diff = (row: Row) => {
    if (row.words) return '–';
    const d = row.b - row.a;
    if (d === 0) return '=';
    const pct = row.a === 0 ? '' : ` (${d > 0 ? '+' : ''}${((100 * d) / row.a).toFixed(1)}%)`;
    return `${d > 0 ? '+' : ''}${formatCount(d)}${pct}`;
  };
  return { rows, diff, title };
}

/** A run's leaked blocks with, unless they are from its end-of-run check, the words naming their check. */
function leakFigure(run: RunState): { blocks: number; words?: string } {
  const shown = shownLeakCheck(run);
  if (shown.when === 'none') return { blocks: 0, words: noLeakCheckReason(run) };
  const blocks = lostBlocks(shown.leaks);
  if (shown.when === 'end') return { blocks };
  return { blocks, words: `${formatCount(blocks)} (${shownLeakCheckName(shown)})` };
}
