//! Noticing changed files, and the serving certificate that follows them.
//!
//! Files are polled, not watched: cert-manager and ConfigMap volumes swap
//! files through symlinks, which a poll of each file's metadata sees the
//! same way on every platform.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;
use tokio_rustls::rustls::crypto::ring::sign::any_supported_type;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::{ClientHello, ResolvesServerCert};
use tokio_rustls::rustls::sign::CertifiedKey;

/// The most files a policy directory may hold for a poll to look at.
const MAX_FILES: usize = 10_000;

/// What a set of files looked like: each file's path, length and mtime.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint(Vec<(PathBuf, u64, Option<SystemTime>)>);

impl Fingerprint {
    /// The files at and below `paths` (symlinks followed, so a swapped
    /// `..data` link counts as a change).
    pub fn of(paths: &[PathBuf]) -> Fingerprint {
        let mut files = Vec::new();
        for path in paths {
            let walk = ignore::WalkBuilder::new(path)
                .standard_filters(false)
                .follow_links(true)
                .build();
            for entry in walk.flatten().take(MAX_FILES) {
                if let Ok(metadata) = std::fs::metadata(entry.path())
                    && metadata.is_file()
                {
                    files.push((
                        entry.path().to_path_buf(),
                        metadata.len(),
                        metadata.modified().ok(),
                    ));
                }
            }
        }
        files.sort();
        Fingerprint(files)
    }
}

/// The serving certificate, swapped whole when its files change; each TLS
/// handshake takes the one current then, so connections open keep theirs.
#[derive(Debug)]
pub struct CertificateResolver {
    current: RwLock<Arc<CertifiedKey>>,
}

impl CertificateResolver {
    pub fn load(cert: &Path, key: &Path) -> Result<CertificateResolver, String> {
        Ok(CertificateResolver {
            current: RwLock::new(Arc::new(read_certified_key(cert, key)?)),
        })
    }

    /// Replaces the certificate with the one the files now hold; a bad pair
    /// leaves the current one serving.
    pub fn reload(&self, cert: &Path, key: &Path) -> Result<(), String> {
        let fresh = Arc::new(read_certified_key(cert, key)?);
        match self.current.write() {
            Ok(mut current) => {
                *current = fresh;
                Ok(())
            }
            Err(_) => Err("the certificate lock is poisoned".into()),
        }
    }
}

impl ResolvesServerCert for CertificateResolver {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        self.current.read().ok().map(|current| Arc::clone(&current))
    }
}

/// A PEM certificate chain and its PEM private key, checked to match.
pub fn read_certified_key(cert: &Path, key: &Path) -> Result<CertifiedKey, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no PEM certificate", cert.display()));
    }
    let key_der =
        PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let signing = any_supported_type(&key_der).map_err(|e| format!("{}: {e}", key.display()))?;
    let certified = CertifiedKey::new(chain, signing);
    certified.keys_match().map_err(|e| {
        format!(
            "{} and {} do not belong together: {e}",
            cert.display(),
            key.display()
        )
    })?;
    Ok(certified)
}
