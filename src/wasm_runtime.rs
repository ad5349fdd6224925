//! What std would provide to the `no_std` release wasm: the allocator and the panic handler.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;

use crate::size_class_heap::{Heap, PAGE};

struct Allocator(UnsafeCell<Heap>);

// SAFETY: wasm32-unknown-unknown without the atomics feature has one thread.
unsafe impl Sync for Allocator {}

#[global_allocator]
static ALLOCATOR: Allocator = Allocator(UnsafeCell::new(Heap::new()));

fn grow(bytes: usize) -> Option<usize> {
    let previous = core::arch::wasm32::memory_grow(0, bytes / PAGE);
    (previous != usize::MAX).then(|| previous * PAGE)
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one thread, and no allocation re-enters the allocator.
        unsafe { (*self.0.get()).alloc(layout.size(), layout.align(), grow) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).dealloc(ptr, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if Heap::same_block(layout.size(), new_size, layout.align()) {
            return ptr;
        }
        // SAFETY: the caller guarantees `new_size` with this alignment is a valid layout.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            unsafe {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// A panic is a bug (the code is written not to panic on any input), and there is nowhere
/// to print it: trap. Formatting the message would link `core::fmt` into every build.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
