//! Audience: who may read a thing. A static site has no access control, so a build is made for
//! one audience and leaves out everything meant for a narrower one; resolve decides it for
//! every page, dataset, static file and revision.

use serde::Serialize;

/// Ordered from widest to narrowest: `a <= b` means what `a` may read, `b` may read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Public,
    Party,
}

impl Audience {
    pub fn parse(s: &str) -> Option<Audience> {
        match s.trim() {
            "public" | "公开" | "对外公开" => Some(Audience::Public),
            "party" | "党内" | "党内公开" => Some(Audience::Party),
            _ => None,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Audience::Public => "public",
            Audience::Party => "party",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Audience::Public => "对外公开",
            Audience::Party => "党内公开",
        }
    }
}

impl<'de> serde::Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Audience::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown audience `{s}`: use \"public\" or \"party\""))
        })
    }
}
