//! Calendar dates (`compatibility_date`, the runtime's newest supported date, today), with no
//! time zone: Cloudflare compares compatibility dates as UTC calendar days.

use std::fmt;

/// A day of the proleptic Gregorian calendar. Orders chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if the day exists (`2024-02-30` does not).
    pub fn new(year: u32, month: u8, day: u8) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// The UTC date `seconds` after 1970-01-01T00:00:00Z (the front ends pass the clock).
    pub fn from_unix_seconds(seconds: u64) -> Date {
        // Howard Hinnant's `civil_from_days`, for days since 1970 that are not negative.
        let days = seconds / 86_400 + 719_468;
        let era = days / 146_097;
        let day_of_era = days % 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        };
        let year = year_of_era + era * 400 + u64::from(month <= 2);
        Date {
            year: u32::try_from(year).unwrap_or(u32::MAX),
            month: month as u8,
            day: day as u8,
        }
    }

    /// `YYYYMMDD` as workerd writes it in its version (`1.20250101.0`).
    pub fn from_compact(text: &str) -> Option<Date> {
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Date::new(
            text[..4].parse().ok()?,
            text[4..6].parse().ok()?,
            text[6..].parse().ok()?,
        )
    }

    /// Strict `YYYY-MM-DD` of a day that exists.
    pub fn parse_iso(text: &str) -> Option<Date> {
        let IsoParts { year, month, day } = IsoParts::parse(text)?;
        Date::new(year, month, day)
    }

    pub fn year(self) -> u32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The numbers of a `YYYY-MM-DD` text, whether or not the day exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IsoParts {
    pub year: u32,
    pub month: u8,
    pub day: u8,
}

impl IsoParts {
    pub fn parse(text: &str) -> Option<IsoParts> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| {
            bytes[range.clone()]
                .iter()
                .all(u8::is_ascii_digit)
                .then(|| text[range].parse::<u32>().ok())
                .flatten()
        };
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        Some(IsoParts {
            year: digits(0..4)?,
            month: u8::try_from(digits(5..7)?).ok()?,
            day: u8::try_from(digits(8..10)?).ok()?,
        })
    }
}

pub fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_days_that_exist() {
        assert_eq!(
            Date::parse_iso("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::parse_iso("2023-02-29"), None);
        assert_eq!(Date::parse_iso("2024-02-30"), None);
        assert_eq!(Date::parse_iso("2024-13-01"), None);
        assert_eq!(Date::parse_iso("2024-2-03"), None);
        assert_eq!(Date::parse_iso("2024-02-03T00:00"), None);
        assert_eq!(Date::parse_iso("１２３４-02-03"), None);
        assert_eq!(Date::parse_iso(""), None);
        assert_eq!(Date::from_compact("20261117"), Date::new(2026, 11, 17));
        assert_eq!(Date::from_compact("2026117"), None);
    }

    #[test]
    fn converts_the_clock() {
        assert_eq!(Date::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_unix_seconds(951_782_400).to_string(),
            "2000-02-29"
        );
        assert_eq!(
            Date::from_unix_seconds(1_796_083_199).to_string(),
            "2026-11-30"
        );
        assert_eq!(
            Date::from_unix_seconds(1_796_083_200).to_string(),
            "2026-12-01"
        );
    }

    #[test]
    fn orders_chronologically() {
        assert!(Date::new(2024, 12, 31) < Date::new(2025, 1, 1));
        assert!(Date::new(2025, 1, 2) > Date::new(2025, 1, 1));
    }
}
