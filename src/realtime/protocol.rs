//! Reading y-websocket frames without trusting them.
//!
//! One WebSocket frame may carry any number of y-protocol messages. They are read one at a
//! time, so that the caller can charge each against the connection's rate limit before acting
//! on it, and every count a message declares is checked against the bytes that follow it
//! before yrs decodes it: yrs reserves room for the declared number of entries up front, so
//! four bytes declaring 2^27 state-vector entries would otherwise make it reserve gigabytes.

use yrs::StateVector;
use yrs::encoding::read::{Cursor, Read};
use yrs::sync::AwarenessUpdate;
use yrs::updates::decoder::Decode;

const MSG_SYNC: u8 = 0;
const MSG_AWARENESS: u8 = 1;
const MSG_AUTH: u8 = 2;
const MSG_QUERY_AWARENESS: u8 = 3;
const SYNC_STEP_1: u8 = 0;
const SYNC_STEP_2: u8 = 1;
const SYNC_UPDATE: u8 = 2;
/// The auth message's "permission denied" flag, which is followed by a reason string.
const PERMISSION_DENIED: u8 = 0;

/// Fewest bytes one entry of a state vector (client, clock) takes.
const STATE_VECTOR_ENTRY: usize = 2;
/// Fewest bytes one client of an awareness update (client, clock, state) or of a document
/// update (block count, client, clock) takes.
const CLIENT_ENTRY: usize = 3;

/// One message of a frame, decoded as far as the room needs.
pub enum Incoming<'a> {
    /// "Send me what I lack": answered with a sync step 2.
    SyncStep1(StateVector),
    /// A sync step 2 or an update: the encoded document update, decoded when applied, and,
    /// for an update message, the whole message as it came, which is what every other editor
    /// is sent (a step 2 is forwarded as an update instead).
    Update {
        update: &'a [u8],
        message: Option<&'a [u8]>,
    },
    Awareness(AwarenessUpdate),
    AwarenessQuery,
    /// Auth and custom messages, which a server has no use for.
    Ignored,
}

/// The messages of one frame, in order; stops at the first invalid one.
pub struct Messages<'a> {
    frame: &'a [u8],
    cursor: Cursor<'a>,
    failed: bool,
}

impl<'a> Messages<'a> {
    pub fn new(frame: &'a [u8]) -> Self {
        Self { frame, cursor: Cursor::new(frame), failed: false }
    }

    fn read(&mut self) -> Result<Incoming<'a>, String> {
        let start = self.cursor.next;
        let tag: u8 = self.cursor.read_var().map_err(|err| err.to_string())?;
        match tag {
            MSG_SYNC => {
                let kind: u8 = self.cursor.read_var().map_err(|err| err.to_string())?;
                let payload = self.payload()?;
                match kind {
                    SYNC_STEP_1 => {
                        check_count(payload, STATE_VECTOR_ENTRY)?;
                        StateVector::decode_v1(payload).map(Incoming::SyncStep1).map_err(|err| err.to_string())
                    }
                    SYNC_STEP_2 | SYNC_UPDATE => {
                        check_count(payload, CLIENT_ENTRY)?;
                        let message = (kind == SYNC_UPDATE).then(|| &self.frame[start..self.cursor.next]);
                        Ok(Incoming::Update { update: payload, message })
                    }
                    other => Err(format!("unknown sync message {other}")),
                }
            }
            MSG_AWARENESS => {
                let payload = self.payload()?;
                check_count(payload, CLIENT_ENTRY)?;
                AwarenessUpdate::decode_v1(payload).map(Incoming::Awareness).map_err(|err| err.to_string())
            }
            MSG_AUTH => {
                let flag: u8 = self.cursor.read_var().map_err(|err| err.to_string())?;
                if flag == PERMISSION_DENIED {
                    self.payload()?;
                }
                Ok(Incoming::Ignored)
            }
            MSG_QUERY_AWARENESS => Ok(Incoming::AwarenessQuery),
            _ => {
                self.payload()?;
                Ok(Incoming::Ignored)
            }
        }
    }

    /// A length-prefixed byte string, borrowed from the frame.
    fn payload(&mut self) -> Result<&'a [u8], String> {
        let len: u32 = self.cursor.read_var().map_err(|err| err.to_string())?;
        let start = self.cursor.next;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| start.checked_add(len))
            .filter(|end| *end <= self.frame.len())
            .ok_or_else(|| format!("a {len}-byte payload overruns the frame"))?;
        self.cursor.next = end;
        Ok(&self.frame[start..end])
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Incoming<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || !self.cursor.has_content() {
            return None;
        }
        let message = self.read();
        self.failed = message.is_err();
        Some(message)
    }
}

/// Refuses an encoding whose leading count promises more entries than its bytes can hold.
fn check_count(payload: &[u8], entry_bytes: usize) -> Result<(), String> {
    let mut cursor = Cursor::new(payload);
    let count: u32 = cursor.read_var().map_err(|err| err.to_string())?;
    let room = payload.len() - cursor.next;
    let needed = usize::try_from(count).unwrap_or(usize::MAX).saturating_mul(entry_bytes);
    if needed > room { Err(format!("declares {count} entries in {room} bytes")) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use yrs::sync::{Message, SyncMessage};
    use yrs::updates::encoder::Encode;

    use super::*;

    #[test]
    fn reads_every_message_of_a_frame_in_order() {
        let mut frame = Message::Sync(SyncMessage::SyncStep1(StateVector::default())).encode_v1();
        frame.extend(Message::Sync(SyncMessage::Update(vec![0, 0])).encode_v1());
        frame.extend(Message::AwarenessQuery.encode_v1());
        frame.extend(Message::Custom(100, vec![1, 2]).encode_v1());
        let kinds: Vec<&str> = Messages::new(&frame)
            .map(|message| match message.expect("valid") {
                Incoming::SyncStep1(_) => "step1",
                Incoming::Update { .. } => "update",
                Incoming::Awareness(_) => "awareness",
                Incoming::AwarenessQuery => "query",
                Incoming::Ignored => "ignored",
            })
            .collect();
        assert_eq!(kinds, ["step1", "update", "query", "ignored"]);
    }

    #[test]
    fn an_update_message_is_given_whole_and_a_step_2_is_not() {
        let step2 = Message::Sync(SyncMessage::SyncStep2(vec![0, 0])).encode_v1();
        let update = Message::Sync(SyncMessage::Update(vec![0, 0])).encode_v1();
        let frame = [step2.as_slice(), update.as_slice()].concat();
        let spans: Vec<Option<&[u8]>> = Messages::new(&frame)
            .map(|message| match message.expect("valid") {
                Incoming::Update { update, message } => {
                    assert_eq!(update, [0, 0]);
                    message
                }
                _ => panic!("not an update"),
            })
            .collect();
        assert_eq!(spans, [None, Some(update.as_slice())]);
    }

    #[test]
    fn a_count_the_bytes_cannot_hold_is_refused() {
        // A state vector of 4 bytes that declares 2^27 entries.
        let frame = [MSG_SYNC, SYNC_STEP_1, 4, 0x80, 0x80, 0x80, 0x40];
        let mut messages = Messages::new(&frame);
        assert!(messages.next().is_some_and(|message| message.is_err()));
        assert!(messages.next().is_none(), "nothing is read after an invalid message");
        // A payload longer than the frame.
        let frame = [MSG_AWARENESS, 0x80, 0x80, 0x04, 0];
        assert!(Messages::new(&frame).next().is_some_and(|message| message.is_err()));
    }
}
