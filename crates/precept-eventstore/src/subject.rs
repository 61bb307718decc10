//! Reading one aggregate's subject: its commits in stream order, by chained direct gets.
//!
//! One round trip reads the subject's last message, so a reader knows where the history ends
//! before it starts; each commit before that costs one direct get. Both the command side's
//! load (after a snapshot) and the audit's history reads go through here.

use async_nats::jetstream::message::StreamMessage;
use async_nats::jetstream::stream;
use precept_app::StoreError;

use crate::classify;
use crate::codec::{DecodedCommit, decode_commit};
use crate::store::JetStreamEventStore;

/// A cursor over the commits on one subject, oldest first.
pub(crate) struct SubjectCommits {
    stream: stream::Stream,
    council: String,
    subject: String,
    /// The subject's last message when the reader opened; `None` for an empty subject.
    last: Option<StreamMessage>,
    /// Where the next direct get starts; past `last` once the reader is done.
    next_sequence: u64,
}

impl SubjectCommits {
    /// Opens a reader at the start of `subject` in `council`'s stream.
    ///
    /// # Errors
    /// [`StoreError::UnknownCouncil`], [`StoreError::Unavailable`].
    pub(crate) async fn open(store: &JetStreamEventStore, council: &str, subject: String) -> Result<Self, StoreError> {
        let stream = store.stream(council).await?;
        let last = classify::direct_get(stream.direct_get_last_for_subject(subject.as_str()).await, council)?;
        Ok(SubjectCommits {
            stream,
            council: council.to_owned(),
            subject,
            last,
            next_sequence: 1,
        })
    }

    /// The sequence of the subject's last commit when the reader opened; 0 for none.
    pub(crate) fn last_sequence(&self) -> u64 {
        self.last.as_ref().map_or(0, |last| last.sequence)
    }

    /// Moves the reader to the first commit after `sequence`.
    pub(crate) fn skip_through(&mut self, sequence: u64) {
        self.next_sequence = sequence + 1;
    }

    /// The next commit, decoded; `None` once the subject's last commit has been read.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] for a commit that does not decode (or a last message that
    /// vanished, which append-only streams make impossible), [`StoreError::Unavailable`].
    pub(crate) async fn next(&mut self) -> Result<Option<DecodedCommit>, StoreError> {
        let Some(last) = &self.last else {
            return Ok(None);
        };
        if self.next_sequence > last.sequence {
            return Ok(None);
        }
        let message = if self.next_sequence == last.sequence {
            last.clone()
        } else {
            let found = self
                .stream
                .direct_get_next_for_subject(self.subject.as_str(), Some(self.next_sequence))
                .await;
            classify::direct_get(found, &self.council)?.ok_or_else(|| StoreError::Corrupt {
                sequence: self.next_sequence,
                reason: "subject's last message vanished while reading".into(),
            })?
        };
        self.next_sequence = message.sequence + 1;
        decode_commit(message.sequence, &message.payload)
            .map(Some)
            .map_err(|error| classify::corrupt(message.sequence, error))
    }
}
