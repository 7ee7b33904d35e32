//! Episodes: one row per referral with what the outcome rules (`domain::outcome`) make
//! of it, so the service's figures are sums over one table on either database.
//!
//! Every change an episode depends on marks its referral stale ([`touch`]) in the
//! change's own transaction; [`refresh_stale`] works the stale ones out again (the
//! `episodes` job, and the figures page before it sums), so no write path needs the
//! instrument definitions and none can be forgotten by the figures for longer than a
//! refresh.

use sqlx::Row;

use crate::domain::clock::oslo_date;
use crate::domain::outcome::{
    self, Episode, Figures, Measure, ReliableChange, Scored, Waits, WEEKS_LONGEST, WEEKS_SOON,
};
use crate::server::db::now;
use crate::server::Db;

/// Marks a referral's episode for working out again.
pub async fn touch(conn: &mut sqlx::AnyConnection, referral_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into episode_stale (referral_id, marks) values ($1, 1)
         on conflict (referral_id) do update set marks = episode_stale.marks + 1",
    )
    .bind(referral_id)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks every referral that has no episode yet (those from before the table, or
/// loaded around the write paths): run at start.
pub async fn touch_missing(db: &Db) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "insert into episode_stale (referral_id, marks)
         select r.referral_id, 1 from referral r
         where not exists (select 1 from episode e where e.referral_id = r.referral_id)
         on conflict (referral_id) do nothing",
    )
    .execute(&db.pool)
    .await?
    .rows_affected())
}

/// Works out every stale episode again, at most `limit` of them; returns how many.
pub async fn refresh_stale(db: &Db, measures: &[Measure], limit: i64) -> Result<u64, sqlx::Error> {
    let stale = sqlx::query("select referral_id from episode_stale limit $1")
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    // The mark is read again under a lock on it, in the transaction that works the
    // episode out: a change marks in its own transaction, so it waits for this pass
    // (and is seen by the next), and two passes never interleave on one referral, so
    // one that read older data cannot write after one that read newer. A change that
    // writes the referral before it marks holds the referral, not the mark: no cycle.
    let lock = match db.backend {
        crate::server::Backend::Postgres => " for update",
        crate::server::Backend::Sqlite => "",
    };
    let mut done = 0;
    for row in stale {
        let referral_id: i64 = row.try_get("referral_id")?;
        let mut tx = db.begin_write().await?;
        let Some(marks) = sqlx::query(&format!(
            "select marks from episode_stale where referral_id = $1{lock}"
        ))
        .bind(referral_id)
        .fetch_optional(&mut *tx)
        .await?
        else {
            // Another pass worked it out meanwhile.
            tx.commit().await?;
            continue;
        };
        let marks: i64 = marks.try_get("marks")?;
        refresh(&mut tx, measures, referral_id).await?;
        sqlx::query("delete from episode_stale where referral_id = $1 and marks = $2")
            .bind(referral_id)
            .bind(marks)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        done += 1;
    }
    Ok(done)
}

