//! The values a run is made of, each checked once where it enters (a request, a stored record)
//! and carried with its rule from then on: a `Run` cannot hold environment 0, a path that climbs
//! out of the test tree, or a template name that would not fit in a URL.

use std::fmt;
use std::ops::Deref;
use std::path::{Component, Path};

use super::name::check_name;
use super::new_run::{ENVIRONMENT_MAX, ENVIRONMENT_MIN, PATH_MAX_CHARS, USER_MAX_CHARS};
use super::template::TEMPLATE_NAME_MAX_CHARS;

/// A test environment: a number from `ENVIRONMENT_MIN` to `ENVIRONMENT_MAX`. At most one active
/// run holds each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Environment(u8);

impl Environment {
    pub fn new(number: i64) -> Result<Environment, String> {
        u8::try_from(number)
            .ok()
            .filter(|n| (ENVIRONMENT_MIN..=ENVIRONMENT_MAX).contains(n))
            .map(Environment)
            .ok_or_else(|| format!("must be an integer from {ENVIRONMENT_MIN} to {ENVIRONMENT_MAX}, not {number}"))
    }

    pub fn number(self) -> u8 {
        self.0
    }

    /// Every environment, in order.
    pub fn all() -> impl Iterator<Item = Environment> {
        (ENVIRONMENT_MIN..=ENVIRONMENT_MAX).map(Environment)
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<Environment> for u8 {
    fn from(environment: Environment) -> u8 {
        environment.0
    }
}

impl From<Environment> for i64 {
    fn from(environment: Environment) -> i64 {
        environment.0.into()
    }
}

/// Text that was checked by a rule: read it as a `str`.
macro_rules! checked_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<std::ffi::OsStr> for $name {
            fn as_ref(&self) -> &std::ffi::OsStr {
                self.0.as_ref()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

checked_text! {
    /// Who a run is for: free text (a person, a CI job), trimmed, at most `USER_MAX_CHARS`
    /// characters, no control characters. With users, the name of the run's user.
    UserName
}

checked_text! {
    /// A file, folder or pytest node id (`file.py::test_name`) relative to the test tree, that
    /// cannot climb out of it or be taken by pytest for an option. Whether it exists is the test
    /// tree's question (`test_tree`), asked when a run is created.
    TestPath
}

checked_text! {
    /// A template's name: it appears in URLs and on the command line, so it is ASCII letters,
    /// digits, `.`, `_` and `-`, starting with a letter or digit.
    TemplateName
}

impl UserName {
    pub fn new(text: &str) -> Result<UserName, String> {
        if text.chars().count() > USER_MAX_CHARS {
            return Err(format!("at most {USER_MAX_CHARS} characters"));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(UserName(text.to_owned()))
    }
}

impl TestPath {
    pub fn new(path: &str) -> Result<TestPath, String> {
        if path.is_empty() {
            return Err("must not be empty".into());
        }
        if path.chars().count() > PATH_MAX_CHARS {
            return Err(format!("at most {PATH_MAX_CHARS} characters"));
        }
        if path.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        if path.starts_with('-') {
            return Err("must not start with `-`".into());
        }
        let file_path = Path::new(file_part(path));
        if file_path.is_absolute() {
            return Err("must be relative to the test tree, not absolute".into());
        }
        if file_path.components().any(|c| matches!(c, Component::ParentDir)) {
            return Err("must not contain `..`".into());
        }
        Ok(TestPath(path.to_owned()))
    }

    /// The file or folder the path names, without a `::test` selector.
    pub fn file_part(&self) -> &str {
        file_part(&self.0)
    }
}

fn file_part(path: &str) -> &str {
    path.split_once("::").map_or(path, |(file, _)| file)
}

impl TemplateName {
    pub fn new(name: &str) -> Result<TemplateName, String> {
        check_name(name, "template", &['.', '_', '-'], TEMPLATE_NAME_MAX_CHARS).map_err(|error| error.message)?;
        Ok(TemplateName(name.to_owned()))
    }
}

/// The crate's tests write their values as literals; a literal that breaks its rule fails the
/// test at once.
#[cfg(test)]
mod literals {
    use super::{Environment, TemplateName, TestPath, UserName};

    impl From<u8> for Environment {
        fn from(number: u8) -> Environment {
            Environment::new(number.into()).expect("a valid environment in a test")
        }
    }

    macro_rules! from_literal {
        ($name:ident) => {
            impl From<&str> for $name {
                fn from(text: &str) -> $name {
                    $name::new(text).expect(concat!("a valid ", stringify!($name), " in a test"))
                }
            }
        };
    }

    from_literal!(UserName);
    from_literal!(TestPath);
    from_literal!(TemplateName);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_environment_is_one_of_a_hundred() {
        assert!(Environment::new(0).is_err());
        assert_eq!(Environment::new(1).map(Environment::number), Ok(1));
        assert_eq!(Environment::new(100).map(Environment::number), Ok(100));
        assert!(Environment::new(101).is_err());
        assert!(Environment::new(-1).is_err());
        assert_eq!(Environment::all().count(), 100);
    }

    #[test]
    fn a_user_name_is_trimmed_text() {
        assert_eq!(UserName::new("  ada ").map(String::from), Ok("ada".to_owned()));
        assert!(UserName::new("   ").is_err());
        assert!(UserName::new("a\u{7}b").is_err());
        assert!(UserName::new(&"x".repeat(USER_MAX_CHARS + 1)).is_err());
    }

    #[test]
    fn a_test_path_stays_in_the_tree() {
        assert!(TestPath::new("math/test_add.py::test_one[../1]").is_ok());
        assert_eq!(
            TestPath::new("math/test_add.py::t").map(|p| p.file_part().to_owned()),
            Ok("math/test_add.py".into())
        );
        for bad in ["", "/etc", "-k", "../x", "a/../../x::t", "a\nb"] {
            assert!(TestPath::new(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn a_template_name_fits_in_a_url() {
        assert!(TemplateName::new("nightly-3.12").is_ok());
        assert!(TemplateName::new("a b").is_err());
        assert!(TemplateName::new(".hidden").is_err());
    }
}
