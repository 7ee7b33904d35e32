//! FHIR R4 (4.0.1) export: each instrument as a `Questionnaire`, each stored answer set
//! as a `QuestionnaireResponse`, with LOINC codes where they exist and the total score.

use serde_json::{json, Value};

use super::referrals::StoredResponse;
use crate::domain::clock::format_rfc3339_utc;
use crate::domain::language::Lang;
use crate::domain::national_id::NationalId;
use crate::domain::questionnaire::{Answer, Definition};

const LOINC: &str = "http://loinc.org";
/// Norwegian national identity numbers and D-numbers (Volven OIDs).
const FNR_SYSTEM: &str = "urn:oid:2.16.578.1.12.4.1.4.1";
const DNR_SYSTEM: &str = "urn:oid:2.16.578.1.12.4.1.4.2";
/// The link id of the total score item.
pub const TOTAL_LINK_ID: &str = "total";
const NOT_APPLICABLE: &str = "na";

/// Where one stored answer set is exported on its own.
pub fn questionnaire_response_url(public_url: &str, id: i64) -> String {
    format!("{public_url}/fhir/QuestionnaireResponse/{id}")
}

/// The canonical URL of an instrument.
pub fn questionnaire_url(public_url: &str, definition: &Definition) -> String {
    format!("{public_url}/fhir/Questionnaire/{}", definition.id)
}

fn loinc(code: &Option<String>) -> Option<Value> {
    code.as_ref()
        .map(|c| json!([{ "system": LOINC, "code": c }]))
}

/// The instrument in bokmål (the language of the service), as a FHIR `Questionnaire`.
pub fn questionnaire(public_url: &str, d: &Definition) -> Value {
    let lang = Lang::Nb;
    let mut items: Vec<Value> = d
        .items
        .iter()
        .map(|item| {
            let mut options: Vec<Value> = d
                .options_of(item)
                .iter()
                .map(|o| json!({ "valueCoding": { "code": o.value.to_string(), "display": o.label.get(lang) } }))
                .collect();
            if item.not_applicable {
                options.push(json!({ "valueCoding": { "code": NOT_APPLICABLE, "display": "Gjelder ikke" } }));
            }
            let mut v = json!({
                "linkId": item.id,
                "text": item.text.get(lang),
                "type": "choice",
                "required": true,
                "answerOption": options,
            });
            if let Some(code) = loinc(&item.loinc) {
                v["code"] = code;
            }
            v
        })
        .collect();
    if d.scoring.total {
        let mut total = json!({
            "linkId": TOTAL_LINK_ID,
            "text": "Sum",
            "type": "decimal",
            "readOnly": true,
        });
        if let Some(code) = loinc(&d.loinc_total) {
            total["code"] = code;
        }
        items.push(total);
    }
    let name: String =
        d.id.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_uppercase();
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": d.id,
        "url": questionnaire_url(public_url, d),
        "version": d.version,
        "name": name,
        "title": d.title.get(lang),
        "status": "active",
        "description": d.instructions.get(lang),
        "copyright": d.licence,
        "item": items,
    });
    if let Some(code) = loinc(&d.loinc) {
        q["code"] = code;
    }
    q
}

/// A stored answer set as a FHIR `QuestionnaireResponse`, with the person's national
/// identity number as the subject.
pub fn questionnaire_response(
    public_url: &str,
    d: &Definition,
    response: &StoredResponse,
    national_id: &str,
) -> Value {
    let lang = Lang::Nb;
    let mut items: Vec<Value> = d
        .items
        .iter()
        .filter_map(|item| {
            let coding = match response.answers.get(&item.id)? {
                Answer::Value(v) => {
                    let label = d
                        .options_of(item)
                        .iter()
                        .find(|o| o.value == *v)
                        .map(|o| o.label.get(lang).to_owned())
                        .unwrap_or_default();
                    json!({ "code": v.to_string(), "display": label })
                }
                Answer::NotApplicable => {
                    json!({ "code": NOT_APPLICABLE, "display": "Gjelder ikke" })
                }
            };
            Some(json!({
                "linkId": item.id,
                "text": item.text.get(lang),
                "answer": [{ "valueCoding": coding }],
            }))
        })
        .collect();
    if let Some(total) = response.score.total {
        items.push(json!({
            "linkId": TOTAL_LINK_ID,
            "text": "Sum",
            "answer": [{ "valueDecimal": total }],
        }));
    }
    let system = match NationalId::parse(national_id) {
        Ok(id) if id.is_d_number() => DNR_SYSTEM,
        _ => FNR_SYSTEM,
    };
    json!({
        "resourceType": "QuestionnaireResponse",
        "id": response.id.to_string(),
        "questionnaire": format!("{}|{}", questionnaire_url(public_url, d), response.version),
        "status": "completed",
        "subject": { "identifier": { "system": system, "value": national_id } },
        "authored": format_rfc3339_utc(response.answered_at),
        "item": items,
    })
}

/// Several of a person's answer sets as one FHIR `Bundle` of type `collection` (a set
/// of resources kept together, not a transaction for a server to apply), each entry
/// under the address it is exported at on its own.
pub fn bundle(public_url: &str, responses: Vec<Value>, at: i64) -> Value {
    let entries: Vec<Value> = responses
        .into_iter()
        .map(|resource| {
            let id = resource["id"]
                .as_str()
                .and_then(|id| id.parse().ok())
                .unwrap_or(0);
            json!({
                "fullUrl": questionnaire_response_url(public_url, id),
                "resource": resource,
            })
        })
        .collect();
    let mut bundle = json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": format_rfc3339_utc(at),
    });
    // FHIR's JSON has no empty arrays: a bundle of nothing has no `entry`.
    if !entries.is_empty() {
        bundle["entry"] = Value::Array(entries);
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_of_nothing_has_no_empty_entry_array() {
        let empty = bundle("https://rph.example", Vec::new(), 0);
        assert_eq!(empty["type"], "collection");
        assert!(empty.get("entry").is_none(), "{empty}");
        let one = bundle(
            "https://rph.example",
            vec![json!({ "resourceType": "QuestionnaireResponse", "id": "7" })],
            0,
        );
        assert_eq!(
            one["entry"][0]["fullUrl"],
            "https://rph.example/fhir/QuestionnaireResponse/7"
        );
    }
}
