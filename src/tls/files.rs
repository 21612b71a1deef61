//! Reading and checking a PEM certificate chain and its private key, so that a certificate
//! that cannot serve (missing, unreadable, expired, for other names, or with another key) is
//! reported with the file and the reason instead of failing handshakes later.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::sign::CertifiedKey;
use x509_cert::der::Decode;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use crate::settings::Problem;

/// A certificate ready to serve, with what renewal and reloading need to know about it.
#[derive(Debug)]
pub struct Loaded {
    pub key: Arc<CertifiedKey>,
    pub leaf: Leaf,
}

/// What coderoom reads from a leaf certificate.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub dns_names: Vec<String>,
    pub addresses: Vec<IpAddr>,
    /// DER of the issuer's distinguished name, to tell which authority signed it.
    pub issuer: Vec<u8>,
}

impl Leaf {
    pub fn parse(der: &[u8]) -> Result<Self, String> {
        use x509_cert::der::Encode;
        let cert =
            x509_cert::Certificate::from_der(der).map_err(|err| format!("is not an X.509 certificate ({err})"))?;
        let tbs = &cert.tbs_certificate;
        let mut leaf = Leaf {
            not_before: tbs.validity.not_before.to_system_time(),
            not_after: tbs.validity.not_after.to_system_time(),
            dns_names: Vec::new(),
            addresses: Vec::new(),
            issuer: tbs.issuer.to_der().map_err(|err| format!("has an unreadable issuer ({err})"))?,
        };
        let names = tbs.get::<SubjectAltName>().map_err(|err| format!("has an unreadable subjectAltName ({err})"))?;
        for name in names.map(|(_, names)| names.0).unwrap_or_default() {
            match name {
                GeneralName::DnsName(dns) => leaf.dns_names.push(dns.to_string().to_ascii_lowercase()),
                GeneralName::IpAddress(octets) => {
                    let bytes = octets.as_bytes();
                    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
                        leaf.addresses.push(IpAddr::from(v4));
                    } else if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
                        leaf.addresses.push(IpAddr::from(v6));
                    }
                }
                _ => {}
            }
        }
        Ok(leaf)
    }

    /// Whether a browser would accept this certificate for `name` (a host name or address).
    pub fn covers(&self, name: &str) -> bool {
        if let Ok(ip) = name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            return self.addresses.contains(&ip);
        }
        let name = name.to_ascii_lowercase();
        self.dns_names.iter().any(|pattern| match pattern.strip_prefix("*.") {
            // A wildcard stands for exactly one label.
            Some(suffix) => name.split_once('.').is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
            None => *pattern == name,
        })
    }

    pub fn names(&self) -> Vec<String> {
        self.dns_names.iter().cloned().chain(self.addresses.iter().map(ToString::to_string)).collect()
    }

    pub fn remaining(&self) -> Duration {
        self.not_after.duration_since(SystemTime::now()).unwrap_or_default()
    }
}

pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Loads `cert` and `key` and checks that they can serve every name in `names` now. The
/// error is a configuration problem that names the file and the reason.
pub fn load(cert: &Path, key: &Path, names: &[String]) -> Result<Loaded, Problem> {
    let cert_problem = |reason: String| Problem::new("tls.cert", format!("{}: {reason}", cert.display()));
    let key_problem = |reason: String| Problem::new("tls.key", format!("{}: {reason}", key.display()));
    let cert_pem = std::fs::read(cert).map_err(|err| cert_problem(format!("cannot read it ({err})")))?;
    let key_pem = std::fs::read(key).map_err(|err| key_problem(format!("cannot read it ({err})")))?;
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| cert_problem(format!("is not a PEM certificate chain ({err})")))?;
    let first = chain.first().ok_or_else(|| cert_problem("contains no PEM certificate".into()))?;
    let private_key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|err| key_problem(format!("is not a PEM private key ({err})")))?;
    let leaf = Leaf::parse(first).map_err(cert_problem)?;
    check_serves(&leaf, names).map_err(cert_problem)?;
    let certified = CertifiedKey::from_der(chain, private_key, &provider()).map_err(|err| match err {
        rustls::Error::InconsistentKeys(_) => {
            key_problem(format!("does not belong to the certificate in {}", cert.display()))
        }
        other => key_problem(format!("cannot be used ({other})")),
    })?;
    Ok(Loaded { key: Arc::new(certified), leaf })
}

/// The reason a certificate cannot serve `names` now, if any.
pub fn check_serves(leaf: &Leaf, names: &[String]) -> Result<(), String> {
    let now = SystemTime::now();
    if leaf.not_after <= now {
        return Err(format!("expired on {}", format_time(leaf.not_after)));
    }
    if leaf.not_before > now {
        return Err(format!("is not valid before {}", format_time(leaf.not_before)));
    }
    let uncovered: Vec<&str> = names.iter().map(String::as_str).filter(|name| !leaf.covers(name)).collect();
    if !uncovered.is_empty() {
        return Err(format!(
            "is not valid for {} (it covers: {})",
            uncovered.join(", "),
            if leaf.names().is_empty() { "no names".to_string() } else { leaf.names().join(", ") }
        ));
    }
    Ok(())
}

pub fn format_time(at: SystemTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from(at).format(&format).unwrap_or_else(|_| "an unknown date".into())
}
