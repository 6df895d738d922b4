/** Classic hex dump lines (address, 16 bytes in hex, ASCII) of simulated page bytes. */

export function hexDumpLines(bytes: Uint8Array, from: number, to: number, baseAddress: number): string[] {
  const lines: string[] = [];
  for (let start = from; start < to; start += 16) {
    let hex = '';
    let ascii = '';
    for (let i = start; i < start + 16; i++) {
      if (i < to) {
        const b = bytes[i]!;
        hex += b.toString(16).padStart(2, '0') + (i % 8 === 7 ? '  ' : ' ');
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += i % 8 === 7 ? '    ' : '   ';
      }
    }
    lines.push(`${(baseAddress + start).toString(16)}  ${hex} ${ascii}`);
  }
  return lines;
}
