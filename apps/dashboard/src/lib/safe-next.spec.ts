import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeNextPath } from './safe-next.js';

describe('safeNextPath (where the login form goes next)', () => {
  it('keeps paths on this site, with their query and fragment', () => {
    for (const path of ['/', '/keys/', '/stream/?id=abc', '/history/?q=a%20b#top', '/recording/?id=1&from=%2Fkeys%2F'])
      assert.equal(safeNextPath(path), path);
  });

  it('refuses other sites, however they are spelled', () => {
    for (const next of [
      '//evil.example',
      '//evil.example/keys/',
      '/\\evil.example',
      '/\\/evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/ /evil.example',
      '/%5Cevil.example',
      '/%5cevil.example',
      '/%2F/evil.example',
      '/%2f%2fevil.example',
      'https://evil.example',
      'https:/evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'evil.example',
      '',
      null,
      undefined,
      `/${'a'.repeat(5000)}`,
      '/%E0%A4%A',
    ])
      assert.equal(safeNextPath(next), '/', JSON.stringify(next));
  });

  it('never sends the user back to the login page', () => {
    for (const next of ['/login', '/login/', '/login/?next=%2Fkeys%2F']) assert.equal(safeNextPath(next), '/');
  });
});
