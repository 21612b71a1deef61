import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { useNavigate, useParams } from 'react-router'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, errorMessage, isApiError, keys, type InviteInfo } from '../api'
import { isGuest, useMe } from '../api/hooks'
import { ErrorAlert } from '../components/Modal'
import { Loading } from '../components/States'
import { formatDate } from '../format'

const NAME_MAX = 100

/**
 * `/join/:token`: where a candidate lands from the interviewer's link. No account: a name (and,
 * if they like, an e-mail), an optional camera and microphone check, and into the room.
 */
export function JoinPage() {
  const { token = '' } = useParams()
  const info = useQuery({
    queryKey: keys.inviteInfo(token),
    queryFn: ({ signal }) => api.inviteInfo(token, signal),
    retry: false,
    staleTime: 0,
    refetchOnWindowFocus: false,
  })

  if (info.isPending) return <Loading label="Opening your invitation…" testId="join-loading" />
  if (info.isError) {
    if (isApiError(info.error, 404))
      return (
        <Problem testId="join-invalid" title="This link is not valid">
          Check that you opened the whole link from your invitation. If it still does not work, ask your interviewer to send it
          again.
        </Problem>
      )
    if (isApiError(info.error, 410))
      return (
        <Problem testId="join-expired" title="This link has expired or was withdrawn">
          <p>Ask your interviewer for a new one.</p>
          {info.error.message && <p className="mt-2 text-xs text-base-content/60">{info.error.message}</p>}
        </Problem>
      )
    return (
      <Card>
        <ErrorAlert message={errorMessage(info.error)} testId="join-error" />
        <button type="button" className="btn btn-outline btn-sm self-start" onClick={() => void info.refetch()}>
          Try again
        </button>
      </Card>
    )
  }
  if (!info.data.valid && !info.data.rejoin)
    return (
      <Problem testId="join-used" title="Someone has already joined with this link">
        <p>Each link lets one person in. Ask your interviewer for a new one.</p>
        {info.data.message && <p className="mt-2 text-xs text-base-content/60">{info.data.message}</p>}
      </Problem>
    )
  return <JoinForm token={token} info={info.data} />
}

function Card({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="mx-auto w-full max-w-lg" data-testid={testId}>
      <div className="card bg-base-100 shadow-sm">
        <div className="card-body gap-5 p-5 sm:p-8">{children}</div>
      </div>
    </div>
  )
}

function Problem({ title, children, testId }: { title: string; children: ReactNode; testId: string }) {
  return (
    <Card testId={testId}>
      <div className="flex flex-col items-center gap-3 text-center">
        <div className="rounded-full bg-warning/15 p-3 text-warning" aria-hidden="true">
          <svg viewBox="0 0 24 24" className="h-7 w-7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round">
            <circle cx="12" cy="12" r="9" />
            <path d="M12 7.5v5.5m0 3.5h.01" />
          </svg>
        </div>
        <h1 className="text-xl font-bold sm:text-2xl">{title}</h1>
        <div className="text-base-content/75">{children}</div>
      </div>
    </Card>
  )
}

