import { useEffect, useId, useRef, useState } from 'react'
import { Link } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, type AdminUser, type AuditEntry, type ComponentStatus, type Criterion, type Role, type Rubric, type User } from '../api'
import { useMe, useProblem, useProblems, useRuntimes } from '../api/hooks'
import { Avatar } from '../components/Avatar'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { ConfirmMutation, ErrorAlert, Modal } from '../components/Modal'
import { ProblemDescription } from '../components/ProblemDescription'
import { EmptyState, Loading, QueryState, SkeletonList } from '../components/States'
import { LANGUAGES, runtimeFor } from '../editor/languages'
import { formatDate } from '../format'
import { readProblemFiles, type ProblemBody } from './problemImport'

const ROLES: Role[] = ['admin', 'interviewer', 'candidate']

function Section({ title, children, testId, actions }: { title: string; children: React.ReactNode; testId?: string; actions?: React.ReactNode }) {
  return (
    <section className="card bg-base-100 shadow-sm" aria-label={title} data-testid={testId}>
      <div className="card-body gap-3 p-4">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="text-lg font-semibold">{title}</h2>
          {actions && <div className="ml-auto flex flex-wrap gap-2">{actions}</div>}
        </div>
        {children}
      </div>
    </section>
  )
}

function Notice({ kind, message, testId }: { kind: 'success' | 'error'; message: string; testId: string }) {
  if (kind === 'error') return <ErrorAlert message={message} testId={testId} />
  return (
    <div role="status" className="alert alert-success alert-soft whitespace-pre-line" data-testid={testId}>
      <span>{message}</span>
    </div>
  )
}

export default function AdminPage() {
  const me = useMe()
  const user = me.data as User

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
      <UsersSection me={user} />
      <SandboxSection />
      <ProblemsSection />
      <RubricsSection />
      <AuditSection />
    </div>
  )
}

// ---------------------------------------------------------------------------------------------
// Users

