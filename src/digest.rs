//! Digests every stage may take: the SHA-256 of bytes as hex, and the name of the program
//! that made an output. Here, below every stage, so that parse (a page's content hash), write
//! (the manifest's file hashes) and versions (the release store) share one definition
//! without importing one another.

use sha2::{Digest, Sha256};

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// This program's name and version, as manifests and caches record it.
pub fn generator() -> String {
    format!("gongkai {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_is_the_standard_digest() {
        assert_eq!(super::sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
