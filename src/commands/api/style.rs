//! How `gsignin api` writes values, the same on the printer's thread (`print`) and on jq's
//! (`jq`).

/// How values are written: the same on the printer's thread and on jq's.
#[derive(Clone, Copy)]
pub struct Style {
    /// stdout is a terminal: the server's bytes are escaped (whatever --json says).
    pub terminal: bool,
    /// JSON indented for people (a terminal, without --json).
    pub pretty: bool,
    pub color: bool,
}
