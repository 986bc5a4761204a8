//! Hashing keys that come from outside (hash flooding).
//!
//! Ticket ids, node ids, category codes, reporters' names, the ids of owners, units,
//! households, residents, voters, forums and sessions, and the periods of the tickets' times
//! come from documents, logs and callers the library does not control, and they key hash
//! maps. A hash without a key lets whoever chooses the keys choose their hashes. FxHash, which
//! the library used until issue 15, folds a string with public constants, and ids that all
//! share one FxHash are cheap to build (`examples/flooding.rs` makes 33,124 of them in a few
//! milliseconds). Every lookup then compares the id with all the ids before it: reporting
//! 32,000 such tickets took 5.0 s instead of 25 ms, and four times longer at each doubling.
//!
//! So every map, set and table keyed by such data (`IdMap`, `IdSet`, the ledger's ticket
//! index, the string interner) hashes with `IdState`: foldhash ("fast" variant) under a key
//! of its own for each map. Without the key nobody can choose ids that collide, and the order
//! of one map tells nothing about another. On our workloads foldhash costs what FxHash cost;
//! std's SipHash-1-3, the strongest choice, made reporting a million tickets a quarter slower.
//! foldhash resists an attacker who does not see the hashes (ids in a document, a log, a
//! request); it does not claim to resist one who can time many requests to a long-running
//! process and adapt to what they learn (its authors call it "minimally DoS-resistant").
//!
//! The key. The library reads no clock and no environment variable: each `IdState` takes its
//! key from std's `RandomState`, which asks the operating system for 128 random bits once per
//! thread and counts one half up for each new state, as every std `HashMap` does (foldhash's
//! own `RandomState` also mixes in the system time, so it is not used). On
//! `wasm32-unknown-unknown` std has no source of randomness and makes the key from memory
//! addresses, the same at each load of the module: whoever has the module and knows the calls
//! made before could compute them. So the host may mix in random bytes of its own
//! ([`add_entropy`]), and the WebAssembly binding does so when the module starts, with
//! `crypto.getRandomValues`.
//!
//! Hashes now differ between processes and between maps, so no output may follow a map's
//! order: what is listed from a map is sorted first (the metrics report's rows), merging adds
//! entry by entry, and `Debug` of `IdMap` and `IdSet` prints in key order.
//!
//! Maps keyed by dense indices the library assigns itself (`DenseMap`: node keys, ticket
//! indices, voter indices, a log's chain indices) keep FxHash: no caller chooses those keys,
//! which are small integers that FxHash spreads evenly, and they are on the hottest paths.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU64, Ordering};

/// Entropy given by the host ([`add_entropy`]), mixed into every key made after it.
static ENTROPY: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];

/// Mixes 16 random bytes from the host into the keys of every map made from now on.
///
/// Where std can ask the operating system for randomness this adds nothing that is needed.
/// On `wasm32-unknown-unknown` std has none and builds its keys from memory addresses, the
/// same at every load of the module, so whoever has the module could compute them and
/// choose ids that collide: there the host should call this once, before building anything,
/// with bytes from a real source (the WebAssembly binding does, with
/// `crypto.getRandomValues`, when the module starts). The library itself reads no source of
/// randomness; the bytes are the caller's. Calling it again mixes in more.
///
/// ```
/// wangge::hash::add_entropy([7; 16]);
/// ```
pub fn add_entropy(bytes: [u8; 16]) {
    let [a, b] = [0usize, 8].map(|i| {
        let mut word = [0u8; 8];
        for (w, x) in word.iter_mut().zip(bytes.iter().skip(i)) {
            *w = *x;
        }
        u64::from_le_bytes(word)
    });
    let [ea, eb] = &ENTROPY;
    // XOR keeps whatever was mixed in before: a second call cannot undo the first.
    ea.fetch_xor(a, Ordering::Relaxed);
    eb.fetch_xor(b, Ordering::Relaxed);
}

/// The hasher of every map, set and table keyed by data from outside: keyed, and keyed
/// differently in each map (see the module docs).
#[derive(Clone)]
pub(crate) struct IdState {
    per_map: u64,
    shared: foldhash::SharedSeed,
}

impl Default for IdState {
    /// A fresh key. std's `RandomState` gives each call its own SipHash-1-3 key (128 bits
    /// asked of the operating system once per thread, then one half counted up at each
    /// call); the SipHash of 0 and of 1 under that key seed foldhash.
    fn default() -> Self {
        IdState::from_os(&std::hash::RandomState::new())
    }
}

