export type Role = 'owner' | 'isms-manager' | 'engineer' | 'auditor' | 'tenant-viewer';

export interface Me {
  user: { id: string; email: string; displayName: string };
  org: { id: string; slug: string; name: string; isDemo: boolean };
  role: Role;
  tenantId: string | null;
  via: string;
  csrfToken: string | null;
  permissions: Record<string, string[]>;
  organizations: Array<{ orgId: string; slug: string; name: string; role: Role }>;
}

export type Obj = Record<string, unknown> & { id: string; slug: string; name: string };

export interface Page<T> { items: T[]; nextCursor: string | null; total?: number }
