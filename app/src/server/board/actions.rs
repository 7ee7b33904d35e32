//! The work done on a referral. Whoever changes a referral holds its claim: a change
//! succeeds only when nobody else holds a live claim, checked in the same statement
//! that makes the change, so two people can never both win.

use sqlx::Row;

use crate::domain::board::{Decision, State, TransitionError, CLAIM_LAPSE_SECONDS};
use crate::server::access_log::Audited;
use crate::server::board::events::BoardChange;
use crate::server::db::now;
use crate::server::Db;

/// Why a change was not made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No such referral in this service.
    NotFound,
    /// Someone else is working on it (their name).
    HeldBy(String),
    /// The state machine does not allow the move.
    Transition(TransitionError),
    /// The decision cannot be made from where the referral is.
    NotNow,
}

pub type Outcome<T> = Result<Result<T, Refusal>, sqlx::Error>;

type Tx = sqlx::AnyConnection;

/// An event on the referral's timeline.
pub struct Event<'a> {
    pub kind: &'a str,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub body: Option<&'a str>,
    pub detail: Option<String>,
}

impl<'a> Event<'a> {
    pub fn new(kind: &'a str) -> Event<'a> {
        Event {
            kind,
            from_state: None,
            to_state: None,
            body: None,
            detail: None,
        }
    }
}

pub async fn record<'e, E>(
    executor: E,
    referral_id: i64,
    actor: Option<i64>,
    at: i64,
    event: Event<'_>,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "insert into referral_event (referral_id, at, actor_account_id, kind, from_state, to_state, body, detail)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(referral_id)
    .bind(at)
    .bind(actor)
    .bind(event.kind)
    .bind(event.from_state)
    .bind(event.to_state)
    .bind(event.body)
    .bind(event.detail)
    .execute(executor)
    .await
    .map(|_| ())
}

struct Current {
    state: State,
    account_id: i64,
    holder: Option<i64>,
}

async fn current(
    tx: &mut Tx,
    service_id: i64,
    referral_id: i64,
    at: i64,
) -> Result<Option<Current>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "select status, outcome, account_id, claimed_by, claimed_at from referral
         where referral_id = $1 and service_id = $2",
    )
    .bind(referral_id)
    .bind(service_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let status: String = row.try_get("status")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let state = State::from_stored(&status, outcome.as_deref())
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown referral state {status}").into()))?;
    let holder = match (
        row.try_get::<Option<i64>, _>("claimed_by")?,
        row.try_get::<Option<i64>, _>("claimed_at")?,
    ) {
        (Some(id), Some(claimed_at)) if crate::domain::board::claim_is_live(claimed_at, at) => {
            Some(id)
        }
        _ => None,
    };
    Ok(Some(Current {
        state,
        account_id: row.try_get("account_id")?,
        holder,
    }))
}

async fn holder_name(tx: &mut Tx, referral_id: i64) -> Result<String, sqlx::Error> {
    Ok(sqlx::query(
        "select a.display_name from referral r join account a on a.account_id = r.claimed_by
         where r.referral_id = $1",
    )
    .bind(referral_id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|r| r.try_get("display_name"))
    .transpose()?
    .unwrap_or_default())
}

/// Takes (or refreshes) the claim for `me`, unless someone else holds a live one, and
/// hands back the referral as it was; the flag says whether the claim is new.
async fn take_claim(
    tx: &mut Tx,
    service_id: i64,
    referral_id: i64,
    me: i64,
    at: i64,
) -> Outcome<(Current, bool)> {
    let Some(before) = current(tx, service_id, referral_id, at).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    let taken = sqlx::query(
        "update referral set claimed_by = $1, claimed_at = $2
         where referral_id = $3 and service_id = $4
           and (claimed_by is null or claimed_by = $1 or claimed_at <= $5)",
    )
    .bind(me)
    .bind(at)
    .bind(referral_id)
    .bind(service_id)
    .bind(at - CLAIM_LAPSE_SECONDS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if taken == 0 {
        return Ok(Err(Refusal::HeldBy(holder_name(tx, referral_id).await?)));
    }
    let new = before.holder != Some(me);
    if new {
        record(&mut *tx, referral_id, Some(me), at, Event::new("claimed")).await?;
    }
    Ok(Ok((before, new)))
}

/// Tells open boards of the service that a referral changed: after the change commits.
pub async fn announce(db: &Db, service_id: i64, referral_id: i64) {
    db.board
        .publish(
            &db.pool,
            BoardChange {
                service_id,
                referral_id,
            },
        )
        .await;
}

/// The person withdraws their own referral (by its reference): closed as withdrawn,
/// any claim let go, on the timeline. Returns the service and the referral, for the
/// boards to be told. Someone else's referral is `NotFound`, as if it did not exist.
pub async fn withdraw(db: &Db, reference: &str, account_id: i64) -> Outcome<(i64, i64)> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query(
        "select referral_id, service_id, status, outcome from referral
         where reference = $1 and account_id = $2",
    )
    .bind(reference)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(Refusal::NotFound));
    };
    let referral_id: i64 = row.try_get("referral_id")?;
    let service_id: i64 = row.try_get("service_id")?;
    let status: String = row.try_get("status")?;
    let outcome: Option<String> = row.try_get("outcome")?;
    let before = State::from_stored(&status, outcome.as_deref())
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown referral state {status}").into()))?;
    let to = match before.withdraw() {
        Ok(to) => to,
        Err(error) => return Ok(Err(Refusal::Transition(error))),
    };
    set_state(&mut tx, referral_id, to, at).await?;
    sqlx::query("update referral set claimed_by = null, claimed_at = null where referral_id = $1")
        .bind(referral_id)
        .execute(&mut *tx)
        .await?;
    let mut event = Event::new("withdrawn");
    event.from_state = Some(before.key());
    event.to_state = Some(to.key());
    record(&mut *tx, referral_id, Some(account_id), at, event).await?;
    tx.commit().await?;
    Ok(Ok((service_id, referral_id)))
}

