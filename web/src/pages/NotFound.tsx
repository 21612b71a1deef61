import { Link } from 'react-router'
import { EmptyState } from '../components/States'

export function NotFoundPage() {
  return (
    <EmptyState title="Page not found" testId="not-found">
      <Link to="/" className="link link-primary">
        Go home
      </Link>
    </EmptyState>
  )
}
