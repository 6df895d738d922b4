/**
 * The settings the language server's checks depend on, as the extension sends them (at start and
 * on each change), checked before use, and the page size that applies to one document: that of
 * the innermost workspace folder holding it, else the workspace's.
 */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE } from '../engine/constants';
import type { LmmServerSettings } from '../protocol/lspMessages';

export const DEFAULT_SERVER_SETTINGS: LmmServerSettings = { pageSize: DEFAULT_PAGE_SIZE, folders: [] };

function isPageSize(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_PAGE_SIZE && (value as number) <= MAX_PAGE_SIZE;
}

/**
 * The settings in `raw`, keeping `current`'s page size where `raw`'s is missing or out of range
 * (a hand-edited setting must not make every check fail), and only well-formed folder entries.
 */
export function serverSettingsFrom(raw: unknown, current: LmmServerSettings): LmmServerSettings {
  if (raw === null || typeof raw !== 'object') return current;
  const given = raw as { pageSize?: unknown; folders?: unknown };
  const folders = Array.isArray(given.folders)
    ? given.folders.flatMap((entry: unknown) => {
        const folder = entry as { uri?: unknown; pageSize?: unknown } | null;
        return folder && typeof folder.uri === 'string' && isPageSize(folder.pageSize)
          ? [{ uri: folder.uri, pageSize: folder.pageSize }]
          : [];
      })
    : (current.folders ?? []);
  return { pageSize: isPageSize(given.pageSize) ? given.pageSize : current.pageSize, folders };
}

/** The page size for the document at `uri`: its innermost workspace folder's, else the workspace's. */
export function pageSizeFor(settings: LmmServerSettings, uri: string): number {
  let best: { uri: string; pageSize: number } | undefined;
  for (const folder of settings.folders ?? []) {
    const prefix = folder.uri.endsWith('/') ? folder.uri : `${folder.uri}/`;
    if (uri.startsWith(prefix) && (!best || folder.uri.length > best.uri.length)) best = folder;
  }
  return best?.pageSize ?? settings.pageSize;
}
