//! Header values: the header name decides (`Server`, `Set-Cookie`, `Authorization`, …), then the
//! value is scanned like text.

use crate::keys::KeyClass;
use crate::scan::Scanner;
use crate::types::{Confidence, DataType};
use crate::util::*;
use crate::{Detector, Match, context};

/// Scan one header.
pub(crate) fn scan_header(det: &Detector, name: &str, value: &[u8], out: &mut Vec<Match>) {
    let lname = name.to_ascii_lowercase();
    let base = out.len();
    let mut s = Scanner::new(det, value, out);
    match lname.as_str() {
        "server"
        | "x-powered-by"
        | "x-aspnet-version"
        | "x-aspnetmvc-version"
        | "x-generator"
        | "x-runtime-version"
        | "via" => {
            // a version number anywhere in the value
            let has_version = value
                .windows(2)
                .any(|w| w[0].is_ascii_digit() && w[1] == b'.')
                || value
                    .windows(2)
                    .any(|w| w[0] == b'/' && w[1].is_ascii_digit());
            if has_version {
                let v = lossy(value);
                s.emit(
                    DataType::ServerVersion,
                    0..value.len(),
                    Confidence::Certain,
                    false,
                    Some(clip(v.trim(), 80)),
                );
            }
        }
        "x-amzn-errortype" => {
            let code = value.split(|&c| c == b':').next().unwrap_or(b"");
            let code = code.rsplit(|&c| c == b'#').next().unwrap_or(b"");
            if !code.is_empty() {
                s.emit(
                    DataType::DynamodbException,
                    0..value.len(),
                    Confidence::Certain,
                    false,
                    Some(lossy(code)),
                );
            }
        }
        _ => {}
    }
    s.candidates();
    s.sort_pending();
    let mut pend = 0usize;
    if lname == "set-cookie" || lname == "cookie" {
        // each cookie: name=value; the name is key context
        let mut off = 0usize;
        for part in value.split(|&c| c == b';') {
            let pstart = off;
            off += part.len() + 1;
            let Some(eq) = memchr::memchr(b'=', part) else {
                continue;
            };
            let cname = &part[..eq];
            let cname_t = lossy(cname).trim().to_string();
            let vstart = pstart + eq + 1;
            let vend = pstart + part.len();
            if lname == "set-cookie" && pstart > 0 {
                break; // attributes (Path, Domain…) after the first pair
            }
            let kc = crate::keys::classify_cached(cname_t.as_bytes());
            s.apply_key(
                kc,
                &|| format!("{name}: {cname_t}"),
                vstart..vend,
                &mut pend,
                context::ValKind::Str,
                false,
            );
        }
    } else if lname == "authorization" || lname == "proxy-authorization" {
        let v = value;
        if v.len() > 6 && v[..6].eq_ignore_ascii_case(b"basic ") {
            if let Some(dec) = crate::jwt::b64url_decode(v[6..].trim_ascii())
                && let Some(c) = memchr::memchr(b':', &dec)
                && c + 1 < dec.len()
            {
                let user = lossy(&dec[..c]);
                s.emit(
                    DataType::Password,
                    6..v.len(),
                    Confidence::Certain,
                    false,
                    Some(format!(
                        "basic auth for {}***",
                        user.chars().take(1).collect::<String>()
                    )),
                );
            }
        } else if s.npending == 0 {
            let body = if v.len() > 7 && v[..7].eq_ignore_ascii_case(b"bearer ") {
                7
            } else {
                0
            };
            let kc = Some(KeyClass {
                data_type: DataType::GenericSecret,
                strength: crate::KeyStrength::Strong,
            });
            s.apply_key(
                kc,
                &|| name.to_string(),
                body..v.len(),
                &mut pend,
                context::ValKind::Str,
                false,
            );
        }
    } else {
        let kc = crate::keys::classify_cached(name.as_bytes());
        s.apply_key(
            kc,
            &|| name.to_string(),
            0..value.len(),
            &mut pend,
            context::ValKind::Str,
            false,
        );
    }
    // every pattern match gets the header name as its key path
    s.custom_pass();
    s.finish();
    for m in &mut out[base..] {
        if m.key_path.is_none() {
            m.key_path = Some(name.to_string());
        }
    }
}
