import { useState, type FormEvent } from 'react';
import { homeOf, useSession } from '../auth/session';
import { ErrorBanner } from '../components/ErrorBanner';
import { navigate } from '../router';

export function LoginPage() {
  const { login } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const me = await login(email, password);
      // A deep link opened while logged out is kept; otherwise the person's home.
      const here = window.location.pathname;
      if (here === '/' || here === '/login') navigate(homeOf(me), { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <h1>tenantproof</h1>
      <p className="lead">ISO 27001 ISMS for providers with many tenants.</p>
      <form onSubmit={submit} noValidate>
        <ErrorBanner error={error} />
        <div className="field">
          <label htmlFor="login-email">Email</label>
          <input id="login-email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
    </main>
  );
}
