'use client';

import { useEffect, useState } from 'react';

const KEEP = 15;

/**
 * The last few polled bit rates of each live stream (2 s apart, each a 5 s average): enough to tell a
 * steady encoder from a struggling one without asking the server for the full timeline of every stream.
 */
export function useBitrateHistory(
  streams: Array<{ id: string; ingestBitrate: number }> | undefined,
  updatedAt: number,
): Map<string, number[]> {
  const [history, setHistory] = useState(() => new Map<string, number[]>());
  useEffect(() => {
    if (!streams) return;
    setHistory((previous) => {
      const next = new Map<string, number[]>();
      for (const stream of streams) {
        const samples = [...(previous.get(stream.id) ?? []), stream.ingestBitrate].slice(-KEEP);
        next.set(stream.id, samples);
      }
      return next;
    });
    // Keyed on the poll time, not the array: one sample per successful poll.
  }, [updatedAt]);
  return history;
}
