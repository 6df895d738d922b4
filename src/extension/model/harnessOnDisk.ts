/**
 * Why a document cannot be run as a harness where it is: a run compiles the harness from its
 * file (esbuild reads it and the files it imports, and every site of the run names that file), so
 * an untitled editor has to be saved first, and a document of another file system (a virtual or
 * remote one VS Code reads for the editor) has no file this machine's runtime can open.
 * Free of vscode (unit tested).
 */
import { isHarnessFile } from '../../harness/harnessFiles';

/** The scheme of documents saved on this machine's disk. */
const ON_DISK = 'file';

/** The message for a harness at a URI of `scheme` named `name` (undefined: it can run). */
export function notOnDiskReason(scheme: string, name: string): string | undefined {
  if (scheme === ON_DISK) return undefined;
  if (scheme === 'untitled')
    return `LMM: save ${name} before running it: a run compiles the harness from its file (and names that file in every report).`;
  return `LMM: ${name} is not a file on this machine's disk (its location is a ${JSON.stringify(scheme)} document), and a run compiles the harness from its file. Save a copy to disk to run it.`;
}

/** What `isHarnessDocument` reads of an editor's document (vscode.TextDocument has it all). */
export interface DocumentLike {
  readonly fileName: string;
  readonly isUntitled: boolean;
  readonly languageId: string;
  getText(): string;
}

/**
 * Whether a document is a harness: a harness file (`isHarnessFile`), or an untitled TypeScript
 * editor importing lmm-studio (its name has no `.ts` to go by), so that LMM: Run Harness takes it
 * and says it must be saved, instead of running another harness of the workspace.
 */
export function isHarnessDocument(document: DocumentLike): boolean {
  const untitledTypeScript = document.isUntitled && /^typescript(react)?$/.test(document.languageId);
  return isHarnessFile(untitledTypeScript ? `${document.fileName}.ts` : document.fileName, document.getText());
}
