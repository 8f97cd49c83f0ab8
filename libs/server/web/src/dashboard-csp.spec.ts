import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { inlineScriptHashes, pagePolicy } from './dashboard-csp.js';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
const PAGE = `<!DOCTYPE html><html><head><script src="/_next/static/chunks/a.js" async=""></script>
<script data-mantine-script="true">try { document.documentElement.setAttribute('data-x', 'y') } catch (e) {}</script>
</head><body><script>(self.__next_f=self.__next_f||[]).push([0])</script><script>self.__next_f.push([1,"a\\u003cb"])</script>
<script id="_R_">requestAnimationFrame(function(){})</script><script></script></body></html>`;

describe('dashboard CSP', () => {
  it('hashes every inline script exactly as written, and no external one', () => {
    assert.deepEqual(inlineScriptHashes(PAGE), [
      sha("try { document.documentElement.setAttribute('data-x', 'y') } catch (e) {}"),
      sha('(self.__next_f=self.__next_f||[]).push([0])'),
      sha('self.__next_f.push([1,"a\\u003cb"])'),
      sha('requestAnimationFrame(function(){})'),
    ]);
  });

  it('allows only this origin and the page’s own inline scripts, no plugins, no base, no framing', () => {
    const policy = pagePolicy(PAGE, { framable: false });
    const directives = Object.fromEntries(
      policy.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    assert.equal(directives['script-src'], `'self' ${inlineScriptHashes(PAGE).join(' ')}`);
    assert.doesNotMatch(directives['script-src'], /unsafe/);
    assert.equal(directives['object-src'], "'none'");
    assert.equal(directives['base-uri'], "'none'");
    assert.equal(directives['frame-ancestors'], "'none'");
    assert.equal(directives['default-src'], "'self'");
  });

  it('lets the embed page be framed anywhere and fetch media from the public URL', () => {
    const policy = pagePolicy(PAGE, { framable: true, otherOrigins: ['https://stream.example.com'] });
    assert.match(policy, /frame-ancestors \*(;|$)/);
    assert.match(policy, /connect-src 'self' https:\/\/stream\.example\.com;/);
    assert.match(policy, /media-src 'self' https:\/\/stream\.example\.com blob:;/);
  });
});
