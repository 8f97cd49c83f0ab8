/** How long an ended playlist stays servable (players finish the last segments), here and on edges. */
export const ENDED_RETENTION_MS = 60_000;
