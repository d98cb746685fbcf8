//! Throw-away HTTPS: for the emulator a CA and a certificate for 127.0.0.1, ::1 and localhost
//! (and a service's public name), so a backend, and gsignin's own tests, exercise real TLS,
//! SSL_CERT_FILE and HTTPS proxies; for
//! `receive` one self-signed certificate for the names an app reaches it by, identified by its
//! SHA-256 fingerprint.

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use std::sync::Arc;

pub struct Tls {
    /// The CA certificate to trust (SSL_CERT_FILE), PEM.
    pub ca_pem: String,
    pub config: Arc<rustls::ServerConfig>,
}

/// A new CA and a server certificate it signed.
pub fn generate() -> Result<Tls, String> {
    generate_for(&[], &[])
}

/// A new CA and a server certificate it signed, also for `names` and `ips`: the host of the
/// public URL a service emulator's clients reach it by, and a bind address other than loopback.
pub fn generate_for(names: &[String], ips: &[std::net::IpAddr]) -> Result<Tls, String> {
    let err = |e: rcgen::Error| format!("cannot make the emulator's certificates: {e}");
    let ca_key = KeyPair::generate().map_err(err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca.distinguished_name
        .push(DnType::CommonName, "gsignin emulator CA (throw-away)");
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let issuer = Issuer::new(ca, ca_key);

    let leaf_key = KeyPair::generate().map_err(err)?;
    // `emulator.test` (RFC 2606 reserves .test): the name under which a test reaches the
    // emulator through an HTTPS proxy, as a CI job reaches a service by name.
    let mut dns = vec!["localhost".to_string(), "emulator.test".to_string()];
    for name in names {
        if !dns.contains(name) {
            dns.push(name.clone());
        }
    }
    let mut leaf = CertificateParams::new(dns).map_err(err)?;
    // Both loopback addresses: an emulator bound to ::1 (or ::) is reached at [::1].
    for loopback in [
        std::net::IpAddr::from([127, 0, 0, 1]),
        std::net::IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
    ] {
        leaf.subject_alt_names.push(SanType::IpAddress(loopback));
    }
    for ip in ips {
        leaf.subject_alt_names.push(SanType::IpAddress(*ip));
    }
    leaf.distinguished_name
        .push(DnType::CommonName, "gsignin emulator");
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(err)?;

    Ok(Tls {
        ca_pem: ca_cert.pem(),
        config: server_config(&leaf_cert, &leaf_key)?,
    })
}

/// A self-signed certificate, and the server configuration that presents it.
pub struct SelfSigned {
    pub cert_pem: String,
    /// SHA-256 of the certificate (DER), as colon-separated upper-case hex.
    pub fingerprint: String,
    pub config: Arc<rustls::ServerConfig>,
}

/// A self-signed certificate for `names` and `ips`.
pub fn self_signed(names: &[String], ips: &[std::net::IpAddr]) -> Result<SelfSigned, String> {
    let err = |e: rcgen::Error| format!("cannot make a certificate: {e}");
    let key = KeyPair::generate().map_err(err)?;
    let mut params = CertificateParams::new(names.to_vec()).map_err(err)?;
    for ip in ips {
        params.subject_alt_names.push(SanType::IpAddress(*ip));
    }
    params
        .distinguished_name
        .push(DnType::CommonName, "gsignin receive (throw-away)");
    let cert = params.self_signed(&key).map_err(err)?;
    let fingerprint = crate::sha256(cert.der())
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(SelfSigned {
        cert_pem: cert.pem(),
        fingerprint,
        config: server_config(&cert, &key)?,
    })
}

/// A server configuration presenting `cert` (signed by `key`'s pair) alone.
fn server_config(
    cert: &rcgen::Certificate,
    key: &KeyPair,
) -> Result<Arc<rustls::ServerConfig>, String> {
    let der = rustls_pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| format!("TLS set-up: {e}"))?
    .with_no_client_auth()
    .with_single_cert(vec![cert.der().clone()], der)
    .map_err(|e| format!("TLS set-up: {e}"))?;
    Ok(Arc::new(config))
}
