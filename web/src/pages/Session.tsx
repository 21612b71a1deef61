import { Suspense, lazy, useEffect, useRef, useState, type ReactNode } from 'react'
import { Link, useLocation, useNavigate, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, type Invite, type PublicUser, type Session, type User } from '../api'
import {
  candidates,
  canManage,
  everyone,
  homePath,
  interviewers,
  isGuest,
  isHost,
  isMember,
  isOpen,
  isRecordViewer,
  seated,
  seatsFree,
  useConfig,
  useMe,
} from '../api/hooks'
import { Avatar } from '../components/Avatar'
import { CopyLinkButton } from '../components/CopyLink'
import { DifficultyBadge } from '../components/DifficultyBadge'
import { ConfirmDialog, ConfirmMutation, ErrorAlert } from '../components/Modal'
import { rememberRoomClosed } from '../components/GuestGate'
import { ProblemDescription } from '../components/ProblemDescription'
import { SplitPane } from '../components/SplitPane'
import { EmptyState, Loading } from '../components/States'
import { formatDate } from '../format'
import { ChatPanel } from '../room/Chat'
import { useRoomEvents, type ConnState, type RoomClosed } from '../room/useEvents'
import { InvitePanel, currentCandidateInvite, useInvites } from '../room/Invites'
import { VideoPanel } from '../room/Video'
import { NotesPanel } from '../room/Notes'
import { ScorecardPanel } from '../room/Scorecard'
import { RoomTimer } from '../room/Timer'
import { StreamChat, StreamVideo, useStreamApiKey } from '../room/stream'
import { EditorFallback } from './Practice'
import { Whiteboard } from '../whiteboard'
import { CodeOrBoard } from '../whiteboard/CodeOrBoard'
import { Markdown } from '../components/Markdown'
import { TabList } from '../components/TabList'

const RoomWorkbench = lazy(() => import('../room/RoomWorkbench'))

type SideTab = 'chat' | 'notes' | 'scorecard' | 'guidance'
const SIDE_TABS: Array<{ id: SideTab; label: string }> = [
  { id: 'chat', label: 'Chat' },
  { id: 'notes', label: 'Notes' },
  { id: 'scorecard', label: 'Scorecard' },
]

const CONN: Record<ConnState, { label: string; cls: string }> = {
  connecting: { label: 'Connecting…', cls: 'badge-warning' },
  open: { label: 'Live', cls: 'badge-success' },
  reconnecting: { label: 'Reconnecting…', cls: 'badge-warning' },
  closed: { label: 'Disconnected', cls: 'badge-error' },
}

