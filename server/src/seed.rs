//! Loads the demo data in `seeds/demo.toml`. Idempotent: a second run changes nothing.

use std::collections::BTreeMap;

use serde::Deserialize;
use sqlx::Row;

use app::domain::capability::ServiceId;
use app::server::db::now;
use app::server::instruments::Instruments;
use app::server::passwords::{self, Password};
use app::server::Db;

const DEMO: &str = include_str!("../../seeds/demo.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    pub municipality: Vec<MunicipalitySeed>,
    pub service: Vec<ServiceSeed>,
    pub account: Vec<AccountSeed>,
    #[serde(default)]
    pub referral: Vec<ReferralSeed>,
    #[serde(default)]
    pub room: Vec<RoomSeed>,
    #[serde(default)]
    pub cohort: Vec<CohortSeed>,
}

/// A demo cohort of one of the service's courses (by template), dated from the day
/// the demo data is loaded, with the referrals that hold a seat in it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CohortSeed {
    pub service: String,
    pub course: String,
    pub state: String,
    pub starts_in_days: i64,
    pub time: String,
    pub leaders: Vec<String>,
    pub capacity: i64,
    pub participants: Vec<String>,
    /// How the participants have done in the sessions that are over.
    #[serde(default)]
    pub progress: Vec<ProgressSeed>,
}

/// One participant's sessions so far: who came, and the totals they answered before
/// each session (answer sets summing to them are made up; item 9 stays 0).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgressSeed {
    pub participant: String,
    /// Session numbers attended.
    pub attended: Vec<u32>,
    /// Totals before sessions 1, 2, …
    pub phq9: Vec<i32>,
    pub gad7: Vec<i32>,
}

/// A demo video room with a known link, for trying the room without creating one.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomSeed {
    pub code: String,
    pub service: String,
    pub title: String,
    pub created_by: String,
}

