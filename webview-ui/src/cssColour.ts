/**
 * CSS colours as numbers: whatever syntax the theme uses (hex, rgb(), names) is read back from a
 * 1×1 canvas once and cached, for text contrast on a fill and for drawing pixels directly.
 */

const colourCache = new Map<string, [number, number, number] | null>();
let colourProbe: CanvasRenderingContext2D | null = null;

/** A CSS colour as RGB (0–255 each), or null when no canvas can read it. */
export function parseColour(css: string): [number, number, number] | null {
  const cached = colourCache.get(css);
  if (cached !== undefined) return cached;
  colourProbe ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  let rgb: [number, number, number] | null = null;
  if (colourProbe) {
    colourProbe.clearRect(0, 0, 1, 1);
    colourProbe.fillStyle = '#000000';
    colourProbe.fillStyle = css;
    colourProbe.fillRect(0, 0, 1, 1);
    const d = colourProbe.getImageData(0, 0, 1, 1).data;
    rgb = [d[0]!, d[1]!, d[2]!];
  }
  colourCache.set(css, rgb);
  return rgb;
}

/**
 * A CSS colour as one opaque ImageData pixel in a Uint32Array (bytes R, G, B, A in memory: the
 * number's low byte is red on the little-endian machines browsers run on).
 */
export function pixelOf(css: string): number {
  const [r, g, b] = parseColour(css) ?? [128, 128, 128];
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** Black or white, whichever reads better on `fill`; `fallback` when the colour cannot be read. */
export function textColourOn(fill: string, fallback: string): string {
  const rgb = parseColour(fill);
  if (!rgb) return fallback;
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05): equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}
