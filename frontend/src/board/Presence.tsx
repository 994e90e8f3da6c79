import type { Peer } from '../sync/types';
import { avatarColors } from './icons';

export function initials(name: string): string {
  const parts = name
    .replace(/\(.*?\)/g, ' ')
    .split(/\s+/)
    .map((part) => part.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter(Boolean);
  if (!parts.length) return '?';
  return ((parts[0]![0] ?? '') + (parts.length > 1 ? (parts.at(-1)![0] ?? '') : '')).toUpperCase();
}

export function Avatar({
  name,
  color,
  size = 28,
  title,
}: {
  name: string;
  color: string;
  size?: number;
  title?: string;
}) {
  const shade = avatarColors(color);
  return (
    <span
      className="avatar"
      title={title ?? name}
      style={{ width: size, height: size, background: shade.background, color: shade.ink, fontSize: Math.max(10, size * 0.4) }}
      aria-label={title ?? name}
      role="img"
    >
      {initials(name)}
    </span>
  );
}

/** Who is on the map: one avatar per person (several tabs count once). */
export function PresenceBar({
  peers,
  meId,
  myClient,
}: {
  peers: Peer[];
  meId: string | null;
  myClient: string | null;
}) {
  const people = new Map<string, Peer>();
  for (const peer of peers) {
    const key = peer.user?.id || peer.client_id;
    if (!people.has(key)) people.set(key, peer);
  }
  const list = [...people.values()].sort((a, b) =>
    a.user?.id === meId ? -1 : b.user?.id === meId ? 1 : (a.user?.name ?? '').localeCompare(b.user?.name ?? ''),
  );
  const shown = list.slice(0, 6);
  return (
    <div className="presence" aria-label={`${list.length} ${list.length === 1 ? 'person' : 'people'} on this map`} data-testid="presence">
      {shown.map((peer) => {
        const name = peer.user?.name || 'Guest';
        const you = peer.client_id === myClient || Boolean(peer.user?.id && peer.user.id === meId);
        return (
          <span key={peer.client_id} className="presence-item" data-user={name}>
            <Avatar name={name} color={peer.color || '#64748b'} size={30} title={you ? `${name} (you)` : name} />
          </span>
        );
      })}
      {list.length > shown.length && <span className="presence-more">+{list.length - shown.length}</span>}
    </div>
  );
}
