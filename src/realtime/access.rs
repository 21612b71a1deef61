//! Access that ends while sockets are open. A socket is authorised once, when it opens; after
//! that, whatever ends a person's access closes their sockets with a reason the room page
//! shows: the routes that change access call [`super::Rooms`]' hooks at once, and every open
//! room re-checks its sockets against the database every `realtime.access_check_secs`, which
//! catches what the hooks cannot see (the command line, another instance sharing the database).

use std::sync::Arc;
use std::time::Duration;

use super::{Room, Rooms, close};
use crate::app::AppState;
use crate::auth::User;
use crate::auth::store::{self as users_store, UserRecord};
use crate::error::AppResult;
use crate::sessions::{Session, Status, store as sessions_store};

/// Whose a socket is, as it was when the socket opened.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holder {
    pub user_id: String,
    /// The token version of the sign-in that opened the socket (built-in accounts; Clerk
    /// sign-ins carry none). A password reset or an administrator's change bumps it.
    pub token_version: Option<i64>,
}

impl Holder {
    /// The holder for a socket `user` opens now.
    pub async fn of(state: &AppState, user: &User) -> AppResult<Self> {
        let token_version = if state.clerk.is_some() {
            None
        } else {
            // The record the sign-in was just verified against (cached for a few seconds).
            let record = state.users.get_or_load(&user.id, || users_store::find_by_id(&state.db, &user.id)).await?;
            record.map(|record| record.token_version)
        };
        Ok(Self { user_id: user.id.clone(), token_version })
    }
}

/// Why the server closes someone's sockets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    Ended,
    Left,
    Removed,
    Disabled,
    RoleChanged,
    /// The sign-in that opened the socket was revoked.
    SignedOut,
    /// No longer the host, a participant or an administrator.
    NoAccess,
}

impl Closing {
    pub fn code(self) -> u16 {
        match self {
            Self::Ended => close::ENDED,
            Self::RoleChanged | Self::SignedOut => close::SIGNED_OUT,
            Self::Left | Self::Removed | Self::Disabled | Self::NoAccess => close::FORBIDDEN,
        }
    }

    /// What the room page shows.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Ended => "The interview has ended",
            Self::Left => "You left the session",
            Self::Removed => "You were removed from the session by the interviewer",
            Self::Disabled => "Your account was disabled",
            Self::RoleChanged => "Your role was changed; sign in again",
            Self::SignedOut => "Your sign-in is no longer valid; sign in again",
            Self::NoAccess => "You no longer have access to this session",
        }
    }
}

/// Whether a socket's holder may stay in a session's room, judged from the database's current
/// rows; the reason to close it when not.
pub fn verdict(session: &Session, user: Option<&UserRecord>, holder: &Holder) -> Option<Closing> {
    let Some(user) = user else {
        return Some(Closing::NoAccess);
    };
    if user.disabled {
        return Some(Closing::Disabled);
    }
    if holder.token_version.is_some_and(|version| version != user.token_version) {
        return Some(Closing::SignedOut);
    }
    if session.status == Status::Completed {
        return Some(Closing::Ended);
    }
    if session.room_role(&user.id, user.role).is_none() {
        return Some(Closing::NoAccess);
    }
    None
}

/// Re-checks a room's sockets periodically while the room stays loaded.
pub fn watch(rooms: &Arc<Rooms>, room: &Arc<Room>) {
    let every = Duration::from_secs(rooms.config.access_check_secs.max(1));
    let (rooms, room) = (Arc::downgrade(rooms), Arc::downgrade(room));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let (Some(rooms), Some(room)) = (rooms.upgrade(), room.upgrade()) else {
                return;
            };
            if !rooms.holds(&room) {
                return;
            }
            if let Err(err) = recheck(&rooms, &room).await {
                tracing::warn!(session = %room.session_id, error = ?err, "cannot re-check a room's access");
            }
        }
    });
}

