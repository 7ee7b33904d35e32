//! The box at the top of a form that says what went wrong, read out at once.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{problem_label, use_texts};

/// Shows the error of the last submission, if any.
#[component]
pub fn ErrorSummary(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// Labels by field name, so each line says which question it is about.
    #[prop(optional)]
    labels: Vec<(String, String)>,
) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            view! {
                // Focused as the page loads (after every failed submission, with or
                // without JavaScript, the page is loaded again): read out, and in view.
                <div
                    class="error-summary"
                    role="alert"
                    aria-labelledby="error-summary-heading"
                    tabindex="-1"
                    autofocus
                >
                    <h2 id="error-summary-heading">{t.error_summary_heading}</h2>
                    <p>{e.describe(t)}</p>
                    {match &e {
                        AppError::Invalid { errors, .. } => {
                            Some(view! {
                                <ul>
                                    {errors
                                        .iter()
                                        .map(|f| {
                                                let text = match labels.iter().find(|(name, _)| *name == f.field) {
                                                    Some((_, label)) => summary_line(label, problem_label(t, f.problem)),
                                                    None => problem_label(t, f.problem).to_owned(),
                                                };
                                                view! {
                                                    <li>
                                                        <a href=format!("#field-{}", f.field)>{text}</a>
                                                    </li>
                                                }
                                        })
                                        .collect_view()}
                                </ul>
                            })
                        }
                        _ => None,
                    }}
                </div>
            }
        })
    }
}

/// "Mobile number: enter …"; a label that is a question takes no colon after its
/// question mark ("How can we contact you? Choose at least one.").
fn summary_line(label: &str, problem: &str) -> String {
    if label.ends_with('?') {
        format!("{label} {problem}")
    } else {
        format!("{label}: {problem}")
    }
}

#[cfg(test)]
mod tests {
    use super::summary_line;

    #[test]
    fn a_question_takes_no_colon() {
        assert_eq!(
            summary_line("Mobilnummer", "Fyll ut dette feltet."),
            "Mobilnummer: Fyll ut dette feltet."
        );
        assert_eq!(
            summary_line("Trenger du tolk?", "Velg ett av alternativene."),
            "Trenger du tolk? Velg ett av alternativene."
        );
    }
}
