//! Full-text queries for PostgreSQL. What a person types is first made safe
//! by the store's own [`whosaid_store::fts_query`] (one parser for both
//! backends: quoted terms, phrases, `prefix*`, `OR` / `NOT`); that form is
//! then rewritten as a `tsquery` for `to_tsquery('simple', …)`: each term's
//! words joined by `<->` (a phrase), a prefix as `:*`, AND as `&`, OR as `|`,
//! NOT as `& !`. Every lexeme is letters and digits only, so nothing the user
//! typed can act as tsquery syntax.

/// The tsquery for user input, or None when nothing searchable is left.
pub fn ts_query(input: &str) -> Option<String> {
    let fts = whosaid_store::fts_query(input)?;
    let mut out: Vec<String> = Vec::new();
    let mut op = "&";
    let mut chars = fts.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c == ' ' {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut term = String::new();
            while let Some(c) = chars.next() {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        term.push('"');
                        continue;
                    }
                    break;
                }
                term.push(c);
            }
            let prefix = chars.peek() == Some(&'*');
            if prefix {
                chars.next();
            }
            let words: Vec<String> = term
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| w.to_lowercase())
                .collect();
            if words.is_empty() {
                continue;
            }
            let n = words.len();
            let lexemes: Vec<String> = words
                .into_iter()
                .enumerate()
                .map(|(i, w)| if prefix && i + 1 == n { format!("{w}:*") } else { w })
                .collect();
            let term = if n > 1 { format!("({})", lexemes.join(" <-> ")) } else { lexemes.join("") };
            if !out.is_empty() {
                out.push(op.to_string());
            }
            out.push(term);
            op = "&";
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            op = match word.as_str() {
                "OR" => "|",
                "NOT" => "& !",
                _ => "&",
            };
        }
    }
    (!out.is_empty()).then(|| out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_becomes_a_safe_tsquery() {
        assert_eq!(ts_query("ceasefire").as_deref(), Some("ceasefire"));
        assert_eq!(ts_query("Peace OR ceasefire").as_deref(), Some("peace | ceasefire"));
        assert_eq!(ts_query("\"root causes\" cease*").as_deref(), Some("(root <-> causes) & cease:*"));
        assert_eq!(ts_query("war NOT peace").as_deref(), Some("war & ! peace"));
        assert_eq!(ts_query("x) OR (y NEAR:").as_deref(), Some("x | y & near"));
        assert_eq!(ts_query("it's a:b|c&!d").as_deref(), Some("(it <-> s) & (a <-> b <-> c <-> d)"));
        assert_eq!(ts_query("' & | ! :*"), None);
        assert_eq!(ts_query(" – * \"\" "), None);
    }
}
