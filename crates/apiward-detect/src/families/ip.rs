//! IPv4 addresses: parsed, then classed as internal topology, public, or documentation ranges.

use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::validate::*;

impl Scanner<'_, '_, '_> {
    /// A dotted quad segment `s..e` of a digit cluster.
    #[inline]
    pub(crate) fn ipv4_segment(&mut self, s: usize, e: usize) {
        let input = self.input;
        let Some(ip) = parse_ipv4(&input[s..e]) else {
            return;
        };
        if at(input, e) == b'.' && at(input, e + 1).is_ascii_digit() {
            return;
        }
        match ip_kind(ip) {
            IpKind::Internal => {
                self.emit(DataType::IpInternal, s..e, Confidence::Firm, false, None);
            }
            IpKind::Public => {
                self.emit(DataType::IpPublic, s..e, Confidence::Firm, false, None);
            }
            IpKind::Documentation => {
                self.emit(
                    DataType::IpPublic,
                    s..e,
                    Confidence::Firm,
                    true,
                    Some("documentation range".into()),
                );
            }
            IpKind::NotAHost => {}
        }
    }
}
