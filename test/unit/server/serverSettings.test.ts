// The language server checks each harness against the page size of the workspace folder holding
// it (lmm.pageSize is a resource setting), and never takes a malformed setting.
import assert from 'node:assert/strict';
import { DEFAULT_SERVER_SETTINGS, pageSizeFor, serverSettingsFrom } from '../../../src/server/serverSettings';

describe('language server settings', () => {
  const settings = serverSettingsFrom(
    {
      pageSize: 4096,
      folders: [
        { uri: 'file:///work/a', pageSize: 8192 },
        { uri: 'file:///work/a/inner', pageSize: 1024 },
        { uri: 'file:///work/b/', pageSize: 2048 },
      ],
    },
    DEFAULT_SERVER_SETTINGS,
  );

  it("uses the innermost folder's page size for a document in it", () => {
    assert.equal(pageSizeFor(settings, 'file:///work/a/x.lmm.ts'), 8192);
    assert.equal(pageSizeFor(settings, 'file:///work/a/inner/deep/x.lmm.ts'), 1024);
    assert.equal(pageSizeFor(settings, 'file:///work/b/x.lmm.ts'), 2048);
  });

  it("uses the workspace's page size outside every folder, and for a sibling whose name only starts alike", () => {
    assert.equal(pageSizeFor(settings, 'file:///work/ab/x.lmm.ts'), 4096);
    assert.equal(pageSizeFor(settings, 'untitled:Untitled-1'), 4096);
  });

  it('keeps the current page size when the one given is missing, not an integer or out of range', () => {
    for (const pageSize of [undefined, '8192', 100, 8192.5, 1 << 20, null]) {
      assert.equal(serverSettingsFrom({ pageSize }, settings).pageSize, 4096, String(pageSize));
    }
    assert.equal(serverSettingsFrom(null, settings), settings);
    assert.equal(serverSettingsFrom('x', settings), settings);
  });

  it('drops malformed folder entries', () => {
    const parsed = serverSettingsFrom(
      {
        pageSize: 4096,
        folders: [null, { uri: 3, pageSize: 8192 }, { uri: 'file:///x', pageSize: 'big' }, { uri: 'file:///y', pageSize: 512 }],
      },
      DEFAULT_SERVER_SETTINGS,
    );
    assert.deepEqual(parsed.folders, [{ uri: 'file:///y', pageSize: 512 }]);
  });
});
