//! Form pieces for the self-referral steps. Inputs are named `fields[<name>]` so one
//! server function reads any step; ids are `field-<name>`, which the error summary
//! links to. Each piece shows the problem the last submission had with it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::field::described_by;
use crate::domain::field::{FieldCheck, FieldProblem};
use crate::error::AppError;
use crate::i18n::{problem_label, use_texts};

/// A text input (or textarea when `rows` is given). With a `check`, it is an island:
/// the browser checks the value while it is typed; the server always checks again.
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
    #[prop(optional)] check: Option<FieldCheck>,
    /// Check while typing once the value has this many characters (not only after a
    /// problem was shown): the identity number, which is complete at 11 digits.
    #[prop(optional)]
    check_at_length: Option<usize>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field = TextField {
        name: name.to_owned(),
        label: label.to_owned(),
        value,
        kind: kind.to_owned(),
        autocomplete: autocomplete.map(str::to_owned),
        inputmode: inputmode.map(str::to_owned),
        hint: hint.map(str::to_owned),
        rows,
    };
    let submitted = error.get_untracked().and_then(|e| e.field_problem(name));
    let t = use_texts();
    // The words for every problem this input can show: the browser bundle carries no
    // translations.
    let labels: Vec<(FieldProblem, String)> = check
        .map(FieldCheck::problems)
        .unwrap_or_default()
        .iter()
        .copied()
        .chain(submitted)
        .map(|p| (p, problem_label(t, p).to_owned()))
        .collect();
    match check {
        Some(check) => {
            view! { <CheckedInput field check check_at_length submitted labels/> }.into_any()
        }
        None => text_input_view(
            field,
            Signal::stored(submitted),
            labels,
            None,
            NodeRef::new(),
        )
        .into_any(),
    }
}

/// What a text input shows; it crosses to the browser for a checked input.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TextField {
    name: String,
    label: String,
    value: String,
    kind: String,
    autocomplete: Option<String>,
    inputmode: Option<String>,
    hint: Option<String>,
    rows: Option<u32>,
}

/// A text input whose value the browser checks while it is typed.
#[island]
fn CheckedInput(
    field: TextField,
    check: FieldCheck,
    check_at_length: Option<usize>,
    submitted: Option<FieldProblem>,
    labels: Vec<(FieldProblem, String)>,
) -> impl IntoView {
    // The browser's own verdict while typing, which stands over the server's. Checked
    // while typing, never when the field is left: a message appearing then would move
    // what the person is about to tap.
    let local = RwSignal::new(None::<Option<FieldProblem>>);
    let problem = Signal::derive(move || local.get().unwrap_or(submitted));
    let on_input = Callback::new(move |value: String| {
        let complete = check_at_length
            .is_some_and(|n| value.chars().filter(|c| !c.is_whitespace()).count() >= n);
        if problem.get_untracked().is_some() || complete {
            local.set(Some(if value.trim().is_empty() {
                None
            } else {
                check.problem(&value)
            }));
        }
    });
    // Someone may type before the bundle has arrived: check what they typed on waking
    // (an unchanged value keeps the server's verdict, which may be one the browser
    // cannot make, such as an age limit).
    let input = NodeRef::<leptos::html::Input>::new();
    let rendered = field.value.clone();
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let typed = input.value();
            if typed != rendered {
                on_input.run(typed);
            }
        }
    });
    text_input_view(field, problem, labels, Some(on_input), input)
}

fn text_input_view(
    field: TextField,
    problem: Signal<Option<FieldProblem>>,
    labels: Vec<(FieldProblem, String)>,
    on_input: Option<Callback<String>>,
    input: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let label_of = move |p: FieldProblem| {
        labels
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, label)| label.clone())
            .unwrap_or_default()
    };
    let id = format!("field-{}", field.name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = field.hint.is_some();
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || described_by(&hint_id, has_hint, &error_id, problem.get().is_some())
    };
    let input_name = format!("fields[{}]", field.name);
    let control = match field.rows {
        Some(rows) => view! {
            <textarea
                id=id.clone()
                name=input_name
                rows=rows
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby=described_by
            >
                {field.value}
            </textarea>
        }
        .into_any(),
        None => view! {
            <input
                node_ref=input
                id=id.clone()
                name=input_name
                type=field.kind
                value=field.value
                autocomplete=field.autocomplete
                inputmode=field.inputmode
                aria-invalid=move || problem.get().map(|_| "true")
                aria-describedby=described_by
                on:input=move |ev| {
                    if let Some(on_input) = on_input {
                        on_input.run(event_target_value(&ev));
                    }
                }
            />
        }
        .into_any(),
    };
    view! {
        <div class="field" class:invalid=move || problem.get().is_some()>
            <label for=id.clone()>{field.label}</label>
            {field.hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || problem.get().map(|p| view! { <p class="field-error" id=error_id.clone()>{label_of(p)}</p> })}
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
    /// A mark for some values (`data-risk` on their inputs), for the stylesheet.
    #[prop(optional)]
    marks: Vec<(String, &'static str)>,
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
            let mark = marks.iter().find(|(v, _)| *v == value).map(|(_, m)| *m);
            let (input_name, input_value, kind) = if multiple {
                (format!("fields[{value}]"), "on".to_owned(), "checkbox")
            } else {
                (format!("fields[{name}]"), value, "radio")
            };
            view! {
                <div class="choice">
                    <input
                        id=input_id.clone()
                        type=kind
                        name=input_name
                        value=input_value
                        checked=checked
                        data-risk=mark
                    />
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
