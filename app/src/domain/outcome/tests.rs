//! The outcome rules against the published definitions, with the shipped instruments'
//! thresholds (read from their definition files, not written here).

use super::figures::{shown, shown_breakdown};
use super::*;
use crate::domain::questionnaire::{Definition, OutcomeRole};

const DAY: i64 = 86_400;

fn measure(name: &str) -> Measure {
    let text = match name {
        "phq9" => include_str!("../../../../seeds/questionnaires/phq9.toml"),
        "gad7" => include_str!("../../../../seeds/questionnaires/gad7.toml"),
        "wsas" => include_str!("../../../../seeds/questionnaires/wsas.toml"),
        other => panic!("no such instrument {other}"),
    };
    let definition: Definition = toml::from_str(text).expect("parses");
    definition.validate().expect("valid");
    Measure::of(&definition).expect("an outcome measure")
}

fn measures() -> Vec<Measure> {
    vec![measure("phq9"), measure("gad7")]
}

fn scored(instrument: &str, day: i64, total: f64) -> Scored {
    Scored {
        instrument: instrument.into(),
        total: Some(total),
        at: day * DAY,
    }
}

/// A finished episode (two sessions) with these scores.
fn finished(scores: Vec<Scored>) -> Episode {
    Episode {
        treatment_sessions: vec![10 * DAY, 17 * DAY],
        ended: true,
        scores,
    }
}

#[test]
fn the_thresholds_come_from_the_definitions() {
    let phq9 = measure("phq9");
    let gad7 = measure("gad7");
    assert_eq!(
        (phq9.role, phq9.caseness, phq9.reliable_change),
        (OutcomeRole::Depression, 10, 6)
    );
    assert_eq!(
        (gad7.role, gad7.caseness, gad7.reliable_change),
        (OutcomeRole::Anxiety, 8, 4)
    );
    let wsas: Definition =
        toml::from_str(include_str!("../../../../seeds/questionnaires/wsas.toml")).unwrap();
    assert_eq!(Measure::of(&wsas), None, "WSAS is not an outcome measure");
}

#[test]
fn caseness_is_at_or_above_the_cut_off() {
    let (phq9, gad7) = (measure("phq9"), measure("gad7"));
    assert!(!phq9.is_case(9.0) && phq9.is_case(10.0));
    assert!(!gad7.is_case(7.0) && gad7.is_case(8.0));
}

#[test]
fn a_prorated_total_counts_rounded_half_up() {
    let phq9 = measure("phq9");
    assert!(phq9.is_case(9.5), "9.5 is 10 rounded");
    assert!(!phq9.is_case(9.4));
    // A fall from 15.5 (16) to 10.4 (10) is 6: reliable.
    let o = outcome(
        &finished(vec![
            scored("phq9", 1, 15.5),
            scored("phq9", 20, 10.4),
            scored("gad7", 1, 5.0),
            scored("gad7", 20, 5.0),
        ]),
        &measures(),
    );
    assert_eq!(o.change, Some(ReliableChange::Improvement));
}

#[test]
fn recovery_is_from_caseness_at_the_start_to_caseness_on_neither_at_the_end() {
    let o = outcome(
        &finished(vec![
            scored("phq9", 1, 16.0),
            scored("gad7", 1, 12.0),
            scored("phq9", 10, 12.0),
            scored("gad7", 10, 10.0),
            scored("phq9", 20, 8.0),
            scored("gad7", 20, 6.0),
        ]),
        &measures(),
    );
    assert!(o.finished && o.paired);
    assert_eq!(o.case_at_start, Some(true));
    assert_eq!(o.recovered, Some(true));
    assert_eq!(o.change, Some(ReliableChange::Improvement));
    assert_eq!(o.reliable_recovery, Some(true));
    assert_eq!(o.pairs.len(), 2);
    assert_eq!(
        (o.pairs[0].first, o.pairs[0].last),
        (16.0, 8.0),
        "first and last, not the middle"
    );
}

#[test]
fn a_person_at_caseness_on_one_measure_only_is_a_case_and_must_leave_it_on_both() {
    // Depression below its cut-off, anxiety above: a case.
    let start = vec![scored("phq9", 1, 7.0), scored("gad7", 1, 11.0)];
    let mut scores = start.clone();
    scores.extend([scored("phq9", 20, 6.0), scored("gad7", 20, 7.0)]);
    let o = outcome(&finished(scores), &measures());
    assert_eq!(o.case_at_start, Some(true));
    assert_eq!(o.recovered, Some(true));
    assert_eq!(
        o.change,
        Some(ReliableChange::Improvement),
        "GAD-7 fell by 4"
    );

    // Anxiety leaves caseness, but depression rises to it: not recovered.
    let mut scores = start;
    scores.extend([scored("phq9", 20, 10.0), scored("gad7", 20, 7.0)]);
    let o = outcome(&finished(scores), &measures());
    assert_eq!(o.recovered, Some(false));
    assert_eq!(o.reliable_recovery, Some(false));
}

