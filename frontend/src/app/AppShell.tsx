import { NavLink, Navigate, Outlet, useLocation } from 'react-router-dom';
import { ApiError } from '../api/http';
import { Avatar } from '../board/Presence';
import { TrashNotice } from '../pages/trashBits';
import { MeContext, useLogout, useMe, useMeQuery, useWorkspace } from './auth';
import { Logo } from './Logo';

/** Routes below need a session: a 401 from /api/auth/me/ sends the user to /login/. */
export function RequireAuth() {
  const location = useLocation();
  const me = useMeQuery();
  if (me.isPending) return <div className="page-loading" aria-busy="true">Loading…</div>;
  if (me.error) {
    if (me.error instanceof ApiError && (me.error.status === 401 || me.error.status === 403)) {
      const next = encodeURIComponent(location.pathname + location.search);
      return <Navigate to={`/login/?next=${next}`} replace />;
    }
    return <div className="page-error">Could not reach Journeymap: {me.error.message}</div>;
  }
  return (
    <MeContext.Provider value={me.data}>
      <Outlet />
    </MeContext.Provider>
  );
}

export function AppShell() {
  const me = useMe();
  const workspace = useWorkspace();
  const logout = useLogout();
  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Journeymap home">
          <Logo />
          <span>Journeymap</span>
        </NavLink>
        <nav className="topnav" aria-label="Main">
          <NavLink to="/" end>
            Maps
          </NavLink>
          <NavLink to="/personas/">Personas</NavLink>
          <NavLink to="/research/">Research</NavLink>
          <NavLink to="/segments/">Segments</NavLink>
          <NavLink to="/customers/">Customers</NavLink>
          <NavLink to="/features/">Features</NavLink>
          <NavLink to="/team/">Team</NavLink>
          {workspace?.role === 'owner' && <NavLink to="/audit/">Audit log</NavLink>}
          <NavLink to="/trash/">Trash</NavLink>
        </nav>
        <div className="topbar-right">
          {me.memberships.length > 1 ? (
            <select
              className="workspace-select"
              aria-label="Workspace"
              value={workspace?.workspace}
              onChange={(e) => {
                localStorage.setItem('journeymap.workspace', e.target.value);
                window.location.assign('/');
              }}
            >
              {me.memberships.map((m) => (
                <option key={m.workspace} value={m.workspace}>
                  {m.workspace_name}
                </option>
              ))}
            </select>
          ) : (
            workspace && <span className="workspace-name">{workspace.workspace_name}</span>
          )}
          <Avatar name={me.name} color="#4f46e5" size={30} />
          <button type="button" className="btn btn-ghost btn-sm" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      <main className="shell-main">
        <Outlet />
      </main>
      <TrashNotice />
    </div>
  );
}
