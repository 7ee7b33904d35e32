//! A labelled form field that shows its own problem and keeps what was typed.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{problem_label, use_texts, Texts};

/// One input (or text area) with its label, an optional hint, and the problem the last
/// submission had with it, tied together for screen readers.
#[component]
pub fn Field(
    /// The input's `name`, as the server function calls the argument.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    /// A text area of this many rows instead of a one-line input.
    #[prop(optional)]
    rows: Option<u32>,
    /// Restore the typed value after a failed submission without JavaScript
    /// (never for passwords).
    #[prop(optional)]
    keep: bool,
    /// What the field holds before anything is typed (a thing being edited).
    #[prop(optional, into)]
    value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let problem = move || error.get().and_then(|e| e.field_problem(name));
    let initial = StoredValue::new(value);
    let value = move || {
        keep.then(|| error.get().and_then(|e| e.kept_value(name)))
            .flatten()
            .unwrap_or_else(|| initial.get_value())
    };
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&hint_id, hint.is_some(), &error_id, problem().is_some())
    };
    view! {
        <div class="field" class:invalid=move || problem().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {
                let error_id = error_id.clone();
                move || problem().map(|p| view! { <p class="field-error" id=error_id.clone()>{problem_label(t, p)}</p> })
            }
            {match rows {
                Some(rows) => view! {
                    <textarea
                        id=id.clone()
                        name=name
                        rows=rows
                        prop:value=value
                        aria-invalid=move || problem().map(|_| "true")
                        aria-describedby=described_by
                    >
                        {value}
                    </textarea>
                }
                .into_any(),
                None => view! {
                    <input
                        id=id.clone()
                        name=name
                        type=kind
                        autocomplete=autocomplete
                        inputmode=inputmode
                        value=value
                        aria-invalid=move || problem().map(|_| "true")
                        aria-describedby=described_by
                    />
                }
                .into_any(),
            }}
        </div>
    }
}

/// The `aria-describedby` of a field: its hint and its problem, when shown.
pub(crate) fn described_by(
    hint_id: &str,
    has_hint: bool,
    error_id: &str,
    has_problem: bool,
) -> Option<String> {
    let ids: Vec<&str> = [(has_hint, hint_id), (has_problem, error_id)]
        .into_iter()
        .filter_map(|(shown, id)| shown.then_some(id))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled select, its problem said at it, the typed choice kept; `empty` is the
/// label of a first option with no value.
pub fn select_field(
    t: &'static Texts,
    name: &'static str,
    label: &'static str,
    default: Option<String>,
    options: Vec<(String, String)>,
    empty: Option<&'static str>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let problem = move || error.get().and_then(|e| e.field_problem(name));
    let kept = move || error.get().and_then(|e| e.kept_value(name));
    view! {
        <div class="field" class:invalid=move || problem().is_some()>
            <label for=id.clone()>{label}</label>
            {
                let error_id = error_id.clone();
                move || problem().map(|p| view! { <p class="field-error" id=error_id.clone()>{problem_label(t, p)}</p> })
            }
            <select
                id=id.clone()
                name=name
                aria-describedby={
                    let error_id = error_id.clone();
                    move || problem().is_some().then(|| error_id.clone())
                }
                aria-invalid=move || problem().is_some().then_some("true")
            >
                {empty.map(|label| view! { <option value="">{label}</option> })}
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let selected = {
                            let value = value.clone();
                            let default = default.clone();
                            move || match kept() {
                                Some(kept) => kept == value,
                                None => default.as_deref() == Some(value.as_str()),
                            }
                        };
                        view! { <option value=value selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
