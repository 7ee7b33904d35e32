//! Server half of the outcome pages: who may see a trajectory, and what it shows.

use super::types::{
    BreakdownTable, FigureLine, FiguresView, MeasureTrajectory, TrajectoryPoint, TrajectoryView,
};
use crate::domain::access::{AccessAction, DataKind};
use crate::domain::clock::format_oslo_date;
use crate::domain::outcome::{
    shown, shown_breakdown, Cell, Figures, Measure, Rate, ReliableChange,
};
use crate::error::AppError;
use crate::i18n::outcome::FIGURES;
use crate::i18n::{detect_lang, texts, Texts};
use crate::server::access_log;
use crate::server::charts::{self, Trajectory};
use crate::server::measurements::{self, Measurement};
use crate::server::outcome_access::{self, Seer};
use crate::server::principal::Principal;
use crate::server::state::app_state;

pub async fn trajectory(reference: String) -> Result<TrajectoryView, AppError> {
    let principal = Principal::current().await?;
    let state = app_state()?;
    let Some(whose) = outcome_access::whose(&state.db, reference.trim()).await? else {
        return Err(AppError::Forbidden);
    };
    let seer = outcome_access::may_see(&state.db, &principal, &whose)
        .await?
        .ok_or(AppError::Forbidden)?;
    let stored = match seer {
        Seer::Owner => {
            let mut conn = state.db.pool.acquire().await?;
            measurements::of_referral(&mut conn, whose.referral).await?
        }
        Seer::Staff(service) => {
            let mut audited = access_log::begin(&state.db).await?;
            let grant = audited
                .grant(
                    &principal.actor(service),
                    access_log::Access {
                        subject_account_id: whose.account.0,
                        record_kind: "trajectory",
                        record_id: &reference,
                        data_kind: DataKind::QuestionnaireAnswers,
                        action: AccessAction::Viewed,
                    },
                )
                .await?;
            let stored = measurements::of_referral(audited.read(&grant)?, whose.referral).await?;
            audited.commit().await?;
            stored
        }
    };
    let lang = detect_lang();
    let t = texts(lang);
    let for_person = matches!(seer, Seer::Owner);
    // Outcome measures first (depression, then anxiety), then the rest by name.
    let mut instruments: Vec<&str> = stored.iter().map(|m| m.instrument.as_str()).collect();
    instruments.sort_by_key(|id| {
        let definition = state.instruments.get(id);
        let role = definition.as_deref().and_then(|d| d.scoring.outcome);
        (role.is_none(), role, id.to_string())
    });
    instruments.dedup();
    let measures = instruments
        .into_iter()
        .filter_map(|id| {
            let definition = state.instruments.get(id)?;
            let of_this: Vec<&Measurement> = stored.iter().filter(|m| m.instrument == id).collect();
            let measure = Measure::of(&definition);
            Some(measure_trajectory(
                t,
                lang,
                &definition,
                measure.as_ref(),
                &of_this,
                for_person,
            ))
        })
        .collect();
    Ok(TrajectoryView {
        reference: reference.trim().to_owned(),
        for_person,
        may_download: outcome_access::may_export(&principal, &whose).is_some(),
        measures,
    })
}

fn whole(total: f64) -> String {
    format!("{}", total.round() as i64)
}

