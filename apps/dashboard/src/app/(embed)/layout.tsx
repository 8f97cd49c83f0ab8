import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './embed.css';

/** The embeddable player has its own root layout: no dashboard chrome, no Mantine, just the video. */
export const metadata: Metadata = {
  title: 'Live stream · RapidRTMP',
  robots: { index: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#000000' };

export default function EmbedRootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
