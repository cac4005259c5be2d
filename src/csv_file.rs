//! CSV files as Excel opens them: UTF-8 with a byte-order mark, fields quoted when needed (the
//! `csv` crate's rules), and no cell a spreadsheet would run as a formula.

/// Write rows as CSV for Excel, with CRLF line ends (`crlf`) or LF ones (what `build` writes,
/// so that its output has the same bytes on every system); every cell goes through
/// [`defused`].
pub fn excel_csv<R, C>(rows: R, crlf: bool) -> Vec<u8>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator,
    C::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .flexible(true)
        .from_writer("\u{feff}".as_bytes().to_vec());
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| defused(c.as_ref())).collect();
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(&cells);
    }
    writer.into_inner().unwrap_or_default()
}

/// Return a cell that a spreadsheet will not run as a formula: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return gets a leading `'` (the OWASP advice for CSV
/// injection), so `=HYPERLINK(…)` in a title stays text.
pub fn defused(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_needed_and_never_formulas() {
        let out = excel_csv(
            [
                vec!["编号", "a,b"],
                vec!["=HYPERLINK(\"x\")", "line\nbreak"],
            ],
            true,
        );
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "\u{feff}编号,\"a,b\"\r\n\"'=HYPERLINK(\"\"x\"\")\",\"line\nbreak\"\r\n"
        );
        let lf = excel_csv([["a", "b"]], false);
        assert_eq!(lf, "\u{feff}a,b\n".as_bytes());
    }
}