fn measure_trajectory(
    t: &Texts,
    lang: crate::domain::language::Lang,
    definition: &crate::domain::questionnaire::Definition,
    measure: Option<&Measure>,
    stored: &[&Measurement],
    for_person: bool,
) -> MeasureTrajectory {
    let o = t.outcome;
    let title = definition.title.get(lang).to_owned();
    let labels: Vec<String> = stored
        .iter()
        .map(|m| o.time_point(m.time_point, m.session_number))
        .collect();
    let totals: Vec<Option<f64>> = stored.iter().map(|m| m.total).collect();
    let scored: Vec<f64> = totals.iter().flatten().copied().collect();
    let first = scored.first().copied();
    let last = scored.last().copied();
    // The change on this measure, by the same rule as the figures.
    let change = measure
        .zip(first.zip(last))
        .map(|(m, (first, last))| m.change(first, last));
    let rc = measure.map(|m| m.reliable_change).unwrap_or_default();
    let template = match (scored.len(), change, for_person) {
        (0, ..) => o.no_scores,
        (1, _, false) => o.staff_single,
        (1, _, true) => o.mine_single,
        (_, Some(ReliableChange::Improvement), false) => o.staff_improved,
        (_, Some(ReliableChange::Deterioration), false) => o.staff_deteriorated,
        (_, _, false) => o.staff_no_change,
        (_, Some(ReliableChange::Improvement), true) => o.mine_improved,
        (_, Some(ReliableChange::Deterioration), true) => o.mine_deteriorated,
        (_, _, true) => o.mine_no_change,
    };
    let summary = template
        .replace("{first}", &first.map(whole).unwrap_or_default())
        .replace("{last}", &last.map(whole).unwrap_or_default())
        .replace("{rc}", &rc.to_string());
    let caseness = definition.scoring.caseness;
    let mut legend = Vec::new();
    if let Some(c) = caseness {
        legend.push(if for_person {
            o.mine_caseness_line.to_owned()
        } else {
            o.caseness_line.replace("{n}", &c.to_string())
        });
    }
    if let (Some(m), false) = (measure, for_person) {
        legend.push(
            o.reliable_band
                .replace("{n}", &m.reliable_change.to_string()),
        );
    }
    let chart = charts::trajectory(&Trajectory {
        labels: &labels,
        totals: &totals,
        max: definition.max_total(),
        caseness,
        band: measure.filter(|_| !for_person).zip(first).map(|(m, f)| {
            (
                f - f64::from(m.reliable_change),
                f + f64::from(m.reliable_change),
            )
        }),
        x_label: o.axis_time,
        y_label: o.axis_score,
    });
    let points = stored
        .iter()
        .zip(labels)
        .map(|(m, label)| TrajectoryPoint {
            date: format_oslo_date(m.answered_at),
            time_point: label,
            score: m.total.map(whole).unwrap_or_else(|| o.no_total.to_owned()),
            level: m
                .band
                .as_deref()
                .and_then(|b| definition.bands.iter().find(|band| band.id == b))
                .map(|band| band.label.get(lang).to_owned())
                .unwrap_or_default(),
        })
        .collect();
    MeasureTrajectory {
        instrument: definition.id.clone(),
        title,
        summary,
        chart,
        legend,
        points,
    }
}

