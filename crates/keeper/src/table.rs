//! Aligned markdown tables: readable in a terminal and pasteable into the README.

/// Renders `rows` under `header` as a markdown table with padded columns; numeric-looking cells
/// are right-aligned.
pub fn markdown(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let rows: Vec<Vec<String>> = rows.into_iter().collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let numeric = |s: &str| s.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                if numeric(c) {
                    format!("{c:>w$}")
                } else {
                    format!("{c:<w$}")
                }
            })
            .collect();
        format!("| {} |", padded.join(" | "))
    };
    let mut out = vec![line(header.iter().map(|h| (*h).to_string()).collect())];
    out.push(format!(
        "|{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    ));
    out.extend(rows.into_iter().map(line));
    out.join("\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn pads_columns_and_right_aligns_numbers() {
        let t = super::markdown(
            &["name", "n"],
            [
                vec!["a".into(), "10".into()],
                vec!["long name".into(), "5".into()],
            ],
        );
        assert_eq!(
            t,
            "| name      | n  |\n|-----------|----|\n| a         | 10 |\n| long name |  5 |"
        );
    }
}
