//! The text form of the INSi's and the Annuaire's fault plans (`latency=200, wave=502*3, hang`):
//! items separated by commas or semicolons, each a name with an optional argument after its
//! first `=` or `*`. Each simulator then reads the names and arguments of its own faults.

/// The items of `text`, in the order written, blanks trimmed and empty items skipped: each as
/// written (for the error message), its name, and its argument (empty if none). `hang*3` →
/// `hang`, `3`; `wave=502*2` → `wave`, `502*2`; `loop` → `loop` and no argument.
pub fn items(text: &str) -> impl Iterator<Item = (&str, &str, &str)> {
    text.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (name, arg) = item
                .split_once(['=', '*'])
                .map_or((item, ""), |(n, a)| (n.trim(), a.trim()));
            (item, name, arg)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_split_at_the_first_equals_or_star() {
        let read: Vec<(&str, &str)> = items(" latency=20 ;wave = 502*2,, hang*3, loop ,")
            .map(|(_, name, arg)| (name, arg))
            .collect();
        assert_eq!(
            read,
            [
                ("latency", "20"),
                ("wave", "502*2"),
                ("hang", "3"),
                ("loop", "")
            ]
        );
        assert_eq!(
            items("hang*3").next().map(|(item, _, _)| item),
            Some("hang*3")
        );
        assert_eq!(items(" , ;").count(), 0);
    }
}
