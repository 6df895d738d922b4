/**
 * The TypeScript server plugin the extension contributes (`contributes.typescriptServerPlugins`):
 * makes `import … from 'lmm-studio'` resolve in the editor to the declarations shipped with the
 * extension, when the workspace does not have lmm-studio installed. A real installation always
 * wins: the plugin only fills in a resolution that failed. Runs inside tsserver (not the
 * extension host), with the TypeScript that tsserver hands it; it must not bundle its own.
 */
import type * as ts from 'typescript/lib/tsserverlibrary';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const MODULE = 'lmm-studio';

function init(modules: { typescript: typeof ts }): ts.server.PluginModule {
  const typescript = modules.typescript;
  return {
    create(info: ts.server.PluginCreateInfo): ts.LanguageService {
      const host = info.languageServiceHost;
      // Beside the plugin in the package; the harness runtime's own copy when run from the sources.
      const beside = join(__dirname, 'lmm-studio.d.ts');
      const declarations = existsSync(beside) ? beside : join(__dirname, '..', '..', 'harness', 'api', 'lmm-studio.d.ts');
      const resolved: ts.ResolvedModuleFull = {
        resolvedFileName: declarations,
        extension: typescript.Extension.Dts,
        isExternalLibraryImport: true,
      };
      info.project.projectService.logger.info(`lmm-studio-ts-plugin: '${MODULE}' falls back to ${declarations}`);

      if (host.resolveModuleNameLiterals) {
        const original = host.resolveModuleNameLiterals.bind(host);
        host.resolveModuleNameLiterals = (
          literals,
          containingFile,
          redirectedReference,
          options,
          containingSourceFile,
          reusedNames,
        ) => {
          const results = original(literals, containingFile, redirectedReference, options, containingSourceFile, reusedNames);
          return results.map((result, i) =>
            literals[i]!.text === MODULE && !result.resolvedModule ? { resolvedModule: resolved } : result,
          );
        };
      } else {
        // Older TypeScript versions (workspace TypeScript < 5.0) ask through resolveModuleNames.
        const original = host.resolveModuleNames?.bind(host);
        host.resolveModuleNames = (
          moduleNames,
          containingFile,
          reusedNames,
          redirectedReference,
          options,
          containingSourceFile,
        ) => {
          const results = original
            ? original(moduleNames, containingFile, reusedNames, redirectedReference, options, containingSourceFile)
            : moduleNames.map(
                (name) => typescript.resolveModuleName(name, containingFile, options, typescript.sys).resolvedModule,
              );
          return results.map((result, i) => (moduleNames[i] === MODULE && !result ? resolved : result));
        };
      }
      return info.languageService;
    },
  };
}

export = init;
