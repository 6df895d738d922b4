/**
 * Export Report's HTML page: a self-contained page (no scripts) with the memory map as inline
 * SVG, its legend, the application-memory chart and the report's tables, its leak section headed
 * by the check it is from (shownLeakCheck.ts). Free of vscode and Node.
 */
import { errorsCutText } from '../../analysis/incompleteRunJson';
import { META_SIZE } from '../../engine/constants';
import type { LmmHeap } from '../../engine/lmmHeap';
import { findingSeverity, type LmmReport, type ReportSite } from '../../protocol/runReportSchema';
import { standalonePageStyles, structClass } from './pagePictureStyles';
import { APP_MEMORY_CHART_STYLES, appMemoryChartSvg, appMemoryLegendHtml, appMemorySeries } from './appMemoryChartSvg';
import { formatCount } from './reportFigures';
import type { RunState } from './runState';
import { incompleteRunLine, midRunChecks, noLeakCheckReason, shownLeakCheck, shownLeakCheckName } from './shownLeakCheck';

/** What the text and HTML exports of a run with no report say of it. */
export const NO_REPORT_NOTE =
  'No report came back (the harness did not compile, or its worker was ended): the heap is the one the views replayed, the findings those the run streamed before its end.';

/** A site as the exports print it: FILE:LINE:COLUMN. */
export const where = (s: ReportSite) => `${String(s.file)}:${String(s.line)}:${String(s.column)}`;

/** Text for an HTML page: markup characters become entities (in text and in quoted attributes). */
const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * A figure for the HTML page. The report was validated, but the page escapes every value it
 * prints all the same: a field that is not a finite number shows as `?`, never as its text.
 */
const figure = (n: unknown, format: (n: number) => string = String) =>
  typeof n === 'number' && Number.isFinite(n) ? escapeHtml(format(n)) : '?';

/**
 * What the colours of `pagesSvg` mean: each struct's colour, then the page parts, as one SVG row
 * (the page's own elements only; names escaped). Colours come from the page's style sheet by class
 * (pagePictureStyles.ts), as in `pagesSvg`.
 */
