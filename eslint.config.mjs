// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test/e2e/.cache/**', '**/*.cjs', '**/*.mjs', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The engine runs everywhere: extension host, worker, language server, webview.
    files: ['src/engine/**/*.ts', 'src/trace/**/*.ts', 'src/analysis/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'vscode', 'fs', 'path', 'os', 'child_process', 'worker_threads'] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer'],
    },
  },
  {
    // The language server never imports vscode; the webview never imports Node.
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'] }] },
  },
  {
    files: ['webview-ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', 'vscode', 'fs', 'path', 'child_process'] }] },
  },
);