impl IdState {
    /// The key drawn from one std `RandomState` and the host's entropy.
    fn from_os(os: &std::hash::RandomState) -> IdState {
        let [ea, eb] = &ENTROPY;
        let (a, b) = (ea.load(Ordering::Relaxed), eb.load(Ordering::Relaxed));
        IdState {
            per_map: os.hash_one((0u8, a, b)),
            shared: foldhash::SharedSeed::from_u64(os.hash_one((1u8, a, b))),
        }
    }
}

impl BuildHasher for IdState {
    type Hasher = foldhash::fast::FoldHasher;
    fn build_hasher(&self) -> Self::Hasher {
        foldhash::fast::FoldHasher::with_seed(self.per_map, &self.shared)
    }
}

/// A map keyed by data from outside (ids, names, codes, periods of given times), hashed
/// with [`IdState`]. It derefs to the std map; `Debug` prints the entries in key order, so
/// that nothing printed depends on the seed.
pub(crate) struct IdMap<K, V>(HashMap<K, V, IdState>);

/// A set of data from outside, hashed with [`IdState`]; `Debug` prints it in order.
pub(crate) struct IdSet<K>(HashSet<K, IdState>);

/// A map keyed by dense indices that the library assigns itself (ticket, node, voter and
/// chain indices): no caller chooses these keys, so FxHash, fast and unkeyed, is safe.
pub(crate) type DenseMap<K, V> = rustc_hash::FxHashMap<K, V>;

impl<K, V> Default for IdMap<K, V> {
    fn default() -> Self {
        IdMap(HashMap::with_hasher(IdState::default()))
    }
}

impl<K: Clone, V: Clone> Clone for IdMap<K, V> {
    fn clone(&self) -> Self {
        IdMap(self.0.clone())
    }
}

impl<K: Eq + Hash, V: PartialEq> PartialEq for IdMap<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K: Eq + Hash, V: Eq> Eq for IdMap<K, V> {}

impl<K: Ord + fmt::Debug, V: fmt::Debug> fmt::Debug for IdMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<(&K, &V)> = self.0.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        f.debug_map().entries(entries).finish()
    }
}

impl<K, V> Deref for IdMap<K, V> {
    type Target = HashMap<K, V, IdState>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K, V> DerefMut for IdMap<K, V> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K, V> IntoIterator for IdMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::collections::hash_map::IntoIter<K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K> Default for IdSet<K> {
    fn default() -> Self {
        IdSet(HashSet::with_hasher(IdState::default()))
    }
}

impl<K: Clone> Clone for IdSet<K> {
    fn clone(&self) -> Self {
        IdSet(self.0.clone())
    }
}

impl<K: Eq + Hash> PartialEq for IdSet<K> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<K: Eq + Hash> Eq for IdSet<K> {}

impl<K: Ord + fmt::Debug> fmt::Debug for IdSet<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<&K> = self.0.iter().collect();
        keys.sort_unstable();
        f.debug_set().entries(keys).finish()
    }
}

impl<K> Deref for IdSet<K> {
    type Target = HashSet<K, IdState>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<K> DerefMut for IdSet<K> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<K: Eq + Hash> FromIterator<K> for IdSet<K> {
    fn from_iter<I: IntoIterator<Item = K>>(iter: I) -> Self {
        let mut set = IdSet::default();
        set.0.extend(iter);
        set
    }
}

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;
    use std::sync::Arc;

    use rustc_hash::FxBuildHasher;

    use super::*;
    use crate::hierarchy::{Hierarchy, NodeKind};
    use crate::ticket::{Ledger, NewTicket, Taxonomy};

    #[test]
    fn the_hosts_entropy_changes_the_keys() {
        let os = std::hash::RandomState::new();
        let before = IdState::from_os(&os);
        assert_eq!(before.per_map, IdState::from_os(&os).per_map);
        add_entropy(*b"sixteen bytes!!!");
        let after = IdState::from_os(&os);
        assert_ne!(before.per_map, after.per_map);
        assert_ne!(before.hash_one("T1"), after.hash_one("T1"));
    }

