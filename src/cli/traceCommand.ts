/** `lmm trace FILE [--report]`: replay a conformance trace while it is read. */
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../engine/classicReport';
import { TraceReader, TraceSyntaxError } from '../trace/traceReader';
import { TraceReplayer } from '../trace/traceReplay';
import { CliError, type CliIo } from './cliIo';
import { streamTraceFile } from './traceFileStream';

const USAGE = 'usage: lmm trace FILE [--report]';

export function traceCommand(args: string[], io: CliIo): number {
  let report = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--report') report = true;
    else if (arg.startsWith('-') && arg !== '-') throw new CliError(`lmm trace: ${arg}: unknown option (${USAGE})`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new CliError(USAGE);
  const file = files[0]!;
  // The replayer reads names through the reader, which is made after it (each needs the other).
  const replayer: TraceReplayer = new TraceReplayer(
    { name: (index) => reader.names.key(index), id: (index) => reader.ids.at(index) },
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
  const reader: TraceReader = new TraceReader(replayer);
  try {
    streamTraceFile(file, reader);
  } catch (error) {
    // Output is written only once the whole trace has been read: a malformed trace prints its
    // error and nothing else.
    if (error instanceof TraceSyntaxError) throw new CliError(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
  if (io.stdoutBytes) io.stdoutBytes(replayer.output.view());
  else io.stdout(replayer.output.text());
  for (const d of replayer.diagnostics) io.stderr(`${file}:${d.line}: ${d.message}\n`);
  return 0;
}
