/**
 * Reads LMM Studio's settings for a resource. Every LMM setting but `eventsKept` is
 * resource-scoped: in a multi-root workspace each folder may set its own page size or time limit,
 * so a run, a replay or a static check reads the settings of the file it is about.
 */
import * as vscode from 'vscode';
import type { LmmServerSettings } from '../protocol/lspMessages';
import { SETTING_DEFAULTS, settingFrom, settingProblem, type LmmSettingName, type LmmSettings } from './model/settingsSchema';

/** Values already warned about (`name=value`): a warning once per value, not per run. */
const warned = new Set<string>();
/** The warnings shown so far, in order (for the integration tests, through the extension's API). */
const warningsShown: string[] = [];

export function settingWarningsShown(): readonly string[] {
  return warningsShown;
}

export function lmmSetting<K extends LmmSettingName>(name: K, resource: vscode.Uri | undefined): LmmSettings[K] {
  const value = vscode.workspace.getConfiguration('lmm', resource).get<unknown>(name);
  const problem = settingProblem(name, value);
  if (problem !== undefined && !warned.has(`${name}=${problem}`)) {
    // Said, not silently replaced: the person set a value and the run uses another.
    warned.add(`${name}=${problem}`);
    const warning = `LMM Studio: lmm.${name}: ${problem}; the default, ${JSON.stringify(SETTING_DEFAULTS[name])}, is used instead.`;
    warningsShown.push(warning);
    void vscode.window.showWarningMessage(warning);
  }
  return settingFrom(name, value);
}

/** True when a configuration change touches `lmm.<name>` (for `resource`, when given). */
export function affectsLmmSetting(event: vscode.ConfigurationChangeEvent, name: LmmSettingName, resource?: vscode.Uri): boolean {
  return event.affectsConfiguration(`lmm.${name}`, resource);
}

/**
 * What the language server's static checks need: the page size outside any folder and that of
 * each workspace folder, so that a harness in a folder with its own `lmm.pageSize` is checked
 * against the page size its runs use.
 */
export function languageServerSettings(): LmmServerSettings {
  return {
    pageSize: lmmSetting('pageSize', undefined),
    folders: (vscode.workspace.workspaceFolders ?? []).map((folder) => ({
      uri: folder.uri.toString(),
      pageSize: lmmSetting('pageSize', folder.uri),
    })),
  };
}
