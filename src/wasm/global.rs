//! Globals for the binding. The release wasm is `no_std` (no `thread_local!`), and
//! wasm32-unknown-unknown without atomics has exactly one thread, so a plain `static`
//! around a `RefCell` is sound there.

use core::cell::RefCell;

pub struct Global<T>(RefCell<T>);

// SAFETY: the wasm module runs on one thread (no shared memory, no atomics feature).
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn new(value: T) -> Global<T> {
        Global(RefCell::new(value))
    }

    /// Where the value lives: a static's value never moves.
    pub fn as_ptr(&self) -> *mut T {
        self.0.as_ptr()
    }

    /// Runs `f` on the value, unless it is already borrowed (a re-entrant call): `None`.
    pub fn try_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        self.0.try_borrow_mut().ok().map(|mut slot| f(&mut slot))
    }
}

impl<T: Clone> Global<T> {
    pub fn set(&self, value: T) {
        if let Ok(mut slot) = self.0.try_borrow_mut() {
            *slot = value;
        }
    }

    /// A copy of the value (for JS handles: another reference to the same JS object).
    pub fn get(&self) -> Option<T> {
        self.0.try_borrow().ok().map(|slot| slot.clone())
    }
}
