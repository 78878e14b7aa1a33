import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client';
import { App } from './App';
import { SessionProvider } from './auth/session';
import { RouterProvider } from './router';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      // 4xx answers are final (a 404 is "not found", not a reason to retry)
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </RouterProvider>
    </QueryClientProvider>
  </StrictMode>,
);
