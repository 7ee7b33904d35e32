//! The board: each column's cards, filtered and ordered in the database, and the
//! waiting figures of the header.

use sqlx::Row;

use crate::domain::board::rules::days_between;
use crate::domain::board::state::COLUMNS;
use crate::domain::board::{State, WaitStats, CLAIM_LAPSE_SECONDS};
use crate::domain::referral::{Format, Mode};
use crate::server::referrals::OPEN;
use crate::server::Db;

/// At most this many cards per column; the count says how many there are.
pub const COLUMN_LIMIT: i64 = 50;

/// What the board is narrowed to. Empty means everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub municipality: Option<String>,
    pub column: Option<String>,
    pub band: Option<String>,
    pub format: Option<Format>,
    pub mode: Option<Mode>,
    pub mine: bool,
    pub unclaimed: bool,
    /// A name or a reference, or part of one.
    pub query: Option<String>,
}

/// One card as stored.
#[derive(Clone, Debug)]
pub struct CardRow {
    pub id: i64,
    pub reference: String,
    pub name: String,
    pub national_id: String,
    pub municipality_name: Option<String>,
    pub state: State,
    pub urgent: bool,
    pub urgent_reason: Option<String>,
    pub duplicate_of: Option<String>,
    pub source: String,
    pub format: String,
    pub mode: String,
    pub phq9: Option<(i64, Option<String>)>,
    pub gad7: Option<(i64, Option<String>)>,
    pub submitted_at: i64,
    /// The live claim: who holds it.
    pub claimed_by: Option<(i64, String)>,
    /// Urgent, and nobody has opened it yet.
    pub unopened: bool,
}

pub struct ColumnRows {
    pub column: &'static str,
    pub total: i64,
    pub cards: Vec<CardRow>,
}

pub struct BoardData {
    pub columns: Vec<ColumnRows>,
    pub stats: WaitStats,
    /// When each open urgent referral nobody has opened yet was sent, oldest first.
    pub unopened_urgent: Vec<i64>,
}

/// True for an urgent referral `r` that no one has opened yet.
macro_rules! unopened_urgent {
    () => {
        "r.urgent = 1 and not exists (select 1 from referral_event e
             where e.referral_id = r.referral_id and e.kind = 'opened')"
    };
}
const UNOPENED_URGENT: &str = unopened_urgent!();

enum Arg {
    Int(i64),
    Text(String),
}

/// A `where` clause built from the filter, with numbered placeholders.
struct Where {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    fn new(service_id: i64, filter: &BoardFilter, me: i64, now: i64) -> Where {
        let mut w = Where {
            clauses: Vec::new(),
            args: Vec::new(),
        };
        let p = w.arg(Arg::Int(service_id));
        w.clauses.push(format!("r.service_id = {p}"));
        if let Some(code) = &filter.municipality {
            let p = w.arg(Arg::Text(code.clone()));
            w.clauses.push(format!("r.municipality = {p}"));
        }
        if let Some(band) = &filter.band {
            let p = w.arg(Arg::Text(band.clone()));
            w.clauses
                .push(format!("(r.phq9_band = {p} or r.gad7_band = {p})"));
        }
        if let Some(format) = filter.format {
            let p = w.arg(Arg::Text(format.key().into()));
            w.clauses.push(format!("r.format = {p}"));
        }
        if let Some(mode) = filter.mode {
            let p = w.arg(Arg::Text(mode.key().into()));
            w.clauses.push(format!("r.mode = {p}"));
        }
        let cutoff = now - CLAIM_LAPSE_SECONDS;
        if filter.mine {
            let who = w.arg(Arg::Int(me));
            let since = w.arg(Arg::Int(cutoff));
            w.clauses
                .push(format!("r.claimed_by = {who} and r.claimed_at > {since}"));
        }
        if filter.unclaimed {
            let since = w.arg(Arg::Int(cutoff));
            w.clauses
                .push(format!("(r.claimed_by is null or r.claimed_at <= {since})"));
        }
        if let Some(query) = filter
            .query
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            let escaped = query
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            let name = w.arg(Arg::Text(format!("%{}%", escaped.to_lowercase())));
            let reference = w.arg(Arg::Text(format!("%{}%", escaped.to_uppercase())));
            w.clauses.push(format!(
                "(lower(r.name) like {name} escape '\\' or r.reference like {reference} escape '\\')"
            ));
        }
        w
    }

    fn sql(&self) -> String {
        self.clauses.join(" and ")
    }

    fn bind<'q>(
        &'q self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg {
                Arg::Int(v) => query.bind(*v),
                Arg::Text(v) => query.bind(v.as_str()),
            };
        }
        query
    }
}