/// Works one referral's episode out from what is stored now.
pub async fn refresh(
    conn: &mut sqlx::AnyConnection,
    measures: &[Measure],
    referral_id: i64,
) -> Result<(), sqlx::Error> {
    let Some(referral) = sqlx::query(
        "select r.service_id, r.municipality, r.submitted_at, r.status, r.changed_at,
             (select min(d.decided_at) from referral_decision d
              where d.referral_id = r.referral_id) as assessed_at
         from referral r where r.referral_id = $1",
    )
    .bind(referral_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let sessions: Vec<i64> = sqlx::query(
        "select s.starts_at from session_attendance a
         join cohort_session s on s.cohort_session_id = a.cohort_session_id
         where a.referral_id = $1",
    )
    .bind(referral_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| row.try_get("starts_at"))
    .collect::<Result<_, _>>()?;
    let group = sqlx::query(
        "select e.cohort_id, c.course_id from enrolment e
         join cohort c on c.cohort_id = e.cohort_id
         where e.referral_id = $1 and e.status in ('enrolled', 'withdrawn', 'removed')
         order by e.enrolment_id desc limit 1",
    )
    .bind(referral_id)
    .fetch_optional(&mut *conn)
    .await?;
    let scores: Vec<Scored> = sqlx::query(
        "select instrument, total, answered_at from measurement where referral_id = $1",
    )
    .bind(referral_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(Scored {
            instrument: row.try_get("instrument")?,
            total: row.try_get("total")?,
            at: row.try_get("answered_at")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let status: String = referral.try_get("status")?;
    let ended = status == "closed";
    let result = outcome::outcome(
        &Episode {
            treatment_sessions: sessions.clone(),
            ended,
            scores,
        },
        measures,
    );
    let flag = |b: bool| i64::from(b);
    let optional = |b: Option<bool>| b.map(i64::from);
    let (cohort_id, course_id): (Option<i64>, Option<i64>) = match &group {
        Some(row) => (row.try_get("cohort_id")?, row.try_get("course_id")?),
        None => (None, None),
    };
    let received: i64 = referral.try_get("submitted_at")?;
    let assessed: Option<i64> = referral.try_get("assessed_at")?;
    let first_treatment = sessions.iter().min().copied();
    let waits = Waits::new(received, assessed, first_treatment);
    let (year, month, _) = oslo_date(received);
    sqlx::query(
        "insert into episode (referral_id, service_id, municipality, received_at, assessed_at,
             first_treatment_at, treatment_sessions, ended_at, course_id, cohort_id,
             entered_treatment, finished, dropped_out, paired, case_at_start, recovered,
             reliably_improved, reliably_deteriorated, reliable_recovery, refreshed_at,
             received_month, wait_to_assessment, wait_to_treatment, treated_within_6_weeks,
             treated_within_18_weeks)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18, $19, $20, $21, $22, $23, $24, $25)
         on conflict (referral_id) do update set
             service_id = excluded.service_id, municipality = excluded.municipality,
             received_at = excluded.received_at, assessed_at = excluded.assessed_at,
             received_month = excluded.received_month,
             wait_to_assessment = excluded.wait_to_assessment,
             wait_to_treatment = excluded.wait_to_treatment,
             treated_within_6_weeks = excluded.treated_within_6_weeks,
             treated_within_18_weeks = excluded.treated_within_18_weeks,
             first_treatment_at = excluded.first_treatment_at,
             treatment_sessions = excluded.treatment_sessions, ended_at = excluded.ended_at,
             course_id = excluded.course_id, cohort_id = excluded.cohort_id,
             entered_treatment = excluded.entered_treatment, finished = excluded.finished,
             dropped_out = excluded.dropped_out, paired = excluded.paired,
             case_at_start = excluded.case_at_start, recovered = excluded.recovered,
             reliably_improved = excluded.reliably_improved,
             reliably_deteriorated = excluded.reliably_deteriorated,
             reliable_recovery = excluded.reliable_recovery,
             refreshed_at = excluded.refreshed_at",
    )
    .bind(referral_id)
    .bind(referral.try_get::<i64, _>("service_id")?)
    .bind(
        referral
            .try_get::<Option<String>, _>("municipality")?
            .unwrap_or_default(),
    )
    .bind(received)
    .bind(assessed)
    .bind(first_treatment)
    .bind(sessions.len() as i64)
    .bind(
        ended
            .then(|| referral.try_get::<i64, _>("changed_at"))
            .transpose()?,
    )
    .bind(course_id)
    .bind(cohort_id)
    .bind(flag(result.entered_treatment))
    .bind(flag(result.finished))
    .bind(flag(result.dropped_out))
    .bind(flag(result.paired))
    .bind(optional(result.case_at_start))
    .bind(optional(result.recovered))
    .bind(
        result
            .change
            .map(|c| flag(c == ReliableChange::Improvement)),
    )
    .bind(
        result
            .change
            .map(|c| flag(c == ReliableChange::Deterioration)),
    )
    .bind(optional(result.reliable_recovery))
    .bind(now())
    .bind(format!("{year:04}-{month:02}"))
    .bind(waits.to_assessment)
    .bind(waits.to_treatment)
    .bind(optional(waits.treated_within(WEEKS_SOON)))
    .bind(optional(waits.treated_within(WEEKS_LONGEST)))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What the figures are broken down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Breakdown {
    /// One row: the whole selection.
    Total,
    /// The month received, in Norwegian time ("2026-11").
    Month,
    Municipality,
    Course,
    Cohort,
}

impl Breakdown {
    fn column(self) -> &'static str {
        match self {
            Breakdown::Total => "''",
            Breakdown::Month => "received_month",
            Breakdown::Municipality => "municipality",
            Breakdown::Course => "coalesce(cast(course_id as text), '')",
            Breakdown::Cohort => "coalesce(cast(cohort_id as text), '')",
        }
    }
}

/// Which episodes to count: a service's, received in `[from, to)`, optionally one
/// cohort's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub service_id: i64,
    pub from: i64,
    pub to: i64,
    pub cohort_id: Option<i64>,
}

/// The figures of each group of the breakdown, in the order of its key (an empty key:
/// none, e.g. referrals in no course). One aggregate over the episode table; the rules
/// were applied when each episode was worked out.
pub async fn figures(
    db: &Db,
    selection: Selection,
    by: Breakdown,
) -> Result<Vec<(String, Figures)>, sqlx::Error> {
    // PostgreSQL refuses a constant to group by: the total has no grouping.
    let group = match by {
        Breakdown::Total => String::new(),
        _ => format!("group by {0} order by {0}", by.column()),
    };
    aggregate(db, selection, by.column(), &group).await
}

/// The figures of each month and of each group of a breakdown, from one scan of the
/// episodes (grouped by both, then added up each way): what the figures page shows.
pub async fn figures_by_month_and(
    db: &Db,
    selection: Selection,
    by: Breakdown,
) -> Result<(Vec<(String, Figures)>, Vec<(String, Figures)>), sqlx::Error> {
    let other = match by {
        Breakdown::Total | Breakdown::Month => "''".to_owned(),
        _ => by.column().to_owned(),
    };
    let key = format!("received_month || '|' || {other}");
    let group = match by {
        Breakdown::Total | Breakdown::Month => "group by received_month".to_owned(),
        _ => format!("group by received_month, {other}"),
    };
    let cells = aggregate(db, selection, &key, &group).await?;
    let mut months: std::collections::BTreeMap<String, Figures> = Default::default();
    let mut groups: std::collections::BTreeMap<String, Figures> = Default::default();
    for (key, f) in cells {
        let (month, group) = key.split_once('|').unwrap_or((key.as_str(), ""));
        months.entry(month.to_owned()).or_default().merge(&f);
        groups.entry(group.to_owned()).or_default().merge(&f);
    }
    Ok((months.into_iter().collect(), groups.into_iter().collect()))
}

async fn aggregate(
    db: &Db,
    selection: Selection,
    key: &str,
    group: &str,
) -> Result<Vec<(String, Figures)>, sqlx::Error> {
    let sum = |column: &str| format!("cast(coalesce(sum({column}), 0) as bigint) as {column}");
    let sql = format!(
        "select {key} as key, count(*) as referrals, {entered}, {finished}, {dropped},
             {paired}, {recovered}, {improved}, {deteriorated}, {reliable},
             {within_6}, {within_18},
             cast(count(ended_at) as bigint) as ended,
             cast(count(recovered) as bigint) as case_at_start,
             cast(count(wait_to_assessment) as bigint) as assessed,
             cast(coalesce(sum(wait_to_assessment), 0) as bigint) as assessment_wait_total,
             cast(count(wait_to_treatment) as bigint) as treated,
             cast(coalesce(sum(wait_to_treatment), 0) as bigint) as treatment_wait_total
         from episode
         where service_id = $1 and received_at >= $2 and received_at < $3
           and ($4 = 0 or cohort_id = $4)
         {group}",
        entered = sum("entered_treatment"),
        finished = sum("finished"),
        dropped = sum("dropped_out"),
        paired = sum("paired"),
        recovered = sum("recovered"),
        improved = sum("reliably_improved"),
        deteriorated = sum("reliably_deteriorated"),
        reliable = sum("reliable_recovery"),
        within_6 = sum("treated_within_6_weeks"),
        within_18 = sum("treated_within_18_weeks"),
    );
    let count = |row: &sqlx::any::AnyRow, column: &str| -> Result<u64, sqlx::Error> {
        Ok(u64::try_from(row.try_get::<i64, _>(column)?).unwrap_or(0))
    };
    sqlx::query(&sql)
        .bind(selection.service_id)
        .bind(selection.from)
        .bind(selection.to)
        .bind(selection.cohort_id.unwrap_or(0))
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.try_get::<String, _>("key")?,
                Figures {
                    referrals: count(row, "referrals")?,
                    entered_treatment: count(row, "entered_treatment")?,
                    ended: count(row, "ended")?,
                    finished: count(row, "finished")?,
                    dropped_out: count(row, "dropped_out")?,
                    paired: count(row, "paired")?,
                    case_at_start: count(row, "case_at_start")?,
                    recovered: count(row, "recovered")?,
                    reliably_improved: count(row, "reliably_improved")?,
                    reliably_deteriorated: count(row, "reliably_deteriorated")?,
                    reliably_recovered: count(row, "reliable_recovery")?,
                    assessed: count(row, "assessed")?,
                    assessment_wait_total: row.try_get("assessment_wait_total")?,
                    treated: count(row, "treated")?,
                    treatment_wait_total: row.try_get("treatment_wait_total")?,
                    treated_within_6_weeks: count(row, "treated_within_6_weeks")?,
                    treated_within_18_weeks: count(row, "treated_within_18_weeks")?,
                },
            ))
        })
        .collect()
}

