//! coderoom's own certificate authority (`tls.mode = "auto"`): created once in
//! `<data_dir>/tls`, trusted once per device, and used to issue the server certificate for
//! every name and address people may use, renewed well before it expires.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::pem::PemObject;
use sha2::{Digest, Sha256};

use super::files::{self, Leaf, Loaded};

/// The authority outlives many server certificates; browsers never limit a locally trusted
/// root's lifetime.
const CA_VALIDITY: Duration = Duration::from_secs(10 * 365 * 24 * 3600);
/// Below Apple's 825-day limit for certificates from locally trusted authorities.
const SERVER_VALIDITY: Duration = Duration::from_secs(365 * 24 * 3600);
/// A server certificate with less time than this left is replaced.
pub const RENEW_BEFORE: Duration = Duration::from_secs(30 * 24 * 3600);

/// Where the authority and the server certificate live.
pub fn dir(data_dir: &Path) -> PathBuf {
    data_dir.join("tls")
}

pub fn ca_cert_path(data_dir: &Path) -> PathBuf {
    dir(data_dir).join("ca.crt")
}

pub struct Authority {
    issuer: Issuer<'static, KeyPair>,
    pub cert_pem: String,
}

impl Authority {
    /// The authority in `data_dir`, created on first use (private key readable by the owner only).
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        let dir = dir(data_dir);
        let cert_path = dir.join("ca.crt");
        let key_path = dir.join("ca.key");
        if key_path.exists() {
            let key_pem = std::fs::read_to_string(&key_path)
                .with_context(|| format!("{}: cannot read the authority's key", key_path.display()))?;
            let key = KeyPair::from_pem(&key_pem)
                .with_context(|| format!("{}: not a PEM private key", key_path.display()))?;
            let cert_pem = std::fs::read_to_string(&cert_path)
                .with_context(|| format!("{}: cannot read the authority's certificate", cert_path.display()))?;
            check_authority_cert(&cert_pem, &key)
                .map_err(|reason| anyhow::anyhow!("{}: {reason}", cert_path.display()))?;
            return Ok(Self { issuer: Issuer::new(authority_params(&key), key), cert_pem });
        }
        create_private_dir(&dir)?;
        let key = KeyPair::generate()?;
        let mut params = authority_params(&key);
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::hours(1);
        params.not_after = now + CA_VALIDITY;
        let cert_pem = params.self_signed(&key)?.pem();
        write_private(&key_path, &key.serialize_pem())?;
        std::fs::write(&cert_path, &cert_pem).with_context(|| format!("cannot write {}", cert_path.display()))?;
        tracing::info!(path = %cert_path.display(), "created coderoom's certificate authority");
        Ok(Self { issuer: Issuer::new(params, key), cert_pem })
    }

    /// The server certificate in `data_dir` if it serves `names` for long enough and was
    /// issued by this authority; a newly issued one otherwise.
    pub fn server_certificate(&self, data_dir: &Path, names: &[String]) -> anyhow::Result<Loaded> {
        let dir = dir(data_dir);
        let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
        if let Ok(loaded) = files::load(&cert, &key, names)
            && loaded.leaf.remaining() > RENEW_BEFORE
            && self.issued(&loaded.leaf)
        {
            return Ok(loaded);
        }
        let key_pair = KeyPair::generate()?;
        let mut params = CertificateParams::default();
        params.subject_alt_names = names.iter().filter_map(|name| san(name)).collect();
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CommonName, names.first().map_or("coderoom", String::as_str));
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.use_authority_key_identifier_extension = true;
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::hours(1);
        params.not_after = now + SERVER_VALIDITY;
        let issued = params.signed_by(&key_pair, &self.issuer)?;
        write_private(&key, &key_pair.serialize_pem())?;
        // The chain ends with the authority, so clients that were given only its fingerprint
        // (or a browser flag) can still match it.
        std::fs::write(&cert, format!("{}{}", issued.pem(), self.cert_pem))
            .with_context(|| format!("cannot write {}", cert.display()))?;
        tracing::info!(names = %names.join(", "), "issued the server certificate");
        files::load(&cert, &key, names).map_err(|problem| anyhow::anyhow!("{}", problem.message))
    }

    fn issued(&self, leaf: &Leaf) -> bool {
        use x509_cert::der::{Decode, Encode};
        rustls::pki_types::CertificateDer::from_pem_slice(self.cert_pem.as_bytes())
            .ok()
            .and_then(|der| x509_cert::Certificate::from_der(&der).ok())
            .and_then(|ca| ca.tbs_certificate.subject.to_der().ok())
            .is_some_and(|subject| subject == leaf.issuer)
    }

    /// SHA-256 of the certificate (what browsers and `openssl x509 -fingerprint` show).
    pub fn fingerprint(&self) -> String {
        let der = rustls::pki_types::CertificateDer::from_pem_slice(self.cert_pem.as_bytes())
            .map(|der| der.to_vec())
            .unwrap_or_default();
        Sha256::digest(der).iter().map(|byte| format!("{byte:02X}")).collect::<Vec<_>>().join(":")
    }
}

