/**
 * The schemas a CI checks lmm's machine-readable reports against, as validators that return what
 * is wrong (empty when nothing is): the SARIF 2.1.0 schema (as @microsoft/jest-sarif ships it,
 * the SARIF SDK's copy of OASIS's), GitHub code scanning's own rules beyond it (its "SARIF
 * support for code scanning" page, and what its upload refuses), and the schema of
 * `lmm run --json` this repository publishes (docs/report.schema.json).
 */
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SarifLog } from '../../src/analysis/sarif';

const SARIF_SCHEMA_FILE = join(
  dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json',
);
export const REPORT_SCHEMA_FILE = join(__dirname, '../../docs/report.schema.json');

const readJson = (file: string): object => JSON.parse(readFileSync(file, 'utf8')) as object;

/** An ajv that knows draft-04 (the SARIF schema's) as well as draft-07 (the report schema's), checking formats fully. */
function newAjv(): Ajv.Ajv {
  const ajv = new Ajv({ schemaId: 'auto', allErrors: true, format: 'full' });
  ajv.addMetaSchema(readJson(require.resolve('ajv/lib/refs/json-schema-draft-04.json')));
  return ajv;
}

/** A validator of `schema`: what is wrong with a document, one line a problem (empty: valid). */
function problemsAgainst(schema: object): (document: unknown) => string[] {
  const validate = newAjv().compile(schema);
  return (document) => {
    if (validate(document)) return [];
    return (validate.errors ?? []).map((e) => `${e.dataPath || '(document)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

export const sarifSchemaProblems = problemsAgainst(readJson(SARIF_SCHEMA_FILE));

/** Compiled anew on each call: a test may hand it a changed copy of the published schema. */
export function reportSchemaProblems(document: unknown, schema: object = readJson(REPORT_SCHEMA_FILE)): string[] {
  return problemsAgainst(schema)(document);
}

export function readReportSchema(): Record<string, unknown> {
  return readJson(REPORT_SCHEMA_FILE) as Record<string, unknown>;
}

/**
 * What GitHub code scanning asks of a SARIF log beyond the schema. Its limits (an upload past one
 * is refused): 20 runs a file, 25,000 results and 25,000 rules a run, 1,000 locations a result,
 * 20 tags a rule. Its upload refuses a whole log if a result has no location
 * ("locationFromSarifResult: expected at least one location") or a location no artifact URI;
 * it needs `message.text`, a `ruleId` its run's rules define, a region's `startLine` (1 or more),
 * and matches results across runs by their `partialFingerprints`. A relative URI is taken from the
 * repository's root, and one with a `.` segment (`./x.ts`) matches no file (codeql-action#2829).
 * And the artifacts a run lists are the files its locations name, as they name them.
 */
export function codeScanningProblems(log: SarifLog): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (log.runs.length > 20) fail('runs', `${log.runs.length} runs (at most 20)`);
  for (const [r, run] of log.runs.entries()) {
    const rules = run.tool.driver.rules;
    if (rules.length > 25_000) fail(`runs[${r}]`, `${rules.length} rules (at most 25,000)`);
    if (run.results.length > 25_000) fail(`runs[${r}]`, `${run.results.length} results (at most 25,000)`);
    for (const [i, rule] of rules.entries()) {
      if (rule.properties.tags.length > 20) fail(`rules[${i}]`, 'more than 20 tags');
      if (!rule.shortDescription.text || !rule.fullDescription.text) fail(`rules[${i}]`, 'no description text');
    }
    const ruleIds = new Set(rules.map((rule) => rule.id));
    const located = new Set<string>();
    const checkLocation = (
      where: string,
      physical: SarifLog['runs'][number]['results'][number]['locations'][number]['physicalLocation'],
    ) => {
      const uri = physical.artifactLocation.uri;
      if (typeof uri !== 'string' || uri === '') fail(where, 'no artifact URI');
      else if (!/^file:\/\//.test(uri) && (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/')))
        fail(where, `URI ${uri} is neither relative to the repository nor a file:// URI`);
      else if (uri.split('/').includes('.')) fail(where, `URI ${uri} has a "." segment (code scanning matches no file to it)`);
      located.add(uri);
      if (!(Number.isInteger(physical.region.startLine) && physical.region.startLine >= 1))
        fail(where, `startLine ${physical.region.startLine}`);
    };
    for (const [i, result] of run.results.entries()) {
      const where = `results[${i}]`;
      if (typeof result.message.text !== 'string' || result.message.text === '') fail(where, 'no message.text');
      if (!ruleIds.has(result.ruleId)) fail(where, `ruleId ${result.ruleId} is no rule of the run`);
      if (rules[result.ruleIndex]?.id !== result.ruleId)
        fail(where, `ruleIndex ${result.ruleIndex} is not rule ${result.ruleId}`);
      if (result.locations.length === 0) fail(where, 'no location (code scanning refuses the whole log)');
      if (result.locations.length + result.relatedLocations.length > 1_000) fail(where, 'more than 1,000 locations');
      for (const [j, l] of result.locations.entries()) checkLocation(`${where}.locations[${j}]`, l.physicalLocation);
      for (const [j, l] of result.relatedLocations.entries())
        checkLocation(`${where}.relatedLocations[${j}]`, l.physicalLocation);
      const fingerprints = Object.values(result.partialFingerprints);
      if (fingerprints.length === 0 || fingerprints.some((f) => typeof f !== 'string' || f === ''))
        fail(where, 'no partialFingerprints');
    }
    for (const invocation of run.invocations ?? [])
      for (const [i, n] of (invocation.toolExecutionNotifications ?? []).entries())
        for (const l of n.locations ?? []) checkLocation(`notifications[${i}]`, l.physicalLocation);
    const listed = run.artifacts.map((a) => a.location.uri);
    for (const uri of located) if (!listed.includes(uri)) fail(`runs[${r}].artifacts`, `${uri} is located in but not listed`);
    if (located.size > 0)
      for (const uri of listed) if (!located.has(uri)) fail(`runs[${r}].artifacts`, `${uri} is listed but no location names it`);
  }
  return problems;
}
