// EXT-X-TARGETDURATION policy of the live playlist.
//
// RFC 8216bis 4.4.3.1: every EXTINF, rounded to the nearest integer, MUST be <= the target duration, and
// 6.2.1: the target duration MUST NOT change. Segments can only start on a video keyframe, so their
// length is set by the publisher's keyframe interval, which is unknown until media arrives. Hence:
//
// 1. The playlist is not published until the first segment is complete. Its duration shows the keyframe
//    cadence (it ran from the first keyframe to the first keyframe at or after segmentSeconds), so the
//    target is fixed then: max(ceil(segmentSeconds), round(first EXTINF)). A publisher with 2 s GOPs and
//    2 s segments gets 2; one with 4 s GOPs gets 4, constant for the whole stream.
// 2. If a later segment still rounds above it (irregular GOPs, e.g. scene-cut keyframes with a long
//    keyint), the segment is cut at its keyframe anyway (never mid-GOP: segments stay independent) and the
//    target is raised to cover it, with a `target-duration-raised` event for the server to log. Breaking
//    "never changes" is the lesser evil: a too-small target is what makes players stall (6.2.1 M1), while
//    a raised one only changes the reload cadence. Publishers should use a keyframe interval <= segment.
//
// How an EXTINF is printed and rounded is the playlist model's (playlist/media-segment.ts).
import { roundedExtinf } from './playlist/media-segment.js';

export { roundedExtinf };

export function initialTargetDuration(segmentSeconds: number, firstSegmentSeconds: number): number {
  return Math.max(Math.ceil(segmentSeconds), roundedExtinf(firstSegmentSeconds), 1);
}
