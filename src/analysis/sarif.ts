/**
 * Leaks and memory errors as SARIF 2.1.0, for code-scanning tools (GitHub code scanning, the
 * SARIF viewer): one rule per kind, one result per unsuppressed loss record or error context,
 * located at the innermost harness frame, with the rest of the stack and every frame of an error's
 * block's allocation and free stacks as related locations (and those stacks as the result's
 * `stacks`). Suppressed ones are kept with a SARIF suppression.
 */
import type { MemoryErrorKind, Site } from './analysisInput';
import { LEAK_KINDS, type LeakKind } from './leakKinds';
import { LINE_UNKNOWN, siteText } from './siteText';
import { ERROR_CONTEXT_FRAMES } from './errorContext';
import { framesLeftOutText, framesWithinRoom, SARIF_MAX_LOCATIONS } from './sarifLocationLimit';
import type { RunReport } from './runReport';
import { findingSeverity, SARIF_LEVEL } from '../protocol/runReportSchema';
import { MEMORY_ERROR_KINDS } from './suppressions';
import { errorsCutText, errorTotals, type StreamedErrorTotals } from './incompleteRunJson';

type Level = 'error' | 'warning' | 'note';

/** Each rule's description; its level is the kind's severity, the one every view uses. */
const RULE_TEXT: Record<LeakKind | MemoryErrorKind, string> = {
  'definitely-lost': 'A block no root reaches and no other lost block points to: its memory leaked.',
  'indirectly-lost': 'A lost block that only other lost blocks point to (freeing the definitely-lost one would free it).',
  'possibly-lost': 'A block reachable only through a pointer into its middle (an interior pointer).',
  'still-reachable': 'A block still reachable from a root at exit (not freed, but not lost).',
  'double-free': 'A block was freed twice.',
  'invalid-free': 'XFREE of an address that is not the data address of an allocated block.',
  'use-after-free': 'Access through a view of a block that was freed.',
  'out-of-bounds': 'Access beyond a block or an array field (the read gives 0, the write is ignored).',
  'unregistered-struct': 'XCALLOC of a struct that was not registered with MM_REG_STRUCT.',
  'too-large': 'An allocation larger than one page can serve.',
  'out-of-memory': 'The simulated memory cap was reached.',
  'duplicate-registration': 'A struct was registered twice.',
  'struct-too-large': 'A struct larger than the page size was registered.',
};

/** The part of SARIF 2.1.0 this module writes. */
export interface SarifLog {
  version: '2.1.0';
  $schema: string;
  runs: SarifRun[];
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      informationUri: string;
      version: string;
      rules: {
        id: string;
        name: string;
        shortDescription: { text: string };
        fullDescription: { text: string };
        defaultConfiguration: { level: Level };
        properties: { tags: string[] };
      }[];
    };
  };
  artifacts: { location: SarifArtifactLocation }[];
  /** Where `SRCROOT` was for this run (the working directory), when known: SARIF's §3.14.14. */
  originalUriBaseIds?: Record<string, { uri: string }>;
  /** How the run went: whether the harness ran to its end, and why not when it did not. */
  invocations?: SarifInvocation[];
  results: SarifResult[];
}

/** SARIF's invocation (§3.20): `executionSuccessful` is its one required property. */
export interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications?: SarifNotification[];
}

/** SARIF's notification (§3.58): a message about the tool's run, not about the code analysed. */
export interface SarifNotification {
  level: 'error' | 'warning' | 'note';
  message: { text: string };
  locations?: { physicalLocation: SarifPhysicalLocation }[];
  properties?: Record<string, unknown>;
}

/**
 * SARIF's artifactLocation (§3.4): a file under the run's working directory relative to `SRCROOT`,
 * any other a file:// URI.
 */
export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: typeof SRCROOT;
}

/** The one base of every relative URI a log gives: the working directory of the run. */
export const SRCROOT = '%SRCROOT%';

export interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region: { startLine: number; startColumn: number };
}

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: { text: string };
  locations: { physicalLocation: SarifPhysicalLocation; message?: { text: string } }[];
  relatedLocations: { id: number; physicalLocation: SarifPhysicalLocation; message: { text: string } }[];
  /** SARIF's stacks (§3.27.23, §3.44): a memory error's own call stack and its block's allocation and free stacks. */
  stacks?: SarifStack[];
  occurrenceCount?: number;
  partialFingerprints: Record<string, string>;
  properties?: Record<string, unknown>;
  suppressions?: { kind: 'external'; justification: string }[];
}

/** SARIF's stack (§3.44): frames innermost first, each a location. */
export interface SarifStack {
  message: { text: string };
  frames: { location: { physicalLocation: SarifPhysicalLocation; message?: { text: string } } }[];
}

/** What a SARIF log is made of: the leaks and errors, and the file they are about. */
export type SarifFindings = Pick<RunReport, 'harnessFile' | 'leaks' | 'errors'>;

/**
 * @param workingDirectory the run's working directory (absolute), when known: every file under it
 *   is named relative to `SRCROOT`, which the log says is there, and any other by its file:// URI.
 *   Unknown, a file is named as the run named it (relative to `SRCROOT` when relative).
 */
export function toSarif(
  report: SarifFindings,
  toolVersion = 'dev',
  invocation?: SarifInvocation,
  workingDirectory?: string,
): SarifLog {
  const at: Locate = (site) => physicalLocation(site, workingDirectory);
  const ruleIds = [...LEAK_KINDS, ...MEMORY_ERROR_KINDS];
  const rules = ruleIds.map((id) => ({
    id,
    name: id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: id.replace(/-/g, ' ') },
    fullDescription: { text: RULE_TEXT[id] },
    defaultConfiguration: { level: SARIF_LEVEL[findingSeverity(id)] },
    properties: { tags: [LEAK_KINDS.includes(id as LeakKind) ? 'memory-leak' : 'memory-error'] },
  }));
  const results: SarifResult[] = [];
  for (const record of report.leaks) {
    const callers = record.stack.slice(1).map((site) => ({ site, text: 'called from here' }));
    const { related, cut } = relatedWithinLimit(at, [callers]);
    const dragText =
      record.kind === 'definitely-lost' && record.drags !== undefined && record.drags.blocks > 0
        ? `, dragging ${record.drags.bytes} bytes in ${record.drags.blocks} indirectly lost block(s)`
        : '';
    results.push({
      ruleId: record.kind,
      ruleIndex: ruleIds.indexOf(record.kind),
      level: SARIF_LEVEL[findingSeverity(record.kind)],
      message: {
        text: `${record.bytes} bytes in ${record.blocks} block(s) of ${record.struct} are ${record.kind.replace('-', ' ')}${dragText}${cut.text}.`,
      },
      locations: record.site ? [location(at, record.site, 'allocated here')] : [],
      relatedLocations: related,
      partialFingerprints: { lmmLossRecord: `${record.kind}|${record.struct}|${record.stack.map(siteText).join('<')}` },
      properties: { struct: record.struct, blocks: record.blocks, bytes: record.bytes, drags: record.drags, ...cut.properties },
      ...(record.suppressed
        ? { suppressions: [{ kind: 'external', justification: `suppressed by ${record.suppressedBy}` }] }
        : {}),
    });
  }
  for (const error of report.errors) {
    const allocStack = error.allocStack ?? (error.allocSite ? [error.allocSite] : []);
    const freeStack = error.freeStack ?? (error.freeSite ? [error.freeSite] : []);
    // Every frame of the block's stacks, for viewers that show related locations and no stacks
    // (GitHub code scanning), within its limit; the `stacks` below give every frame as stacks.
    const { related, cut } = relatedWithinLimit(at, [
      error.stack.slice(1).map((site) => ({ site, text: 'called from here' })),
      allocStack.map((site, i) => ({
        site,
        text: i === 0 ? 'the block was allocated here' : 'the allocation was called from here',
      })),
      freeStack.map((site, i) => ({ site, text: i === 0 ? 'the block was freed here' : 'the free was called from here' })),
    ]);
    const stacks = [sarifStack(at, 'the access', error.stack)];
    if (freeStack.length > 0) stacks.push(sarifStack(at, 'the block was freed', freeStack));
    if (allocStack.length > 0) stacks.push(sarifStack(at, 'the block was allocated', allocStack));
    results.push({
      ruleId: error.kind,
      ruleIndex: ruleIds.indexOf(error.kind),
      level: SARIF_LEVEL[findingSeverity(error.kind)],
      message: { text: `${error.message}${error.count > 1 ? ` (${error.count} times)` : ''}${cut.text}` },
      locations: [location(at, error.site)],
      relatedLocations: related,
      stacks,
      occurrenceCount: error.count,
      // One per record: its kind and context (errorContext.ts), and for an access read or write.
      partialFingerprints: {
        lmmError: `${error.kind}|${error.stack.slice(0, ERROR_CONTEXT_FRAMES).map(siteText).join('<')}${error.access ? `|${error.access.operation}` : ''}`,
      },
      // The step of its first occurrence, as the text report, the JSON and VS Code name it; and the
      // read or write an access error was (size, field, offset from the block), for tools that filter on it.
      properties: { step: error.step, ...(error.access !== undefined ? { access: error.access } : {}), ...cut.properties },
      ...(error.suppressed
        ? { suppressions: [{ kind: 'external' as const, justification: `suppressed by ${error.suppressedBy}` }] }
        : {}),
    });
  }
  const { kept, leftOut } = withinResultLimit(results);
  const ran = leftOut > 0 ? withResultsLeftOut(invocation, leftOut, results.length) : invocation;
  const artifacts = artifactsNamed(kept, ran, artifactLocation(report.harnessFile, workingDirectory));
  const based = workingDirectory !== undefined && artifacts.some((a) => a.location.uriBaseId === SRCROOT);
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'LMM Studio',
            informationUri: 'https://github.com/lmm-studio/lmm-studio',
            version: toolVersion,
            rules,
          },
        },
        artifacts,
        ...(based ? { originalUriBaseIds: { [SRCROOT]: { uri: fileUri(`${directoryPath(workingDirectory)}/`) } } } : {}),
        ...(ran ? { invocations: [ran] } : {}),
        results: kept,
      },
    ],
  };
}

