//! Questionnaires as data: a definition (loaded from `seeds/questionnaires/*.toml`),
//! its validation, and scoring. No instrument is written in code.

mod definition;
mod scoring;
#[cfg(test)]
mod tests;

pub use definition::{
    Band, Definition, DefinitionError, Item, Localised, OptionSet, OutcomeRole, ScaleOption,
    Scoring, Subscale,
};
pub use scoring::{score, Answer, Score, SubscaleScore};