export default function SessionPage() {
  const { id = '' } = useParams()
  const me = useMe()
  const user = me.data as User
  const qc = useQueryClient()
  const navigate = useNavigate()
  const location = useLocation()
  const [confirmEnd, setConfirmEnd] = useState(false)
  const [sideTab, setSideTab] = useState<SideTab>('chat')
  // The server closed the room for this person for good (removed, access lost, signed out):
  // stop asking for the session, whose answer would now be a refusal, and say why.
  const [gone, setGone] = useState<RoomClosed | null>(null)
  // Whether the host's invitation links are shown: decided when the page opens (shown while no
  // candidate is in, so a new session opens with its candidate link on screen, which then stays
  // to show the candidate arriving); the Invite button decides after.
  const fromCreate = (location.state as { invite?: boolean; inviteError?: string | null } | null) ?? null
  const [invitesShown, setInvitesShown] = useState<boolean | null>(null)

  const session = useQuery({
    queryKey: keys.session(id),
    queryFn: ({ signal }) => api.session(id, signal),
    refetchInterval: (q) => (q.state.data?.status === 'active' ? 5000 : false),
    retry: (n, e) => !isApiError(e, 404) && !isApiError(e, 403) && n < 2,
    enabled: !gone,
  })

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: keys.active })
    void qc.invalidateQueries({ queryKey: keys.myRecent })
  }

  const end = useMutation({
    mutationFn: () => api.endSession(id),
    onSuccess: (r) => {
      qc.setQueryData(keys.session(id), r.session)
      setConfirmEnd(false)
      refresh()
    },
  })
  const leave = useMutation({
    mutationFn: () => api.leaveSession(id),
    onSuccess: (s) => {
      qc.setQueryData(keys.session(id), s)
      refresh()
      navigate('/dashboard')
    },
  })
  const join = useMutation({
    mutationFn: () => api.joinSession(id),
    onSuccess: (s) => {
      qc.setQueryData(keys.session(id), s)
      refresh()
    },
  })

  const s = session.data
  const member = !!s && (isMember(s, user) || user.role === 'admin')
  const activeNow = s?.status === 'active'
  const streamKey = useStreamApiKey()
  const maxShapes = useConfig().data?.whiteboard?.maxElements ?? DEFAULT_MAX_SHAPES
  const events = useRoomEvents(id, !!s && member && activeNow && !gone)
  const manager = !!s && canManage(s, user)
  // The problem's interviewer guidance: asked for only by those who may read the record.
  const guidance = useQuery({
    queryKey: ['sessions', 'guidance', id],
    queryFn: ({ signal }) => api.sessionGuidance(id, signal),
    enabled: !!s && member && isRecordViewer(s, user),
    retry: false,
    staleTime: 5 * 60_000,
  })
  const invites = useInvites(id, { enabled: manager, live: activeNow && !events.ended && !gone })

  // Removed by the interviewer (4403) or signed out (4401): final, whatever the session query says next.
  useEffect(() => {
    const c = events.closed
    if (c && (c.code === 4403 || c.code === 4401)) {
      rememberRoomClosed(c.code, c.reason)
      setGone(c)
    }
  }, [events.closed])

  // Who is seated changed (someone came in by a link, joined, left or was removed): refetch.
  useEffect(() => {
    if (events.seatsChanged === 0) return
    void qc.invalidateQueries({ queryKey: keys.session(id) })
    if (manager) void qc.invalidateQueries({ queryKey: keys.invites(id) })
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events.seatsChanged])

  // Someone is in the room whom this page does not know as seated: the session is stale. Asked
  // once per new set of strangers, so that an unseated observer (an administrator) causes no loop.
  const strangersAsked = useRef('')
  useEffect(() => {
    if (!s) return
    const known = new Set(everyone(s).map((p) => p.id))
    const strangers = [...new Set(events.peers.filter((p) => !known.has(p.user.id)).map((p) => p.user.id))].sort().join(',')
    if (strangers && strangers !== strangersAsked.current) {
      strangersAsked.current = strangers
      void qc.invalidateQueries({ queryKey: keys.session(id) })
      if (manager) void qc.invalidateQueries({ queryKey: keys.invites(id) })
    }
    if (!strangers) strangersAsked.current = ''
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events.peers, s])

  const candidatesNow = s ? candidates(s).length : null
  useEffect(() => {
    if (invitesShown === null && candidatesNow !== null) setInvitesShown(candidatesNow === 0)
  }, [invitesShown, candidatesNow])

  // The host ended the session: everyone sees it at once (and the room turns read-only).
  useEffect(() => {
    if (events.ended && activeNow) {
      void qc.invalidateQueries({ queryKey: keys.session(id) })
      refresh()
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [events.ended, activeNow])

  if (gone) return <RoomClosedPage closed={gone} user={user} />
  if (session.isPending) return <Loading label="Loading session…" />
  if (session.isError || !s) {
    return isApiError(session.error, 404) ? (
      <EmptyState title="Session not found" testId="session-missing">
        {!isGuest(user) && (
          <Link to="/dashboard" className="link link-primary">
            Back to the dashboard
          </Link>
        )}
      </EmptyState>
    ) : (
      <ErrorAlert message={errorMessage(session.error)} />
    )
  }

  const host = isHost(s, user)
  const guest = isGuest(user)
  const people = seated(s)
  const actionError = end.error ?? leave.error ?? join.error
  const ended = !activeNow || events.ended
  const online = new Set(events.peers.map((p) => p.user.id))
  const seatedCandidates = candidates(s).length
  const showInvites = manager && activeNow && !ended && (invitesShown ?? seatedCandidates === 0)
  const candidateLink = currentCandidateInvite(invites.data)
  // Notes, scorecards and the report: the host, co-interviewers and administrators only.
  const recorder = isRecordViewer(s, user)
  const reportPath = `/session/${encodeURIComponent(s.id)}/report`

  const header = (
    <header className="flex flex-col gap-2 rounded-box bg-base-100 p-3 shadow-sm sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          {!guest && (
            <Link to="/dashboard" className="btn btn-ghost btn-xs" aria-label="Back to the dashboard">
              ←
            </Link>
          )}
          <h1 className="text-lg font-bold" data-testid="session-problem">
            {s.problem.title}
          </h1>
          <DifficultyBadge difficulty={s.problem.difficulty ?? s.difficulty} />
          <span
            className={`badge ${activeNow && !events.ended ? 'badge-success' : 'badge-neutral'}`}
            data-testid="session-status"
            data-status={ended ? 'completed' : 'active'}
          >
            {ended ? 'Completed' : 'Active'}
          </span>
          {member && activeNow && (
            <span className={`badge badge-outline ${CONN[events.state].cls}`} data-testid="room-connection" data-state={events.state}>
              {CONN[events.state].label}
            </span>
          )}
          <RoomTimer session={s} ended={ended} canSet={manager && activeNow && !ended} />
        </div>
        <p className="text-xs text-base-content/60">
          {host ? 'You host' : `Host ${s.host.name}`} · <span data-testid="session-seated">{people.length}/{s.seats} seated</span>
          {interviewers(s).length > 0 && <> · {interviewers(s).length} co-interviewer{interviewers(s).length === 1 ? '' : 's'}</>} · started{' '}
          {formatDate(s.createdAt)}
          {s.endedAt && <> · ended {formatDate(s.endedAt)}</>}
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        {recorder && (
          <Link to={reportPath} className={`btn btn-sm ${ended ? 'btn-primary' : 'btn-ghost'}`} data-testid="open-report">
            Report
          </Link>
        )}
        {recorder && ended && (
          <Link to={`/session/${encodeURIComponent(s.id)}/replay`} className="btn btn-sm btn-outline" data-testid="open-replay">
            Replay
          </Link>
        )}
        {manager && activeNow && !ended && (
          <button
            type="button"
            className={`btn btn-sm ${showInvites ? 'btn-active btn-ghost' : 'btn-outline btn-primary'}`}
            aria-expanded={showInvites}
            aria-controls="invite-panel"
            onClick={() => setInvitesShown(!showInvites)}
            data-testid="invite-toggle"
          >
            Invite
            {candidateLink && !showInvites && (
              <span className="badge badge-xs badge-primary" data-testid="invite-toggle-status">
                {candidateLink.status === 'in_room' ? 'in' : candidateLink.status === 'unused' ? 'sent' : candidateLink.status.replace('_', ' ')}
              </span>
            )}
          </button>
        )}
        {activeNow && !guest && isOpen(s) && <CopyLinkButton url={window.location.href} />}
        {activeNow && host && (
          <button type="button" className="btn btn-error btn-sm" onClick={() => setConfirmEnd(true)} data-testid="end-session">
            End session
          </button>
        )}
        {activeNow && !host && !guest && isMember(s, user) && (
          <button type="button" className="btn btn-outline btn-sm" onClick={() => leave.mutate()} disabled={leave.isPending} data-testid="leave-session">
            {leave.isPending && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Leave
          </button>
        )}
        {activeNow && !isMember(s, user) && isOpen(s) && !guest && (
          <button
            type="button"
            className="btn btn-primary btn-sm"
            onClick={() => join.mutate()}
            disabled={join.isPending || seatsFree(s) === 0}
            data-testid="join-button"
          >
            {seatsFree(s) === 0 ? 'Full' : 'Join'}
          </button>
        )}
      </div>
    </header>
  )

  const peopleList = (
    <PeoplePanel
      session={s}
      user={user}
      online={online}
      presence={activeNow}
      canRemove={manager && activeNow && !ended}
      invites={invites.data}
    />
  )

  const invitePanel = showInvites && (
    <div id="invite-panel">
      <InvitePanel
        session={s}
        live={activeNow && !ended}
        seatedCandidates={seatedCandidates}
        createError={fromCreate?.inviteError ?? null}
        onHide={() => setInvitesShown(false)}
      />
    </div>
  )

  const confirm = (
    <ConfirmDialog
      open={confirmEnd}
      title="End this session?"
      body="Everyone in the room will see it end: the code becomes read-only and the session is marked as completed. This cannot be undone."
      confirmLabel="End session"
      danger
      busy={end.isPending}
      error={end.isError ? errorMessage(end.error) : null}
      onConfirm={() => end.mutate()}
      onClose={() => {
        setConfirmEnd(false)
        end.reset()
      }}
      confirmTestId="confirm-end"
    />
  )

  // Not seated (and not an administrator): a summary with Join, as on the dashboard.
  if (!member) {
    return (
      <div className="mx-auto max-w-3xl space-y-4" data-testid="session-page" data-session-id={s.id} data-status={s.status}>
        {header}
        {invitePanel}
        {actionError && <ErrorAlert message={errorMessage(actionError)} />}
        {activeNow && !isOpen(s) && !manager && (
          <p role="note" className="alert alert-info alert-soft text-sm" data-testid="invite-only-note">
            This interview is by invitation: people come in with the link the interviewer sends them.
          </p>
        )}
        <div className="rounded-box bg-base-100 p-4 shadow-sm">{peopleList}</div>
        {!activeNow && (
          <p className="text-sm text-base-content/70" data-testid="session-ended-note">
            This session has ended.
          </p>
        )}
      </div>
    )
  }

  return (
    <div className="flex flex-col gap-2 lg:h-[calc(100dvh-5rem)]" data-testid="session-page" data-session-id={s.id} data-status={ended ? 'completed' : 'active'}>
      {header}
      {invitePanel}
      {actionError && <ErrorAlert message={errorMessage(actionError)} />}
      {ended && (
        <div role="status" className="alert alert-info alert-soft py-2 text-sm" data-testid="session-ended-note">
          This session has ended. The code, results and chat are read-only.
        </div>
      )}
      {events.closed && events.closed.code !== 4409 && (
        <div role="alert" className="alert alert-warning py-2 text-sm" data-testid="room-closed" data-code={events.closed.code}>
          <span className="font-semibold">{events.closed.reason}</span>
          {events.closed.code === 4401 && !guest && (
            <Link to="/login" className="link link-primary">
              Sign in
            </Link>
          )}
          {events.closed.code === 4403 && !guest && (
            <Link to="/dashboard" className="link link-primary">
              Back to the dashboard
            </Link>
          )}
        </div>
      )}
      {events.error && activeNow && (
        <div role="alert" className="alert alert-warning alert-soft py-1 text-sm">
          {events.error}
        </div>
      )}
      <div className="flex min-h-0 flex-1 flex-col gap-2 lg:flex-row">
        <SplitPane
          direction="row"
          label="Resize the problem and the editor"
          storageKey="room"
          initial={34}
          className="min-h-0 flex-1 gap-2 lg:gap-0"
          first={
            <section className="h-full max-h-[60vh] overflow-y-auto rounded-box bg-base-100 p-4 shadow-sm lg:max-h-none" aria-label="Problem">
              <RoomProblem slug={s.problem.slug} session={s} />
            </section>
          }
          second={
            <RoomMain session={s} user={user} ended={ended} maxShapes={maxShapes}>
              <Suspense fallback={<EditorFallback />}>
                <RoomEditor session={s} user={user} ended={ended} sharedResult={events.lastResult} />
              </Suspense>
            </RoomMain>
          }
        />
        <aside
          className={`flex min-h-0 flex-col gap-3 rounded-box bg-base-100 p-3 shadow-sm lg:flex-none lg:overflow-y-auto ${recorder ? 'lg:w-96' : 'lg:w-80'}`}
          aria-label="Room"
        >
          {peopleList}
          {/* With Stream keys, a live session's video goes through Stream (call `callId`). */}
          {streamKey && s.callId && activeNow && !ended ? (
            <StreamVideo apiKey={streamKey} callId={s.callId} />
          ) : (
            activeNow && <VideoPanel events={events} disabled={ended} />
          )}
          {recorder && (
            <TabList
              prefix="side"
              label="Side panel"
              tabs={guidance.data?.trim() ? [...SIDE_TABS, { id: 'guidance' as const, label: 'Guidance' }] : SIDE_TABS}
              selected={sideTab}
              onSelect={setSideTab}
            />
          )}
          {/* The panels stay mounted when hidden: a draft being saved is not cut off. */}
          <div
            id="side-panel-chat"
            role={recorder ? 'tabpanel' : undefined}
            aria-labelledby={recorder ? 'side-tab-chat' : undefined}
            className={`min-h-0 flex-1 flex-col ${!recorder || sideTab === 'chat' ? 'flex' : 'hidden'}`}
          >
            {streamKey && s.callId && activeNow && !ended ? (
              <StreamChat apiKey={streamKey} callId={s.callId} />
            ) : (
              <RoomChat sessionId={s.id} meId={user.id} live={activeNow} events={events} ended={ended} />
            )}
          </div>
          {recorder && (
            <>
              <div id="side-panel-notes" role="tabpanel" aria-labelledby="side-tab-notes" className={`min-h-0 flex-1 flex-col ${sideTab === 'notes' ? 'flex' : 'hidden'}`}>
                <NotesPanel sessionId={s.id} userId={user.id} ended={ended} />
              </div>
              <div id="side-panel-scorecard" role="tabpanel" aria-labelledby="side-tab-scorecard" className={sideTab === 'scorecard' ? 'block' : 'hidden'}>
                <ScorecardPanel sessionId={s.id} meId={user.id} />
              </div>
              {guidance.data?.trim() && (
                <div
                  id="side-panel-guidance"
                  role="tabpanel"
                  aria-labelledby="side-tab-guidance"
                  className={`min-h-0 overflow-y-auto ${sideTab === 'guidance' ? 'block' : 'hidden'}`}
                  data-testid="guidance-panel"
                >
                  <p className="mb-2 text-xs text-base-content/60">For the interviewers only: the candidate never sees this.</p>
                  <Markdown source={guidance.data} className="text-sm" />
                </div>
              )}
            </>
          )}
        </aside>
      </div>
      {confirm}
    </div>
  )
}

