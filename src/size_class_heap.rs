//! The wasm build's memory allocator: power-of-two size classes with one free list each.
//!
//! std's dlmalloc is about 7 KB of the module; this is a few hundred bytes. What we give up
//! (coalescing, splitting) does not matter here: a call allocates the same few shapes of
//! blocks every time, so freed blocks are reused and memory stays flat (the memory tests
//! and `npm run bench -- --only memory` check that over 100,000 calls).
//!
//! Every block of class `c` (size 2^c) is aligned to `min(2^c, PAGE)`, so any request whose
//! alignment is at most its rounded size is satisfied by any block of its class. No header:
//! `dealloc` gets the size and alignment back from the caller, which is enough to find the
//! class. Fresh memory comes from a bump region; when aligning the bump pointer would skip
//! bytes, the skipped bytes are cut into blocks for the smaller classes instead of lost.

/// Smallest block: 2^4 = 16 bytes (room for the free-list link, and a common size).
const MIN_CLASS: u32 = 4;
const CLASSES: usize = usize::BITS as usize;
/// The unit the host grows memory by (a wasm page).
pub const PAGE: usize = 65536;

pub struct Heap {
    /// Address of the first free block of each class; each free block holds the next one's.
    free: [usize; CLASSES],
    bump: usize,
    end: usize,
}

/// The class of a request: log2 of the block size that holds it, or `None` for requests
/// no block can satisfy (alignment above a page, or sizes that overflow).
fn class_of(size: usize, align: usize) -> Option<u32> {
    if align > PAGE {
        return None;
    }
    let rounded = size.max(align).max(1 << MIN_CLASS).checked_next_power_of_two()?;
    Some(rounded.trailing_zeros())
}

fn block_align(class: u32) -> usize {
    (1usize << class).min(PAGE)
}

impl Heap {
    pub const fn new() -> Heap {
        Heap { free: [0; CLASSES], bump: 0, end: 0 }
    }

    /// A block for `size` bytes aligned to `align`, or null. `grow(bytes)` asks the host for
    /// at least `bytes` more bytes and returns where they start (page aligned), or `None`.
    ///
    /// # Safety
    /// Every address `grow` returns must be memory this heap owns from then on.
    pub unsafe fn alloc(&mut self, size: usize, align: usize, grow: impl FnOnce(usize) -> Option<usize>) -> *mut u8 {
        // `get_mut`: a class is always below CLASSES, but indexing would link a panic path.
        let Some((class, free)) = class_of(size, align).and_then(|class| Some((class, self.free.get_mut(class as usize)?))) else {
            return core::ptr::null_mut();
        };
        let head = *free;
        if head != 0 {
            // SAFETY: `head` is a free block of this class; its first word is the next link.
            *free = unsafe { *(head as *const usize) };
            return head as *mut u8;
        }
        let block = 1usize << class;
        let align = block_align(class);
        let mut aligned = (self.bump + align - 1) & !(align - 1);
        if aligned.checked_add(block).is_none_or(|end| end > self.end) {
            // Not enough room: take fresh pages. They usually follow `end` directly (nothing
            // else grows the memory); if not, start a new region and keep the old tail as
            // small blocks.
            let Some(bytes) = (block + align).checked_next_multiple_of(PAGE) else { return core::ptr::null_mut() };
            let Some(start) = grow(bytes) else { return core::ptr::null_mut() };
            if start != self.end {
                // SAFETY: the old tail is ours and unused.
                unsafe { self.carve(self.end) };
                self.bump = start;
            }
            self.end = start + bytes;
            aligned = (self.bump + align - 1) & !(align - 1);
        }
        // SAFETY: bytes between the bump pointer and the aligned address are ours, unused.
        unsafe { self.carve(aligned) };
        let address = self.bump;
        self.bump += block;
        address as *mut u8
    }

    /// Moves the bump pointer to `to`, handing the skipped bytes to the free lists as the
    /// largest aligned blocks that fit (each step's block is aligned by the lowest set bit).
    unsafe fn carve(&mut self, to: usize) {
        while self.bump < to {
            let mut class = self.bump.trailing_zeros().min(usize::BITS - 1);
            while class > MIN_CLASS && self.bump + (1 << class) > to {
                class -= 1;
            }
            if class < MIN_CLASS || self.bump + (1 << class) > to {
                // Unreachable with 16-aligned regions; never hand out a block that overlaps.
                self.bump = to;
                return;
            }
            // SAFETY: the caller owns [bump, to); this block is inside it.
            unsafe { self.push(self.bump, class) };
            self.bump += 1 << class;
        }
    }

    unsafe fn push(&mut self, address: usize, class: u32) {
        if let Some(free) = self.free.get_mut(class as usize) {
            // SAFETY: the block is free and at least one word long.
            unsafe { *(address as *mut usize) = *free };
            *free = address;
        }
    }

