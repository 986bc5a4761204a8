//! A string interner and a string-keyed index that store each string once.

use std::fmt;
use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::hash::IdState;

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
        let strings = &self.strings;
        self.table
            .find(self.state.hash_one(s), |i| {
                strings.get(*i as usize).is_some_and(|x| &**x == s)
            })
            .copied()
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
