/** The iframe snippet for a player page (the embed page fills whatever box it is given). */
export function embedCode(embedUrl: string, title: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
  const safeTitle = title.replace(/[&<>"]/g, (c) => entities[c] ?? c);
  return `<iframe src="${embedUrl}" title="${safeTitle}" style="border:0;width:100%;aspect-ratio:16/9" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>`;
}