/** The session's problem, shared by the statement, the editor and the tabs (one request). */
function useSessionProblem(slug: string) {
  return useQuery({
    queryKey: keys.problem(slug),
    queryFn: ({ signal }) => api.problem(slug, signal),
    staleTime: 5 * 60_000,
    retry: false,
  })
}

/** What the server allows when it does not say (`realtime.max_board_elements`). */
const DEFAULT_MAX_SHAPES = 5000

/** The code and the whiteboard; a design problem opens on the whiteboard. */
function RoomMain({ session, user, ended, maxShapes, children }: { session: Session; user: User; ended: boolean; maxShapes: number; children: ReactNode }) {
  const problem = useSessionProblem(session.problem.slug)
  const live = session.status === 'active' && !ended
  const board = live ? (
    <Whiteboard mode="room" sessionId={session.id} user={{ id: user.id, name: user.name }} maxElements={maxShapes} />
  ) : (
    <Whiteboard mode="final" sessionId={session.id} />
  )
  return (
    <CodeOrBoard design={problem.data?.kind === 'design'} board={board}>
      {children}
    </CodeOrBoard>
  )
}

function RoomProblem({ slug, session }: { slug: string; session: Session }) {
  const problem = useSessionProblem(slug)
  if (problem.isPending) return <Loading label="Loading the problem…" />
  if (problem.isError)
    return (
      <div className="space-y-2">
        <h2 className="text-xl font-bold">{session.problem.title}</h2>
        <p className="text-sm text-base-content/60">The problem statement could not be loaded: {errorMessage(problem.error)}</p>
      </div>
    )
  return <ProblemDescription problem={problem.data} headingLevel={2} />
}

