//! A string interner and a string-keyed index that store each string once.

use std::fmt;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::hash::IdState;

/// Up to this many strings, the table is searched by comparing (see [`Interner::find_few`]).
const FEW: usize = 8;

/// Interned strings, each stored once, addressed by a dense `u32`. The strings come from
/// outside (reporters' names, the ticket ids of a log): the table hashes them with a keyed
/// [`IdState`] of its own (see [`crate::hash`]).
#[derive(Clone, Default)]
pub(crate) struct Interner {
    strings: Vec<Box<str>>,
    table: HashTable<u32>,
    state: IdState,
}

impl fmt::Debug for Interner {
    /// The strings in the order they were interned (the table's order depends on the seed).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.strings).finish()
    }
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.find_few(s) {
            return i;
        }
        let state = &self.state;
        let hash = state.hash_one(s);
        let strings = &self.strings;
        if let Some(i) = self.table.find(hash, |i| {
            strings.get(*i as usize).is_some_and(|x| &**x == s)
        }) {
            return *i;
        }
        let i = u32::try_from(self.strings.len()).unwrap_or(u32::MAX);
        self.strings.push(s.into());
        let strings = &self.strings;
        self.table.insert_unique(hash, i, |i| {
            strings
                .get(*i as usize)
                .map(|x| state.hash_one(&**x))
                .unwrap_or(0)
        });
        i
    }

    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        if self.strings.len() <= FEW {
            return self.find_few(s);
        }
        let strings = &self.strings;
        self.table
            .find(self.state.hash_one(s), |i| {
                strings.get(*i as usize).is_some_and(|x| &**x == s)
            })
            .copied()
    }

    /// In a table of a few strings (a policy's rule names), a string is found by comparing
    /// it with each, which costs less than hashing it.
    fn find_few(&self, s: &str) -> Option<u32> {
        if self.strings.len() > FEW {
            return None;
        }
        let i = self.strings.iter().position(|x| &**x == s)?;
        u32::try_from(i).ok()
    }

    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }

    /// An estimate of the heap memory held, in bytes: the strings and the table.
    pub(crate) fn heap_size(&self) -> usize {
        self.strings.capacity() * std::mem::size_of::<Box<str>>()
            + self.strings.iter().map(|s| s.len()).sum::<usize>()
            + self.table.capacity() * (std::mem::size_of::<u32>() + 1)
    }

    pub(crate) fn get(&self, i: u32) -> Option<&str> {
        self.strings.get(i as usize).map(|s| &**s)
    }
}

#[cfg(test)]
mod tests {
    use super::{Interner, FEW};

    /// Strings get dense indices in order, and are found again the same whether the table
    /// holds a few (compared one by one) or more (hashed), across the change.
    #[test]
    fn strings_are_found_below_and_above_a_few() {
        let mut interner = Interner::default();
        let names: Vec<String> = (0..3 * FEW).map(|i| format!("rule-{i}")).collect();
        for (i, name) in names.iter().enumerate() {
            assert_eq!(interner.find(name), None);
            assert_eq!(interner.intern(name) as usize, i);
            for (j, earlier) in names.iter().enumerate().take(i + 1) {
                assert_eq!(interner.find(earlier), Some(j as u32));
                assert_eq!(interner.intern(earlier), j as u32);
            }
            assert_eq!(interner.len(), i + 1);
        }
        assert_eq!(interner.get(3), Some("rule-3"));
    }
}
