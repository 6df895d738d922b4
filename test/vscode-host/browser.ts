// Debian's Chromium driven by playwright-core (never `npx playwright install`: it downloads a
// browser, which these machines cannot). Flags keep it headless, rootless-safe and off the network.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.LMM_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