/// The authority's name is derived from its key, so the issuer written into new server
/// certificates always matches the stored authority certificate.
fn authority_params(key: &KeyPair) -> CertificateParams {
    let id = hex::encode(&Sha256::digest(key.public_key_raw())[..4]);
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::OrganizationName, "coderoom");
    params.distinguished_name.push(DnType::CommonName, format!("coderoom local authority {id}"));
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn check_authority_cert(cert_pem: &str, key: &KeyPair) -> Result<(), String> {
    use x509_cert::der::Decode;
    let der = rustls::pki_types::CertificateDer::from_pem_slice(cert_pem.as_bytes())
        .map_err(|err| format!("not a PEM certificate ({err})"))?;
    let cert = x509_cert::Certificate::from_der(&der).map_err(|err| format!("not an X.509 certificate ({err})"))?;
    let public_key = cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    if public_key != key.public_key_raw() {
        return Err("does not belong to ca.key beside it".into());
    }
    Ok(())
}

/// A host name or address as a certificate name; `None` when it is neither.
pub fn san(name: &str) -> Option<SanType> {
    let name = name.trim();
    if let Ok(ip) = name.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        return Some(SanType::IpAddress(ip));
    }
    let labels = name.strip_prefix("*.").unwrap_or(name);
    let valid = !labels.is_empty()
        && labels.len() <= 253
        && labels.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    valid.then(|| rcgen::string::Ia5String::try_from(name.to_ascii_lowercase()).ok().map(SanType::DnsName)).flatten()
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Writes a private key readable by its owner only, from the first byte on.
fn write_private(path: &Path, pem: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let temp = path.with_extension("tmp");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&temp)
        .with_context(|| format!("cannot write {}", temp.display()))?;
    file.write_all(pem.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// This machine's host name and its addresses (link-local ones left out: they cannot be
/// typed into a browser without a zone).
pub fn machine_names() -> Vec<String> {
    let mut names: Vec<String> = host_name().into_iter().collect();
    names.extend(interface_addresses().into_iter().map(|ip| ip.to_string()));
    names
}

/// This machine's host name, when it can go into a certificate.
pub fn host_name() -> Option<String> {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let host = host.trim().to_ascii_lowercase();
    san(&host).is_some().then_some(host)
}

fn interface_addresses() -> Vec<IpAddr> {
    let mut addresses = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list that we only read and then free.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return addresses;
    }
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs returned, not yet freed.
        let node = unsafe { &*entry };
        entry = node.ifa_next;
        if node.ifa_addr.is_null() {
            continue;
        }
        // SAFETY: ifa_addr points to a sockaddr whose family says which struct it is.
        let address = unsafe {
            match i32::from((*node.ifa_addr).sa_family) {
                libc::AF_INET => {
                    let v4 = &*(node.ifa_addr as *const libc::sockaddr_in);
                    Some(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()))
                }
                libc::AF_INET6 => {
                    let v6 = &*(node.ifa_addr as *const libc::sockaddr_in6);
                    Some(IpAddr::from(v6.sin6_addr.s6_addr))
                }
                _ => None,
            }
        };
        if let Some(ip) = address
            && !is_link_local(ip)
            && !addresses.contains(&ip)
        {
            addresses.push(ip);
        }
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    addresses
}

fn is_link_local(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_link_local(),
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) == 0xfe80,
    }
}
