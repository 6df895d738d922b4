/** `lmm trace FILE [--report]`: replay a conformance trace. */
import { readFileSync } from 'node:fs';
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../engine/classicReport';
import { parseTrace, TraceSyntaxError } from '../trace/traceProgram';
import { replayTrace } from '../trace/traceReplay';
import { CliError, type CliIo } from './cliIo';

export function traceCommand(args: string[], io: CliIo): number {
  const report = args.includes('--report');
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--report');
  if (unknown.length > 0) throw new CliError(`lmm trace: unknown option ${unknown[0]}`);
  if (files.length !== 1) throw new CliError('usage: lmm trace FILE [--report]');
  const file = files[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`${file}: cannot read: ${(error as Error).message}`);
  }
  let program;
  try {
    program = parseTrace(text);
  } catch (error) {
    if (error instanceof TraceSyntaxError) throw new CliError(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
  const result = replayTrace(
    program,
    {},
    report
      ? {
          onDump: (heap, line) =>
            `# dump at ${file}:${line}\n` +
            registeredPageFamiliesReport(heap) +
            memoryUsageReport(heap) +
            blockUsageReport(heap) +
            '\n',
        }
      : {},
  );
  for (const chunk of result.output) io.stdout(chunk);
  for (const d of result.diagnostics) io.stderr(`${file}:${d.line}: ${d.message}\n`);
  return 0;
}
