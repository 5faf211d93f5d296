//! "No allocation for a clean document": after warm-up (per-thread caches), scanning a clean JSON
//! body or log line allocates nothing.

use apiward_detect::Detector;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::SeqCst);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn clean_documents_do_not_allocate() {
    let det = Detector::new();
    let body = br#"{"items":[{"id":1,"uuid":"550e8400-e29b-41d4-a716-446655440000","price":19.99,"created_at":"2024-05-01T10:00:00Z","url":"https://cdn.shop.test/a.png","tags":["a","b"],"nested":{"code":"WH-1"}},{"id":2,"uuid":"550e8400-e29b-41d4-a716-446655440001","price":5.5,"created_at":"2024-05-02T10:00:00Z","url":"https://cdn.shop.test/b.png","tags":[],"nested":{"code":"WH-2"}}],"count":2}"#;
    let log =
        b"2024-05-01 10:00:00,123 INFO GET /api/orders/42 status=200 duration_ms=12 user_id=7";
    let mut out = Vec::new();
    // warm up the per-thread caches
    det.scan_into(body, &mut out);
    det.scan_text(log, &mut out);
    assert!(out.is_empty());
    let before = ALLOCS.load(Ordering::SeqCst);
    for _ in 0..100 {
        det.scan_into(body, &mut out);
        det.scan_text(log, &mut out);
    }
    let after = ALLOCS.load(Ordering::SeqCst);
    assert!(out.is_empty());
    assert_eq!(
        after - before,
        0,
        "allocations while scanning clean documents"
    );
}
