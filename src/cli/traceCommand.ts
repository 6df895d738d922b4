/** `lmm trace FILE [--report]`: replay a conformance trace while it is read. */
import { statSync } from 'node:fs';
import { blockUsageReport, memoryUsageReport, registeredPageFamiliesReport } from '../engine/classicReport';
import { TraceReader, TraceSyntaxError, type TraceSink } from '../trace/traceReader';
import { TraceReplayer } from '../trace/traceReplay';
import { CliError, unreadableFile, type CliIo } from './cliIo';
import { streamTraceFile } from './traceFileStream';

const USAGE = 'usage: lmm trace FILE [--report]';
/**
 * The output a replay holds until the trace has been read whole. Past it (a few `dump` lines of a
 * big heap ask for gigabytes) the trace is read once to check it, then replayed writing as it goes.
 */
export const HELD_OUTPUT_BYTES = 16 * 2 ** 20;

/** The held output outgrew HELD_OUTPUT_BYTES: replay again, writing out. */
class TooMuchToHold extends Error {}

/** Checks a trace's syntax only: what the reader throws on, with no heap behind it. */
const CHECK_ONLY: TraceSink = { begin() {}, register() {}, alloc() {}, free() {}, dump() {} };

export function traceCommand(args: string[], io: CliIo, heldOutputBytes = HELD_OUTPUT_BYTES): number {
  let report = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--report') report = true;
    else if (arg.startsWith('-') && arg !== '-') throw new CliError(`lmm trace: ${arg}: unknown option (${USAGE})`);
    else files.push(arg);
  }
  if (files.length !== 1) throw new CliError(USAGE);
  const file = files[0]!;
  // A FIFO would be waited on without end, and a trace too big to hold is read twice.
  let info;
  try {
    info = statSync(file);
  } catch (error) {
    throw unreadableFile(file, error);
  }
  // (A directory is named as such when it is read.)
  if (!info.isFile() && !info.isDirectory()) throw new CliError(`${file}: not a regular file (a trace is text)`);

  const replay = (onFull: (replayer: TraceReplayer) => void) => {
    // The replayer reads names through the reader, which is made after it (each needs the other).
    const replayer: TraceReplayer = new TraceReplayer(
      { name: (index) => reader.names.key(index), id: (index) => reader.ids.at(index) },
      {},
      {
        fullAt: heldOutputBytes,
        onFull: () => onFull(replayer),
        ...(report
          ? {
              onDump: (heap, line) =>
                `# dump at ${file}:${line}\n` +
                registeredPageFamiliesReport(heap) +
                memoryUsageReport(heap) +
                blockUsageReport(heap) +
                '\n',
            }
          : {}),
      },
    );
    const reader: TraceReader = new TraceReader(replayer);
    read(file, reader);
    return replayer;
  };
  const writeOut = (replayer: TraceReplayer) => {
    if (io.stdoutBytes) io.stdoutBytes(replayer.output.view());
    else io.stdout(replayer.output.text());
    for (const d of replayer.diagnostics) io.stderr(`${file}:${d.line}: ${d.message}\n`);
    replayer.output.clear();
    replayer.diagnostics.length = 0;
  };

  let replayer: TraceReplayer;
  try {
    // Output is written only once the whole trace has been read: a malformed trace prints its
    // error and nothing else.
    replayer = replay(() => {
      throw new TooMuchToHold();
    });
  } catch (error) {
    if (!(error instanceof TooMuchToHold)) throw error;
    read(file, new TraceReader(CHECK_ONLY));
    replayer = replay(writeOut);
  }
  writeOut(replayer);
  return 0;
}

function read(file: string, reader: TraceReader): void {
  try {
    streamTraceFile(file, reader);
  } catch (error) {
    if (error instanceof TraceSyntaxError) throw new CliError(`${file}:${error.line}: ${error.reason}`);
    throw error;
  }
}