function RoomEditor({ session, user, ended, sharedResult }: { session: Session; user: User; ended: boolean; sharedResult: ReturnType<typeof useRoomEvents>['lastResult'] }) {
  const problem = useSessionProblem(session.problem.slug)
  // A completed session shows its final code, read from the server, without a live connection.
  const completed = session.status === 'completed'
  const final = useQuery({
    queryKey: ['sessions', 'code', session.id],
    queryFn: ({ signal }) => api.sessionCode(session.id, signal),
    enabled: completed,
    retry: false,
  })
  if (problem.isPending || (completed && final.isPending)) return <EditorFallback />
  const detail = problem.data && 'starterCode' in problem.data ? problem.data : null
  if (completed && final.isError) {
    return (
      <EmptyState title="The final code is not available" testId="final-code-missing">
        {errorMessage(final.error)}
      </EmptyState>
    )
  }
  return (
    <RoomWorkbench
      sessionId={session.id}
      user={user}
      problem={detail}
      readOnly={ended}
      sharedResult={sharedResult}
      finalCode={completed ? (final.data ?? null) : null}
    />
  )
}

function RoomChat({ sessionId, meId, live, events, ended }: { sessionId: string; meId: string; live: boolean; events: ReturnType<typeof useRoomEvents>; ended: boolean }) {
  // Once the session is over, the history comes from the server instead of the live channel.
  const history = useQuery({
    queryKey: ['sessions', 'messages', sessionId],
    queryFn: ({ signal }) => api.sessionMessages(sessionId, signal),
    enabled: !live,
    retry: false,
  })
  const messages = live ? events.messages : (history.data ?? [])
  if (!live && history.isError) return null
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-base-content/60">Chat</h2>
      <ChatPanel
        messages={live && ended && events.messages.length === 0 ? (history.data ?? []) : messages}
        meId={meId}
        onSend={live && !ended ? events.sendChat : undefined}
        disabled={events.state !== 'open'}
        disabledReason="Connecting…"
      />
    </div>
  )
}

