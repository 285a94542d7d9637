//! A JSON request body that the handler checks itself, field by field.
//!
//! poem-openapi's own parsing rejects a wrong field with a message that often does not name
//! it. This payload documents the body's schema as `T` in the spec, but hands the handler the
//! raw JSON so that the domain's parser can name every bad field in a 422.

use std::borrow::Cow;
use std::marker::PhantomData;

use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::{ParseFromJSON, ParseResult, ToJSON, Type};

/// The raw JSON of a body whose documented schema is `T`.
pub struct Unchecked<T> {
    pub json: serde_json::Value,
    schema: PhantomData<fn() -> T>,
}

impl<T: Type> Type for Unchecked<T> {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(std::iter::once(self))
    }
}

impl<T: Type> ParseFromJSON for Unchecked<T> {
    fn parse_from_json(value: Option<serde_json::Value>) -> ParseResult<Self> {
        Ok(Unchecked { json: value.unwrap_or_default(), schema: PhantomData })
    }
}

impl<T: Type> ToJSON for Unchecked<T> {
    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.json.clone())
    }
}
