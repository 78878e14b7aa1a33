import { useSession } from './auth/session';
import { NotFound } from './components/ErrorBanner';
import { CheckpointsPage } from './pages/CheckpointsPage';
import { DashboardPage } from './pages/DashboardPage';
import { LedgerEntryPage } from './pages/LedgerEntryPage';
import { LedgerPage } from './pages/LedgerPage';
import { LoginPage } from './pages/LoginPage';
import { MembersPage } from './pages/MembersPage';
import { OrgPage } from './pages/OrgPage';
import { ResourceDetailPage } from './pages/ResourceDetailPage';
import { ResourceEditPage } from './pages/ResourceEditPage';
import { ResourceListPage } from './pages/ResourceListPage';
import { RetentionPage } from './pages/RetentionPage';
import { TokensPage } from './pages/TokensPage';
import { Link, match, navigate, useLocation } from './router';
import { RESOURCE_VIEWS } from './resources';

function Page({ path }: { path: string }) {
  const { me, can } = useSession();
  if (path === '/' || path === '') {
    if (me?.role === 'tenant-viewer' && me.tenantId) {
      navigate(`/tenants/${me.tenantId}`, { replace: true });
      return null;
    }
    return <DashboardPage />;
  }
  for (const view of RESOURCE_VIEWS) {
    if (!can('read', view.name)) continue;
    if (path === view.path) return <ResourceListPage key={view.name} view={view} />;
    if (match(`${view.path}/new`, path)) return can('create', view.name) ? <ResourceEditPage key={`${view.name}-new`} view={view} /> : <NotFound />;
    const edit = match(`${view.path}/:id/edit`, path);
    if (edit) return <ResourceEditPage key={`${view.name}-${edit.id}`} view={view} id={edit.id!} />;
    const detail = match(`${view.path}/:id`, path);
    if (detail) return <ResourceDetailPage key={`${view.name}-${detail.id}`} view={view} id={detail.id!} />;
  }
  if (path === '/members' && can('read', 'members')) return <MembersPage />;
  if (path === '/tokens') return <TokensPage />;
  if (path === '/organization') return <OrgPage />;
  if (path === '/ledger' && can('read', 'events')) return <LedgerPage />;
  if (path === '/ledger/checkpoints' && can('read', 'ledger')) return <CheckpointsPage />;
  const entry = match('/ledger/entries/:index', path);
  if (entry && can('read', 'ledger')) return <LedgerEntryPage key={entry.index} index={entry.index!} />;
  if (path === '/retention' && can('read', 'retention')) return <RetentionPage />;
  return <NotFound />;
}

function Nav() {
  const { me, can, logout } = useSession();
  const { path } = useLocation();
  const item = (to: string, label: string) => (
    <li key={to}><Link to={to} aria-current={path === to || (to !== '/' && path.startsWith(`${to}/`)) ? 'page' : undefined}>{label}</Link></li>
  );
  const viewer = me?.role === 'tenant-viewer';
  return (
    <header className="top">
      <a href="#main" className="skip">Skip to content</a>
      <Link to="/" className="brand">tenantproof</Link>
      <nav aria-label="Main">
        <ul>
          {viewer && me?.tenantId ? item(`/tenants/${me.tenantId}`, 'My tenant') : item('/', 'Dashboard')}
          {!viewer && RESOURCE_VIEWS.filter((v) => can('read', v.name)).map((v) => item(v.path, v.plural))}
          {can('read', 'events') && item('/ledger', 'Ledger')}
          {can('read', 'retention') && item('/retention', 'Retention')}
          {can('read', 'members') && item('/members', 'Members')}
          {item('/tokens', 'API tokens')}
          {!viewer && item('/organization', 'Organization')}
        </ul>
      </nav>
      <div className="who">
        <span>{me?.user.displayName} · {me?.role}{me?.org ? ` · ${me.org.name}` : ''}</span>
        <button type="button" onClick={() => void logout().then(() => navigate('/login'))}>Log out</button>
      </div>
    </header>
  );
}

export function App() {
  const { me, loading } = useSession();
  const { path } = useLocation();
  if (loading) return <p className="loading" aria-live="polite">Loading…</p>;
  if (!me) return <LoginPage />;
  if (path === '/login') {
    navigate('/', { replace: true });
    return null;
  }
  return (
    <>
      <Nav />
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}
