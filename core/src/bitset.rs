//! A set of ticket keys as a bitmap: the ledger's attention set.
//!
//! Every dispatch puts a ticket into the attention set and every closing takes it out, so a
//! city's ledger makes tens of millions of changes to a set of hundreds of thousands of keys.
//! In a `BTreeSet` each change walks four or five nodes of a pointer tree, a cache miss each
//! (a seventh of a city-year's lifecycle steps went there). Here a change flips one bit; the
//! set costs one bit per key of the ledger (2.7 MB for 21.4 million tickets), and reading it
//! in order skips empty stretches through a second bitmap with one bit per word of the first.

/// A set of `u32` keys, read back in ascending order; see the module's documentation.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeySet {
    /// Bit `k % 64` of word `k / 64` is set when `k` is in the set.
    words: Vec<u64>,
    /// Bit `w % 64` of word `w / 64` is set when `words[w]` is not zero.
    summary: Vec<u64>,
}

/// The word and the bit of a key.
fn place(k: u32) -> (usize, u64) {
    // u32 always fits a usize on the targets the crate builds for (32 and 64 bits).
    let k = k as usize;
    (k / 64, 1u64 << (k % 64))
}

impl KeySet {
    /// Adds `k`; whether it was absent.
    pub(crate) fn insert(&mut self, k: u32) -> bool {
        let (w, bit) = place(k);
        if self.words.len() <= w {
            self.words.resize(w + 1, 0);
            self.summary.resize(w / 64 + 1, 0);
        }
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        if *word & bit != 0 {
            return false;
        }
        *word |= bit;
        if let Some(s) = self.summary.get_mut(w / 64) {
            *s |= 1 << (w % 64);
        }
        true
    }

    /// Removes `k`; whether it was present.
    pub(crate) fn remove(&mut self, k: u32) -> bool {
        let (w, bit) = place(k);
        let Some(word) = self.words.get_mut(w) else {
            return false;
        };
        if *word & bit == 0 {
            return false;
        }
        *word &= !bit;
        if *word == 0 {
            if let Some(s) = self.summary.get_mut(w / 64) {
                *s &= !(1 << (w % 64));
            }
        }
        true
    }

    /// Whether `k` is in the set.
    #[cfg(test)]
    pub(crate) fn contains(&self, k: u32) -> bool {
        let (w, bit) = place(k);
        self.words.get(w).is_some_and(|word| word & bit != 0)
    }

    /// The bytes the set holds on the heap.
    pub(crate) fn heap_size(&self) -> usize {
        (self.words.capacity() + self.summary.capacity()) * size_of::<u64>()
    }

    /// The keys in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let words = &self.words;
        ones(&self.summary)
            .flat_map(move |w| {
                let base = w * 64;
                ones(words.get(w..=w).unwrap_or(&[])).map(move |b| base + b)
            })
            // Keys came in as u32: every position read back fits.
            .map(|k| u32::try_from(k).unwrap_or(u32::MAX))
    }
}

/// The positions of the set bits of a bitmap, in ascending order.
fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(i, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let b = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                i * 64 + b
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::KeySet;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Any sequence of inserts and removals leaves the set a `BTreeSet` would hold, with
        /// the same answers along the way, read back in the same order; keys cluster in a few
        /// words or spread over the whole range, up to `u32::MAX`.
        #[test]
        fn behaves_as_a_btreeset(
            ops in prop::collection::vec(
                (any::<bool>(), prop_oneof![0u32..200, 0u32..100_000, 0u32..5_000_000]),
                0..400,
            )
        ) {
            let (mut set, mut model) = (KeySet::default(), BTreeSet::new());
            for (add, k) in ops {
                if add {
                    prop_assert_eq!(set.insert(k), model.insert(k));
                } else {
                    prop_assert_eq!(set.remove(k), model.remove(&k));
                }
                prop_assert_eq!(set.contains(k), model.contains(&k));
            }
            prop_assert!(set.iter().eq(model.iter().copied()));
            // The summary marks exactly the words with a key.
            for (w, word) in set.words.iter().enumerate() {
                let marked = set.summary.get(w / 64).is_some_and(|s| s & (1 << (w % 64)) != 0);
                prop_assert_eq!(marked, *word != 0);
            }
        }
    }
}
