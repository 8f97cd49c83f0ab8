// Loaded into the RapidRTMP server by live-load only (`--expose-gc --import`): a full GC on SIGUSR2, so the
// idle RSS baseline is taken without the start-up garbage that the first GC under load would free (~25-35 MB:
// a baseline that still holds it makes every RSS per stream look that much / N too small).
process.on('SIGUSR2', () => (globalThis as { gc?: () => void }).gc?.());
