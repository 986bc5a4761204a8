//! Internally synchronised state: every handle keeps its core value behind a `RwLock`.
//!
//! A lock is never waited for while the interpreter is attached: the uncontended path takes it
//! at once, a contended one waits detached from the interpreter (so another thread holding it
//! can finish, even if it needs the interpreter to do so). Bulk operations always run detached.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard, TryLockError};

use pyo3::prelude::*;

/// A value shared between Python threads.
#[derive(Debug, Default)]
pub struct Shared<T>(RwLock<T>);

fn read_guard<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|e| e.into_inner())
}

fn write_guard<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write().unwrap_or_else(|e| e.into_inner())
}

impl<T: Send + Sync> Shared<T> {
    /// A shared value.
    pub fn new(value: T) -> Shared<T> {
        Shared(RwLock::new(value))
    }

    /// Reads under the lock.
    pub fn read<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&T) -> R + Send) -> R {
        match self.0.try_read() {
            Ok(g) => f(&g),
            Err(TryLockError::Poisoned(e)) => f(&e.into_inner()),
            Err(TryLockError::WouldBlock) => py.detach(|| f(&read_guard(&self.0))),
        }
    }

    /// Writes under the lock.
    pub fn write<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut T) -> R + Send) -> R {
        match self.0.try_write() {
            Ok(mut g) => f(&mut g),
            Err(TryLockError::Poisoned(e)) => f(&mut e.into_inner()),
            Err(TryLockError::WouldBlock) => py.detach(|| f(&mut write_guard(&self.0))),
        }
    }

    /// Reads detached from the interpreter (for long computations).
    pub fn read_detached<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&T) -> R + Send) -> R {
        py.detach(|| f(&read_guard(&self.0)))
    }

    /// Writes detached from the interpreter (for long computations).
    pub fn write_detached<R: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut T) -> R + Send) -> R {
        py.detach(|| f(&mut write_guard(&self.0)))
    }
}
