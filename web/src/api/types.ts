export type Role = 'admin' | 'interviewer' | 'candidate'
export type Difficulty = 'easy' | 'medium' | 'hard'
export type Registration = 'open' | 'invite' | 'closed'
export type SessionStatus = 'active' | 'completed'

export interface User {
  id: string
  name: string
  email: string
  image: string | null
  role: Role
}

export interface PublicUser {
  id: string
  name: string
  image: string | null
}

export interface AppConfig {
  authProvider: 'local' | string
  registration: Registration
  setupRequired: boolean
  version: string
}

export interface Problem {
  slug: string
  title: string
  difficulty: Difficulty
  category: string
  tags: string[]
  summary: string
}

export interface SessionProblem {
  slug: string
  title: string
  difficulty: Difficulty
}

export interface Session {
  id: string
  problem: SessionProblem
  difficulty: Difficulty
  host: PublicUser
  participant: PublicUser | null
  participants: PublicUser[]
  seats: number
  status: SessionStatus
  callId: string | null
  createdAt: string
  updatedAt: string
  endedAt: string | null
}
