import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { api } from '../api/http';
import type { Me, Membership } from '../api/types';
import { clearAllLocalCopies } from '../sync/outbox';

export function useMeQuery() {
  return useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/api/auth/me/'), staleTime: 60_000 });
}

export const MeContext = createContext<Me | null>(null);

export function useMe(): Me {
  const me = useContext(MeContext);
  if (!me) throw new Error('useMe outside RequireAuth');
  return me;
}

/** The workspace the user works in: the first membership (most users have one). */
export function useWorkspace(): Membership | null {
  const me = useMe();
  const chosen = localStorage.getItem('journeymap.workspace');
  return me.memberships.find((m) => m.workspace === chosen) ?? me.memberships[0] ?? null;
}

export function useLogout() {
  const client = useQueryClient();
  return async () => {
    await api('/api/auth/logout/', { method: 'POST' }).catch(() => undefined);
    // The browser keeps copies of maps (and unsent edits) in IndexedDB; none may outlive the
    // session on a shared machine.
    await clearAllLocalCopies().catch(() => undefined);
    localStorage.removeItem('journeymap.workspace');
    client.clear();
    window.location.assign('/login/');
  };
}