#[test]
fn a_person_not_at_caseness_at_the_start_is_outside_recovery_but_inside_reliable_change() {
    let o = outcome(
        &finished(vec![
            scored("phq9", 1, 9.0),
            scored("gad7", 1, 7.0),
            scored("phq9", 20, 15.0),
            scored("gad7", 20, 7.0),
        ]),
        &measures(),
    );
    assert_eq!(o.case_at_start, Some(false));
    assert_eq!(o.recovered, None);
    assert_eq!(o.reliable_recovery, None);
    assert_eq!(o.change, Some(ReliableChange::Deterioration));
}

#[test]
fn reliable_change_needs_the_threshold_and_no_opposite_change_on_the_other_measure() {
    let with = |phq9: (f64, f64), gad7: (f64, f64)| {
        outcome(
            &finished(vec![
                scored("phq9", 1, phq9.0),
                scored("phq9", 20, phq9.1),
                scored("gad7", 1, gad7.0),
                scored("gad7", 20, gad7.1),
            ]),
            &measures(),
        )
        .change
    };
    assert_eq!(
        with((20.0, 15.0), (12.0, 9.0)),
        Some(ReliableChange::NoChange),
        "5 and 3: under both thresholds"
    );
    assert_eq!(
        with((20.0, 14.0), (12.0, 12.0)),
        Some(ReliableChange::Improvement),
        "6 on PHQ-9"
    );
    assert_eq!(
        with((20.0, 20.0), (12.0, 8.0)),
        Some(ReliableChange::Improvement),
        "4 on GAD-7"
    );
    assert_eq!(
        with((20.0, 14.0), (8.0, 12.0)),
        Some(ReliableChange::NoChange),
        "better on one, worse on the other"
    );
    assert_eq!(
        with((10.0, 16.0), (8.0, 10.0)),
        Some(ReliableChange::Deterioration)
    );
    assert_eq!(
        with((10.0, 16.0), (12.0, 9.0)),
        Some(ReliableChange::Deterioration),
        "a fall of 3 is no reliable improvement"
    );
}

#[test]
fn a_missing_last_score_leaves_the_episode_out_of_the_outcome_figures() {
    let o = outcome(
        &finished(vec![
            scored("phq9", 1, 16.0),
            scored("gad7", 1, 12.0),
            scored("phq9", 20, 5.0),
        ]),
        &measures(),
    );
    assert!(o.finished);
    assert_eq!(o.case_at_start, Some(true));
    assert!(!o.paired, "GAD-7 has no last score");
    assert_eq!(
        (o.recovered, o.change, o.reliable_recovery),
        (None, None, None)
    );

    // A score with too many items missing has no total: it is no last score either.
    let mut e = finished(vec![scored("phq9", 1, 16.0)]);
    e.scores.push(Scored {
        instrument: "phq9".into(),
        total: None,
        at: 20 * DAY,
    });
    let o = outcome(&e, &measures());
    assert!(!o.paired && o.pairs.is_empty());
}

#[test]
fn one_session_only_is_a_drop_out_not_a_finished_course() {
    let mut e = finished(vec![scored("phq9", 1, 16.0), scored("phq9", 20, 4.0)]);
    e.treatment_sessions = vec![10 * DAY];
    let o = outcome(&e, &measures());
    assert!(o.entered_treatment && !o.finished && o.dropped_out);
    assert_eq!(o.recovered, None);

    // The same session attended twice (a room left and joined again) is one.
    e.treatment_sessions = vec![10 * DAY, 10 * DAY];
    assert!(!outcome(&e, &measures()).finished);

    // Not ended yet: neither finished nor dropped out.
    e.treatment_sessions = vec![10 * DAY, 17 * DAY];
    e.ended = false;
    let o = outcome(&e, &measures());
    assert!(!o.finished && !o.dropped_out);
}

#[test]
fn a_single_measure_is_enough_when_only_one_was_taken() {
    let o = outcome(
        &finished(vec![scored("phq9", 1, 12.0), scored("phq9", 20, 6.0)]),
        &measures(),
    );
    assert!(o.paired);
    assert_eq!(o.recovered, Some(true));
    assert_eq!(o.reliable_recovery, Some(true));
}

#[test]
fn no_outcome_measure_means_no_caseness() {
    let o = outcome(&finished(vec![scored("wsas", 1, 30.0)]), &measures());
    assert_eq!(o.case_at_start, None);
    assert!(!o.paired);
}