/** The room is closed for this person for good: the server's reason, prominently. */
function RoomClosedPage({ closed, user }: { closed: RoomClosed; user: User }) {
  const guest = isGuest(user)
  return (
    <div className="mx-auto w-full max-w-lg py-6" data-testid="session-page" data-status="closed">
      <div className="card bg-base-100 shadow-sm">
        <div className="card-body items-center gap-4 text-center">
          <h1 className="text-xl font-bold sm:text-2xl">You are no longer in this session</h1>
          <p role="alert" className="alert alert-warning w-full justify-center font-semibold" data-testid="room-closed" data-code={closed.code}>
            {closed.reason}
          </p>
          {guest ? (
            <p className="text-sm text-base-content/75">
              The invitation link you used no longer works. If you think this is a mistake, ask your interviewer for a new link.
            </p>
          ) : (
            <Link to={homePath(user)} className="btn btn-primary" data-testid="closed-back">
              Back to the dashboard
            </Link>
          )}
        </div>
      </div>
    </div>
  )
}

const ROLE_LABEL: Record<'host' | 'interviewer' | 'candidate', string> = { host: 'host', interviewer: 'interviewer', candidate: 'candidate' }

/**
 * Who is in the session — the host, co-interviewers and candidates — with a presence dot each;
 * whoever runs the room can remove anyone else (after confirming), and is told what that did.
 */
