import { useEffect, useRef, type ReactElement } from 'react';
import type { Me } from './api/types';
import { homeOf, useSession } from './auth/session';
import { NotFound } from './components/ErrorBanner';
import { CatalogPage } from './pages/CatalogPage';
import { CatalogsPage } from './pages/CatalogsPage';
import { CheckpointsPage } from './pages/CheckpointsPage';
import { VerificationsPage } from './pages/VerificationsPage';
import { DashboardPage } from './pages/DashboardPage';
import { FrameworkNewPage } from './pages/FrameworkNewPage';
import { LedgerEntryPage } from './pages/LedgerEntryPage';
import { LedgerPage } from './pages/LedgerPage';
import { LoginPage } from './pages/LoginPage';
import { MemberNewPage } from './pages/MemberNewPage';
import { MemberPage } from './pages/MemberPage';
import { MembersPage } from './pages/MembersPage';
import { OrgPage } from './pages/OrgPage';
import { OverdueExceptionsPage } from './pages/OverdueExceptionsPage';
import { StaleEvidencePage } from './pages/StaleEvidencePage';
import { RaciEditorPage } from './pages/RaciEditorPage';
import { RaciListPage } from './pages/RaciListPage';
import { ResourceDetailPage } from './pages/ResourceDetailPage';
import { ResourceEditPage } from './pages/ResourceEditPage';
import { ResourceListPage } from './pages/ResourceListPage';
import { RetentionPage } from './pages/RetentionPage';
import { RiskMethodPage } from './pages/RiskMethodPage';
import { RiskRegisterPage } from './pages/RiskRegisterPage';
import { RopaPage } from './pages/RopaPage';
import { BlastRadiusPage } from './pages/BlastRadiusPage';
import { ResidencyPage } from './pages/ResidencyPage';
import { ScopeFindingsPage } from './pages/ScopeFindingsPage';
import { ScopeChangeEditPage } from './pages/ScopeChangeEditPage';
import { ScopeChangePage } from './pages/ScopeChangePage';
import { ScopeChangesPage } from './pages/ScopeChangesPage';
import { ScopeStatementPage } from './pages/ScopeStatementPage';
import { SoaPage } from './pages/SoaPage';
import { SoaVersionPage, SoaVersionsPage } from './pages/SoaVersionsPage';
import { TenantSoaPage } from './pages/TenantSoaPage';
import { TokensPage } from './pages/TokensPage';
import { VendorReviewPage } from './pages/VendorReviewPage';
import { VendorReviewsPage } from './pages/VendorReviewsPage';
import { Link, match, navigate, useLocation } from './router';
import { RESOURCE_VIEWS } from './resources';

interface Route { title: string; element: ReactElement }

function Redirect({ to }: { to: string }) {
  useEffect(() => { navigate(to, { replace: true }); }, [to]);
  return null;
}

