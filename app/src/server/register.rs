//! The register extract: per contact with the service, the data elements a municipal
//! register report asks for (which service, whose, when, what kind of contact — an
//! assessment or a group session, on video or in person — and the measures taken),
//! read once and written by a [`RegisterFormat`]. Ours is [`ContactsCsv`], documented
//! in the README; the official format for KPR (the municipal patient and user register)
//! plugs in beside it when it is published, without touching what is read.

use std::collections::BTreeMap;

use sqlx::Row;

use crate::domain::clock::oslo_date;
use crate::domain::identity::AccountId;
use crate::domain::referral::ReferralId;
use crate::server::episodes::Selection;
use crate::server::Db;

/// What kind of contact it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactKind {
    /// The first decision on the board: the assessment of the referral.
    Assessment,
    /// A course session the person attended.
    GroupSession,
}

impl ContactKind {
    pub fn key(self) -> &'static str {
        match self {
            ContactKind::Assessment => "assessment",
            ContactKind::GroupSession => "group_session",
        }
    }

    /// Individual or group: the register's setting.
    pub fn setting(self) -> &'static str {
        match self {
            ContactKind::Assessment => "individual",
            ContactKind::GroupSession => "group",
        }
    }
}

/// One contact between a person and the service, with what the register needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Contact {
    pub referral: ReferralId,
    pub account: AccountId,
    pub reference: String,
    pub national_id: String,
    /// The person's municipality (kommunenummer).
    pub municipality: String,
    pub service_name: String,
    pub kind: ContactKind,
    pub at: i64,
    /// `video` or `in_person`; empty where the product does not record it (the
    /// assessment).
    pub mode: String,
    pub course: String,
    pub session_number: Option<i64>,
    /// The totals taken for this contact, by instrument: the intake answers for the
    /// assessment, the session's measures for a session.
    pub measures: BTreeMap<String, f64>,
}

/// A file format for the register report.
pub trait RegisterFormat: Send + Sync {
    /// Its name in the address (`/figures/register/{name}`) and the file's.
    fn name(&self) -> &'static str;
    fn content_type(&self) -> &'static str;
    fn extension(&self) -> &'static str;
    fn write(&self, contacts: &[Contact]) -> Result<Vec<u8>, String>;
}

/// The formats offered, the first the default.
pub const FORMATS: &[&dyn RegisterFormat] = &[&ContactsCsv];

pub fn format(name: &str) -> Option<&'static dyn RegisterFormat> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// One row per contact, comma-separated with a header, CRLF (RFC 4180), UTF-8.
pub struct ContactsCsv;

/// The columns of [`ContactsCsv`], in order.
pub const CONTACT_COLUMNS: [&str; 12] = [
    "service",
    "municipality",
    "national_id",
    "referral",
    "contact_date",
    "contact_kind",
    "setting",
    "mode",
    "course",
    "session",
    "measures",
    "format_version",
];

impl RegisterFormat for ContactsCsv {
    fn name(&self) -> &'static str {
        "rph-contacts-1"
    }

    fn content_type(&self) -> &'static str {
        "text/csv; charset=utf-8"
    }

    fn extension(&self) -> &'static str {
        "csv"
    }

    fn write(&self, contacts: &[Contact]) -> Result<Vec<u8>, String> {
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        out.write_record(CONTACT_COLUMNS)
            .map_err(|e| e.to_string())?;
        for c in contacts {
            let (year, month, day) = oslo_date(c.at);
            // "phq9=8;gad7=5": instrument and total, by instrument.
            let measures = c
                .measures
                .iter()
                .map(|(instrument, total)| format!("{instrument}={total}"))
                .collect::<Vec<_>>()
                .join(";");
            out.write_record([
                c.service_name.clone(),
                c.municipality.clone(),
                c.national_id.clone(),
                c.reference.clone(),
                format!("{year:04}-{month:02}-{day:02}"),
                c.kind.key().to_owned(),
                c.kind.setting().to_owned(),
                c.mode.clone(),
                c.course.clone(),
                c.session_number.map(|n| n.to_string()).unwrap_or_default(),
                measures,
                "1".to_owned(),
            ])
            .map_err(|e| e.to_string())?;
        }
        out.into_inner().map_err(|e| e.to_string())
    }
}

const ASSESSMENTS: &str = "select r.referral_id, r.account_id, r.reference, r.national_id,
        r.municipality, s.name as service_name, min(d.decided_at) as at
     from referral r
     join referral_decision d on d.referral_id = r.referral_id
     join service s on s.service_id = r.service_id
     where r.service_id = $1
     group by r.referral_id, r.account_id, r.reference, r.national_id, r.municipality, s.name
     having min(d.decided_at) >= $2 and min(d.decided_at) < $3";