/// The figures page: the service's (leads, `ServiceFigures`) or one group's (its
/// leaders and the leads).
pub async fn figures(
    from: String,
    to: String,
    by: String,
    cohort: Option<i64>,
) -> Result<FiguresView, AppError> {
    use crate::domain::course::CohortId;
    use crate::domain::outcome::Month;
    use crate::server::db::now;
    use crate::server::episodes::{self, Breakdown, Selection};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let lang = detect_lang();
    let t = texts(lang);
    let o = t.outcome;
    let (service, title) = match cohort {
        Some(id) => {
            let (service, group) =
                crate::api::course::ssr::led_group(&principal, CohortId(id)).await?;
            (
                service,
                o.cohort_figures_title.replace("{name}", &group.course_name),
            )
        }
        None => (
            principal.first_service(crate::domain::capability::Kind::ServiceFigures)?,
            o.figures_title.to_owned(),
        ),
    };
    // Whatever the figures read must be worked out first.
    episodes::refresh_stale(&state.db, &state.instruments.outcome_measures(), 10_000).await?;

    let this_month = Month::of(now());
    let first_month = episodes::first_received(&state.db, service.0)
        .await?
        .map(Month::of)
        .unwrap_or(this_month)
        .min(this_month.minus(11));
    let mut start = Month::parse(&from).unwrap_or(this_month.minus(11));
    let mut end = Month::parse(&to).unwrap_or(this_month);
    let mut notice = None;
    if start > end {
        std::mem::swap(&mut start, &mut end);
        notice = Some(
            o.problem_period
                .replace("{from}", &start.key())
                .replace("{to}", &end.key()),
        );
    }
    let by = match by.as_str() {
        "municipality" => Breakdown::Municipality,
        "course" => Breakdown::Course,
        "cohort" if cohort.is_none() => Breakdown::Cohort,
        _ => Breakdown::Month,
    };
    let selection = Selection {
        service_id: service.0,
        from: start.start(),
        to: end.next().start(),
        cohort_id: cohort,
    };
    // One scan of the episodes: by month and by the breakdown; the whole period is
    // the months' sum.
    let (monthly, rows) = episodes::figures_by_month_and(&state.db, selection, by).await?;
    let mut total = crate::domain::outcome::Figures::default();
    for (_, f) in &monthly {
        total.merge(f);
    }
    let lines = figure_lines(t, &total);

    let breakdown = if by == Breakdown::Month {
        None
    } else {
        let labels = episodes::labels(&state.db, service.0, by).await?;
        Some(breakdown_table(t, by_label(t, by), &rows, &labels))
    };
    let months_in: Vec<Month> = start.through(end);
    let by_month: Vec<(String, crate::domain::outcome::Figures)> = months_in
        .iter()
        .map(|m| {
            let key = m.key();
            let f = monthly
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            (key, f)
        })
        .collect();
    let chart_table = breakdown_table(t, o.by_month, &by_month, &[]);
    let recovery: Vec<Option<f64>> = by_month
        .iter()
        .map(|(_, f)| f.recovery().percent.map(|p| p as f64))
        .collect();
    let improvement: Vec<Option<f64>> = by_month
        .iter()
        .map(|(_, f)| f.reliable_improvement().percent.map(|p| p as f64))
        .collect();
    let month_labels: Vec<String> = by_month.iter().map(|(k, _)| k.clone()).collect();
    let chart = charts::rates(&charts::Rates {
        labels: &month_labels,
        series: &[(o.figures[5].0, &recovery), (o.figures[6].0, &improvement)],
        y_label: "%",
    });
    let mut months: Vec<(String, String)> = first_month
        .through(this_month)
        .into_iter()
        .map(|m| (m.key(), m.key()))
        .collect();
    months.reverse();
    Ok(FiguresView {
        register_format: crate::server::register::FORMATS[0].name().to_owned(),
        title,
        cohort,
        from: start.key(),
        to: end.key(),
        by: match by {
            Breakdown::Municipality => "municipality",
            Breakdown::Course => "course",
            Breakdown::Cohort => "cohort",
            _ => "month",
        }
        .to_owned(),
        months,
        breakdowns: [
            ("month", o.by_month),
            ("municipality", o.by_municipality),
            ("course", o.by_course),
            ("cohort", o.by_cohort),
        ]
        .into_iter()
        .filter(|(key, _)| cohort.is_none() || *key != "cohort")
        .map(|(k, l)| (k.to_owned(), l.to_owned()))
        .collect(),
        lines,
        breakdown,
        notice,
        chart,
        chart_table,
        definitions: FIGURES
            .iter()
            .zip(o.figures.iter())
            .map(|(anchor, (term, text))| {
                ((*anchor).to_owned(), (*term).to_owned(), (*text).to_owned())
            })
            .collect(),
    })
}

fn by_label(t: &Texts, by: crate::server::episodes::Breakdown) -> &'static str {
    use crate::server::episodes::Breakdown;
    let o = t.outcome;
    match by {
        Breakdown::Municipality => o.by_municipality,
        Breakdown::Course => o.by_course,
        Breakdown::Cohort => o.by_cohort,
        Breakdown::Month | Breakdown::Total => o.by_month,
    }
}

