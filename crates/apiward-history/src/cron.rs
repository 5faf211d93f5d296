//! Five-field cron expressions (minute hour day-of-month month day-of-week), evaluated in UTC.
//! Fields take `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and comma lists; day-of-week
//! is 0–7 (0 and 7 are Sunday). As in classic cron, when both day fields are restricted a day
//! matching either one matches. Written here rather than pulled in: it is ~100 lines, and the
//! crates that do this bring a date library along.

/// A parsed cron expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    day_restricted: bool,
    weekday_restricted: bool,
}

fn field(text: &str, min: u32, max: u32, name: &str) -> Result<(u64, bool), String> {
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => {
                let step: u32 = s
                    .parse()
                    .ok()
                    .filter(|s| *s > 0)
                    .ok_or_else(|| format!("{name}: bad step `{s}`"))?;
                (r, step)
            }
            None => (part, 1),
        };
        let num = |s: &str| -> Result<u32, String> {
            s.parse::<u32>()
                .ok()
                .filter(|v| (min..=max).contains(v))
                .ok_or_else(|| format!("{name}: `{s}` is not a number from {min} to {max}"))
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (num(a)?, num(b)?)
        } else {
            let v = num(range)?;
            // `5/15` means from 5 to the end, every 15.
            (v, if step > 1 { max } else { v })
        };
        if lo > hi {
            return Err(format!("{name}: empty range `{range}`"));
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, text != "*"))
}

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm): (year, month, day).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

impl Cron {
    pub fn parse(text: &str) -> Result<Cron, String> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(format!(
                "cron `{text}`: expected 5 fields (minute hour day-of-month month day-of-week)"
            ));
        }
        let (minutes, _) = field(parts[0], 0, 59, "minute")?;
        let (hours, _) = field(parts[1], 0, 23, "hour")?;
        let (days, day_restricted) = field(parts[2], 1, 31, "day-of-month")?;
        let (months, _) = field(parts[3], 1, 12, "month")?;
        let (mut weekdays, weekday_restricted) = field(parts[4], 0, 7, "day-of-week")?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(Cron {
            minutes,
            hours,
            days,
            months,
            weekdays,
            day_restricted,
            weekday_restricted,
        })
    }

    fn day_matches(&self, days_since_epoch: i64) -> bool {
        let (_, m, d) = civil(days_since_epoch);
        if self.months & (1 << m) == 0 {
            return false;
        }
        // 1970-01-01 was a Thursday (4).
        let wd = (days_since_epoch + 4).rem_euclid(7) as u32;
        let dom = self.days & (1 << d) != 0;
        let dow = self.weekdays & (1 << wd) != 0;
        match (self.day_restricted, self.weekday_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    /// The first matching minute strictly after `unix` (seconds), within about five years; `None`
    /// for an expression that never fires (`0 0 31 2 *`).
    pub fn next_after(&self, unix: u64) -> Option<u64> {
        let mut t = (unix / 60 + 1) * 60;
        let limit = t + 5 * 366 * 86_400;
        while t < limit {
            let day = (t / 86_400) as i64;
            if !self.day_matches(day) {
                t = (t / 86_400 + 1) * 86_400;
                continue;
            }
            let secs = t % 86_400;
            let (h, m) = (secs / 3600, (secs % 3600) / 60);
            if self.hours & (1 << h) == 0 {
                t = (t / 3600 + 1) * 3600;
                continue;
            }
            if self.minutes & (1 << m) != 0 {
                return Some(t);
            }
            t += 60;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-01-01T00:00:00Z, a Thursday.
    const JAN1: u64 = 1_767_225_600;

    #[test]
    fn next_runs() {
        let every5 = Cron::parse("*/5 * * * *").expect("parse");
        assert_eq!(every5.next_after(JAN1), Some(JAN1 + 300));
        assert_eq!(every5.next_after(JAN1 + 299), Some(JAN1 + 300));
        let daily = Cron::parse("30 2 * * *").expect("parse");
        assert_eq!(daily.next_after(JAN1), Some(JAN1 + 2 * 3600 + 1800));
        // Mondays at 09:00: 2026-01-05.
        let monday = Cron::parse("0 9 * * 1").expect("parse");
        assert_eq!(monday.next_after(JAN1), Some(JAN1 + 4 * 86_400 + 9 * 3600));
        // Sunday as 7: 2026-01-04.
        let sunday = Cron::parse("0 0 * * 7").expect("parse");
        assert_eq!(sunday.next_after(JAN1), Some(JAN1 + 3 * 86_400));
        // The 1st of March.
        let march = Cron::parse("0 0 1 3 *").expect("parse");
        assert_eq!(
            crate::store::rfc3339(march.next_after(JAN1).expect("fires")),
            "2026-03-01T00:00:00Z"
        );
        assert_eq!(
            Cron::parse("0 0 31 2 *").expect("parse").next_after(JAN1),
            None
        );
    }

    #[test]
    fn bad_expressions() {
        for bad in [
            "* * * *",
            "60 * * * *",
            "*/0 * * * *",
            "5-1 * * * *",
            "a * * * *",
            "",
        ] {
            assert!(Cron::parse(bad).is_err(), "{bad}");
        }
    }
}
