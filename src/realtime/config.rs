//! The `[realtime]` configuration section: WebRTC servers handed to browsers, and the limits
//! that keep one misbehaving client from hurting a room.

use serde::{Deserialize, Serialize};

use crate::settings::Problem;

/// A STUN or TURN server as `RTCPeerConnection`'s `iceServers` expects it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IceServer {
    /// `stun:host:port`, `turn:host:port?transport=udp`, `turns:…`.
    pub urls: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RealtimeConfig {
    /// Handed to browsers for peer-to-peer video. Empty (the default) works on one LAN.
    pub ice_servers: Vec<IceServer>,
    /// Largest WebSocket message accepted from a client, in KiB (a pasted file is one update).
    pub max_message_kb: usize,
    /// Sustained messages per second one connection may send…
    pub messages_per_second: u32,
    /// …and how many it may send in a burst above that.
    pub message_burst: u32,
    /// Longest chat message, in characters.
    pub max_chat_chars: usize,
    /// Frames queued for one slow client before it is disconnected.
    pub send_queue: usize,
    /// Document updates logged before they are compacted into a snapshot.
    pub compact_every: u32,
    /// Largest shared document, in KiB (its encoded size): an edit that would grow it past
    /// this is refused and its sender closed with 1009.
    pub max_document_kb: usize,
    /// Largest whiteboard, in KiB (its encoded size), refused like the code document.
    pub max_board_kb: usize,
    /// Most shapes a whiteboard holds; an update that would add more is refused and its sender
    /// closed with 1009.
    pub max_board_elements: usize,
    /// Largest cursor (awareness) state of one client, in bytes; a larger one closes its
    /// sender with 1009.
    pub max_awareness_bytes: usize,
    /// How often, in seconds, open sockets are checked against the database (account disabled,
    /// sign-in revoked, no longer in the session, session ended): what catches changes made by
    /// the command line or by another instance.
    pub access_check_secs: u64,
}

impl Default for RealtimeConfig {
    fn default() -> Self {
        Self {
            ice_servers: Vec::new(),
            max_message_kb: 1024,
            messages_per_second: 100,
            message_burst: 400,
            max_chat_chars: 2000,
            send_queue: 1024,
            compact_every: 500,
            max_document_kb: 1024,
            max_board_kb: 2048,
            max_board_elements: 5000,
            max_awareness_bytes: 4096,
            access_check_secs: 15,
        }
    }
}

impl RealtimeConfig {
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for server in &self.ice_servers {
            if server.urls.is_empty() {
                problems.push(Problem::new("realtime.ice_servers", "every server needs at least one URL"));
            }
            for url in &server.urls {
                let scheme = url.split_once(':').map(|(scheme, _)| scheme).unwrap_or_default();
                if !matches!(scheme, "stun" | "stuns" | "turn" | "turns") {
                    problems.push(Problem::new(
                        "realtime.ice_servers",
                        format!("`{url}` must start with stun:, stuns:, turn: or turns:"),
                    ));
                }
                let is_turn = scheme.starts_with("turn");
                if is_turn && (server.username.is_none() || server.credential.is_none()) {
                    problems.push(Problem::new(
                        "realtime.ice_servers",
                        format!("TURN server `{url}` needs username and credential"),
                    ));
                }
            }
        }
        let positive = [
            ("realtime.max_message_kb", self.max_message_kb),
            ("realtime.messages_per_second", self.messages_per_second as usize),
            ("realtime.message_burst", self.message_burst as usize),
            ("realtime.max_chat_chars", self.max_chat_chars),
            ("realtime.send_queue", self.send_queue),
            ("realtime.compact_every", self.compact_every as usize),
            ("realtime.max_document_kb", self.max_document_kb),
            ("realtime.max_board_kb", self.max_board_kb),
            ("realtime.max_board_elements", self.max_board_elements),
            ("realtime.max_awareness_bytes", self.max_awareness_bytes),
            ("realtime.access_check_secs", usize::try_from(self.access_check_secs).unwrap_or(usize::MAX)),
        ];
        for (key, value) in positive {
            if value == 0 {
                problems.push(Problem::new(key, "must be at least 1"));
            }
        }
        if self.max_message_kb > 64 * 1024 {
            problems.push(Problem::new("realtime.max_message_kb", "must be at most 65536 (64 MiB)"));
        }
        for (key, value) in
            [("realtime.max_document_kb", self.max_document_kb), ("realtime.max_board_kb", self.max_board_kb)]
        {
            if value > 64 * 1024 {
                problems.push(Problem::new(key, "must be at most 65536 (64 MiB)"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_servers_are_named() {
        assert!(RealtimeConfig::default().validate().is_empty());
        let config = RealtimeConfig {
            ice_servers: vec![
                IceServer { urls: vec!["stun:stun.lan:3478".into()], username: None, credential: None },
                IceServer { urls: vec!["turn:turn.lan:3478".into()], username: None, credential: None },
                IceServer { urls: vec!["http://nope".into()], username: None, credential: None },
            ],
            messages_per_second: 0,
            ..RealtimeConfig::default()
        };
        let problems: Vec<String> = config.validate().iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("needs username"));
        assert!(problems[1].contains("http://nope"));
        assert!(problems[2].starts_with("realtime.messages_per_second"));
    }
}