export function mapLegendHtml(heap: LmmHeap): string {
  const entries: Array<[string, string]> = heap.families.map((f) => [structClass(f.id), f.name]);
  entries.push(['ph', 'page header'], ['md', 'meta data'], ['fr', 'free'], ['sf', 'soft fragment']);
  let x = 0;
  const items = entries.map(([colourClass, name]) => {
    const item = `<rect x="${x}" y="3" width="12" height="12" class="${colourClass} b"/><text x="${x + 16}" y="13" font-size="12">${escapeHtml(name)}</text>`;
    // About 7 pixels a character at 12 px: room for the name, then a gap.
    x += 16 + 7 * name.length + 18;
    return item;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${x}" height="18" role="img" aria-label="Legend">${items.join('')}</svg>`;
}

/**
 * One SVG row per data page (at most 400, so the file stays small), blocks drawn to scale. Shapes
 * carry classes for their colours (pagePictureStyles.ts): the page they go in gives its theme's.
 */
export function pagesSvg(heap: LmmHeap, maxPages = 400): string {
  const width = 800;
  const rowHeight = 18;
  const rows: string[] = [];
  let y = 0;
  let shown = 0;
  for (const family of heap.families) {
    const colour = structClass(family.id);
    for (const page of heap.familyPages(family)) {
      if (shown++ >= maxPages) break;
      const scale = width / heap.pageSize;
      rows.push(
        `<rect x="0" y="${y}" width="${(24 * scale).toFixed(2)}" height="14" class="ph"><title>page header</title></rect>`,
      );
      for (const block of heap.pageBlocks(page)) {
        const x = block.offset * scale;
        rows.push(
          `<rect x="${x.toFixed(2)}" y="${y}" width="${(META_SIZE * scale).toFixed(2)}" height="14" class="md"><title>meta data</title></rect>`,
        );
        const fill = block.free ? (block.size < family.structSize ? 'sf' : 'fr') : colour;
        const title = `${block.free ? 'free' : family.name} +${block.offset}, ${block.size} bytes`;
        rows.push(
          `<rect x="${(x + META_SIZE * scale).toFixed(2)}" y="${y}" width="${Math.max(0.5, block.size * scale).toFixed(2)}" height="14" class="${fill} b"><title>${escapeHtml(title)}</title></rect>`,
        );
      }
      rows.push(`<text x="${width + 6}" y="${y + 11}" font-size="11">${escapeHtml(family.name)} 0x${page.toString(16)}</text>`);
      y += rowHeight;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 240}" height="${Math.max(y, rowHeight)}" role="img" aria-label="Memory map: one row per page">${rows.join('')}</svg>`;
}

/** A finding's severity as the Problems panel and SARIF give it (a word, coloured, never an icon alone). */
function severityCell(kind: unknown): string {
  const severity = findingSeverity(String(kind));
  return `<span class="severity-${severity}">${severity}</span>`;
}

export function toHtml(run: RunState, report: LmmReport): string {
  const heap = run.replay.heap;
  const series = appMemorySeries(run.replay);
  const families = report.families
    .map(
      (f) =>
        `<tr><td>${escapeHtml(String(f.name))}</td><td>${figure(f.size)}</td><td>${figure(f.pages)} (${figure(f.peakPages)})</td><td>${figure(f.mmap)}/${figure(f.munmap)}</td><td>${figure(f.tbc)}/${figure(f.fbc)}/${figure(f.obc)}</td><td>${figure(f.appMemory, formatCount)} (${figure(f.peakAppMemory, formatCount)})</td><td>${figure(f.externalFragmentation, (x) => (100 * x).toFixed(1))}%</td></tr>`,
    )
    .join('\n');
  const shown = shownLeakCheck(run);
  const leaks = (shown.when === 'none' ? [] : shown.leaks)
    .map(
      (l) =>
        `<tr><td>${severityCell(l.kind)}</td><td>${escapeHtml(String(l.kind))}${l.suppressed === true ? ' (suppressed)' : ''}</td><td>${escapeHtml(String(l.struct))}</td><td>${figure(l.blocks)}</td><td>${figure(l.bytes)}</td><td>${escapeHtml(where(l.site))}</td></tr>`,
    )
    .join('\n');
  // A run with no report lists the errors it streamed, the first of them only ("N of M").
  const errorsCut = run.report ? undefined : errorsCutText(report.errors, run.interimErrors);
  const errors = report.errors
    .map(
      (e) =>
        `<tr><td>${severityCell(e.kind)}</td><td>${escapeHtml(String(e.kind))}${e.suppressed === true ? ' (suppressed)' : ''}</td><td>${figure(e.count)}</td><td>${escapeHtml(String(e.message))}</td><td>${escapeHtml(where(e.site))}</td></tr>`,
    )
    .join('\n');
  const hints = report.hints
    .map((h) => `<li>${escapeHtml(String(h.message))} (saves ${figure(h.savingBytes, formatCount)} bytes)</li>`)
    .join('\n');
  const incomplete = incompleteRunLine(run);
  // With no report, the figures are those of the heap the views replayed.
  let pages = report.totals.pages;
  let appMemory = report.totals.appMemory;
  if (!run.report) {
    pages = 0;
    for (const family of heap.families) pages += family.counters.pages;
    appMemory = heap.appMemory;
  }
  const atTheEnd = incomplete ? 'when the run stopped' : 'at the end';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>LMM Studio report: ${escapeHtml(run.label)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}svg{border:1px solid #ddd;max-width:100%;height:auto}.severity-error{color:#b00020;font-weight:bold}.severity-warning{color:#8a5a00}@media (prefers-color-scheme:dark){.severity-error{color:#ff8a80}.severity-warning{color:#ffd180}}${standalonePageStyles()}${APP_MEMORY_CHART_STYLES}</style>
</head><body>
<h1>LMM Studio report: ${escapeHtml(run.label)}</h1>
<p>${escapeHtml(run.status)}${run.message ? ': ' + escapeHtml(run.message) : ''} · ${figure(run.replay.steps, formatCount)} heap operations · ${figure(pages, formatCount)} pages · ${figure(appMemory, formatCount)} bytes of application memory ${atTheEnd}</p>
${incomplete ? `<p class="incomplete">${escapeHtml(incomplete)}</p>\n` : ''}${run.report ? '' : `<p>${escapeHtml(NO_REPORT_NOTE)}</p>\n`}<h2>Memory map ${atTheEnd}</h2>
${pagesSvg(heap)}
${mapLegendHtml(heap)}
<h2>Application memory over the run</h2>
${appMemoryChartSvg(series)}
${appMemoryLegendHtml(series)}
<h2>Page families</h2>
<table><tr><th>struct</th><th>size</th><th>pages (peak)</th><th>mmap/munmap</th><th>TBC/FBC/OBC</th><th>app memory (peak)</th><th>external frag.</th></tr>
${families}</table>
${leaksHtml(run, report, leaks)}
<h2>Memory errors</h2>
${errors ? `<table><tr><th>severity</th><th>kind</th><th>count</th><th>message</th><th>site</th></tr>\n${errors}</table>` : '<p>None.</p>'}${errorsCut !== undefined ? `\n<p>${escapeHtml(errorsCut)}.</p>` : ''}
<h2>Hints</h2>
${hints ? `<ul>${hints}</ul>` : '<p>None.</p>'}
</body></html>
`;
}

/**
 * The Leaks section: headed by the check its rows are from (the end of the run, or the stop of
 * one that ended early) or saying why there is none, then the run's own mid-run checks.
 */
function leaksHtml(run: RunState, report: LmmReport, rows: string): string {
  const shown = shownLeakCheck(run);
  if (shown.when === 'none') return `<h2>Leaks</h2>\n<p>${escapeHtml(capitalized(noLeakCheckReason(run)))}.</p>`;
  let html = `<h2>Leaks: ${escapeHtml(shownLeakCheckName(shown))}</h2>\n`;
  if (rows)
    html += `<table><tr><th>severity</th><th>kind</th><th>struct</th><th>blocks</th><th>bytes</th><th>allocated at</th></tr>\n${rows}</table>`;
  else html += shown.when === 'end' ? '<p>No leaks.</p>' : '<p>No block lost at that step.</p>';
  if (shown.when === 'stop')
    html += '\n<p>The heap of a program stopped mid-way: not a verdict, it had not yet freed what it would have.</p>';
  const checks = midRunChecks(report).map(
    (check) =>
      `<li>${check.how} at step ${figure(check.step, formatCount)}${check.site ? ` (${escapeHtml(where(check.site))})` : ''}: ${figure(check.lostBlocks, formatCount)} blocks lost</li>`,
  );
  if (checks.length > 0) html += `\n<h3>Leak checks during the run</h3>\n<ul>${checks.join('\n')}</ul>`;
  return html;
}

const capitalized = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
