//! Every shipped instrument, scored at its edges.

use std::collections::BTreeMap;

use super::*;

fn load(name: &str) -> Definition {
    let text = match name {
        "phq9" => include_str!("../../../../seeds/questionnaires/phq9.toml"),
        "gad7" => include_str!("../../../../seeds/questionnaires/gad7.toml"),
        "wsas" => include_str!("../../../../seeds/questionnaires/wsas.toml"),
        "phobia" => include_str!("../../../../seeds/questionnaires/phobia.toml"),
        "audit" => include_str!("../../../../seeds/questionnaires/audit.toml"),
        other => panic!("no such instrument {other}"),
    };
    let definition: Definition = toml::from_str(text).expect("parses");
    definition.validate().expect("valid");
    definition
}

/// Answers by position: `Some(v)` is a value, `None` leaves the item out.
fn answers(definition: &Definition, values: &[Option<i32>]) -> BTreeMap<String, Answer> {
    assert_eq!(values.len(), definition.items.len());
    definition
        .items
        .iter()
        .zip(values)
        .filter_map(|(item, v)| v.map(|v| (item.id.clone(), Answer::Value(v))))
        .collect()
}

fn all(definition: &Definition, value: i32) -> BTreeMap<String, Answer> {
    answers(definition, &vec![Some(value); definition.items.len()])
}

/// Answers whose sum is exactly `total`, filling items from the first, each up to `max`.
fn summing_to(definition: &Definition, total: i32, max: i32) -> BTreeMap<String, Answer> {
    let mut left = total;
    let values: Vec<Option<i32>> = definition
        .items
        .iter()
        .map(|_| {
            let v = left.min(max);
            left -= v;
            Some(v)
        })
        .collect();
    assert_eq!(left, 0, "{total} does not fit");
    answers(definition, &values)
}

fn scored(definition: &Definition, answers: &BTreeMap<String, Answer>) -> Score {
    score(definition, answers).expect("answers fit")
}

fn band_at(definition: &Definition, total: i32, max: i32) -> String {
    let s = scored(definition, &summing_to(definition, total, max));
    assert_eq!(s.total, Some(f64::from(total)));
    s.band.expect("a band")
}

#[test]
fn phq9_lowest_highest_bands_caseness_and_risk() {
    let d = load("phq9");
    let low = scored(&d, &all(&d, 0));
    assert_eq!(low.total, Some(0.0));
    assert_eq!(low.band.as_deref(), Some("minimal"));
    assert_eq!(low.case, Some(false));
    assert!(!low.has_risk());
    let high = scored(&d, &all(&d, 3));
    assert_eq!(high.total, Some(27.0));
    assert_eq!(high.band.as_deref(), Some("severe"));
    assert_eq!(high.case, Some(true));
    assert_eq!(high.risk_items, vec!["9".to_owned()]);
    for (total, band) in [
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
    ] {
        assert_eq!(band_at(&d, total, 3), band, "total {total}");
    }
    assert_eq!(scored(&d, &summing_to(&d, 9, 3)).case, Some(false));
    assert_eq!(scored(&d, &summing_to(&d, 10, 3)).case, Some(true));
}

#[test]
fn phq9_item_9_is_a_risk_at_any_answer_above_0() {
    let d = load("phq9");
    for value in 0..=3 {
        let mut values = vec![Some(0); 9];
        values[8] = Some(value);
        let s = scored(&d, &answers(&d, &values));
        assert_eq!(s.has_risk(), value > 0, "item 9 answered {value}");
    }
    // A risk answer on item 9 is found even when the total is low.
    let mut values = vec![Some(0); 9];
    values[8] = Some(1);
    assert_eq!(
        scored(&d, &answers(&d, &values)).band.as_deref(),
        Some("minimal")
    );
}

#[test]
fn phq9_one_missing_item_is_prorated_two_give_no_score() {
    let d = load("phq9");
    let mut values = vec![Some(2); 9];
    values[0] = None;
    let s = scored(&d, &answers(&d, &values));
    assert_eq!(s.total, Some(18.0));
    assert_eq!(s.missing, 1);
    values[1] = None;
    let s = scored(&d, &answers(&d, &values));
    assert_eq!(s.total, None);
    assert_eq!(s.band, None);
    assert_eq!(s.case, None);
}

#[test]
fn gad7_lowest_highest_bands_and_caseness() {
    let d = load("gad7");
    assert_eq!(scored(&d, &all(&d, 0)).total, Some(0.0));
    let high = scored(&d, &all(&d, 3));
    assert_eq!(high.total, Some(21.0));
    assert_eq!(high.band.as_deref(), Some("severe"));
    for (total, band) in [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ] {
        assert_eq!(band_at(&d, total, 3), band, "total {total}");
    }
    assert_eq!(scored(&d, &summing_to(&d, 7, 3)).case, Some(false));
    assert_eq!(scored(&d, &summing_to(&d, 8, 3)).case, Some(true));
    assert!(!high.has_risk(), "GAD-7 has no risk item");
}

#[test]
fn wsas_items_run_0_to_8_with_bands_below_10_10_to_20_above_20() {
    let d = load("wsas");
    assert_eq!(scored(&d, &all(&d, 0)).total, Some(0.0));
    let high = scored(&d, &all(&d, 8));
    assert_eq!(high.total, Some(40.0));
    assert_eq!(high.band.as_deref(), Some("severe"));
    for (total, band) in [
        (9, "subclinical"),
        (10, "significant"),
        (20, "significant"),
        (21, "severe"),
    ] {
        assert_eq!(band_at(&d, total, 8), band, "total {total}");
    }
    // An answer outside 0–8 is refused.
    let mut wrong = all(&d, 0);
    wrong.insert("2".into(), Answer::Value(9));
    assert!(score(&d, &wrong).is_err());
}

