/**
 * Text written in small pieces (a report's lines), handed on in chunks of at most `maxChars`
 * characters: a writer of a report of millions of lines holds one chunk's pieces, never the
 * whole text nor an array of all its lines.
 */
export class TextChunks {
  private pieces: string[] = [];
  private chars = 0;

  constructor(
    private readonly maxChars: number,
    private readonly emit: (chunk: string) => void,
  ) {
    if (!(maxChars >= 1)) throw new RangeError(`a chunk of ${maxChars} characters holds nothing`);
  }

  /** Adds `text`; a piece longer than `maxChars` by itself goes out whole, as one chunk. */
  write = (text: string): void => {
    if (text.length === 0) return;
    if (this.chars + text.length > this.maxChars) this.flush();
    this.pieces.push(text);
    this.chars += text.length;
    if (this.chars >= this.maxChars) this.flush();
  };

  /** Hands on what is held (call once the text is written). */
  flush(): void {
    if (this.chars === 0) return;
    const chunk = this.pieces.join('');
    this.pieces = [];
    this.chars = 0;
    this.emit(chunk);
  }
}
