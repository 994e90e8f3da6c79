import { Avatar } from '../board/Presence';

export function PersonaAvatar({
  persona,
  size = 32,
}: {
  persona: { name: string; color: string; photo: string | null };
  size?: number;
}) {
  if (persona.photo) {
    return (
      <img
        className="avatar avatar-photo"
        src={persona.photo}
        alt=""
        width={size}
        height={size}
        style={{ width: size, height: size, borderColor: persona.color }}
      />
    );
  }
  return <Avatar name={persona.name} color={persona.color} size={size} />;
}
