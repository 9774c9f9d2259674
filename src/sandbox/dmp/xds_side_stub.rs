//! placeholder while the XDS side is written
use super::state::DmpState;
use crate::dmp::xds::IdGen;
pub struct CallerContext {
    pub national_id: String,
    pub purpose: crate::dmp::vihf::PurposeOfUse,
    pub patient: Option<crate::domain::Ins>,
}
pub enum XdsReply {
    Soap {
        payload: String,
    },
    Mtom {
        payload: String,
        attachments: Vec<crate::dmp::mtom::Part>,
    },
}
pub fn handle(
    _s: &mut DmpState,
    _c: &CallerContext,
    _a: &str,
    _e: &[u8],
    _at: &[crate::dmp::mtom::Part],
    _i: &mut IdGen,
) -> XdsReply {
    XdsReply::Soap {
        payload: String::new(),
    }
}
