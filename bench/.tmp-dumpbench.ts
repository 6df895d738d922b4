import { readFileSync } from 'node:fs';
import { parseTrace } from '../src/trace/traceProgram';
import { replayTrace } from '../src/trace/traceReplay';
import { writeDump } from '../src/trace/dumpWriter';
import { ByteOutput } from '../src/trace/byteOutput';
const program = parseTrace(readFileSync(process.argv[2]!));
const { heap } = replayTrace(program);
for (let r = 0; r < Number(process.env.R ?? 5); r++) {
  const out = new ByteOutput();
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  writeDump(heap, out);
  const cu = process.cpuUsage(c);
  console.log(`dump ${out.view().length} bytes: ${Number(process.hrtime.bigint() - t) / 1e6} ms wall, ${(cu.user + cu.system) / 1000} ms cpu`);
}
