//! A sorted set stored as a short list of sorted chunks: the deadline index.
//!
//! The escalation engine's deadline index takes an insert and a removal for every deadline
//! that is set, renewed or met, and a sweep reads the entries falling due, earliest first.
//! `BTreeSet` answers all three, but each insert or removal walks about six nodes of a
//! pointer tree (a cache miss each at a million entries), and reading the due entries hops
//! from node to node. Here the entries sit in sorted chunks of at most [`MAX`] values, with
//! the last value of every chunk in one array beside them (the same layout as Python's
//! `sortedcontainers`): an insert or removal searches that array (small enough to stay in
//! cache), then one chunk, and moves at most a chunk's values; reading walks contiguous
//! memory. Chunks split when they grow past [`MAX`] values, however the values cluster (a
//! million deadlines at one instant make thousands of chunks, not one long one), and merge
//! with a neighbour when they shrink below [`MIN`].

/// A chunk splits in two when it grows past this many values.
const MAX: usize = 512;

/// A chunk joins a neighbour when it shrinks below this many values (and their union fits).
const MIN: usize = MAX / 8;

/// A sorted set of `Copy` values in chunks; see the module's documentation.
#[derive(Debug, Clone)]
pub(crate) struct SortedChunks<T> {
    /// Non-empty, each sorted, every value of a chunk below every value of the next.
    chunks: Vec<Vec<T>>,
    /// The last (greatest) value of each chunk.
    maxes: Vec<T>,
    len: usize,
}

impl<T> Default for SortedChunks<T> {
    fn default() -> Self {
        SortedChunks {
            chunks: Vec::new(),
            maxes: Vec::new(),
            len: 0,
        }
    }
}

