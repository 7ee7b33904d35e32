//! Showing instants as Norwegian wall-clock time (CET/CEST), without a time-zone database.

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix second of the last Sunday of a month at 01:00 UTC, when EU clocks change.
fn last_sunday_0100_utc(year: i64, month: u32) -> i64 {
    let first_next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let last = first_next - 1;
    // 1970-01-01 was a Thursday: weekday 0 = Monday.
    let weekday = (last + 3).rem_euclid(7);
    let sunday = last - (weekday + 1) % 7;
    sunday * 86_400 + 3_600
}

/// Norway's offset from UTC in seconds at an instant (EU summer time rule).
pub fn oslo_offset(unix: i64) -> i64 {
    let (year, _, _) = civil_from_days(unix.div_euclid(86_400));
    let summer = unix >= last_sunday_0100_utc(year, 3) && unix < last_sunday_0100_utc(year, 10);
    if summer {
        7_200
    } else {
        3_600
    }
}

/// The instant a Norwegian wall-clock time names. A time that does not exist (the hour
/// skipped in March) is read as the same time after the change; a time that happens
/// twice (the hour repeated in October) as its first, summer-time occurrence.
pub fn oslo_to_utc(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> i64 {
    let local = days_from_civil(i64::from(year), month, day) * 86_400
        + i64::from(hour) * 3_600
        + i64::from(minute) * 60;
    // Summer time first, so a repeated hour gives its first occurrence.
    for offset in [7_200, 3_600] {
        let unix = local - offset;
        if oslo_offset(unix) == offset {
            return unix;
        }
    }
    // Only a skipped hour gets here: its winter reading lands after the change.
    local - 3_600
}

/// The weekday in Norway at an instant: 0 = Monday … 6 = Sunday.
pub fn oslo_weekday(unix: i64) -> u32 {
    let days = (unix + oslo_offset(unix)).div_euclid(86_400);
    // 1970-01-01 was a Thursday.
    u32::try_from((days + 3).rem_euclid(7)).unwrap_or(0)
}

/// Norwegian wall-clock time at an instant, as (hour, minute).
pub fn oslo_time(unix: i64) -> (u32, u32) {
    let seconds = (unix + oslo_offset(unix)).rem_euclid(86_400);
    (
        u32::try_from(seconds / 3_600).unwrap_or(0),
        u32::try_from(seconds % 3_600 / 60).unwrap_or(0),
    )
}

/// A civil date `days` days after another, as (year, month, day).
pub fn add_days(year: i32, month: u32, day: u32, days: i64) -> (i32, u32, u32) {
    let (y, m, d) = civil_from_days(days_from_civil(i64::from(year), month, day) + days);
    (i32::try_from(y).unwrap_or(i32::MAX), m, d)
}

/// `22.11.2026 23:45` in Norwegian time.
/// The date in Norway at an instant, as (year, month, day).
pub fn oslo_date(unix: i64) -> (i32, u32, u32) {
    let (y, m, d) = civil_from_days((unix + oslo_offset(unix)).div_euclid(86_400));
    (i32::try_from(y).unwrap_or(i32::MAX), m, d)
}

/// An instant as an RFC 3339 / FHIR `dateTime` in UTC, e.g. 2026-11-23T01:56:08Z.
pub fn format_rfc3339_utc(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// Just the date, as people write it in Norway (23.11.2026).
pub fn format_oslo_date(unix: i64) -> String {
    let (y, m, d) = oslo_date(unix);
    format!("{d:02}.{m:02}.{y}")
}

pub fn format_oslo(unix: i64) -> String {
    let local = unix + oslo_offset(unix);
    let (year, month, day) = civil_from_days(local.div_euclid(86_400));
    let seconds = local.rem_euclid(86_400);
    format!(
        "{day:02}.{month:02}.{year} {:02}:{:02}",
        seconds / 3600,
        seconds % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winter_time_is_one_hour_ahead() {
        // 2026-11-22 22:53:00 UTC
        assert_eq!(format_oslo(1_795_387_980), "22.11.2026 23:53");
    }

    #[test]
    fn summer_time_is_two_hours_ahead() {
        // 2026-07-01 12:00:00 UTC
        assert_eq!(format_oslo(1_782_907_200), "01.07.2026 14:00");
    }

    #[test]
    fn clocks_change_on_the_last_sundays_of_march_and_october() {
        // 2026-03-29 00:59:59 UTC is still winter; one second later it is summer.
        let change = days_from_civil(2026, 3, 29) * 86_400 + 3_600;
        assert_eq!(oslo_offset(change - 1), 3_600);
        assert_eq!(oslo_offset(change), 7_200);
        let back = days_from_civil(2026, 10, 25) * 86_400 + 3_600;
        assert_eq!(oslo_offset(back - 1), 7_200);
        assert_eq!(oslo_offset(back), 3_600);
    }

    #[test]
    fn wall_clock_times_name_the_right_instants_across_both_changes() {
        // 18:00 in winter is 17:00 UTC; in summer 16:00 UTC.
        let winter = oslo_to_utc(2026, 11, 2, 18, 0);
        assert_eq!(format_rfc3339_utc(winter), "2026-11-02T17:00:00Z");
        let summer = oslo_to_utc(2026, 10, 19, 18, 0);
        assert_eq!(format_rfc3339_utc(summer), "2026-10-19T16:00:00Z");
        for unix in [winter, summer] {
            assert_eq!(oslo_time(unix), (18, 0));
        }
        // 02:30 on 29 March 2026 does not exist: read as 03:30 summer time.
        assert_eq!(
            format_rfc3339_utc(oslo_to_utc(2026, 3, 29, 2, 30)),
            "2026-03-29T01:30:00Z"
        );
        // 02:30 on 25 October 2026 happens twice: the first (summer) one.
        assert_eq!(
            format_rfc3339_utc(oslo_to_utc(2026, 10, 25, 2, 30)),
            "2026-10-25T00:30:00Z"
        );
    }

    #[test]
    fn weekdays_and_day_arithmetic_follow_the_calendar() {
        // 2026-10-25 is a Sunday; 2026-12-31 + 1 day is New Year's Day.
        assert_eq!(oslo_weekday(oslo_to_utc(2026, 10, 25, 12, 0)), 6);
        assert_eq!(add_days(2026, 12, 31, 1), (2027, 1, 1));
        assert_eq!(add_days(2028, 2, 28, 1), (2028, 2, 29));
    }

    #[test]
    fn dates_round_trip() {
        for days in [-1000, 0, 365, 20_000, 20_414] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