/// What each key of a breakdown is called: municipality numbers, course and group ids.
pub async fn labels(
    db: &Db,
    service_id: i64,
    by: Breakdown,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let sql = match by {
        Breakdown::Total | Breakdown::Month => return Ok(Vec::new()),
        Breakdown::Municipality => {
            "select number as key, name as label, 0 as first from municipality"
        }
        Breakdown::Course => {
            "select cast(course_id as text) as key, name as label, 0 as first
             from course where service_id = $1"
        }
        Breakdown::Cohort => {
            "select cast(c.cohort_id as text) as key, k.name as label,
                 coalesce((select min(s.starts_at) from cohort_session s
                           where s.cohort_id = c.cohort_id), 0) as first
             from cohort c join course k on k.course_id = c.course_id
             where c.service_id = $1"
        }
    };
    let mut query = sqlx::query(sql);
    if matches!(by, Breakdown::Course | Breakdown::Cohort) {
        query = query.bind(service_id);
    }
    query
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|row| {
            let label: String = row.try_get("label")?;
            let first: i64 = row.try_get("first")?;
            Ok((
                row.try_get("key")?,
                if first > 0 {
                    format!("{label}, {}", crate::domain::clock::format_oslo_date(first))
                } else {
                    label
                },
            ))
        })
        .collect()
}

