//! What every aggregate kind offers the layers above it.
//!
//! Aggregates implement `eventually_core`'s [`Aggregate`] (fold events into state, handle a
//! command into new events). [`AggregateKind`] adds what that trait lacks and the event store
//! needs: a stable kind name for subjects and the business-effective date of an event.

use std::fmt::Display;

use chrono::NaiveDate;
pub use eventually_core::aggregate::Aggregate;

/// An aggregate that Precept stores and drives.
///
/// The associated-type bounds are what the async command path needs to move aggregates
/// between tasks; written on the supertrait so every user of `AggregateKind` gets them.
pub trait AggregateKind:
    Aggregate<
        Id: Display + Clone + Send + Sync + 'static,
        State: Clone + Send + Sync + 'static,
        Event: Clone + Send + Sync + 'static,
        Command: Clone + Send + 'static,
        Error: std::error::Error + Send + Sync + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
    /// The kind's name in subjects (`precept.<council>.<KIND>.<id>`): lowercase, stable forever.
    const KIND: &'static str;

    /// The business date an event takes effect, where the domain has one.
    fn effective_date(event: &Self::Event) -> Option<NaiveDate>;

    /// Folds one event into the state, for code that must not fail on stored history.
    ///
    /// Stored events are facts; an event the state cannot accept means the history or the code
    /// is wrong, so the error comes back for the caller to report rather than being ignored.
    ///
    /// # Errors
    /// Whatever [`Aggregate::apply`] reports for an event that does not fit the state.
    fn fold<'a>(
        state: Self::State,
        events: impl IntoIterator<Item = &'a Self::Event>,
    ) -> Result<Self::State, Self::Error>
    where
        Self::Event: 'a,
    {
        events
            .into_iter()
            .try_fold(state, |state, event| Self::apply(state, event.clone()))
    }
}
