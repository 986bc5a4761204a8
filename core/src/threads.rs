//! Work split over threads when a caller asks for it (the library reads nothing of the
//! machine, so the number of threads is always the caller's).

/// Runs `f` on every item, one scoped thread per item, and returns the results in the items'
/// order. On wasm32, or for fewer than two items, runs here. A thread that cannot be had
/// leaves its item to this thread; a panic on a thread is raised again here.
pub(crate) fn on_threads<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    if cfg!(target_arch = "wasm32") || items.len() < 2 {
        return items.iter().map(&f).collect();
    }
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .iter()
            .map(|item| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || f(item))
                    .map_err(|_| item)
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: the work is done here.
                Err(item) => f(item),
            })
            .collect()
    })
}