/// When the service's first referral came (for the months a period may start in).
pub async fn first_received(db: &Db, service_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("select min(received_at) as first from episode where service_id = $1")
        .bind(service_id)
        .fetch_one(&db.pool)
        .await?
        .try_get("first")
}

/// One episode as the analysis export has it: no name, no identity number, dates to
/// the month, and the person as an id made up for this export alone.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportRow {
    pub account_id: i64,
    pub referral_id: i64,
    pub received_month: String,
    pub municipality: String,
    pub course: String,
    pub assessed_month: String,
    pub first_treatment_month: String,
    pub ended_month: String,
    pub treatment_sessions: i64,
    pub finished: bool,
    pub dropped_out: bool,
    pub paired: bool,
    pub case_at_start: Option<bool>,
    pub recovered: Option<bool>,
    pub reliably_improved: Option<bool>,
    pub reliably_deteriorated: Option<bool>,
    pub reliable_recovery: Option<bool>,
    pub wait_to_assessment_days: Option<i64>,
    pub wait_to_treatment_days: Option<i64>,
}

/// The columns of the export, in order (documented in the README).
pub const EXPORT_COLUMNS: [&str; 20] = [
    "person",
    "received_month",
    "municipality",
    "course",
    "assessed_month",
    "first_treatment_month",
    "ended_month",
    "treatment_sessions",
    "finished",
    "dropped_out",
    "paired_scores",
    "case_at_start",
    "recovered",
    "reliable_improvement",
    "reliable_deterioration",
    "reliable_recovery",
    "days_to_assessment",
    "days_to_treatment",
    "phq9_first",
    "phq9_last",
];

/// Who the episodes of a selection belong to (their access logs get the export).
pub async fn subjects(db: &Db, selection: Selection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query(
        "select distinct r.account_id from episode e join referral r on r.referral_id = e.referral_id
         where e.service_id = $1 and e.received_at >= $2 and e.received_at < $3
         order by r.account_id",
    )
    .bind(selection.service_id)
    .bind(selection.from)
    .bind(selection.to)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|row| row.try_get("account_id"))
    .collect()
}

