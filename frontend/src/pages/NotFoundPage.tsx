import { Link } from 'react-router-dom';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  return (
    <div className="empty-state">
      <h1>Not found</h1>
      <p>This {what} does not exist, or you do not have access to it.</p>
      <Link className="btn btn-primary" to="/">
        Back to your maps
      </Link>
    </div>
  );
}
