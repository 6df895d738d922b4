/**
 * Static checks of a harness, before any run: struct used but never registered, registered
 * twice, a literal XCALLOC request above what a page can serve, a struct larger than a page.
 * Each says what will happen at run time and carries a code the quick fixes key on.
 */
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { maxAllocatable } from '../engine/constants';
import { DIAGNOSTIC_CODES, DIAGNOSTIC_SOURCE } from '../protocol/lspMessages';
import type { HarnessScan, Span } from './harnessScan';

export function staticDiagnostics(document: TextDocument, scan: HarnessScan, pageSize: number): Diagnostic[] {
  const out: Diagnostic[] = [];
  const range = (span: Span) => ({ start: document.positionAt(span.start), end: document.positionAt(span.end) });
  const add = (
    span: Span,
    code: string,
    message: string,
    severity: DiagnosticSeverity = DiagnosticSeverity.Warning,
    data?: unknown,
  ) => {
    const diagnostic: Diagnostic = { range: range(span), severity, source: DIAGNOSTIC_SOURCE, code, message };
    if (data !== undefined) diagnostic.data = data;
    out.push(diagnostic);
  };
  const structs = new Map(scan.structs.map((s) => [s.name, s]));
  const registered = new Map<string, number>();
  for (const call of scan.registrations) {
    if (!call.struct) continue;
    const seen = registered.get(call.struct) ?? 0;
    registered.set(call.struct, seen + 1);
    if (seen >= 1) {
      add(
        call.callSpan,
        DIAGNOSTIC_CODES.duplicateRegistration,
        `${call.struct} is registered twice: at run time this registration fails (duplicate-registration)`,
      );
    }
  }
  const capacity = maxAllocatable(pageSize);
  const reportedUnregistered = new Set<string>();
  for (const call of scan.allocations) {
    if (!call.struct || !call.structSpan) continue;
    const struct = structs.get(call.struct);
    if (struct && !registered.has(call.struct)) {
      add(
        call.structSpan,
        DIAGNOSTIC_CODES.unregisteredStruct,
        `${call.struct} is allocated but never registered with MM_REG_STRUCT: ${call.callee ?? 'XCALLOC'} returns null (unregistered-struct)`,
        DiagnosticSeverity.Warning,
        { struct: call.struct },
      );
      reportedUnregistered.add(call.struct);
    }
    const size = struct?.layout?.size;
    if (call.units !== undefined && size !== undefined && call.unitsSpan) {
      const request = call.units * size;
      if (request > capacity) {
        add(
          call.unitsSpan,
          DIAGNOSTIC_CODES.tooLarge,
          `${call.units} × ${call.struct} = ${request} bytes exceeds the ${capacity} bytes one ${pageSize}-byte page can serve: ${call.callee ?? 'XCALLOC'} returns null (too-large)`,
        );
      }
    }
  }
  for (const struct of scan.structs) {
    if (struct.layout && struct.layout.size > pageSize) {
      add(
        struct.nameSpan,
        DIAGNOSTIC_CODES.structTooLarge,
        `${struct.name} is ${struct.layout.size} bytes, larger than a ${pageSize}-byte page: MM_REG_STRUCT fails (struct-too-large)`,
        DiagnosticSeverity.Error,
      );
    }
  }
  return out;
}