/**
 * The SARIF log of a run that did not complete (`lmm run --sarif`, Export Report): it did not
 * succeed, its outcome is an error notification (at its site when known), and its results are the
 * memory errors found before the end, no leaks (a stopped program is no leak verdict).
 */
export function incompleteRunSarif(
  findings: Pick<SarifFindings, 'harnessFile' | 'errors'>,
  outcome: { kind: string; message?: string; site?: Site },
  toolVersion: string,
  told?: StreamedErrorTotals,
  workingDirectory?: string,
): SarifLog {
  const notification: SarifNotification = {
    level: 'error',
    message: { text: `The run did not complete (${outcome.kind})${outcome.message !== undefined ? `: ${outcome.message}` : ''}` },
    properties: { outcome: outcome.kind },
  };
  if (outcome.site) notification.locations = [location((site) => physicalLocation(site, workingDirectory), outcome.site)];
  const notifications = [notification];
  // Results that are the first of the run's errors only ("N of M"): a killed worker's.
  const cut = errorsCutText(findings.errors, told);
  if (cut !== undefined) {
    const totals = errorTotals(findings.errors, told);
    notifications.push({
      level: 'warning',
      message: { text: `Memory errors: ${cut}.` },
      properties: { ...totals, errorsListed: findings.errors.length },
    });
  }
  return toSarif(
    { harnessFile: findings.harnessFile, leaks: [], errors: findings.errors },
    toolVersion,
    { executionSuccessful: false, toolExecutionNotifications: notifications },
    workingDirectory,
  );
}

