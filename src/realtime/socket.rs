//! The loop every room socket runs, the shared document's and the event channel's alike: it
//! reads the client's frames within the connection's rate, hands each to the socket's
//! [`Conversation`], sends what the room queued for it, and closes with a reason when the
//! room lets it go, the client misbehaves or falls behind.

use axum::extract::ws::{Message, WebSocket};
use bytes::Bytes;
use tokio::sync::{mpsc, oneshot};

use super::{Closing, TokenBucket, close, close_for, close_with};

/// The data frames a socket speaks; a frame of the other kind closes it.
#[derive(Clone, Copy)]
pub enum Frames {
    /// y-websocket's binary frames.
    Binary,
    /// JSON text frames.
    Text,
}

/// What one kind of room socket does with the client's frames.
pub trait Conversation {
    const FRAMES: Frames;
    /// Names the socket in the log.
    const NAME: &'static str;

    /// Handles one data frame (for [`Frames::Text`], valid UTF-8) within the connection's
    /// `bucket`; returns the replies for this client, or why it is closed. The frame comes as
    /// shared bytes so that parts of it can be forwarded and saved without copies.
    fn handle(
        &mut self,
        frame: &Bytes,
        bucket: &mut TokenBucket,
    ) -> impl Future<Output = Result<Vec<Message>, Refusal>> + Send;
}

/// Why a connection is closed: the close code, the reason it is told, and what is logged.
pub struct Refusal {
    pub code: u16,
    pub reason: &'static str,
    pub detail: String,
}

impl Refusal {
    pub fn new(code: u16, reason: &'static str, detail: impl Into<String>) -> Self {
        Self { code, reason, detail: detail.into() }
    }

    pub fn invalid(err: impl std::fmt::Display) -> Self {
        Self::new(close::INVALID, "invalid y-websocket message", err.to_string())
    }

    pub fn too_fast() -> Self {
        Self::new(close::POLICY, "too many messages", "exceeded the message rate")
    }
}

/// The ends of one socket's link to its room: what the room queued for it, and the reason
/// it is let go.
pub struct Outbox<'a> {
    pub queued: &'a mut mpsc::Receiver<Message>,
    pub closed: &'a mut oneshot::Receiver<Closing>,
}

/// Runs a room socket until either side ends it.
pub async fn converse<C: Conversation + Send>(
    socket: &mut WebSocket,
    outbox: Outbox<'_>,
    mut bucket: TokenBucket,
    conversation: &mut C,
    session: &str,
) {
    let Outbox { queued, closed } = outbox;
    loop {
        tokio::select! {
            biased;
            closing = &mut *closed => {
                close_for(socket, queued, closing).await;
                return;
            }
            incoming = socket.recv() => {
                let frame = match (incoming, C::FRAMES) {
                    (Some(Ok(message @ Message::Binary(_))), Frames::Binary)
                    | (Some(Ok(message @ Message::Text(_))), Frames::Text) => message.into_data(),
                    (Some(Ok(Message::Ping(_) | Message::Pong(_))), _) => {
                        if bucket.take() { continue }
                        close_with(socket, close::POLICY, "too many messages").await;
                        return;
                    }
                    (Some(Ok(Message::Binary(_))), Frames::Text) => {
                        close_with(socket, close::UNSUPPORTED, "JSON text frames only").await;
                        return;
                    }
                    (Some(Ok(Message::Text(_))), Frames::Binary) => {
                        close_with(socket, close::UNSUPPORTED, "binary y-websocket frames only").await;
                        return;
                    }
                    (Some(Ok(Message::Close(_))) | None, _) => return,
                    (Some(Err(err)), _) => {
                        tracing::debug!(session, error = %err, "{} connection failed", C::NAME);
                        close_with(socket, close::TOO_BIG, "message too big or malformed").await;
                        return;
                    }
                };
                // Boxed: the handler's state (decoding, a database write) exists only while
                // a frame is handled, instead of in every idle connection's future.
                match Box::pin(conversation.handle(&frame, &mut bucket)).await {
                    Ok(replies) => {
                        for reply in replies {
                            if socket.send(reply).await.is_err() {
                                return;
                            }
                        }
                    }
                    Err(refusal) => {
                        tracing::info!(session, detail = %refusal.detail, "{} client refused; disconnected", C::NAME);
                        close_with(socket, refusal.code, refusal.reason).await;
                        return;
                    }
                }
            }
            outgoing = queued.recv() => match outgoing {
                Some(message) => {
                    if socket.send(message).await.is_err() {
                        return;
                    }
                }
                None => {
                    close_with(socket, close::TRY_AGAIN, "too slow to keep up").await;
                    return;
                }
            }
        }
    }
}
