// Duration of an Opus packet from its TOC byte (RFC 6716 3.1), in 48 kHz samples. The sample timer needs
// it because Opus frames are 2.5 to 60 ms and a packet may hold several.

const SILK_SAMPLES = [480, 960, 1920, 2880] as const; // SILK-only: 10, 20, 40, 60 ms
const HYBRID_SAMPLES = [480, 960] as const; // Hybrid: 10, 20 ms
const CELT_SAMPLES = [120, 240, 480, 960] as const; // CELT-only: 2.5, 5, 10, 20 ms

/** Frame sizes in 48 kHz samples by TOC config number (RFC 6716 table 2). */
function frameSamples(config: number): number {
  const size = (config & 3) as 0 | 1 | 2 | 3; // the low two bits pick the frame size
  if (config < 12) return SILK_SAMPLES[size];
  if (config < 16) return HYBRID_SAMPLES[(size & 1) as 0 | 1];
  return CELT_SAMPLES[size];
}

/** Samples at 48 kHz in one Opus packet; `fallback` (20 ms) for an empty or malformed packet. */
export function opusPacketSamples(packet: Buffer, fallback = 960): number {
  if (packet.length === 0) return fallback;
  const toc = packet.readUInt8(0);
  const perFrame = frameSamples(toc >> 3);
  switch (toc & 3) {
    case 0:
      return perFrame;
    case 1:
    case 2:
      return 2 * perFrame;
    default: {
      // Code 3: frame count in the low 6 bits of the next byte (RFC 6716 3.2.5).
      const count = packet.length > 1 ? packet.readUInt8(1) & 0x3f : 0;
      return count > 0 ? count * perFrame : fallback;
    }
  }
}
