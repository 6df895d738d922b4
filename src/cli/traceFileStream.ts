/**
 * Feeds a file to a TraceReader in chunks read into one reused buffer, so a trace of any length
 * is replayed while it is read and never held whole in memory (as bytes or as a string).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { TraceReader } from '../trace/traceReader';
import { unreadableFile } from './cliIo';

const CHUNK = 1 << 20;

/** Reads `file` through `reader` to its end; an unreadable file is a CliError `FILE: cannot read: …`. */
export function streamTraceFile(file: string, reader: TraceReader, chunkSize = CHUNK): void {
  const fd = ioStep(file, () => openSync(file, 'r'));
  try {
    let buffer = new Uint8Array(chunkSize);
    let filled = 0;
    for (;;) {
      const target = buffer;
      const start = filled;
      const count = ioStep(file, () => readSync(fd, target, start, target.length - start, null));
      filled += count;
      const last = count === 0;
      const consumed = reader.read(buffer, 0, filled, last);
      if (last) break;
      if (consumed === 0 && filled === buffer.length) {
        // One line longer than the buffer: keep it whole and read on into a bigger buffer.
        const bigger = new Uint8Array(buffer.length * 2);
        bigger.set(buffer);
        buffer = bigger;
        continue;
      }
      buffer.copyWithin(0, consumed, filled);
      filled -= consumed;
    }
  } finally {
    closeSync(fd);
  }
  reader.finish();
}

function ioStep<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw unreadableFile(file, error);
  }
}
