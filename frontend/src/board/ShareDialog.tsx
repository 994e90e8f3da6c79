import { useId, useMemo, useState, type FormEvent } from 'react';
import {
  SHARE_LINK_DEFAULT_DAYS,
  SHARE_LINK_MAX_DAYS,
  dateInputValue,
  daysFromToday,
  expiryFromDateInput,
  shareLinkStatus,
  shareUrl,
  useCreateShareLink,
  useRevokeShareLink,
  useShareLinks,
  type ShareLink,
} from '../api/exports';
import { Dialog } from './Dialog';

function day(iso: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The server names the field (`expires_at: …`); say it in words. */
function refusal(error: Error): string {
  return error.message.replace(/^expires_at: /, 'Expiry: ').replace(/^label: /, 'Label: ');
}

const STATUS_TEXT = { active: 'Active', revoked: 'Revoked', expired: 'Expired' } as const;

function CopyLink({ url }: { url: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <div className="share-url">
      <input readOnly value={url} aria-label="New share link" onFocus={(e) => e.target.select()} data-testid="share-url" />
      <button
        type="button"
        className="btn btn-primary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(url);
            setCopied('yes');
          } catch {
            setCopied('no');
          }
        }}
      >
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      <span className="sr-only" role="status">
        {copied === 'yes' ? 'Link copied to the clipboard' : copied === 'no' ? 'Could not copy: select the link and copy it by hand' : ''}
      </span>
    </div>
  );
}

function LinkRow({ link, mapId }: { link: ShareLink; mapId: string }) {
  const [confirming, setConfirming] = useState(false);
  const revoke = useRevokeShareLink(mapId);
  const status = shareLinkStatus(link);
  const name = link.label || 'Untitled link';
  return (
    <li className={`share-link-row share-link-${status}`} data-testid="share-link-row" data-status={status}>
      <div className="share-link-main">
        <span className="share-link-label">{name}</span>
        <span className={`share-link-status status-${status}`}>{STATUS_TEXT[status]}</span>
      </div>
      <div className="share-link-meta">
        Created {day(link.created_at)} ·{' '}
        {status === 'revoked' ? `revoked ${day(link.revoked_at)}` : `${status === 'expired' ? 'expired' : 'expires'} ${day(link.expires_at)}`}
      </div>
      {status === 'active' &&
        (confirming ? (
          <div className="share-link-confirm" role="group" aria-label={`Revoke “${name}”?`}>
            <span>Revoke it? Anyone viewing through it is disconnected.</span>
            <button
              type="button"
              className="btn btn-sm btn-danger-solid"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate(link.id, { onSuccess: () => setConfirming(false) })}
            >
              {revoke.isPending ? 'Revoking…' : 'Yes, revoke'}
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setConfirming(false)} autoFocus>
              Keep
            </button>
          </div>
        ) : (
          <button type="button" className="btn btn-sm btn-danger share-link-revoke" aria-label={`Revoke “${name}”`} onClick={() => setConfirming(true)}>
            Revoke
          </button>
        ))}
      {revoke.error && (
        <p className="form-error" role="alert">
          {revoke.error.message}
        </p>
      )}
    </li>
  );
}

export function ShareDialog({ mapId, onClose }: { mapId: string; onClose: () => void }) {
  const today = useMemo(() => new Date(), []);
  const min = dateInputValue(daysFromToday(1, today));
  const max = dateInputValue(daysFromToday(SHARE_LINK_MAX_DAYS, today));
  const [label, setLabel] = useState('');
  const [expiry, setExpiry] = useState(() => dateInputValue(daysFromToday(SHARE_LINK_DEFAULT_DAYS, today)));
  const [created, setCreated] = useState<ShareLink | null>(null);
  const links = useShareLinks(mapId);
  const create = useCreateShareLink(mapId);
  const hintId = useId();
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const expires = expiryFromDateInput(expiry);
    create.mutate(
      { label: label.trim(), expires_at: expires ? expires.toISOString() : null },
      {
        onSuccess: (link) => {
          setCreated(link);
          setLabel('');
        },
      },
    );
  };

  const rows = links.data ?? [];
  const createdUrl = created?.token ? shareUrl(created.token) : null;

  return (
    <Dialog title="Share a read-only view" onClose={onClose} wide>
      <p className="muted">
        Anyone with a link can watch this map live without signing in; they cannot change anything. A link is shown once,
        when it is made: copy it then. Revoke it here any time.
      </p>
      <form className="share-create" onSubmit={submit} noValidate>
        <label className="field share-create-label">
          <span>Label</span>
          <input value={label} maxLength={200} placeholder="e.g. Board review with Acme" onChange={(e) => setLabel(e.target.value)} />
        </label>
        <label className="field share-create-expiry">
          <span>Expires on</span>
          <input
            type="date"
            value={expiry}
            min={min}
            max={max}
            required
            aria-describedby={`${hintId}${create.error ? ` ${errorId}` : ''}`}
            aria-invalid={create.error ? true : undefined}
            onChange={(e) => setExpiry(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary" disabled={create.isPending || !expiry}>
          {create.isPending ? 'Creating…' : 'Create link'}
        </button>
        <p className="share-create-hint" id={hintId}>
          Defaults to {SHARE_LINK_DEFAULT_DAYS} days; at most {SHARE_LINK_MAX_DAYS} days from today ({day(daysFromToday(SHARE_LINK_MAX_DAYS, today).toISOString())}).
        </p>
      </form>
      {create.error && (
        <p className="form-error" role="alert" id={errorId}>
          {refusal(create.error)}
        </p>
      )}
      {createdUrl && created && (
        <div className="share-created" data-testid="share-created">
          <p>
            <strong>{created.label || 'Your link'}</strong> is ready. Copy it now: it will not be shown again.
          </p>
          <CopyLink url={createdUrl} />
        </div>
      )}
      <section className="share-links" aria-labelledby={`${hintId}-list`}>
        <h3 id={`${hintId}-list`}>Links to this map</h3>
        {links.isPending ? (
          <p className="muted">Loading…</p>
        ) : links.error ? (
          <p className="form-error" role="alert">
            {links.error.message}
          </p>
        ) : rows.length === 0 ? (
          <p className="muted">No links yet.</p>
        ) : (
          <ul className="share-link-list">
            {rows.map((link) => (
              <LinkRow key={link.id} link={link} mapId={mapId} />
            ))}
          </ul>
        )}
      </section>
    </Dialog>
  );
}