const SESSIONS: &str = "select r.referral_id, r.account_id, r.reference, r.national_id,
        r.municipality, s.name as service_name, cs.starts_at as at, cs.format,
        k.name as course, cs.number, cs.cohort_session_id
     from session_attendance a
     join cohort_session cs on cs.cohort_session_id = a.cohort_session_id
     join cohort c on c.cohort_id = cs.cohort_id
     join course k on k.course_id = c.course_id
     join referral r on r.referral_id = a.referral_id
     join service s on s.service_id = r.service_id
     where r.service_id = $1 and cs.starts_at >= $2 and cs.starts_at < $3";

/// Whose contacts a period holds: the people an extract names, for the access log
/// entries written before their data is read.
pub async fn subjects(db: &Db, selection: Selection) -> Result<Vec<AccountId>, sqlx::Error> {
    let mut accounts = Vec::new();
    for query in [ASSESSMENTS, SESSIONS] {
        for row in sqlx::query(query)
            .bind(selection.service_id)
            .bind(selection.from)
            .bind(selection.to)
            .fetch_all(&db.pool)
            .await?
        {
            accounts.push(AccountId(row.try_get("account_id")?));
        }
    }
    accounts.sort();
    accounts.dedup();
    Ok(accounts)
}

fn contact(row: &sqlx::any::AnyRow, kind: ContactKind) -> Result<Contact, sqlx::Error> {
    let session = kind == ContactKind::GroupSession;
    Ok(Contact {
        referral: ReferralId(row.try_get("referral_id")?),
        account: AccountId(row.try_get("account_id")?),
        reference: row.try_get("reference")?,
        national_id: row.try_get("national_id")?,
        municipality: row.try_get("municipality")?,
        service_name: row.try_get("service_name")?,
        kind,
        at: row.try_get("at")?,
        mode: if session {
            row.try_get("format")?
        } else {
            String::new()
        },
        course: if session {
            row.try_get("course")?
        } else {
            String::new()
        },
        session_number: if session {
            Some(row.try_get("number")?)
        } else {
            None
        },
        measures: BTreeMap::new(),
    })
}

/// The period's contacts, oldest first, with their measures; read through the
/// extract's audited connection.
pub async fn contacts(
    conn: &mut sqlx::AnyConnection,
    selection: Selection,
) -> Result<Vec<Contact>, sqlx::Error> {
    let bind = |query| {
        sqlx::query(query)
            .bind(selection.service_id)
            .bind(selection.from)
            .bind(selection.to)
    };
    let mut out = Vec::new();
    let mut by_assessment: BTreeMap<i64, usize> = BTreeMap::new();
    for row in bind(ASSESSMENTS).fetch_all(&mut *conn).await? {
        let c = contact(&row, ContactKind::Assessment)?;
        by_assessment.insert(c.referral.0, out.len());
        out.push(c);
    }
    // The intake answers of the period's assessments, in one query.
    for m in bind(
        "select m.referral_id, m.instrument, m.total from measurement m
         join referral r on r.referral_id = m.referral_id
         where r.service_id = $1 and m.time_point = 'intake' and m.total is not null
             and (select min(d.decided_at) from referral_decision d
                  where d.referral_id = r.referral_id) >= $2
             and (select min(d.decided_at) from referral_decision d
                  where d.referral_id = r.referral_id) < $3",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let referral: i64 = m.try_get("referral_id")?;
        if let Some(&i) = by_assessment.get(&referral) {
            out[i]
                .measures
                .insert(m.try_get("instrument")?, m.try_get("total")?);
        }
    }
    let mut by_session: BTreeMap<(i64, i64), usize> = BTreeMap::new();
    for row in bind(SESSIONS).fetch_all(&mut *conn).await? {
        let session: i64 = row.try_get("cohort_session_id")?;
        let c = contact(&row, ContactKind::GroupSession)?;
        by_session.insert((session, c.referral.0), out.len());
        out.push(c);
    }
    // The period's session measures, in one query.
    for m in bind(
        "select m.cohort_session_id, m.referral_id, m.instrument, m.total from measurement m
         join cohort_session cs on cs.cohort_session_id = m.cohort_session_id
         join referral r on r.referral_id = m.referral_id
         where r.service_id = $1 and cs.starts_at >= $2 and cs.starts_at < $3
             and m.total is not null",
    )
    .fetch_all(&mut *conn)
    .await?
    {
        let key = (m.try_get("cohort_session_id")?, m.try_get("referral_id")?);
        if let Some(&i) = by_session.get(&key) {
            out[i]
                .measures
                .insert(m.try_get("instrument")?, m.try_get("total")?);
        }
    }
    out.sort_by_key(|c| (c.at, c.referral, c.kind));
    Ok(out)
}
