/**
 * UTF-8 between bytes and strings for the trace reader. TextEncoder and TextDecoder are globals
 * in Node, browsers and workers alike, but not part of the plain ES library that the engine and
 * trace code are type-checked against (tsconfig.engine.json proves they need no host), so the
 * two are declared here, once, with just what this code uses.
 */
declare const TextDecoder: new (label: string, options?: { ignoreBOM?: boolean }) => { decode(bytes: Uint8Array): string };
declare const TextEncoder: new () => {
  encode(text: string): Uint8Array;
  encodeInto(text: string, into: Uint8Array): { read: number; written: number };
};

export const utf8Decoder = new TextDecoder('utf-8');
/**
 * For the words of a trace line (names, IDs, what a message quotes): a BOM there is not the
 * file's, it is a character of the word, and TextDecoder would drop it without a word.
 */
export const wordDecoder = new TextDecoder('utf-8', { ignoreBOM: true });
export const utf8Encoder = new TextEncoder();
