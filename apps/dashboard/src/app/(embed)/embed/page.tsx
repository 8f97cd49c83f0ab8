import { EmbedPlayer } from '@/components/embed/embed-player';

export default function EmbedPage() {
  return <EmbedPlayer />;
}
