/**
 * The Memory Map webview's entry point: builds the app (`app.ts`) in #app, listens to the host
 * (`hostMessages.ts`, validated messages, see `src/protocol/webviewMessages.ts`), installs the test
 * hook (`testHook.ts`) and tells the host it is ready to receive the run.
 */
import type { WebviewToHostMessage } from '../../src/protocol/webviewMessages';
import { MemoryMapApp } from './app';
import { listenToHost } from './hostMessages';
import { installTestHook } from './testHook';

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = new MemoryMapApp(document.getElementById('app')!, (message) => vscode.postMessage(message));
listenToHost(app);
installTestHook(app);
app.post({ type: 'ready' });
