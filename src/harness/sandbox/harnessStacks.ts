/**
 * Stack traces in the harness worker show the harness's frames only. Errors the runtime throws
 * into a harness (a bad XCALLOC, a wrong field value) were made in the runtime's own functions:
 * V8's stack text of them named the worker bundle's path on the host, Node's internal modules and
 * the runtime's function names. The harness can read `error.stack`, so that text is formatted
 * here, from V8's call sites, as one `at lmm-harness.js:LINE:COLUMN` line per frame of the harness
 * script (no function names: a harness could name a function so that its name reads as another
 * position, and the runtime takes memory errors' positions from these lines).
 */

type CallSite = { getScriptNameOrSourceURL(): string | null; getLineNumber(): number | null; getColumnNumber(): number | null };

export function showOnlyHarnessFrames(scriptName: string): void {
  (Error as unknown as { prepareStackTrace: (error: unknown, frames: CallSite[]) => string }).prepareStackTrace = (
    error,
    frames,
  ) => {
    let text = headline(error);
    for (const frame of frames) {
      if (frame.getScriptNameOrSourceURL() !== scriptName) continue;
      text += `\n    at ${scriptName}:${frame.getLineNumber() ?? 0}:${frame.getColumnNumber() ?? 0}`;
    }
    return text;
  };
}

/** `Name: message`, as V8 writes it; the error's getters are the harness's and may throw. */
function headline(error: unknown): string {
  try {
    const text: unknown = Object.prototype.toString.call(error) === '[object Error]' ? String(error) : 'Error';
    return typeof text === 'string' ? text : 'Error';
  } catch {
    return 'Error';
  }
}
