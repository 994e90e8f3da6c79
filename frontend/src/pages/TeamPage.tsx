import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/http';
import { useInvitations, useMembers } from '../api/queries';
import type { Invitation, InvitationCreated, Member, Role } from '../api/types';
import { useMe, useWorkspace } from '../app/auth';
import { Dialog } from '../board/Dialog';

const ROLES: { value: Role; label: string; hint: string }[] = [
  { value: 'owner', label: 'Owner', hint: 'edits everything, manages the team' },
  { value: 'editor', label: 'Editor', hint: 'edits maps, personas and features' },
  { value: 'viewer', label: 'Viewer', hint: 'reads only' },
];

const roleLabel = (role: Role) => ROLES.find((r) => r.value === role)?.label ?? role;

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** What the server said, without the field names of its error shape. */
export function serverMessage(error: unknown): string {
  if (error instanceof ApiError) {
    const body = error.body as { errors?: Record<string, unknown>; detail?: string } | null;
    const errors = body && typeof body === 'object' ? body.errors : undefined;
    const parts = errors
      ? Object.values(errors).flatMap((value) => (Array.isArray(value) ? value.map(String) : [String(value)]))
      : [];
    const text = parts.join(' ') || body?.detail || error.message;
    return text.charAt(0).toUpperCase() + text.slice(1).replace(/([^.!?])$/, '$1.');
  }
  return error instanceof Error ? error.message : String(error);
}

function whoFor(invitation: Invitation): string {
  return invitation.label || invitation.email || 'Anyone with the link';
}

export function TeamPage() {
  const me = useMe();
  const membership = useWorkspace();
  const workspace = membership?.workspace;
  const isOwner = membership?.role === 'owner';
  const members = useMembers(workspace);

  if (!membership) {
    return (
      <div className="page">
        <div className="empty-state">
          <h1>No workspace yet</h1>
          <p className="muted">Ask a workspace owner for an invitation link to join their team.</p>
        </div>
      </div>
    );
  }

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <p className="eyebrow">Workspace</p>
          <h1>Team</h1>
          <p className="muted">
            Who works in {membership.workspace_name}. People join by opening an invitation link an owner
            creates.
          </p>
        </div>
      </div>

      <section className="panel team-section" aria-labelledby="members-title">
        <div className="section-head">
          <h2 id="members-title">Members</h2>
          {members.data && <span className="count">{members.data.length}</span>}
        </div>
        {!isOwner && (
          <p className="muted team-note">Only owners can change roles, remove members or invite people.</p>
        )}
        {members.isPending && <p className="muted">Loading…</p>}
        {members.error && <p className="form-error">Could not load the members: {members.error.message}</p>}
        {members.data && (
          <MemberTable members={members.data} workspace={membership.workspace} me={me.username} isOwner={isOwner} />
        )}
      </section>

      {isOwner && (
        <div className="team-columns">
          <InviteForm workspace={membership.workspace} />
          <PendingInvitations workspace={membership.workspace} />
        </div>
      )}
    </div>
  );
}

