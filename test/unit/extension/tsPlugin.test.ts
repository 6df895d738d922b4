import { strict as assert } from 'node:assert';
import ts from 'typescript';
import init from '../../../src/extension/tsPlugin/lmmStudioTsPlugin';

/** A language service over in-memory files, with the plugin applied the way tsserver does. */
function serviceWith(files: Record<string, string>, withPlugin: boolean): ts.LanguageService {
  const options: ts.CompilerOptions = {
    lib: ['lib.es2022.d.ts'],
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => Object.keys(files),
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => {
      const text = files[name] ?? ts.sys.readFile(name);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '/virtual',
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (name) => name in files || ts.sys.fileExists(name),
    readFile: (name) => files[name] ?? ts.sys.readFile(name),
    resolveModuleNameLiterals: (literals, containingFile, _redirected, compilerOptions) =>
      literals.map((literal) =>
        ts.resolveModuleName(literal.text, containingFile, compilerOptions, {
          fileExists: (n) => n in files,
          readFile: (n) => files[n],
        }),
      ),
  };
  const service = ts.createLanguageService(host);
  if (!withPlugin) return service;
  const logger = { info: () => undefined };
  const info = {
    languageServiceHost: host,
    languageService: service,
    project: { projectService: { logger } },
  } as unknown as ts.server.PluginCreateInfo;
  return init({ typescript: ts as unknown as typeof import('typescript/lib/tsserverlibrary') }).create(info);
}

describe('TypeScript server plugin', () => {
  const harness = `import { struct, u32, XCALLOC, MM_REG_STRUCT } from 'lmm-studio';
@struct class point_t { @u32 x!: number; @u32 y!: number; }
export default function main() {
  MM_REG_STRUCT(point_t);
  const p = XCALLOC(1, point_t);
  p.x = 3;
}
`;
  const errors = (service: ts.LanguageService) =>
    [...service.getSemanticDiagnostics('/virtual/h.lmm.ts'), ...service.getSyntacticDiagnostics('/virtual/h.lmm.ts')].map((d) =>
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    );

  it("without the plugin, 'lmm-studio' does not resolve (the problem it solves)", () => {
    assert.ok(
      errors(serviceWith({ '/virtual/h.lmm.ts': harness }, false)).some((m) => /Cannot find module 'lmm-studio'/.test(m)),
    );
  });

  it('with the plugin, a harness type-checks against the shipped declarations', () => {
    assert.deepEqual(errors(serviceWith({ '/virtual/h.lmm.ts': harness }, true)), []);
  });

  it('an installed lmm-studio wins over the fallback', () => {
    const files = {
      '/virtual/h.lmm.ts': "import { only } from 'lmm-studio';\nconst n: number = only;\n",
      '/virtual/node_modules/lmm-studio/index.d.ts': 'export declare const only: number;\n',
      '/virtual/node_modules/lmm-studio/package.json': '{"name":"lmm-studio","types":"index.d.ts"}',
    };
    assert.deepEqual(errors(serviceWith(files, true)), []);
  });
});
