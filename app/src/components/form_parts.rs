//! Form pieces for the self-referral steps. Inputs are named `fields[<name>]` so one
//! server function reads any step; ids are `field-<name>`, which the error summary
//! links to. Each piece shows the problem the last submission had with it.

use leptos::prelude::*;

use super::field::described_by;
use crate::domain::field::FieldProblem;
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts};

fn problem_of(
    error: Signal<Option<AppError>>,
    name: &'static str,
) -> impl Fn() -> Option<FieldProblem> + Copy {
    move || error.get().and_then(|e| e.field_problem(name))
}

/// A check the browser runs when a field is left (hydrated only); the server
/// always checks again.
pub type Check = fn(&str) -> Option<FieldProblem>;

/// A text input (or textarea when `rows` is given).
#[component]
pub fn TextInput(
    name: &'static str,
    label: &'static str,
    value: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] rows: Option<u32>,
    #[prop(optional)] check: Option<Check>,
    /// Check while typing once the value has this many characters (not only after a
    /// problem was shown): the identity number, which is complete at 11 digits.
    #[prop(optional)]
    check_at_length: Option<usize>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let submitted = problem_of(error, name);
    // The browser's own verdict while typing, which stands over the server's until the
    // server answers again. Checked while typing, never when the field is left: a
    // message appearing then would move what the person is about to tap.
    let local = RwSignal::new(None::<Option<FieldProblem>>);
    Effect::new(move |_| {
        error.track();
        local.set(None);
    });
    let problem = move || match local.get() {
        Some(verdict) => verdict,
        None => submitted(),
    };
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&hint_id, hint.is_some(), &error_id, problem().is_some())
    };
    let on_input = move |ev: leptos::ev::Event| {
        let Some(check) = check else { return };
        let value = event_target_value(&ev);
        let complete = check_at_length
            .is_some_and(|n| value.chars().filter(|c| !c.is_whitespace()).count() >= n);
        if problem().is_some() || complete {
            local.set(Some(if value.trim().is_empty() {
                None
            } else {
                check(&value)
            }));
        }
    };
    let input_name = format!("fields[{name}]");
    let control = match rows {
        Some(rows) => view! {
            <textarea
                id=id.clone()
                name=input_name
                rows=rows
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
                name=input_name
                type=kind
                value=value
                autocomplete=autocomplete
                inputmode=inputmode
                aria-invalid=move || problem().map(|_| "true")
                aria-describedby=described_by
                on:input=on_input
            />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:invalid=move || problem().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || problem().map(|p| view! { <p class="field-error" id=error_id.clone()>{problem_label(t, p)}</p> })}
            {control}
        </div>
    }
}

/// One choice among several (radio buttons), or several (checkboxes) when `multiple`.
/// For checkboxes each option's value is the name of its own field (sent as "on").
#[component]
pub fn Choices(
    /// The group's name (the field problems are reported under).
    #[prop(into)]
    name: String,
    legend: String,
    options: Vec<(String, String)>,
    /// Selected values (radio) or ticked field names (checkboxes).
    selected: Vec<String>,
    #[prop(optional)] multiple: bool,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] legend_class: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let problem = {
        let name = name.clone();
        move || error.get().and_then(|e| e.field_problem(&name))
    };
    let described_by = {
        let (hint_id, error_id, problem) = (hint_id.clone(), error_id.clone(), problem.clone());
        move || described_by(&hint_id, hint.is_some(), &error_id, problem().is_some())
    };
    let inputs = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let input_id = format!("{id}-{i}");
            let checked = selected.contains(&value);
            let (input_name, input_value, kind) = if multiple {
                (format!("fields[{value}]"), "on".to_owned(), "checkbox")
            } else {
                (format!("fields[{name}]"), value, "radio")
            };
            view! {
                <div class="choice">
                    <input id=input_id.clone() type=kind name=input_name value=input_value checked=checked/>
                    <label for=input_id>{label}</label>
                </div>
            }
        })
        .collect_view();
    let invalid = {
        let problem = problem.clone();
        move || problem().is_some()
    };
    view! {
        <fieldset
            class="field choices"
            class:invalid=invalid
            id=id.clone()
            tabindex="-1"
            aria-describedby=described_by
        >
            <legend class=legend_class>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || problem().map(|p| view! { <p class="field-error" id=error_id.clone()>{problem_label(t, p)}</p> })}
            {inputs}
        </fieldset>
    }
}