function MemberTable({
  members,
  workspace,
  me,
  isOwner,
}: {
  members: Member[];
  workspace: string;
  me: string;
  isOwner: boolean;
}) {
  const client = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const changeRole = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: Role }) =>
      api<Member>(`/api/workspaces/${workspace}/members/${member.id}/`, { method: 'PATCH', body: { role } }),
    onMutate: () => setError(null),
    onSuccess: (updated) => {
      client.setQueryData<Member[]>(['members', workspace], (list) =>
        list?.map((m) => (m.id === updated.id ? updated : m)),
      );
      if (updated.username === me) client.invalidateQueries({ queryKey: ['me'] });
    },
    onError: (err) => setError(serverMessage(err)),
  });

  return (
    <>
      {error && (
        <p className="form-error team-error" role="alert">
          {error}
        </p>
      )}
      <table className="table team-table">
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Role</th>
            <th scope="col">Joined</th>
            {isOwner && (
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.id} data-testid="member-row" data-username={member.username}>
              <td>
                <strong>{member.username}</strong>
                {member.username === me && <span className="muted"> (you)</span>}
              </td>
              <td>
                {isOwner ? (
                  <select
                    className="role-select"
                    aria-label={`Role of ${member.username}`}
                    value={member.role}
                    disabled={changeRole.isPending}
                    onChange={(e) => changeRole.mutate({ member, role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r.value} value={r.value}>
                        {r.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <span className={`role-badge role-${member.role}`}>{roleLabel(member.role)}</span>
                )}
              </td>
              <td className="muted">
                <time dateTime={member.created_at}>{dateOnly.format(new Date(member.created_at))}</time>
              </td>
              {isOwner && (
                <td className="team-actions">
                  <button
                    type="button"
                    className="btn btn-danger btn-sm"
                    aria-label={`Remove ${member.username}`}
                    onClick={() => {
                      setError(null);
                      setRemoving(member);
                    }}
                  >
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <RemoveDialog member={removing} workspace={workspace} me={me} onClose={() => setRemoving(null)} />
      )}
    </>
  );
}

function RemoveDialog({
  member,
  workspace,
  me,
  onClose,
}: {
  member: Member;
  workspace: string;
  me: string;
  onClose: () => void;
}) {
  const client = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api<void>(`/api/workspaces/${workspace}/members/${member.id}/`, { method: 'DELETE' }),
    onSuccess: () => {
      client.setQueryData<Member[]>(['members', workspace], (list) => list?.filter((m) => m.id !== member.id));
      client.invalidateQueries({ queryKey: ['members', workspace] });
      if (member.username === me) {
        // Leaving the workspace: start over in whichever one is left.
        localStorage.removeItem('journeymap.workspace');
        window.location.assign('/');
        return;
      }
      onClose();
    },
  });
  const self = member.username === me;
  return (
    <Dialog title={self ? 'Leave this workspace?' : `Remove ${member.username}?`} onClose={onClose}>
      <p className="muted">
        {self
          ? 'You lose access to its maps, personas and features right away.'
          : `${member.username} loses access to this workspace's maps, personas and features right away. You can invite them again later.`}
      </p>
      {remove.error && (
        <p className="form-error" role="alert">
          {serverMessage(remove.error)}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger-solid" disabled={remove.isPending} onClick={() => remove.mutate()}>
          {remove.isPending ? 'Removing…' : self ? 'Leave' : 'Remove'}
        </button>
      </div>
    </Dialog>
  );
}

function InviteForm({ workspace }: { workspace: string }) {
  const client = useQueryClient();
  const [role, setRole] = useState<Role>('editor');
  const [email, setEmail] = useState('');
  const [label, setLabel] = useState('');
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      api<InvitationCreated>(`/api/workspaces/${workspace}/invitations/`, {
        method: 'POST',
        body: { role, email: email.trim(), label: label.trim() },
      }),
    onMutate: () => setCopied(false),
    onSuccess: () => {
      setEmail('');
      setLabel('');
      client.invalidateQueries({ queryKey: ['invitations', workspace] });
    },
  });
  const created = create.data;
  const link = created ? `${window.location.origin}/invitations/${encodeURIComponent(created.token)}/` : null;

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <section className="panel team-section" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      <p className="muted team-note">
        Creates a one-time link. Whoever opens it while signed in joins with the role you pick. No e-mail is
        sent: pass the link on privately.
      </p>
      <form className="team-form" onSubmit={submit}>
        <label className="field">
          <span>Role</span>
          <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label} — {r.hint}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>E-mail (optional)</span>
          <input
            name="email"
            type="email"
            autoComplete="off"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="who it is for"
          />
        </label>
        <label className="field">
          <span>Label (optional)</span>
          <input
            name="label"
            value={label}
            maxLength={200}
            onChange={(e) => setLabel(e.target.value)}
            placeholder="e.g. Sam from research"
          />
        </label>
        {create.error && (
          <p className="form-error" role="alert">
            {serverMessage(create.error)}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create invitation'}
        </button>
      </form>
      {created && link && (
        <div className="invite-created" role="status">
          <p>
            <strong>Invitation link for {whoFor(created)}</strong> ({roleLabel(created.role).toLowerCase()}). It is
            shown only this once and works until {dateTime.format(new Date(created.expires_at))}.
          </p>
          <div className="share-url">
            <input readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.target.select()} />
            <button
              type="button"
              className="btn btn-primary"
              onClick={async () => {
                await navigator.clipboard?.writeText(link).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function PendingInvitations({ workspace }: { workspace: string }) {
  const client = useQueryClient();
  const invitations = useInvitations(workspace);
  const revoke = useMutation({
    mutationFn: (invitation: Invitation) =>
      api<void>(`/api/workspaces/${workspace}/invitations/${invitation.id}/`, { method: 'DELETE' }),
    onSuccess: (_, invitation) => {
      client.setQueryData<Invitation[]>(['invitations', workspace], (list) =>
        list?.map((i) => (i.id === invitation.id ? { ...i, status: 'revoked' } : i)),
      );
      client.invalidateQueries({ queryKey: ['invitations', workspace] });
    },
  });
  const pending = (invitations.data ?? []).filter((i) => i.status === 'pending');
  return (
    <section className="panel team-section" aria-labelledby="pending-title">
      <div className="section-head">
        <h2 id="pending-title">Pending invitations</h2>
        {invitations.data && <span className="count">{pending.length}</span>}
      </div>
      {invitations.isPending && <p className="muted">Loading…</p>}
      {invitations.error && (
        <p className="form-error">Could not load the invitations: {invitations.error.message}</p>
      )}
      {revoke.error && (
        <p className="form-error" role="alert">
          {serverMessage(revoke.error)}
        </p>
      )}
      {invitations.data && pending.length === 0 && <p className="muted">No invitations waiting to be accepted.</p>}
      {pending.length > 0 && (
        <ul className="invitation-list">
          {pending.map((invitation) => (
            <li key={invitation.id} data-testid="invitation-row">
              <div>
                <strong>{whoFor(invitation)}</strong>
                {invitation.label && invitation.email && <span className="muted"> · {invitation.email}</span>}
                <div className="muted small">
                  {roleLabel(invitation.role)} · expires{' '}
                  <time dateTime={invitation.expires_at}>{dateTime.format(new Date(invitation.expires_at))}</time>
                </div>
              </div>
              <button
                type="button"
                className="btn btn-danger btn-sm"
                aria-label={`Revoke the invitation for ${whoFor(invitation)}`}
                disabled={revoke.isPending}
                onClick={() => revoke.mutate(invitation)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