/** GitHub code scanning refuses a whole upload whose run has more results than this. */
export const SARIF_MAX_RESULTS = 25_000;

const KEPT_FIRST: Record<Level, number> = { error: 0, warning: 1, note: 2 };

/**
 * At most SARIF_MAX_RESULTS results, in their order: past it (a harness whose blocks leak from tens
 * of thousands of call paths), the unsuppressed ones first, by level (errors, then lost blocks, then
 * still-reachable ones), as code scanning itself shows its first 5,000.
 */
function withinResultLimit(results: SarifResult[]): { kept: SarifResult[]; leftOut: number } {
  if (results.length <= SARIF_MAX_RESULTS) return { kept: results, leftOut: 0 };
  const rank = (r: SarifResult) => (r.suppressions ? 3 : 0) + KEPT_FIRST[r.level];
  const chosen = results
    .map((result, index) => ({ result, index }))
    .sort((a, b) => rank(a.result) - rank(b.result) || a.index - b.index)
    .slice(0, SARIF_MAX_RESULTS)
    .sort((a, b) => a.index - b.index)
    .map((c) => c.result);
  return { kept: chosen, leftOut: results.length - SARIF_MAX_RESULTS };
}

/** The invocation, with a warning that says how many results were left out and why. */
function withResultsLeftOut(invocation: SarifInvocation | undefined, leftOut: number, total: number): SarifInvocation {
  const note: SarifNotification = {
    level: 'warning',
    message: {
      text: `${leftOut} of ${total} results were left out: GitHub code scanning refuses a run of more than ${SARIF_MAX_RESULTS} results (lmm run --json lists them all).`,
    },
    properties: { resultsLeftOut: leftOut },
  };
  const base = invocation ?? { executionSuccessful: true };
  return { ...base, toolExecutionNotifications: [...(base.toolExecutionNotifications ?? []), note] };
}

/**
 * The files the log's locations name, each once and under the very location those give it
 * (`artifactLocation`: relative to `SRCROOT` under the working directory), so the artifact a
 * result points to is the one listed: the harness's absolute path (a CI runner's checkout folder)
 * listed beside relative results named the same file twice. A log that locates nothing lists the
 * harness file.
 */
function artifactsNamed(
  results: readonly SarifResult[],
  invocation: SarifInvocation | undefined,
  harness: SarifArtifactLocation,
): SarifRun['artifacts'] {
  const named = new Map<string, SarifArtifactLocation>();
  const add = (l: SarifArtifactLocation) => named.set(`${l.uriBaseId ?? ''} ${l.uri}`, l);
  for (const result of results) {
    for (const l of [...result.locations, ...result.relatedLocations]) add(l.physicalLocation.artifactLocation);
  }
  for (const notification of invocation?.toolExecutionNotifications ?? [])
    for (const l of notification.locations ?? []) add(l.physicalLocation.artifactLocation);
  if (named.size === 0) add(harness);
  return [...named.values()].map((location) => ({ location: { ...location } }));
}

/** A site's SARIF location, its file named as `artifactLocation` names it. */
type Locate = (site: Site) => SarifPhysicalLocation;

function physicalLocation(site: Site, workingDirectory: string | undefined): SarifPhysicalLocation {
  return {
    artifactLocation: artifactLocation(site.file, workingDirectory),
    region: { startLine: Math.max(1, site.line), startColumn: Math.max(1, site.column) },
  };
}

function location(at: Locate, site: Site, text?: string) {
  const said = lineText(site, text);
  return { physicalLocation: at(site), ...(said ? { message: { text: said } } : {}) };
}

