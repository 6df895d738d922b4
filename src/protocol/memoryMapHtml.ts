/**
 * The Memory Map panel's HTML, with a strict Content Security Policy. A plain function (no
 * `vscode` import) so the extension calls it with `webview.asWebviewUri(...)` strings and the
 * webview tests call it with their own URLs: both serve byte-for-byte the same page.
 *
 * The extension creates the panel with `MEMORY_MAP_VIEW_TYPE`, `MEMORY_MAP_TITLE`,
 * `enableScripts: true`, `localResourceRoots: [<extension>/dist/webview]`, and sets
 * `webview.html = memoryMapHtml({ cspSource: webview.cspSource, nonce: makeNonce(), ...uris })`
 * where each uri is `webview.asWebviewUri(<extension>/<MEMORY_MAP_FILES.x>)`.
 */
import { base64, randomBytes } from '../engine/hostGlobals';

export const MEMORY_MAP_VIEW_TYPE = 'lmm.memoryMap';
export const MEMORY_MAP_TITLE = 'LMM Memory Map';

/** The webview's files, relative to the extension root (the build writes them). */
export const MEMORY_MAP_FILES = {
  root: 'dist/webview',
  script: 'dist/webview/memoryMap.js',
  style: 'dist/webview/memoryMap.css',
  codicons: 'dist/webview/codicon.css',
} as const;

export interface MemoryMapHtmlInput {
  /** `webview.cspSource`: the origin the panel may load its own files from. */
  cspSource: string;
  /** A fresh random nonce per page load (`makeNonce()`). */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
}

/** A 128-bit random nonce (base64url), from the platform's crypto (Node 20 and browsers). */
export function makeNonce(): string {
  const bytes = randomBytes(16);
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return base64(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The Content-Security-Policy value: nothing by default, only nonce'd scripts and the extension's files. */
export function memoryMapCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function memoryMapHtml(input: MemoryMapHtmlInput): string {
  if (!/^[A-Za-z0-9_-]{16,}$/.test(input.nonce)) throw new Error('memoryMapHtml: the nonce must be ≥ 16 base64url characters');
  const attr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const csp = memoryMapCsp(input.cspSource, input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(input.codiconsUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${attr(input.styleUri)}">
<title>${MEMORY_MAP_TITLE}</title>
</head>
<body>
<div id="app" role="application" aria-label="${MEMORY_MAP_TITLE}"><p class="lmm-loading">Loading the Memory Map…</p></div>
<script nonce="${input.nonce}" src="${attr(input.scriptUri)}"></script>
</body>
</html>
`;
}