/// The episodes of a selection, read through the export's audited connection.
pub async fn export_rows(
    conn: &mut sqlx::AnyConnection,
    selection: Selection,
) -> Result<Vec<ExportRow>, sqlx::Error> {
    let month = |at: Option<i64>| {
        at.map(|t| crate::domain::outcome::Month::of(t).key())
            .unwrap_or_default()
    };
    let flag = |v: Option<i64>| v.map(|v| v != 0);
    let days = |v: Option<i64>| v.map(|s| s / 86_400);
    sqlx::query(
        "select r.account_id, e.referral_id, e.received_month, e.municipality,
             coalesce(k.name, '') as course, e.assessed_at, e.first_treatment_at, e.ended_at,
             e.treatment_sessions, e.finished, e.dropped_out, e.paired, e.case_at_start,
             e.recovered, e.reliably_improved, e.reliably_deteriorated, e.reliable_recovery,
             e.wait_to_assessment, e.wait_to_treatment
         from episode e join referral r on r.referral_id = e.referral_id
         left join course k on k.course_id = e.course_id
         where e.service_id = $1 and e.received_at >= $2 and e.received_at < $3
         order by e.received_at, e.referral_id",
    )
    .bind(selection.service_id)
    .bind(selection.from)
    .bind(selection.to)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| {
        Ok(ExportRow {
            account_id: row.try_get("account_id")?,
            referral_id: row.try_get("referral_id")?,
            received_month: row.try_get("received_month")?,
            municipality: row.try_get("municipality")?,
            course: row.try_get("course")?,
            assessed_month: month(row.try_get("assessed_at")?),
            first_treatment_month: month(row.try_get("first_treatment_at")?),
            ended_month: month(row.try_get("ended_at")?),
            treatment_sessions: row.try_get("treatment_sessions")?,
            finished: row.try_get::<i64, _>("finished")? != 0,
            dropped_out: row.try_get::<i64, _>("dropped_out")? != 0,
            paired: row.try_get::<i64, _>("paired")? != 0,
            case_at_start: flag(row.try_get("case_at_start")?),
            recovered: flag(row.try_get("recovered")?),
            reliably_improved: flag(row.try_get("reliably_improved")?),
            reliably_deteriorated: flag(row.try_get("reliably_deteriorated")?),
            reliable_recovery: flag(row.try_get("reliable_recovery")?),
            wait_to_assessment_days: days(row.try_get("wait_to_assessment")?),
            wait_to_treatment_days: days(row.try_get("wait_to_treatment")?),
        })
    })
    .collect()
}

/// The first and last PHQ-9 total of each referral of a selection.
pub async fn first_and_last_phq9(
    conn: &mut sqlx::AnyConnection,
    selection: Selection,
) -> Result<std::collections::HashMap<i64, (f64, f64)>, sqlx::Error> {
    let mut pairs: std::collections::HashMap<i64, (f64, f64)> = std::collections::HashMap::new();
    let rows = sqlx::query(
        "select m.referral_id, m.total from measurement m
         join episode e on e.referral_id = m.referral_id
         where e.service_id = $1 and e.received_at >= $2 and e.received_at < $3
           and m.instrument = 'phq9' and m.total is not null
         order by m.referral_id, m.answered_at, m.measurement_id",
    )
    .bind(selection.service_id)
    .bind(selection.from)
    .bind(selection.to)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let referral: i64 = row.try_get("referral_id")?;
        let total: f64 = row.try_get("total")?;
        pairs
            .entry(referral)
            .and_modify(|(_, last)| *last = total)
            .or_insert((total, total));
    }
    Ok(pairs)
}

/// The export as CSV (RFC 4180: comma, quotes where needed, CRLF), with a made-up id
/// per person from `pseudonym`.
pub fn to_csv(
    rows: &[ExportRow],
    phq9: &std::collections::HashMap<i64, (f64, f64)>,
    pseudonym: &dyn Fn(i64) -> String,
) -> Result<String, csv::Error> {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    out.write_record(EXPORT_COLUMNS)?;
    let yes_no = |b: bool| if b { "1" } else { "0" }.to_owned();
    let maybe = |b: Option<bool>| b.map(yes_no).unwrap_or_default();
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    for r in rows {
        let (first, last) = phq9
            .get(&r.referral_id)
            .map(|(f, l)| (format!("{f}"), format!("{l}")))
            .unwrap_or_default();
        out.write_record([
            pseudonym(r.account_id),
            r.received_month.clone(),
            r.municipality.clone(),
            r.course.clone(),
            r.assessed_month.clone(),
            r.first_treatment_month.clone(),
            r.ended_month.clone(),
            r.treatment_sessions.to_string(),
            yes_no(r.finished),
            yes_no(r.dropped_out),
            yes_no(r.paired),
            maybe(r.case_at_start),
            maybe(r.recovered),
            maybe(r.reliably_improved),
            maybe(r.reliably_deteriorated),
            maybe(r.reliable_recovery),
            number(r.wait_to_assessment_days),
            number(r.wait_to_treatment_days),
            first,
            last,
        ])?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