/// Claims a referral for `me`: "I am working on this".
pub async fn claim(db: &Db, service_id: i64, referral_id: i64, me: i64) -> Outcome<()> {
    let mut tx = db.begin_write().await?;
    let result = take_claim(&mut tx, service_id, referral_id, me, now()).await?;
    tx.commit().await?;
    if let Ok((_, true)) = result {
        announce(db, service_id, referral_id).await;
    }
    Ok(result.map(|_| ()))
}

/// Lets go of a claim: its holder may, and a lead may release anyone's.
pub async fn release(
    db: &Db,
    service_id: i64,
    referral_id: i64,
    me: i64,
    is_lead: bool,
) -> Outcome<()> {
    let at = now();
    let mut tx = db.begin_write().await?;
    let Some(before) = current(&mut tx, service_id, referral_id, at).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    match before.holder {
        None => return Ok(Ok(())),
        Some(holder) if holder != me && !is_lead => {
            return Ok(Err(Refusal::HeldBy(
                holder_name(&mut tx, referral_id).await?,
            )));
        }
        Some(holder) => {
            sqlx::query(
                "update referral set claimed_by = null, claimed_at = null where referral_id = $1",
            )
            .bind(referral_id)
            .execute(&mut *tx)
            .await?;
            let mut event = Event::new("released");
            if holder != me {
                event.detail = Some(display_name(&mut tx, holder).await?);
            }
            record(&mut *tx, referral_id, Some(me), at, event).await?;
        }
    }
    tx.commit().await?;
    announce(db, service_id, referral_id).await;
    Ok(Ok(()))
}

