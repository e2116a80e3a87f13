import { Link } from 'react-router-dom';
import { EmptyState } from '../components/ui.tsx';
import { useDocumentTitle } from '../lib/hooks.ts';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page page-narrow">
      <EmptyState title="Page not found" icon="question">
        <p>That address doesn’t lead anywhere.</p>
        <Link to="/" className="btn btn-secondary btn-sm">
          Back to my workspace
        </Link>
      </EmptyState>
    </div>
  );
}
