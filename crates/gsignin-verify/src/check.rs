//! One check of a verdict: its status and the reason for it, as every user of the verifier
//! shows it.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub status: Status,
    /// Why: a fixed text for the common verdicts (no allocation per token in a batch), else
    /// one formatted for this token.
    pub detail: std::borrow::Cow<'static, str>,
}

pub(crate) fn pass(detail: impl Into<std::borrow::Cow<'static, str>>) -> Check {
    Check {
        status: Status::Pass,
        detail: detail.into(),
    }
}
pub(crate) fn fail(detail: impl Into<std::borrow::Cow<'static, str>>) -> Check {
    Check {
        status: Status::Fail,
        detail: detail.into(),
    }
}
pub(crate) fn skipped(detail: impl Into<std::borrow::Cow<'static, str>>) -> Check {
    Check {
        status: Status::Skipped,
        detail: detail.into(),
    }
}