async fn display_name(tx: &mut Tx, account_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query("select display_name from account where account_id = $1")
        .bind(account_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get("display_name")
}

async fn set_state(tx: &mut Tx, referral_id: i64, to: State, at: i64) -> Result<(), sqlx::Error> {
    let outcome = match to {
        State::Closed(outcome) => Some(outcome.key()),
        _ => None,
    };
    sqlx::query(
        "update referral set status = $1, outcome = $2, changed_at = $3 where referral_id = $4",
    )
    .bind(to.column())
    .bind(outcome)
    .bind(at)
    .bind(referral_id)
    .execute(&mut *tx)
    .await?;
    crate::server::episodes::touch(tx, referral_id).await
}

/// Moves a referral to another state, if the state machine allows it. Moving claims it.
pub async fn move_to(
    audited: &mut Audited,
    service_id: i64,
    referral_id: i64,
    me: i64,
    to: State,
) -> Outcome<()> {
    let at = now();
    let tx = audited.change();
    let before = match take_claim(tx, service_id, referral_id, me, at).await? {
        Ok((before, _)) => before,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Err(error) = before.state.transition(to) {
        return Ok(Err(Refusal::Transition(error)));
    }
    set_state(tx, referral_id, to, at).await?;
    let mut event = Event::new("moved");
    event.from_state = Some(before.state.key());
    event.to_state = Some(to.key());
    record(&mut *tx, referral_id, Some(me), at, event).await?;
    Ok(Ok(()))
}

/// A decision as made: the person to tell.
#[derive(Clone, Debug)]
pub struct DecisionMade {
    pub account_id: i64,
    pub joint: bool,
    pub to: State,
}

/// Records a decision with its reason, moves the referral to where the decision leaves
/// it, and keeps an offer as its own record. Deciding claims it.
pub async fn decide(
    audited: &mut Audited,
    service_id: i64,
    referral_id: i64,
    me: i64,
    decision: Decision,
    reason: &str,
    cohort: Option<crate::domain::course::CohortId>,
) -> Outcome<DecisionMade> {
    let at = now();
    let tx = audited.change();
    let before = match take_claim(tx, service_id, referral_id, me, at).await? {
        Ok((before, _)) => before,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !decision.allowed_from(before.state) {
        return Ok(Err(Refusal::NotNow));
    }
    let joint = sqlx::query(
        "select 1 as one from referral_event where referral_id = $1 and kind = 'assessment' limit 1",
    )
    .bind(referral_id)
    .fetch_optional(&mut *tx)
    .await?
    .is_some();
    let decision_id: i64 = sqlx::query(
        "insert into referral_decision (referral_id, decision, reason, joint, decided_by, decided_at)
         values ($1, $2, $3, $4, $5, $6) returning referral_decision_id",
    )
    .bind(referral_id)
    .bind(decision.key())
    .bind(reason)
    .bind(i64::from(joint))
    .bind(me)
    .bind(at)
    .fetch_one(&mut *tx)
    .await?
    .try_get("referral_decision_id")?;
    crate::server::episodes::touch(&mut *tx, referral_id).await?;
    if decision.is_offer() {
        sqlx::query(
            "insert into offer (referral_id, referral_decision_id, kind, created_at, cohort_id)
             values ($1, $2, $3, $4, $5)",
        )
        .bind(referral_id)
        .bind(decision_id)
        .bind(decision.key())
        .bind(at)
        .bind(cohort.map(|c| c.0))
        .execute(&mut *tx)
        .await?;
    }
    let to = decision.resulting_state();
    set_state(tx, referral_id, to, at).await?;
    let mut event = Event::new("decision");
    event.from_state = Some(before.state.key());
    event.to_state = Some(to.key());
    event.body = Some(reason);
    event.detail = Some(format!(
        "{}{}",
        decision.key(),
        if joint { ":joint" } else { "" }
    ));
    record(&mut *tx, referral_id, Some(me), at, event).await?;
    Ok(Ok(DecisionMade {
        account_id: before.account_id,
        joint,
        to,
    }))
}

/// Adds an internal note (anyone of the service may; notes do not need the claim).
pub async fn add_note(
    audited: &mut Audited,
    service_id: i64,
    referral_id: i64,
    me: i64,
    body: &str,
) -> Outcome<()> {
    add_text(audited.change(), service_id, referral_id, me, "note", body).await
}

/// A specialist guest's assessment of a shared referral.
pub async fn add_assessment(
    audited: &mut Audited,
    service_id: i64,
    referral_id: i64,
    me: i64,
    body: &str,
) -> Outcome<()> {
    add_text(
        audited.change(),
        service_id,
        referral_id,
        me,
        "assessment",
        body,
    )
    .await
}

async fn add_text(
    tx: &mut Tx,
    service_id: i64,
    referral_id: i64,
    me: i64,
    kind: &str,
    body: &str,
) -> Outcome<()> {
    let at = now();
    if current(tx, service_id, referral_id, at).await?.is_none() {
        return Ok(Err(Refusal::NotFound));
    }
    let mut event = Event::new(kind);
    event.body = Some(body);
    record(&mut *tx, referral_id, Some(me), at, event).await?;
    Ok(Ok(()))
}

/// Shares a referral with a specialist guest of the service for joint assessment.
pub async fn share(
    audited: &mut Audited,
    service_id: i64,
    referral_id: i64,
    me: i64,
    guest: i64,
) -> Outcome<()> {
    let at = now();
    let tx = audited.change();
    if current(tx, service_id, referral_id, at).await?.is_none() {
        return Ok(Err(Refusal::NotFound));
    }
    let added = sqlx::query(
        "insert into referral_share (referral_id, guest_account_id, shared_by, shared_at)
         values ($1, $2, $3, $4) on conflict do nothing",
    )
    .bind(referral_id)
    .bind(guest)
    .bind(me)
    .bind(at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        let mut event = Event::new("shared");
        event.detail = Some(display_name(tx, guest).await?);
        record(&mut *tx, referral_id, Some(me), at, event).await?;
    }
    Ok(Ok(()))
}

/// True when the referral is shared with this guest.
pub async fn is_shared_with(db: &Db, referral_id: i64, guest: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "select 1 as one from referral_share where referral_id = $1 and guest_account_id = $2",
    )
    .bind(referral_id)
    .bind(guest)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// Puts "opened by" on the timeline, once per person per half hour, in the
/// transaction that logs the opening. True when nobody had opened it before (an
/// urgent one stops waiting "unopened" on every board).
pub async fn record_opened(
    audited: &mut Audited,
    referral_id: i64,
    me: i64,
) -> Result<bool, sqlx::Error> {
    let tx = audited.change();
    let at = now();
    let last = sqlx::query(
        "select max(case when actor_account_id = $2 then at end) as mine, count(*) as n
         from referral_event where referral_id = $1 and kind = 'opened'",
    )
    .bind(referral_id)
    .bind(me)
    .fetch_one(&mut *tx)
    .await?;
    let mine: Option<i64> = last.try_get("mine")?;
    let first = last.try_get::<i64, _>("n")? == 0;
    if mine.is_none_or(|mine| mine <= at - CLAIM_LAPSE_SECONDS) {
        record(&mut *tx, referral_id, Some(me), at, Event::new("opened")).await?;
    }
    Ok(first)
}

/// Records that the person was sent a message about their referral.
pub async fn record_message(
    db: &Db,
    referral_id: i64,
    me: i64,
    what: &str,
) -> Result<(), sqlx::Error> {
    let mut event = Event::new("message");
    event.detail = Some(what.to_owned());
    record(&db.pool, referral_id, Some(me), now(), event).await
}
