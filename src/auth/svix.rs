//! Svix webhook signatures (how Clerk signs its webhooks): HMAC-SHA256 over
//! `"{id}.{timestamp}.{raw body}"` with the base64 key after `whsec_`, sent as
//! space-separated `v1,<base64>` entries.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Deliveries older or newer than this (against our clock) are refused: it bounds replays.
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, PartialEq, Eq)]
pub enum SvixError {
    MissingHeaders,
    BadTimestamp,
    StaleTimestamp,
    BadSignature,
}

impl std::fmt::Display for SvixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::MissingHeaders => "Missing svix-id, svix-timestamp or svix-signature header",
            Self::BadTimestamp => "The webhook timestamp is not a number of seconds",
            Self::StaleTimestamp => "The webhook timestamp is more than 5 minutes away from now",
            Self::BadSignature => "The webhook signature does not match",
        })
    }
}

/// The HMAC key inside a `whsec_…` secret.
pub fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    let encoded = secret.trim().strip_prefix("whsec_")?;
    let key = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    (!key.is_empty()).then_some(key)
}

/// The `v1,<base64>` signature of one delivery.
#[cfg(test)]
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let digest = mac_for(key, id, &timestamp.to_string(), body).finalize().into_bytes();
    format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(digest))
}

fn new_mac(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

fn mac_for(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = new_mac(key);
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks one delivery against `now` (unix seconds). The raw bytes are verified, never a
/// re-serialization, since any byte of difference is a different message.
pub fn verify(key: &[u8], id: &str, timestamp: &str, signatures: &str, body: &[u8], now: i64) -> Result<(), SvixError> {
    if id.is_empty() || timestamp.is_empty() || signatures.is_empty() {
        return Err(SvixError::MissingHeaders);
    }
    let sent_at: i64 = timestamp.trim().parse().map_err(|_| SvixError::BadTimestamp)?;
    if (now - sent_at).abs() > TOLERANCE_SECS {
        return Err(SvixError::StaleTimestamp);
    }
    let expected = mac_for(key, id, timestamp.trim(), body);
    let matches = signatures.split_whitespace().filter_map(|entry| entry.strip_prefix("v1,")).any(|candidate| {
        base64::engine::general_purpose::STANDARD
            .decode(candidate)
            // `verify_slice` compares in constant time.
            .is_ok_and(|bytes| expected.clone().verify_slice(&bytes).is_ok())
    });
    if matches { Ok(()) } else { Err(SvixError::BadSignature) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    #[test]
    fn accepts_its_own_signature_among_others_and_rejects_changes() {
        let key = decode_secret(SECRET).expect("secret");
        let body = br#"{"type":"user.created"}"#;
        let signature = sign(&key, "msg_1", 1_700_000_000, body);
        let header = format!("v1,AAAA {signature} v2,zzz");
        assert_eq!(verify(&key, "msg_1", "1700000000", &header, body, 1_700_000_100), Ok(()));
        assert_eq!(
            verify(&key, "msg_1", "1700000000", &header, b"{\"type\":\"user.deleted\"}", 1_700_000_100),
            Err(SvixError::BadSignature)
        );
        assert_eq!(verify(&key, "msg_2", "1700000000", &header, body, 1_700_000_000), Err(SvixError::BadSignature));
        assert_eq!(
            verify(&key, "msg_1", "1700000000", &signature, body, 1_700_000_301),
            Err(SvixError::StaleTimestamp)
        );
        assert_eq!(verify(&key, "msg_1", "soon", &signature, body, 1_700_000_000), Err(SvixError::BadTimestamp));
        assert_eq!(verify(&key, "", "1700000000", &signature, body, 1_700_000_000), Err(SvixError::MissingHeaders));
    }

    #[test]
    fn secrets_need_the_prefix_and_base64() {
        assert!(decode_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none());
        assert!(decode_secret("whsec_not base64!").is_none());
        assert!(decode_secret(SECRET).is_some());
    }
}