/**
 * A location's message; for a site of line 0 (a run without attribution), whose region says line
 * 1 (code scanning needs a startLine of 1 or more), it says the line is unknown.
 */
function lineText(site: Site, text: string | undefined): string | undefined {
  if (site.line > 0) return text;
  return text ? `${text} ${LINE_UNKNOWN}` : `${LINE_UNKNOWN.slice(1, -1)}: the file only is known`;
}

function sarifStack(at: Locate, text: string, frames: readonly Site[]): SarifStack {
  return { message: { text }, frames: frames.map((site) => ({ location: location(at, site) })) };
}

function relatedLocation(at: Locate, id: number, site: Site, text: string): SarifResult['relatedLocations'][number] {
  return { id, physicalLocation: at(site), message: { text: lineText(site, text)! } };
}

/**
 * A result's related locations (ids from 1), its stacks' frames within code scanning's limit
 * beside its one location; what was cut is said in its message and its properties.
 */
function relatedWithinLimit(
  at: Locate,
  stacks: readonly { site: Site; text: string }[][],
): { related: SarifResult['relatedLocations']; cut: { text: string; properties: Record<string, number> } } {
  const { kept, leftOut } = framesWithinRoom(stacks, SARIF_MAX_LOCATIONS - 1);
  const related = kept.flat().map((frame, i) => relatedLocation(at, i + 1, frame.site, frame.text));
  if (leftOut === 0) return { related, cut: { text: '', properties: {} } };
  const total = related.length + leftOut;
  return { related, cut: { text: framesLeftOutText(leftOut, total), properties: { relatedLocationsLeftOut: leftOut } } };
}

/**
 * Where a file is, for SARIF: with the run's working directory known, a file under it (named
 * relative or absolute, an imported one as the harness) relative to `SRCROOT`, any other (`..`
 * out of it, another disk) by its absolute file:// URI. Unknown, a relative path stays relative
 * to `SRCROOT`, an absolute one is a file:// URI.
 */
export function artifactLocation(path: string, workingDirectory?: string): SarifArtifactLocation {
  const file = slashed(path);
  if (workingDirectory === undefined) {
    const uri = fileUri(file);
    return isAbsolute(file) ? { uri } : { uri, uriBaseId: SRCROOT };
  }
  const base = directoryPath(workingDirectory);
  const full = withoutDots(isAbsolute(file) ? file : `${base}/${file}`);
  // Drive letters (and Windows paths) compare without case.
  const windows = /^[A-Za-z]:\//.test(base);
  const under = windows ? full.toLowerCase().startsWith(`${base.toLowerCase()}/`) : full.startsWith(`${base}/`);
  if (!under) return { uri: fileUri(full) };
  return { uri: fileUri(full.slice(base.length + 1)), uriBaseId: SRCROOT };
}

/** A directory's absolute path, `/` between segments, no `.` or `..`, no slash at its end. */
function directoryPath(directory: string): string {
  return withoutDots(slashed(directory)).replace(/\/+$/, '');
}

function slashed(path: string): string {
  return path.replace(/\\/g, '/');
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

/** An absolute path with its `.` and `..` segments resolved (`..` past the root stays at it). */
function withoutDots(path: string): string {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '.' || (segment === '' && out.length > 0)) continue;
    if (segment === '..') {
      if (out.length > 1) out.pop();
    } else out.push(segment);
  }
  return out.join('/') || '/';
}

/**
 * A SARIF artifact URI: relative paths stay relative, absolute ones become file:// URIs. A `.`
 * segment is dropped (`./x.lmm.ts` is `x.lmm.ts`): GitHub code scanning matches no file of the
 * repository to a URI that starts with `./`, though the harness was named so on the command line.
 */
export function fileUri(path: string): string {
  const slashed = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((segment, _index, all) => segment !== '.' || all.length === 1)
    .join('/');
  const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${slashed.slice(0, 2)}${encode(slashed.slice(2))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed);
}