async fn recheck(rooms: &Rooms, room: &Room) -> anyhow::Result<()> {
    let holders = room.holders();
    if holders.is_empty() {
        return Ok(());
    }
    let Some(session) = sessions_store::find(&rooms.db, &room.session_id).await? else {
        room.close_where(Closing::NoAccess, |_| true);
        return Ok(());
    };
    if session.status == Status::Completed {
        // Ended elsewhere (another instance): the same as a local end.
        rooms.end_room(room).await;
        return Ok(());
    }
    // `holders()` comes sorted, user first, so equal users stand together for `dedup`.
    let mut users: Vec<&str> = holders.iter().map(|holder| holder.user_id.as_str()).collect();
    users.dedup();
    for user_id in users {
        let record = users_store::find_by_id(&rooms.db, user_id).await?;
        for holder in holders.iter().filter(|holder| holder.user_id == user_id) {
            if let Some(closing) = verdict(&session, record.as_ref(), holder) {
                tracing::info!(session = %room.session_id, user = %user_id, ?closing, "closing sockets whose access ended");
                room.close_where(closing, |other| other == holder);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Person, Role};
    use crate::problems::{Difficulty, ProblemRef};

    fn person(id: &str) -> Person {
        Person { id: id.into(), name: id.into(), image: None }
    }

    fn session(status: Status) -> Session {
        let problem = ProblemRef { slug: "two-sum".into(), title: "Two Sum".into(), difficulty: Difficulty::Easy };
        Session {
            id: "s1".into(),
            problem,
            difficulty: Difficulty::Easy,
            host: person("host"),
            participant: None,
            participants: vec![person("guest")],
            interviewers: vec![person("co")],
            seats: 2,
            interviewer_seats: 2,
            visibility: crate::sessions::Visibility::Invite,
            status,
            call_id: "c".into(),
            created_at: String::new(),
            updated_at: String::new(),
            ended_at: None,
            started_at: None,
            time_box_minutes: None,
            ends_at: None,
        }
    }

    fn user(id: &str, role: Role) -> UserRecord {
        UserRecord {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@example.test"),
            image: None,
            role,
            password_hash: None,
            disabled: false,
            token_version: 3,
            guest_session: None,
            contact_email: None,
        }
    }

    fn holder(id: &str, version: Option<i64>) -> Holder {
        Holder { user_id: id.into(), token_version: version }
    }

    #[test]
    fn members_and_administrators_stay_while_their_sign_in_is_valid() {
        let active = session(Status::Active);
        assert_eq!(verdict(&active, Some(&user("guest", Role::Candidate)), &holder("guest", Some(3))), None);
        assert_eq!(verdict(&active, Some(&user("ada", Role::Admin)), &holder("ada", Some(3))), None);
        assert_eq!(verdict(&active, Some(&user("co", Role::Interviewer)), &holder("co", Some(3))), None);
        assert_eq!(verdict(&active, Some(&user("guest", Role::Candidate)), &holder("guest", None)), None, "Clerk");
    }

    #[test]
    fn each_way_of_losing_access_has_its_reason() {
        let active = session(Status::Active);
        let mut disabled = user("guest", Role::Candidate);
        disabled.disabled = true;
        assert_eq!(verdict(&active, Some(&disabled), &holder("guest", Some(3))), Some(Closing::Disabled));
        let reset = user("guest", Role::Candidate);
        assert_eq!(verdict(&active, Some(&reset), &holder("guest", Some(2))), Some(Closing::SignedOut));
        let outsider = user("olga", Role::Interviewer);
        assert_eq!(verdict(&active, Some(&outsider), &holder("olga", Some(3))), Some(Closing::NoAccess));
        assert_eq!(verdict(&active, None, &holder("gone", Some(3))), Some(Closing::NoAccess));
        let ended = session(Status::Completed);
        assert_eq!(
            verdict(&ended, Some(&user("host", Role::Interviewer)), &holder("host", Some(3))),
            Some(Closing::Ended)
        );
    }
}