impl<T: Ord + Copy> SortedChunks<T> {
    /// The number of values.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.len
    }

    /// The index of the chunk where `x` is or would go (the first whose greatest value is
    /// not below `x`), or `None` when `x` is above every value.
    fn chunk_of(&self, x: &T) -> Option<usize> {
        let i = self.maxes.partition_point(|m| m < x);
        (i < self.chunks.len()).then_some(i)
    }

    /// Adds a value; `false` when it was already there.
    pub(crate) fn insert(&mut self, x: T) -> bool {
        // Above every value: it goes at the end of the last chunk.
        let i = self
            .chunk_of(&x)
            .unwrap_or(self.chunks.len().saturating_sub(1));
        let Some(chunk) = self.chunks.get_mut(i) else {
            self.chunks.push(vec![x]);
            self.maxes.push(x);
            self.len = 1;
            return true;
        };
        let Err(at) = chunk.binary_search(&x) else {
            return false;
        };
        chunk.insert(at, x);
        self.len += 1;
        if chunk.len() > MAX {
            // Both halves get room for a full chunk and never grow past it (a chunk that grew
            // by doubling would hold twice the room it can use).
            let mut tail = Vec::with_capacity(MAX + 1);
            tail.extend_from_slice(chunk.get(chunk.len() / 2..).unwrap_or(&[]));
            chunk.truncate(chunk.len() / 2);
            chunk.shrink_to(MAX + 1);
            let (Some(&low), Some(&high)) = (chunk.last(), tail.last()) else {
                return true;
            };
            self.chunks.insert(i + 1, tail);
            self.maxes.insert(i + 1, high);
            if let Some(m) = self.maxes.get_mut(i) {
                *m = low;
            }
        } else if let (Some(&last), Some(m)) = (chunk.last(), self.maxes.get_mut(i)) {
            *m = last;
        }
        true
    }

    /// Removes a value; `false` when it was not there.
    pub(crate) fn remove(&mut self, x: &T) -> bool {
        let Some(i) = self.chunk_of(x) else {
            return false;
        };
        let Some(chunk) = self.chunks.get_mut(i) else {
            return false;
        };
        let Ok(at) = chunk.binary_search(x) else {
            return false;
        };
        chunk.remove(at);
        self.len -= 1;
        match chunk.last() {
            None => {
                self.chunks.remove(i);
                self.maxes.remove(i);
            }
            Some(&last) => {
                if let Some(m) = self.maxes.get_mut(i) {
                    *m = last;
                }
                if chunk.len() < MIN {
                    self.join(i);
                }
            }
        }
        true
    }

    /// Joins the small chunk `i` with its smaller neighbour when their union fits a chunk.
    fn join(&mut self, i: usize) {
        let size = |j: usize| self.chunks.get(j).map(|c| (c.len(), j));
        let left = i.checked_sub(1).and_then(size);
        let Some((_, j)) = left.into_iter().chain(size(i + 1)).min() else {
            return;
        };
        if size(i).map_or(0, |(n, _)| n) + size(j).map_or(0, |(n, _)| n) > MAX {
            return;
        }
        // Move the later chunk's values onto the end of the earlier one.
        let (first, second) = (i.min(j), i.max(j));
        let later = self.chunks.remove(second);
        self.maxes.remove(second);
        if let Some(c) = self.chunks.get_mut(first) {
            c.extend_from_slice(&later);
            if let (Some(&last), Some(m)) = (c.last(), self.maxes.get_mut(first)) {
                *m = last;
            }
        }
    }

    /// The values from `low` up to `high` (both inclusive), in order. The range's two ends
    /// are found first (a search of the chunks' maxima and of one chunk each), so reading it
    /// compares nothing.
    pub(crate) fn range(&self, low: T, high: T) -> Range<'_, T> {
        let empty = Range::default();
        if high < low {
            return empty;
        }
        let Some(first) = self.chunk_of(&low) else {
            return empty;
        };
        // The chunk holding the last value not above `high` is the one where a value just
        // above `high` would go; past the last chunk, the range runs to the end.
        let last = self.maxes.partition_point(|m| m <= &high);
        let (last, end) = match self.chunks.get(last) {
            Some(c) => (last, c.partition_point(|v| v <= &high)),
            None => (last - 1, self.chunks.get(last - 1).map_or(0, Vec::len)),
        };
        let start = self
            .chunks
            .get(first)
            .map_or(0, |c| c.partition_point(|v| v < &low));
        if first == last {
            let head = self.chunks.get(first).and_then(|c| c.get(start..end));
            return Range {
                head: head.unwrap_or(&[]).iter(),
                ..empty
            };
        }
        if last < first {
            return empty;
        }
        let slice = |i: usize, r: std::ops::Range<usize>| {
            self.chunks
                .get(i)
                .and_then(|c| c.get(r.start.min(c.len())..r.end.min(c.len())))
                .unwrap_or(&[])
        };
        Range {
            head: slice(first, start..usize::MAX).iter(),
            middle: self.chunks.get(first + 1..last).unwrap_or(&[]).iter(),
            tail: slice(last, 0..end),
        }
    }

    /// Bytes on the heap: the chunks' capacity and the array of maxima.
    pub(crate) fn heap_size(&self) -> usize {
        let size = std::mem::size_of::<T>();
        self.chunks.capacity() * std::mem::size_of::<Vec<T>>()
            + self.maxes.capacity() * size
            + self
                .chunks
                .iter()
                .map(|c| c.capacity() * size)
                .sum::<usize>()
    }

    /// Every chunk non-empty, sorted and below the next, its maximum recorded, the count
    /// right, and no chunk longer than [`MAX`]: what the tests check after every step.
    #[cfg(test)]
    fn check(&self) {
        assert_eq!(self.chunks.len(), self.maxes.len());
        assert_eq!(self.chunks.iter().map(Vec::len).sum::<usize>(), self.len);
        let all: Vec<T> = self.chunks.iter().flatten().copied().collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]));
        for (c, m) in self.chunks.iter().zip(&self.maxes) {
            assert!(!c.is_empty() && c.len() <= MAX);
            assert!(c.last() == Some(m));
        }
    }
}

