import { Link } from 'react-router-dom';
import { usePersonas } from '../api/queries';
import type { Persona } from '../api/types';
import { PersonaAvatar } from '../pages/personaBits';
import { formatDay } from './compare';
import '../styles/personas-repo.css';

const SHOWN = 6;

/** Never reviewed first, then the longest overdue. */
function byUrgency(a: Persona, b: Persona): number {
  const due = (p: Persona) => p.review_due_on ?? '';
  return due(a).localeCompare(due(b)) || a.name.localeCompare(b.name);
}

function overdueFor(p: Persona): string {
  if (!p.review_due_on) return 'now';
  const [y = 0, m = 1, d = 1] = p.review_due_on.split('-').map(Number);
  const days = Math.floor((Date.now() - new Date(y, m - 1, d).getTime()) / 86_400_000);
  return days > 0 ? `${days} day${days === 1 ? '' : 's'} ago` : 'today';
}

/** Home page: the personas whose review is overdue (never reviewed counts), most urgent first. */
export function OverdueReviews({ workspace }: { workspace: string | undefined }) {
  const personas = usePersonas(workspace);
  if (!personas.data) return null;
  const overdue = personas.data.filter((p) => p.is_stale).sort(byUrgency);
  return (
    <section className="home-section overdue-reviews" aria-labelledby="overdue-heading">
      <div className="section-head">
        <h2 id="overdue-heading">Overdue reviews</h2>
        <span className="count">{overdue.length || ''}</span>
        {overdue.length > 0 && (
          <Link to="/personas/?stale=overdue&sort=reviewed" className="link-more">
            All overdue →
          </Link>
        )}
      </div>
      {overdue.length === 0 ? (
        <p className="empty-inline overdue-none">
          {personas.data.length ? 'Every persona has been reviewed on schedule.' : 'No personas yet.'}
        </p>
      ) : (
        <ul className="overdue-list">
          {overdue.slice(0, SHOWN).map((p) => (
            <li key={p.id} data-persona={p.id}>
              <PersonaAvatar persona={p} size={36} />
              <div className="overdue-who">
                <Link to={`/personas/${p.id}/`}>{p.name}</Link>
                <span className="muted">{p.owner_name ? `Owner: ${p.owner_name}` : 'No owner'}</span>
              </div>
              <div className="overdue-when">
                <span>
                  Last reviewed{' '}
                  <strong>{p.last_reviewed_at ? formatDay(p.last_reviewed_at) : 'never'}</strong>
                </span>
                <span className="muted">
                  {p.review_due_on ? `Due ${formatDay(p.review_due_on)} (${overdueFor(p)})` : 'Due now'}
                </span>
              </div>
              <span className="badge badge-warn">{p.last_reviewed_at ? 'Review overdue' : 'Never reviewed'}</span>
            </li>
          ))}
          {overdue.length > SHOWN && (
            <li className="overdue-more">
              <Link to="/personas/?stale=overdue&sort=reviewed">
                {overdue.length - SHOWN} more overdue persona{overdue.length - SHOWN === 1 ? '' : 's'}
              </Link>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
