import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError } from '../api/http';
import type { Me } from '../api/types';
import { Logo } from '../app/Logo';

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(value: string | null): string {
  if (!value || !value.startsWith('/') || value.startsWith('//')) return '/';
  return value;
}

export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await api<Me>('/api/auth/login/', { method: 'POST', body: { username, password } });
      client.setQueryData(['me'], me);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 400
          ? 'Wrong username or password.'
          : `Could not sign in: ${(err as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <div className="login-art" aria-hidden="true">
        <svg viewBox="0 0 600 400" preserveAspectRatio="xMidYMid slice">
          <defs>
            <linearGradient id="lg" x1="0" x2="1">
              <stop offset="0" stopColor="#818cf8" />
              <stop offset="1" stopColor="#f59e0b" />
            </linearGradient>
          </defs>
          <path d="M0 260 C 100 260, 120 120, 220 140 S 340 320, 420 220 S 540 100, 600 120" stroke="url(#lg)" strokeWidth="6" fill="none" />
          {[0, 220, 420, 600].map((x, i) => (
            <circle key={x} cx={x} cy={[260, 140, 220, 120][i]} r="10" fill="#fff" stroke="#6366f1" strokeWidth="4" />
          ))}
        </svg>
        <div className="login-tagline">
          <h2>Map the journey together.</h2>
          <p>Stages, touchpoints, friction and feelings — built live by the whole team, on one board.</p>
        </div>
      </div>
      <main className="login-panel">
        <form className="login-form" onSubmit={submit} aria-labelledby="login-title">
          <div className="login-brand">
            <Logo size={36} />
            <span>Journeymap</span>
          </div>
          <h1 id="login-title">Sign in</h1>
          {safeNext(params.get('next')).startsWith('/invitations/') && (
            <p className="muted login-note">Sign in to join the workspace you were invited to.</p>
          )}
          <label className="field">
            <span>Username</span>
            <input
              name="username"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoFocus
            />
          </label>
          <label className="field">
            <span>Password</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