function PeoplePanel({
  session: s,
  user,
  online,
  presence,
  canRemove,
  invites,
}: {
  session: Session
  user: User
  online: Set<string>
  presence: boolean
  canRemove: boolean
  invites: Invite[] | undefined
}) {
  const qc = useQueryClient()
  const [removing, setRemoving] = useState<PublicUser | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const byLink = (p: PublicUser) => invites?.some((i) => i.guest?.id === p.id) ?? false
  const remove = useMutation({
    mutationFn: (p: PublicUser) => api.removeParticipant(s.id, p.id),
    onSuccess: (session, p) => {
      qc.setQueryData(keys.session(s.id), session)
      void qc.invalidateQueries({ queryKey: keys.invites(s.id) })
      void qc.invalidateQueries({ queryKey: keys.active })
      setNotice(byLink(p) ? `${p.name} was removed; the link they used no longer works.` : `${p.name} was removed from the session.`)
      setRemoving(null)
    },
  })

  const rows: Array<{ person: PublicUser; role: keyof typeof ROLE_LABEL }> = [
    { person: s.host, role: 'host' },
    ...interviewers(s).map((person) => ({ person, role: 'interviewer' as const })),
    ...candidates(s).map((person) => ({ person, role: 'candidate' as const })),
  ]
  const seatsTaken = seated(s).length
  const freeCandidateSeats = Math.max(0, s.seats - seatsTaken)

  return (
    <section aria-label="Participants">
      <h2 className="mb-1 text-xs font-semibold uppercase tracking-wide text-base-content/60" data-testid="people-heading">
        People ({seatsTaken}/{s.seats})
      </h2>
      <ul className="flex flex-col gap-1.5" data-testid="session-people">
        {rows.map(({ person: p, role }) => (
          <li
            key={p.id}
            className="flex min-w-0 items-center gap-2 text-sm"
            data-testid="person"
            data-user-id={p.id}
            data-role={role}
            data-online={online.has(p.id) ? 'true' : 'false'}
          >
            <span className="indicator flex-none">
              {presence && (
                <span
                  className={`indicator-item indicator-bottom badge badge-xs p-0 h-2.5 w-2.5 ${online.has(p.id) ? 'badge-success' : 'badge-ghost'}`}
                  aria-label={online.has(p.id) ? 'online' : 'offline'}
                  title={online.has(p.id) ? 'in the room now' : 'not in the room now'}
                />
              )}
              <Avatar name={p.name} image={p.image} size="xs" />
            </span>
            <span className="min-w-0 truncate font-medium">{p.name}</span>
            {role === 'host' ? (
              <span className="badge badge-primary badge-xs">host</span>
            ) : role === 'interviewer' ? (
              <span className="badge badge-secondary badge-xs">interviewer</span>
            ) : null}
            {p.id === user.id && <span className="badge badge-ghost badge-xs">you</span>}
            {canRemove && role !== 'host' && p.id !== user.id && (
              <button
                type="button"
                className="btn btn-ghost btn-xs ml-auto text-error"
                onClick={() => {
                  setNotice(null)
                  remove.reset()
                  setRemoving(p)
                }}
                aria-label={`Remove ${p.name}`}
                data-testid="remove-person"
              >
                Remove
              </button>
            )}
          </li>
        ))}
        {s.status === 'active' && freeCandidateSeats > 0 && candidates(s).length === 0 && (
          <li className="text-xs text-base-content/60" data-testid="waiting-candidate">
            Waiting for the candidate…
          </li>
        )}
      </ul>
      {notice && (
        <p role="status" className="mt-2 rounded-box bg-success/10 px-2 py-1 text-xs text-success" data-testid="people-notice">
          {notice}
        </p>
      )}
      <ConfirmMutation
        subject={removing}
        mutation={remove}
        onClose={() => setRemoving(null)}
        title={`Remove ${removing?.name ?? ''}?`}
        body={
          removing && byLink(removing)
            ? `${removing.name} leaves the room at once, and the link they came in with stops working. You can send a new link later.`
            : `${removing?.name ?? ''} leaves the room at once and loses their seat.`
        }
        confirmLabel="Remove"
        danger
        confirmTestId="confirm-remove"
      />
    </section>
  )
}
