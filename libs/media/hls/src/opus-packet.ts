// Duration of an Opus packet from its TOC byte (RFC 6716 3.1), in 48 kHz samples. The sample timer needs
// it because Opus frames are 2.5 to 60 ms and a packet may hold several.

/** Frame sizes in 48 kHz samples by TOC config number (RFC 6716 table 2). */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]; // SILK-only: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1]; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3]; // CELT-only: 2.5, 5, 10, 20 ms
}

/** Samples at 48 kHz in one Opus packet; `fallback` (20 ms) for an empty or malformed packet. */
export function opusPacketSamples(packet: Buffer, fallback = 960): number {
  if (packet.length === 0) return fallback;
  const toc = packet[0];
  const perFrame = frameSamples(toc >> 3);
  switch (toc & 3) {
    case 0:
      return perFrame;
    case 1:
    case 2:
      return 2 * perFrame;
    default: {
      // Code 3: frame count in the low 6 bits of the next byte (RFC 6716 3.2.5).
      const count = packet.length > 1 ? packet[1] & 0x3f : 0;
      return count > 0 ? count * perFrame : fallback;
    }
  }
}
