/**
 * Starts the LMM language server (its own Node process) and hands it each run's results.
 * If the server cannot start, runs still fill the trees and the Memory Map; only the editor
 * features are missing, and the output channel says why.
 */
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  RUN_RESULTS,
  SETTINGS,
  type LmmNotification,
  type LmmRequest,
  type RunResultsParams,
  type RunResultsResult,
} from '../protocol/lspMessages';
import { runResultsParams } from './model/runResultsParams';
import type { RunState } from './model/runState';
import { languageServerSettings } from './settings';

export class LmmLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  /** The last run's results, handed again to a server that restarted (it keeps them in memory only). */
  private lastResults: RunResultsParams | undefined;
  /** A run whose latest mid-run leak check or errors wait to be published, and whether one is being sent. */
  private interimRun: RunState | undefined;
  private interimSending = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.OutputChannel,
  ) {}

  get started(): boolean {
    return this.starting !== undefined;
  }

  start(): Promise<void> {
    this.starting ??= this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    const module = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'server', 'server.js').fsPath;
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'typescript' },
        { scheme: 'untitled', language: 'typescript' },
      ],
      initializationOptions: languageServerSettings(),
      outputChannelName: 'LMM Language Server',
    };
    // The client's id 'lmm' makes `lmm.trace.server` its trace setting.
    const client = new LanguageClient('lmm', 'LMM Language Server', serverOptions, clientOptions);
    client.onDidChangeState((event) => {
      if (event.newState === State.Running && event.oldState !== State.Running && this.lastResults && this.client) {
        this.log.appendLine('The LMM language server restarted: publishing the last run again.');
        void sendRequest(this.client, RUN_RESULTS, this.lastResults).then(undefined, () => undefined);
      }
    });
    try {
      await client.start();
      this.client = client;
    } catch (error) {
      this.log.appendLine(`The LMM language server did not start: ${(error as Error).message}`);
    }
  }

  settingsChanged(): void {
    if (this.client) void sendNotification(this.client, SETTINGS, languageServerSettings());
  }

  /** Publishes a run's results in the editors; resolves once the server has published them. */
  async runFinished(run: RunState): Promise<RunResultsResult | undefined> {
    await this.start();
    if (!this.client) return undefined;
    const params = runResultsParams(run);
    this.lastResults = params;
    try {
      return await sendRequest(this.client, RUN_RESULTS, params);
    } catch (error) {
      this.log.appendLine(`The language server did not take the run's results: ${(error as Error).message}`);
      return undefined;
    }
  }

  /**
   * Publishes the leaks of a check made, and the memory errors recorded, while `run` goes on. One
   * request at a time: changes that come meanwhile are coalesced into the latest, and none is sent
   * once the run has ended (its `runFinished` comes after, in order, and replaces them).
   */
  publishDuringRun(run: RunState): void {
    this.interimRun = run;
    if (this.interimSending) return;
    this.interimSending = true;
    void (async () => {
      try {
        await this.start();
        while (this.client && this.interimRun && this.interimRun.status === 'running') {
          const params = runResultsParams(this.interimRun);
          this.interimRun = undefined;
          this.lastResults = params;
          try {
            await sendRequest(this.client, RUN_RESULTS, params);
          } catch (error) {
            this.log.appendLine(`The language server did not take a mid-run leak check or errors: ${(error as Error).message}`);
          }
        }
      } finally {
        this.interimSending = false;
        this.interimRun = undefined;
      }
    })();
  }

  async dispose(): Promise<void> {
    await this.client?.stop();
  }
}

/** Sends one of LMM's requests: params and result typed by its descriptor. */
function sendRequest<Params, Result>(client: LanguageClient, type: LmmRequest<Params, Result>, params: Params): Promise<Result> {
  return client.sendRequest<Result>(type.method, params);
}

function sendNotification<Params>(client: LanguageClient, type: LmmNotification<Params>, params: Params): Promise<void> {
  return client.sendNotification(type.method, params);
}
