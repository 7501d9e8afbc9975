import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OktaApiError } from '../../../src/lib/errors.js';
import { decodeCursor, encodeCursor } from '../../../src/state/users/cursor.js';

void describe('after cursors (facts §3.2)', () => {
  void test('§3.2 id cursors look like the real ones: one-character prefix plus the user id', () => {
    const c = encodeCursor({ kind: 'id', id: '00uy334yosnwut9j30h7' });
    assert.equal(c, '000uy334yosnwut9j30h7');
    assert.deepEqual(decodeCursor(c), { kind: 'id', id: '00uy334yosnwut9j30h7' });
  });

  void test('sorted cursors round-trip the sort key and id', () => {
    for (const key of ['smith', null, 'ünïcode "quoted"']) {
      const c = encodeCursor({ kind: 'sorted', key, id: '00uABCDEFGHIJKLMNOPQ' });
      assert.match(c, /^1[A-Za-z0-9_-]+$/);
      assert.deepEqual(decodeCursor(c), { kind: 'sorted', key, id: '00uABCDEFGHIJKLMNOPQ' });
    }
  });

  void test('§3.2 anything else is 400 E0000029 "Invalid paging request."', () => {
    for (const bad of [
      '',
      '0',
      'x00uABCDEFGHIJKLMNOPQ',
      '000u_bad',
      '1!!!',
      '1' + Buffer.from('[1,2]').toString('base64url'),
      '0'.repeat(2000),
    ]) {
      assert.throws(
        () => decodeCursor(bad),
        (e: unknown) => e instanceof OktaApiError && e.errorCode === 'E0000029' && e.statusCode === 400,
        bad,
      );
    }
  });
});