    /// `lane²` ticket ids of 48 bytes with one and the same FxHash (rustc-hash 2.x on a
    /// 64-bit target); how they are built is explained in `examples/flooding.rs`, which has
    /// the same function and times them.
    fn fx_colliding_ids(lane: usize) -> Vec<String> {
        const SEED1: u64 = 0x243f_6a88_85a3_08d3;
        const SEED2: u64 = 0x1319_8a2e_0370_7344;
        const ZERO: u64 = 0xa409_3822_299f_31d0;
        fn mix(x: u64, y: u64) -> u64 {
            let full = u128::from(x) * u128::from(y);
            (full as u64) ^ ((full >> 64) as u64)
        }
        fn word(b: &[u8]) -> u64 {
            u64::from_le_bytes(b.try_into().unwrap())
        }
        let find = |tag: char, seed: u64, target: u64| -> Vec<(String, String)> {
            let mut out = Vec::with_capacity(lane);
            let mut i = 0u64;
            while out.len() < lane {
                let prefix = format!("{tag}{i:015}");
                let b = prefix.as_bytes();
                let tail = (mix(seed ^ word(&b[..8]), ZERO ^ word(&b[8..])) ^ target).to_le_bytes();
                if tail.iter().all(|c| (0x21..0x7f).contains(c)) {
                    out.push((prefix, tail.iter().map(|c| char::from(*c)).collect()));
                }
                i += 1;
            }
            out
        };
        let first = find('A', SEED1, u64::from_le_bytes(*b"flooding"));
        let second = find('B', SEED2, u64::from_le_bytes(*b"wangge!!"));
        let mut ids = Vec::with_capacity(lane * lane);
        for (p1, s1) in &first {
            for (p2, s2) in &second {
                ids.push(format!("{p1}{p2}{s1}{s2}"));
            }
        }
        ids
    }

    #[test]
    fn ids_that_collide_under_fxhash_spread_under_the_keyed_hasher() {
        let ids = fx_colliding_ids(64);
        let distinct: IdSet<&str> = ids.iter().map(String::as_str).collect();
        assert_eq!(distinct.len(), 4096);
        // The attack works on the unkeyed hash: one hash for all 4,096 ids.
        let fx: IdSet<u64> = ids.iter().map(|id| FxBuildHasher.hash_one(id)).collect();
        assert_eq!(fx.len(), 1);
        // Keyed, they all differ, and their buckets in a table of 4,096 spread as random
        // ones do (the fullest of 4,096 random buckets holds about 7; more than 16 has a
        // probability near 1e-11).
        let state = IdState::default();
        let hashes: Vec<u64> = ids.iter().map(|id| state.hash_one(id)).collect();
        let keyed: IdSet<u64> = hashes.iter().copied().collect();
        assert_eq!(keyed.len(), ids.len());
        let mut load = vec![0u32; 4096];
        for h in &hashes {
            load[(h & 4095) as usize] += 1;
        }
        assert!(load.iter().all(|n| *n <= 16), "{:?}", load.iter().max());
    }

    #[test]
    fn each_map_has_its_own_key_and_a_clone_keeps_it() {
        let (a, b) = (IdState::default(), IdState::default());
        assert_ne!(a.hash_one("T-1"), b.hash_one("T-1"));
        let c = a.clone();
        assert_eq!(a.hash_one("T-1"), c.hash_one("T-1"));
    }

    #[test]
    fn the_ledger_and_the_hierarchy_take_colliding_ids() {
        let ids = fx_colliding_ids(32);
        let mut h = Hierarchy::new();
        h.add("c", NodeKind::City, "c").unwrap();
        h.add("g", NodeKind::Grid, "g").unwrap();
        for id in &ids {
            h.add(id, NodeKind::Grid, "grid").unwrap();
        }
        for id in &ids {
            assert_eq!(h.id(h.key(id).unwrap()).unwrap().as_str(), id);
        }
        let mut ledger = Ledger::new(Arc::new(h), Arc::new(Taxonomy::default()));
        let at = "2025-03-03T09:00:00+08:00".parse().unwrap();
        for id in &ids {
            let ticket = NewTicket::new(id, "livelihood.repair", "g").unwrap();
            ledger.report(ticket, "g", at).unwrap();
        }
        let cloned = ledger.clone();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(ledger.key(id).unwrap().index(), i);
            assert_eq!(cloned.key(id), ledger.key(id));
        }
    }

    #[test]
    fn debug_prints_in_key_order() {
        let mut map: IdMap<String, u32> = IdMap::default();
        let mut set: IdSet<u32> = IdSet::default();
        for i in (0..50u32).rev() {
            map.insert(format!("k{i:02}"), i);
            set.insert(i);
        }
        let keys: Vec<String> = (0..50).map(|i| format!("\"k{i:02}\": {i}")).collect();
        assert_eq!(format!("{map:?}"), format!("{{{}}}", keys.join(", ")));
        let values: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        assert_eq!(format!("{set:?}"), format!("{{{}}}", values.join(", ")))
    }
}
