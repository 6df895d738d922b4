/**
 * Messages from the extension host to the Memory Map: each is validated (`parseHostToWebview`)
 * before the app sees it, and a message that fails validation or handling is reported back to the
 * host as a `webviewError` rather than thrown, so one bad message never stops the view.
 */
import { parseHostToWebview, type HostToWebviewMessage } from '../../src/protocol/webviewMessages';
import { HeapSnapshot } from '../../src/engine/heapSnapshot';
import type { MemoryMapApp } from './app';

/** Starts listening for the host's messages on `window`. */
export function listenToHost(app: MemoryMapApp): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const started = performance.now();
    try {
      takeMessage(app, event.data);
    } finally {
      app.stats.messages++;
      app.stats.messageMs += performance.now() - started;
    }
  });
}

/** Validates one message from the host and hands it to the app; a bad one is reported, never thrown. */
function takeMessage(app: MemoryMapApp, data: unknown): void {
  const parsed = parseHostToWebview(data);
  if (!parsed.ok) {
    app.stats.rejectedMessages++;
    app.stats.lastRejection = parsed.error;
    app.post({ type: 'webviewError', message: `rejected a message from the host: ${parsed.error}` });
    return;
  }
  try {
    handleHostMessage(app, parsed.message);
  } catch (error) {
    app.post({ type: 'webviewError', message: `failed to handle ${parsed.message.type}: ${String(error)}` });
  }
}

export function handleHostMessage(app: MemoryMapApp, message: HostToWebviewMessage): void {
  if (message.type === 'settings') {
    app.setStructColors(message.structColors);
    return;
  }
  if (message.type === 'personTyping') {
    app.personTyping(message.forMs);
    return;
  }
  if (message.type === 'runStarted') {
    app.startRun(message.runId, message.pageSize, message.title, message.live, message.memoryCap);
    return;
  }
  const model = app.model;
  if (!model || message.runId !== model.runId) return; // a message of an older run
  switch (message.type) {
    case 'sites':
      model.addSites(message.firstId, message.sites);
      // New lines of a run that goes on show at its next progress redraw.
      app.queueProgressRender();
      return;
    case 'heapOps': {
      const { snapshotAfter, windowStart } = message;
      // Once the batch is in: a snapshot where the host took one, and the host's window start.
      const then =
        snapshotAfter === true || windowStart !== undefined
          ? () => app.followHostWindow(snapshotAfter === true, windowStart)
          : undefined;
      app.ingest.push(message.batch, then);
      return;
    }
    case 'heapWindow':
      app.startWindow(message.firstStep, HeapSnapshot.fromWire(message.heap), message.fields);
      return;
    case 'leakCheck':
      model.addLeakCheck(message.step, message.leaks, message.site);
      app.timeline.leakCheckOrigin.set(message.step, message.requested === true);
      break;
    case 'memoryErrors':
      model.errorsSoFar = {
        errors: message.errors,
        occurrences: message.occurrences,
        distinct: message.distinct,
        version: (model.errorsSoFar?.version ?? 0) + 1,
      };
      break;
    case 'runEnded':
      model.state = message.state;
      model.endMessage = message.message ?? '';
      if (!app.ingest.busy) app.prepareTimeTravelWhenIdle();
      break;
    case 'report':
      model.setReport(message.report);
      model.suppressible = message.suppressible === true;
      for (const check of message.report.leakChecks ?? [])
        app.timeline.leakCheckOrigin.set(check.event, check.requested === true);
      break;
    case 'goToStep':
      app.whenIngested(() => app.setStep(message.step));
      return;
    case 'revealBlock':
      app.whenIngested(() => {
        if (message.step !== undefined) app.setStep(message.step);
        app.renderNow();
        app.map.reveal(message.address);
      });
      return;
  }
  app.queueNewsRender();
}
