/**
 * Which source lines a run names, for the Memory Map's links: the webview may ask the host to open
 * a line, and the host opens only lines of the run (its allocation sites, and the lines its report
 * names), never any other file or line a webview could make up.
 */
import type { SourceSite } from '../../protocol/webviewMessages';
import type { RunState } from './runState';

/** True when `site`'s file and line are one the run recorded or its report names. */
export function isSiteOfRun(run: RunState, site: SourceSite): boolean {
  const same = (s: SourceSite | null | undefined) =>
    s !== undefined && s !== null && s.file === site.file && s.line === site.line;
  return run.sites.some(same) || reportSites(run).some(same);
}

/**
 * Lines the run's report names beyond its allocation sites: an error's access line and the lines
 * where its block was allocated and freed, every caller in a call stack (the call trees' frames),
 * and the allocation sites along a retainer chain.
 */
function reportSites(run: RunState): Array<SourceSite | null | undefined> {
  const report = run.report;
  if (!report) return [];
  const out: Array<SourceSite | null | undefined> = [];
  for (const error of report.errors) out.push(error.site, error.allocSite, error.freeSite, ...error.stack);
  for (const leak of report.leaks) {
    out.push(leak.site, ...leak.stack);
    for (const step of leak.rootPath ?? []) out.push(step.site);
  }
  for (const figures of report.sites) out.push(...figures.stack);
  return out;
}
