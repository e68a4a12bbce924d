//! Pagination and the answer size budget shared by every tool.
//!
//! A list is answered one page at a time: `offset` (0-based) and `limit` pick the items, and
//! the answer's `page` object says how many there are in all and how many were left out, so a
//! model knows to ask for the next page. When the caller did not give `limit`, the page is also
//! shrunk until the whole answer fits in [`MAX_ANSWER_BYTES`].

use serde_json::{json, Value};

/// About the most an answer may hold unless the caller asks for more (an explicit `limit`).
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// Items per page when the caller gives no `limit`.
pub const DEFAULT_LIMIT: usize = 50;
/// Entries kept in the small lists inside statistics (unique names, addresses, ...).
pub const MAX_STAT_ENTRIES: usize = 100;

/// What the caller asked for.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub offset: usize,
    /// `None`: the default, shrunk to fit the size budget.
    pub limit: Option<usize>,
    /// The default page size for this list.
    pub default_limit: usize,
}

impl PageRequest {
    pub fn new(offset: Option<u64>, limit: Option<u64>, default_limit: usize) -> Self {
        PageRequest {
            offset: offset.map_or(0, to_usize),
            limit: limit.map(to_usize),
            default_limit,
        }
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// The `page` object of an answer.
pub fn page_info(offset: usize, returned: usize, total: usize) -> Value {
    let end = offset.saturating_add(returned).min(total);
    json!({
        "offset": offset,
        "returned": returned,
        "total": total,
        "omitted": total - returned.min(total),
        "next_offset": (end < total).then_some(end),
    })
}

/// Builds an answer around a page of `items`: `build(page, page_info)` makes the answer for
/// one page. Without an explicit limit, the page shrinks until the answer fits the budget.
pub fn paged<T>(
    items: &[T],
    request: PageRequest,
    mut build: impl FnMut(&[T], Value) -> Value,
) -> Value {
    let total = items.len();
    let start = request.offset.min(total);
    let rest = items.get(start..).unwrap_or_default();
    let mut n = request
        .limit
        .unwrap_or(request.default_limit)
        .min(rest.len());
    loop {
        let page = rest.get(..n).unwrap_or_default();
        let answer = build(page, page_info(start, n, total));
        if request.limit.is_some() || n == 0 {
            return answer;
        }
        let size = answer.to_string().len();
        if size <= MAX_ANSWER_BYTES {
            return answer;
        }
        // Scale down by the overshoot (at least one item less each time).
        let scaled = n * MAX_ANSWER_BYTES / size;
        n = scaled.min(n - 1);
    }
}

/// The first [`MAX_STAT_ENTRIES`] of a list, and how many were left out.
pub fn capped<T: Clone>(items: &[T]) -> (Vec<T>, usize) {
    let kept = items
        .iter()
        .take(MAX_STAT_ENTRIES)
        .cloned()
        .collect::<Vec<_>>();
    let omitted = items.len() - kept.len();
    (kept, omitted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_report_totals_and_omissions() {
        let items: Vec<u32> = (0..120).collect();
        let a = paged(
            &items,
            PageRequest::new(None, None, 50),
            |p, info| json!({"items": p, "page": info}),
        );
        assert_eq!(a["items"].as_array().unwrap().len(), 50);
        assert_eq!(a["page"]["total"], 120);
        assert_eq!(a["page"]["omitted"], 70);
        assert_eq!(a["page"]["next_offset"], 50);
        let b = paged(
            &items,
            PageRequest::new(Some(100), Some(50), 50),
            |p, info| json!({"items": p, "page": info}),
        );
        assert_eq!(b["items"][0], 100);
        assert_eq!(b["page"]["returned"], 20);
        assert_eq!(b["page"]["omitted"], 100);
        assert!(b["page"]["next_offset"].is_null());
        let c = paged(
            &items,
            PageRequest::new(Some(500), None, 50),
            |p, info| json!({"items": p, "page": info}),
        );
        assert_eq!(c["page"]["returned"], 0);
    }

    #[test]
    fn default_pages_shrink_to_the_budget() {
        let big = "x".repeat(10_000);
        let items: Vec<String> = (0..40).map(|_| big.clone()).collect();
        let a = paged(
            &items,
            PageRequest::new(None, None, 50),
            |p, info| json!({"items": p, "page": info}),
        );
        assert!(a.to_string().len() <= MAX_ANSWER_BYTES);
        let n = a["page"]["returned"].as_u64().unwrap();
        assert!((4..=6).contains(&n), "{n}");
        // Asked for explicitly: no shrinking.
        let b = paged(
            &items,
            PageRequest::new(None, Some(40), 50),
            |p, info| json!({"items": p, "page": info}),
        );
        assert_eq!(b["page"]["returned"], 40);
    }
}