function UsersSection({ me }: { me: User }) {
  const qc = useQueryClient()
  const users = useQuery({ queryKey: keys.adminUsers, queryFn: ({ signal }) => api.adminUsers(signal), retry: false })
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; message: string } | null>(null)
  const update = useMutation({
    mutationFn: (v: { user: AdminUser; changes: { role?: Role; disabled?: boolean } }) => api.adminUpdateUser(v.user.id, v.changes),
    onSuccess: (updated, v) => {
      const what =
        v.changes.role !== undefined ? `${updated.name} is now ${updated.role}` : `${updated.name} is ${updated.disabled ? 'disabled' : 'enabled'}`
      setNotice({ kind: 'success', message: `${what}; their existing sign-ins were revoked.` })
    },
    onError: (e) => setNotice({ kind: 'error', message: errorMessage(e) }),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.adminUsers }),
  })
  const busyId = update.isPending ? update.variables?.user.id : undefined

  return (
    <Section title="Users" testId="admin-users">
      {notice && <Notice kind={notice.kind} message={notice.message} testId={notice.kind === 'error' ? 'admin-users-error' : 'admin-users-notice'} />}
      <QueryState
        query={users}
        loading={<SkeletonList rows={3} />}
        empty={<EmptyState title="No users yet" />}
      >
        {(accounts) => (
          <div className="overflow-x-auto">
            <table className="table table-sm">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Email</th>
                  <th>Role</th>
                  <th>Status</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((u) => {
                  const self = u.id === me.id
                  const busy = busyId === u.id
                  return (
                    <tr key={u.id} data-testid="admin-user" data-email={u.email} data-role={u.role} data-disabled={u.disabled ? 'true' : 'false'}>
                      <td>
                        <span className="flex items-center gap-2">
                          <Avatar name={u.name} image={u.image} size="xs" />
                          {u.name}
                          {self && <span className="badge badge-outline badge-xs">you</span>}
                        </span>
                      </td>
                      <td className="break-all">{u.email}</td>
                      <td>
                        {u.role === 'guest' ? (
                          <span className="badge badge-ghost badge-sm" title="Came in by an invitation link; limited to one interview">
                            guest
                          </span>
                        ) : (
                        <select
                          className="select select-bordered select-xs capitalize"
                          aria-label={`Role of ${u.name}`}
                          data-testid="admin-user-role"
                          value={u.role}
                          disabled={busy || update.isPending}
                          onChange={(e) => {
                            setNotice(null)
                            update.mutate({ user: u, changes: { role: e.target.value as Role } })
                          }}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                        )}
                      </td>
                      <td>
                        {u.disabled ? <span className="badge badge-sm badge-error">disabled</span> : <span className="badge badge-sm badge-success">active</span>}
                      </td>
                      <td>
                        <button
                          type="button"
                          className={`btn btn-xs ${u.disabled ? 'btn-success btn-soft' : 'btn-error btn-soft'}`}
                          data-testid="admin-user-toggle"
                          aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.name}`}
                          disabled={update.isPending}
                          onClick={() => {
                            setNotice(null)
                            update.mutate({ user: u, changes: { disabled: !u.disabled } })
                          }}
                        >
                          {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
                          {u.disabled ? 'Enable' : 'Disable'}
                        </button>
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
            <p className="mt-2 text-xs text-base-content/60">
              Changing a role or disabling an account signs that person out everywhere. The last administrator cannot be demoted or disabled. Command line:{' '}
              <code>coderoom users --help</code>.
            </p>
          </div>
        )}
      </QueryState>
    </Section>
  )
}

// ---------------------------------------------------------------------------------------------
// Sandbox and runtimes

function statusBadge(status: string | undefined) {
  switch (status) {
    case 'ok':
      return 'badge-success'
    case 'degraded':
    case 'disabled':
      return 'badge-warning'
    case 'error':
      return 'badge-error'
    default:
      return 'badge-ghost'
  }
}

function ComponentRow({ name, c, testId }: { name: string; c: ComponentStatus | undefined; testId: string }) {
  return (
    <li className="flex flex-wrap items-center gap-2 text-sm" data-testid={testId} data-status={c?.status ?? 'unknown'}>
      <span className="w-20 font-medium">{name}</span>
      <span className={`badge badge-sm ${statusBadge(c?.status)}`}>{c?.status ?? 'unknown'}</span>
      {c?.message && <span className="text-base-content/70 break-words">{c.message}</span>}
    </li>
  )
}

function SandboxSection() {
  const runtimes = useRuntimes()
  const ready = useQuery({ queryKey: keys.readiness, queryFn: ({ signal }) => api.readiness(signal), retry: false, refetchInterval: 30_000 })
  const sandbox = ready.data?.components.sandbox
  const load = sandbox && typeof sandbox.running === 'number' ? `${String(sandbox.running)} running, ${String(sandbox.queued ?? 0)} queued` : null

  return (
    <Section
      title="Sandbox and runtimes"
      testId="admin-runtimes"
      actions={
        <button
          type="button"
          className="btn btn-ghost btn-xs"
          data-testid="admin-status-refresh"
          onClick={() => {
            void ready.refetch()
            void runtimes.refetch()
          }}
        >
          Refresh
        </button>
      }
    >
      <QueryState
        query={ready}
        loading={<Loading label="Checking status…" testId="admin-status-loading" />}
      >
        {(report) => (
          <ul className="space-y-1" data-testid="admin-status">
            <ComponentRow name="Database" c={report.components.database} testId="admin-status-database" />
            <ComponentRow name="Sandbox" c={sandbox} testId="admin-sandbox-status" />
            <ComponentRow name="Stream" c={report.components.stream} testId="admin-status-stream" />
            {load && <li className="text-xs text-base-content/60">Sandbox load: {load}</li>}
          </ul>
        )}
      </QueryState>
      <QueryState
        query={runtimes}
        loading={<SkeletonList rows={2} />}
        errorText={(e) => (isApiError(e, 404) ? 'This server has no sandbox: code cannot be run.' : errorMessage(e))}
      >
        {(installed) => (
          <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
            {LANGUAGES.map((l) => {
              const rt = runtimeFor(l.id, installed)
              return (
                <li
                  key={l.id}
                  className="flex items-center justify-between rounded-box border border-base-300 px-3 py-2 text-sm"
                  data-testid="admin-runtime"
                  data-installed={rt ? 'true' : 'false'}
                >
                  <span className="font-medium">{l.label}</span>
                  {rt ? <span className="badge badge-success badge-sm">{rt.version}</span> : <span className="badge badge-ghost badge-sm">not installed</span>}
                </li>
              )
            })}
          </ul>
        )}
      </QueryState>
      <p className="text-xs text-base-content/60">
        Install runtimes with <code>coderoom runtimes build</code>.
      </p>
    </Section>
  )
}

// ---------------------------------------------------------------------------------------------
// Problems

function ProblemsSection() {
  const problems = useProblems()
  const [importing, setImporting] = useState(false)
  const [preview, setPreview] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)

  return (
    <Section
      title="Problems"
      testId="admin-problems"
      actions={
        <button type="button" className="btn btn-primary btn-sm" data-testid="admin-import-open" onClick={() => setImporting(true)}>
          Import problem
        </button>
      }
    >
      {notice && <Notice kind="success" message={notice} testId="admin-import-notice" />}
      <QueryState
        query={problems}
        loading={<SkeletonList rows={3} />}
        empty={
          <EmptyState title="No problems">
            Import one with the button above, or with the command line: <code>coderoom problems import</code>.
          </EmptyState>
        }
      >
        {(library) => (
          <ul className="divide-y divide-base-300">
            {library.map((p) => (
              <li key={p.slug} className="flex flex-wrap items-center gap-2 py-2 text-sm" data-testid="admin-problem" data-slug={p.slug}>
                <Link to={`/problem/${encodeURIComponent(p.slug)}`} className="link link-hover font-medium">
                  {p.title}
                </Link>
                <DifficultyBadge difficulty={p.difficulty} />
                <span className="text-base-content/60">{p.category}</span>
                <code className="ml-auto text-xs text-base-content/60">{p.slug}</code>
                <button type="button" className="btn btn-ghost btn-xs" data-testid="admin-problem-preview" aria-label={`Preview ${p.title}`} onClick={() => setPreview(p.slug)}>
                  Preview
                </button>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        existing={problems.data?.map((p) => p.slug) ?? []}
        onImported={(slug, title) => {
          setImporting(false)
          setNotice(`Imported ${title} (${slug}).`)
        }}
      />
      <PreviewDialog slug={preview} onClose={() => setPreview(null)} />
    </Section>
  )
}

function PreviewDialog({ slug, onClose }: { slug: string | null; onClose: () => void }) {
  return (
    <Modal
      open={slug !== null}
      onClose={onClose}
      title="Problem preview"
      wide
      testId="admin-problem-preview-dialog"
      actions={
        <>
          {slug && (
            <Link to={`/problem/${encodeURIComponent(slug)}`} className="btn btn-ghost btn-sm">
              Open practice page
            </Link>
          )}
          <button type="button" className="btn btn-sm" onClick={onClose} data-testid="admin-preview-close">
            Close
          </button>
        </>
      }
    >
      {slug && <PreviewBody slug={slug} />}
    </Modal>
  )
}

function PreviewBody({ slug }: { slug: string }) {
  const problem = useProblem(slug)
  if (problem.isPending) return <SkeletonList rows={4} />
  if (problem.isError) return <ErrorAlert message={errorMessage(problem.error)} />
  return (
    <div className="max-h-[60vh] overflow-y-auto">
      <ProblemDescription problem={problem.data} headingLevel={2} />
    </div>
  )
}

function ImportDialog({
  open,
  onClose,
  existing,
  onImported,
}: {
  open: boolean
  onClose: () => void
  existing: string[]
  onImported: (slug: string, title: string) => void
}) {
  const qc = useQueryClient()
  const fileId = useId()
  const folderId = useId()
  const fileRef = useRef<HTMLInputElement>(null)
  const folderRef = useRef<HTMLInputElement>(null)
  const [body, setBody] = useState<ProblemBody | null>(null)
  const [source, setSource] = useState('')
  const [error, setError] = useState<string | null>(null)

  // React has no typed prop for folder picking.
  useEffect(() => {
    folderRef.current?.setAttribute('webkitdirectory', '')
    folderRef.current?.setAttribute('directory', '')
  }, [open])

  const reset = () => {
    setBody(null)
    setSource('')
    setError(null)
    if (fileRef.current) fileRef.current.value = ''
    if (folderRef.current) folderRef.current.value = ''
  }

  const upload = useMutation({
    mutationFn: (b: ProblemBody) => api.adminImportProblem(b),
    onSuccess: async (p) => {
      await qc.invalidateQueries({ queryKey: keys.problems })
      await qc.invalidateQueries({ queryKey: keys.problem(p.slug) })
      reset()
      onImported(p.slug, p.title)
    },
    onError: (e) => setError(errorMessage(e)),
  })

  const pick = async (list: FileList | null) => {
    setError(null)
    setBody(null)
    upload.reset()
    const files = Array.from(list ?? [])
    if (files.length === 0) return
    try {
      const b = await readProblemFiles(files)
      setBody(b)
      setSource(files.length === 1 ? (files[0]?.name ?? '1 file') : `${files.length} files`)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const slug = typeof body?.slug === 'string' ? body.slug : ''
  const title = typeof body?.title === 'string' ? body.title : ''
  const replaces = slug !== '' && existing.includes(slug)

  return (
    <Modal
      open={open}
      onClose={() => {
        reset()
        onClose()
      }}
      title="Import problem"
      testId="admin-import-dialog"
      actions={
        <>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            onClick={() => {
              reset()
              onClose()
            }}
          >
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-primary btn-sm"
            data-testid="admin-import-submit"
            disabled={!body || upload.isPending}
            onClick={() => body && upload.mutate(body)}
          >
            {upload.isPending && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            {replaces ? 'Replace problem' : 'Import'}
          </button>
        </>
      }
    >
      <div className="space-y-3 text-sm">
        <p className="text-base-content/70">
          Choose a problem definition as JSON (as <code>coderoom problems show --json</code> prints it) or a problem folder with{' '}
          <code>problem.toml</code>, <code>description.md</code>, <code>tests.json</code> and <code>solutions/</code>. The server checks it exactly as{' '}
          <code>coderoom problems import</code> does.
        </p>
        <div className="flex flex-col gap-1">
          <label htmlFor={fileId} className="font-medium">
            Definition file (.json)
          </label>
          <input
            id={fileId}
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            className="file-input file-input-bordered file-input-sm w-full"
            data-testid="admin-import-file"
            onChange={(e) => void pick(e.target.files)}
          />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={folderId} className="font-medium">
            …or a problem folder
          </label>
          <input
            id={folderId}
            ref={folderRef}
            type="file"
            multiple
            className="file-input file-input-bordered file-input-sm w-full"
            data-testid="admin-import-folder"
            onChange={(e) => void pick(e.target.files)}
          />
        </div>
        {body && (
          <div className="rounded-box bg-base-200 p-3" data-testid="admin-import-summary">
            <p>
              <span className="font-semibold">{title || '(no title)'}</span> <code className="text-xs">{slug || '(no slug)'}</code>
            </p>
            <p className="text-xs text-base-content/60">From {source}</p>
            {replaces && <p className="mt-1 text-warning-content badge badge-warning badge-sm">Replaces the existing problem with this slug</p>}
          </div>
        )}
        {error && (
          <div role="alert" className="alert alert-error alert-soft" data-testid="admin-import-error">
            <span className="whitespace-pre-line break-words">{error}</span>
          </div>
        )}
      </div>
    </Modal>
  )
}

// ---------------------------------------------------------------------------------------------
// Rubrics (what interviewers rate candidates on)

const RUBRIC_ID = /^[a-z0-9_-]+$/
const MAX_CRITERIA = 12

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
}

function RubricsSection() {
  const qc = useQueryClient()
  const rubrics = useQuery({ queryKey: keys.rubrics, queryFn: ({ signal }) => api.rubrics(signal), retry: false })
  const [editing, setEditing] = useState<Rubric | 'new' | null>(null)
  const [removing, setRemoving] = useState<Rubric | null>(null)
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; message: string } | null>(null)
  const refresh = () => qc.invalidateQueries({ queryKey: keys.rubrics })
  const makeDefault = useMutation({
    mutationFn: (r: Rubric) => api.adminDefaultRubric(r.id),
    onSuccess: (r) => setNotice({ kind: 'success', message: `${r.name} is now the default rubric.` }),
    onError: (e) => setNotice({ kind: 'error', message: errorMessage(e) }),
    onSettled: refresh,
  })
  const remove = useMutation({
    mutationFn: (r: Rubric) => api.adminRemoveRubric(r.id),
    onSuccess: (_x, r) => {
      setNotice({ kind: 'success', message: `Removed ${r.name}.` })
      setRemoving(null)
    },
    onSettled: refresh,
  })

  return (
    <Section
      title="Rubrics"
      testId="admin-rubrics"
      actions={
        <button type="button" className="btn btn-primary btn-sm" onClick={() => setEditing('new')} data-testid="rubric-new">
          New rubric
        </button>
      }
    >
      <p className="text-sm text-base-content/70">What interviewers rate on their scorecards. New scorecards start on the default rubric; interviewers may pick another while drafting.</p>
      {notice && <Notice kind={notice.kind} message={notice.message} testId={notice.kind === 'error' ? 'rubric-error' : 'rubric-notice'} />}
      <QueryState
        query={rubrics}
        loading={<SkeletonList rows={2} />}
        empty={<EmptyState title="No rubrics" />}
      >
        {(rubricList) => (
          <ul className="divide-y divide-base-300" data-testid="rubrics">
            {rubricList.map((r) => (
              <li key={r.id} className="flex flex-wrap items-start gap-2 py-2 text-sm" data-testid="rubric" data-rubric-id={r.id} data-default={r.isDefault ? 'true' : 'false'}>
                <div className="min-w-0 flex-1">
                  <p className="flex flex-wrap items-center gap-2">
                    <span className="font-medium">{r.name}</span>
                    {r.isDefault && <span className="badge badge-primary badge-sm">default</span>}
                    <code className="text-xs text-base-content/60">{r.id}</code>
                  </p>
                  {r.description && <p className="text-xs text-base-content/70">{r.description}</p>}
                  <p className="text-xs text-base-content/60">{r.criteria.map((c) => c.name).join(' · ')}</p>
                </div>
                <div className="flex flex-wrap gap-1">
                  {!r.isDefault && (
                    <button type="button" className="btn btn-ghost btn-xs" disabled={makeDefault.isPending} onClick={() => { setNotice(null); makeDefault.mutate(r) }} data-testid="rubric-default">
                      Make default
                    </button>
                  )}
                  <button type="button" className="btn btn-ghost btn-xs" onClick={() => setEditing(r)} data-testid="rubric-edit">
                    Edit
                  </button>
                  <button type="button" className="btn btn-ghost btn-xs text-error" onClick={() => { setNotice(null); remove.reset(); setRemoving(r) }} disabled={r.isDefault} title={r.isDefault ? 'Make another rubric the default first' : undefined} data-testid="rubric-delete">
                    Delete
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      <RubricDialog
        rubric={editing}
        existing={rubrics.data?.map((r) => r.id) ?? []}
        onClose={() => setEditing(null)}
        onSaved={(r) => {
          setEditing(null)
          setNotice({ kind: 'success', message: `Saved ${r.name}.` })
          void refresh()
        }}
      />
      <ConfirmMutation
        subject={removing}
        mutation={remove}
        onClose={() => setRemoving(null)}
        title={`Delete ${removing?.name ?? ''}?`}
        body="Scorecards already written on it keep their ratings; new scorecards can no longer use it."
        confirmLabel="Delete"
        danger
        confirmTestId="confirm-rubric-delete"
      />
    </Section>
  )
}

interface CriterionRow extends Criterion {
  key: number
}

function RubricDialog({ rubric, existing, onClose, onSaved }: { rubric: Rubric | 'new' | null; existing: string[]; onClose: () => void; onSaved: (r: Rubric) => void }) {
  const isNew = rubric === 'new'
  const [id, setId] = useState('')
  const [idTouched, setIdTouched] = useState(false)
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [rows, setRows] = useState<CriterionRow[]>([])
  const [nextKey, setNextKey] = useState(0)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (rubric === null) return
    const r = rubric === 'new' ? null : rubric
    setId(r?.id ?? '')
    setIdTouched(!!r)
    setName(r?.name ?? '')
    setDescription(r?.description ?? '')
    const crit = r?.criteria ?? [{ id: '', name: '', guidance: '' }]
    setRows(crit.map((c, i) => ({ ...c, key: i })))
    setNextKey(crit.length)
    setError(null)
  }, [rubric])

  const save = useMutation({
    mutationFn: () => api.adminSaveRubric(id, { name: name.trim(), description: description.trim(), criteria: rows.map(({ key: _k, ...c }) => ({ id: c.id.trim(), name: c.name.trim(), guidance: (c.guidance ?? '').trim() })) }),
    onSuccess: onSaved,
    onError: (e) => setError(errorMessage(e)),
  })

  const ids = rows.map((r) => r.id.trim())
  const problem = !RUBRIC_ID.test(id)
    ? 'The id takes lowercase letters, digits, - and _.'
    : isNew && existing.includes(id)
      ? 'A rubric with this id exists: edit that one instead.'
      : !name.trim()
        ? 'Give the rubric a name.'
        : rows.length < 1 || rows.length > MAX_CRITERIA
          ? `Between 1 and ${MAX_CRITERIA} criteria.`
          : rows.some((r) => !RUBRIC_ID.test(r.id.trim()) || !r.name.trim())
            ? 'Every criterion needs an id (lowercase letters, digits, - and _) and a name.'
            : new Set(ids).size !== ids.length
              ? 'Two criteria have the same id.'
              : null
  const setRow = (key: number, change: Partial<Criterion>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)))

  return (
    <Modal
      open={rubric !== null}
      onClose={onClose}
      title={rubric === 'new' ? 'New rubric' : `Edit ${rubric?.name ?? ''}`}
      wide
      testId="rubric-dialog"
      actions={
        <>
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary btn-sm" disabled={!!problem || save.isPending} onClick={() => { setError(null); save.mutate() }} data-testid="rubric-save">
            {save.isPending && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Save rubric
          </button>
        </>
      }
    >
      <div className="space-y-3 text-sm">
        <div className="grid gap-2 sm:grid-cols-2">
          <label className="flex flex-col gap-1">
            <span className="font-medium">Name</span>
            <input
              className="input input-sm w-full"
              value={name}
              onChange={(e) => {
                setName(e.target.value)
                if (isNew && !idTouched) setId(slugify(e.target.value))
              }}
              data-testid="rubric-name"
            />
          </label>
          <label className="flex flex-col gap-1">
            <span className="font-medium">Id</span>
            <input
              className="input input-sm w-full font-mono"
              value={id}
              readOnly={!isNew}
              onChange={(e) => {
                setIdTouched(true)
                setId(e.target.value)
              }}
              data-testid="rubric-id"
            />
          </label>
        </div>
        <label className="flex flex-col gap-1">
          <span className="font-medium">Description</span>
          <textarea className="textarea textarea-sm w-full" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="rubric-description" />
        </label>
        <fieldset className="space-y-2">
          <legend className="font-medium">Criteria ({rows.length}/{MAX_CRITERIA})</legend>
          {rows.map((r, i) => (
            <div key={r.key} className="grid gap-1 rounded-box bg-base-200/70 p-2 sm:grid-cols-[8rem_1fr_auto]" data-testid="rubric-criterion">
              <input className="input input-xs font-mono" placeholder="id" aria-label={`Criterion ${i + 1} id`} value={r.id} onChange={(e) => setRow(r.key, { id: e.target.value })} data-testid="criterion-id" />
              <input className="input input-xs" placeholder="Name" aria-label={`Criterion ${i + 1} name`} value={r.name} onChange={(e) => setRow(r.key, { name: e.target.value, ...(r.id === '' || r.id === slugify(r.name) ? { id: slugify(e.target.value) } : {}) })} data-testid="criterion-name" />
              <button type="button" className="btn btn-ghost btn-xs text-error" aria-label={`Remove criterion ${i + 1}`} disabled={rows.length <= 1} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                Remove
              </button>
              <textarea className="textarea textarea-xs sm:col-span-3" rows={2} placeholder="Guidance: what a 1 and a 4 look like" aria-label={`Criterion ${i + 1} guidance`} value={r.guidance} onChange={(e) => setRow(r.key, { guidance: e.target.value })} data-testid="criterion-guidance" />
            </div>
          ))}
          <button
            type="button"
            className="btn btn-outline btn-xs"
            disabled={rows.length >= MAX_CRITERIA}
            onClick={() => {
              setRows((rs) => [...rs, { id: '', name: '', guidance: '', key: nextKey }])
              setNextKey(nextKey + 1)
            }}
            data-testid="criterion-add"
          >
            Add criterion
          </button>
        </fieldset>
        {problem && <p className="text-xs text-base-content/70" data-testid="rubric-problem">{problem}</p>}
        {error && <ErrorAlert message={error} testId="rubric-save-error" />}
      </div>
    </Modal>
  )
}

// ---------------------------------------------------------------------------------------------
// Audit log

const AUDIT_KINDS: Array<[string, string]> = [
  ['', 'Everything'],
  ['auth.', 'Sign-ins'],
  ['user.', 'Accounts'],
  ['session.', 'Sessions'],
  ['invite.', 'Links'],
  ['problem.', 'Problems'],
  ['apikey.', 'API keys'],
  ['backup.', 'Backups'],
]

function AuditSection() {
  const [action, setAction] = useState('')
  const [user, setUser] = useState('')
  const [userFilter, setUserFilter] = useState('')
  const audit = useQuery({
    queryKey: keys.adminAudit(action, userFilter),
    queryFn: ({ signal }) => api.adminAudit({ action, user: userFilter }, signal),
    retry: false,
  })
  const exportQuery = new URLSearchParams(Object.entries({ action, user: userFilter }).filter(([, v]) => v))
  const kindId = useId()
  const userId = useId()
  return (
    <Section
      title="Audit log"
      testId="admin-audit"
      actions={
        <a className="btn btn-sm btn-ghost" href={`/api/admin/audit/export?${exportQuery}`} data-testid="audit-export" download>
          Export JSON lines
        </a>
      }
    >
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault()
          setUserFilter(user.trim())
        }}
      >
        <label className="form-control" htmlFor={kindId}>
          <span className="label-text text-xs">What</span>
          <select id={kindId} className="select select-sm" value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-kind">
            {AUDIT_KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="form-control" htmlFor={userId}>
          <span className="label-text text-xs">Person (id or email)</span>
          <input id={userId} className="input input-sm" value={user} onChange={(e) => setUser(e.target.value)} data-testid="audit-user" />
        </label>
        <button type="submit" className="btn btn-sm">
          Filter
        </button>
      </form>
      <QueryState
        query={audit}
        loading={<SkeletonList rows={3} />}
        empty={<EmptyState title="Nothing recorded for this filter" />}
      >
        {(entries) => (
          <div className="max-h-96 overflow-auto">
            <table className="table table-sm" data-testid="audit-entries">
              <thead>
                <tr>
                  <th>When</th>
                  <th>What</th>
                  <th>Who</th>
                  <th>To what</th>
                  <th className="hidden md:table-cell">From</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry, index) => (
                  <AuditRow key={`${entry.at}-${index}`} entry={entry} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </Section>
  )
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const detail = entry.detail && typeof entry.detail === 'object' ? JSON.stringify(entry.detail) : ''
  return (
    <tr data-testid="audit-entry" data-action={entry.action}>
      <td className="whitespace-nowrap">{formatDate(entry.at)}</td>
      <td>
        <code>{entry.action}</code>
      </td>
      <td>{entry.actor ? (entry.actor.email ? `${entry.actor.name} <${entry.actor.email}>` : entry.actor.name) : '—'}</td>
      <td className="max-w-xs truncate" title={detail}>
        {entry.target ?? '—'}
        {detail && <span className="ml-1 text-xs opacity-60">{detail}</span>}
      </td>
      <td className="hidden md:table-cell">{entry.address ?? '—'}</td>
    </tr>
  )
}
