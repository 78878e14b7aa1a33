import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, ApiError, setCsrfToken } from '../api/client';
import type { Me } from '../api/types';

interface Session {
  me: Me | null;
  loading: boolean;
  login(email: string, password: string): Promise<Me>;
  logout(): Promise<void>;
  can(action: string, subject: string): boolean;
}

const SessionContext = createContext<Session | null>(null);

async function loadMe(): Promise<Me | null> {
  try {
    const me = await api<Me>('GET', '/api/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const me = useQuery({ queryKey: ['me'], queryFn: loadMe, staleTime: 60_000, retry: false });
  // Nothing cached for one person may show to the next: drop every query but the session itself.
  const forgetData = () => client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  const session: Session = {
    me: me.data ?? null,
    loading: me.isLoading,
    async login(email, password) {
      const result = await api<Me>('POST', '/api/auth/login', { email, password });
      setCsrfToken(result.csrfToken);
      forgetData();
      client.setQueryData(['me'], result);
      return result;
    },
    async logout() {
      try { await api('POST', '/api/auth/logout'); } finally {
        setCsrfToken(null);
        forgetData();
        client.setQueryData(['me'], null);
      }
    },
    can(action, subject) {
      return me.data?.permissions[subject]?.includes(action) ?? false;
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

/** Where a person lands: a tenant-viewer on its own tenant, everyone else on the dashboard. */
export function homeOf(me: Me): string {
  return me.role === 'tenant-viewer' && me.tenantId ? `/tenants/${me.tenantId}` : '/';
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