#[test]
fn wsas_work_not_applicable_is_replaced_by_the_mean_of_the_others() {
    let d = load("wsas");
    let mut a = answers(&d, &[None, Some(4), Some(6), Some(2), Some(4)]);
    a.insert("1".into(), Answer::NotApplicable);
    let s = scored(&d, &a);
    // The others sum to 16 with mean 4: 16 + 4 = 20.
    assert_eq!(s.total, Some(20.0));
    assert_eq!(s.band.as_deref(), Some("significant"));
    // A mean that is not whole: 5+5+5+6 = 21, mean 5.25, total 26.25 → 26.3.
    let mut a = answers(&d, &[None, Some(5), Some(5), Some(5), Some(6)]);
    a.insert("1".into(), Answer::NotApplicable);
    assert_eq!(scored(&d, &a).total, Some(26.3));
    // Only the work item may be "not applicable".
    let mut a = all(&d, 1);
    a.insert("3".into(), Answer::NotApplicable);
    assert!(score(&d, &a).is_err());
}

#[test]
fn wsas_more_than_one_missing_item_gives_no_score() {
    let d = load("wsas");
    let mut a = answers(&d, &[None, None, Some(6), Some(2), Some(4)]);
    a.insert("1".into(), Answer::NotApplicable);
    let s = scored(&d, &a);
    assert_eq!(s.total, None);
    assert_eq!(s.band, None);
    assert_eq!(s.missing, 2);
}

#[test]
fn phobia_scales_score_each_item_on_its_own_without_a_total() {
    let d = load("phobia");
    let s = scored(&d, &answers(&d, &[Some(0), Some(4), Some(8)]));
    assert_eq!(s.total, None, "the phobia scales have no total");
    assert_eq!(s.band, None);
    let by_id: BTreeMap<&str, &SubscaleScore> = s
        .subscales
        .iter()
        .map(|sub| (sub.id.as_str(), sub))
        .collect();
    assert_eq!(by_id["social"].score, Some(0.0));
    assert_eq!(by_id["social"].case, Some(false));
    assert_eq!(by_id["panic"].score, Some(4.0));
    assert_eq!(by_id["panic"].case, Some(true));
    assert_eq!(by_id["specific"].score, Some(8.0));
    let all_low = scored(&d, &all(&d, 0));
    assert!(all_low.subscales.iter().all(|sub| sub.score == Some(0.0)));
    // A missing item leaves its own scale without a score, not the others.
    let s = scored(&d, &answers(&d, &[Some(3), None, Some(1)]));
    assert_eq!(s.subscales[1].score, None);
    assert_eq!(s.subscales[0].score, Some(3.0));
}

#[test]
fn audit_items_9_and_10_score_0_2_or_4() {
    let d = load("audit");
    let low = scored(&d, &all(&d, 0));
    assert_eq!(low.total, Some(0.0));
    assert_eq!(low.band.as_deref(), Some("zone1"));
    let high = scored(&d, &all(&d, 4));
    assert_eq!(high.total, Some(40.0));
    assert_eq!(high.band.as_deref(), Some("zone4"));
    assert_eq!(d.max_total(), 40);
    let mut odd = all(&d, 0);
    odd.insert("9".into(), Answer::Value(1));
    assert!(score(&d, &odd).is_err(), "1 is not an answer to item 9");
    odd.insert("9".into(), Answer::Value(3));
    assert!(score(&d, &odd).is_err(), "3 is not an answer to item 9");
    odd.insert("9".into(), Answer::Value(2));
    assert_eq!(scored(&d, &odd).total, Some(2.0));
}

#[test]
fn audit_zones_and_no_missing_items() {
    let d = load("audit");
    for (total, zone) in [
        (7, "zone1"),
        (8, "zone2"),
        (15, "zone2"),
        (16, "zone3"),
        (19, "zone3"),
        (20, "zone4"),
    ] {
        assert_eq!(band_at(&d, total, 4), zone, "total {total}");
    }
    assert_eq!(scored(&d, &summing_to(&d, 7, 4)).case, Some(false));
    assert_eq!(scored(&d, &summing_to(&d, 8, 4)).case, Some(true));
    let mut a = all(&d, 4);
    a.remove("10");
    assert_eq!(
        scored(&d, &a).total,
        None,
        "an incomplete AUDIT has no score"
    );
}

#[test]
fn a_broken_definition_names_its_field() {
    let mut d = load("gad7");
    d.items[2].options = "nope".into();
    let e = d.validate().unwrap_err();
    assert_eq!(e.field, "items[2].options");

    let mut d = load("phq9");
    d.bands[2].min = 3;
    assert_eq!(d.validate().unwrap_err().field, "bands[2].min");

    let mut d = load("phq9");
    d.items[8].risk_above = Some(3);
    assert_eq!(d.validate().unwrap_err().field, "items[8].risk_above");

    let mut d = load("wsas");
    d.title.nn = " ".into();
    assert_eq!(d.validate().unwrap_err().field, "title.nn");

    let mut d = load("audit");
    d.scoring.caseness = Some(41);
    assert_eq!(d.validate().unwrap_err().field, "scoring.caseness");

    let mut d = load("phobia");
    d.scoring.subscales[0].items = vec!["x".into()];
    assert_eq!(
        d.validate().unwrap_err().field,
        "scoring.subscales[0].items"
    );

    let unknown = toml::from_str::<Definition>("id = \"x\"\nsurprise = 1\n");
    assert!(unknown.is_err(), "unknown fields are refused");
}
