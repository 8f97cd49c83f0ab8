import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPackager, syntheticConfigs, syntheticPackets, WALL_CLOCK_START } from './testing/index.js';

/**
 * A part is listed as soon as its last samples are complete: when the video frame after it arrives (its
 * decode time closes the part) and the audio has reached that time, not one frame later when the frame
 * after that shows the first one's duration.
 */
describe('part cut timing', () => {
  for (const sampleRate of [48000, 44100]) {
    it(`lists every part before any video frame past its end has arrived (AAC at ${sampleRate} Hz)`, () => {
      const { packager, recorder } = createPackager();
      const { video, audio } = syntheticConfigs();
      packager.setTrackConfig('video', video);
      packager.setTrackConfig('audio', { ...audio, sampleRate });
      const packets = syntheticPackets({ seconds: 9, sampleRate });
      let latestVideoMs = 0;
      let latestAudioMs = 0;
      const listedAt: Array<{ video: number; audio: number }> = [];
      for (const packet of packets) {
        if (packet.track === 'video') latestVideoMs = packet.dts;
        else latestAudioMs = packet.dts;
        packager.push(packet, WALL_CLOCK_START + packet.dts);
        while (listedAt.length < recorder.parts.length) listedAt.push({ video: latestVideoMs, audio: latestAudioMs });
      }
      assert.ok(recorder.parts.length >= 16);
      let endMs = 0;
      recorder.parts.forEach((part, i) => {
        endMs += part.duration * 1000;
        const at = listedAt[i]!;
        // The frame that starts the next part (dts = this part's end) is the latest video seen...
        assert.ok(at.video <= Math.round(endMs) + 1, `part ${i} (ends ${endMs} ms) listed at video ${at.video} ms`);
        // ...and audio had to reach the end, since every audio frame before the cut belongs in the part.
        assert.ok(at.audio >= endMs - 1000 / 30, `part ${i} listed at audio ${at.audio} ms`);
      });
    });
  }

  it('still cuts in time when a frame turns out longer than expected, and never exceeds PART-TARGET', () => {
    const { packager, recorder } = createPackager();
    const { video, audio } = syntheticConfigs();
    packager.setTrackConfig('video', video);
    packager.setTrackConfig('audio', audio);
    // 30 fps with every 7th frame interval stretched by 20 ms (a jittery encoder).
    const packets = syntheticPackets({ seconds: 6 }).map((p) => {
      if (p.track !== 'video') return p;
      const n = Math.round((p.dts * 30) / 1000);
      const shift = Math.floor(n / 7) * 20;
      return { ...p, dts: p.dts + shift, pts: p.pts + shift };
    });
    packets.sort((a, b) => a.dts - b.dts);
    for (const packet of packets) packager.push(packet, WALL_CLOCK_START + packet.dts);
    assert.ok(recorder.parts.length > 10);
    for (const part of recorder.parts) assert.ok(part.duration <= 0.5 + 1e-9, `${part.name} ${part.duration}`);
  });
});