function JoinForm({ token, info }: { token: string; info: InviteInfo }) {
  const me = useMe()
  const qc = useQueryClient()
  const navigate = useNavigate()
  const nameId = useId()
  const emailId = useId()
  const signedIn = me.data ?? null
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [touched, setTouched] = useState(false)
  const prefilled = useRef(false)
  const path = `/session/${encodeURIComponent(info.session.id)}`
  const asInterviewer = info.role === 'interviewer'

  // Someone already known in this browser does not type their name twice.
  useEffect(() => {
    if (prefilled.current || !signedIn) return
    prefilled.current = true
    setName(signedIn.name)
  }, [signedIn])

  const accept = useMutation({
    mutationKey: ['invite-accept'],
    mutationFn: () => api.acceptInvite(token, { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}) }),
    onSuccess: ({ session, user }) => {
      // This browser is now signed in as a guest of this one session: forget anything cached before.
      qc.removeQueries({ queryKey: ['sessions'] })
      qc.setQueryData(keys.me, user)
      qc.setQueryData(keys.session(session.id), session)
      navigate(`/session/${encodeURIComponent(session.id)}`, { replace: true })
    },
  })

  const back = useMutation({
    mutationFn: async () => {
      await qc.refetchQueries({ queryKey: keys.me })
    },
    onSuccess: () => navigate(path),
  })

  const trimmed = name.trim()
  const nameError = !trimmed ? 'Please enter your name.' : trimmed.length > NAME_MAX ? `At most ${NAME_MAX} characters, please.` : null
  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTouched(true)
    if (nameError) return
    accept.mutate()
  }
  const conflict = accept.error && isApiError(accept.error, 409)
  const gone = accept.error && isApiError(accept.error, 410)
  const alreadyHere = isGuest(signedIn) && signedIn.sessionId === info.session.id

  return (
    <Card testId="join-page">
      <header className="space-y-2">
        <p className="font-mono text-sm text-primary">
          <span aria-hidden="true">{'</>'}</span> coderoom
        </p>
        <h1 className="text-2xl font-bold leading-tight sm:text-3xl" data-testid="join-title">
          {asInterviewer ? 'You are invited to interview' : 'You are invited to a coding interview'}
        </h1>
        <p className="text-base-content/75">
          <span className="font-semibold" data-testid="join-host">
            {info.session.hostName}
          </span>{' '}
          {asInterviewer ? 'asks you to join an interview as a co-interviewer.' : 'invites you to solve a problem together, live.'} You
          need no account and nothing to install.
        </p>
      </header>

      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 rounded-box bg-base-200/70 p-4 text-sm">
        <dt className="text-base-content/60">Problem</dt>
        <dd className="font-medium" data-testid="join-problem">
          {info.session.problemTitle}
        </dd>
        <dt className="text-base-content/60">Interviewer</dt>
        <dd className="font-medium">{info.session.hostName}</dd>
        <dt className="text-base-content/60">Link valid until</dt>
        <dd>{formatDate(info.expiresAt)}</dd>
      </dl>

      <ul className="grid gap-1.5 text-sm text-base-content/75 sm:grid-cols-3">
        {['Shared code editor', 'Run your code on tests', 'Video and chat'].map((t) => (
          <li key={t} className="flex items-center gap-1.5">
            <svg aria-hidden="true" viewBox="0 0 20 20" className="h-4 w-4 flex-none text-success" fill="currentColor">
              <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
            </svg>
            {t}
          </li>
        ))}
      </ul>

      {(info.rejoin || alreadyHere) && (
        <div className="alert alert-info alert-soft flex flex-col items-start gap-2 sm:flex-row sm:items-center" data-testid="join-rejoin">
          <span className="flex-1">You already have a seat in this interview from this browser.</span>
          <button type="button" className="btn btn-primary btn-sm" onClick={() => back.mutate()} disabled={back.isPending} data-testid="join-return">
            {back.isPending && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Return to the interview
          </button>
        </div>
      )}

      {signedIn && !isGuest(signedIn) && (
        <p className="rounded-box border border-base-300 p-3 text-xs text-base-content/70" data-testid="join-signed-in">
          {asInterviewer && (signedIn.role === 'interviewer' || signedIn.role === 'admin')
            ? `You are signed in as ${signedIn.name}: you join with your account.`
            : `You are signed in as ${signedIn.name}. Joining with this link signs this browser in as a guest of this interview instead; sign in again afterwards to get back to your account.`}
        </p>
      )}

      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <div className="flex flex-col gap-1">
          <label htmlFor={nameId} className="text-sm font-medium">
            Your name
          </label>
          <input
            id={nameId}
            className={`input input-bordered w-full ${touched && nameError ? 'input-error' : ''}`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            onBlur={() => setTouched(true)}
            maxLength={NAME_MAX + 20}
            autoComplete="name"
            autoFocus
            required
            aria-invalid={touched && !!nameError}
            aria-describedby={`${nameId}-hint`}
            placeholder="e.g. Ada Lovelace"
            data-testid="join-name"
          />
          <span id={`${nameId}-hint`} className={`text-xs ${touched && nameError ? 'text-error' : 'text-base-content/60'}`}>
            {touched && nameError ? nameError : 'Shown to the interviewer, in the chat and next to your cursor.'}
          </span>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor={emailId} className="text-sm font-medium">
            E-mail <span className="font-normal text-base-content/60">(optional)</span>
          </label>
          <input
            id={emailId}
            type="email"
            className="input input-bordered w-full"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="email"
            inputMode="email"
            data-testid="join-email"
          />
        </div>

        <MediaCheck />

        {accept.error && (
          <div role="alert" className="alert alert-error alert-soft flex flex-col items-start gap-1 text-sm" data-testid="join-error" data-status={isApiError(accept.error) ? accept.error.status : 0}>
            <span className="font-semibold">
              {conflict
                ? 'This link was already used by someone else, or the interview has no free seat.'
                : gone
                  ? 'This link has expired or was withdrawn — ask your interviewer for a new one.'
                  : errorMessage(accept.error)}
            </span>
            {(conflict || gone) && <span className="text-xs">{errorMessage(accept.error)}</span>}
            {conflict && <span className="text-xs">Ask your interviewer for a new link.</span>}
          </div>
        )}

        <button type="submit" className="btn btn-primary btn-lg w-full" disabled={accept.isPending} data-testid="join-submit">
          {accept.isPending && <span className="loading loading-spinner loading-sm" aria-hidden="true" />}
          Join the interview
        </button>
      </form>
    </Card>
  )
}

/** A local preview of the camera and a microphone level, only when asked for; nothing is sent anywhere. */
function MediaCheck() {
  const [stream, setStream] = useState<MediaStream | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [level, setLevel] = useState(0)
  const video = useRef<HTMLVideoElement>(null)
  const secure = typeof window !== 'undefined' && window.isSecureContext && !!navigator.mediaDevices?.getUserMedia

  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream
    if (!stream) return
    // The microphone level, from an analyser on the local stream.
    let audio: AudioContext | null = null
    let frame = 0
    if (stream.getAudioTracks().length > 0 && typeof AudioContext !== 'undefined') {
      audio = new AudioContext()
      const analyser = audio.createAnalyser()
      analyser.fftSize = 512
      audio.createMediaStreamSource(stream).connect(analyser)
      const data = new Uint8Array(analyser.fftSize)
      const tick = () => {
        analyser.getByteTimeDomainData(data)
        let peak = 0
        for (const v of data) peak = Math.max(peak, Math.abs(v - 128))
        setLevel(Math.min(100, Math.round((peak / 128) * 200)))
        frame = requestAnimationFrame(tick)
      }
      frame = requestAnimationFrame(tick)
    }
    return () => {
      cancelAnimationFrame(frame)
      void audio?.close()
      stream.getTracks().forEach((t) => t.stop())
    }
  }, [stream])

  const start = async () => {
    setBusy(true)
    setError(null)
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: true, audio: true }))
    } catch (e) {
      const n = e instanceof DOMException ? e.name : ''
      setError(
        n === 'NotAllowedError'
          ? 'The browser was not allowed to use the camera or microphone. You can allow it in the address bar, or join without them.'
          : n === 'NotFoundError'
            ? 'No camera or microphone was found. You can still join and use the chat.'
            : `The camera or microphone could not be started${e instanceof Error && e.message ? `: ${e.message}` : ''}.`,
      )
    } finally {
      setBusy(false)
    }
  }

  if (!secure) {
    return (
      <p className="rounded-box border border-base-300 p-3 text-xs text-base-content/70" data-testid="media-insecure">
        Camera and microphone work only on secure (HTTPS) pages, and this page was opened without HTTPS. You can still join,
        code and chat; ask your interviewer for an https:// link for video.
      </p>
    )
  }
  return (
    <div className="rounded-box border border-base-300 p-3" data-testid="media-check">
      {stream ? (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <video
            ref={video}
            autoPlay
            playsInline
            muted
            className="aspect-video w-full -scale-x-100 rounded-box bg-neutral object-cover sm:w-48"
            data-testid="media-preview"
          />
          <div className="flex flex-1 flex-col gap-2 text-sm">
            <span className="font-medium text-success">Your camera works.</span>
            <label className="flex items-center gap-2 text-xs text-base-content/70">
              Microphone
              <progress className="progress progress-success w-full" value={level} max={100} aria-label="Microphone level" data-testid="media-level" />
            </label>
            <button type="button" className="btn btn-ghost btn-xs self-start" onClick={() => setStream(null)} data-testid="media-stop">
              Turn off the preview
            </button>
          </div>
        </div>
      ) : (
        <div className="flex flex-col items-start gap-2 sm:flex-row sm:items-center sm:justify-between">
          <span className="text-sm text-base-content/70">Optional: see that your camera and microphone work before you join.</span>
          <button type="button" className="btn btn-outline btn-sm flex-none" onClick={() => void start()} disabled={busy} data-testid="check-media">
            {busy && <span className="loading loading-spinner loading-xs" aria-hidden="true" />}
            Check camera &amp; microphone
          </button>
        </div>
      )}
      {error && (
        <p className="mt-2 text-xs text-error" role="alert" data-testid="media-error">
          {error}
        </p>
      )}
    </div>
  )
}
