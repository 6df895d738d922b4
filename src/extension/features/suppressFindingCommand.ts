/**
 * Suppress: a leak row's action in the Leaks view, and the quick fix the language server offers on
 * a leak or memory error in the Problems panel. Appends an entry that silences exactly that
 * finding to the harness's `.lmmsupp` (created beside it when there is none); the next run reads
 * it and counts the finding as suppressed instead of reporting it.
 */
import * as vscode from 'vscode';
import { addSuppression, type AddedSuppression } from '../../harness/suppressionFile';
import { suppressFindingArgsOf, type SuppressFindingArgs } from '../../protocol/lspMessages';
import { COMMANDS } from '../contributions';
import type { TreeNode } from '../model/treeNode';
import type { ExtensionServices } from './extensionServices';

export function registerSuppressFinding({ context, log }: ExtensionServices): void {
  /** Resolves with what was written (or found already there) once the file is written; the message does not hold it up. */
  const suppress = async (arg: unknown): Promise<AddedSuppression | undefined> => {
    const finding = findingOf(arg);
    if (!finding) {
      void vscode.window.showInformationMessage(
        'LMM: Suppress works on a leak row of the Leaks view or on a leak or memory error in the Problems panel.',
      );
      return undefined;
    }
    try {
      const added = await addSuppression(finding.harnessFile, finding);
      const file = vscode.workspace.asRelativePath(added.file);
      const what = finding.struct !== undefined ? `${finding.struct} ${finding.kind}` : finding.kind;
      log.appendLine(`${file}: ${added.added ? 'added' : 'already had'} the suppression ${added.name}`);
      void vscode.window
        .showInformationMessage(
          added.added
            ? `LMM: added “${added.name}” to ${file}: the next run counts this ${what} as suppressed.`
            : `LMM: ${file} already suppresses this ${what} (“${added.name}”); nothing was added.`,
          'Open',
        )
        .then((choice) => (choice === 'Open' ? vscode.window.showTextDocument(vscode.Uri.file(added.file)) : undefined));
      return added;
    } catch (error) {
      void vscode.window.showErrorMessage(`LMM: could not suppress it: ${(error as Error).message}`);
      return undefined;
    }
  };
  context.subscriptions.push(vscode.commands.registerCommand(COMMANDS.suppressFinding, suppress));
}

/** The finding a tree row carries, or the code action's argument. */
function findingOf(arg: unknown): SuppressFindingArgs | undefined {
  return suppressFindingArgsOf((arg as TreeNode | undefined)?.suppress ?? arg);
}
