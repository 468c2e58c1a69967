//! Plain-text tables for the results, plus the number formatting and the
//! median used by every mode. The first column is left-aligned, the rest
//! (numbers) right-aligned.

/// A table of text cells under a header row.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these column titles.
    pub fn new(header: &[&str]) -> Table {
        Table { header: header.iter().map(|s| s.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row; it must have one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.header.len(), "one cell per column");
        self.rows.push(cells);
    }

    /// The table as text, one line per row, columns separated by two spaces.
    pub fn render(&self) -> String {
        let widths: Vec<usize> = (0..self.header.len())
            .map(|c| {
                let cells = std::iter::once(&self.header[c]).chain(self.rows.iter().map(|r| &r[c]));
                cells.map(|s| s.chars().count()).max().unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(c, (s, &w))| if c == 0 { format!("{s:<w$}") } else { format!("{s:>w$}") })
                .collect();
            padded.join("  ").trim_end().to_string()
        };
        let rule = widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>().join("  ");
        let mut out = vec![line(&self.header), rule];
        out.extend(self.rows.iter().map(|r| line(r)));
        out.join("\n") + "\n"
    }
}

/// The median of `samples` (mean of the middle two for an even count); None when empty.
pub fn median(samples: &[f64]) -> Option<f64> {
    let mut s: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    if s.is_empty() {
        return None;
    }
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    Some(if s.len() % 2 == 1 { s[mid] } else { (s[mid - 1] + s[mid]) / 2.0 })
}

/// A number with `decimals` decimals, or `n/a`.
pub fn fixed(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "n/a".into(), |v| format!("{v:.decimals$}"))
}

/// An integer count with thousands separators (`1,234,567`), or `n/a`.
pub fn count(v: Option<f64>) -> String {
    let Some(v) = v else { return "n/a".into() };
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// `a / b` as `1.23x`, or `n/a` when either is missing or `b` is zero.
pub fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => format!("{:.2}x", a / b),
        _ => "n/a".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_columns() {
        let mut t = Table::new(&["test", "ops/s", "ratio"]);
        t.row(vec!["SET".into(), count(Some(1234567.4)), ratio(Some(3.0), Some(2.0))]);
        t.row(vec!["MSET (10 keys)".into(), count(None), ratio(Some(1.0), Some(0.0))]);
        assert_eq!(
            t.render(),
            "test                ops/s  ratio\n\
             --------------  ---------  -----\n\
             SET             1,234,567  1.50x\n\
             MSET (10 keys)        n/a    n/a\n"
        );
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN, 5.0]), Some(5.0));
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(count(Some(999.0)), "999");
        assert_eq!(count(Some(1000.0)), "1,000");
        assert_eq!(count(Some(-12345.0)), "-12,345");
        assert_eq!(fixed(Some(0.28712), 3), "0.287");
        assert_eq!(fixed(None, 3), "n/a");
    }
}
