import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IndexedDbOutbox, clearAllLocalCopies } from './outbox';
import type { MapDocument } from './types';

describe('clearAllLocalCopies', () => {
  it('deletes every map copy and queued edit, of every user', async () => {
    const ann = new IndexedDbOutbox('user-1');
    const bob = new IndexedDbOutbox('user-2');
    const base = { id: 'm1', seq: 3 } as unknown as MapDocument;
    await ann.saveBase('m1', base);
    await ann.savePending('m1', [{ op_id: 'a', ops: [] }]);
    await bob.savePending('m2', [{ op_id: 'b', ops: [] }]);
    expect((await ann.load('m1')).base).toEqual(base);

    await clearAllLocalCopies();

    expect(await ann.load('m1')).toEqual({ pending: [], base: null });
    expect(await bob.load('m2')).toEqual({ pending: [], base: null });
  });
});
