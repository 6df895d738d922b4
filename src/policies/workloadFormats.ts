/**
 * Workload files by their name: `.rep` (CS:APP malloc-lab) or `.trace` (LMM conformance trace).
 * Harness runs become workloads through `WorkloadBuilder` in the harness runtime.
 */
import { parseTrace, TraceSyntaxError } from '../trace/traceProgram';
import { MallocLabSyntaxError, parseMallocLabTrace } from './mallocLabTrace';
import { workloadFromTrace, type Workload } from './workload';

/** A malformed workload file: `line` is 1-based. */
export class WorkloadSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

export const WORKLOAD_EXTENSIONS = ['.rep', '.trace'] as const;

export function isWorkloadFile(name: string): boolean {
  return WORKLOAD_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** Parses a workload file's text; throws WorkloadSyntaxError with the line. */
export function parseWorkload(name: string, text: string): Workload {
  const base = name.split(/[\\/]/).pop() ?? name;
  try {
    if (name.endsWith('.trace')) return workloadFromTrace(base, parseTrace(text));
    return parseMallocLabTrace(base, text);
  } catch (error) {
    if (error instanceof MallocLabSyntaxError || error instanceof TraceSyntaxError) {
      throw new WorkloadSyntaxError(error.line, error.reason);
    }
    throw error;
  }
}