    /// # Safety
    /// `ptr` came from `alloc` on this heap with the same `size` and `align`.
    pub unsafe fn dealloc(&mut self, ptr: *mut u8, size: usize, align: usize) {
        if let Some(class) = class_of(size, align) {
            // SAFETY: per the contract, the block is ours and no longer used.
            unsafe { self.push(ptr as usize, class) };
        }
    }

    /// Whether a block for (`old`, `align`) also holds `new` bytes: realloc then keeps it.
    pub fn same_block(old: usize, new: usize, align: usize) -> bool {
        class_of(old, align).is_some() && class_of(old, align) == class_of(new, align)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{alloc, Layout};

    /// A heap over a private arena; `grow` hands out its pages in order, like memory.grow.
    struct Arena {
        heap: Heap,
        base: usize,
        pages: usize,
        limit: usize,
    }

    impl Arena {
        fn new(limit_pages: usize) -> Arena {
            let layout = Layout::from_size_align(limit_pages * PAGE, PAGE).unwrap();
            let base = unsafe { alloc(layout) } as usize;
            assert_ne!(base, 0);
            Arena { heap: Heap::new(), base, pages: 0, limit: limit_pages }
        }
        fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
            let (base, pages, limit) = (self.base, &mut self.pages, self.limit);
            unsafe {
                self.heap.alloc(size, align, |bytes| {
                    let wanted = bytes / PAGE;
                    if *pages + wanted > limit {
                        return None;
                    }
                    let start = base + *pages * PAGE;
                    *pages += wanted;
                    Some(start)
                })
            }
        }
        fn contains(&self, p: *mut u8, size: usize) -> bool {
            let p = p as usize;
            p >= self.base && p + size <= self.base + self.pages * PAGE
        }
    }

    #[test]
    fn blocks_are_aligned_disjoint_and_inside_the_memory() {
        let mut arena = Arena::new(256);
        let mut live: Vec<(usize, usize)> = Vec::new();
        let mut seed = 12345u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20_000 {
            let r = next();
            if r % 3 == 0 && !live.is_empty() {
                let (p, size) = live.swap_remove((r as usize / 3) % live.len());
                // The block still holds what was written into it.
                let fill = (p as u8) ^ (size as u8);
                assert!(unsafe { std::slice::from_raw_parts(p as *const u8, size) }.iter().all(|&b| b == fill));
                unsafe { arena.heap.dealloc(p as *mut u8, size, 8) };
                continue;
            }
            let size = match r % 10 {
                0 => 1 + (r as usize >> 8) % 70_000,
                1..=3 => 1 + (r as usize >> 8) % 2_000,
                _ => 1 + (r as usize >> 8) % 64,
            };
            let align = [1, 2, 4, 8, 16, 64][(r as usize >> 4) % 6];
            let p = arena.alloc(size, align);
            assert!(!p.is_null(), "round {round}: out of memory");
            assert_eq!(p as usize % align, 0);
            assert!(arena.contains(p, size));
            for &(q, qsize) in &live {
                assert!(p as usize + size <= q || q + qsize <= p as usize, "overlap");
            }
            let fill = (p as u8) ^ (size as u8);
            unsafe { std::ptr::write_bytes(p, fill, size) };
            // Keep the alignment the test frees with (8) valid for the class lookup.
            if align <= 8 {
                live.push((p as usize, size));
            } else {
                unsafe { arena.heap.dealloc(p, size, align) };
            }
        }
    }

    #[test]
    fn freed_blocks_are_reused_so_a_steady_workload_stays_flat() {
        let mut arena = Arena::new(64);
        for _ in 0..100_000 {
            let blocks: Vec<_> = [24, 100, 700, 5000, 40].iter().map(|&s| (arena.alloc(s, 8), s)).collect();
            for (p, s) in blocks {
                unsafe { arena.heap.dealloc(p, s, 8) };
            }
        }
        assert!(arena.pages <= 2, "grew to {} pages", arena.pages);
    }

    #[test]
    fn impossible_requests_are_refused_not_served() {
        let mut arena = Arena::new(4);
        assert!(arena.alloc(8 * PAGE, 8).is_null(), "more than the memory can give");
        assert!(arena.alloc(8, 2 * PAGE).is_null(), "alignment above a page");
        assert!(arena.alloc(usize::MAX - 10, 1).is_null(), "size overflows");
        assert!(!arena.alloc(100, 8).is_null(), "still usable afterwards");
    }

    #[test]
    fn skipped_bytes_become_smaller_blocks() {
        let mut arena = Arena::new(4);
        let small = arena.alloc(16, 8);
        let big = arena.alloc(4096, 4096);
        assert_eq!(big as usize % 4096, 0);
        // The gap between them was cut into blocks, so small requests now come from it.
        let reused = arena.alloc(32, 8);
        assert!((reused as usize) > small as usize && (reused as usize) < big as usize);
    }

    #[test]
    fn realloc_keeps_the_block_within_a_class() {
        assert!(Heap::same_block(17, 32, 1));
        assert!(!Heap::same_block(32, 33, 1));
        assert!(Heap::same_block(1, 16, 8));
    }
}
