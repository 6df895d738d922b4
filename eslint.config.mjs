// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Node's modules: the portable code (engine, protocol, models, harness runtime) never imports them. */
const NODE_MODULES = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'vm', 'url', 'crypto', 'module'];
/** The VS Code API and the language-client packages that wrap it. */
const VSCODE = ['vscode', 'vscode-languageclient', 'vscode-languageclient/*'];
/** The extension's folder: the language server and the protocol are its peers, never its users. */
const EXTENSION_FOLDER = {
  group: ['**/extension', '**/extension/**'],
  message: 'src/server and src/protocol must not import the extension (src/extension): move what both need to src/protocol.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'out/**',
      'node_modules/**',
      '.vscode-test/**',
      'test/vscode-host/.cache/**',
      '**/*.cjs',
      '**/*.mjs',
      'bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // A promise nobody awaits loses its error: every floating promise is awaited, returned, or
    // marked `void` on purpose. Type-aware, so it runs on the files the tsconfigs cover.
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'webview-ui/src/**/*.ts'],
    ignores: ['test/integration/fixtures/**', 'test/e2e/fixtures/**', '**/*.d.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // Portable code runs everywhere (extension host, harness worker, language server, webview):
    // no Node modules, no vscode, no Node or DOM globals. tsconfig.engine.json and
    // tsconfig.portable.json check the same from the types' side.
    files: [
      'src/engine/**/*.ts',
      'src/trace/**/*.ts',
      'src/analysis/**/*.ts',
      'src/policies/**/*.ts',
      'src/extension/model/**/*.ts',
      'src/harness/runtime/**/*.ts',
      'src/harness/api/**/*.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...NODE_MODULES, ...VSCODE] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer'],
    },
  },
  {
    // The shared protocol: portable, and it imports nothing of the extension.
    files: ['src/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...NODE_MODULES, ...VSCODE, EXTENSION_FOLDER].map(asPattern) }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer'],
    },
  },
  {
    // The language server is its own Node process: never vscode, never the extension's code.
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...VSCODE, EXTENSION_FOLDER].map(asPattern) }],
    },
  },
  {
    // The webview runs in a browser page: never Node, never vscode.
    files: ['webview-ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...NODE_MODULES, ...VSCODE] }] },
  },
);

/** no-restricted-imports takes either all strings or all objects in `patterns`. */
function asPattern(pattern) {
  return typeof pattern === 'string' ? { group: [pattern] } : pattern;
}