/// The values of a [`SortedChunks::range`]: the rest of the current chunk, the whole chunks
/// after it, and the last chunk's part.
pub(crate) struct Range<'a, T> {
    head: std::slice::Iter<'a, T>,
    middle: std::slice::Iter<'a, Vec<T>>,
    tail: &'a [T],
}

impl<T> Default for Range<'_, T> {
    fn default() -> Self {
        Range {
            head: [].iter(),
            middle: [].iter(),
            tail: &[],
        }
    }
}

impl<T> Range<'_, T> {
    /// Whether no value is left.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.len() == 0 && self.middle.len() == 0 && self.tail.is_empty()
    }
}

impl<T: Copy> Iterator for Range<'_, T> {
    type Item = T;

    #[inline]
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(v) = self.head.next() {
                return Some(*v);
            }
            self.head = match self.middle.next() {
                Some(c) => c.iter(),
                None => std::mem::take(&mut self.tail).iter(),
            };
            if self.head.len() == 0 {
                return None;
            }
        }
    }

    /// Reading the whole range (`count`, `filter`, `for_each`, ...) walks each chunk's slice
    /// in a tight loop.
    fn fold<B, F: FnMut(B, T) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = self.head.copied().fold(init, &mut f);
        for c in self.middle {
            acc = c.iter().copied().fold(acc, &mut f);
        }
        self.tail.iter().copied().fold(acc, f)
    }

    /// Exact (the whole chunks' lengths are summed), so that collecting a range makes room
    /// for it at once: a sweep collects every entry due.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.head.len() + self.middle.as_slice().iter().map(Vec::len).sum::<usize>();
        let n = n + self.tail.len();
        (n, Some(n))
    }
}

#[cfg(test)]
mod tests {
    use super::{SortedChunks, MAX};
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Any sequence of inserts and removals leaves the same values as a `BTreeSet`, answers
        /// every insert, removal and range the same way, and keeps the chunks' invariants.
        /// Values from a small domain make duplicates, removals of present values and long
        /// runs of equal-ish values (clustering) common.
        #[test]
        fn behaves_as_a_btreeset(
            ops in prop::collection::vec((any::<bool>(), 0u32..3_000), 0..6_000),
            low in 0u32..3_000,
            high in 0u32..3_000,
        ) {
            let mut set = SortedChunks::default();
            let mut model = BTreeSet::new();
            for (add, x) in ops {
                if add {
                    prop_assert_eq!(set.insert(x), model.insert(x));
                } else {
                    prop_assert_eq!(set.remove(&x), model.remove(&x));
                }
            }
            set.check();
            prop_assert_eq!(set.len(), model.len());
            let got: Vec<u32> = set.range(low, high).collect();
            let want: Vec<u32> = if low <= high { model.range(low..=high).copied().collect() } else { Vec::new() };
            // The size hint is exact, before reading and after each value read.
            let mut range = set.range(low, high);
            for left in (0..=want.len()).rev() {
                prop_assert_eq!(range.size_hint(), (left, Some(left)));
                range.next();
            }
            prop_assert_eq!(got, want);
        }
    }

    /// A million values inserted in order, in reverse and all at "one instant" (consecutive
    /// values in the middle of the order) split into chunks of at most `MAX`, and removing
    /// them from the front, as sweeps do, joins or drops the chunks left behind.
    #[test]
    fn clustered_values_split_and_join() {
        let mut set = SortedChunks::default();
        for x in (0..200_000u64).rev() {
            assert!(set.insert(x * 10));
        }
        for x in 0..200_000u64 {
            assert!(set.insert(1_000_000 + x * 10 + 1));
        }
        set.check();
        assert!(set.chunks.len() >= 400_000 / MAX);
        for x in 0..200_000u64 {
            assert!(set.remove(&(x * 10)));
            if x % 50_000 == 0 {
                set.check();
            }
        }
        set.check();
        assert_eq!(set.len(), 200_000);
        assert_eq!(set.range(0, u64::MAX).next(), Some(1_000_001));
        assert!(set.heap_size() >= 200_000 * 8);
    }
}
