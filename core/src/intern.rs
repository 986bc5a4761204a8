//! A string interner and a string-keyed index that store each string once.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// The hash of a string key (deterministic: the same in every process).
pub(crate) fn hash_str(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

/// Interned strings, each stored once, addressed by a dense `u32`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    strings: Vec<Box<str>>,
    table: HashTable<u32>,
}

impl Interner {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        let hash = hash_str(s);
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
            strings.get(*i as usize).map(|x| hash_str(x)).unwrap_or(0)
        });
        i
    }

    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        let strings = &self.strings;
        self.table
            .find(hash_str(s), |i| {
                strings.get(*i as usize).is_some_and(|x| &**x == s)
            })
            .copied()
    }

    pub(crate) fn get(&self, i: u32) -> Option<&str> {
        self.strings.get(i as usize).map(|s| &**s)
    }
}