/** The page for a path, with its title; routes a role may not use answer "Not found", like the API. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function resolve(path: string, me: Me, can: (action: string, subject: string) => boolean): Route {
  const notFound = { title: 'Not found', element: <NotFound /> };
  if (path === '/' || path === '') {
    const home = homeOf(me);
    return home === '/' ? { title: me.org.name, element: <DashboardPage /> } : { title: 'tenantproof', element: <Redirect to={home} /> };
  }
  for (const view of RESOURCE_VIEWS) {
    if (path !== view.path && !path.startsWith(`${view.path}/`)) continue;
    if (!can('read', view.name)) return notFound;
    if (path === view.path) return { title: view.plural, element: <ResourceListPage key={view.name} view={view} /> };
    if (match(`${view.path}/new`, path)) {
      return can('create', view.name) ? { title: `New ${view.label.toLowerCase()}`, element: <ResourceEditPage key={`${view.name}-new`} view={view} /> } : notFound;
    }
    // Object ids are UUIDs: anything else under a resource's path (a mistyped page such as /risks/register) is "Not
    // found", not an empty object page.
    const edit = match(`${view.path}/:id/edit`, path);
    if (edit && !OBJECT_ID.test(edit.id!)) return notFound;
    if (edit) return can('update', view.name) ? { title: `Edit ${view.label.toLowerCase()}`, element: <ResourceEditPage key={`${view.name}-${edit.id}`} view={view} id={edit.id!} /> } : notFound;
    const detail = match(`${view.path}/:id`, path);
    if (detail && !OBJECT_ID.test(detail.id!)) return notFound;
    if (detail) return { title: view.label, element: <ResourceDetailPage key={`${view.name}-${detail.id}`} view={view} id={detail.id!} /> };
    return notFound;
  }
  if (path === '/soa') return can('read', 'soa') ? { title: 'Statement of Applicability', element: <SoaPage /> } : notFound;
  if (path === '/soa/versions') return can('read', 'soa-approval') ? { title: 'Approved SoA versions', element: <SoaVersionsPage /> } : notFound;
  const soaVersion = match('/soa/versions/:version', path);
  if (soaVersion && /^[1-9][0-9]{0,9}$/.test(soaVersion.version!)) return can('read', 'soa-approval') ? { title: `SoA version ${soaVersion.version}`, element: <SoaVersionPage key={soaVersion.version} version={Number(soaVersion.version)} /> } : notFound;
  const tenantSoa = match('/soa/tenants/:id', path);
  if (tenantSoa) return can('read', 'tenant-soa') ? { title: 'Tenant SoA', element: <TenantSoaPage key={tenantSoa.id} id={tenantSoa.id!} /> } : notFound;
  if (path === '/members') return can('read', 'members') ? { title: 'Members', element: <MembersPage /> } : notFound;
  if (path === '/members/new') return can('create', 'members') ? { title: 'Add a member', element: <MemberNewPage /> } : notFound;
  const member = match('/members/:userId', path);
  if (member) return can('read', 'members') ? { title: 'Member', element: <MemberPage key={member.userId} userId={member.userId!} /> } : notFound;
  if (path === '/catalogs') return can('read', 'catalogs') ? { title: 'Catalogs', element: <CatalogsPage /> } : notFound;
  const catalog = match('/catalogs/:id', path);
  if (catalog) return can('read', 'catalogs') ? { title: 'Catalog', element: <CatalogPage key={catalog.id} id={catalog.id!} /> } : notFound;
  if (path === '/frameworks/new') return can('create', 'frameworks') ? { title: 'Add a framework', element: <FrameworkNewPage /> } : notFound;
  if (path === '/tokens') return { title: 'API tokens', element: <TokensPage /> };
  if (path === '/organization') return { title: 'Organization', element: <OrgPage /> };
  if (path === '/ledger') return can('read', 'events') ? { title: 'Ledger', element: <LedgerPage /> } : notFound;
  if (path === '/ledger/checkpoints') return can('read', 'ledger') ? { title: 'Ledger checkpoints', element: <CheckpointsPage /> } : notFound;
  if (path === '/ledger/verifications') return can('read', 'ledger-verify') ? { title: 'Ledger verifications', element: <VerificationsPage /> } : notFound;
  const entry = match('/ledger/entries/:index', path);
  if (entry) return can('read', 'ledger') ? { title: `Ledger entry ${entry.index}`, element: <LedgerEntryPage key={entry.index} index={entry.index!} /> } : notFound;
  if (path === '/vendor-reviews') return can('read', 'vendor-reviews') ? { title: 'Vendor reviews', element: <VendorReviewsPage /> } : notFound;
  const vendorReview = match('/vendor-reviews/:id', path);
  if (vendorReview) return can('read', 'vendor-reviews') ? { title: 'Vendor review', element: <VendorReviewPage key={vendorReview.id} id={vendorReview.id!} /> } : notFound;
  if (path === '/risk-register') return can('read', 'risks') ? { title: 'Risk register', element: <RiskRegisterPage /> } : notFound;
  if (path === '/risk-method') return can('read', 'risk-method') ? { title: 'Risk method', element: <RiskMethodPage /> } : notFound;
  if (path === '/stale-evidence') return can('read', 'evidence') ? { title: 'Stale evidence', element: <StaleEvidencePage /> } : notFound;
  if (path === '/overdue-exceptions') return can('read', 'control-exceptions') ? { title: 'Overdue exceptions', element: <OverdueExceptionsPage /> } : notFound;
  if (path === '/retention') return can('read', 'retention') ? { title: 'Retention', element: <RetentionPage /> } : notFound;
  if (path === '/ropa') return can('read', 'ropa') ? { title: 'Records of processing', element: <RopaPage /> } : notFound;
  if (path === '/raci') return can('read', 'raci') && can('read', 'services') ? { title: 'RACI per service', element: <RaciListPage /> } : notFound;
  const raci = match('/raci/:serviceId', path);
  if (raci) return can('read', 'raci') ? { title: 'RACI', element: <RaciEditorPage key={raci.serviceId} serviceId={raci.serviceId!} /> } : notFound;
  if (path === '/scope/findings') return can('read', 'scope-analysis') ? { title: 'Scope findings', element: <ScopeFindingsPage /> } : notFound;
  if (path === '/scope/blast-radius') return can('read', 'scope-analysis') ? { title: 'Blast radius', element: <BlastRadiusPage /> } : notFound;
  if (path === '/scope/residency') return can('read', 'scope-analysis') ? { title: 'Data residency', element: <ResidencyPage /> } : notFound;
  if (path === '/scope/statement') return can('read', 'scope-statement') ? { title: 'Scope statement', element: <ScopeStatementPage /> } : notFound;
  if (path === '/scope/changes') return can('read', 'scope-changes') ? { title: 'Scope changes', element: <ScopeChangesPage /> } : notFound;
  if (path === '/scope/changes/new') return can('create', 'scope-changes') ? { title: 'Propose a scope change', element: <ScopeChangeEditPage key="new" /> } : notFound;
  const scopeEdit = match('/scope/changes/:id/edit', path);
  if (scopeEdit) return can('create', 'scope-changes') ? { title: 'Edit scope change', element: <ScopeChangeEditPage key={`edit-${scopeEdit.id}`} id={scopeEdit.id!} /> } : notFound;
  const scopeChange = match('/scope/changes/:id', path);
  if (scopeChange) return can('read', 'scope-changes') ? { title: 'Scope change', element: <ScopeChangePage key={scopeChange.id} id={scopeChange.id!} /> } : notFound;
  return notFound;
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
      <a href="#main" className="skip" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <Link to="/" className="brand">tenantproof</Link>
      <nav aria-label="Main">
        <ul>
          {viewer && me?.tenantId ? item(`/tenants/${me.tenantId}`, 'My tenant') : item('/', 'Dashboard')}
          {!viewer && RESOURCE_VIEWS.filter((v) => can('read', v.name)).map((v) => item(v.path, v.plural))}
          {can('read', 'soa') && item('/soa', 'Statement of Applicability')}
          {viewer && me?.tenantId && can('read', 'tenant-soa') && item(`/soa/tenants/${me.tenantId}`, 'Our SoA')}
          {can('read', 'catalogs') && item('/catalogs', 'Catalogs')}
          {can('read', 'events') && item('/ledger', 'Ledger')}
          {can('read', 'vendor-reviews') && item('/vendor-reviews', 'Vendor reviews')}
          {can('read', 'risks') && item('/risk-register', 'Risk register')}
          {viewer && can('read', 'evidence') && item('/evidence', 'Evidence')}
          {!viewer && can('read', 'evidence') && item('/stale-evidence', 'Stale evidence')}
          {can('read', 'control-exceptions') && item('/overdue-exceptions', 'Overdue exceptions')}
          {can('read', 'retention') && item('/retention', 'Retention')}
          {can('read', 'ropa') && item('/ropa', 'Records of processing')}
          {can('read', 'raci') && can('read', 'services') && item('/raci', 'RACI')}
          {can('read', 'scope-statement') && item('/scope/statement', 'Scope statement')}
          {can('read', 'scope-analysis') && item('/scope/findings', 'Scope findings')}
          {can('read', 'scope-analysis') && item('/scope/blast-radius', 'Blast radius')}
          {can('read', 'scope-analysis') && item('/scope/residency', 'Residency')}
          {can('read', 'scope-changes') && item('/scope/changes', 'Scope changes')}
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

/** The signed-in app: navigation and the page; on every move to another page, the title changes and the focus goes to the content. */
function Shell({ me }: { me: Me }) {
  const { can } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const previous = useRef(path);
  const route = resolve(path, me, can);
  useEffect(() => { document.title = `${route.title} · tenantproof`; }, [route.title]);
  useEffect(() => {
    if (previous.current === path) return;
    previous.current = path;
    main.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [path]);
  if (path === '/login') return <Redirect to={homeOf(me)} />;
  return (
    <>
      <Nav />
      <main id="main" tabIndex={-1} ref={main}>
        {route.element}
      </main>
    </>
  );
}

export function App() {
  const { me, loading } = useSession();
  useEffect(() => { if (!loading && !me) document.title = 'Log in · tenantproof'; }, [loading, me]);
  if (loading) return <p className="loading" aria-live="polite">Loading…</p>;
  if (!me) return <LoginPage />;
  return <Shell me={me} />;
}