#[test]
fn waiting_times_count_from_the_referral_received() {
    let w = Waits::new(100 * DAY, Some(110 * DAY), Some(100 * DAY + 42 * DAY));
    assert_eq!(w.to_assessment, Some(10 * DAY));
    assert_eq!(
        w.treated_within(WEEKS_SOON),
        Some(true),
        "the 42nd day is within six weeks"
    );
    let late = Waits::new(0, None, Some(42 * DAY + 1));
    assert_eq!(late.treated_within(WEEKS_SOON), Some(false));
    assert_eq!(late.treated_within(WEEKS_LONGEST), Some(true));
    assert_eq!(Waits::new(0, None, None).treated_within(WEEKS_SOON), None);
    assert_eq!(
        Waits::new(10, Some(5), None).to_assessment,
        Some(0),
        "never negative"
    );
    assert_eq!(weeks_waited(45 * DAY), 6);
}

#[test]
fn small_numbers_are_shown_as_under_five() {
    assert_eq!(shown(0), Cell::Count(0));
    assert_eq!(shown(4), Cell::Suppressed);
    assert_eq!(shown(5), Cell::Count(5));
    // 7 of 20: both shown, 35 %.
    assert_eq!(
        Rate::new(7, 20),
        Rate {
            count: Cell::Count(7),
            of: Cell::Count(20),
            percent: Some(35)
        }
    );
    // 3 of 20: the part is under five.
    assert_eq!(Rate::new(3, 20).count, Cell::Suppressed);
    assert_eq!(Rate::new(3, 20).percent, None);
    // 17 of 20: the three who did not could be worked out.
    assert_eq!(Rate::new(17, 20).count, Cell::Suppressed);
    // 4 of 4: the whole is under five.
    assert_eq!(
        Rate::new(4, 4),
        Rate {
            count: Cell::Suppressed,
            of: Cell::Suppressed,
            percent: None
        }
    );
    // All of a shown whole, and none of it, name nobody apart.
    assert_eq!(Rate::new(12, 12).percent, Some(100));
    assert_eq!(Rate::new(0, 12).percent, Some(0));
}

#[test]
fn a_breakdown_never_leaves_one_suppressed_cell_to_be_worked_out_from_the_total() {
    assert_eq!(
        shown_breakdown(&[3, 10, 7]),
        vec![Cell::Suppressed, Cell::Count(10), Cell::Suppressed]
    );
    assert_eq!(
        shown_breakdown(&[3, 2, 9]),
        vec![Cell::Suppressed, Cell::Suppressed, Cell::Count(9)]
    );
    assert_eq!(
        shown_breakdown(&[6, 9]),
        vec![Cell::Count(6), Cell::Count(9)]
    );
}

#[test]
fn the_figures_add_up_episodes_and_merge() {
    let ms = measures();
    let recovered = outcome(
        &finished(vec![scored("phq9", 1, 16.0), scored("phq9", 20, 5.0)]),
        &ms,
    );
    let worse = outcome(
        &finished(vec![scored("phq9", 1, 11.0), scored("phq9", 20, 18.0)]),
        &ms,
    );
    let mut dropped = finished(vec![scored("phq9", 1, 16.0)]);
    dropped.treatment_sessions.truncate(1);
    let dropped = outcome(&dropped, &ms);
    let waits = Waits::new(0, Some(7 * DAY), Some(30 * DAY));
    let mut a = Figures::default();
    for _ in 0..6 {
        a.add(&recovered, &waits, true);
    }
    let mut b = Figures::default();
    for _ in 0..5 {
        b.add(
            &worse,
            &Waits::new(0, Some(21 * DAY), Some(140 * DAY)),
            true,
        );
        b.add(
            &dropped,
            &Waits::new(0, Some(21 * DAY), Some(10 * DAY)),
            true,
        );
    }
    a.merge(&b);
    assert_eq!(a.referrals, 16);
    assert_eq!((a.finished, a.dropped_out, a.ended), (11, 5, 16));
    assert_eq!(
        a.recovery(),
        Rate {
            count: Cell::Count(6),
            of: Cell::Count(11),
            percent: Some(55)
        }
    );
    assert_eq!(a.reliable_improvement().count, Cell::Count(6));
    assert_eq!(a.reliable_deterioration().count, Cell::Count(5));
    assert_eq!(a.reliable_recovery().percent, Some(55));
    assert_eq!(a.drop_out().percent, Some(31));
    assert_eq!(
        a.within_6_weeks().count,
        Cell::Count(11),
        "6 at 30 days and 5 at 10"
    );
    assert_eq!(
        a.within_18_weeks().count,
        Cell::Count(11),
        "the 5 at 20 weeks are outside"
    );
    assert_eq!(
        a.mean_days_to_assessment(),
        Some((6 * 7 + 10 * 21 + 8) / 16)
    );
}
