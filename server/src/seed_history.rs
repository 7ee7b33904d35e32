//! A fictional year of the demo service, for `scripts/dev`: eight finished course
//! groups with their participants' referrals, decisions, attendance and measures
//! before each session, and referrals that went elsewhere, so the service's figures
//! and trajectories look like a service's. Deterministic (a fixed seed) and loaded
//! once: a second start finds it and changes nothing. Off unless `RPH_DEMO_HISTORY`
//! asks for it (the tests' demo data stays small and exact).

use sqlx::Row;

use app::domain::capability::ServiceId;
use app::domain::course::{CohortState, LocalDate, LocalTime, Placement, WeeklyPlan};
use app::domain::national_id::check_digits_for;
use app::domain::questionnaire::{score, Definition};
use app::domain::referral::{About, DayPart, Draft, Format, Help, HelpArea, Mode, Preferences};
use app::server::db::now;
use app::server::instruments::Instruments;
use app::server::referrals::{self, ScoredAnswers, Submission};
use app::server::{course_measures, courses, episodes, Db};

use crate::seed::summing_to;

const DAY: i64 = 86_400;
const FIRST_NAMES: [&str; 16] = [
    "Anne", "Bjørn", "Camilla", "Dag", "Eva", "Frode", "Guro", "Håkon", "Ingrid", "Jan", "Kristin",
    "Lars", "Marte", "Nils", "Oda", "Rune",
];
const LAST_NAMES: [&str; 12] = [
    "Aas", "Berge", "Dahl", "Eide", "Fjeld", "Haug", "Lie", "Moen", "Nygård", "Strand", "Tangen",
    "Vik",
];

/// A small deterministic generator (xorshift): the same history on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A whole number in `low..=high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % u64::try_from(high - low + 1).unwrap_or(1)) as i64
    }
}

/// How a participant's course goes.
#[derive(Clone, Copy)]
enum Course {
    /// Gets clearly better.
    Better,
    /// Gets a little better.
    Little,
    /// Stays where they were.
    Same,
    /// Gets worse.
    Worse,
    /// Comes once or not at all.
    DropsOut,
}

