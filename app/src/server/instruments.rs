//! The questionnaires the server offers: the shipped ones, embedded in the binary, and
//! any a service adds (licensed instruments such as ISI or CORE-10) from a directory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::domain::questionnaire::Definition;

/// The instruments that ship with the product, free to use.
pub const SHIPPED: [(&str, &str); 5] = [
    (
        "phq9.toml",
        include_str!("../../../seeds/questionnaires/phq9.toml"),
    ),
    (
        "gad7.toml",
        include_str!("../../../seeds/questionnaires/gad7.toml"),
    ),
    (
        "wsas.toml",
        include_str!("../../../seeds/questionnaires/wsas.toml"),
    ),
    (
        "phobia.toml",
        include_str!("../../../seeds/questionnaires/phobia.toml"),
    ),
    (
        "audit.toml",
        include_str!("../../../seeds/questionnaires/audit.toml"),
    ),
];

/// Every instrument by id.
#[derive(Clone, Debug, Default)]
pub struct Instruments {
    by_id: BTreeMap<String, Arc<Definition>>,
}

/// A definition that cannot be used: the file, and the field with what is wrong.
#[derive(Debug, thiserror::Error)]
#[error("questionnaire {file}: {problem}")]
pub struct InstrumentError {
    pub file: String,
    pub problem: String,
}

impl Instruments {
    /// Parses and validates one definition.
    fn add(&mut self, file: &str, text: &str) -> Result<(), InstrumentError> {
        let fail = |problem: String| InstrumentError {
            file: file.to_owned(),
            problem,
        };
        let definition: Definition = toml::from_str(text).map_err(|e| fail(e.to_string()))?;
        definition.validate().map_err(|e| fail(e.to_string()))?;
        if self.by_id.contains_key(&definition.id) {
            return Err(fail(format!(
                "id: \"{}\" is already defined by another file",
                definition.id
            )));
        }
        self.by_id
            .insert(definition.id.clone(), Arc::new(definition));
        Ok(())
    }

    /// The shipped instruments, and every `*.toml` in `extra` (if given).
    pub fn load(extra: Option<&Path>) -> Result<Instruments, InstrumentError> {
        let mut instruments = Instruments::default();
        for (file, text) in SHIPPED {
            instruments.add(file, text)?;
        }
        if let Some(dir) = extra {
            let io = |e: std::io::Error| InstrumentError {
                file: dir.display().to_string(),
                problem: e.to_string(),
            };
            let mut files: Vec<_> = std::fs::read_dir(dir)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            files.sort();
            for path in files {
                let text = std::fs::read_to_string(&path).map_err(io)?;
                instruments.add(&path.display().to_string(), &text)?;
            }
        }
        Ok(instruments)
    }

    pub fn get(&self, id: &str) -> Option<Arc<Definition>> {
        self.by_id.get(id).cloned()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_id.keys().map(String::as_str)
    }

    /// The outcome measures (those whose definition names a role), depression first.
    pub fn outcome_measures(&self) -> Vec<crate::domain::outcome::Measure> {
        let mut measures: Vec<_> = self
            .by_id
            .values()
            .filter_map(|d| crate::domain::outcome::Measure::of(d))
            .collect();
        measures.sort_by(|a, b| (a.role, &a.instrument).cmp(&(b.role, &b.instrument)));
        measures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_instruments_load() {
        let instruments = Instruments::load(None).expect("valid");
        assert_eq!(
            instruments.ids().collect::<Vec<_>>(),
            vec!["audit", "gad7", "phobia", "phq9", "wsas"]
        );
    }

    #[test]
    fn a_service_adds_its_own_instrument_and_a_broken_one_is_named() {
        let dir = std::env::temp_dir().join(format!("rph-instruments-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let isi = SHIPPED[1].1.replace("id = \"gad7\"", "id = \"isi\"");
        std::fs::write(dir.join("isi.toml"), isi).expect("write");
        let instruments = Instruments::load(Some(&dir)).expect("valid");
        assert!(instruments.get("isi").is_some());

        let broken = SHIPPED[0]
            .1
            .replace("id = \"phq9\"", "id = \"core10\"")
            .replace("caseness = 10", "caseness = 99");
        std::fs::write(dir.join("core10.toml"), broken).expect("write");
        let error = Instruments::load(Some(&dir)).expect_err("refused");
        let message = error.to_string();
        assert!(message.contains("core10.toml"), "{message}");
        assert!(message.contains("scoring.caseness"), "{message}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
