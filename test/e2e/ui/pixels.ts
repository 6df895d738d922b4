// Reads what was actually drawn: PNG screenshots decoded by the browser itself (no image library),
// summarised as colour statistics, and compared pixel by pixel.
import type { Browser, Page } from 'playwright-core';

export interface PixelSummary {
  width: number;
  height: number;
  /** Colours (quantised to 5 bits per channel) that cover at least 0.1 % of the image. */
  significantColors: number;
  /** Share of the image covered by its most common colour (the background). */
  backgroundShare: number;
}

let decoder: Page | undefined;

async function decoderPage(browser: Browser): Promise<Page> {
  if (!decoder || decoder.isClosed()) decoder = await browser.newPage();
  return decoder;
}

/** Decodes PNGs in the page; `script` gets their RGBA pixels and returns a serialisable result. */
async function withPixels<T>(browser: Browser, pngs: Buffer[], script: string): Promise<T> {
  const page = await decoderPage(browser);
  return page.evaluate(
    async ({ images, body }) => {
      // Browser globals, typed here because this project's TypeScript lib has no DOM.
      const browserGlobals = globalThis as unknown as {
        createImageBitmap(blob: Blob): Promise<{ width: number; height: number }>;
        OffscreenCanvas: new (
          width: number,
          height: number,
        ) => {
          getContext(kind: '2d'): {
            drawImage(image: unknown, x: number, y: number): void;
            getImageData(x: number, y: number, w: number, h: number): unknown;
          };
        };
      };
      const decoded = await Promise.all(
        images.map(async (base64) => {
          const bitmap = await browserGlobals.createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
          const context = new browserGlobals.OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
          context.drawImage(bitmap, 0, 0);
          return context.getImageData(0, 0, bitmap.width, bitmap.height);
        }),
      );
      return new Function('images', body)(decoded);
    },
    { images: pngs.map((png) => png.toString('base64')), body: script },
  ) as Promise<T>;
}

export function summarizePixels(browser: Browser, png: Buffer): Promise<PixelSummary> {
  return withPixels<PixelSummary>(
    browser,
    [png],
    `const { width, height, data } = images[0];
     const counts = new Map();
     for (let i = 0; i < data.length; i += 4) {
       const key = ((data[i] >> 3) << 10) | ((data[i + 1] >> 3) << 5) | (data[i + 2] >> 3);
       counts.set(key, (counts.get(key) || 0) + 1);
     }
     const pixels = width * height;
     const sorted = [...counts.values()].sort((a, b) => b - a);
     return { width, height, significantColors: sorted.filter((c) => c >= pixels * 0.001).length, backgroundShare: (sorted[0] || 0) / pixels };`,
  );
}

/** Share of pixels whose colour differs (by more than anti-aliasing noise) between two PNGs of one size. */
export function changedShare(browser: Browser, before: Buffer, after: Buffer): Promise<number> {
  return withPixels<number>(
    browser,
    [before, after],
    `const [a, b] = images;
     if (a.width !== b.width || a.height !== b.height) return 1;
     let changed = 0;
     for (let i = 0; i < a.data.length; i += 4) {
       const delta = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
       if (delta > 24) changed++;
     }
     return changed / (a.width * a.height);`,
  );
}

/** The RGB of a PNG at each of `points` (image pixels). */
export function coloursAt(
  browser: Browser,
  png: Buffer,
  points: Array<[number, number]>,
): Promise<Array<[number, number, number]>> {
  return withPixels<Array<[number, number, number]>>(
    browser,
    [png],
    `const { width, data } = images[0];
     return ${JSON.stringify(points)}.map(([x, y]) => {
       const i = (Math.round(y) * width + Math.round(x)) * 4;
       return [data[i], data[i + 1], data[i + 2]];
     });`,
  );
}
