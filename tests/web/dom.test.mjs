// Unit checks of the shared page helpers (web/assets/js/dom.js).
// Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutUtf8 } from '../../web/assets/js/dom.js';

test('text is cut by UTF-8 bytes, never inside a character', () => {
  assert.equal(cutUtf8('refund', 256), 'refund');
  assert.equal(cutUtf8('abcdef', 4), 'abcd');
  // "é" is 2 bytes: 5 bytes hold two of them, not two and a half.
  assert.equal(cutUtf8('ééé', 5), 'éé');
  // "👋" is 4 bytes (a surrogate pair in JS): all or nothing.
  assert.equal(cutUtf8('a👋b', 4), 'a');
  assert.equal(cutUtf8('a👋b', 5), 'a👋');
  const long = 'é'.repeat(3000); // 3000 characters, 6000 bytes
  const cut = cutUtf8(long, 4096);
  assert.equal(Buffer.byteLength(cut), 4096);
  assert.equal(cut, 'é'.repeat(2048));
  assert.equal(Buffer.byteLength(cutUtf8(`x${long}`, 4096)), 4095);
});
