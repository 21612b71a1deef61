import { Link } from 'react-router'
import { useQuery } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, type User } from '../api'
import { useMe, useProblems, useRuntimes } from '../api/hooks'
import { Avatar } from '../components/Avatar'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { ErrorAlert } from '../components/Modal'
import { EmptyState, SkeletonList } from '../components/States'
import { LANGUAGES, runtimeFor } from '../editor/languages'
import { formatDate } from '../format'

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="card bg-base-100 shadow-sm" aria-label={title} data-testid={testId}>
      <div className="card-body gap-3 p-4">
        <h2 className="text-lg font-semibold">{title}</h2>
        {children}
      </div>
    </section>
  )
}

export default function AdminPage() {
  const me = useMe()
  const user = me.data as User
  const users = useQuery({ queryKey: keys.adminUsers, queryFn: ({ signal }) => api.adminUsers(signal), enabled: user.role === 'admin', retry: false })
  const runtimes = useRuntimes()
  const problems = useProblems()

  if (user.role !== 'admin') {
    return (
      <EmptyState title="Administrators only" testId="admin-forbidden">
        <Link to="/dashboard" className="link link-primary">
          Back to the dashboard
        </Link>
      </EmptyState>
    )
  }

  return (
    <div className="space-y-6" data-testid="admin-page">
      <h1 className="text-2xl font-bold">Administration</h1>

      <Section title="Users" testId="admin-users">
        {users.isPending ? (
          <SkeletonList rows={3} />
        ) : users.isError ? (
          <ErrorAlert message={errorMessage(users.error)} />
        ) : (
          <div className="overflow-x-auto">
            <table className="table table-sm">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th className="hidden sm:table-cell">Joined</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id} data-testid="admin-user">
                    <td>
                      <span className="flex items-center gap-2">
                        <Avatar name={u.name} image={u.image} size="xs" />
                        {u.name}
                      </span>
                    </td>
                    <td className="break-all">{u.email}</td>
                    <td>
                      <span className={`badge badge-sm capitalize ${u.role === 'admin' ? 'badge-primary' : 'badge-ghost'}`}>{u.role}</span>
                    </td>
                    <td>{u.disabled ? <span className="badge badge-sm badge-error">disabled</span> : <span className="badge badge-sm badge-success">active</span>}</td>
                    <td className="hidden sm:table-cell">{formatDate(u.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="mt-2 text-xs text-base-content/60">Change roles or disable accounts with the command line: <code>coderoom users --help</code>.</p>
          </div>
        )}
      </Section>

      <Section title="Sandbox runtimes" testId="admin-runtimes">
        {runtimes.isPending ? (
          <SkeletonList rows={2} />
        ) : runtimes.isError ? (
          <ErrorAlert
            message={isApiError(runtimes.error, 404) ? 'This server has no sandbox: code cannot be run.' : errorMessage(runtimes.error)}
          />
        ) : (
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
            {LANGUAGES.map((l) => {
              const rt = runtimeFor(l.id, runtimes.data)
              return (
                <li key={l.id} className="flex items-center justify-between rounded-box border border-base-300 px-3 py-2 text-sm" data-testid="admin-runtime" data-installed={rt ? 'true' : 'false'}>
                  <span className="font-medium">{l.label}</span>
                  {rt ? <span className="badge badge-success badge-sm">{rt.version}</span> : <span className="badge badge-ghost badge-sm">not installed</span>}
                </li>
              )
            })}
          </ul>
        )}
      </Section>

      <Section title="Problems" testId="admin-problems">
        {problems.isPending ? (
          <SkeletonList rows={3} />
        ) : problems.isError ? (
          <ErrorAlert message={errorMessage(problems.error)} />
        ) : problems.data.length === 0 ? (
          <EmptyState title="No problems">Add problems with the command line: <code>coderoom problems --help</code>.</EmptyState>
        ) : (
          <ul className="divide-y divide-base-300">
            {problems.data.map((p) => (
              <li key={p.slug} className="flex flex-wrap items-center gap-2 py-2 text-sm">
                <Link to={`/problem/${encodeURIComponent(p.slug)}`} className="link link-hover font-medium">
                  {p.title}
                </Link>
                <DifficultyBadge difficulty={p.difficulty} />
                <span className="text-base-content/60">{p.category}</span>
                <code className="ml-auto text-xs text-base-content/60">{p.slug}</code>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  )
}