pub async fn load(db: &Db, instruments: &Instruments) -> anyhow::Result<()> {
    let done =
        sqlx::query("select 1 as one from referral where reference like 'RPH-HIST-%' limit 1")
            .fetch_optional(&db.pool)
            .await?
            .is_some();
    if done {
        return Ok(());
    }
    let service = app::server::services::by_slug(db, "demo")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo service is missing"))?;
    let service_id = ServiceId(service.id);
    let leaders = [
        app::server::accounts::id_by_email(db, "terapeut@demo.example").await?,
        app::server::accounts::id_by_email(db, "leder@demo.example").await?,
    ];
    let [Some(therapist), Some(lead)] = leaders else {
        anyhow::bail!("the demo therapist and lead are missing");
    };
    let courses_of = courses::courses_of(db, service_id).await?;
    let phq9 = instruments
        .get("phq9")
        .ok_or_else(|| anyhow::anyhow!("no PHQ-9"))?;
    let gad7 = instruments
        .get("gad7")
        .ok_or_else(|| anyhow::anyhow!("no GAD-7"))?;
    let ten = LocalTime::parse("10:00").ok_or_else(|| anyhow::anyhow!("a bad time"))?;
    let mut dice = Dice(0x5eed_2026_0001);
    let mut person = 0;
    for group in 0..8i64 {
        let template = if group % 2 == 0 { "kid" } else { "kib" };
        let Some(course) = courses_of
            .iter()
            .find(|c| c.template.as_deref() == Some(template))
        else {
            continue;
        };
        // Every 38 days from 400 days ago: all over by now, on changing weekdays.
        let first = LocalDate::of(now()).plus_days(-400 + group * 38);
        let cohort = courses::create_cohort(
            db,
            &courses::NewCohort {
                course: course.course_id,
                service: service_id,
                leaders: vec![if group % 3 == 0 { lead } else { therapist }],
                capacity: 12,
                plan: WeeklyPlan {
                    first,
                    time: ten,
                    minutes: course.session_minutes,
                    weekly: course.weekly_sessions,
                    follow_ups: course.follow_ups,
                    follow_up_weeks: course.follow_up_weeks,
                    skip: Vec::new(),
                },
                format: app::domain::course::Format::Video,
                place: String::new(),
                state: CohortState::Open,
            },
        )
        .await?;
        let Ok(cohort) = cohort else {
            tracing::warn!(group, "a history group overlapped another; left out");
            continue;
        };
        let sessions = courses::sessions(db, cohort).await?;
        let Some(first_start) = sessions.first().map(|s| s.starts_at) else {
            continue;
        };
        for _ in 0..11 {
            person += 1;
            let path = match dice.between(1, 20) {
                1..=9 => Course::Better,
                10..=14 => Course::Little,
                15..=16 => Course::Same,
                17 => Course::Worse,
                _ => Course::DropsOut,
            };
            let received = first_start - dice.between(20, 80) * DAY;
            let intake = (dice.between(9, 21), dice.between(6, 17));
            let referral = referral(
                db, &mut dice, person, service.id, received, intake, &phq9, &gad7,
            )
            .await?;
            decide(
                db,
                referral,
                lead,
                received + dice.between(3, 25) * DAY,
                Some(cohort.0),
            )
            .await?;
            let placed = courses::accept(db, cohort, referral).await?;
            if placed != Ok(Placement::Seat) {
                continue;
            }
            let attends: Vec<bool> = sessions
                .iter()
                .enumerate()
                .map(|(i, _)| match path {
                    Course::DropsOut => i == 0 && dice.between(0, 1) == 1,
                    _ => dice.between(1, 10) <= 8,
                })
                .collect();
            let fall = match path {
                Course::Better => dice.between(7, 11),
                Course::Little => dice.between(2, 5),
                Course::Same => 0,
                Course::Worse => -dice.between(5, 8),
                Course::DropsOut => 0,
            };
            let count = sessions.len() as i64;
            for (i, session) in sessions.iter().enumerate() {
                if !attends[i] {
                    continue;
                }
                let step = |start: i64, max: i64, dice: &mut Dice| {
                    (start - fall * (i as i64 + 1) / count + dice.between(-1, 1)).clamp(0, max)
                };
                let totals = [
                    (step(intake.0, 24, &mut dice), &phq9),
                    (step(intake.1, 21, &mut dice), &gad7),
                ];
                for (total, definition) in totals {
                    let answers = summing_to(definition, total as i32);
                    let scored = score(definition, &answers)?;
                    course_measures::record(
                        db,
                        course_measures::Answered {
                            session_id: session.session_id,
                            referral_id: referral,
                            instrument: &definition.id,
                            version: &definition.version,
                            answers: &answers,
                            score: &scored,
                            at: session.starts_at - DAY,
                        },
                    )
                    .await?;
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
            }
            let last = sessions.last().map(|s| s.ends_at).unwrap_or(first_start);
            close(
                db,
                referral,
                if attends.iter().any(|a| *a) {
                    "completed"
                } else {
                    "no_contact"
                },
                last,
            )
            .await?;
        }
        sqlx::query("update cohort set state = 'finished' where cohort_id = $1")
            .bind(cohort.0)
            .execute(&db.pool)
            .await?;
    }
    // Referrals that went elsewhere over the year: to the GP, to specialists, or no
    // contact.
    for n in 0..30i64 {
        person += 1;
        let received = now() - (360 - n * 11) * DAY;
        let intake = (dice.between(4, 24), dice.between(3, 20));
        let referral = referral(
            db, &mut dice, person, service.id, received, intake, &phq9, &gad7,
        )
        .await?;
        let decided = received + dice.between(2, 30) * DAY;
        decide(db, referral, lead, decided, None).await?;
        let outcome = ["referred_gp", "referred_specialist", "no_contact"]
            [usize::try_from(n % 3).unwrap_or(0)];
        close(db, referral, outcome, decided + DAY).await?;
    }
    episodes::touch_missing(db).await?;
    Ok(())
}

/// A referral sent at `received` with its intake answers (PHQ-9 and GAD-7 totals).
#[allow(clippy::too_many_arguments)]
async fn referral(
    db: &Db,
    dice: &mut Dice,
    person: i64,
    service_id: i64,
    received: i64,
    (phq9_total, gad7_total): (i64, i64),
    phq9: &Definition,
    gad7: &Definition,
) -> anyhow::Result<i64> {
    let first = FIRST_NAMES[usize::try_from(dice.next() % 16).unwrap_or(0)];
    let last = LAST_NAMES[usize::try_from(dice.next() % 12).unwrap_or(0)];
    let name = format!("{first} {last}");
    let email = format!("historikk-{person}@demo.example");
    let account =
        match app::server::accounts::create_citizen_without_password(db, &email, &name).await? {
            Some(id) => id,
            None => app::server::accounts::id_by_email(db, &email)
                .await?
                .ok_or_else(|| anyhow::anyhow!("history account {email} vanished"))?,
        };
    let draft = Draft {
        consent: true,
        about: Some(About {
            name,
            national_id: national_id(dice),
            municipality: if person % 4 == 0 { "9902" } else { "9901" }.into(),
            phone: "91234567".into(),
            email,
            contact_ways: vec![],
            contact_times: vec![DayPart::Morning],
            interpreter: None,
        }),
        help: Some(Help {
            areas: vec![HelpArea::LowMood],
            text: "Jeg vil gjerne lære å håndtere hverdagen bedre.".into(),
        }),
        preferences: Some(Preferences {
            format: Format::Group,
            mode: Mode::Video,
            times: vec![DayPart::Morning],
        }),
        ..Draft::default()
    };
    let mut answers = Vec::new();
    for (definition, total) in [(phq9, phq9_total), (gad7, gad7_total)] {
        let given = summing_to(definition, i32::try_from(total).unwrap_or(0));
        let scored = score(definition, &given)?;
        answers.push(ScoredAnswers {
            instrument: definition.id.clone(),
            version: definition.version.clone(),
            answers: given,
            score: scored,
        });
    }
    let submitted = referrals::submit(
        db,
        Submission {
            draft_id: 0,
            service_id,
            account_id: account,
            draft: &draft,
            answers,
            source: app::domain::referral::Source::SelfReferral,
            registered_by: None,
            owner_claim_hash: None,
            lang: app::i18n::Lang::Nb,
        },
    )
    .await?;
    let id = submitted.referral_id;
    sqlx::query(
        "update referral set reference = $1, submitted_at = $2, changed_at = $2,
             alert_due_at = null, urgent = 0
         where referral_id = $3",
    )
    .bind(format!("RPH-HIST-{person:04}"))
    .bind(received)
    .bind(id)
    .execute(&db.pool)
    .await?;
    for table in ["questionnaire_response", "measurement"] {
        sqlx::query(&format!(
            "update {table} set answered_at = $1 where referral_id = $2"
        ))
        .bind(received)
        .bind(id)
        .execute(&db.pool)
        .await?;
    }
    Ok(id)
}

/// The assessment: a decision on the board, and a course offer taken when `cohort` is
/// given.
async fn decide(
    db: &Db,
    referral: i64,
    by: i64,
    at: i64,
    cohort: Option<i64>,
) -> anyhow::Result<()> {
    let decision = if cohort.is_some() {
        "group_course"
    } else {
        "refer_gp"
    };
    let id: i64 = sqlx::query(
        "insert into referral_decision (referral_id, decision, reason, decided_by, decided_at)
         values ($1, $2, 'Vurdert i inntaksmøtet.', $3, $4) returning referral_decision_id",
    )
    .bind(referral)
    .bind(decision)
    .bind(by)
    .bind(at)
    .fetch_one(&db.pool)
    .await?
    .try_get("referral_decision_id")?;
    if let Some(cohort) = cohort {
        sqlx::query(
            "insert into offer (referral_id, referral_decision_id, kind, status, created_at, cohort_id)
             values ($1, $2, 'group_course', 'accepted', $3, $4)",
        )
        .bind(referral)
        .bind(id)
        .bind(at)
        .bind(cohort)
        .execute(&db.pool)
        .await?;
    }
    Ok(())
}

async fn close(db: &Db, referral: i64, outcome: &str, at: i64) -> anyhow::Result<()> {
    sqlx::query(
        "update referral set status = 'closed', outcome = $1, changed_at = $2 where referral_id = $3",
    )
    .bind(outcome)
    .bind(at)
    .bind(referral)
    .execute(&db.pool)
    .await?;
    let mut conn = db.pool.acquire().await?;
    episodes::touch(&mut conn, referral).await?;
    Ok(())
}

/// A valid, fictional identity number (born 1970–1999).
fn national_id(dice: &mut Dice) -> String {
    loop {
        let day = dice.between(1, 28);
        let month = dice.between(1, 12);
        let year = dice.between(70, 99);
        let individual = dice.between(100, 499);
        let text = format!("{day:02}{month:02}{year:02}{individual:03}");
        let nine: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
        let Ok(nine) = <[u8; 9]>::try_from(nine) else {
            continue;
        };
        if let Some((k1, k2)) = check_digits_for(&nine) {
            return format!("{text}{k1}{k2}");
        }
    }
}
