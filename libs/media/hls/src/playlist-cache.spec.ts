import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LivePackager } from './live-packager.js';
import { LivePlaylistWriter } from './live-playlist.js';
import { publish, WALL_CLOCK_START } from './testing/harness.js';
import { syntheticConfigs, syntheticPackets } from './testing/rtmp-stream.js';

describe('playlist rendering per change', () => {
  it('renders each playlist once per window change and never serves a stale one', () => {
    const packager = new LivePackager({ windowSegments: 4 });
    const { video, audio } = syntheticConfigs();
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    const packets = syntheticPackets({ seconds: 9 });
    let renders = 0;
    const render = LivePlaylistWriter.prototype.render;
    LivePlaylistWriter.prototype.render = function (this: LivePlaylistWriter, ...args) {
      renders++;
      return render.apply(this, args);
    };
    try {
      let revisions = 0;
      let lastRevision = packager.window.revision;
      for (let i = 0; i < packets.length; i += 10) {
        publish(packager, packets.slice(i, i + 10), WALL_CLOCK_START + packets[i]!.dts);
        if (!packager.window.ready) continue;
        const first = packager.mediaPlaylist();
        assert.equal(packager.mediaPlaylist(), first, 'the same text until the window changes');
        if (packager.window.revision !== lastRevision) revisions++;
        lastRevision = packager.window.revision;
        // What a fresh writer renders from the same window: the cached text is never stale.
        assert.equal(first, new LivePlaylistWriter(packager.window).render());
        renders--; // the fresh writer's render above
      }
      assert.ok(revisions > 10);
      assert.ok(renders <= revisions + 1, `${renders} renders for ${revisions} changes`);
      const multivariant = packager.multivariantPlaylist('a/media.m3u8');
      assert.equal(packager.multivariantPlaylist('a/media.m3u8'), multivariant);
      assert.notEqual(packager.multivariantPlaylist('b/media.m3u8'), multivariant, 'per media playlist URI');
      packager.end();
      assert.match(packager.mediaPlaylist()!, /#EXT-X-ENDLIST/, 'the end is a change');
    } finally {
      LivePlaylistWriter.prototype.render = render;
    }
  });
});
