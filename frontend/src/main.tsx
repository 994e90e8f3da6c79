import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { AppShell, RequireAuth } from './app/AppShell';
import { AuditPage } from './pages/AuditPage';
import { BoardPage } from './pages/BoardPage';
import { FeaturesPage } from './pages/FeaturesPage';
import { ContentMatrixPage } from './pages/ContentMatrixPage';
import { HomePage } from './pages/HomePage';
import { InvitationPage } from './pages/InvitationPage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { CustomersPage } from './pages/CustomersPage';
import { NewPersonaPage, PersonaPage } from './pages/PersonaPage';
import { PersonaComparePage } from './pages/PersonaComparePage';
import { InterviewGuidePage, InterviewNotePage, ResearchPage } from './pages/ResearchPage';
import { PersonasPage } from './pages/PersonasPage';
import { SharePage } from './pages/SharePage';
import { TeamPage } from './pages/TeamPage';
import { TrashPage } from './pages/TrashPage';
import { ApiError } from './api/http';
import './styles/app.css';
import './styles/analysis.css';

// Cytoscape and d3 load with the graph page only.
const GraphPage = lazy(() => import('./pages/GraphPage').then((m) => ({ default: m.GraphPage })));
// The rule builder and the charts load with the segment pages only.
const SegmentPage = lazy(() => import('./pages/SegmentPage').then((m) => ({ default: m.SegmentPage })));
const SegmentsPage = lazy(() => import('./pages/SegmentsPage').then((m) => ({ default: m.SegmentsPage })));
const NewSegmentPage = lazy(() => import('./pages/SegmentsPage').then((m) => ({ default: m.NewSegmentPage })));
const segmentsLoading = <div className="page-loading" aria-busy="true">Loading…</div>;

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
    },
  },
});

function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routes>
          <Route path="/login/" element={<LoginPage />} />
          <Route path="/share/:token/" element={<SharePage />} />
          <Route element={<RequireAuth />}>
            <Route path="/maps/:mapId/" element={<BoardPage />} />
            <Route element={<AppShell />}>
              <Route path="/" element={<HomePage />} />
              <Route
                path="/maps/:mapId/graph/"
                element={
                  <Suspense fallback={<div className="page-loading" aria-busy="true">Loading the graph…</div>}>
                    <GraphPage />
                  </Suspense>
                }
              />
              <Route path="/maps/:mapId/content/" element={<ContentMatrixPage />} />
              <Route path="/personas/" element={<PersonasPage />} />
              <Route path="/personas/new/" element={<NewPersonaPage />} />
              <Route path="/personas/compare/" element={<PersonaComparePage />} />
              <Route path="/personas/:personaId/" element={<PersonaPage />} />
              <Route path="/research/" element={<ResearchPage />} />
              <Route path="/research/notes/:noteId/" element={<InterviewNotePage />} />
              <Route path="/research/guides/:guideId/" element={<InterviewGuidePage />} />
              <Route
                path="/segments/"
                element={
                  <Suspense fallback={segmentsLoading}>
                    <SegmentsPage />
                  </Suspense>
                }
              />
              <Route
                path="/segments/new/"
                element={
                  <Suspense fallback={segmentsLoading}>
                    <NewSegmentPage />
                  </Suspense>
                }
              />
              <Route
                path="/segments/:segmentId/"
                element={
                  <Suspense fallback={segmentsLoading}>
                    <SegmentPage />
                  </Suspense>
                }
              />
              <Route path="/customers/" element={<CustomersPage />} />
              <Route path="/features/" element={<FeaturesPage />} />
              <Route path="/team/" element={<TeamPage />} />
              <Route path="/audit/" element={<AuditPage />} />
              <Route path="/trash/" element={<TrashPage />} />
              <Route path="/invitations/:token/" element={<InvitationPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </QueryClientProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
