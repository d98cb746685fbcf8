//! Google's side of the protocol: endpoints, grants, ID-token verification and keys.

pub mod api;
pub mod authorize;
pub mod drive;
pub mod endpoints;
pub use gsignin_verify::id_token;
pub mod jwks;
pub mod revoke;
pub mod scopes;
pub mod token;
pub mod tokeninfo;

/// Where `gsignin api` paths without a host go.
pub const DEFAULT_API_URL: &str = "https://www.googleapis.com";
