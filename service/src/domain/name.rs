//! Names that appear in URLs and on the command line (templates, users): ASCII letters and
//! digits and a little punctuation, starting with a letter or digit.

use super::FieldError;

/// Checks `name` as a `kind` name (e.g. "template") of at most `max_chars`, whose characters
/// after the first may also be `punctuation`. Field errors name `name`.
pub(super) fn check_name(name: &str, kind: &str, punctuation: &[char], max_chars: usize) -> Result<(), FieldError> {
    let field = "name";
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_alphanumeric()) {
        return Err(FieldError::new(field, format!("a {kind} name starts with a letter or digit")));
    }
    if !chars.all(|c| c.is_ascii_alphanumeric() || punctuation.contains(&c)) {
        return Err(FieldError::new(field, format!("a {kind} name is letters, digits, {}", spelled(punctuation))));
    }
    if name.len() > max_chars {
        return Err(FieldError::new(field, format!("at most {max_chars} characters")));
    }
    Ok(())
}

/// `.`, `_` and `-`
fn spelled(punctuation: &[char]) -> String {
    let quoted: Vec<String> = punctuation.iter().map(|c| format!("`{c}`")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_which_punctuation_a_name_may_have() {
        let error = check_name("a b", "template", &['.', '_', '-'], 64).expect_err("a space");
        assert_eq!(error.message, "a template name is letters, digits, `.`, `_` and `-`");
        let error = check_name("a b", "user", &['.', '_', '-', '@'], 64).expect_err("a space");
        assert_eq!(error.message, "a user name is letters, digits, `.`, `_`, `-` and `@`");
    }
}
