//! ISO 9001:2015 clause coverage: which documents serve which clause (a procedure's or a work
//! instruction's `clauses`, the quality manual's chapters), and which clauses none serves. The clause list (4–10, with short titles in simplified
//! and traditional Chinese and in English) is shipped as data in `data/iso9001-2015.tsv`.

use serde::Serialize;

use crate::load::Library;
use crate::model::{Document, Lang};
use crate::render::labels;

/// The clauses of ISO 9001:2015 with their short titles (zh-Hans, zh-Hant, en).
pub const CLAUSES: &str = include_str!("../data/iso9001-2015.tsv");

/// A clause.
#[derive(Debug, Clone, Serialize)]
pub struct Clause {
    /// Its number, e.g. `8.2` or `8.2.1`.
    pub number: String,
    /// Its short title, e.g. 产品和服务的要求.
    pub title: String,
}

/// Every clause, in order, titled in simplified Chinese.
pub fn clauses() -> Vec<Clause> {
    clauses_in(Lang::ZhHans)
}

/// Every clause, in order, titled in a language.
pub fn clauses_in(lang: Lang) -> Vec<Clause> {
    let column = match lang {
        Lang::ZhHans => 1,
        Lang::ZhHant => 2,
        Lang::En => 3,
    };
    CLAUSES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|cells| cells.len() > column)
        .map(|cells| Clause {
            number: cells[0].trim().to_owned(),
            title: cells[column].trim().to_owned(),
        })
        .collect()
}

/// Return whether a clause number exists in ISO 9001:2015.
pub fn is_clause(number: &str) -> bool {
    clauses().iter().any(|c| c.number == number)
}

/// One row of the matrix: a clause and, per procedure, whether it serves it.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The clause.
    #[serde(flatten)]
    pub clause: Clause,
    /// 1 for a main clause (4 … 10), 2 for a sub-clause (4.1 …).
    pub level: usize,
    /// Per procedure (in `Matrix::procedures` order), whether it serves this clause.
    pub cells: Vec<bool>,
    /// Whether no procedure serves it (sub-clauses only).
    pub uncovered: bool,
}

/// The clause × procedure matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// The manual, procedures and instructions (id, title), as columns.
    pub procedures: Vec<(String, String)>,
    /// Clauses 4–10 and their sub-clauses, as rows.
    pub rows: Vec<Row>,
    /// How many sub-clauses no procedure serves.
    pub uncovered: usize,
}

/// Return whether a document is a column of the matrix: the manual (its chapters), procedures
/// and work instructions (their `clauses`); forms serve no clause themselves.
pub fn is_column(doc: &Document) -> bool {
    doc.kind() != crate::model::Kind::Form
}

/// Build the matrix at the level of sub-clauses (4.1 … 10.3); a procedure listing `8.2.1`
/// serves `8.2` (and `8`).
pub fn matrix(library: &Library) -> Matrix {
    let procedures: Vec<(&Document, Vec<String>)> = library
        .documents
        .iter()
        .filter(|l| is_column(&l.doc))
        .map(|l| {
            let clauses = l.doc.clauses().iter().map(|c| c.to_string()).collect();
            (&l.doc, clauses)
        })
        .collect();
    let serves = |listed: &[String], number: &str| {
        listed
            .iter()
            .any(|c| c == number || c.starts_with(&format!("{number}.")))
    };
    let rows: Vec<Row> = clauses_in(library.config.lang)
        .into_iter()
        .filter(|c| c.number.matches('.').count() <= 1)
        .map(|clause| {
            let level = clause.number.matches('.').count() + 1;
            let cells: Vec<bool> = procedures
                .iter()
                .map(|(_, listed)| serves(listed, &clause.number))
                .collect();
            let uncovered = level == 2 && !cells.iter().any(|c| *c);
            Row {
                clause,
                level,
                cells,
                uncovered,
            }
        })
        .collect();
    Matrix {
        procedures: procedures
            .iter()
            .map(|(doc, _)| {
                (
                    doc.header().id.value.to_string(),
                    doc.header().title.to_string(),
                )
            })
            .collect(),
        uncovered: rows.iter().filter(|r| r.uncovered).count(),
        rows,
    }
}

/// The matrix as CSV for Excel (see `csv_file`), headed in `lang`.
pub fn csv(matrix: &Matrix, lang: Lang) -> Vec<u8> {
    let words = labels::of(lang);
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(matrix.rows.len() + 1);
    let mut head = vec![words["clause"].to_owned(), words["clause_title"].to_owned()];
    head.extend(matrix.procedures.iter().map(|(id, _)| id.to_string()));
    head.push(words["coverage_state"].to_owned());
    rows.push(head);
    for row in &matrix.rows {
        let mut cells = vec![row.clause.number.clone(), row.clause.title.clone()];
        cells.extend(
            row.cells
                .iter()
                .map(|cell| if *cell { "●" } else { "" }.to_owned()),
        );
        let status = match (row.level, row.uncovered) {
            (1, _) => "",
            (_, true) => words["not_covered"],
            _ => words["covered"],
        };
        cells.push(status.to_owned());
        rows.push(cells);
    }
    crate::csv_file::excel_csv(rows, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_data_is_complete() {
        let all = clauses();
        for number in ["4", "4.1", "7.5.3", "8.2.1", "8.7", "9.3.3", "10.3"] {
            assert!(all.iter().any(|c| c.number == number), "{number}");
        }
        assert!(!is_clause("8.2.7"));
        assert_eq!(all.iter().filter(|c| !c.number.contains('.')).count(), 7);
    }
}
