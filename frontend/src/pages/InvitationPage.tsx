import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import type { InvitationJoined } from '../api/types';
import { useMe } from '../app/auth';

/** `/invitations/<token>/`: the link an owner passed on. Joining needs a session, which the
 * route asks for first (sign-in comes back here). */
export function InvitationPage() {
  const { token = '' } = useParams();
  const me = useMe();
  const navigate = useNavigate();
  const client = useQueryClient();
  const join = useMutation({
    mutationFn: () =>
      api<InvitationJoined>(`/api/invitations/${encodeURIComponent(token)}/accept/`, { method: 'POST' }),
    onSuccess: async (joined) => {
      localStorage.setItem('journeymap.workspace', joined.workspace);
      await client.invalidateQueries({ queryKey: ['me'] });
      navigate('/', { replace: true });
    },
  });
  const invalid = join.error instanceof ApiError && join.error.status === 404;

  return (
    <div className="page">
      <section className="panel invitation-card" aria-labelledby="invitation-title">
        {invalid ? (
          <>
            <p className="eyebrow">Invitation</p>
            <h1 id="invitation-title">This invitation link does not work</h1>
            <p className="muted" role="alert">
              It may have expired, been revoked by the workspace owner, or already been used by someone else. Ask
              an owner of the workspace for a new link.
            </p>
            <Link to="/" className="btn">
              Go to your maps
            </Link>
          </>
        ) : (
          <>
            <p className="eyebrow">Invitation</p>
            <h1 id="invitation-title">You are invited to a workspace</h1>
            <p className="muted">
              Joining gives you its maps, personas and features, with the role the invitation sets. You are signed
              in as <strong>{me.username}</strong>.
            </p>
            {join.error && (
              <p className="form-error" role="alert">
                Could not join: {join.error.message}
              </p>
            )}
            <div className="invitation-actions">
              <button
                type="button"
                className="btn btn-primary btn-lg"
                disabled={join.isPending || join.isSuccess}
                onClick={() => join.mutate()}
              >
                {join.isPending || join.isSuccess ? 'Joining…' : 'Join workspace'}
              </button>
              <Link to="/" className="btn btn-ghost btn-lg">
                Not now
              </Link>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