/// What [`card`] reads, and where from; an opened referral selects more on top.
pub(crate) const CARD_COLUMNS: &str = concat!(
    "r.referral_id, r.reference, r.name, r.national_id, m.name as municipality_name,
        r.status, r.outcome, r.urgent, r.urgent_reason, d.reference as duplicate_reference,
        r.source, r.format, r.mode, r.phq9_total, r.phq9_band, r.gad7_total, r.gad7_band,
        r.submitted_at, r.claimed_by, r.claimed_at, a.display_name as claimed_name,
        case when ",
    unopened_urgent!(),
    " then 1 else 0 end as unopened"
);
pub(crate) const CARD_FROM: &str = "from referral r
     left join municipality m on m.number = r.municipality
     left join referral d on d.referral_id = r.duplicate_of
     left join account a on a.account_id = r.claimed_by";

pub(crate) fn card(r: &sqlx::any::AnyRow, now: i64) -> Result<CardRow, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let outcome: Option<String> = r.try_get("outcome")?;
    let state = State::from_stored(&status, outcome.as_deref())
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown referral state {status}").into()))?;
    let claimed_by: Option<i64> = r.try_get("claimed_by")?;
    let claimed_at: Option<i64> = r.try_get("claimed_at")?;
    let claimed_name: Option<String> = r.try_get("claimed_name")?;
    let claimed_by = match (claimed_by, claimed_at, claimed_name) {
        (Some(id), Some(at), Some(name)) if crate::domain::board::claim_is_live(at, now) => {
            Some((id, name))
        }
        _ => None,
    };
    let score = |total: &str, band: &str| -> Result<Option<(i64, Option<String>)>, sqlx::Error> {
        Ok(r.try_get::<Option<i64>, _>(total)?
            .map(|t| (t, r.try_get::<Option<String>, _>(band).ok().flatten())))
    };
    Ok(CardRow {
        id: r.try_get("referral_id")?,
        reference: r.try_get("reference")?,
        name: r.try_get("name")?,
        national_id: r.try_get("national_id")?,
        municipality_name: r.try_get("municipality_name")?,
        state,
        urgent: r.try_get::<i64, _>("urgent")? != 0,
        urgent_reason: r.try_get("urgent_reason")?,
        duplicate_of: r.try_get("duplicate_reference")?,
        source: r.try_get("source")?,
        format: r.try_get("format")?,
        mode: r.try_get("mode")?,
        phq9: score("phq9_total", "phq9_band")?,
        gad7: score("gad7_total", "gad7_band")?,
        submitted_at: r.try_get("submitted_at")?,
        claimed_by,
        unopened: r.try_get::<i64, _>("unopened")? != 0 && state.is_open(),
    })
}

/// The board of a service as `me` sees it at `now`.
pub async fn load(
    db: &Db,
    service_id: i64,
    filter: &BoardFilter,
    me: i64,
    now: i64,
) -> Result<BoardData, sqlx::Error> {
    let w = Where::new(service_id, filter, me, now);
    let counts_sql = format!(
        "select r.status, count(*) as n from referral r where {} group by r.status",
        w.sql()
    );
    let counts = w.bind(sqlx::query(&counts_sql)).fetch_all(&db.pool).await?;
    let mut totals = std::collections::HashMap::new();
    for row in counts {
        totals.insert(
            row.try_get::<String, _>("status")?,
            row.try_get::<i64, _>("n")?,
        );
    }
    let mut columns = Vec::new();
    for column in COLUMNS {
        let total = totals.get(column).copied().unwrap_or(0);
        let shown = filter.column.as_deref().is_none_or(|c| c == column);
        let cards = if shown && total > 0 {
            // Urgent first, then the longest waiting; closed ones latest first.
            let order = if column == "closed" {
                "r.changed_at desc, r.referral_id desc"
            } else {
                "r.urgent desc, r.submitted_at, r.referral_id"
            };
            let status = format!("${}", w.args.len() + 1);
            let sql = format!(
                "select {CARD_COLUMNS} {CARD_FROM} where {} and r.status = {status}
                 order by {order} limit {COLUMN_LIMIT}",
                w.sql()
            );
            w.bind(sqlx::query(&sql))
                .bind(column)
                .fetch_all(&db.pool)
                .await?
                .iter()
                .map(|r| card(r, now))
                .collect::<Result<Vec<_>, _>>()?
        } else {
            Vec::new()
        };
        columns.push(ColumnRows {
            column,
            total: if shown { total } else { 0 },
            cards,
        });
    }
    // The header counts the whole service, whatever the filter.
    let waiting: Vec<i64> = sqlx::query(
        "select submitted_at from referral
         where service_id = $1 and status in ('new', 'in_assessment')",
    )
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| {
        r.try_get::<i64, _>("submitted_at")
            .map(|at| days_between(at, now))
    })
    .collect::<Result<_, _>>()?;
    let unopened_urgent = sqlx::query(&format!(
        "select r.submitted_at from referral r
         where r.service_id = $1 and r.status in {OPEN} and {UNOPENED_URGENT}
         order by r.submitted_at"
    ))
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?
    .iter()
    .map(|r| r.try_get::<i64, _>("submitted_at"))
    .collect::<Result<_, _>>()?;
    Ok(BoardData {
        columns,
        stats: WaitStats::from_days(waiting),
        unopened_urgent,
    })
}