fn cell(t: &Texts, c: Cell) -> String {
    match c {
        Cell::Count(n) => n.to_string(),
        Cell::Suppressed => t.outcome.suppressed.to_owned(),
    }
}

fn rate(t: &Texts, r: Rate) -> String {
    if r.of == Cell::Count(0) {
        return "–".to_owned();
    }
    match r.percent {
        Some(percent) => t
            .outcome
            .rate
            .replace("{count}", &cell(t, r.count))
            .replace("{of}", &cell(t, r.of))
            .replace("{percent}", &percent.to_string()),
        None => format!("{} / {}", cell(t, r.count), cell(t, r.of)),
    }
}

fn days(t: &Texts, d: Option<i64>) -> String {
    match d {
        Some(d) => t.outcome.days.replace("{days}", &d.to_string()),
        None => t.outcome.suppressed.to_owned(),
    }
}

/// Each figure of a group, as shown (in [`FIGURES`] order).
fn figure_values(t: &Texts, f: &Figures) -> [String; 12] {
    [
        cell(t, shown(f.referrals)),
        rate(t, Rate::new(f.entered_treatment, f.referrals)),
        rate(t, Rate::new(f.finished, f.ended)),
        rate(t, f.drop_out()),
        cell(t, shown(f.case_at_start)),
        rate(t, f.recovery()),
        rate(t, f.reliable_improvement()),
        rate(t, f.reliable_deterioration()),
        rate(t, f.reliable_recovery()),
        days(t, f.mean_days_to_assessment()),
        days(t, f.mean_days_to_treatment()),
        format!(
            "{} · {}",
            rate(t, f.within_6_weeks()),
            rate(t, f.within_18_weeks())
        ),
    ]
}

fn figure_lines(t: &Texts, f: &Figures) -> Vec<FigureLine> {
    FIGURES
        .iter()
        .zip(t.outcome.figures.iter())
        .zip(figure_values(t, f))
        .map(|((anchor, (term, _)), value)| FigureLine {
            anchor: (*anchor).to_owned(),
            term: (*term).to_owned(),
            value,
        })
        .collect()
}

/// A row per group with its main figures; the referral counts suppressed across the
/// rows so none can be worked out from the total.
fn breakdown_table(
    t: &Texts,
    caption: &str,
    rows: &[(String, Figures)],
    labels: &[(String, String)],
) -> BreakdownTable {
    let o = t.outcome;
    let counts: Vec<u64> = rows.iter().map(|(_, f)| f.referrals).collect();
    let shown_counts = shown_breakdown(&counts);
    BreakdownTable {
        caption: caption.to_owned(),
        columns: [0, 1, 2, 5, 6, 7, 3]
            .iter()
            .map(|i| o.figures[*i].0.to_owned())
            .collect(),
        rows: rows
            .iter()
            .zip(shown_counts)
            .map(|((key, f), count)| {
                let label = if key.is_empty() {
                    o.none_key.to_owned()
                } else {
                    labels
                        .iter()
                        .find(|(k, _)| k == key)
                        .map(|(_, l)| l.clone())
                        .unwrap_or_else(|| key.clone())
                };
                // A row whose count is hidden hides its rates too.
                let hidden = count == Cell::Suppressed;
                let or_hidden = |s: String| if hidden { o.suppressed.to_owned() } else { s };
                (
                    label,
                    vec![
                        cell(t, count),
                        or_hidden(rate(t, Rate::new(f.entered_treatment, f.referrals))),
                        or_hidden(rate(t, Rate::new(f.finished, f.ended))),
                        or_hidden(rate(t, f.recovery())),
                        or_hidden(rate(t, f.reliable_improvement())),
                        or_hidden(rate(t, f.reliable_deterioration())),
                        or_hidden(rate(t, f.drop_out())),
                    ],
                )
            })
            .collect(),
    }
}