/// A demo referral on the board: who, how long ago, where it stands, the answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralSeed {
    pub reference: String,
    pub service: String,
    pub name: String,
    pub national_id: String,
    pub municipality: String,
    pub email: String,
    pub days_ago: i64,
    pub state: String,
    pub help: Vec<String>,
    pub text: String,
    pub format: String,
    pub mode: String,
    #[serde(default)]
    pub interpreter: Option<String>,
    pub phq9: Vec<i32>,
    pub gad7: Vec<i32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MunicipalitySeed {
    pub number: String,
    pub name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSeed {
    pub slug: String,
    pub name: String,
    pub municipalities: Vec<String>,
    /// The phone people call, and the weekday hours it answers ("08:00", "15:30").
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub phone_opens: Option<String>,
    #[serde(default)]
    pub phone_closes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSeed {
    pub email: String,
    pub name: String,
    pub kind: String,
    pub password: String,
    #[serde(default)]
    pub totp_secret: Option<String>,
    #[serde(default)]
    pub roles: Vec<RoleSeed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSeed {
    pub service: String,
    pub role: String,
}

/// A login the demo data created, for printing at start-up.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub role: String,
    /// The TOTP secret, only when the account was created by this run.
    pub new_totp_secret: Option<String>,
}

pub fn demo_data() -> Result<DemoData, toml::de::Error> {
    toml::from_str(DEMO)
}

/// Loads the demo service, municipalities and accounts; returns the logins.
#[tracing::instrument(skip_all)]
pub async fn load_demo(db: &Db, instruments: &Instruments) -> anyhow::Result<Vec<DemoLogin>> {
    let data = demo_data()?;
    let t = now();
    let mut tx = db.begin_write().await?;
    for m in &data.municipality {
        sqlx::query(
            "insert into municipality (number, name) values ($1, $2)
             on conflict (number) do update set name = excluded.name",
        )
        .bind(&m.number)
        .bind(&m.name)
        .execute(&mut *tx)
        .await?;
    }
    for s in &data.service {
        let service_id: i64 = sqlx::query(
            "insert into service (slug, name, created_at, updated_at, phone, phone_opens,
                 phone_closes)
             values ($1, $2, $3, $3, $4, $5, $6)
             on conflict (slug) do update set name = excluded.name, phone = excluded.phone,
                 phone_opens = excluded.phone_opens, phone_closes = excluded.phone_closes
             returning service_id",
        )
        .bind(&s.slug)
        .bind(&s.name)
        .bind(t)
        .bind(&s.phone)
        .bind(&s.phone_opens)
        .bind(&s.phone_closes)
        .fetch_one(&mut *tx)
        .await?
        .try_get("service_id")?;
        for number in &s.municipalities {
            sqlx::query(
                "insert into service_municipality (service_id, municipality_id)
                 select $1, municipality_id from municipality where number = $2
                 on conflict do nothing",
            )
            .bind(service_id)
            .bind(number)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;

    let mut logins = Vec::new();
    for a in &data.account {
        let existing = sqlx::query("select account_id from account where email = $1")
            .bind(&a.email)
            .fetch_optional(&db.pool)
            .await?;
        let created = existing.is_none();
        let account_id: i64 = match existing {
            Some(row) => row.try_get("account_id")?,
            None => {
                // Hashing is slow on purpose; only new accounts pay for it.
                let hash = passwords::hash(Password::new(a.password.clone())).await?;
                sqlx::query(
                    "insert into account
                        (email, display_name, password_hash, kind, email_verified_at, created_at, updated_at, totp_secret)
                     values ($1, $2, $3, $4, $5, $5, $5, $6)
                     on conflict (email) do nothing
                     returning account_id",
                )
                .bind(&a.email)
                .bind(&a.name)
                .bind(hash)
                .bind(&a.kind)
                .bind(t)
                .bind(&a.totp_secret)
                .fetch_one(&db.pool)
                .await?
                .try_get("account_id")?
            }
        };
        for r in &a.roles {
            sqlx::query(
                "insert into membership (account_id, service_id, role, created_at)
                 select $1, service_id, $2, $3 from service where slug = $4
                 on conflict (account_id, service_id) do nothing",
            )
            .bind(account_id)
            .bind(&r.role)
            .bind(t)
            .bind(&r.service)
            .execute(&db.pool)
            .await?;
        }
        let role = a
            .roles
            .first()
            .map(|r| r.role.clone())
            .unwrap_or_else(|| a.kind.clone());
        logins.push(DemoLogin {
            email: a.email.clone(),
            password: a.password.clone(),
            role,
            new_totp_secret: a.totp_secret.clone().filter(|_| created),
        });
    }
    load_demo_referrals(db, instruments, &data.referral).await?;
    load_demo_rooms(db, &data.room).await?;
    load_demo_courses(db, instruments, &data).await?;
    Ok(logins)
}

/// Gives every demo service the shipped courses, then creates the demo cohorts of
/// courses that have none yet, seats their participants and sets their state.
async fn load_demo_courses(
    db: &Db,
    instruments: &Instruments,
    data: &DemoData,
) -> anyhow::Result<()> {
    use app::domain::course::{CohortState, LocalDate, LocalTime, Placement, WeeklyPlan};
    use app::server::courses;

    let templates = courses::templates()?;
    for s in &data.service {
        let service = app::server::services::by_slug(db, &s.slug)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo service {} is missing", s.slug))?;
        courses::add_templates(db, ServiceId(service.id), &templates).await?;
    }
    for seed in &data.cohort {
        let service = app::server::services::by_slug(db, &seed.service)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo cohort: no service {}", seed.service))?;
        let course = courses::courses_of(db, ServiceId(service.id))
            .await?
            .into_iter()
            .find(|c| c.template.as_deref() == Some(seed.course.as_str()))
            .ok_or_else(|| anyhow::anyhow!("demo cohort: no course {}", seed.course))?;
        let has_cohort = sqlx::query("select 1 as one from cohort where course_id = $1 limit 1")
            .bind(course.course_id.0)
            .fetch_optional(&db.pool)
            .await?
            .is_some();
        if has_cohort {
            continue;
        }
        let state = CohortState::parse(&seed.state)
            .ok_or_else(|| anyhow::anyhow!("demo cohort: unknown state {}", seed.state))?;
        let mut leaders: Vec<i64> = Vec::new();
        for email in &seed.leaders {
            leaders.push(
                app::server::accounts::id_by_email(db, email)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo cohort leader {email} is missing"))?,
            );
        }
        let plan = WeeklyPlan {
            first: LocalDate::of(now()).plus_days(seed.starts_in_days),
            time: LocalTime::parse(&seed.time)
                .ok_or_else(|| anyhow::anyhow!("demo cohort: bad time {}", seed.time))?,
            minutes: course.session_minutes,
            weekly: course.weekly_sessions,
            follow_ups: course.follow_ups,
            follow_up_weeks: course.follow_up_weeks,
            skip: Vec::new(),
        };
        let cohort = courses::create_cohort(
            db,
            &courses::NewCohort {
                course: course.course_id,
                service: ServiceId(service.id),
                leaders: leaders.clone(),
                capacity: seed.capacity,
                plan,
                format: course.format,
                place: String::new(),
                state: CohortState::Open,
            },
        )
        .await?
        .map_err(|e| anyhow::anyhow!("demo cohort of {}: {}", seed.course, e.key()))?;
        for reference in &seed.participants {
            let referral: i64 =
                sqlx::query("select referral_id from referral where reference = $1")
                    .bind(reference)
                    .fetch_one(&db.pool)
                    .await?
                    .try_get("referral_id")?;
            // The decision that led here, as intake records it, and its offer.
            let decision: i64 = sqlx::query(
                "insert into referral_decision (referral_id, decision, reason, decided_by, decided_at)
                 values ($1, 'group_course', 'Ønsker kurs, passer godt i gruppe.', $2, $3)
                 returning referral_decision_id",
            )
            .bind(referral)
            .bind(leaders[0])
            .bind(now() - 28 * 86_400)
            .fetch_one(&db.pool)
            .await?
            .try_get("referral_decision_id")?;
            sqlx::query(
                "insert into offer (referral_id, referral_decision_id, kind, status, created_at, cohort_id)
                 values ($1, $2, 'group_course', 'accepted', $3, $4)",
            )
            .bind(referral)
            .bind(decision)
            .bind(now() - 28 * 86_400)
            .bind(cohort.0)
            .execute(&db.pool)
            .await?;
            let placed = courses::accept(db, cohort, referral)
                .await?
                .map_err(|e| anyhow::anyhow!("demo participant {reference}: {}", e.key()))?;
            anyhow::ensure!(
                placed == Placement::Seat,
                "demo participant {reference} got no seat"
            );
        }
        sqlx::query("update cohort set state = $2 where cohort_id = $1")
            .bind(cohort.0)
            .bind(state.key())
            .execute(&db.pool)
            .await?;
        load_demo_progress(db, instruments, cohort, &seed.progress).await?;
    }
    Ok(())
}

/// The sessions that are over: attendance from the room, and the measures answered
/// the evening before each.
async fn load_demo_progress(
    db: &Db,
    instruments: &Instruments,
    cohort: app::domain::course::CohortId,
    progress: &[ProgressSeed],
) -> anyhow::Result<()> {
    use app::server::{course_measures, courses};

    let sessions = courses::sessions(db, cohort).await?;
    for p in progress {
        let row =
            sqlx::query("select referral_id, account_id, name from referral where reference = $1")
                .bind(&p.participant)
                .fetch_one(&db.pool)
                .await?;
        let referral: i64 = row.try_get("referral_id")?;
        let account: i64 = row.try_get("account_id")?;
        let name: String = row.try_get("name")?;
        let first_name = name
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned();
        for (index, session) in sessions.iter().enumerate() {
            let number = index as u32 + 1;
            if session.starts_at > now() {
                break;
            }
            for (instrument, totals) in [("phq9", &p.phq9), ("gad7", &p.gad7)] {
                let Some(total) = totals.get(index) else {
                    continue;
                };
                let definition = instruments
                    .get(instrument)
                    .ok_or_else(|| anyhow::anyhow!("no instrument {instrument}"))?;
                let answers = summing_to(&definition, *total);
                let score = app::domain::questionnaire::score(&definition, &answers)?;
                course_measures::record(
                    db,
                    course_measures::Answered {
                        session_id: session.session_id,
                        referral_id: referral,
                        instrument,
                        version: &definition.version,
                        answers: &answers,
                        score: &score,
                        at: session.starts_at - 86_400 + 3_600,
                    },
                )
                .await?;
            }
            if !p.attended.contains(&number) {
                continue;
            }
            sqlx::query(
                "insert into session_attendance (cohort_session_id, referral_id, source, marked_at)
                 values ($1, $2, 'room', $3)",
            )
            .bind(session.session_id)
            .bind(referral)
            .bind(session.starts_at + 120)
            .execute(&db.pool)
            .await?;
            if let Some(room) = &session.room_code {
                sqlx::query(
                    "insert into room_attendance (room_id, account_id, shown_name, joined_at, left_at)
                     select room_id, $2, $3, $4, $5 from room where code = $1",
                )
                .bind(room)
                .bind(account)
                .bind(&first_name)
                .bind(session.starts_at + 120)
                .bind(session.ends_at - 600)
                .execute(&db.pool)
                .await?;
            }
        }
        // They came: their referral is active, as the room makes it.
        if !p.attended.is_empty() {
            sqlx::query("update referral set status = 'active' where referral_id = $1")
                .bind(referral)
                .execute(&db.pool)
                .await?;
        }
    }
    Ok(())
}

/// Answers summing to `total`: items from the first, each up to its highest option,
/// the risk item (PHQ-9's ninth) left at 0.
pub(crate) fn summing_to(
    definition: &app::domain::questionnaire::Definition,
    total: i32,
) -> BTreeMap<String, app::domain::questionnaire::Answer> {
    let mut left = total;
    definition
        .items
        .iter()
        .map(|item| {
            let top = if item.risk_above.is_some() {
                0
            } else {
                definition
                    .options_of(item)
                    .iter()
                    .map(|o| o.value)
                    .max()
                    .unwrap_or(0)
            };
            let value = left.clamp(0, top);
            left -= value;
            (
                item.id.clone(),
                app::domain::questionnaire::Answer::Value(value),
            )
        })
        .collect()
}

/// Creates the demo rooms that do not exist yet (an ended demo room stays ended).
async fn load_demo_rooms(db: &Db, seeds: &[RoomSeed]) -> anyhow::Result<()> {
    for seed in seeds {
        if app::server::rooms::by_code(db, &seed.code).await?.is_some() {
            continue;
        }
        let service: i64 = sqlx::query("select service_id from service where slug = $1")
            .bind(&seed.service)
            .fetch_one(&db.pool)
            .await?
            .try_get("service_id")?;
        let creator = app::server::accounts::id_by_email(db, &seed.created_by)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo room creator {} is missing", seed.created_by))?;
        sqlx::query(
            "insert into room (code, service_id, title, created_by, created_at)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(&seed.code)
        .bind(service)
        .bind(&seed.title)
        .bind(creator)
        .bind(app::server::db::now())
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

/// Sends the demo referrals the way a person would (scored, urgent on a risk answer),
/// then dates them back. A referral whose reference exists is left alone.
async fn load_demo_referrals(
    db: &Db,
    instruments: &Instruments,
    seeds: &[ReferralSeed],
) -> anyhow::Result<()> {
    use app::domain::questionnaire::{score, Answer};
    use app::domain::referral::{
        About, DayPart, Draft, Format, Help, HelpArea, Mode, Preferences, Source,
    };
    use app::server::referrals::{self, ScoredAnswers, Submission};
    use std::collections::BTreeMap;

    for seed in seeds {
        let exists = sqlx::query("select 1 as one from referral where reference = $1")
            .bind(&seed.reference)
            .fetch_optional(&db.pool)
            .await?
            .is_some();
        if exists {
            continue;
        }
        // A state as the board writes it: "new", …, "closed:completed".
        let state = app::domain::board::State::parse(&seed.state).ok_or_else(|| {
            anyhow::anyhow!(
                "demo referral {}: unknown state {}",
                seed.reference,
                seed.state
            )
        })?;
        let Some(service) = app::server::services::by_slug(db, &seed.service).await? else {
            anyhow::bail!(
                "demo referral {}: no service {}",
                seed.reference,
                seed.service
            );
        };
        let account_id = match app::server::accounts::create_citizen_without_password(
            db,
            &seed.email,
            &seed.name,
        )
        .await?
        {
            Some(id) => id,
            None => app::server::accounts::id_by_email(db, &seed.email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo account {} vanished", seed.email))?,
        };
        let areas = seed
            .help
            .iter()
            .map(|key| {
                HelpArea::ALL
                    .into_iter()
                    .find(|a| a.key() == key)
                    .ok_or_else(|| {
                        anyhow::anyhow!("demo referral {}: unknown help area {key}", seed.reference)
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let draft = Draft {
            consent: true,
            about: Some(About {
                name: seed.name.clone(),
                national_id: seed.national_id.clone(),
                municipality: seed.municipality.clone(),
                phone: "91234567".into(),
                email: seed.email.clone(),
                contact_ways: vec![],
                contact_times: vec![DayPart::Morning],
                interpreter: seed.interpreter.clone(),
            }),
            help: Some(Help {
                areas,
                text: seed.text.clone(),
            }),
            preferences: Some(Preferences {
                format: Format::parse(&seed.format).unwrap_or(Format::Either),
                mode: Mode::parse(&seed.mode).unwrap_or(Mode::Either),
                times: vec![DayPart::Morning],
            }),
            ..Draft::default()
        };
        let mut answers = Vec::new();
        for (id, values) in [("phq9", &seed.phq9), ("gad7", &seed.gad7)] {
            let definition = instruments
                .get(id)
                .ok_or_else(|| anyhow::anyhow!("no instrument {id}"))?;
            let given: BTreeMap<String, Answer> = definition
                .items
                .iter()
                .zip(values.iter())
                .map(|(item, v)| (item.id.clone(), Answer::Value(*v)))
                .collect();
            let scored = score(&definition, &given)
                .map_err(|e| anyhow::anyhow!("demo referral {}: {e}", seed.reference))?;
            answers.push(ScoredAnswers {
                instrument: id.to_owned(),
                version: definition.version.clone(),
                answers: given,
                score: scored,
            });
        }
        let submitted = referrals::submit(
            db,
            Submission {
                draft_id: 0,
                service_id: service.id,
                account_id,
                draft: &draft,
                answers,
                source: Source::SelfReferral,
                registered_by: None,
                owner_claim_hash: None,
                lang: app::i18n::Lang::Nb,
            },
        )
        .await?;
        let at = now() - seed.days_ago * 86_400;
        sqlx::query(
            // Demo history: an urgent one's alert to intake went out when it came.
            "update referral set reference = $1, submitted_at = $2, changed_at = $2, status = $3,
                 outcome = $5, alert_due_at = null
             where referral_id = $4",
        )
        .bind(&seed.reference)
        .bind(at)
        .bind(state.column())
        .bind(submitted.referral_id)
        .bind(match state {
            app::domain::board::State::Closed(outcome) => Some(outcome.key()),
            _ => None,
        })
        .execute(&db.pool)
        .await?;
        sqlx::query("update questionnaire_response set answered_at = $1 where referral_id = $2")
            .bind(at)
            .bind(submitted.referral_id)
            .execute(&db.pool)
            .await?;
        sqlx::query("update measurement set answered_at = $1 where referral_id = $2")
            .bind(at)
            .bind(submitted.referral_id)
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_demo_data_parses_and_has_one_account_per_role() {
        let data = demo_data().unwrap();
        // The demo service, and a neighbour that people from Fjell are sent to.
        assert_eq!(data.service.len(), 2);
        assert_eq!(
            data.service[0].name,
            "Rask psykisk helsehjelp, Demo kommune"
        );
        assert_eq!(data.service[1].municipalities, ["9903"]);
        // 9904 is served by no one.
        assert_eq!(data.municipality.len(), 4);
        let mut roles: Vec<&str> = data
            .account
            .iter()
            .flat_map(|a| a.roles.iter().map(|r| r.role.as_str()))
            .collect();
        roles.sort();
        assert_eq!(roles, ["intake", "lead", "therapist"]);
        // One citizen who self-refers, five who try a group session in a video room.
        assert_eq!(
            data.account.iter().filter(|a| a.kind == "citizen").count(),
            6
        );
        // Demo referrals in states the board knows, with complete answers: seven on the
        // board, one in each column, and five of the running course's participants.
        assert_eq!(data.referral.len(), 12);
        // Every participant of a demo cohort is a demo referral, and every cohort's
        // course is a shipped template.
        let templates = app::server::courses::templates().unwrap();
        for c in &data.cohort {
            assert!(
                templates.iter().any(|t| t.template == c.course),
                "{}",
                c.course
            );
            for p in &c.participants {
                assert!(data.referral.iter().any(|r| &r.reference == p), "{p}");
            }
        }
        for r in &data.referral {
            assert!(
                app::domain::board::State::parse(&r.state).is_some(),
                "{}",
                r.reference
            );
            assert!(
                app::domain::national_id::NationalId::parse(&r.national_id).is_ok(),
                "{}",
                r.reference
            );
            assert_eq!((r.phq9.len(), r.gad7.len()), (9, 7), "{}", r.reference);
        }
    }

    /// Courses meet weekly on the weekday they start. A demo cohort that met on the
    /// weekday the data is loaded would clash, for a few hours of every day, with a
    /// group its leaders start that day: the browser test that starts one for the
    /// therapist ten minutes ahead failed when run within about five hours of noon,
    /// Oslo time (the open KiB meets at 12:00; sessions last two and a half hours).
    #[test]
    fn no_demo_cohort_meets_on_the_weekday_the_data_is_loaded() {
        for c in demo_data().unwrap().cohort {
            assert_ne!(
                c.starts_in_days.rem_euclid(7),
                0,
                "{} starts in {} days",
                c.course,
                c.starts_in_days
            );
        }
    }
}
