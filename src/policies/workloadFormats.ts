/**
 * Workload files by their name: `.rep` (CS:APP malloc-lab) or `.trace` (LMM conformance trace).
 * Harness runs become workloads through `WorkloadBuilder` in the harness runtime.
 */
import { parseTrace, TraceSyntaxError } from '../trace/traceProgram';
import { utf8Decoder } from '../trace/utf8';
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

/**
 * Parses a workload file's text, or its bytes (an LMM trace's columns are then counted in the
 * file's bytes, as `lmm trace` counts them); throws WorkloadSyntaxError with the line.
 */
export function parseWorkload(name: string, input: string | Uint8Array): Workload {
  const base = name.split(/[\\/]/).pop() ?? name;
  try {
    if (name.endsWith('.trace')) return workloadFromTrace(base, parseTrace(input));
    return parseMallocLabTrace(base, typeof input === 'string' ? input : utf8Decoder.decode(input));
  } catch (error) {
    if (error instanceof MallocLabSyntaxError || error instanceof TraceSyntaxError) {
      throw new WorkloadSyntaxError(error.line, error.reason);
    }
    throw error;
  }
}
